//! The comparison of a conformance case whose chart calls random functions
//! (`cases/conformance-random.yaml`): every line equal to helm's, except lines that set one
//! of the case's declared keys, whose values are compared by shape (see the header of
//! `conformance.rs`). This file reads DER itself rather than through helm-render, so that
//! the check does not rely on the code under test. kubeward's own conformance test (through
//! the binary) judges the same cases with this file.

use std::collections::BTreeMap;

use data_encoding::BASE64;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;

/// What a random value is, and so how it is compared.
#[derive(serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `randAlphaNum n | b64enc`: both decode to ASCII letters and digits, of one length.
    Password,
    /// `b64enc` of a PEM certificate from `genCA`, `genSignedCert` or `genSelfSignedCert`.
    Certificate,
    /// `b64enc` of a PEM PKCS #1 RSA key from those functions.
    RsaPrivateKey,
    /// `sha256sum` of text holding one of the random values: 64 lowercase hex digits.
    Sha256,
}

/// One case's random values.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomCase {
    pub case: String,
    /// The random functions the chart calls (helm-render's conformance test checks that
    /// each occurs in the chart's templates).
    #[allow(dead_code)]
    pub functions: Vec<String>,
    /// Keys whose values come from them (the text before `: ` on the line), and their kind.
    pub values: BTreeMap<String, Kind>,
    #[allow(dead_code)]
    pub reason: String,
}

/// Compares kubeward's output with helm's golden output under the case's rule; on success,
/// the number of lines that were compared by shape.
pub fn compare(spec: &RandomCase, ours: &str, helm: &str) -> Result<usize, String> {
    for key in spec.values.keys() {
        if !helm
            .lines()
            .any(|line| line_key(line).map(|(_, k)| k) == Some(key))
        {
            return Err(format!(
                "helm's output sets no `{key}`: the declaration is stale"
            ));
        }
    }
    let ours_lines: Vec<&str> = ours.split('\n').collect();
    let helm_lines: Vec<&str> = helm.split('\n').collect();
    if ours_lines.len() != helm_lines.len() {
        return Err(format!(
            "{} lines vs helm's {}",
            ours_lines.len(),
            helm_lines.len()
        ));
    }
    let mut shaped = 0;
    for (i, (a, b)) in ours_lines.iter().zip(&helm_lines).enumerate() {
        if a == b {
            continue;
        }
        compare_line(spec, a, b)
            .map_err(|e| format!("line {}: {e}: {a:?} vs helm {b:?}", i + 1))?;
        shaped += 1;
    }
    Ok(shaped)
}

/// `(indentation and key, key)` of a `key: value` line.
pub fn line_key(line: &str) -> Option<(&str, &str)> {
    let (head, _) = line.split_once(": ")?;
    let key = head.trim_start_matches(' ');
    Some((head, key))
}

fn compare_line(spec: &RandomCase, ours: &str, helm: &str) -> Result<(), String> {
    let (Some((head, key)), Some((helm_head, _))) = (line_key(ours), line_key(helm)) else {
        return Err("not a `key: value` line".into());
    };
    if head != helm_head {
        return Err("keys differ".into());
    }
    let Some(kind) = spec.values.get(key) else {
        return Err(format!("`{key}` is not a random value of this case"));
    };
    let value = |line: &'_ str| -> (bool, String) {
        let text = line[head.len() + 2..].to_owned();
        match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(inner) => (true, inner.to_owned()),
            None => (false, text),
        }
    };
    let (quoted, a) = value(ours);
    let (helm_quoted, b) = value(helm);
    if quoted != helm_quoted {
        return Err("quoting differs".into());
    }
    match kind {
        Kind::Password => {
            let (a, b) = (decode(&a)?, decode(&b)?);
            let alphanumeric = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_alphanumeric);
            if !alphanumeric(&a) || !alphanumeric(&b) || a.len() != b.len() {
                return Err("not alphanumeric strings of one length".into());
            }
            Ok(())
        }
        Kind::Sha256 => {
            let hex = |s: &str| {
                s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
            };
            if hex(&a) && hex(&b) {
                Ok(())
            } else {
                Err("not SHA-256 digests".into())
            }
        }
        Kind::Certificate => {
            let a = pem(&decode(&a)?, "CERTIFICATE")?;
            let b = pem(&decode(&b)?, "CERTIFICATE")?;
            compare_certificates(&a, &b)
        }
        Kind::RsaPrivateKey => {
            let a = pem(&decode(&a)?, "RSA PRIVATE KEY")?;
            let b = pem(&decode(&b)?, "RSA PRIVATE KEY")?;
            let key = |der: &[u8]| {
                let key = rsa::RsaPrivateKey::from_pkcs1_der(der).map_err(|e| e.to_string())?;
                key.validate().map_err(|e| e.to_string())?;
                Ok::<_, String>((key.n().bits(), key.e().clone()))
            };
            if key(&a)? == key(&b)? {
                Ok(())
            } else {
                Err("RSA keys of different sizes or exponents".into())
            }
        }
    }
}

pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    BASE64
        .decode(text.as_bytes())
        .map_err(|e| format!("not base64: {e}"))
}

/// The DER of a text that is exactly one PEM block of this label, framed as Go's
/// `encoding/pem` writes it (64-column base64, a final newline).
pub fn pem(bytes: &[u8], label: &str) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "PEM is not UTF-8".to_owned())?;
    let body = text
        .strip_prefix(&format!("-----BEGIN {label}-----\n"))
        .and_then(|t| t.strip_suffix(&format!("-----END {label}-----\n")))
        .ok_or_else(|| format!("not one PEM block of type {label}"))?;
    let der = BASE64
        .decode(body.replace('\n', "").as_bytes())
        .map_err(|e| format!("PEM body is not base64: {e}"))?;
    let mut framed = String::new();
    for chunk in BASE64.encode(&der).as_bytes().chunks(64) {
        framed.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        framed.push('\n');
    }
    if framed != body {
        return Err("PEM not framed as Go frames it".into());
    }
    Ok(der)
}

/// A DER element: tag, whole encoding, contents, and children when constructed.
pub struct Der<'a> {
    pub tag: u8,
    pub raw: &'a [u8],
    pub contents: &'a [u8],
    pub children: Vec<Der<'a>>,
}

fn parse_der(mut bytes: &[u8], depth: usize) -> Result<Vec<Der<'_>>, String> {
    if depth > 32 {
        return Err("DER nested too deep".into());
    }
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let err = || "truncated DER".to_owned();
        let tag = *bytes.first().ok_or_else(err)?;
        if tag & 0x1f == 0x1f {
            return Err("high-tag-number DER".into());
        }
        let first = *bytes.get(1).ok_or_else(err)?;
        let (len, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return Err("bad DER length".into());
            }
            let len_bytes = bytes.get(2..2 + n).ok_or_else(err)?;
            (
                len_bytes
                    .iter()
                    .fold(0usize, |acc, b| acc << 8 | usize::from(*b)),
                2 + n,
            )
        };
        let raw = bytes.get(..header + len).ok_or_else(err)?;
        let contents = &raw[header..];
        let children = if tag & 0x20 != 0 {
            parse_der(contents, depth + 1)?
        } else {
            Vec::new()
        };
        out.push(Der {
            tag,
            raw,
            contents,
            children,
        });
        bytes = &bytes[header + len..];
    }
    Ok(out)
}

pub fn single(der: &[u8]) -> Result<Der<'_>, String> {
    let mut items = parse_der(der, 0)?;
    match items.len() {
        1 => Ok(items.remove(0)),
        n => Err(format!("{n} DER elements where one was expected")),
    }
}

fn same(a: &Der, b: &Der, what: &str) -> Result<(), String> {
    if a.raw == b.raw {
        Ok(())
    } else {
        Err(format!("certificates differ in {what}"))
    }
}

fn same_length(a: &Der, b: &Der, tag: u8, what: &str) -> Result<(), String> {
    if a.tag == tag && b.tag == tag && a.contents.len() == b.contents.len() {
        Ok(())
    } else {
        Err(format!("certificates differ in the shape of {what}"))
    }
}

/// Two X.509 certificates that differ at most where randomness or the clock goes: the
/// serial number (a positive INTEGER of at most 20 octets plus sign), the validity
/// (the same length of time), the public key and signature bits (the same lengths), and
/// the subject and authority key identifiers (the same lengths). Version, algorithms,
/// issuer, subject and every other extension are byte-identical.
fn compare_certificates(a: &[u8], b: &[u8]) -> Result<(), String> {
    let (a, b) = (single(a)?, single(b)?);
    let ([a_tbs, a_alg, a_sig], [b_tbs, b_alg, b_sig]) =
        (a.children.as_slice(), b.children.as_slice())
    else {
        return Err("not a certificate".into());
    };
    same(a_alg, b_alg, "the signature algorithm")?;
    same_length(a_sig, b_sig, 0x03, "the signature")?;
    let (a_fields, b_fields) = (a_tbs.children.as_slice(), b_tbs.children.as_slice());
    if a_fields.len() != b_fields.len() || a_fields.len() < 7 {
        return Err("certificates differ in their fields".into());
    }
    let [
        a_ver,
        a_serial,
        a_alg2,
        a_issuer,
        a_validity,
        a_subject,
        a_spki,
        a_rest @ ..,
    ] = a_fields
    else {
        return Err("not a v3 certificate".into());
    };
    let [
        b_ver,
        b_serial,
        b_alg2,
        b_issuer,
        b_validity,
        b_subject,
        b_spki,
        b_rest @ ..,
    ] = b_fields
    else {
        return Err("not a v3 certificate".into());
    };
    same(a_ver, b_ver, "the version")?;
    for serial in [a_serial, b_serial] {
        let positive = serial.contents.first().is_some_and(|c| c & 0x80 == 0);
        if serial.tag != 0x02 || !positive || serial.contents.len() > 21 {
            return Err("a serial number is not a positive INTEGER of at most 20 octets".into());
        }
    }
    same(a_alg2, b_alg2, "the signature algorithm")?;
    same(a_issuer, b_issuer, "the issuer")?;
    if validity_seconds(a_validity)? != validity_seconds(b_validity)? {
        return Err("certificates are valid for different lengths of time".into());
    }
    same(a_subject, b_subject, "the subject")?;
    let ([a_key_alg, a_key], [b_key_alg, b_key]) =
        (a_spki.children.as_slice(), b_spki.children.as_slice())
    else {
        return Err("not a public key".into());
    };
    same(a_key_alg, b_key_alg, "the public key algorithm")?;
    same_length(a_key, b_key, 0x03, "the public key")?;
    if a_rest.len() != b_rest.len() {
        return Err("certificates differ in their fields".into());
    }
    for (a, b) in a_rest.iter().zip(b_rest) {
        if a.tag != 0xa3 || b.tag != 0xa3 {
            same(a, b, "an optional field")?;
            continue;
        }
        let (Some(a_list), Some(b_list)) = (a.children.first(), b.children.first()) else {
            return Err("empty extensions".into());
        };
        if a_list.children.len() != b_list.children.len() {
            return Err("certificates differ in their extensions".into());
        }
        for (a_ext, b_ext) in a_list.children.iter().zip(&b_list.children) {
            compare_extensions(a_ext, b_ext)?;
        }
    }
    Ok(())
}

/// The OIDs 2.5.29.14 (subject key identifier) and 2.5.29.35 (authority key identifier).
const KEY_IDENTIFIERS: [&[u8]; 2] = [&[0x55, 0x1d, 0x0e], &[0x55, 0x1d, 0x23]];

fn compare_extensions(a: &Der, b: &Der) -> Result<(), String> {
    let oid = |ext: &Der| ext.children.first().map(|o| o.contents.to_vec());
    let a_oid = oid(a).ok_or("an extension without an OID")?;
    if Some(&a_oid) != oid(b).as_ref() || !KEY_IDENTIFIERS.contains(&a_oid.as_slice()) {
        return same(a, b, "an extension");
    }
    let (Some(a_value), Some(b_value)) = (a.children.last(), b.children.last()) else {
        return Err("an extension without a value".into());
    };
    if a.children.len() != b.children.len() {
        return Err("certificates differ in an extension's criticality".into());
    }
    same_length(a_value, b_value, 0x04, "a key identifier")
}

/// notAfter − notBefore, in seconds.
fn validity_seconds(validity: &Der) -> Result<i64, String> {
    let [not_before, not_after] = validity.children.as_slice() else {
        return Err("not a validity".into());
    };
    Ok(time_seconds(not_after)? - time_seconds(not_before)?)
}

/// Seconds since 1970 of a UTCTime or GeneralizedTime in Zulu time.
fn time_seconds(time: &Der) -> Result<i64, String> {
    let text = std::str::from_utf8(time.contents).map_err(|_| "bad time".to_owned())?;
    let digits = text.strip_suffix('Z').ok_or("a time not in UTC")?;
    let (year, rest) = match (time.tag, digits.len()) {
        (0x17, 12) => {
            let yy: i64 = digits[..2].parse().map_err(|_| "bad time")?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &digits[2..])
        }
        (0x18, 14) => (digits[..4].parse().map_err(|_| "bad time")?, &digits[4..]),
        _ => return Err("not a UTCTime or GeneralizedTime".into()),
    };
    let field = |i: usize| -> Result<i64, String> {
        rest.get(i..i + 2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| "bad time".to_owned())
    };
    let (month, day) = (field(0)?, field(2)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Ok(days * 86_400 + field(4)? * 3600 + field(6)? * 60 + field(8)?)
}
