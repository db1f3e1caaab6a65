//! Sprig's integer and float arithmetic and conversions (spf13/cast semantics).

use crate::funcs::args::{arity, to_float64, to_int64};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("add", |_, args| {
        Ok(Value::Int(
            args.iter().map(to_int64).fold(0i64, i64::wrapping_add),
        ))
    });
    funcs.insert("mul", |_, args| {
        Ok(Value::Int(
            args.iter().map(to_int64).fold(1i64, i64::wrapping_mul),
        ))
    });
    funcs.insert("sub", |_, args| {
        arity("sub", args, 2)?;
        Ok(Value::Int(pair(args).0.wrapping_sub(pair(args).1)))
    });
    funcs.insert("div", |_, args| {
        arity("div", args, 2)?;
        let (a, b) = pair(args);
        if b == 0 {
            return Err(FuncError::Message(
                "runtime error: integer divide by zero".to_owned(),
            ));
        }
        Ok(Value::Int(a.wrapping_div(b)))
    });
    funcs.insert("mod", |_, args| {
        arity("mod", args, 2)?;
        let (a, b) = pair(args);
        if b == 0 {
            return Err(FuncError::Message(
                "runtime error: integer divide by zero".to_owned(),
            ));
        }
        Ok(Value::Int(a.wrapping_rem(b)))
    });
    funcs.insert("add1", |_, args| {
        arity("add1", args, 1)?;
        Ok(Value::Int(
            to_int64(args.first().unwrap_or(&Value::Nil)).wrapping_add(1),
        ))
    });
    funcs.insert("int", |_, args| {
        arity("int", args, 1)?;
        Ok(Value::Int(to_int64(args.first().unwrap_or(&Value::Nil))))
    });
    funcs.insert("int64", |_, args| {
        arity("int64", args, 1)?;
        Ok(Value::Int(to_int64(args.first().unwrap_or(&Value::Nil))))
    });
    funcs.insert("float64", |_, args| {
        arity("float64", args, 1)?;
        Ok(Value::Float(to_float64(
            args.first().unwrap_or(&Value::Nil),
        )))
    });
}

fn pair(args: &[Value]) -> (i64, i64) {
    (
        to_int64(args.first().unwrap_or(&Value::Nil)),
        to_int64(args.get(1).unwrap_or(&Value::Nil)),
    )
}
