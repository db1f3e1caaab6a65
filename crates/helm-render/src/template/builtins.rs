//! text/template's predefined functions, with Go's comparison and indexing rules.

use std::cmp::Ordering;

use super::format::{format_value, sprintf};
use super::value::Value;
use super::{FuncError, Funcs};

/// `wrong number of args for NAME: want N got M`, as Go reports it.
pub fn arity(name: &str, args: &[Value], want: usize) -> Result<(), FuncError> {
    if args.len() != want {
        return Err(FuncError::Args(format!(
            "wrong number of args for {name}: want {want} got {}",
            args.len()
        )));
    }
    Ok(())
}

/// At least `want` arguments.
pub fn arity_min(name: &str, args: &[Value], want: usize) -> Result<(), FuncError> {
    if args.len() < want {
        return Err(FuncError::Args(format!(
            "wrong number of args for {name}: want at least {want} got {}",
            args.len()
        )));
    }
    Ok(())
}

pub(super) fn register(funcs: &mut Funcs) {
    // Evaluated lazily by the executor; registered so templates may name them.
    funcs.insert("and", |_, args| {
        Ok(args
            .iter()
            .find(|a| !a.is_true())
            .or(args.last())
            .cloned()
            .unwrap_or_default())
    });
    funcs.insert("or", |_, args| {
        Ok(args
            .iter()
            .find(|a| a.is_true())
            .or(args.last())
            .cloned()
            .unwrap_or_default())
    });
    funcs.insert("not", |_, args| {
        arity("not", args, 1)?;
        Ok(Value::Bool(!args.first().is_some_and(Value::is_true)))
    });
    funcs.insert("len", |_, args| {
        arity("len", args, 1)?;
        length(args.first().unwrap_or(&Value::Nil)).map(Value::Int)
    });
    funcs.insert("index", |_, args| {
        arity_min("index", args, 1)?;
        let mut item = args.first().cloned().unwrap_or_default();
        for key in args.get(1..).unwrap_or_default() {
            item = index(&item, key)?;
        }
        Ok(item)
    });
    funcs.insert("slice", |_, args| {
        arity_min("slice", args, 1)?;
        slice(args)
    });
    funcs.insert("print", |_, args| Ok(Value::from(sprint(args))));
    funcs.insert("println", |_, args| {
        let parts: Vec<String> = args.iter().map(format_value).collect();
        Ok(Value::from(format!("{}\n", parts.join(" "))))
    });
    funcs.insert("printf", |_, args| {
        arity_min("printf", args, 1)?;
        let format = match args.first() {
            Some(Value::String(s)) => s.to_string(),
            Some(other) => {
                return Err(FuncError::Args(format!(
                    "wrong type for value; expected string; got {}",
                    other.type_name()
                )));
            }
            None => String::new(),
        };
        Ok(Value::from(sprintf(
            &format,
            args.get(1..).unwrap_or_default(),
        )))
    });
    for (name, want) in [
        ("eq", 0),
        ("ne", 1),
        ("lt", 2),
        ("le", 3),
        ("gt", 4),
        ("ge", 5),
    ] {
        funcs.insert(name, move |_, args| compare_func(name, want, args));
    }
    funcs.insert("html", |_, args| {
        Ok(Value::from(html_escape(&eval_args(args))))
    });
    funcs.insert("js", |_, args| Ok(Value::from(js_escape(&eval_args(args)))));
    funcs.insert("urlquery", |_, args| {
        Ok(Value::from(query_escape(&eval_args(args))))
    });
    funcs.insert("call", |_, args| match args.first() {
        None | Some(Value::Nil | Value::Missing) => Err("call of nil".into()),
        Some(value) => Err(FuncError::Message(format!(
            "non-function of type {}",
            value.type_name()
        ))),
    });
}

/// `fmt.Sprint`: spaces between operands when neither side is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    let mut previous_string = true;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if i > 0 && !is_string && !previous_string {
            out.push(' ');
        }
        out.push_str(&format_value(arg));
        previous_string = is_string;
    }
    out
}

/// text/template's `evalArgs`: a lone string is itself, otherwise `fmt.Sprint`.
fn eval_args(args: &[Value]) -> String {
    match args {
        [Value::String(s)] => s.to_string(),
        _ => sprint(args),
    }
}

fn length(item: &Value) -> Result<i64, FuncError> {
    if let Value::Object(object) = item {
        if let Some(underlying) = object.underlying() {
            return length(&underlying);
        }
    }
    let len = match item {
        Value::String(s) => s.len(),
        Value::List(items) => items.len(),
        Value::Map(map) => map.borrow().len(),
        Value::Bytes(bytes) => bytes.len(),
        // Go's `len` of a nil interface value panics in reflect; templates report the panic.
        Value::Nil | Value::Missing => {
            return Err("reflect: call of reflect.Value.Type on zero Value".into());
        }
        other => return Err(format!("len of type {}", other.type_name()).into()),
    };
    Ok(i64::try_from(len).unwrap_or(i64::MAX))
}

fn as_index(value: &Value, cap: usize) -> Result<usize, FuncError> {
    let Value::Int(i) = value else {
        return Err(format!("cannot index slice/array with type {}", value.type_name()).into());
    };
    usize::try_from(*i)
        .ok()
        .filter(|&i| i < cap)
        .ok_or_else(|| format!("index out of range: {i}").into())
}

fn index(item: &Value, key: &Value) -> Result<Value, FuncError> {
    if let Value::Object(object) = item {
        if let Some(underlying) = object.underlying() {
            return index(&underlying, key);
        }
    }
    match item {
        Value::List(items) => {
            let i = as_index(key, items.len())?;
            Ok(items.get(i).cloned().unwrap_or_default())
        }
        Value::String(s) => {
            let i = as_index(key, s.len())?;
            Ok(Value::Int(i64::from(
                s.as_bytes().get(i).copied().unwrap_or(0),
            )))
        }
        Value::Bytes(bytes) => {
            let i = as_index(key, bytes.len())?;
            Ok(Value::Int(i64::from(bytes.get(i).copied().unwrap_or(0))))
        }
        Value::Map(map) => match key {
            Value::String(k) => Ok(map.borrow().get(&**k).cloned().unwrap_or(Value::Nil)),
            Value::Nil | Value::Missing => Ok(Value::Nil),
            other => Err(format!("value has type {}; should be string", other.type_name()).into()),
        },
        Value::Nil | Value::Missing => Err("index of untyped nil".into()),
        other => Err(format!("can't index item of type {}", other.type_name()).into()),
    }
}

fn slice(args: &[Value]) -> Result<Value, FuncError> {
    let item = args.first().cloned().unwrap_or_default();
    let len = match &item {
        Value::List(items) => items.len(),
        Value::String(s) => s.len(),
        Value::Nil | Value::Missing => return Err("slice of untyped nil".into()),
        other => return Err(format!("can't slice item of type {}", other.type_name()).into()),
    };
    let bounds: Vec<usize> = args
        .get(1..)
        .unwrap_or_default()
        .iter()
        .map(|a| match a {
            Value::Int(i) => usize::try_from(*i)
                .ok()
                .filter(|&i| i <= len)
                .ok_or_else(|| FuncError::from(format!("index out of range: {i}"))),
            other => {
                Err(format!("cannot index slice/array with type {}", other.type_name()).into())
            }
        })
        .collect::<Result<_, _>>()?;
    let (start, end) = match bounds.as_slice() {
        [] => (0, len),
        [start] => (*start, len),
        [start, end] | [start, end, _] => (*start, *end),
        _ => return Err("too many slice indexes".into()),
    };
    if start > end {
        return Err(format!("invalid slice index: {start} > {end}").into());
    }
    Ok(match item {
        Value::List(items) => Value::from(items.get(start..end).unwrap_or_default().to_vec()),
        Value::String(s) => Value::from(s.get(start..end).unwrap_or("").to_owned()),
        _ => Value::Missing,
    })
}

#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Bool,
    Int,
    Float,
    String,
    Nil,
    Other,
}

fn kind(value: &Value) -> Kind {
    match value {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        Value::Nil | Value::Missing => Kind::Nil,
        _ => Kind::Other,
    }
}

const BAD_COMPARISON: &str = "incompatible types for comparison";

/// Go's error for operands of different kinds, naming both types.
fn bad_comparison(a: &Value, b: &Value) -> FuncError {
    format!("{BAD_COMPARISON}: {} and {}", a.type_name(), b.type_name()).into()
}

fn basic_eq(a: &Value, b: &Value) -> Result<bool, FuncError> {
    let (ka, kb) = (kind(a), kind(b));
    if ka != kb {
        if ka == Kind::Nil || kb == Kind::Nil {
            return Ok(false);
        }
        return Err(bad_comparison(a, b));
    }
    Ok(match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Nil | Value::Missing, Value::Nil | Value::Missing) => true,
        (Value::Map(_), _) | (Value::List(_), _) | (Value::Bytes(_), _) => {
            return Err(
                format!("non-comparable type {}: {}", format_value(a), a.type_name()).into(),
            );
        }
        _ => a == b,
    })
}

fn basic_cmp(a: &Value, b: &Value) -> Result<Ordering, FuncError> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y).ok_or_else(|| BAD_COMPARISON.into()),
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ if kind(a) != kind(b) => Err(bad_comparison(a, b)),
        _ => Err("invalid type for comparison".into()),
    }
}

fn compare_func(name: &str, which: usize, args: &[Value]) -> Result<Value, FuncError> {
    if which == 0 {
        arity_min(name, args, 1)?;
        if args.len() == 1 {
            return Err("missing argument for comparison".into());
        }
        let first = args.first().cloned().unwrap_or_default();
        for other in args.get(1..).unwrap_or_default() {
            if basic_eq(&first, other)? {
                return Ok(Value::Bool(true));
            }
        }
        return Ok(Value::Bool(false));
    }
    arity(name, args, 2)?;
    let (Some(a), Some(b)) = (args.first(), args.get(1)) else {
        return Ok(Value::Bool(false));
    };
    let result = match which {
        1 => !basic_eq(a, b)?,
        2 => basic_cmp(a, b)? == Ordering::Less,
        3 => basic_cmp(a, b)? != Ordering::Greater,
        4 => basic_cmp(a, b)? == Ordering::Greater,
        _ => basic_cmp(a, b)? != Ordering::Less,
    };
    Ok(Value::Bool(result))
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            // Control characters, and what is not printable beyond ASCII, as `\uXXXX`.
            c if (c as u32) < 0x20 || (!c.is_ascii() && !super::format::is_printable(c)) => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for byte in s.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}
