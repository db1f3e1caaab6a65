//! Sprig's list functions. Each accepts any Go slice, never mutates it, and returns a new
//! `[]interface{}`. The plain names fail where the `must` variants return the same error
//! (Sprig panics, and text/template turns the panic into the same "error calling" message).

use crate::funcs::args::{arity, arity_min, check_size, int, slice_items, to_int};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

use super::defaults::empty;
use super::reflect::Equality;

/// Go's message for `reflect.TypeOf(nil).Kind()`, which Sprig's list functions call first.
pub(super) const NIL_DEREF: &str =
    "runtime error: invalid memory address or nil pointer dereference";

pub(super) fn register(funcs: &mut Funcs) {
    for name in ["list", "tuple"] {
        funcs.insert(name, |_, args| Ok(Value::from(args.to_vec())));
    }
    both(funcs, "append", "mustAppend", |name, args| {
        arity(name, args, 2)?;
        let mut items = items_of(args.first(), "Cannot push on type")?;
        items.push(args.get(1).cloned().unwrap_or_default());
        Ok(Value::from(items))
    });
    both(funcs, "push", "mustPush", |name, args| {
        arity(name, args, 2)?;
        let mut items = items_of(args.first(), "Cannot push on type")?;
        items.push(args.get(1).cloned().unwrap_or_default());
        Ok(Value::from(items))
    });
    both(funcs, "prepend", "mustPrepend", |name, args| {
        arity(name, args, 2)?;
        let mut items = items_of(args.first(), "Cannot prepend on type")?;
        items.insert(0, args.get(1).cloned().unwrap_or_default());
        Ok(Value::from(items))
    });
    both(funcs, "first", "mustFirst", |name, args| {
        arity(name, args, 1)?;
        let items = items_of(args.first(), "Cannot find first on type")?;
        Ok(items.first().cloned().unwrap_or(Value::Nil))
    });
    both(funcs, "last", "mustLast", |name, args| {
        arity(name, args, 1)?;
        let items = items_of(args.first(), "Cannot find last on type")?;
        Ok(items.last().cloned().unwrap_or(Value::Nil))
    });
    both(funcs, "rest", "mustRest", |name, args| {
        arity(name, args, 1)?;
        let items = items_of(args.first(), "Cannot find rest on type")?;
        Ok(Value::from(items.get(1..).unwrap_or_default().to_vec()))
    });
    both(funcs, "initial", "mustInitial", |name, args| {
        arity(name, args, 1)?;
        let items = items_of(args.first(), "Cannot find initial on type")?;
        let end = items.len().saturating_sub(1);
        Ok(Value::from(items.get(..end).unwrap_or_default().to_vec()))
    });
    both(funcs, "reverse", "mustReverse", |name, args| {
        arity(name, args, 1)?;
        let mut items = items_of(args.first(), "Cannot find reverse on type")?;
        items.reverse();
        Ok(Value::from(items))
    });
    both(funcs, "compact", "mustCompact", |name, args| {
        arity(name, args, 1)?;
        let items = items_of(args.first(), "Cannot compact on type")?;
        Ok(Value::from(
            items.into_iter().filter(|v| !empty(v)).collect::<Vec<_>>(),
        ))
    });
    both(funcs, "uniq", "mustUniq", |name, args| {
        arity(name, args, 1)?;
        let items = items_of(args.first(), "Cannot find uniq on type")?;
        let mut equality = Equality::new();
        let mut out: Vec<Value> = Vec::new();
        for item in items {
            if !equality.contains(&out, &item)? {
                out.push(item);
            }
        }
        Ok(Value::from(out))
    });
    both(funcs, "without", "mustWithout", |name, args| {
        arity_min(name, args, 1)?;
        let items = items_of(args.first(), "Cannot find without on type")?;
        let omit = args.get(1..).unwrap_or_default();
        let mut equality = Equality::new();
        let mut out = Vec::new();
        for item in items {
            if !equality.contains(omit, &item)? {
                out.push(item);
            }
        }
        Ok(Value::from(out))
    });
    both(funcs, "has", "mustHas", |name, args| {
        arity(name, args, 2)?;
        let needle = args.first().cloned().unwrap_or_default();
        match args.get(1) {
            None | Some(Value::Nil | Value::Missing) => Ok(Value::Bool(false)),
            haystack => {
                let items = items_of(haystack, "Cannot find has on type")?;
                Ok(Value::Bool(Equality::new().contains(&items, &needle)?))
            }
        }
    });
    both(funcs, "slice", "mustSlice", |name, args| {
        arity_min(name, args, 1)?;
        slice(args)
    });
    both(funcs, "chunk", "mustChunk", |name, args| {
        arity(name, args, 2)?;
        let size = int(name, args, 0)?;
        let items = items_of(args.get(1), "Cannot chunk type")?;
        chunk(size, &items)
    });
    funcs.insert("concat", |_, args| {
        let mut out = Vec::new();
        for list in args {
            match slice_items(list) {
                Some(items) => out.extend(items),
                None if matches!(list, Value::Nil) => return Err(NIL_DEREF.into()),
                None => {
                    return Err(format!("Cannot concat type {} as list", kind_name(list)).into());
                }
            }
        }
        Ok(Value::from(out))
    });
}

/// Registers a function under its plain and `must` names.
fn both(
    funcs: &mut Funcs,
    name: &'static str,
    must: &'static str,
    f: fn(&str, &[Value]) -> Result<Value, FuncError>,
) {
    funcs.insert(name, move |_, args| f(name, args));
    funcs.insert(must, move |_, args| f(must, args));
}

/// The Go kind name of a value, as Sprig's messages print it.
pub(super) fn kind_name(value: &Value) -> String {
    super::reflect::kind_of(value).to_owned()
}

/// The items of a slice argument, or Sprig's error naming the kind it got.
fn items_of(value: Option<&Value>, what: &str) -> Result<Vec<Value>, FuncError> {
    let value = value.unwrap_or(&Value::Nil);
    if let Some(items) = slice_items(value) {
        return Ok(items);
    }
    if matches!(value, Value::Nil | Value::Missing) {
        return Err(NIL_DEREF.into());
    }
    Err(format!("{what} {}", kind_name(value)).into())
}

/// Sprig's `slice`: `list[start:end]` with cast's integer conversion of the bounds.
fn slice(args: &[Value]) -> Result<Value, FuncError> {
    let list = args.first().unwrap_or(&Value::Nil);
    let Some(items) = slice_items(list) else {
        if matches!(list, Value::Nil) {
            return Err(NIL_DEREF.into());
        }
        return Err(format!(
            "list should be type of slice or array but {}",
            kind_name(list)
        )
        .into());
    };
    if items.is_empty() {
        return Ok(Value::Nil);
    }
    let len = items.len() as i64;
    let start = args.get(1).map_or(0, to_int);
    let end = if args.len() < 3 {
        len
    } else {
        args.get(2).map_or(len, to_int)
    };
    if start < 0 || end < start || end > len {
        return Err("reflect.Value.Slice: slice index out of bounds".into());
    }
    let part = items
        .get(start as usize..end as usize)
        .unwrap_or_default()
        .to_vec();
    Ok(match list {
        Value::Bytes(bytes) => Value::Bytes(
            bytes
                .get(start as usize..end as usize)
                .unwrap_or_default()
                .into(),
        ),
        _ => Value::from(part),
    })
}

/// Go's float-to-int conversion on amd64: NaN and out-of-range values become `i64::MIN`.
fn go_f64_to_i64(x: f64) -> i64 {
    if x.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// Sprig's `chunk`, computed as it does (in float64), failing where Go's `make` would.
fn chunk(size: i64, items: &[Value]) -> Result<Value, FuncError> {
    const BAD_LEN: &str = "runtime error: makeslice: len out of range";
    let len = items.len() as i64;
    let count = go_f64_to_i64(((len - 1) as f64 / size as f64).floor() + 1.0);
    if count < 0 {
        return Err(BAD_LEN.into());
    }
    check_size("chunk", count as u128)?;
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count {
        let mut clen = size;
        if i == count - 1 {
            clen = go_f64_to_i64((len as f64 % size as f64).floor());
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err(BAD_LEN.into());
        }
        check_size("chunk", clen as u128)?;
        let mut part = Vec::with_capacity(clen as usize);
        for j in 0..clen {
            let index = i
                .checked_mul(size)
                .and_then(|x| x.checked_add(j))
                .and_then(|x| usize::try_from(x).ok());
            match index.and_then(|ix| items.get(ix)) {
                Some(item) => part.push(item.clone()),
                None => return Err("reflect: slice index out of range".into()),
            }
        }
        out.push(Value::from(part));
    }
    Ok(Value::from(out))
}
