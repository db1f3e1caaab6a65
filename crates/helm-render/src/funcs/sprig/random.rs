//! Sprig's random functions, made deterministic: `randAlpha`, `randAlphaNum`, `randAscii`,
//! `randNumeric`, `randBytes`, `randInt`, `shuffle` and `uuidv4` (and the salts, IVs and
//! keys of the crypto functions) draw from one generator per function set, seeded with a
//! fixed value. The n-th draw of a render is the same in every run, so output is
//! reproducible; helm's differs on every run, which is why cases check these functions by
//! shape (length, alphabet) rather than value.
//!
//! `getHostByName` does no lookup: it returns the empty string.

use std::cell::Cell;
use std::rc::Rc;

use crate::funcs::args::{arity, check_size, int, string};
use crate::template::Funcs;
use crate::template::value::Value;

/// The generator's seed ("kubeward" in ASCII).
const SEED: u64 = 0x6b75_6265_7761_7264;

/// A small deterministic generator (SplitMix64): not for secrets, only for reproducible
/// stand-ins of Go's `crypto/rand`.
#[derive(Debug)]
pub(crate) struct Rng {
    state: Cell<u64>,
}

impl Rng {
    pub(crate) fn new() -> Rc<Rng> {
        Rc::new(Rng {
            state: Cell::new(SEED),
        })
    }

    pub(crate) fn next_u64(&self) -> u64 {
        let state = self.state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.state.set(state);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform number below `bound` (> 0), without modulo bias.
    pub(crate) fn below(&self, bound: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % bound;
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % bound;
            }
        }
    }

    pub(crate) fn fill(&self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            for (b, w) in chunk.iter_mut().zip(word) {
                *b = w;
            }
        }
    }
}

const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const NUMERIC: &[u8] = b"0123456789";

pub(super) fn register(funcs: &mut Funcs, rng: &Rc<Rng>) {
    for (name, alphabet) in [
        ("randAlpha", Some(ALPHA)),
        ("randAlphaNum", Some(ALPHANUMERIC)),
        ("randNumeric", Some(NUMERIC)),
        ("randAscii", None),
    ] {
        let rng = Rc::clone(rng);
        funcs.insert(name, move |_, args| {
            arity(name, args, 1)?;
            let count = int(name, args, 0)?;
            // goutils refuses a negative count, and Sprig turns its error into "".
            let Ok(count) = usize::try_from(count) else {
                return Ok(Value::from(""));
            };
            check_size(name, count as u128)?;
            let text: String = (0..count)
                .map(|_| match alphabet {
                    Some(chars) => chars
                        .get(rng.below(chars.len() as u64) as usize)
                        .map_or('a', |&b| char::from(b)),
                    // Printable ASCII, space to tilde.
                    None => char::from(32 + rng.below(95) as u8),
                })
                .collect();
            Ok(Value::from(text))
        });
    }
    let r = Rc::clone(rng);
    funcs.insert("randBytes", move |_, args| {
        arity("randBytes", args, 1)?;
        let Ok(count) = usize::try_from(int("randBytes", args, 0)?) else {
            return Err("runtime error: makeslice: len out of range".into());
        };
        check_size("randBytes", count as u128)?;
        let mut bytes = vec![0u8; count];
        r.fill(&mut bytes);
        Ok(Value::from(data_encoding::BASE64.encode(&bytes)))
    });
    let r = Rc::clone(rng);
    funcs.insert("randInt", move |_, args| {
        arity("randInt", args, 2)?;
        let min = int("randInt", args, 0)?;
        let max = int("randInt", args, 1)?;
        let span = max.wrapping_sub(min);
        if span <= 0 {
            return Err("invalid argument to Intn".into());
        }
        Ok(Value::Int(min.wrapping_add(r.below(span as u64) as i64)))
    });
    let r = Rc::clone(rng);
    funcs.insert("shuffle", move |_, args| {
        arity("shuffle", args, 1)?;
        let mut chars: Vec<char> = string("shuffle", args, 0)?.chars().collect();
        for i in (1..chars.len()).rev() {
            let j = r.below(i as u64 + 1) as usize;
            chars.swap(i, j);
        }
        Ok(Value::from(chars.into_iter().collect::<String>()))
    });
    let r = Rc::clone(rng);
    funcs.insert("uuidv4", move |_, args| {
        arity("uuidv4", args, 0)?;
        Ok(Value::from(uuid_v4(&r)))
    });
    funcs.insert("getHostByName", |_, args| {
        arity("getHostByName", args, 1)?;
        string("getHostByName", args, 0)?;
        Ok(Value::from(""))
    });
}

/// A version 4 UUID from the generator, in the canonical 8-4-4-4-12 form.
fn uuid_v4(rng: &Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    if let Some(b) = bytes.get_mut(6) {
        *b = (*b & 0x0f) | 0x40;
    }
    if let Some(b) = bytes.get_mut(8) {
        *b = (*b & 0x3f) | 0x80;
    }
    let hex = data_encoding::HEXLOWER.encode(&bytes);
    let part = |from: usize, to: usize| hex.get(from..to).unwrap_or("");
    format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    )
}
