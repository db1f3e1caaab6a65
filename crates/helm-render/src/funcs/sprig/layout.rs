//! Go's reference-date layouts (`Mon Jan 2 15:04:05 MST 2006`): formatting a time with
//! one (`Time.Format`) and reading one back (`time.Parse`, in UTC), with Go's error
//! messages.

use super::time::{DAYS, MONTHS, Time, civil_from_days, days_from_civil};

const NANOS: i128 = 1_000_000_000;

impl Time {
    /// `Time.Format`.
    pub(crate) fn format(&self, layout: &str) -> String {
        let p = self.parts();
        let mut out = String::with_capacity(layout.len() + 8);
        let mut rest = layout;
        while !rest.is_empty() {
            let (prefix, chunk, after) = next_chunk(rest);
            out.push_str(prefix);
            let Some(chunk) = chunk else { break };
            rest = after;
            let month = MONTHS.get((p.month - 1) as usize).copied().unwrap_or("");
            let weekday = DAYS.get(p.weekday).copied().unwrap_or("");
            match chunk {
                Chunk::LongMonth => out.push_str(month),
                Chunk::Month => out.push_str(month.get(..3).unwrap_or("")),
                Chunk::NumMonth => out.push_str(&p.month.to_string()),
                Chunk::ZeroMonth => out.push_str(&format!("{:02}", p.month)),
                Chunk::LongWeekDay => out.push_str(weekday),
                Chunk::WeekDay => out.push_str(weekday.get(..3).unwrap_or("")),
                Chunk::Day => out.push_str(&p.day.to_string()),
                Chunk::UnderDay => out.push_str(&format!("{:>2}", p.day)),
                Chunk::ZeroDay => out.push_str(&format!("{:02}", p.day)),
                Chunk::UnderYearDay => out.push_str(&format!("{:>3}", p.yearday)),
                Chunk::ZeroYearDay => out.push_str(&format!("{:03}", p.yearday)),
                Chunk::Hour => out.push_str(&format!("{:02}", p.hour)),
                Chunk::Hour12 | Chunk::ZeroHour12 => {
                    let h = match p.hour % 12 {
                        0 => 12,
                        h => h,
                    };
                    if chunk == Chunk::Hour12 {
                        out.push_str(&h.to_string());
                    } else {
                        out.push_str(&format!("{h:02}"));
                    }
                }
                Chunk::Minute => out.push_str(&p.minute.to_string()),
                Chunk::ZeroMinute => out.push_str(&format!("{:02}", p.minute)),
                Chunk::Second => out.push_str(&p.second.to_string()),
                Chunk::ZeroSecond => out.push_str(&format!("{:02}", p.second)),
                Chunk::LongYear => {
                    if p.year < 0 {
                        out.push_str(&format!("-{:04}", -p.year));
                    } else {
                        out.push_str(&format!("{:04}", p.year));
                    }
                }
                Chunk::Year => out.push_str(&format!("{:02}", p.year.rem_euclid(100))),
                Chunk::PM => out.push_str(if p.hour >= 12 { "PM" } else { "AM" }),
                Chunk::Pm => out.push_str(if p.hour >= 12 { "pm" } else { "am" }),
                Chunk::TZ => {
                    if self.zone.is_empty() {
                        out.push_str(&offset_text(self.offset, false, false, true));
                    } else {
                        out.push_str(&self.zone);
                    }
                }
                Chunk::Offset {
                    z,
                    colon,
                    seconds,
                    hours_only,
                } => {
                    if z && self.offset == 0 {
                        out.push('Z');
                    } else if hours_only {
                        let sign = if self.offset < 0 { '-' } else { '+' };
                        out.push_str(&format!("{sign}{:02}", self.offset.abs() / 3600));
                    } else {
                        out.push_str(&offset_text(self.offset, colon, seconds, false));
                    }
                }
                Chunk::Fraction {
                    digits,
                    trim,
                    comma,
                } => {
                    let separator = if comma { ',' } else { '.' };
                    let text = format!("{:09}", p.nanos);
                    let mut digits_text = text.get(..digits).unwrap_or("").to_owned();
                    if trim {
                        digits_text = digits_text.trim_end_matches('0').to_owned();
                    }
                    if !trim || !digits_text.is_empty() {
                        out.push(separator);
                        out.push_str(&digits_text);
                    }
                }
            }
        }
        out
    }
}

fn offset_text(offset: i32, colon: bool, seconds: bool, _name: bool) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let total = offset.abs();
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    let sep = if colon { ":" } else { "" };
    let mut out = format!("{sign}{h:02}{sep}{m:02}");
    if seconds {
        out.push_str(&format!("{sep}{s:02}"));
    }
    out
}

/// An element of a layout.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Chunk {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    Offset {
        z: bool,
        colon: bool,
        seconds: bool,
        hours_only: bool,
    },
    Fraction {
        digits: usize,
        trim: bool,
        comma: bool,
    },
}

/// Go's `nextStdChunk`: the text before the next layout element, the element, and the rest.
fn next_chunk(layout: &str) -> (&str, Option<Chunk>, &str) {
    let bytes = layout.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        let rest = layout.get(i..).unwrap_or("");
        let found: Option<(Chunk, usize)> = match c {
            b'J' => {
                if rest.starts_with("January") {
                    Some((Chunk::LongMonth, 7))
                } else if rest.starts_with("Jan") {
                    Some((Chunk::Month, 3))
                } else {
                    None
                }
            }
            b'M' => {
                if rest.starts_with("Monday") {
                    Some((Chunk::LongWeekDay, 6))
                } else if rest.starts_with("Mon") {
                    Some((Chunk::WeekDay, 3))
                } else if rest.starts_with("MST") {
                    Some((Chunk::TZ, 3))
                } else {
                    None
                }
            }
            b'0' => match bytes.get(i + 1) {
                Some(b'1') => Some((Chunk::ZeroMonth, 2)),
                Some(b'2') => Some((Chunk::ZeroDay, 2)),
                Some(b'3') => Some((Chunk::ZeroHour12, 2)),
                Some(b'4') => Some((Chunk::ZeroMinute, 2)),
                Some(b'5') => Some((Chunk::ZeroSecond, 2)),
                Some(b'6') => Some((Chunk::Year, 2)),
                Some(b'0') if bytes.get(i + 2) == Some(&b'2') => Some((Chunk::ZeroYearDay, 3)),
                _ => None,
            },
            b'1' => {
                if bytes.get(i + 1) == Some(&b'5') {
                    Some((Chunk::Hour, 2))
                } else {
                    Some((Chunk::NumMonth, 1))
                }
            }
            b'2' => {
                if rest.starts_with("2006") {
                    Some((Chunk::LongYear, 4))
                } else {
                    Some((Chunk::Day, 1))
                }
            }
            b'_' => {
                if rest.starts_with("_2") {
                    if rest.starts_with("_2006") {
                        // `_` then the year.
                        None
                    } else {
                        Some((Chunk::UnderDay, 2))
                    }
                } else if rest.starts_with("__2") {
                    Some((Chunk::UnderYearDay, 3))
                } else {
                    None
                }
            }
            b'3' => Some((Chunk::Hour12, 1)),
            b'4' => Some((Chunk::Minute, 1)),
            b'5' => Some((Chunk::Second, 1)),
            b'P' if bytes.get(i + 1) == Some(&b'M') => Some((Chunk::PM, 2)),
            b'p' if bytes.get(i + 1) == Some(&b'm') => Some((Chunk::Pm, 2)),
            b'-' | b'Z' => {
                let z = c == b'Z';
                let tail = rest.get(1..).unwrap_or("");
                let offset = |colon, seconds, hours_only| Chunk::Offset {
                    z,
                    colon,
                    seconds,
                    hours_only,
                };
                if tail.starts_with("070000") {
                    Some((offset(false, true, false), 7))
                } else if tail.starts_with("07:00:00") {
                    Some((offset(true, true, false), 9))
                } else if tail.starts_with("0700") {
                    Some((offset(false, false, false), 5))
                } else if tail.starts_with("07:00") {
                    Some((offset(true, false, false), 6))
                } else if tail.starts_with("07") {
                    Some((offset(false, false, true), 3))
                } else {
                    None
                }
            }
            b'.' | b',' => {
                let next = bytes.get(i + 1).copied();
                if matches!(next, Some(b'0' | b'9')) {
                    let digit = next.unwrap_or(b'0');
                    let count = bytes
                        .get(i + 1..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|&&b| b == digit)
                        .count();
                    let after = bytes.get(i + 1 + count).copied();
                    if !after.is_some_and(|b| b.is_ascii_digit()) {
                        Some((
                            Chunk::Fraction {
                                digits: count.min(9),
                                trim: digit == b'9',
                                comma: c == b',',
                            },
                            1 + count,
                        ))
                    } else {
                        None
                    }
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some((chunk, len)) = found {
            return (
                layout.get(..i).unwrap_or(""),
                Some(chunk),
                layout.get(i + len..).unwrap_or(""),
            );
        }
    }
    (layout, None, "")
}

/// `time.Parse` in UTC (the local zone): the error is Go's message.
pub(crate) fn parse(layout: &str, value: &str) -> Result<Time, String> {
    let quote = crate::template::format::quote;
    let fail = |element: &str, rest: &str| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(layout),
            quote(rest),
            quote(element)
        )
    };
    let (mut year, mut month, mut day) = (1i64, 1i64, 1i64);
    let (mut hour, mut minute, mut second, mut nanos) = (0i64, 0i64, 0i64, 0i64);
    let mut pm: Option<bool> = None;
    let mut offset: Option<i32> = None;
    let mut zone_name: Option<String> = None;
    let mut yday: Option<i64> = None;
    let mut l = layout;
    let mut v = value;
    loop {
        let (prefix, chunk, after) = next_chunk(l);
        let Some(rest) = v.strip_prefix(prefix) else {
            return Err(fail(prefix, v));
        };
        v = rest;
        let Some(chunk) = chunk else {
            if !v.is_empty() {
                return Err(format!(
                    "parsing time {}: extra text: {}",
                    quote(value),
                    quote(v)
                ));
            }
            break;
        };
        let element = l.get(prefix.len()..l.len() - after.len()).unwrap_or("");
        l = after;
        let digits = |v: &str, min: usize, max: usize| -> Option<(i64, usize)> {
            let count = v.bytes().take(max).take_while(u8::is_ascii_digit).count();
            if count < min {
                return None;
            }
            Some((v.get(..count)?.parse().ok()?, count))
        };
        let range_err = |what: &str| format!("parsing time {}: {what} out of range", quote(value));
        match chunk {
            Chunk::LongYear => {
                let Some((y, n)) = digits(v, 4, 4) else {
                    return Err(fail(element, v));
                };
                year = y;
                v = v.get(n..).unwrap_or("");
            }
            Chunk::Year => {
                let Some((y, n)) = digits(v, 2, 2) else {
                    return Err(fail(element, v));
                };
                year = if y >= 69 { 1900 + y } else { 2000 + y };
                v = v.get(n..).unwrap_or("");
            }
            Chunk::LongMonth | Chunk::Month => {
                let long = chunk == Chunk::LongMonth;
                let found = MONTHS.iter().enumerate().find(|(_, name)| {
                    let name = if long {
                        name
                    } else {
                        name.get(..3).unwrap_or("")
                    };
                    v.get(..name.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(name))
                });
                let Some((i, name)) = found else {
                    return Err(fail(element, v));
                };
                month = i as i64 + 1;
                let len = if long { name.len() } else { 3 };
                v = v.get(len..).unwrap_or("");
            }
            Chunk::LongWeekDay | Chunk::WeekDay => {
                let long = chunk == Chunk::LongWeekDay;
                let found = DAYS.iter().find(|name| {
                    let name = if long {
                        name
                    } else {
                        name.get(..3).unwrap_or("")
                    };
                    v.get(..name.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(name))
                });
                let Some(name) = found else {
                    return Err(fail(element, v));
                };
                v = v.get(if long { name.len() } else { 3 }..).unwrap_or("");
            }
            Chunk::NumMonth | Chunk::ZeroMonth => {
                let min = if chunk == Chunk::ZeroMonth { 2 } else { 1 };
                let Some((m, n)) = digits(v, min, 2) else {
                    return Err(fail(element, v));
                };
                if !(1..=12).contains(&m) {
                    return Err(range_err("month"));
                }
                month = m;
                v = v.get(n..).unwrap_or("");
            }
            Chunk::Day | Chunk::UnderDay | Chunk::ZeroDay => {
                if chunk == Chunk::UnderDay && v.starts_with(' ') {
                    v = v.get(1..).unwrap_or("");
                }
                let min = if chunk == Chunk::ZeroDay { 2 } else { 1 };
                let Some((d, n)) = digits(v, min, 2) else {
                    return Err(fail(element, v));
                };
                day = d;
                v = v.get(n..).unwrap_or("");
            }
            Chunk::UnderYearDay | Chunk::ZeroYearDay => {
                let trimmed = if chunk == Chunk::UnderYearDay {
                    v.trim_start_matches(' ')
                } else {
                    v
                };
                let Some((d, n)) = digits(trimmed, 3, 3) else {
                    return Err(fail(element, v));
                };
                yday = Some(d);
                v = trimmed.get(n..).unwrap_or("");
            }
            Chunk::Hour => {
                let Some((h, n)) = digits(v, 2, 2) else {
                    return Err(fail(element, v));
                };
                if h > 23 {
                    return Err(range_err("hour"));
                }
                hour = h;
                v = v.get(n..).unwrap_or("");
            }
            Chunk::Hour12 | Chunk::ZeroHour12 => {
                let min = if chunk == Chunk::ZeroHour12 { 2 } else { 1 };
                let Some((h, n)) = digits(v, min, 2) else {
                    return Err(fail(element, v));
                };
                if h > 12 {
                    return Err(range_err("hour"));
                }
                hour = h;
                v = v.get(n..).unwrap_or("");
            }
            Chunk::Minute | Chunk::ZeroMinute => {
                let min = if chunk == Chunk::ZeroMinute { 2 } else { 1 };
                let Some((m, n)) = digits(v, min, 2) else {
                    return Err(fail(element, v));
                };
                if m > 59 {
                    return Err(range_err("minute"));
                }
                minute = m;
                v = v.get(n..).unwrap_or("");
            }
            Chunk::Second | Chunk::ZeroSecond => {
                let min = if chunk == Chunk::ZeroSecond { 2 } else { 1 };
                let Some((s, n)) = digits(v, min, 2) else {
                    return Err(fail(element, v));
                };
                if s > 59 {
                    return Err(range_err("second"));
                }
                second = s;
                v = v.get(n..).unwrap_or("");
                // A fraction after seconds is accepted even when the layout has none.
                if !matches!(next_chunk(l).1, Some(Chunk::Fraction { .. }))
                    && (v.starts_with('.') || v.starts_with(','))
                    && v.as_bytes().get(1).is_some_and(u8::is_ascii_digit)
                {
                    let count = v
                        .get(1..)
                        .unwrap_or("")
                        .bytes()
                        .take_while(u8::is_ascii_digit)
                        .count();
                    nanos = fraction(v.get(1..1 + count).unwrap_or(""));
                    v = v.get(1 + count..).unwrap_or("");
                }
            }
            Chunk::PM | Chunk::Pm => {
                let word = v.get(..2).unwrap_or("");
                match word.to_ascii_uppercase().as_str() {
                    "PM" => pm = Some(true),
                    "AM" => pm = Some(false),
                    _ => return Err(fail(element, v)),
                }
                v = v.get(2..).unwrap_or("");
            }
            Chunk::TZ => {
                if v.starts_with("UTC") {
                    offset = Some(0);
                    zone_name = Some("UTC".to_owned());
                    v = v.get(3..).unwrap_or("");
                } else {
                    let len = v.bytes().take_while(u8::is_ascii_uppercase).count();
                    if len < 3 {
                        return Err(fail(element, v));
                    }
                    zone_name = Some(v.get(..len).unwrap_or("").to_owned());
                    v = v.get(len..).unwrap_or("");
                }
            }
            Chunk::Offset {
                z,
                colon,
                seconds,
                hours_only,
            } => {
                if z && v.starts_with('Z') {
                    offset = Some(0);
                    v = v.get(1..).unwrap_or("");
                    continue;
                }
                let sign = match v.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(fail(element, v)),
                };
                let mut body = v.get(1..).unwrap_or("");
                let take2 = |body: &mut &str| -> Option<i32> {
                    let n: i32 = body.get(..2)?.parse().ok()?;
                    if !body.get(..2)?.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    *body = body.get(2..).unwrap_or("");
                    Some(n)
                };
                let Some(h) = take2(&mut body) else {
                    return Err(fail(element, v));
                };
                let mut total = h * 3600;
                if !hours_only {
                    if colon {
                        let Some(b) = body.strip_prefix(':') else {
                            return Err(fail(element, v));
                        };
                        body = b;
                    }
                    let Some(m) = take2(&mut body) else {
                        return Err(fail(element, v));
                    };
                    total += m * 60;
                    if seconds {
                        if colon {
                            let Some(b) = body.strip_prefix(':') else {
                                return Err(fail(element, v));
                            };
                            body = b;
                        }
                        let Some(s) = take2(&mut body) else {
                            return Err(fail(element, v));
                        };
                        total += s;
                    }
                }
                offset = Some(sign * total);
                v = body;
            }
            Chunk::Fraction { digits: count, .. } => {
                let Some(text) = v.strip_prefix(['.', ',']) else {
                    if matches!(chunk, Chunk::Fraction { trim: true, .. }) {
                        continue;
                    }
                    return Err(fail(element, v));
                };
                let n = text.bytes().take_while(u8::is_ascii_digit).count();
                if matches!(chunk, Chunk::Fraction { trim: false, .. }) && n != count {
                    return Err(fail(element, v));
                }
                nanos = fraction(text.get(..n).unwrap_or(""));
                v = text.get(n..).unwrap_or("");
            }
        }
    }
    if let Some(pm) = pm {
        if pm && hour < 12 {
            hour += 12;
        } else if !pm && hour == 12 {
            hour = 0;
        }
    }
    if let Some(yday) = yday {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if yday < 1 || yday > 365 + i64::from(leap) {
            return Err(format!(
                "parsing time {}: day-of-year out of range",
                quote(value)
            ));
        }
        let days = days_from_civil(year, 1, 1) + yday - 1;
        let (_, m, d) = civil_from_days(days);
        month = m;
        day = d;
    }
    let days_in_month = {
        let next = if month == 12 {
            days_from_civil(year + 1, 1, 1)
        } else {
            days_from_civil(year, month + 1, 1)
        };
        next - days_from_civil(year, month, 1)
    };
    if day < 1 || day > days_in_month {
        return Err(format!("parsing time {}: day out of range", quote(value)));
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let offset_seconds = offset.unwrap_or(0);
    let unix_nanos = (i128::from(seconds) - i128::from(offset_seconds)) * NANOS + i128::from(nanos);
    let zone = match (offset, zone_name) {
        (_, Some(name)) => name,
        (None | Some(0), None) => "UTC".to_owned(),
        (Some(_), None) => String::new(),
    };
    Ok(Time {
        unix_nanos,
        offset: if zone == "UTC" { 0 } else { offset_seconds },
        zone,
    })
}

fn fraction(digits: &str) -> i64 {
    let mut text: String = digits.chars().take(9).collect();
    while text.len() < 9 {
        text.push('0');
    }
    text.parse().unwrap_or(0)
}
