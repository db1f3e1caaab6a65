//! What go-yaml's encoder decides before the emitter runs: whether a string must be quoted
//! because, written plain, it would read back as something else (a number, a boolean, null,
//! a timestamp, a YAML 1.1 base-60 number), and in which order map keys are written.

use crate::funcs::yaml_emit::{Dialect, ScalarStyle};

/// The style go-yaml's encoder asks for when it writes a string.
pub(crate) fn string_style(s: &str, dialect: Dialect) -> ScalarStyle {
    if s.contains('\n') {
        return ScalarStyle::Literal;
    }
    if reads_as_string(s) && !is_base60_float(s) && !(dialect == Dialect::V3 && is_old_bool(s)) {
        ScalarStyle::Plain
    } else {
        ScalarStyle::DoubleQuoted
    }
}

/// Whether go-yaml resolves the plain scalar `s` to a string (v2's resolver; v3's differs
/// only by the YAML 1.1 booleans, which its encoder quotes anyway).
fn reads_as_string(s: &str) -> bool {
    matches!(kube_yaml::resolve_plain(s), kube_yaml::Value::Str(_)) && !is_timestamp(s)
}

/// The YAML 1.1 booleans that go-yaml v3 no longer reads but still quotes.
fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`: YAML 1.1's sexagesimal numbers,
/// which go-yaml quotes for other parsers' sake.
fn is_base60_float(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_digit() || *b == b'_')
    {
        i += 1;
    }
    let mut groups = 0;
    while bytes.get(i) == Some(&b':') {
        i += 1;
        // `[0-5]?[0-9]`: two digits when the first is 0-5 and a digit follows, else one.
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'0'..=b'5'), Some(b'0'..=b'9')) => i += 2,
            (Some(b'0'..=b'9'), _) => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_digit() || *b == b'_')
        {
            i += 1;
        }
    }
    i == bytes.len()
}

/// Whether go-yaml's `parseTimestamp` accepts `s`: one of the layouts
/// `2006-1-2T15:4:5.999999999Z07:00` (or with `t`), `2006-1-2 15:4:5.999999999` and
/// `2006-1-2`, as Go's `time.Parse` reads them.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
        return false;
    }
    let Some((year, month, day, rest)) = date(b) else {
        return false;
    };
    if !valid_date(year, month, day) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    match rest.split_first() {
        Some((b'T' | b't', time)) => clock(time).is_some_and(zone),
        // A layout space matches any run of spaces.
        Some((b' ', time)) => clock(trim_spaces(time)).is_some_and(<[u8]>::is_empty),
        _ => false,
    }
}

/// `getnum(s, false)`: one or two digits.
fn number(s: &[u8]) -> Option<(u32, &[u8])> {
    let first = s.first().filter(|b| b.is_ascii_digit())?;
    let first = u32::from(first - b'0');
    match s.get(1).filter(|b| b.is_ascii_digit()) {
        Some(second) => Some((first * 10 + u32::from(second - b'0'), s.get(2..)?)),
        None => Some((first, s.get(1..)?)),
    }
}

fn date(b: &[u8]) -> Option<(u32, u32, u32, &[u8])> {
    let year = std::str::from_utf8(b.get(..4)?).ok()?.parse().ok()?;
    let (month, rest) = number(b.get(5..)?)?;
    let rest = rest.strip_prefix(b"-")?;
    let (day, rest) = number(rest)?;
    Some((year, month, day, rest))
}

fn valid_date(year: u32, month: u32, day: u32) -> bool {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn trim_spaces(mut s: &[u8]) -> &[u8] {
    while let Some(rest) = s.strip_prefix(b" ") {
        s = rest;
    }
    s
}

/// `15:4:5` with an optional fraction (`.` or `,` and digits); returns what follows.
fn clock(s: &[u8]) -> Option<&[u8]> {
    let (hour, rest) = number(s)?;
    let (minute, rest) = number(rest.strip_prefix(b":")?)?;
    let (second, mut rest) = number(rest.strip_prefix(b":")?)?;
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    if matches!(rest.first(), Some(b'.' | b',')) && rest.get(1).is_some_and(u8::is_ascii_digit) {
        rest = rest.get(1..)?;
        while rest.first().is_some_and(u8::is_ascii_digit) {
            rest = rest.get(1..)?;
        }
    }
    Some(rest)
}

/// `Z07:00`: `Z`, or a sign and `hh:mm` (offsets up to 24 hours and 60 minutes), then nothing.
fn zone(s: &[u8]) -> bool {
    if s == b"Z" {
        return true;
    }
    let [sign, h1, h2, b':', m1, m2] = s else {
        return false;
    };
    let digits = [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit());
    let hours = u32::from(h1.wrapping_sub(b'0')) * 10 + u32::from(h2.wrapping_sub(b'0'));
    let minutes = u32::from(m1.wrapping_sub(b'0')) * 10 + u32::from(m2.wrapping_sub(b'0'));
    digits && matches!(sign, b'+' | b'-') && hours <= 24 && minutes <= 60
}

/// go-yaml's key order (`keyList.Less` for string keys): letters after other characters,
/// runs of digits compared as numbers.
pub(crate) fn key_less(a: &str, b: &str, dialect: Dialect) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut digits = false;
    for (i, (&ac, &bc)) in ar.iter().zip(br.iter()).enumerate() {
        if ac == bc {
            digits = is_digit(ac);
            continue;
        }
        let al = ac.is_alphabetic();
        let bl = bc.is_alphabetic();
        if al && bl {
            return ac < bc;
        }
        if al || bl {
            // v3 puts letters first right after a digit ("a1b" before "a1_").
            return if dialect == Dialect::V3 && digits {
                al
            } else {
                bl
            };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ac == '0' || bc == '0' {
            // A zero inside a number compares as part of it.
            let inside = ar
                .get(..i)
                .unwrap_or_default()
                .iter()
                .rev()
                .take_while(|c| is_digit(**c))
                .any(|&c| c != '0');
            if inside {
                an = 1;
                bn = 1;
            }
        }
        let (ai, an) = digit_run(&ar, i, an);
        let (bi, bn) = digit_run(&br, i, bn);
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ac < bc;
    }
    ar.len() < br.len()
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// The end of the digit run starting at `start` and its value accumulated onto `n` (Go's
/// int64 arithmetic wraps).
fn digit_run(chars: &[char], start: usize, mut n: i64) -> (usize, i64) {
    let mut end = start;
    while let Some(&c) = chars.get(end).filter(|c| is_digit(**c)) {
        n = n
            .wrapping_mul(10)
            .wrapping_add(i64::from(c as u32) - i64::from(b'0'));
        end += 1;
    }
    (end, n)
}

/// A stable merge sort by a `less` function. Unlike the standard sorts it cannot panic when
/// `less` is not an order, as go-yaml's key comparison sometimes is not (`a1b`, `a01`, `a10`
/// form a cycle; Go's own output for such keys varies from run to run).
pub(crate) fn sort_by_less<T>(items: Vec<T>, less: &impl Fn(&T, &T) -> bool) -> Vec<T> {
    if items.len() <= 1 {
        return items;
    }
    let mut left = items;
    let right = left.split_off(left.len() / 2);
    let mut left = sort_by_less(left, less).into_iter().peekable();
    let mut right = sort_by_less(right, less).into_iter().peekable();
    let mut merged = Vec::with_capacity(left.len() + right.len());
    loop {
        let take_right = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) => less(r, l),
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        merged.extend(if take_right {
            right.next()
        } else {
            left.next()
        });
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_as_go_parses_them() {
        for yes in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14T21:59:43.10Z",
            "2001-12-14t21:59:43+05:00",
            "2001-12-14 21:59:43.10",
            "2001-12-14   1:2:3",
            "2000-02-29",
        ] {
            assert!(is_timestamp(yes), "{yes}");
        }
        for no in [
            "2001-12-14T21:59:43",
            "2001-02-30",
            "1900-02-29",
            "2001-13-01",
            "20011-12-14",
            "2001-12-14x",
            "2001-12-14 25:00:00",
        ] {
            assert!(!is_timestamp(no), "{no}");
        }
    }

    #[test]
    fn base60() {
        assert!(is_base60_float("12:30"));
        assert!(is_base60_float("-1:20:30.5"));
        assert!(!is_base60_float("8080:80"));
        assert!(!is_base60_float("12:"));
        assert!(!is_base60_float("a:1"));
    }

    #[test]
    fn keys_sort_naturally() {
        let keys = vec!["b", "a10", "a2", "A", "_x", "a", "1", "10", "9"];
        let sorted = sort_by_less(keys, &|a: &&str, b: &&str| key_less(a, b, Dialect::V2));
        assert_eq!(sorted, ["_x", "1", "9", "10", "A", "a", "a2", "a10", "b"]);
    }
}
