//! Go's `encoding/json` encoder for template values, byte for byte: what `toJson`,
//! `toPrettyJson` and `toRawJson` print, and the text `toYaml` starts from.
//!
//! Go sorts map keys bytewise, escapes `<`, `>`, `&` (unless told not to), U+2028 and
//! U+2029, prints floats in `'f'` form with the shortest digits (exponent form below 1e-6
//! and from 1e21 on), refuses NaN and infinities, and reports a value that contains itself.
//! The walk keeps its own stack, so nesting depth costs heap, not native stack.
//!
//! ```
//! use helm_render::funcs::json::{to_json, Style};
//! use helm_render::funcs::serialize::Work;
//! use helm_render::template::value::Value;
//!
//! let value = Value::from(vec![Value::from("<b>"), Value::Float(1e21), Value::Int(3)]);
//! let text = to_json(&value, Style::GO, &mut Work::default()).unwrap();
//! assert_eq!(text, r#"["\u003cb\u003e",1e+21,3]"#);
//! ```

use std::collections::HashSet;
use std::rc::Rc;

use crate::funcs::json_decode::{self, Decoded};
use crate::funcs::serialize::{SerializeError, Work};
use crate::template::format::format_float;
use crate::template::value::{Value, base64_encode};

/// How to write JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Escape `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`.
    pub escape_html: bool,
    /// Indent nested values by two spaces, one per line (`json.MarshalIndent(v, "", "  ")`).
    pub indent: bool,
}

impl Style {
    /// `json.Marshal` (`toJson`).
    pub const GO: Style = Style {
        escape_html: true,
        indent: false,
    };
    /// `json.MarshalIndent` with two spaces (`toPrettyJson`).
    pub const INDENTED: Style = Style {
        escape_html: true,
        indent: true,
    };
    /// An encoder with `SetEscapeHTML(false)` (`toRawJson`).
    pub const RAW: Style = Style {
        escape_html: false,
        indent: false,
    };
}

/// Go's `json.Unmarshal` into `interface{}` (Sprig's `mustFromJson`): numbers become float64,
/// objects maps; the error is worded as Go's.
///
/// ```
/// use helm_render::funcs::json::from_json;
/// use helm_render::template::value::Value;
///
/// assert_eq!(from_json("[1, \"a\"]"), Ok(Value::from(vec![Value::Float(1.0), Value::from("a")])));
/// assert_eq!(from_json("[1,").unwrap_err(), "unexpected end of JSON input");
/// ```
pub fn from_json(text: &str) -> Result<Value, String> {
    match json_decode::from_json(text)? {
        Decoded { value, error: None } => Ok(value),
        Decoded {
            error: Some(message),
            ..
        } => Err(message),
    }
}

/// Go starts checking for cycles this deep (`startDetectingCyclesAfter`).
const CYCLE_CHECK_DEPTH: usize = 1000;

/// An open list or map and the position reached in it.
enum Frame {
    List {
        items: Rc<Vec<Value>>,
        next: usize,
        identity: Option<Identity>,
    },
    Map {
        entries: Vec<(String, Value)>,
        next: usize,
        identity: Option<Identity>,
    },
}

/// What Go compares to find a cycle: a map's pointer, or a slice's pointer and length.
type Identity = (usize, usize);

/// Encodes a value as Go's `encoding/json` does.
pub fn to_json(value: &Value, style: Style, work: &mut Work) -> Result<String, SerializeError> {
    let mut out = String::new();
    let mut stack: Vec<Frame> = Vec::new();
    // The containers on the current path beyond the cycle-check depth, as Go records them.
    let mut path: HashSet<Identity> = HashSet::new();
    let mut pending: Option<Value> = Some(value.clone());
    let mut paid = 0;
    loop {
        work.spend_bytes(out.len() - paid)?;
        paid = out.len();
        if let Some(value) = pending.take() {
            work.spend(1)?;
            if let Some(frame) = open(&mut out, &value, style, stack.len(), &mut path)? {
                stack.push(frame);
            }
            continue;
        }
        let depth = stack.len();
        let Some(frame) = stack.last_mut() else {
            break;
        };
        match frame {
            Frame::List {
                items,
                next,
                identity,
            } => match items.get(*next) {
                Some(item) => {
                    separator(&mut out, style, *next, depth);
                    *next += 1;
                    pending = Some(item.clone());
                }
                None => {
                    close(&mut out, style, *next > 0, depth - 1, ']');
                    if let Some(identity) = identity {
                        path.remove(identity);
                    }
                    stack.pop();
                }
            },
            Frame::Map {
                entries,
                next,
                identity,
            } => match entries.get(*next) {
                Some((key, item)) => {
                    separator(&mut out, style, *next, depth);
                    write_string(&mut out, key, style.escape_html);
                    out.push_str(if style.indent { ": " } else { ":" });
                    pending = Some(item.clone());
                    *next += 1;
                }
                None => {
                    close(&mut out, style, *next > 0, depth - 1, '}');
                    if let Some(identity) = identity {
                        path.remove(identity);
                    }
                    stack.pop();
                }
            },
        }
    }
    Ok(out)
}

/// Writes a scalar, or the opening of a collection and returns its frame.
fn open(
    out: &mut String,
    value: &Value,
    style: Style,
    depth: usize,
    path: &mut HashSet<Identity>,
) -> Result<Option<Frame>, SerializeError> {
    match value {
        Value::Nil | Value::Missing => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(x) => out.push_str(&format_json_float(*x)?),
        Value::String(s) => write_string(out, s, style.escape_html),
        Value::Bytes(bytes) => write_string(out, &base64_encode(bytes), style.escape_html),
        // Go marshals an object by its own rules (`time.Time` as RFC 3339, structs by field).
        Value::Object(object) => {
            let json = object.to_json().map_err(SerializeError::Go)?;
            return open(out, &Value::from_json(&json), style, depth, path);
        }
        Value::List(items) => {
            let identity = enter(
                path,
                depth,
                (Rc::as_ptr(items) as usize, items.len()),
                value,
            )?;
            out.push('[');
            return Ok(Some(Frame::List {
                items: Rc::clone(items),
                next: 0,
                identity,
            }));
        }
        Value::Map(map) => {
            let identity = enter(path, depth, (Rc::as_ptr(map) as usize, 0), value)?;
            out.push('{');
            let entries = map
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            return Ok(Some(Frame::Map {
                entries,
                next: 0,
                identity,
            }));
        }
    }
    Ok(None)
}

/// Go's encoder records each map and slice it enters deeper than 1000 levels until it leaves
/// it, and fails on entering one it is still inside.
fn enter(
    path: &mut HashSet<Identity>,
    depth: usize,
    identity: Identity,
    value: &Value,
) -> Result<Option<Identity>, SerializeError> {
    if depth < CYCLE_CHECK_DEPTH {
        return Ok(None);
    }
    if path.insert(identity) {
        return Ok(Some(identity));
    }
    Err(SerializeError::Go(format!(
        "json: unsupported value: encountered a cycle via {}",
        value.type_name()
    )))
}

fn separator(out: &mut String, style: Style, index: usize, depth: usize) {
    if index > 0 {
        out.push(',');
    }
    if style.indent {
        newline(out, depth);
    }
}

fn close(out: &mut String, style: Style, had_items: bool, depth: usize, bracket: char) {
    if style.indent && had_items {
        newline(out, depth);
    }
    out.push(bracket);
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// A JSON string literal as Go writes it.
pub(crate) fn write_string(out: &mut String, s: &str, escape_html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if escape_html => push_unicode_escape(out, c as u32, HEX),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                push_unicode_escape(out, c as u32, HEX);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_unicode_escape(out: &mut String, code: u32, hex: &[u8; 16]) {
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        let digit = hex
            .get(((code >> shift) & 0xF) as usize)
            .copied()
            .unwrap_or(b'0');
        out.push(char::from(digit));
    }
}

/// A float as Go's JSON encoder prints it.
pub(crate) fn format_json_float(x: f64) -> Result<String, SerializeError> {
    if !x.is_finite() {
        return Err(SerializeError::Go(format!(
            "json: unsupported value: {}",
            format_float(x)
        )));
    }
    let abs = x.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // strconv's 'e' form, with Go's two-digit negative exponent shortened ("e-07" → "e-7").
        let text = format_float_exp(x);
        return Ok(match text.split_once("e-0") {
            Some((mantissa, digit)) if digit.len() == 1 => format!("{mantissa}e-{digit}"),
            _ => text,
        });
    }
    Ok(format_float_fixed(x))
}

/// The shortest round-trip digits of a finite float and its decimal exponent: the value is
/// `0.DIGITS × 10^exponent`.
fn shortest_digits(x: f64) -> (bool, String, i32) {
    let scientific = format!("{:e}", x.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (x.is_sign_negative(), digits, exponent + 1)
}

/// `strconv.FormatFloat(x, 'f', -1, 64)`.
pub(crate) fn format_float_fixed(x: f64) -> String {
    let (negative, digits, point) = shortest_digits(x);
    let sign = if negative { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0");
    }
    if point <= 0 {
        let zeros = "0".repeat(point.unsigned_abs() as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let point = point as usize;
    if point >= digits.len() {
        format!("{sign}{digits}{}", "0".repeat(point - digits.len()))
    } else {
        let (int, frac) = digits.split_at(point);
        format!("{sign}{int}.{frac}")
    }
}

/// `strconv.FormatFloat(x, 'e', -1, 64)`: `d.ddde±XX`, at least two exponent digits.
pub(crate) fn format_float_exp(x: f64) -> String {
    let (negative, digits, point) = shortest_digits(x);
    let sign = if negative { "-" } else { "" };
    let (first, rest) = digits.split_at(1.min(digits.len()));
    let fraction = if rest.is_empty() {
        String::new()
    } else {
        format!(".{rest}")
    };
    let exponent = if x == 0.0 { 0 } else { point - 1 };
    let exp_sign = if exponent < 0 { '-' } else { '+' };
    format!(
        "{sign}{first}{fraction}e{exp_sign}{:02}",
        exponent.unsigned_abs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_go_json() {
        let cases = [
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (1.5e-10, "1.5e-10"),
            (1e20, "100000000000000000000"),
            (0.000001, "0.000001"),
            (123456789.0, "123456789"),
            (-0.0, "-0"),
            (0.1, "0.1"),
            (1.5e300, "1.5e+300"),
        ];
        for (x, expected) in cases {
            assert_eq!(format_json_float(x).ok().as_deref(), Some(expected), "{x}");
        }
        assert!(format_json_float(f64::NAN).is_err());
    }
}
