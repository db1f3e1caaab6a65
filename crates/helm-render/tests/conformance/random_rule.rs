//! The rule of `random.rs` fails on every difference it does not allow: mutations of
//! helm's own goldens.

use data_encoding::BASE64;

use super::random::*;

fn shared() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn golden(case: &str) -> String {
    std::fs::read_to_string(shared().join(format!("conformance/helm/golden/{case}.out"))).unwrap()
}

fn spec(case: &str) -> RandomCase {
    let doc = kube_yaml::parse(include_str!("../cases/conformance-random.yaml"));
    let cases: Vec<RandomCase> =
        kube_yaml::from_node(doc.documents[0].root.as_ref().unwrap()).unwrap();
    cases.into_iter().find(|c| c.case == case).unwrap()
}

/// The output with the value of the first line setting `key` rewritten.
fn with_value(output: &str, key: &str, f: impl Fn(&str) -> String) -> String {
    let mut done = false;
    output
        .split('\n')
        .map(|line| match line_key(line) {
            Some((head, k)) if k == key && !done => {
                done = true;
                format!("{head}: {}", f(&line[head.len() + 2..]))
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn value_of(output: &str, key: &str) -> String {
    output
        .lines()
        .find_map(|line| match line_key(line) {
            Some((head, k)) if k == key => Some(line[head.len() + 2..].to_owned()),
            _ => None,
        })
        .unwrap()
}

/// A base64 PEM certificate with its DER changed by `f` (given the DER and the offset
/// of the certificate's fields).
fn mutate_certificate(b64: &str, f: impl Fn(&mut Vec<u8>, &[(u8, usize, usize)])) -> String {
    let mut der = pem(&decode(b64).unwrap(), "CERTIFICATE").unwrap();
    let fields: Vec<(u8, usize, usize)> = {
        let cert = single(&der).unwrap();
        let base = der.as_ptr() as usize;
        cert.children[0]
            .children
            .iter()
            .map(|d| (d.tag, d.contents.as_ptr() as usize - base, d.contents.len()))
            .collect()
    };
    f(&mut der, &fields);
    let mut text = "-----BEGIN CERTIFICATE-----\n".to_owned();
    for chunk in BASE64.encode(&der).as_bytes().chunks(64) {
        text.push_str(std::str::from_utf8(chunk).unwrap());
        text.push('\n');
    }
    text.push_str("-----END CERTIFICATE-----\n");
    BASE64.encode(text.as_bytes())
}

#[test]
fn identical_output_passes_with_no_shaped_line() {
    let helm = golden("bitnami-redis");
    assert_eq!(compare(&spec("bitnami-redis"), &helm, &helm), Ok(0));
}

#[test]
fn a_new_password_of_the_same_shape_passes() {
    let helm = golden("bitnami-postgresql");
    let ours = with_value(&helm, "postgres-password", |_| {
        format!("\"{}\"", BASE64.encode(b"abcDEF1234"))
    });
    assert_eq!(compare(&spec("bitnami-postgresql"), &ours, &helm), Ok(1));
}

#[test]
fn passwords_of_another_length_or_alphabet_fail() {
    let helm = golden("bitnami-postgresql");
    for password in [&b"abcDEF123"[..], b"abcDEF12345", b"abcDEF123!", b""] {
        let ours = with_value(&helm, "postgres-password", |_| {
            format!("\"{}\"", BASE64.encode(password))
        });
        assert!(compare(&spec("bitnami-postgresql"), &ours, &helm).is_err());
    }
    let unquoted = with_value(&helm, "postgres-password", |v| {
        v.trim_matches('"').to_owned()
    });
    assert!(compare(&spec("bitnami-postgresql"), &unquoted, &helm).is_err());
}

#[test]
fn any_other_changed_line_fails() {
    let helm = golden("bitnami-redis");
    let spec = spec("bitnami-redis");
    let ours = helm.replacen("redis-master", "redis-main", 1);
    assert!(
        compare(&spec, &ours, &helm)
            .unwrap_err()
            .contains("not a random value")
    );
    let ours = helm.replacen("\n", "\n\n", 1);
    assert!(compare(&spec, &ours, &helm).is_err());
    let ours = with_value(&helm, "checksum/secret", |v| v.to_uppercase());
    assert!(compare(&spec, &ours, &helm).is_err());
    let ours = with_value(&helm, "checksum/secret", |v| v[1..].to_owned());
    assert!(compare(&spec, &ours, &helm).is_err());
    let ours = with_value(&helm, "checksum/secret", |v| v.replace(|_| true, "0"));
    assert_eq!(compare(&spec, &ours, &helm), Ok(1));
}

#[test]
fn a_key_helm_does_not_print_is_stale() {
    let helm = golden("bitnami-postgresql");
    let mut spec = spec("bitnami-postgresql");
    spec.values.insert("no-such-key".into(), Kind::Password);
    assert!(compare(&spec, &helm, &helm).unwrap_err().contains("stale"));
}

#[test]
fn certificates_may_differ_only_in_their_random_parts() {
    let helm = golden("bitnami-nginx");
    let spec = spec("bitnami-nginx");
    let ca = value_of(&helm, "ca.crt");
    let check = |mutated: String| {
        compare(
            &spec,
            &with_value(&helm, "ca.crt", |_| mutated.clone()),
            &helm,
        )
    };
    // Another serial number of the same length: allowed.
    let serial = mutate_certificate(&ca, |der, fields| {
        let (_, at, len) = fields[1];
        der[at + len - 1] ^= 1;
    });
    assert_eq!(check(serial), Ok(1));
    // Other validity instants of the same duration: allowed.
    // (helm's two instants share their seconds, so zeroing both moves both alike.)
    let shifted = mutate_certificate(&ca, |der, fields| {
        let (_, at, _) = fields[4];
        let (before, after) = (at + 2, at + 2 + 15);
        assert_eq!(der[before + 10..before + 12], der[after + 10..after + 12]);
        for time in [before, after] {
            der[time + 10] = b'0';
            der[time + 11] = b'0';
        }
    });
    assert_eq!(check(shifted), Ok(1));
    // Only the end moved: a different duration fails.
    let longer = mutate_certificate(&ca, |der, fields| {
        let (_, at, _) = fields[4];
        let time = at + 2 + 15;
        der[time + 1] = if der[time + 1] == b'9' { b'8' } else { b'9' };
    });
    assert!(check(longer).unwrap_err().contains("lengths of time"));
    // A changed subject or issuer byte fails.
    for field in [3, 5] {
        let renamed = mutate_certificate(&ca, |der, fields| {
            let (_, at, len) = fields[field];
            der[at + len - 1] ^= 0x20;
        });
        assert!(check(renamed).is_err(), "field {field}");
    }
    // The CA in place of the signed certificate fails (another subject and extensions).
    let leaf = compare(&spec, &with_value(&helm, "tls.crt", |_| ca.clone()), &helm);
    assert!(leaf.is_err());
    // A key where a certificate goes fails, and a certificate where a key goes.
    let key = value_of(&helm, "tls.key");
    assert!(check(key.clone()).is_err());
    assert!(compare(&spec, &with_value(&helm, "tls.key", |_| ca.clone()), &helm).is_err());
    // A key of the same kind passes; a corrupted one does not.
    assert_eq!(
        compare(&spec, &with_value(&helm, "tls.key", |_| key.clone()), &helm),
        Ok(0)
    );
    let mut pem_text = String::from_utf8(decode(&key).unwrap()).unwrap();
    let middle = pem_text.len() / 2;
    let byte = if &pem_text[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    pem_text.replace_range(middle..=middle, byte);
    let corrupted = BASE64.encode(pem_text.as_bytes());
    assert!(
        compare(
            &spec,
            &with_value(&helm, "tls.key", |_| corrupted.clone()),
            &helm
        )
        .is_err()
    );
}
