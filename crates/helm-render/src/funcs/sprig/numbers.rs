//! Sprig's integer arithmetic, conversions (spf13/cast semantics: what cannot be converted
//! is 0) and integer sequences (`until`, `untilStep`, `seq`).
//!
//! Integer arithmetic wraps on overflow and division by zero fails, as in Go. Sequences
//! longer than [`MAX_ITEMS`] fail instead of exhausting memory.

use crate::funcs::args::{
    MAX_ITEMS, arg, arity, arity_min, check_size, int, string, to_float64, to_int, to_int64,
};
use crate::template::format::format_value;
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

const DIVIDE_BY_ZERO: &str = "runtime error: integer divide by zero";

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("add", |_, args| {
        Ok(Value::Int(
            args.iter().map(to_int64).fold(0i64, i64::wrapping_add),
        ))
    });
    funcs.insert("mul", |_, args| {
        arity_min("mul", args, 1)?;
        Ok(Value::Int(
            args.iter().map(to_int64).fold(1i64, i64::wrapping_mul),
        ))
    });
    funcs.insert("sub", |_, args| {
        arity("sub", args, 2)?;
        let (a, b) = pair(args);
        Ok(Value::Int(a.wrapping_sub(b)))
    });
    funcs.insert("div", |_, args| {
        arity("div", args, 2)?;
        let (a, b) = pair(args);
        if b == 0 {
            return Err(DIVIDE_BY_ZERO.into());
        }
        Ok(Value::Int(a.wrapping_div(b)))
    });
    funcs.insert("mod", |_, args| {
        arity("mod", args, 2)?;
        let (a, b) = pair(args);
        if b == 0 {
            return Err(DIVIDE_BY_ZERO.into());
        }
        Ok(Value::Int(a.wrapping_rem(b)))
    });
    funcs.insert("add1", |_, args| {
        arity("add1", args, 1)?;
        Ok(Value::Int(to_int64(arg(args, 0)).wrapping_add(1)))
    });
    for name in ["max", "biggest"] {
        funcs.insert(name, move |_, args| {
            arity_min(name, args, 1)?;
            Ok(Value::Int(args.iter().map(to_int64).max().unwrap_or(0)))
        });
    }
    funcs.insert("min", |_, args| {
        arity_min("min", args, 1)?;
        Ok(Value::Int(args.iter().map(to_int64).min().unwrap_or(0)))
    });
    funcs.insert("int", |_, args| {
        arity("int", args, 1)?;
        Ok(Value::Int(to_int(arg(args, 0))))
    });
    funcs.insert("int64", |_, args| {
        arity("int64", args, 1)?;
        Ok(Value::Int(to_int64(arg(args, 0))))
    });
    funcs.insert("float64", |_, args| {
        arity("float64", args, 1)?;
        Ok(Value::Float(to_float64(arg(args, 0))))
    });
    funcs.insert("atoi", |_, args| {
        arity("atoi", args, 1)?;
        Ok(Value::Int(atoi(&string("atoi", args, 0)?)))
    });
    funcs.insert("toDecimal", |_, args| {
        arity("toDecimal", args, 1)?;
        let text = format_value(arg(args, 0));
        Ok(Value::Int(parse_octal(&text).unwrap_or(0)))
    });
    funcs.insert("until", |_, args| {
        arity("until", args, 1)?;
        let count = int("until", args, 0)?;
        let step = if count < 0 { -1 } else { 1 };
        until_step(0, count, step).map(ints)
    });
    funcs.insert("untilStep", |_, args| {
        arity("untilStep", args, 3)?;
        let start = int("untilStep", args, 0)?;
        let stop = int("untilStep", args, 1)?;
        let step = int("untilStep", args, 2)?;
        until_step(start, stop, step).map(ints)
    });
    funcs.insert("seq", |_, args| {
        let mut params = Vec::with_capacity(args.len());
        for i in 0..args.len() {
            params.push(int("seq", args, i)?);
        }
        let numbers = seq(&params)?;
        let text: Vec<String> = numbers.iter().map(i64::to_string).collect();
        Ok(Value::from(text.join(" ")))
    });
}

fn pair(args: &[Value]) -> (i64, i64) {
    (to_int64(arg(args, 0)), to_int64(arg(args, 1)))
}

fn ints(numbers: Vec<i64>) -> Value {
    Value::from(numbers.into_iter().map(Value::Int).collect::<Vec<_>>())
}

/// Go's `strconv.Atoi` as Sprig uses it: invalid text is 0, out-of-range values clamp.
fn atoi(s: &str) -> i64 {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let mut value: i128 = 0;
    for b in digits.bytes() {
        value = (value * 10 + i128::from(b - b'0')).min(i128::from(u64::MAX));
    }
    let value = if negative { -value } else { value };
    i64::try_from(value).unwrap_or(if negative { i64::MIN } else { i64::MAX })
}

/// `strconv.ParseInt(s, 8, 64)`.
fn parse_octal(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    let magnitude = i128::from(u64::from_str_radix(digits, 8).ok()?);
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// Sprig's `untilStep`: from `start` toward `stop` (exclusive) by `step`; empty when the
/// step points away from `stop`.
fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let forward = stop >= start;
    if (forward && step <= 0) || (!forward && step >= 0) {
        return Ok(Vec::new());
    }
    let span = (i128::from(stop) - i128::from(start)).unsigned_abs();
    let count = span.div_ceil(i128::from(step).unsigned_abs());
    check_size("untilStep", count)?;
    let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(MAX_ITEMS));
    let mut i = i128::from(start);
    let (stop, step) = (i128::from(stop), i128::from(step));
    while (forward && i < stop) || (!forward && i > stop) {
        out.push(i64::try_from(i).unwrap_or_default());
        i += step;
    }
    Ok(out)
}

/// Sprig's `seq`, like the Unix command: `seq LAST`, `seq FIRST LAST`,
/// `seq FIRST STEP LAST`.
fn seq(params: &[i64]) -> Result<Vec<i64>, FuncError> {
    match *params {
        [end] => {
            let step = if end < 1 { -1 } else { 1 };
            until_step(1, end.wrapping_add(step), step)
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(start, end.wrapping_add(step), step)
        }
        [start, step, end] => {
            let mut increment = 1;
            if end < start {
                increment = -1;
                if step > 0 {
                    return Ok(Vec::new());
                }
            }
            until_step(start, end.wrapping_add(increment), step)
        }
        _ => Ok(Vec::new()),
    }
}
