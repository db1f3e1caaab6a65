//! Argument handling shared by the functions: Go's arity and type errors, and the loose
//! conversions Sprig applies (`strval`, spf13/cast's `ToInt64`, `ToFloat64`).

use crate::template::FuncError;
use crate::template::format::format_value;
use crate::template::value::Value;

pub use crate::template::builtins::{arity, arity_min};

/// The argument at `index` (nil when absent).
pub fn arg(args: &[Value], index: usize) -> &Value {
    const NIL: &Value = &Value::Nil;
    args.get(index).unwrap_or(NIL)
}

/// A `string` parameter: Go rejects any other type.
pub fn string(name: &str, args: &[Value], index: usize) -> Result<String, FuncError> {
    match arg(args, index) {
        Value::String(s) => Ok(s.to_string()),
        other => Err(FuncError::Args(format!(
            "wrong type for value; expected string; got {} (in {name})",
            other.type_name()
        ))),
    }
}

/// Sprig's `strval`: strings as they are, bytes as text, everything else `%v`.
pub fn strval(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => format_value(other),
    }
}

/// spf13/cast `ToInt64`: numbers truncate, numeric strings parse (base 0), bools are 0/1,
/// anything else is 0.
pub fn to_int64(value: &Value) -> i64 {
    match value {
        Value::Int(i) => *i,
        Value::Float(x) => *x as i64,
        Value::Bool(b) => i64::from(*b),
        Value::String(s) => parse_int_base0(s.trim()).unwrap_or(0),
        _ => 0,
    }
}

/// spf13/cast `ToFloat64`.
pub fn to_float64(value: &Value) -> f64 {
    match value {
        Value::Int(i) => *i as f64,
        Value::Float(x) => *x,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::String(s) => s.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int_base0(s: &str) -> Option<i64> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let body = body.replace('_', "");
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d.to_owned())
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d.to_owned())
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d.to_owned())
    } else if body.len() > 1 && body.starts_with('0') {
        (8, body.get(1..).unwrap_or("").to_owned())
    } else {
        (10, body.clone())
    };
    let magnitude = i128::from(u64::from_str_radix(&digits, radix).ok()?);
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}
