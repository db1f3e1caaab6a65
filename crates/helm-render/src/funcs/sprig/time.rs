//! Go's `time.Time` as Sprig's date functions need it: an instant with a fixed-offset zone,
//! its calendar fields, and its methods as templates call them (`.Year`, `.Unix`,
//! `.Format`...). Layouts are in `layout`, durations in `duration`.
//!
//! Only UTC is known (as the local zone too, as on a server or CI runner without `TZ`), and
//! fixed offsets from parsed text: there is no time zone database.

use std::rc::Rc;

use crate::template::value::{Object, Value};

const NANOS: i128 = 1_000_000_000;

/// A `time.Time`: nanoseconds since the Unix epoch and the zone it is shown in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Time {
    pub(crate) unix_nanos: i128,
    /// Seconds east of UTC.
    pub(crate) offset: i32,
    /// The zone abbreviation (`UTC`, or `""` for an unnamed offset, printed as `-0700`).
    pub(crate) zone: String,
}

pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub(super) const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
pub(super) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The broken-down local time of an instant.
pub(super) struct Parts {
    pub(super) year: i64,
    pub(super) month: i64,
    pub(super) day: i64,
    pub(super) hour: i64,
    pub(super) minute: i64,
    pub(super) second: i64,
    pub(super) nanos: i64,
    pub(super) weekday: usize,
    pub(super) yearday: i64,
}

impl Time {
    pub(crate) fn utc(unix_nanos: i128) -> Time {
        Time {
            unix_nanos,
            offset: 0,
            zone: "UTC".to_owned(),
        }
    }

    /// The zero `time.Time` (January 1, year 1, UTC).
    pub(crate) fn zero() -> Time {
        Time::utc(i128::from(days_from_civil(1, 1, 1)) * 86_400 * NANOS)
    }

    pub(crate) fn unix(&self) -> i64 {
        i64::try_from(self.unix_nanos.div_euclid(NANOS)).unwrap_or(i64::MAX)
    }

    pub(crate) fn in_utc(&self) -> Time {
        Time::utc(self.unix_nanos)
    }

    pub(super) fn parts(&self) -> Parts {
        let local = self.unix_nanos + i128::from(self.offset) * NANOS;
        let seconds = i64::try_from(local.div_euclid(NANOS)).unwrap_or(0);
        let nanos = i64::try_from(local.rem_euclid(NANOS)).unwrap_or(0);
        let days = seconds.div_euclid(86_400);
        let in_day = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Parts {
            year,
            month,
            day,
            hour: in_day / 3600,
            minute: in_day % 3600 / 60,
            second: in_day % 60,
            nanos,
            weekday: (days + 4).rem_euclid(7) as usize,
            yearday: days - days_from_civil(year, 1, 1) + 1,
        }
    }

    /// `%v` of a `time.Time`.
    pub(crate) fn display(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }
}

impl Object for Time {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    /// `time.Time.MarshalJSON`: RFC 3339 with nanoseconds.
    fn to_json(&self) -> Result<serde_json::Value, String> {
        Ok(serde_json::Value::String(
            self.format("2006-01-02T15:04:05.999999999Z07:00"),
        ))
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let p = self.parts();
        let no_args = |value: Value| -> Result<Value, String> {
            if args.is_empty() {
                Ok(value)
            } else {
                Err(format!(
                    "wrong number of args for {name}: want 0 got {}",
                    args.len()
                ))
            }
        };
        Some(match name {
            "Unix" => no_args(Value::Int(self.unix())),
            "UnixMilli" => no_args(Value::Int(
                i64::try_from(self.unix_nanos.div_euclid(1_000_000)).unwrap_or(i64::MAX),
            )),
            "UnixNano" => no_args(Value::Int(
                i64::try_from(self.unix_nanos).unwrap_or(i64::MAX),
            )),
            "Year" => no_args(Value::Int(p.year)),
            "Month" => no_args(Value::from(
                MONTHS.get((p.month - 1) as usize).copied().unwrap_or(""),
            )),
            "Day" => no_args(Value::Int(p.day)),
            "Hour" => no_args(Value::Int(p.hour)),
            "Minute" => no_args(Value::Int(p.minute)),
            "Second" => no_args(Value::Int(p.second)),
            "Nanosecond" => no_args(Value::Int(p.nanos)),
            "YearDay" => no_args(Value::Int(p.yearday)),
            "Weekday" => no_args(Value::from(DAYS.get(p.weekday).copied().unwrap_or(""))),
            "IsZero" => no_args(Value::Bool(*self == Time::zero())),
            "String" => no_args(Value::from(self.display())),
            "UTC" | "Local" => no_args(Value::Object(Rc::new(self.in_utc()))),
            "Format" => match args {
                [Value::String(layout)] => Ok(Value::from(self.format(layout))),
                _ => Err("wrong type for value; expected string".to_owned()),
            },
            _ => return None,
        })
    }

    fn format(&self) -> String {
        self.display()
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}
