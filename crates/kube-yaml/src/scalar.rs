//! Plain-scalar resolution as go-yaml v2 does it (the library behind sigs.k8s.io/yaml, which
//! kubectl and Helm use): YAML 1.1 booleans, Go integer literals, and float formatting.

use super::Value;

/// Resolves an untagged plain scalar the way go-yaml v2 decodes it into `interface{}`
/// (timestamps stay strings there).
///
/// ```
/// use kube_yaml::{resolve_plain, Value};
/// assert_eq!(resolve_plain("yes"), Value::Bool(true));
/// assert_eq!(resolve_plain("0755"), Value::Int(493));
/// assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
/// assert_eq!(resolve_plain("web"), Value::Str("web".into()));
/// ```
pub fn resolve_plain(text: &str) -> Value {
    if let Some(value) = resolve_table(text) {
        return value;
    }
    match text.as_bytes().first() {
        Some(b'.') => parse_dot_float(text).map_or_else(|| string(text), Value::Float),
        Some(b'0'..=b'9' | b'+' | b'-') => resolve_number(text).unwrap_or_else(|| string(text)),
        _ => string(text),
    }
}

fn string(text: &str) -> Value {
    Value::Str(text.into())
}

/// The fixed words of go-yaml v2's resolve table.
fn resolve_table(text: &str) -> Option<Value> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Value::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        ".nan" | ".NaN" | ".NAN" => Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// `strconv.ParseFloat` on a text starting with `.` (only `.5`, `.5e3` shapes parse).
fn parse_dot_float(text: &str) -> Option<f64> {
    let rest = text.strip_prefix('.')?;
    let (digits, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (rest.get(..i)?, Some(rest.get(i + 1..)?)),
        None => (rest, None),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(exp) = exponent {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if exp.is_empty() || !exp.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    finite(text.parse::<f64>().ok()?)
}

fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

/// Integers (Go literal syntax after removing `_`), then YAML-style floats.
fn resolve_number(text: &str) -> Option<Value> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(int) = parse_go_int(&plain) {
        return Some(match i64::try_from(int) {
            Ok(i) => Value::Int(i),
            // Beyond int64 go-yaml yields uint64; JSON keeps it as a number.
            Err(_) => Value::Float(int as f64),
        });
    }
    if is_yaml_style_float(&plain) {
        return finite(plain.parse::<f64>().ok()?).map(Value::Float);
    }
    None
}

/// `strconv.ParseInt(s, 0, 64)` / `ParseUint` accepted range: sign, then `0x`, `0o`, `0b`,
/// a leading-zero octal, or decimal.
fn parse_go_int(text: &str) -> Option<i128> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(rest) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, rest)
    } else if let Some(rest) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, rest)
    } else if let Some(rest) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, rest)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, body.get(1..)?)
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    let value = if negative {
        -i128::from(magnitude)
    } else {
        i128::from(magnitude)
    };
    // ParseInt for negatives, ParseUint for the rest.
    (value >= i128::from(i64::MIN)).then_some(value)
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

/// Go's `strconv.FormatFloat(f, 'g', -1, bits)`, which is also how `%v` prints a float.
pub fn format_go_float(value: f64, bits32: bool) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Shortest round-trip digits, as Rust's `{:e}` gives them: "d.ddde[-]x".
    let scientific = if bits32 {
        format!("{:e}", value as f32)
    } else {
        format!("{value:e}")
    };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // With the shortest precision, Go switches to %e when the exponent is < -4 or >= 6.
    let decimal_point = exponent + 1;
    if !(-4..6).contains(&exponent) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!(
            "{sign}{first}{fraction}e{exp_sign}{:02}",
            exponent.unsigned_abs()
        );
    }
    if decimal_point <= 0 {
        let zeros = "0".repeat(decimal_point.unsigned_abs() as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let point = decimal_point as usize;
    if point >= digits.len() {
        let zeros = "0".repeat(point - digits.len());
        format!("{sign}{digits}{zeros}")
    } else {
        let (int, frac) = digits.split_at(point);
        format!("{sign}{int}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_float_formatting_matches_strconv() {
        let cases = [
            (1e6, "1e+06"),
            (100000.0, "100000"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (0.5, "0.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (3.0, "3"),
            (1e21, "1e+21"),
            (123456789.0, "1.23456789e+08"),
            (f64::INFINITY, "+Inf"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_go_float(value, false), expected, "{value}");
        }
        assert_eq!(format_go_float(0.1, true), "0.1");
    }
}
