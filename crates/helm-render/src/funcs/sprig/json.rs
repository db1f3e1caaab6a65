//! The JSON functions Helm keeps from Sprig: `toPrettyJson`, `toRawJson`, their `must`
//! variants, and `mustFromJson` (Helm replaces `toJson`, `mustToJson` and `fromJson` with
//! its own). Encoding follows Go's `encoding/json`: maps sorted by key, floats in Go's
//! shortest form (`1e+21`, `1e-7`), and `<`, `>`, `&` escaped unless raw.

use std::rc::Rc;

use crate::funcs::args::{arg, arity, string};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

/// Deepest nesting encoded (a map can hold itself through `set`).
const MAX_DEPTH: usize = 500;

/// The longest JSON text made (a map holding the same map many times over would otherwise
/// grow exponentially).
const MAX_LEN: usize = 16 << 20;

pub(super) fn register(funcs: &mut Funcs) {
    for (name, pretty, escape_html, must) in [
        ("toPrettyJson", true, true, false),
        ("mustToPrettyJson", true, true, true),
        ("toRawJson", false, false, false),
        ("mustToRawJson", false, false, true),
    ] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 1)?;
            let mut out = String::new();
            let options = Options {
                indent: if pretty { Some("  ") } else { None },
                escape_html,
            };
            match encode(&mut out, arg(args, 0), options, 0, 0) {
                Ok(()) => Ok(Value::from(out)),
                // toPrettyJson swallows the error; toRawJson panics with it.
                Err(_) if !must && pretty => Ok(Value::from("")),
                Err(err) => Err(err.into()),
            }
        });
    }
    funcs.insert("mustFromJson", |_, args| {
        arity("mustFromJson", args, 1)?;
        let text = string("mustFromJson", args, 0)?;
        decode(&text)
    });
}

#[derive(Clone, Copy)]
struct Options {
    indent: Option<&'static str>,
    escape_html: bool,
}

fn newline(out: &mut String, options: Options, level: usize) {
    if let Some(indent) = options.indent {
        out.push('\n');
        for _ in 0..level {
            out.push_str(indent);
        }
    }
}

/// Go's `json.Marshal` (or `MarshalIndent`) of a template value.
fn encode(
    out: &mut String,
    value: &Value,
    options: Options,
    level: usize,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "json: unsupported value: encountered a cycle via {}",
            value.type_name()
        ));
    }
    if out.len() > MAX_LEN {
        return Err("json: value too large to encode".to_owned());
    }
    match value {
        Value::Nil | Value::Missing => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(x) => out.push_str(&float(*x)?),
        Value::String(s) => quote(out, s, options.escape_html),
        Value::Bytes(bytes) => quote(out, &data_encoding::BASE64.encode(bytes), false),
        Value::List(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, options, level + 1);
                encode(out, item, options, level + 1, depth + 1)?;
            }
            newline(out, options, level);
            out.push(']');
        }
        Value::Map(map) => {
            let map = Rc::clone(map);
            let map = map.borrow();
            if map.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, options, level + 1);
                quote(out, key, options.escape_html);
                out.push(':');
                if options.indent.is_some() {
                    out.push(' ');
                }
                encode(out, item, options, level + 1, depth + 1)?;
            }
            newline(out, options, level);
            out.push('}');
        }
        Value::Object(object) => {
            let time = object
                .as_any()
                .and_then(|a| a.downcast_ref::<super::time::Time>());
            match time {
                Some(time) => quote(
                    out,
                    &time.format("2006-01-02T15:04:05.999999999Z07:00"),
                    false,
                ),
                None => quote(out, &object.format(), options.escape_html),
            }
        }
    }
    Ok(())
}

/// encoding/json's float format.
fn float(x: f64) -> Result<String, String> {
    if !x.is_finite() {
        return Err(format!(
            "json: unsupported value: {}",
            crate::template::format::format_float(x)
        ));
    }
    let abs = x.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{x:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let sign = if exponent < 0 { '-' } else { '+' };
        // Go writes at least two exponent digits, then trims `e-07` to `e-7`.
        return Ok(match sign {
            '-' => format!("{mantissa}e-{}", exponent.unsigned_abs()),
            _ => format!("{mantissa}e+{:02}", exponent.unsigned_abs()),
        });
    }
    // Shortest round-trip digits, in positional notation.
    Ok(format!("{x}"))
}

/// encoding/json's string quoting.
fn quote(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if escape_html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `json.Unmarshal` into `interface{}`: numbers are float64.
fn decode(text: &str) -> Result<Value, FuncError> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(json) => Ok(Value::from_json(&json)),
        Err(err) => Err(go_json_error(text, &err).into()),
    }
}

/// Go's wording for a JSON syntax error.
fn go_json_error(text: &str, err: &serde_json::Error) -> String {
    if err.is_eof() {
        return "unexpected end of JSON input".to_owned();
    }
    let offset: usize = text
        .split_inclusive('\n')
        .take(err.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + err.column().saturating_sub(1);
    let found = text
        .get(offset..)
        .and_then(|rest| rest.chars().next())
        .map_or(String::new(), |c| format!("{c:?}"));
    let context = if err.to_string().starts_with("trailing characters") {
        "after top-level value"
    } else {
        "looking for beginning of value"
    };
    format!("invalid character {found} {context}")
}
