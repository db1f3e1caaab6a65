//! Sprig's key and certificate functions: `genPrivateKey`, `genCA`, `genSelfSignedCert`,
//! `genSignedCert`, their `WithKey` variants, and `buildCustomCert`.
//!
//! Certificates are X.509 v3 as Go's `x509.CreateCertificate` builds them from Sprig's
//! template: a 128-bit serial, the common name as subject, valid from `now` (the fixed
//! instant of `dates`) for the given days, key usages for TLS servers and clients, and the
//! IPs and DNS names as subject alternative names. Keys (RSA 2048 for certificates, RSA
//! 4096 by default for `genPrivateKey`) and serials come from the renderer's seeded
//! generator: the output is well-formed and reproducible, where helm's is random.

use std::rc::Rc;

use crate::funcs::args::{arg, arity, int, string};
use crate::template::value::{Object, Value};
use crate::template::{FuncError, Funcs};

use super::der;
use super::keys::{PrivateKey, parse_pem};
use super::random::Rng;

/// Sprig's `certificate` struct: PEM text of a certificate and its private key.
#[derive(Debug, Clone)]
pub(crate) struct Certificate {
    cert: String,
    key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::from(self.cert.as_str())),
            "Key" => Some(Value::from(self.key.as_str())),
            _ => None,
        }
    }

    fn call(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }

    fn format(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }

    /// The struct's exported fields, as `encoding/json` writes them.
    fn to_json(&self) -> Result<serde_json::Value, String> {
        Ok(serde_json::json!({"Cert": self.cert, "Key": self.key}))
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

pub(super) fn register(funcs: &mut Funcs, rng: &Rc<Rng>) {
    let r = Rc::clone(rng);
    funcs.insert("genPrivateKey", move |_, args| {
        arity("genPrivateKey", args, 1)?;
        let kind = string("genPrivateKey", args, 0)?;
        let key = match kind.as_str() {
            "" | "rsa" => PrivateKey::rsa(4096, &r),
            "dsa" => PrivateKey::dsa(&r),
            "ecdsa" => Ok(PrivateKey::ecdsa(&r)),
            "ed25519" => Ok(PrivateKey::ed25519(&r)),
            other => return Ok(Value::from(format!("Unknown type {other}"))),
        };
        Ok(Value::from(match key.and_then(|key| key.pem()) {
            Ok(pem) => pem,
            Err(err) => format!("failed to generate private key: {err}"),
        }))
    });
    for (name, with_key) in [("genCA", false), ("genCAWithKey", true)] {
        let r = Rc::clone(rng);
        funcs.insert(name, move |_, args| {
            arity(name, args, if with_key { 3 } else { 2 })?;
            let cn = string(name, args, 0)?;
            let days = int(name, args, 1)?;
            let key = signee_key(name, args, 2, with_key, &r)?;
            let template = Template::new(&cn, &[], &[], days, &r, true);
            certificate(&template, &key, None).map(certificate_value)
        });
    }
    for (name, with_key) in [
        ("genSelfSignedCert", false),
        ("genSelfSignedCertWithKey", true),
    ] {
        let r = Rc::clone(rng);
        funcs.insert(name, move |_, args| {
            arity(name, args, if with_key { 5 } else { 4 })?;
            let cn = string(name, args, 0)?;
            let ips = ip_addresses(arg(args, 1))?;
            let dns = dns_names(arg(args, 2))?;
            let days = int(name, args, 3)?;
            let key = signee_key(name, args, 4, with_key, &r)?;
            let template = Template::new(&cn, &ips, &dns, days, &r, false);
            certificate(&template, &key, None).map(certificate_value)
        });
    }
    for (name, with_key) in [("genSignedCert", false), ("genSignedCertWithKey", true)] {
        let r = Rc::clone(rng);
        funcs.insert(name, move |_, args| {
            arity(name, args, if with_key { 6 } else { 5 })?;
            let cn = string(name, args, 0)?;
            let ips = ip_addresses(arg(args, 1))?;
            let dns = dns_names(arg(args, 2))?;
            let days = int(name, args, 3)?;
            let ca = certificate_arg(arg(args, 4))?;
            let key = signee_key(name, args, 5, with_key, &r)?;
            let signer = Signer::from_ca(&ca)?;
            let template = Template::new(&cn, &ips, &dns, days, &r, false);
            certificate(&template, &key, Some(&signer)).map(certificate_value)
        });
    }
    funcs.insert("buildCustomCert", |_, args| {
        arity("buildCustomCert", args, 2)?;
        let cert = string("buildCustomCert", args, 0)?;
        let key = string("buildCustomCert", args, 1)?;
        build_custom(&cert, &key).map(certificate_value)
    });
}

fn certificate_value(certificate: Certificate) -> Value {
    Value::Object(Rc::new(certificate))
}

/// The key a certificate is made for: generated (RSA 2048) or given as PEM.
fn signee_key(
    name: &str,
    args: &[Value],
    index: usize,
    given: bool,
    rng: &Rng,
) -> Result<PrivateKey, FuncError> {
    if given {
        let pem = string(name, args, index)?;
        return parse_pem(&pem).map_err(|err| format!("parsing private key: {err}").into());
    }
    PrivateKey::rsa(2048, rng).map_err(|err| format!("error generating rsa key: {err}").into())
}

fn certificate_arg(value: &Value) -> Result<Certificate, FuncError> {
    let certificate = match value {
        Value::Object(object) => object
            .as_any()
            .and_then(|a| a.downcast_ref::<Certificate>())
            .cloned(),
        _ => None,
    };
    certificate.ok_or_else(|| {
        FuncError::Args(format!(
            "wrong type for value; expected sprig.certificate; got {}",
            value.type_name()
        ))
    })
}

/// Sprig's `getNetIPs`: every item a string holding an IP address.
fn ip_addresses(value: &Value) -> Result<Vec<Vec<u8>>, FuncError> {
    let Some(items) = list_arg(value)? else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(s) => match s.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(ip)) => Ok(ip.octets().to_vec()),
                Ok(std::net::IpAddr::V6(ip)) => Ok(match ip.to_ipv4_mapped() {
                    Some(v4) => v4.octets().to_vec(),
                    None => ip.octets().to_vec(),
                }),
                Err(_) => Err(format!("error parsing ip: {s}").into()),
            },
            other => Err(format!(
                "error parsing ip: {} is not a string",
                crate::template::format::format_value(other)
            )
            .into()),
        })
        .collect()
}

/// Sprig's `getAlternateDNSStrs`.
fn dns_names(value: &Value) -> Result<Vec<String>, FuncError> {
    let Some(items) = list_arg(value)? else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.to_string()),
            other => Err(format!(
                "error processing alternate dns name: {} is not a string",
                crate::template::format::format_value(other)
            )
            .into()),
        })
        .collect()
}

/// A `[]interface{}` parameter (nil is an empty list).
fn list_arg(value: &Value) -> Result<Option<Vec<Value>>, FuncError> {
    match value {
        Value::List(items) => Ok(Some(items.to_vec())),
        Value::Nil | Value::Missing => Ok(None),
        other => Err(FuncError::Args(format!(
            "wrong type for value; expected []interface {{}}; got {}",
            other.type_name()
        ))),
    }
}

/// What Sprig's `getBaseCertTemplate` fills in.
struct Template {
    serial: [u8; 16],
    subject: Vec<u8>,
    subject_is_empty: bool,
    ips: Vec<Vec<u8>>,
    dns: Vec<String>,
    not_before: i64,
    not_after: i64,
    is_ca: bool,
}

impl Template {
    fn new(cn: &str, ips: &[Vec<u8>], dns: &[String], days: i64, rng: &Rng, is_ca: bool) -> Self {
        let mut serial = [0u8; 16];
        rng.fill(&mut serial);
        let now = super::dates::FIXED_NOW;
        Template {
            serial,
            subject: name(cn),
            subject_is_empty: cn.is_empty(),
            ips: ips.to_vec(),
            dns: dns.to_vec(),
            not_before: now,
            not_after: now.saturating_add(days.saturating_mul(86_400)),
            is_ca,
        }
    }
}

/// A distinguished name holding only a common name (none when empty).
fn name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return der::sequence(&[]);
    }
    der::sequence(&[der::set(&[der::sequence(&[
        der::oid(&[2, 5, 4, 3]),
        der::text(cn),
    ])])])
}

/// X.509 time: UTCTime for 1950 to 2049, GeneralizedTime otherwise.
fn time(unix: i64) -> Vec<u8> {
    let t = super::time::Time::utc(i128::from(unix) * 1_000_000_000);
    let year: i64 = t.format("2006").parse().unwrap_or(0);
    if (1950..2050).contains(&year) {
        der::tlv(0x17, t.format("060102150405Z").as_bytes())
    } else {
        der::tlv(0x18, t.format("20060102150405Z").as_bytes())
    }
}

fn extension(id: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![der::oid(id)];
    if critical {
        parts.push(der::boolean(true));
    }
    parts.push(der::octet_string(value));
    der::sequence(&parts)
}

/// The issuing side of a certificate: its subject, key identifier and key.
struct Signer {
    subject: Vec<u8>,
    key_id: Option<Vec<u8>>,
    key: PrivateKey,
}

impl Signer {
    fn from_ca(ca: &Certificate) -> Result<Signer, FuncError> {
        let Some((_, der_bytes)) = der::pem_decode(&ca.cert) else {
            return Err("unable to decode certificate".into());
        };
        let parsed = parse_certificate(&der_bytes).map_err(|err| {
            FuncError::Message(format!(
                "error parsing certificate: decodedSignerCert.Bytes: {err}"
            ))
        })?;
        let key = parse_pem(&ca.key).map_err(|err| format!("error parsing private key: {err}"))?;
        Ok(Signer {
            subject: parsed.subject,
            key_id: parsed.key_id,
            key,
        })
    }
}

/// `getCertAndKey`: the signed certificate and the signee's key, in PEM.
fn certificate(
    template: &Template,
    key: &PrivateKey,
    signer: Option<&Signer>,
) -> Result<Certificate, FuncError> {
    let fail = |err: String| FuncError::Message(format!("error creating certificate: {err}"));
    let (issuer, signing_key, parent_key_id) = match signer {
        Some(s) => (s.subject.clone(), &s.key, s.key_id.clone()),
        None => (template.subject.clone(), key, None),
    };
    let algorithm = signing_key.signature_algorithm().map_err(fail)?;
    let (public_key_info, public_bits) = key.public_key_info().map_err(fail)?;
    let mut extensions = Vec::new();
    // digitalSignature and keyEncipherment, plus keyCertSign for a CA.
    let usage: &[u8] = if template.is_ca {
        &[2, 0xa4]
    } else {
        &[5, 0xa0]
    };
    extensions.push(extension(&[2, 5, 29, 15], true, &der::tlv(0x03, usage)));
    extensions.push(extension(
        &[2, 5, 29, 37],
        false,
        &der::sequence(&[
            der::oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]),
            der::oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2]),
        ]),
    ));
    let basic = if template.is_ca {
        der::sequence(&[der::boolean(true)])
    } else {
        der::sequence(&[])
    };
    extensions.push(extension(&[2, 5, 29, 19], true, &basic));
    if template.is_ca {
        use sha1::Digest;
        let key_id = sha1::Sha1::digest(&public_bits).to_vec();
        extensions.push(extension(
            &[2, 5, 29, 14],
            false,
            &der::octet_string(&key_id),
        ));
    }
    if let Some(key_id) = parent_key_id.filter(|_| issuer != template.subject) {
        extensions.push(extension(
            &[2, 5, 29, 35],
            false,
            &der::sequence(&[der::context(0, false, &key_id)]),
        ));
    }
    if !template.dns.is_empty() || !template.ips.is_empty() {
        let mut names: Vec<Vec<u8>> = template
            .dns
            .iter()
            .map(|d| der::context(2, false, d.as_bytes()))
            .collect();
        names.extend(template.ips.iter().map(|ip| der::context(7, false, ip)));
        extensions.push(extension(
            &[2, 5, 29, 17],
            template.subject_is_empty,
            &der::sequence(&names),
        ));
    }
    let tbs = der::sequence(&[
        der::context(0, true, &der::small_int(2)),
        der::unsigned(&template.serial),
        algorithm.clone(),
        issuer,
        der::sequence(&[time(template.not_before), time(template.not_after)]),
        template.subject.clone(),
        public_key_info,
        der::context(3, true, &der::sequence(&extensions)),
    ]);
    let signature = signing_key.sign(&tbs).map_err(fail)?;
    let cert = der::sequence(&[tbs, algorithm, der::bit_string(&signature)]);
    Ok(Certificate {
        cert: der::pem("CERTIFICATE", &cert),
        key: key
            .pem()
            .map_err(|err| format!("error pem-encoding key: {err}"))?,
    })
}

/// What signing with a certificate needs from it.
struct Parsed {
    subject: Vec<u8>,
    key_id: Option<Vec<u8>>,
}

/// Reads a DER certificate's subject and subject key identifier, checking its structure.
fn parse_certificate(bytes: &[u8]) -> Result<Parsed, String> {
    let malformed = || "x509: malformed certificate".to_owned();
    let (outer, rest) = der::read(bytes).ok_or_else(malformed)?;
    if outer.tag != 0x30 || !rest.is_empty() {
        return Err(malformed());
    }
    let parts = der::children(outer.contents).ok_or_else(malformed)?;
    let [tbs, algorithm, signature] = parts.as_slice() else {
        return Err(malformed());
    };
    if tbs.tag != 0x30 || algorithm.tag != 0x30 || signature.tag != 0x03 {
        return Err(malformed());
    }
    let fields = der::children(tbs.contents).ok_or_else(malformed)?;
    let offset = usize::from(fields.first().is_some_and(|f| f.tag == 0xa0));
    let field = |i: usize| fields.get(offset + i).ok_or_else(malformed);
    if field(0)?.tag != 0x02 {
        return Err("x509: malformed serial number".to_owned());
    }
    let subject = field(4)?;
    if field(2)?.tag != 0x30 || field(3)?.tag != 0x30 || subject.tag != 0x30 {
        return Err(malformed());
    }
    let mut key_id = None;
    if let Some(extensions) = fields.iter().find(|f| f.tag == 0xa3) {
        let (list, _) = der::read(extensions.contents).ok_or_else(malformed)?;
        for extension in der::children(list.contents).ok_or_else(malformed)? {
            let items = der::children(extension.contents).ok_or_else(malformed)?;
            if items.first().map(|i| i.raw) == Some(der::oid(&[2, 5, 29, 14]).as_slice()) {
                if let Some(value) = items.last() {
                    let (inner, _) = der::read(value.contents).ok_or_else(malformed)?;
                    key_id = Some(inner.contents.to_vec());
                }
            }
        }
    }
    Ok(Parsed {
        subject: subject.raw.to_vec(),
        key_id,
    })
}

/// Sprig's `buildCustomCertificate`: base64 PEM of a certificate and its key, checked.
fn build_custom(b64_cert: &str, b64_key: &str) -> Result<Certificate, FuncError> {
    let cert = super::encoding::base64_decode(b64_cert.as_bytes())
        .map_err(|_| FuncError::from("unable to decode base64 certificate"))?;
    let key = super::encoding::base64_decode(b64_key.as_bytes())
        .map_err(|_| FuncError::from("unable to decode base64 private key"))?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let Some((_, der_bytes)) = der::pem_decode(&cert) else {
        return Err("unable to decode certificate".into());
    };
    parse_certificate(&der_bytes).map_err(|err| {
        FuncError::Message(format!(
            "error parsing certificate: decodedCert.Bytes: {err}"
        ))
    })?;
    parse_pem(&key).map_err(|err| format!("error parsing private key: {err}"))?;
    Ok(Certificate { cert, key })
}
