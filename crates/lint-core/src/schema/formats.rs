//! The string formats the API server checks when it decodes an object: quantities
//! (`resource.Quantity`), base64 bytes (`[]byte`), and RFC 3339 times (`metav1.Time`, checked by
//! the validator's own `date-time`). Other formats of the Kubernetes schemas (`int32`,
//! `int64`, `double`) are annotations here.

/// Adds kubeward's format checks to validator options.
pub(super) fn register<'a>(
    options: jsonschema::ValidationOptions<'a>,
) -> jsonschema::ValidationOptions<'a> {
    options
        .with_format("quantity", is_quantity)
        .with_format("byte", is_base64)
}

/// Formats the validator knows but Kubernetes reads differently (go-openapi's `strfmt`: a
/// `duration` is `1h30m`, a `uri` is whatever `url.ParseRequestURI` takes): in the schemas of
/// custom resources they are not checked, rather than checked by the wrong rules.
pub(super) fn relax<'a>(
    mut options: jsonschema::ValidationOptions<'a>,
) -> jsonschema::ValidationOptions<'a> {
    for name in [
        "date",
        "date-time",
        "time",
        "duration",
        "email",
        "idn-email",
        "hostname",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "uri",
        "uri-reference",
        "uri-template",
        "iri",
        "iri-reference",
        "uuid",
        "regex",
        "json-pointer",
        "relative-json-pointer",
    ] {
        options = options.with_format(name, |_: &str| true);
    }
    options
}

/// `resource.ParseQuantity`'s syntax: a signed decimal number, then a binary suffix
/// (`Ki`..`Ei`), a decimal suffix (`n`, `u`, `m`, `k`, `M`..`E`) or an exponent (`e3`).
pub(crate) fn is_quantity(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits_start = i;
    let mut digits = 0;
    let mut dot = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' if !dot => dot = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 || i == digits_start {
        return false;
    }
    let suffix = text.get(i..).unwrap_or("");
    match suffix {
        "" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" | "Ki" | "Mi" | "Gi" | "Ti"
        | "Pi" | "Ei" => true,
        _ => {
            let Some(exponent) = suffix.strip_prefix(['e', 'E']) else {
                return false;
            };
            let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            !exponent.is_empty() && exponent.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// Go's `base64.StdEncoding` as `encoding/json` decodes `[]byte`: padded, line breaks ignored.
pub(crate) fn is_base64(text: &str) -> bool {
    let mut length = 0usize;
    let mut padding = 0usize;
    for b in text.bytes() {
        match b {
            b'\r' | b'\n' => continue,
            b'=' => padding += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if padding == 0 => {}
            _ => return false,
        }
        length += 1;
    }
    length % 4 == 0 && padding <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_as_the_api_server_parses_them() {
        for good in [
            "500m", "1", "0.5", ".5", "1.", "2Gi", "128Mi", "1e3", "1E-2", "+1k", "-1", "100n",
            "3u", "1.5G", "1Ei",
        ] {
            assert!(is_quantity(good), "{good}");
        }
        for bad in [
            "", "m", "1.2.3", "1GB", "1gi", "500 m", "abc", "1e", "1e+", "--1", ".", "1Ki1", "0x10",
        ] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn base64_as_go_decodes_it() {
        for good in ["", "aGVsbG8=", "aGVsbG8h", "aGk=\n", "YQ==", "aG\nVsbG8="] {
            assert!(is_base64(good), "{good:?}");
        }
        for bad in ["hello", "aGVsbG8", "a===", "aGk=aGk=", "aGVs bG8=", "YQ=a"] {
            assert!(!is_base64(bad), "{bad:?}");
        }
    }
}
