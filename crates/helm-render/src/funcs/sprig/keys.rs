//! Private keys as Sprig makes and reads them: RSA (PKCS#1), ECDSA P-256 (SEC 1), Ed25519
//! (PKCS#8) and DSA (Sprig's own ASN.1 layout), generated from the renderer's seeded
//! generator, PEM-encoded as Go's `x509` marshals them, and used to sign certificates.

use rand_core::{CryptoRng, RngCore};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::signature::{SignatureEncoding, Signer};

use super::der;
use super::random::Rng;

const RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113_549, 1, 1, 1];
const SHA256_WITH_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 11];
const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
const PRIME256V1: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
const ECDSA_WITH_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const ED25519: &[u64] = &[1, 3, 101, 112];

/// The seeded generator as `rand_core` wants it.
struct Source<'a>(&'a Rng);

impl RngCore for Source<'_> {
    fn next_u32(&mut self) -> u32 {
        (self.0.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill(dest);
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.0.fill(dest);
        Ok(())
    }
}

impl CryptoRng for Source<'_> {}

/// A private key of one of the kinds Sprig handles.
pub(crate) enum PrivateKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ecdsa(p256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    Dsa(Box<dsa::SigningKey>),
}

impl PrivateKey {
    pub(crate) fn rsa(bits: usize, rng: &Rng) -> Result<PrivateKey, String> {
        rsa::RsaPrivateKey::new(&mut Source(rng), bits)
            .map(|key| PrivateKey::Rsa(Box::new(key)))
            .map_err(|err| err.to_string())
    }

    pub(crate) fn ecdsa(rng: &Rng) -> PrivateKey {
        loop {
            let mut bytes = [0u8; 32];
            rng.fill(&mut bytes);
            if let Ok(key) = p256::ecdsa::SigningKey::from_bytes(&bytes.into()) {
                return PrivateKey::Ecdsa(key);
            }
        }
    }

    pub(crate) fn ed25519(rng: &Rng) -> PrivateKey {
        let mut seed = [0u8; 32];
        rng.fill(&mut seed);
        PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    pub(crate) fn dsa(rng: &Rng) -> Result<PrivateKey, String> {
        let mut source = Source(rng);
        let components = dsa::Components::generate(&mut source, dsa::KeySize::DSA_2048_256);
        Ok(PrivateKey::Dsa(Box::new(dsa::SigningKey::generate(
            &mut source,
            components,
        ))))
    }

    /// The PEM block Sprig's `pemBlockForKey` makes.
    pub(crate) fn pem(&self) -> Result<String, String> {
        Ok(match self {
            PrivateKey::Rsa(key) => {
                let der = key.to_pkcs1_der().map_err(|err| err.to_string())?;
                der::pem("RSA PRIVATE KEY", der.as_bytes())
            }
            PrivateKey::Ecdsa(key) => der::pem("EC PRIVATE KEY", &sec1(key)),
            PrivateKey::Ed25519(key) => {
                let pkcs8 = der::sequence(&[
                    der::small_int(0),
                    der::sequence(&[der::oid(ED25519)]),
                    der::octet_string(&der::octet_string(&key.to_bytes())),
                ]);
                der::pem("PRIVATE KEY", &pkcs8)
            }
            PrivateKey::Dsa(key) => {
                let verifying = key.verifying_key();
                let components = verifying.components();
                let int = |n: &dsa::BigUint| der::unsigned(&n.to_bytes_be());
                let body = der::sequence(&[
                    der::small_int(0),
                    int(components.p()),
                    int(components.q()),
                    int(components.g()),
                    int(verifying.y()),
                    int(key.x()),
                ]);
                der::pem("DSA PRIVATE KEY", &body)
            }
        })
    }

    /// The DER SubjectPublicKeyInfo and the public key bits inside it.
    pub(crate) fn public_key_info(&self) -> Result<(Vec<u8>, Vec<u8>), String> {
        let (algorithm, bits) = match self {
            PrivateKey::Rsa(key) => {
                let public = key
                    .to_public_key()
                    .to_pkcs1_der()
                    .map_err(|err| err.to_string())?;
                (
                    der::sequence(&[der::oid(RSA_ENCRYPTION), der::null()]),
                    public.as_bytes().to_vec(),
                )
            }
            PrivateKey::Ecdsa(key) => (
                der::sequence(&[der::oid(EC_PUBLIC_KEY), der::oid(PRIME256V1)]),
                key.verifying_key()
                    .to_encoded_point(false)
                    .as_bytes()
                    .to_vec(),
            ),
            PrivateKey::Ed25519(key) => (
                der::sequence(&[der::oid(ED25519)]),
                key.verifying_key().to_bytes().to_vec(),
            ),
            PrivateKey::Dsa(_) => {
                return Err("x509: unsupported public key type: *dsa.PublicKey".to_owned());
            }
        };
        Ok((der::sequence(&[algorithm, der::bit_string(&bits)]), bits))
    }

    /// The signature AlgorithmIdentifier Go picks for this signer.
    pub(crate) fn signature_algorithm(&self) -> Result<Vec<u8>, String> {
        match self {
            PrivateKey::Rsa(_) => Ok(der::sequence(&[der::oid(SHA256_WITH_RSA), der::null()])),
            PrivateKey::Ecdsa(_) => Ok(der::sequence(&[der::oid(ECDSA_WITH_SHA256)])),
            PrivateKey::Ed25519(_) => Ok(der::sequence(&[der::oid(ED25519)])),
            PrivateKey::Dsa(_) => {
                Err("x509: certificate private key does not implement crypto.Signer".to_owned())
            }
        }
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            PrivateKey::Rsa(key) => {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**key).clone());
                Ok(signer.sign(message).to_vec())
            }
            PrivateKey::Ecdsa(key) => {
                let signature: p256::ecdsa::Signature = key.sign(message);
                let (r, s) = signature.split_bytes();
                Ok(der::sequence(&[der::unsigned(&r), der::unsigned(&s)]))
            }
            PrivateKey::Ed25519(key) => Ok(key.sign(message).to_bytes().to_vec()),
            PrivateKey::Dsa(_) => {
                Err("x509: certificate private key does not implement crypto.Signer".to_owned())
            }
        }
    }
}

/// Go's `MarshalECPrivateKey`.
fn sec1(key: &p256::ecdsa::SigningKey) -> Vec<u8> {
    der::sequence(&[
        der::small_int(1),
        der::octet_string(&key.to_bytes()),
        der::context(0, true, &der::oid(PRIME256V1)),
        der::context(
            1,
            true,
            &der::bit_string(key.verifying_key().to_encoded_point(false).as_bytes()),
        ),
    ])
}

fn oid_text(contents: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value = 0u64;
    for &b in contents {
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

fn is_oid(element: Option<&der::Element<'_>>, arcs: &[u64]) -> bool {
    element.is_some_and(|e| e.raw == der::oid(arcs).as_slice())
}

/// The scalar of a SEC 1 `ECPrivateKey` on P-256.
fn parse_sec1(bytes: &[u8]) -> Result<PrivateKey, String> {
    let malformed = || "x509: failed to parse EC private key".to_owned();
    let (outer, _) = der::read(bytes).ok_or_else(malformed)?;
    let fields = der::children(outer.contents).ok_or_else(malformed)?;
    let scalar = fields
        .get(1)
        .filter(|e| e.tag == 0x04)
        .ok_or_else(malformed)?;
    if let Some(curve) = fields.iter().find(|e| e.tag == 0xa0) {
        let (inner, _) = der::read(curve.contents).ok_or_else(malformed)?;
        if inner.raw != der::oid(PRIME256V1).as_slice() {
            return Err("x509: unknown elliptic curve".to_owned());
        }
    }
    let mut padded = [0u8; 32];
    let len = scalar.contents.len().min(32);
    if let (Some(target), Some(source)) = (
        padded.get_mut(32 - len..),
        scalar.contents.get(scalar.contents.len() - len..),
    ) {
        target.copy_from_slice(source);
    }
    p256::ecdsa::SigningKey::from_bytes(&padded.into())
        .map(PrivateKey::Ecdsa)
        .map_err(|_| "x509: invalid elliptic curve private key value".to_owned())
}

fn parse_pkcs8(bytes: &[u8]) -> Result<PrivateKey, String> {
    let malformed = || "x509: malformed PKCS#8 private key".to_owned();
    let (outer, _) = der::read(bytes).ok_or_else(malformed)?;
    let fields = der::children(outer.contents).ok_or_else(malformed)?;
    let algorithm = fields.get(1).ok_or_else(malformed)?;
    let algorithm = der::children(algorithm.contents).ok_or_else(malformed)?;
    let key = fields
        .get(2)
        .filter(|e| e.tag == 0x04)
        .ok_or_else(malformed)?;
    if is_oid(algorithm.first(), RSA_ENCRYPTION) {
        return rsa::RsaPrivateKey::from_pkcs1_der(key.contents)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|err| {
                format!("x509: failed to parse RSA private key embedded in PKCS#8: {err}")
            });
    }
    if is_oid(algorithm.first(), EC_PUBLIC_KEY) {
        return parse_sec1(key.contents);
    }
    if is_oid(algorithm.first(), ED25519) {
        let (seed, _) = der::read(key.contents).ok_or_else(malformed)?;
        let seed: [u8; 32] = seed
            .contents
            .try_into()
            .map_err(|_| "ed25519: invalid seed length".to_owned())?;
        return Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
            &seed,
        )));
    }
    let name = algorithm
        .first()
        .map(|e| oid_text(e.contents))
        .unwrap_or_default();
    Err(format!(
        "x509: PKCS#8 wrapping contained private key with unknown algorithm: {name}"
    ))
}

/// Sprig's `parsePrivateKeyPEM`.
pub(crate) fn parse_pem(text: &str) -> Result<PrivateKey, String> {
    let Some((kind, bytes)) = der::pem_decode(text) else {
        return Err("no PEM data in input".to_owned());
    };
    if kind == "PRIVATE KEY" {
        return parse_pkcs8(&bytes).map_err(|err| format!("decoding PEM as PKCS#8: {err}"));
    }
    let Some(prefix) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match prefix {
        "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&bytes)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|err| format!("parsing RSA private key from PEM: {err}")),
        "EC" => parse_sec1(&bytes).map_err(|err| format!("parsing EC private key from PEM: {err}")),
        "DSA" => {
            parse_dsa(&bytes).map_err(|err| format!("parsing DSA private key from PEM: {err}"))
        }
        _ => Err(format!("invalid private key type {kind}")),
    }
}

fn parse_dsa(bytes: &[u8]) -> Result<PrivateKey, String> {
    let malformed = || "asn1: structure error".to_owned();
    let (outer, _) = der::read(bytes).ok_or_else(malformed)?;
    let fields = der::children(outer.contents).ok_or_else(malformed)?;
    let int = |i: usize| -> Result<dsa::BigUint, String> {
        fields
            .get(i)
            .filter(|e| e.tag == 0x02)
            .map(|e| dsa::BigUint::from_bytes_be(e.contents))
            .ok_or_else(malformed)
    };
    let components = dsa::Components::from_components(int(1)?, int(2)?, int(3)?)
        .map_err(|err| err.to_string())?;
    let verifying =
        dsa::VerifyingKey::from_components(components, int(4)?).map_err(|err| err.to_string())?;
    dsa::SigningKey::from_components(verifying, int(5)?)
        .map(|k| PrivateKey::Dsa(Box::new(k)))
        .map_err(|err| err.to_string())
}
