//! Sprig's dictionary functions. Maps are shared: `set`, `unset`, `merge` and
//! `mergeOverwrite` change the map they are given and return it, so a variable holding it
//! sees the change, as in Go.
//!
//! Go iterates maps in random order; `keys` and `values` list them in key order here (charts
//! that care sort them, e.g. `keys . | sortAlpha`).

use std::rc::Rc;

use crate::funcs::args::{arg, arity, arity_min, map, string, strval};
use crate::template::value::{Map, Value};
use crate::template::{FuncError, Funcs};

use super::defaults::empty;

/// Deepest nesting `merge` follows (a map can hold itself through `set`).
const MAX_DEPTH: usize = 500;

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("dict", |_, args| {
        let mut out = std::collections::BTreeMap::new();
        for pair in args.chunks(2) {
            let key = strval(pair.first().unwrap_or(&Value::Nil));
            let value = pair.get(1).cloned().unwrap_or_else(|| Value::from(""));
            out.insert(key, value);
        }
        Ok(Value::from(out))
    });
    funcs.insert("get", |_, args| {
        arity("get", args, 2)?;
        let d = map("get", args, 0)?;
        let key = string("get", args, 1)?;
        let value = d.borrow().get(&key).cloned();
        Ok(value.unwrap_or_else(|| Value::from("")))
    });
    funcs.insert("set", |_, args| {
        arity("set", args, 3)?;
        let d = map("set", args, 0)?;
        let key = string("set", args, 1)?;
        d.borrow_mut().insert(key, arg(args, 2).clone());
        Ok(Value::Map(d))
    });
    funcs.insert("unset", |_, args| {
        arity("unset", args, 2)?;
        let d = map("unset", args, 0)?;
        let key = string("unset", args, 1)?;
        d.borrow_mut().remove(&key);
        Ok(Value::Map(d))
    });
    funcs.insert("hasKey", |_, args| {
        arity("hasKey", args, 2)?;
        let d = map("hasKey", args, 0)?;
        let key = string("hasKey", args, 1)?;
        Ok(Value::Bool(d.borrow().contains_key(&key)))
    });
    funcs.insert("pluck", |_, args| {
        arity_min("pluck", args, 1)?;
        let key = string("pluck", args, 0)?;
        let mut out = Vec::new();
        for i in 1..args.len() {
            if let Some(value) = map("pluck", args, i)?.borrow().get(&key) {
                out.push(value.clone());
            }
        }
        Ok(Value::from(out))
    });
    funcs.insert("keys", |_, args| {
        let mut out = Vec::new();
        for i in 0..args.len() {
            out.extend(
                map("keys", args, i)?
                    .borrow()
                    .keys()
                    .cloned()
                    .map(Value::from),
            );
        }
        Ok(Value::from(out))
    });
    funcs.insert("values", |_, args| {
        arity("values", args, 1)?;
        let d = map("values", args, 0)?;
        let out: Vec<Value> = d.borrow().values().cloned().collect();
        Ok(Value::from(out))
    });
    funcs.insert("pick", |_, args| {
        arity_min("pick", args, 1)?;
        let d = map("pick", args, 0)?;
        let mut out = std::collections::BTreeMap::new();
        for i in 1..args.len() {
            let key = string("pick", args, i)?;
            if let Some(value) = d.borrow().get(&key) {
                out.insert(key, value.clone());
            }
        }
        Ok(Value::from(out))
    });
    funcs.insert("omit", |_, args| {
        arity_min("omit", args, 1)?;
        let d = map("omit", args, 0)?;
        let mut omit = Vec::new();
        for i in 1..args.len() {
            omit.push(string("omit", args, i)?);
        }
        let out: std::collections::BTreeMap<String, Value> = d
            .borrow()
            .iter()
            .filter(|(k, _)| !omit.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(Value::from(out))
    });
    for (name, overwrite) in [
        ("merge", false),
        ("mustMerge", false),
        ("mergeOverwrite", true),
        ("mustMergeOverwrite", true),
    ] {
        funcs.insert(name, move |_, args| {
            arity_min(name, args, 1)?;
            let dst = map(name, args, 0)?;
            let mut budget = crate::funcs::args::MAX_ITEMS;
            for i in 1..args.len() {
                let src = map(name, args, i)?;
                merge_into(&dst, &src, overwrite, 0, &mut budget)?;
            }
            Ok(Value::Map(dst))
        });
    }
    funcs.insert("dig", |_, args| dig(args));
}

/// mergo's `Merge` of two `map[string]interface{}` with Sprig's options (`WithOverride` for
/// `mergeOverwrite`): keys missing or empty in `dst` take `src`'s value; nested maps merge
/// recursively, in place; lists are values, never merged; a nil in `src` only overwrites.
fn merge_into(
    dst: &Map,
    src: &Map,
    overwrite: bool,
    depth: usize,
    budget: &mut usize,
) -> Result<(), FuncError> {
    if depth > MAX_DEPTH {
        return Err(format!("merge: nesting deeper than {MAX_DEPTH} levels").into());
    }
    if Rc::ptr_eq(dst, src) {
        return Ok(());
    }
    let entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, value) in entries {
        if *budget == 0 {
            return Err("merge: values too large to merge".into());
        }
        *budget -= 1;
        let current = dst.borrow().get(&key).cloned();
        if matches!(value, Value::Nil | Value::Missing) {
            if overwrite {
                dst.borrow_mut().insert(key, Value::Nil);
            }
            continue;
        }
        if let (Value::Map(src_map), Some(Value::Map(dst_map))) = (&value, &current) {
            merge_into(dst_map, src_map, overwrite, depth + 1, budget)?;
        }
        if let Some(current) = &current {
            let keep = !empty(current)
                && matches!(
                    (&value, current),
                    (Value::List(_) | Value::Bytes(_), _) | (Value::Map(_), Value::Map(_))
                );
            if keep {
                // mergo replaces a kept list by the source's when overwriting.
                if overwrite && matches!(value, Value::List(_) | Value::Bytes(_)) {
                    dst.borrow_mut().insert(key, value);
                }
                continue;
            }
        }
        let replace = overwrite || current.as_ref().is_none_or(empty);
        if replace {
            dst.borrow_mut().insert(key, value);
        }
    }
    Ok(())
}

/// Sprig's `dig KEY... DEFAULT DICT`.
fn dig(args: &[Value]) -> Result<Value, FuncError> {
    if args.len() < 3 {
        return Err("dig needs at least three arguments".into());
    }
    let (keys, rest) = args.split_at(args.len() - 2);
    let fallback = rest.first().cloned().unwrap_or_default();
    let mut current = match rest.get(1) {
        Some(Value::Map(m)) => Rc::clone(m),
        other => return Err(assertion_error(other.unwrap_or(&Value::Nil)).into()),
    };
    let mut names = Vec::with_capacity(keys.len());
    for key in keys {
        match key {
            Value::String(s) => names.push(s.to_string()),
            other => {
                return Err(format!(
                    "interface conversion: interface {{}} is {}, not string",
                    conversion_type(other)
                )
                .into());
            }
        }
    }
    for (i, name) in names.iter().enumerate() {
        let step = current.borrow().get(name).cloned();
        let Some(step) = step else {
            return Ok(fallback);
        };
        if i + 1 == names.len() {
            return Ok(step);
        }
        current = match &step {
            Value::Map(m) => Rc::clone(m),
            other => return Err(assertion_error(other).into()),
        };
    }
    Ok(fallback)
}

fn conversion_type(value: &Value) -> String {
    match value {
        Value::Nil | Value::Missing => "nil".to_owned(),
        other => other.type_name(),
    }
}

fn assertion_error(value: &Value) -> String {
    format!(
        "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
        conversion_type(value)
    )
}
