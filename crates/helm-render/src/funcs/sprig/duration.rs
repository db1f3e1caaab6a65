//! Go's `time.Duration` text: `time.ParseDuration` (`1h2m3.5s`, `-90ms`) and
//! `Duration.String`.

/// Go's `time.ParseDuration`, in nanoseconds.
pub(crate) fn parse_duration(text: &str) -> Result<i64, String> {
    let quote = crate::template::format::quote;
    let invalid = || format!("time: invalid duration {}", quote(text));
    let (negative, mut s) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..).unwrap_or("")),
        Some(b'+') => (false, text.get(1..).unwrap_or("")),
        _ => (false, text),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let whole: u128 = match s.get(..int_len).unwrap_or("") {
            "" => 0,
            digits => digits.parse().map_err(|_| invalid())?,
        };
        s = s.get(int_len..).unwrap_or("");
        let mut frac_digits = "";
        if let Some(rest) = s.strip_prefix('.') {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            frac_digits = rest.get(..n).unwrap_or("");
            s = rest.get(n..).unwrap_or("");
        }
        if int_len == 0 && frac_digits.is_empty() {
            return Err(invalid());
        }
        let unit_len = s
            .bytes()
            .take_while(|b| *b != b'.' && !b.is_ascii_digit())
            .count();
        let unit = s.get(..unit_len).unwrap_or("");
        s = s.get(unit_len..).unwrap_or("");
        let scale: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("time: missing unit in duration {}", quote(text))),
            other => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    quote(other),
                    quote(text)
                ));
            }
        };
        let mut value = whole.checked_mul(scale).ok_or_else(invalid)?;
        if !frac_digits.is_empty() {
            let mut f: u128 = 0;
            let mut div: u128 = 1;
            // Digits past the eighteenth cannot change a 64-bit result.
            for d in frac_digits.bytes().take(18) {
                f = f * 10 + u128::from(d - b'0');
                div *= 10;
            }
            value += f * scale / div;
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
        if total > 1u128 << 63 {
            return Err(invalid());
        }
    }
    if total == 1u128 << 63 {
        return if negative {
            Ok(i64::MIN)
        } else {
            Err(invalid())
        };
    }
    let total = i64::try_from(total).map_err(|_| invalid())?;
    Ok(if negative { -total } else { total })
}

/// Go's `Duration.String`: `1h2m3.5s`, `1.5ms`, `0s`.
pub(crate) fn format_duration(nanos: i64) -> String {
    if nanos == 0 {
        return "0s".to_owned();
    }
    let negative = nanos < 0;
    let u = nanos.unsigned_abs();
    let sign = if negative { "-" } else { "" };
    if u < 1_000_000_000 {
        let (unit, scale) = if u < 1_000 {
            return format!("{sign}{u}ns");
        } else if u < 1_000_000 {
            ("µs", 1_000u64)
        } else {
            ("ms", 1_000_000u64)
        };
        return format!("{sign}{}{unit}", fixed(u, scale));
    }
    let total_seconds = u / 1_000_000_000;
    let frac = u % 1_000_000_000;
    let hours = total_seconds / 3600;
    let minutes = total_seconds % 3600 / 60;
    let seconds = total_seconds % 60;
    let mut out = String::from(sign);
    if hours > 0 {
        out.push_str(&format!("{hours}h"));
    }
    if hours > 0 || minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    out.push_str(&fixed(seconds * 1_000_000_000 + frac, 1_000_000_000));
    out.push('s');
    out
}

/// `value / scale` with the fraction's trailing zeros dropped.
fn fixed(value: u64, scale: u64) -> String {
    let whole = value / scale;
    let frac = value % scale;
    if frac == 0 {
        return whole.to_string();
    }
    let width = scale.to_string().len() - 1;
    let text = format!("{frac:0width$}");
    format!("{whole}.{}", text.trim_end_matches('0'))
}
