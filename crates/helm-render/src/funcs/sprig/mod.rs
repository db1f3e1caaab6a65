//! Sprig's functions, as Helm registers them (every one but `env` and `expandenv`), one
//! module per family.

mod defaults;
mod dicts;
mod encoding;
mod lists;
mod math;
mod numbers;
mod paths;
mod reflect;
mod regex;
mod strings;
mod strlists;

use crate::template::Funcs;

/// Adds Sprig's functions.
pub(crate) fn register(funcs: &mut Funcs) {
    defaults::register(funcs);
    dicts::register(funcs);
    encoding::register(funcs);
    lists::register(funcs);
    math::register(funcs);
    numbers::register(funcs);
    paths::register(funcs);
    reflect::register(funcs);
    regex::register(funcs);
    strings::register(funcs);
    strlists::register(funcs);
}
