//! kubeward in WebAssembly: the whole core (YAML, rules, Helm rendering) behind four
//! functions, for editors and browsers.
//!
//! - `lint(files, options)`: the report of `kubeward lint --format json`;
//! - `renderChart(files, options)`: the charts among the files, rendered, with the template
//!   position of every rendered byte;
//! - `rules()`: the rule catalogue with each rule's documentation;
//! - `version()`.
//!
//! Files are `{path, content}`; options are the keys of `.kubeward.yaml`. [`api`] is the
//! API in plain Rust (tested natively), [`bindings`] converts JavaScript values, and
//! `src/types.d.ts` types every value for TypeScript. `build.sh` makes the npm package.

pub mod api;
pub mod bindings;
mod positions;

pub use positions::Encoding;
