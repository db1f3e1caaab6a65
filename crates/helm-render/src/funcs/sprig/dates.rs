//! Sprig's date functions: `now`, `date`, `dateInZone`, `htmlDate`, `htmlDateInZone`,
//! `dateModify`, `toDate`, `unixEpoch`, `ago`, `duration`, `durationRound` (and their
//! `must` and snake-case aliases).
//!
//! There is no clock: `now` is always [`FIXED_NOW`] (2024-01-01T00:00:00Z), and `ago` and
//! `durationRound` measure from it; so does `date` given something that is not a time or
//! a Unix timestamp (Sprig uses the current time there). The local zone is UTC, and
//! zone names other than `UTC` and `Local` are unknown, so they fall back to UTC as
//! Sprig does for a zone it cannot load.

use std::rc::Rc;

use crate::funcs::args::{arg, arity, string};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

use super::duration::{format_duration, parse_duration};
use super::layout::parse;
use super::time::Time;

/// The instant `now` returns, in Unix seconds: 2024-01-01T00:00:00Z.
pub(crate) const FIXED_NOW: i64 = 1_704_067_200;

const NANOS: i128 = 1_000_000_000;

fn now() -> Time {
    Time::utc(i128::from(FIXED_NOW) * NANOS)
}

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("now", |_, args| {
        arity("now", args, 0)?;
        Ok(time_value(now()))
    });
    funcs.insert("date", |_, args| {
        arity("date", args, 2)?;
        let layout = string("date", args, 0)?;
        Ok(Value::from(in_zone(&layout, arg(args, 1), "Local")))
    });
    for name in ["dateInZone", "date_in_zone"] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 3)?;
            let layout = string(name, args, 0)?;
            let zone = string(name, args, 2)?;
            Ok(Value::from(in_zone(&layout, arg(args, 1), &zone)))
        });
    }
    funcs.insert("htmlDate", |_, args| {
        arity("htmlDate", args, 1)?;
        Ok(Value::from(in_zone("2006-01-02", arg(args, 0), "Local")))
    });
    funcs.insert("htmlDateInZone", |_, args| {
        arity("htmlDateInZone", args, 2)?;
        let zone = string("htmlDateInZone", args, 1)?;
        Ok(Value::from(in_zone("2006-01-02", arg(args, 0), &zone)))
    });
    for (name, must) in [
        ("dateModify", false),
        ("date_modify", false),
        ("mustDateModify", true),
        ("must_date_modify", true),
    ] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 2)?;
            let modifier = string(name, args, 0)?;
            let time = time_arg(args, 1)?;
            match parse_duration(&modifier) {
                Ok(nanos) => Ok(time_value(Time {
                    unix_nanos: time.unix_nanos + i128::from(nanos),
                    ..time
                })),
                Err(err) if must => Err(err.into()),
                Err(_) => Ok(time_value(time)),
            }
        });
    }
    for (name, must) in [("toDate", false), ("mustToDate", true)] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 2)?;
            let layout = string(name, args, 0)?;
            let text = string(name, args, 1)?;
            match parse(&layout, &text) {
                Ok(time) => Ok(time_value(time)),
                Err(err) if must => Err(err.into()),
                Err(_) => Ok(time_value(Time::zero())),
            }
        });
    }
    funcs.insert("unixEpoch", |_, args| {
        arity("unixEpoch", args, 1)?;
        Ok(Value::from(time_arg(args, 0)?.unix().to_string()))
    });
    funcs.insert("ago", |_, args| {
        arity("ago", args, 1)?;
        let time = match arg(args, 0) {
            Value::Int(seconds) => Time::utc(i128::from(*seconds) * NANOS),
            other => as_time(other).unwrap_or_else(now),
        };
        let since = clamp(now().unix_nanos - time.unix_nanos);
        Ok(Value::from(format_duration(round(since, 1_000_000_000))))
    });
    funcs.insert("duration", |_, args| {
        arity("duration", args, 1)?;
        let seconds = match arg(args, 0) {
            Value::String(s) => s.parse::<i64>().unwrap_or(0),
            Value::Int(i) => *i,
            _ => 0,
        };
        Ok(Value::from(format_duration(
            seconds.wrapping_mul(1_000_000_000),
        )))
    });
    funcs.insert("durationRound", |_, args| {
        arity("durationRound", args, 1)?;
        let nanos = match arg(args, 0) {
            Value::String(s) => parse_duration(s).unwrap_or(0),
            Value::Int(i) => *i,
            other => as_time(other).map_or(0, |t| clamp(now().unix_nanos - t.unix_nanos)),
        };
        Ok(Value::from(duration_round(nanos)))
    });
}

fn time_value(time: Time) -> Value {
    Value::Object(Rc::new(time))
}

/// The `time.Time` inside a value, if it holds one.
fn as_time(value: &Value) -> Option<Time> {
    match value {
        Value::Object(object) => object.as_any()?.downcast_ref::<Time>().cloned(),
        _ => None,
    }
}

/// A `time.Time` parameter.
fn time_arg(args: &[Value], index: usize) -> Result<Time, FuncError> {
    let value = arg(args, index);
    as_time(value).ok_or_else(|| match value {
        Value::Nil | Value::Missing => crate::funcs::args::invalid("time.Time"),
        other => FuncError::Args(format!(
            "wrong type for value; expected time.Time; got {}",
            other.type_name()
        )),
    })
}

/// Sprig's `dateInZone`: times as they are, integers as Unix seconds, anything else now.
fn in_zone(layout: &str, date: &Value, _zone: &str) -> String {
    let time = match date {
        Value::Int(seconds) => Time::utc(i128::from(*seconds) * NANOS),
        other => as_time(other).unwrap_or_else(now),
    };
    time.in_utc().format(layout)
}

fn clamp(nanos: i128) -> i64 {
    i64::try_from(nanos).unwrap_or(if nanos < 0 { i64::MIN } else { i64::MAX })
}

/// Go's `Duration.Round(m)`: halves away from zero, saturating.
fn round(d: i64, m: i64) -> i64 {
    let less_than_half = |x: i64| (x as u64).wrapping_add(x as u64) < m as u64;
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if less_than_half(r) {
            return d + r;
        }
        return d.checked_sub(m - r).unwrap_or(i64::MIN);
    }
    if less_than_half(r) {
        return d - r;
    }
    d.checked_add(m - r).unwrap_or(i64::MAX)
}

/// Sprig's `durationRound`: the largest whole unit (years of 365 days, months of 30).
fn duration_round(nanos: i64) -> String {
    let u = nanos.unsigned_abs();
    const SECOND: u64 = 1_000_000_000;
    const MINUTE: u64 = 60 * SECOND;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const MONTH: u64 = 30 * DAY;
    const YEAR: u64 = 365 * DAY;
    for (unit, suffix) in [
        (YEAR, "y"),
        (MONTH, "mo"),
        (DAY, "d"),
        (HOUR, "h"),
        (MINUTE, "m"),
        (SECOND, "s"),
    ] {
        if u > unit {
            return format!("{}{suffix}", u / unit);
        }
    }
    "0s".to_owned()
}
