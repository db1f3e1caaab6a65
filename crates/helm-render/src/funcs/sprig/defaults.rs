//! Sprig's defaults and flow helpers: `default`, `empty`, `coalesce`, `all`, `any`,
//! `ternary`, and `deepCopy`. "Empty" is Go's zero value: nil, false, 0, and empty strings,
//! lists and maps; structs are never empty.

use crate::funcs::args::{arg, arity, arity_min};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

/// Deepest nesting `deepCopy` follows (a map can hold itself through `set`).
const MAX_DEPTH: usize = 500;

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("default", |_, args| {
        arity_min("default", args, 1)?;
        let fallback = arg(args, 0);
        Ok(match args.get(1) {
            Some(given) if !empty(given) => given.clone(),
            _ => fallback.clone(),
        })
    });
    funcs.insert("empty", |_, args| {
        arity("empty", args, 1)?;
        Ok(Value::Bool(empty(arg(args, 0))))
    });
    funcs.insert("coalesce", |_, args| {
        Ok(args
            .iter()
            .find(|v| !empty(v))
            .cloned()
            .unwrap_or(Value::Nil))
    });
    funcs.insert("all", |_, args| {
        Ok(Value::Bool(args.iter().all(|v| !empty(v))))
    });
    funcs.insert("any", |_, args| {
        Ok(Value::Bool(args.iter().any(|v| !empty(v))))
    });
    funcs.insert("ternary", |_, args| {
        arity("ternary", args, 3)?;
        let condition = match arg(args, 2) {
            Value::Bool(b) => *b,
            other => {
                return Err(FuncError::Args(format!(
                    "wrong type for value; expected bool; got {}",
                    other.type_name()
                )));
            }
        };
        Ok(arg(args, if condition { 0 } else { 1 }).clone())
    });
    for name in ["deepCopy", "mustDeepCopy"] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 1)?;
            if matches!(arg(args, 0), Value::Nil | Value::Missing) {
                return Err("reflect: call of reflect.Value.Type on zero Value".into());
            }
            let mut budget = crate::funcs::args::MAX_ITEMS;
            deep_copy(arg(args, 0), 0, &mut budget)
        });
    }
}

/// Sprig's `empty`: whether a value is its type's zero value.
pub(crate) fn empty(value: &Value) -> bool {
    match value {
        Value::Nil | Value::Missing => true,
        Value::Bool(b) => !b,
        Value::Int(i) => *i == 0,
        Value::Float(x) => *x == 0.0,
        Value::String(s) => s.is_empty(),
        Value::List(items) => items.is_empty(),
        Value::Map(map) => map.borrow().is_empty(),
        Value::Bytes(bytes) => bytes.is_empty(),
        Value::Object(object) => object.is_nil(),
    }
}

/// copystructure's `Copy`: lists and maps copied all the way down, within `budget` values
/// (a map holding the same map many times over would otherwise copy exponentially).
pub(crate) fn deep_copy(
    value: &Value,
    depth: usize,
    budget: &mut usize,
) -> Result<Value, FuncError> {
    if depth > MAX_DEPTH {
        return Err(format!("deepCopy: nesting deeper than {MAX_DEPTH} levels").into());
    }
    if *budget == 0 {
        return Err("deepCopy: value too large to copy".into());
    }
    *budget -= 1;
    Ok(match value {
        Value::List(items) => Value::from(
            items
                .iter()
                .map(|item| deep_copy(item, depth + 1, budget))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Value::Map(map) => Value::from(
            map.borrow()
                .iter()
                .map(|(k, v)| Ok((k.clone(), deep_copy(v, depth + 1, budget)?)))
                .collect::<Result<std::collections::BTreeMap<_, _>, FuncError>>()?,
        ),
        Value::Missing => Value::Nil,
        other => other.clone(),
    })
}
