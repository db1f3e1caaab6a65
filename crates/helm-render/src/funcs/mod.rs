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

/// text/template's functions plus Sprig's.
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
