//! Sprig's type introspection: `typeOf` (Go's `%T`), `kindOf` (`reflect.Kind`), their `Is`
//! predicates, and `deepEqual` (`reflect.DeepEqual`).
//!
//! The value model knows one integer type and one list type, so Sprig's `int64` results and
//! `[]string` results report `int` and `[]interface {}` here.

use crate::funcs::args::{arg, arity, string};
use crate::template::Funcs;
use crate::template::value::Value;

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("typeOf", |_, args| {
        arity("typeOf", args, 1)?;
        Ok(Value::from(arg(args, 0).type_name()))
    });
    funcs.insert("kindOf", |_, args| {
        arity("kindOf", args, 1)?;
        Ok(Value::from(kind_of(arg(args, 0))))
    });
    funcs.insert("typeIs", |_, args| {
        arity("typeIs", args, 2)?;
        let target = string("typeIs", args, 0)?;
        Ok(Value::Bool(target == arg(args, 1).type_name()))
    });
    funcs.insert("typeIsLike", |_, args| {
        arity("typeIsLike", args, 2)?;
        let target = string("typeIsLike", args, 0)?;
        let actual = arg(args, 1).type_name();
        Ok(Value::Bool(
            target == actual || format!("*{target}") == actual,
        ))
    });
    funcs.insert("kindIs", |_, args| {
        arity("kindIs", args, 2)?;
        let target = string("kindIs", args, 0)?;
        Ok(Value::Bool(target == kind_of(arg(args, 1))))
    });
    funcs.insert("deepEqual", |_, args| {
        arity("deepEqual", args, 2)?;
        Ok(Value::Bool(arg(args, 0) == arg(args, 1)))
    });
}

/// `reflect.ValueOf(v).Kind().String()`: pointers are `ptr`, Helm's value structs `struct`.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Object(object) if object.type_name().starts_with('*') => "ptr",
        Value::Object(_) => "struct",
        other => other.kind(),
    }
}
