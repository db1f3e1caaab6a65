//! The functions Helm gives templates: text/template's own, Sprig's (all of Helm's set but
//! `env` and `expandenv`), and Helm's (`include`, `tpl`, `required`, `toYaml`, ...).
//! Functions that read the outside world are offline and deterministic.

pub(crate) mod args;
mod helm;
mod sprig;

use crate::template::Funcs;

/// text/template's functions plus Sprig's.
pub fn sprig_funcs() -> Funcs {
    let mut funcs = Funcs::builtin();
    sprig::register(&mut funcs);
    funcs
}

/// Every function Helm gives templates.
pub fn helm_funcs() -> Funcs {
    let mut funcs = sprig_funcs();
    helm::register(&mut funcs);
    funcs
}
