//! Sprig's checksums: `sha1sum`, `sha256sum`, `sha512sum` (lowercase hex) and `adler32sum`
//! (decimal).

use sha1::Digest;

use crate::funcs::args::{arity, string};
use crate::template::Funcs;
use crate::template::value::Value;

pub(super) fn register(funcs: &mut Funcs) {
    hash(funcs, "sha1sum", |b| sha1::Sha1::digest(b).to_vec());
    hash(funcs, "sha256sum", |b| sha2::Sha256::digest(b).to_vec());
    hash(funcs, "sha512sum", |b| sha2::Sha512::digest(b).to_vec());
    funcs.insert("adler32sum", |_, args| {
        arity("adler32sum", args, 1)?;
        Ok(Value::from(
            adler32(string("adler32sum", args, 0)?.as_bytes()).to_string(),
        ))
    });
}

fn hash(funcs: &mut Funcs, name: &'static str, digest: fn(&[u8]) -> Vec<u8>) {
    funcs.insert(name, move |_, args| {
        arity(name, args, 1)?;
        let input = string(name, args, 0)?;
        Ok(Value::from(
            data_encoding::HEXLOWER.encode(&digest(input.as_bytes())),
        ))
    });
}

/// Adler-32 (RFC 1950).
fn adler32(bytes: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in bytes.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}
