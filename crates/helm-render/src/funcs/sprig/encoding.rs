//! Sprig's base64 and base32 functions (standard alphabets, padded). Decoding failures are
//! not errors: the result is Go's error text (`illegal base64 data at input byte 4`), as
//! Sprig returns it.

use crate::funcs::args::{arity, string};
use crate::template::Funcs;
use crate::template::value::Value;

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("b64enc", |_, args| {
        arity("b64enc", args, 1)?;
        let s = string("b64enc", args, 0)?;
        Ok(Value::from(data_encoding::BASE64.encode(s.as_bytes())))
    });
    funcs.insert("b64dec", |_, args| {
        arity("b64dec", args, 1)?;
        let s = string("b64dec", args, 0)?;
        Ok(Value::from(match base64_decode(s.as_bytes()) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(at) => format!("illegal base64 data at input byte {at}"),
        }))
    });
    funcs.insert("b32enc", |_, args| {
        arity("b32enc", args, 1)?;
        let s = string("b32enc", args, 0)?;
        Ok(Value::from(data_encoding::BASE32.encode(s.as_bytes())))
    });
    funcs.insert("b32dec", |_, args| {
        arity("b32dec", args, 1)?;
        let s = string("b32dec", args, 0)?;
        Ok(Value::from(match base32_decode(s.as_bytes()) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(at) => format!("illegal base32 data at input byte {at}"),
        }))
    });
}

fn base64_value(b: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn is_newline(b: Option<&u8>) -> bool {
    matches!(b, Some(b'\n' | b'\r'))
}

/// Go's `base64.StdEncoding.DecodeString`: newlines are skipped; the error is the offset
/// of the first bad byte, as Go counts it.
pub(crate) fn base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0usize;
    while si < src.len() {
        let mut quantum = [0u32; 4];
        let mut len = 4;
        let mut j = 0usize;
        let mut trailing = None;
        while j < 4 {
            let Some(&byte) = src.get(si) else {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            };
            si += 1;
            if let Some(value) = base64_value(byte) {
                if let Some(slot) = quantum.get_mut(j) {
                    *slot = value;
                }
                j += 1;
                continue;
            }
            if byte == b'\n' || byte == b'\r' {
                continue;
            }
            if byte != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while is_newline(src.get(si)) {
                        si += 1;
                    }
                    match src.get(si) {
                        None => return Err(src.len()),
                        Some(b'=') => si += 1,
                        Some(_) => return Err(si - 1),
                    }
                }
                _ => {}
            }
            while is_newline(src.get(si)) {
                si += 1;
            }
            if si < src.len() {
                trailing = Some(si);
            }
            len = j;
            break;
        }
        let value = quantum
            .iter()
            .fold(0u32, |acc, &sextet| (acc << 6) | sextet);
        let bytes = [(value >> 16) as u8, (value >> 8) as u8, value as u8];
        out.extend_from_slice(bytes.get(..len - 1).unwrap_or_default());
        if let Some(at) = trailing {
            return Err(at);
        }
        if len < 4 {
            return Ok(out);
        }
    }
    Ok(out)
}

fn base32_value(b: u8) -> Option<u64> {
    match b {
        b'A'..=b'Z' => Some(u64::from(b - b'A')),
        b'2'..=b'7' => Some(u64::from(b - b'2') + 26),
        _ => None,
    }
}

/// Go's `base32.StdEncoding.DecodeString` (newlines are removed first).
fn base32_decode(input: &[u8]) -> Result<Vec<u8>, usize> {
    let src: Vec<u8> = input
        .iter()
        .copied()
        .filter(|b| *b != b'\n' && *b != b'\r')
        .collect();
    let total = src.len();
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut end = false;
    while pos < total && !end {
        let mut quantum = [0u64; 8];
        let mut len = 8;
        let mut j = 0usize;
        while j < 8 {
            let Some(&byte) = src.get(pos) else {
                return Err(pos - j);
            };
            pos += 1;
            let left = total - pos;
            if byte == b'=' && j >= 2 && left < 8 {
                if left + j < 7 {
                    return Err(total);
                }
                for k in 0..(7 - j) {
                    if src.get(pos + k).is_some_and(|&b| b != b'=') {
                        return Err(pos + k - 1);
                    }
                }
                len = j;
                end = true;
                if matches!(len, 1 | 3 | 6) {
                    return Err(pos - 1);
                }
                break;
            }
            match base32_value(byte) {
                Some(value) => {
                    if let Some(slot) = quantum.get_mut(j) {
                        *slot = value;
                    }
                }
                None => return Err(pos - 1),
            }
            j += 1;
        }
        let value = quantum.iter().fold(0u64, |acc, &v| (acc << 5) | v);
        let bytes = [
            (value >> 32) as u8,
            (value >> 24) as u8,
            (value >> 16) as u8,
            (value >> 8) as u8,
            value as u8,
        ];
        let count = match len {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(bytes.get(..count).unwrap_or_default());
    }
    Ok(out)
}
