//! Sprig's functions, as Helm registers them (every one but `env` and `expandenv`), one
//! module per family.
//!
//! Functions that read the outside world are offline and deterministic: randomness comes
//! from one seeded generator per function set (see `random`), and `getHostByName` finds
//! nothing.

mod case;
mod certs;
mod crypto;
mod dates;
mod defaults;
mod der;
mod dicts;
mod duration;
mod encoding;
mod hashes;
mod keys;
mod layout;
mod lists;
mod math;
mod numbers;
mod paths;
mod random;
mod reflect;
mod regex;
mod semver;
mod strings;
mod strlists;
mod time;
mod urls;

use crate::template::Funcs;

/// Adds Sprig's functions.
pub(crate) fn register(funcs: &mut Funcs) {
    let rng = random::Rng::new();
    case::register(funcs);
    certs::register(funcs, &rng);
    crypto::register(funcs, &rng);
    dates::register(funcs);
    defaults::register(funcs);
    dicts::register(funcs);
    encoding::register(funcs);
    hashes::register(funcs);
    crate::funcs::serialize::register_sprig(funcs);
    lists::register(funcs);
    math::register(funcs);
    numbers::register(funcs);
    paths::register(funcs);
    random::register(funcs, &rng);
    reflect::register(funcs);
    regex::register(funcs);
    semver::register(funcs);
    strings::register(funcs);
    strlists::register(funcs);
    urls::register(funcs);
}
