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
pub fn string(_name: &str, args: &[Value], index: usize) -> Result<String, FuncError> {
    match arg(args, index) {
        Value::String(s) => Ok(s.to_string()),
        Value::Nil | Value::Missing => Err(invalid("string")),
        other => Err(FuncError::Args(format!(
            "wrong type for value; expected string; got {}",
            other.type_name()
        ))),
    }
}

/// Go's error for a nil argument to a parameter that cannot be nil (as a pipeline passes it).
pub fn invalid(go_type: &str) -> FuncError {
    FuncError::Args(format!("invalid value; expected {go_type}"))
}

/// Sprig's `strval`: strings as they are, bytes as text, everything else `%v`.
pub fn strval(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => format_value(other),
    }
}

/// spf13/cast `ToInt64`: numbers truncate, numeric strings parse (base 0, after dropping a
/// zero decimal part such as `.0`), bools are 0/1, anything else is 0.
pub fn to_int64(value: &Value) -> i64 {
    match value {
        Value::Int(i) => *i,
        Value::Float(x) => *x as i64,
        Value::Bool(b) => i64::from(*b),
        Value::String(s) => parse_int_base0(trim_zero_decimal(s)).unwrap_or(0),
        _ => 0,
    }
}

/// cast's `trimZeroDecimal`: `"42.00"` is `"42"`; any other decimal part is kept.
fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, c) in s.char_indices().rev() {
        match c {
            '.' if found_zero => return s.get(..i).unwrap_or(s),
            '.' => return s,
            '0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// spf13/cast `ToFloat64`.
pub fn to_float64(value: &Value) -> f64 {
    match value {
        Value::Int(i) => *i as f64,
        Value::Float(x) => *x,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::String(s) => parse_go_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal text (and Inf/NaN spellings).
pub fn parse_go_float(s: &str) -> Option<f64> {
    if s.is_empty() || s.contains(|c: char| c.is_whitespace()) || s.starts_with("+-") {
        return None;
    }
    let body = s.replace('_', "");
    if body.len() != s.len() && !s.trim_start_matches(['+', '-']).starts_with("0x") {
        return None;
    }
    body.parse().ok()
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

/// An `int` parameter: Go accepts only integers (a float64 from values is a type error).
pub fn int(_name: &str, args: &[Value], index: usize) -> Result<i64, FuncError> {
    match arg(args, index) {
        Value::Int(i) => Ok(*i),
        Value::Nil | Value::Missing => Err(invalid("int")),
        other => Err(FuncError::Args(format!(
            "wrong type for value; expected int; got {}",
            other.type_name()
        ))),
    }
}

/// A `map[string]interface{}` parameter. A nil argument fails as Go's does for a missing
/// value (`hasKey .Values.nope "k"`); Go would take a literal `nil` as an empty map.
pub fn map(
    _name: &str,
    args: &[Value],
    index: usize,
) -> Result<crate::template::value::Map, FuncError> {
    match arg(args, index) {
        Value::Map(map) => Ok(std::rc::Rc::clone(map)),
        Value::Nil | Value::Missing => Err(FuncError::Args(
            "wrong type for value; expected map[string]interface {}; got interface {}".to_owned(),
        )),
        other => Err(FuncError::Args(format!(
            "wrong type for value; expected map[string]interface {{}}; got {}",
            other.type_name()
        ))),
    }
}

/// spf13/cast `ToInt`: `ToInt64` narrowed to Go's 64-bit `int`.
pub fn to_int(value: &Value) -> i64 {
    to_int64(value)
}

/// The elements of a Go slice or array argument, or `None` for any other kind.
pub fn slice_items(value: &Value) -> Option<Vec<Value>> {
    match value {
        Value::List(items) => Some(items.to_vec()),
        Value::Bytes(bytes) => Some(bytes.iter().map(|b| Value::Int(i64::from(*b))).collect()),
        _ => None,
    }
}

/// A string result list (Go's `[]string`).
pub fn string_list(items: impl IntoIterator<Item = String>) -> Value {
    Value::from(items.into_iter().map(Value::from).collect::<Vec<_>>())
}

/// The most items a function builds in one call (`repeat`, `until`, `seq`...): Go would run
/// out of memory far beyond it; here the render fails with a message instead.
pub const MAX_ITEMS: usize = 1 << 20;

/// Fails when a result would exceed [`MAX_ITEMS`].
pub fn check_size(name: &str, size: u128) -> Result<(), FuncError> {
    if size > MAX_ITEMS as u128 {
        return Err(FuncError::Message(format!(
            "{name}: result of {size} items or bytes exceeds the limit of {MAX_ITEMS}"
        )));
    }
    Ok(())
}
