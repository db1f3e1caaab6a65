//! Renders Helm charts from in-memory files, as `helm template` does, with no helm binary,
//! no file system and no network. Every rendered byte knows the template position that
//! produced it, so findings in rendered manifests can be reported in the chart's sources.

pub mod chart;
pub mod dependencies;
pub mod engine;
pub mod funcs;
pub mod manifests;
pub mod objects;
pub mod release;
pub mod schema;
pub mod semver;
pub mod template;
pub mod values;

pub use chart::{Chart, ChartError, ChartFile};
pub use release::{Release, RenderError, TemplateOptions, render_files, template};
pub use values::ValueOptions;
