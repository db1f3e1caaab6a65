//! Sprig's type introspection: `typeOf` (Go's `%T`), `kindOf` (`reflect.Kind`), their `Is`
//! predicates, and `deepEqual` (`reflect.DeepEqual`).
//!
//! The value model knows one integer type and one list type, so Sprig's `int64` results and
//! `[]string` results report `int` and `[]interface {}` here.

use std::rc::Rc;

use crate::funcs::args::{arg, arity, string};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

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
        Ok(Value::Bool(
            Equality::new().equal(arg(args, 0), arg(args, 1))?,
        ))
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

/// The most values compared in one function call: `uniq` of a long list compares every
/// pair, which Go would grind through; past this the call fails instead.
const MAX_COMPARED: usize = 1 << 24;

/// `reflect.DeepEqual` over one function call's budget.
#[derive(Debug)]
pub(crate) struct Equality {
    budget: usize,
}

impl Equality {
    pub(crate) fn new() -> Self {
        Equality {
            budget: MAX_COMPARED,
        }
    }

    /// Whether `a` and `b` are deeply equal. Maps that hold themselves are safe: a pair of
    /// maps already being compared counts as equal, as in Go's visited set.
    pub(crate) fn equal(&mut self, a: &Value, b: &Value) -> Result<bool, FuncError> {
        let same = equal(a, b, &mut Vec::new(), &mut self.budget);
        if self.budget == 0 {
            return Err(format!("comparison of more than {MAX_COMPARED} values").into());
        }
        Ok(same)
    }

    /// Whether `items` holds a value deeply equal to `needle`.
    pub(crate) fn contains(&mut self, items: &[Value], needle: &Value) -> Result<bool, FuncError> {
        for item in items {
            if self.equal(item, needle)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

type Pair = (*const (), *const ());

fn equal(a: &Value, b: &Value, open: &mut Vec<Pair>, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            Rc::ptr_eq(x, y)
                || (x.len() == y.len()
                    && x.iter()
                        .zip(y.iter())
                        .all(|(p, q)| equal(p, q, open, budget)))
        }
        (Value::Map(x), Value::Map(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            let pair = (Rc::as_ptr(x).cast::<()>(), Rc::as_ptr(y).cast::<()>());
            if open.contains(&pair) {
                return true;
            }
            open.push(pair);
            let (x, y) = (x.borrow(), y.borrow());
            let same = x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((kx, vx), (ky, vy))| kx == ky && equal(vx, vy, open, budget));
            open.pop();
            same
        }
        (Value::List(_) | Value::Map(_), _) | (_, Value::List(_) | Value::Map(_)) => false,
        _ => a == b,
    }
}
