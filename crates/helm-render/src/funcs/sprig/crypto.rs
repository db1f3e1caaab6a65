//! Sprig's password and cipher functions: `bcrypt` and `htpasswd` (bcrypt `$2a$`, cost 10),
//! `derivePassword` (the Master Password algorithm: scrypt, then HMAC-SHA256 over the site),
//! `encryptAES` and `decryptAES` (AES-256-CBC, PKCS#7 padding, the IV in front, base64).
//!
//! `derivePassword` and `decryptAES` are deterministic and match helm byte for byte. The
//! salts of `bcrypt` and the IVs of `encryptAES` come from the renderer's seeded generator
//! (see `random`), so their output is reproducible here and random in helm.

use std::rc::Rc;

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, generic_array::GenericArray};
use hmac::Mac;

use crate::funcs::args::{arg, arity, string};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

use super::encoding::base64_decode;
use super::random::Rng;

/// Go's bcrypt `DefaultCost`.
const BCRYPT_COST: u32 = 10;

pub(super) fn register(funcs: &mut Funcs, rng: &Rc<Rng>) {
    let r = Rc::clone(rng);
    funcs.insert("bcrypt", move |_, args| {
        arity("bcrypt", args, 1)?;
        Ok(Value::from(bcrypt_or_message(
            string("bcrypt", args, 0)?.as_bytes(),
            &r,
        )))
    });
    let r = Rc::clone(rng);
    funcs.insert("htpasswd", move |_, args| {
        arity("htpasswd", args, 2)?;
        let user = string("htpasswd", args, 0)?;
        let password = string("htpasswd", args, 1)?;
        if user.contains(':') {
            return Ok(Value::from(format!("invalid username: {user}")));
        }
        Ok(Value::from(format!(
            "{user}:{}",
            bcrypt_or_message(password.as_bytes(), &r)
        )))
    });
    funcs.insert("derivePassword", |_, args| {
        arity("derivePassword", args, 5)?;
        let counter = match arg(args, 0) {
            Value::Int(i) => {
                u32::try_from(*i).map_err(|_| FuncError::Args(format!("{i} overflows uint32")))?
            }
            other => {
                return Err(FuncError::Args(format!(
                    "wrong type for value; expected uint32; got {}",
                    other.type_name()
                )));
            }
        };
        let kind = string("derivePassword", args, 1)?;
        let password = string("derivePassword", args, 2)?;
        let user = string("derivePassword", args, 3)?;
        let site = string("derivePassword", args, 4)?;
        Ok(Value::from(derive_password(
            counter, &kind, &password, &user, &site,
        )))
    });
    let r = Rc::clone(rng);
    funcs.insert("encryptAES", move |_, args| {
        arity("encryptAES", args, 2)?;
        let password = string("encryptAES", args, 0)?;
        let plaintext = string("encryptAES", args, 1)?;
        Ok(Value::from(encrypt_aes(&password, &plaintext, &r)))
    });
    funcs.insert("decryptAES", |_, args| {
        arity("decryptAES", args, 2)?;
        let password = string("decryptAES", args, 0)?;
        let crypt = string("decryptAES", args, 1)?;
        decrypt_aes(&password, &crypt).map(Value::from)
    });
}

fn bcrypt_or_message(password: &[u8], rng: &Rng) -> String {
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .to_owned();
    }
    let mut salt = [0u8; 16];
    rng.fill(&mut salt);
    bcrypt(password, &salt, BCRYPT_COST)
}

/// OpenBSD bcrypt, version `2a`: `$2a$COST$` then the salt (22) and hash (31) in bcrypt's
/// base64 alphabet.
fn bcrypt(password: &[u8], salt: &[u8; 16], cost: u32) -> String {
    let mut key = password.to_vec();
    key.push(0);
    key.truncate(72);
    let mut state: blowfish::Blowfish = blowfish::Blowfish::bc_init_state();
    state.salted_expand_key(salt, &key);
    for _ in 0..(1u32 << cost) {
        state.bc_expand_key(&key);
        state.bc_expand_key(salt);
    }
    let magic = b"OrpheanBeholderScryDoubt";
    let mut words: Vec<u32> = magic
        .chunks(4)
        .map(|c| u32::from_be_bytes(c.try_into().unwrap_or([0; 4])))
        .collect();
    for pair in words.chunks_mut(2) {
        if let [l, r] = pair {
            let mut lr = [*l, *r];
            for _ in 0..64 {
                lr = state.bc_encrypt(lr);
            }
            *l = lr[0];
            *r = lr[1];
        }
    }
    let hash: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
    format!(
        "$2a${cost:02}${}{}",
        bcrypt_base64(salt),
        bcrypt_base64(hash.get(..23).unwrap_or_default())
    )
}

/// Base64 without padding in bcrypt's alphabet (`./A-Za-z0-9`).
fn bcrypt_base64(bytes: &[u8]) -> String {
    const STANDARD: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const BCRYPT: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    data_encoding::BASE64_NOPAD
        .encode(bytes)
        .bytes()
        .map(|b| {
            let index = STANDARD.iter().position(|&s| s == b).unwrap_or(0);
            char::from(BCRYPT.get(index).copied().unwrap_or(b'.'))
        })
        .collect()
}

/// The Master Password templates for each password type.
fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_characters(class: u8) -> &'static [u8] {
    match class {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    const SEED: &[u8] = b"com.lyndir.masterpassword";
    let Some(templates) = templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = SEED.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let derived = scrypt::Params::new(15, 8, 2, 64)
        .map_err(|err| err.to_string())
        .and_then(|params| {
            scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key)
                .map_err(|err| err.to_string())
        });
    if let Err(err) = derived {
        return format!("failed to derive password: {err}");
    }
    let mut message = SEED.to_vec();
    message.extend_from_slice(&(site.len() as u32).to_be_bytes());
    message.extend_from_slice(site.as_bytes());
    message.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&key) else {
        return String::new();
    };
    mac.update(&message);
    let seed = mac.finalize().into_bytes();
    let byte = |i: usize| usize::from(seed.get(i).copied().unwrap_or(0));
    let template = templates
        .get(byte(0) % templates.len())
        .copied()
        .unwrap_or("");
    template
        .bytes()
        .enumerate()
        .map(|(i, class)| {
            let chars = template_characters(class);
            char::from(
                chars
                    .get(byte(i + 1) % chars.len())
                    .copied()
                    .unwrap_or(b'a'),
            )
        })
        .collect()
}

/// The AES-256 key Sprig makes of a password: its first 32 bytes, zero-padded.
fn aes_key(password: &str) -> aes::Aes256 {
    let mut key = [0u8; 32];
    for (k, p) in key.iter_mut().zip(password.bytes()) {
        *k = p;
    }
    aes::Aes256::new(GenericArray::from_slice(&key))
}

/// Sprig's `encryptAES`: PKCS#7 padding, a random IV, CBC, the IV and ciphertext in base64.
fn encrypt_aes(password: &str, plaintext: &str, rng: &Rng) -> String {
    if plaintext.is_empty() {
        return String::new();
    }
    let cipher = aes_key(password);
    let mut content = plaintext.as_bytes().to_vec();
    let padding = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(padding as u8, padding));
    let mut iv = [0u8; 16];
    rng.fill(&mut iv);
    let mut out = iv.to_vec();
    let mut previous = iv;
    for block in content.chunks(16) {
        let mut buffer = [0u8; 16];
        for ((b, p), c) in buffer.iter_mut().zip(previous).zip(block) {
            *b = p ^ c;
        }
        let mut array = GenericArray::from(buffer);
        cipher.encrypt_block(&mut array);
        previous = array.into();
        out.extend_from_slice(&previous);
    }
    data_encoding::BASE64.encode(&out)
}

/// Sprig's `decryptAES`, failing where Go panics on malformed input.
fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, FuncError> {
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let crypt = base64_decode(crypt64.as_bytes())
        .map_err(|at| format!("illegal base64 data at input byte {at}"))?;
    let cipher = aes_key(password);
    if crypt.len() < 16 {
        return Err(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            crypt.len()
        )
        .into());
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".into());
    }
    let mut previous: [u8; 16] = iv.try_into().unwrap_or([0; 16]);
    let mut plain = Vec::with_capacity(body.len());
    for block in body.chunks(16) {
        let current: [u8; 16] = block.try_into().unwrap_or([0; 16]);
        let mut array = GenericArray::from(current);
        cipher.decrypt_block(&mut array);
        plain.extend(array.iter().zip(previous).map(|(d, p)| d ^ p));
        previous = current;
    }
    let Some(&last) = plain.last() else {
        return Err("runtime error: index out of range [-1]".into());
    };
    let end = plain.len() as i64 - i64::from(last);
    if end < 0 {
        return Err(format!("runtime error: slice bounds out of range [:{end}]").into());
    }
    Ok(String::from_utf8_lossy(plain.get(..end as usize).unwrap_or_default()).into_owned())
}
