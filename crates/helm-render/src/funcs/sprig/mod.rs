//! Sprig's functions, as Helm registers them (every one but `env` and `expandenv`).

mod numbers;
mod strings;

use crate::template::Funcs;

/// Adds Sprig's functions.
pub(crate) fn register(funcs: &mut Funcs) {
    numbers::register(funcs);
    strings::register(funcs);
}
