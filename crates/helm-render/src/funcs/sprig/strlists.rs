//! Between strings and lists: `split`, `splitn`, `splitList`, `join`, `sortAlpha` and
//! `toStrings`, with Sprig's `strslice` conversion (nil items dropped, others `%v`).

use std::collections::BTreeMap;

use crate::funcs::args::{arg, arity, check_size, int, slice_items, string, string_list, strval};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("splitList", |_, args| {
        arity("splitList", args, 2)?;
        let sep = string("splitList", args, 0)?;
        let s = string("splitList", args, 1)?;
        Ok(string_list(go_split(&s, &sep, -1)?))
    });
    funcs.insert("split", |_, args| {
        arity("split", args, 2)?;
        let sep = string("split", args, 0)?;
        let s = string("split", args, 1)?;
        Ok(numbered(go_split(&s, &sep, -1)?))
    });
    funcs.insert("splitn", |_, args| {
        arity("splitn", args, 3)?;
        let sep = string("splitn", args, 0)?;
        let n = int("splitn", args, 1)?;
        let s = string("splitn", args, 2)?;
        Ok(numbered(go_split(&s, &sep, n)?))
    });
    funcs.insert("join", |_, args| {
        arity("join", args, 2)?;
        let sep = string("join", args, 0)?;
        Ok(Value::from(strslice(arg(args, 1)).join(&sep)))
    });
    funcs.insert("toStrings", |_, args| {
        arity("toStrings", args, 1)?;
        Ok(string_list(strslice(arg(args, 0))))
    });
    funcs.insert("sortAlpha", |_, args| {
        arity("sortAlpha", args, 1)?;
        let list = arg(args, 0);
        let mut items = match slice_items(list) {
            Some(_) => strslice(list),
            None => vec![strval(list)],
        };
        items.sort();
        Ok(string_list(items))
    });
}

/// Sprig's `strslice`: a list's non-nil items as strings; nil is empty; anything else is a
/// list of its own string form.
pub(crate) fn strslice(value: &Value) -> Vec<String> {
    match slice_items(value) {
        Some(items) => items
            .iter()
            .filter(|item| !matches!(item, Value::Nil | Value::Missing))
            .map(strval)
            .collect(),
        None if matches!(value, Value::Nil | Value::Missing) => Vec::new(),
        None => vec![strval(value)],
    }
}

/// `map[string]string{"_0": ..., "_1": ...}`, as `split` returns.
fn numbered(parts: Vec<String>) -> Value {
    let map: BTreeMap<String, Value> = parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| (format!("_{i}"), Value::from(part)))
        .collect();
    Value::from(map)
}

/// Go's `strings.SplitN`: `n < 0` is no limit, `n == 0` is nothing; an empty separator
/// splits into runes.
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Result<Vec<String>, FuncError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    if sep.is_empty() {
        check_size("split", s.len() as u128)?;
        let mut out: Vec<String> = Vec::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            if out.len() + 1 == limit {
                out.push(rest.to_owned());
                return Ok(out);
            }
            out.push(c.to_string());
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        }
        return Ok(out);
    }
    Ok(s.splitn(limit, sep).map(str::to_owned).collect())
}
