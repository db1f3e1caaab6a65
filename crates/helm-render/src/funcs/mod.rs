//! The functions Helm gives templates: text/template's own, Sprig's (all of Helm's set but
//! `env` and `expandenv`), and Helm's (`include`, `tpl`, `required`, `toYaml`, ...).
//! Functions that read the outside world are offline and deterministic.

pub(crate) mod args;
mod helm;
pub mod json;
mod json_decode;
pub mod serialize;
mod sprig;
mod toml_codec;
pub mod yaml;
mod yaml_emit;
mod yaml_json;
mod yaml_resolve;

use crate::template::Funcs;

/// text/template's functions plus Sprig's. Each call makes a new set, whose random
/// functions start from the same seed: a render that uses its own set is reproducible.
///
/// ```
/// use helm_render::template::{TemplateSet, value::Value};
///
/// let funcs = helm_render::funcs::sprig_funcs();
/// let mut set = TemplateSet::default();
/// let text = r#"{{ $d := dict "b" 2 }}{{ $_ := merge $d (dict "a" 1 "b" 3) }}{{ $d | toRawJson }} {{ "web" | upper | quote }}"#;
/// set.parse("t", text, &funcs).unwrap();
/// let out = set.execute("t", &Value::Nil, &funcs, 10_000).unwrap();
/// assert_eq!(out.text, r#"{"a":1,"b":2} "WEB""#);
/// ```
pub fn sprig_funcs() -> Funcs {
    let mut funcs = Funcs::builtin();
    sprig::register(&mut funcs);
    funcs
}

/// Every function Helm gives templates that kubeward has: Sprig's set plus Helm's own.
pub fn helm_funcs() -> Funcs {
    let mut funcs = sprig_funcs();
    helm::register(&mut funcs);
    serialize::register(&mut funcs);
    funcs
}
