//! Go's `fmt` as templates need it: `%v` printing of every value, `strconv.Quote`, and
//! `Sprintf` with the common verbs, flags, width and precision.

use super::value::Value;

/// `strconv.FormatFloat(x, 'g', -1, 64)`, which `%v` uses.
pub fn format_float(x: f64) -> String {
    kube_yaml::format_go_float(x, false)
}

/// `%v` of a value (`fmt.Sprint`).
pub fn format_value(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, &mut Vec::new());
    out
}

/// The most text one value prints as. A map can hold itself, or the same map many times
/// over (Sprig's `set` and `merge` share maps), where Go would print until memory or stack
/// runs out; here a map inside itself, and anything past this size, prints as `...`.
const MAX_LEN: usize = 16 << 20;

fn write_value(out: &mut String, value: &Value, open: &mut Vec<*const ()>) {
    if out.len() > MAX_LEN {
        if !out.ends_with("...") {
            out.push_str("...");
        }
        return;
    }
    match value {
        Value::Nil => out.push_str("<nil>"),
        Value::Missing => out.push_str("<no value>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(x) => out.push_str(&format_float(*x)),
        Value::String(s) => out.push_str(s),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_value(out, item, open);
            }
            out.push(']');
        }
        Value::Map(map) => {
            let id = std::rc::Rc::as_ptr(map).cast::<()>();
            if open.contains(&id) {
                out.push_str("...");
                return;
            }
            open.push(id);
            out.push_str("map[");
            for (i, (key, item)) in map.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(key);
                out.push(':');
                write_value(out, item, open);
            }
            out.push(']');
            open.pop();
        }
        Value::Bytes(bytes) => {
            out.push('[');
            for (i, byte) in bytes.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&byte.to_string());
            }
            out.push(']');
        }
        Value::Object(object) => out.push_str(&object.format()),
    }
}

/// `strconv.Quote`: a double-quoted Go string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Roughly Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the
/// ASCII space.
pub(crate) fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32, 0xFFFD | 0xFEFF | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xE000..=0xF8FF)
}

#[derive(Default, Clone, Copy)]
struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    zero: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut arg_index = 0;
    let mut chars = format.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&(_, flag)) = chars.peek() {
            match flag {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '#' => spec.sharp = true,
                '0' => spec.zero = true,
                ' ' => spec.space = true,
                _ => break,
            }
            chars.next();
        }
        let number = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
            let mut n: Option<usize> = None;
            while let Some(&(_, d)) = chars.peek() {
                let Some(digit) = d.to_digit(10) else { break };
                n = Some(n.unwrap_or(0) * 10 + digit as usize);
                chars.next();
            }
            n
        };
        spec.width = number(&mut chars);
        if chars.peek().is_some_and(|&(_, d)| d == '*') {
            chars.next();
            if let Some(Value::Int(w)) = args.get(arg_index) {
                spec.width = usize::try_from(*w).ok();
            }
            arg_index += 1;
        }
        if chars.peek().is_some_and(|&(_, d)| d == '.') {
            chars.next();
            spec.precision = Some(number(&mut chars).unwrap_or(0));
        }
        let Some((_, verb)) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(arg_index) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        arg_index += 1;
        out.push_str(&format_verb(verb, spec, arg));
    }
    if arg_index < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args
            .get(arg_index..)
            .unwrap_or_default()
            .iter()
            .map(|a| format!("{}={}", a.type_name(), format_value(a)))
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

fn pad(s: String, spec: Spec, numeric: bool) -> String {
    let Some(width) = spec.width else { return s };
    let len = s.chars().count();
    if len >= width {
        return s;
    }
    let fill = width - len;
    if spec.minus {
        return format!("{s}{}", " ".repeat(fill));
    }
    if spec.zero && numeric {
        let (sign, digits) = match s.strip_prefix(['-', '+']) {
            Some(rest) => (s.get(..1).unwrap_or(""), rest),
            None => ("", s.as_str()),
        };
        return format!("{sign}{}{digits}", "0".repeat(fill));
    }
    format!("{}{s}", " ".repeat(fill))
}

fn bad_verb(verb: char, arg: &Value) -> String {
    match arg {
        Value::Nil | Value::Missing => format!("%!{verb}(<nil>)"),
        other => format!("%!{verb}({}={})", other.type_name(), format_value(other)),
    }
}

fn sign(spec: Spec, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

fn format_verb(verb: char, spec: Spec, arg: &Value) -> String {
    match verb {
        'v' => {
            let text = match arg {
                Value::String(s) if spec.sharp => quote(s),
                Value::Float(x) => float_verb('g', spec, *x),
                Value::Int(i) => format!("{}{}", sign(spec, *i < 0), i.unsigned_abs()),
                other => format_value(other),
            };
            pad(text, spec, matches!(arg, Value::Int(_) | Value::Float(_)))
        }
        's' => match arg {
            Value::String(s) => {
                let s = match spec.precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s.to_string(),
                };
                pad(s, spec, false)
            }
            Value::Bytes(b) => pad(String::from_utf8_lossy(b).into_owned(), spec, false),
            Value::Nil | Value::Missing => "%!s(<nil>)".to_owned(),
            Value::List(_) | Value::Map(_) => pad(format_value(arg), spec, false),
            other => bad_verb('s', other),
        },
        'q' => match arg {
            Value::String(s) => pad(quote(s), spec, false),
            Value::Int(i) => char::from_u32(u32::try_from(*i).unwrap_or(0xFFFD))
                .map(|c| format!("'{c}'"))
                .unwrap_or_else(|| bad_verb('q', arg)),
            other => bad_verb('q', other),
        },
        'd' => match arg {
            Value::Int(i) => pad(
                format!("{}{}", sign(spec, *i < 0), i.unsigned_abs()),
                spec,
                true,
            ),
            other => bad_verb('d', other),
        },
        't' => match arg {
            Value::Bool(b) => pad(b.to_string(), spec, false),
            other => bad_verb('t', other),
        },
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' => match arg {
            Value::Float(x) => pad(float_verb(verb, spec, *x), spec, true),
            Value::Int(_) => bad_verb(verb, arg),
            other => bad_verb(verb, other),
        },
        'x' | 'X' | 'o' | 'b' => match arg {
            Value::Int(i) => {
                let magnitude = i.unsigned_abs();
                let digits = match verb {
                    'x' => format!("{magnitude:x}"),
                    'X' => format!("{magnitude:X}"),
                    'o' => format!("{magnitude:o}"),
                    _ => format!("{magnitude:b}"),
                };
                let prefix = if spec.sharp {
                    match verb {
                        'x' => "0x",
                        'X' => "0X",
                        'o' => "0",
                        _ => "0b",
                    }
                } else {
                    ""
                };
                pad(
                    format!("{}{prefix}{digits}", sign(spec, *i < 0)),
                    spec,
                    true,
                )
            }
            Value::String(s) if verb == 'x' || verb == 'X' => {
                let hex: String = s
                    .bytes()
                    .map(|b| {
                        if verb == 'x' {
                            format!("{b:02x}")
                        } else {
                            format!("{b:02X}")
                        }
                    })
                    .collect();
                pad(hex, spec, false)
            }
            other => bad_verb(verb, other),
        },
        'c' => match arg {
            Value::Int(i) => char::from_u32(u32::try_from(*i).unwrap_or(0xFFFD))
                .map(String::from)
                .unwrap_or_else(|| "\u{FFFD}".to_owned()),
            other => bad_verb('c', other),
        },
        'U' => match arg {
            Value::Int(i) => format!("U+{:04X}", i),
            other => bad_verb('U', other),
        },
        'T' => pad(arg.type_name(), spec, false),
        other => bad_verb(other, arg),
    }
}

fn float_verb(verb: char, spec: Spec, x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            format!("{}Inf", if spec.plus { "+" } else { "" })
        } else {
            "-Inf".to_owned()
        };
    }
    let s = sign(spec, x.is_sign_negative() && x != 0.0);
    let a = x.abs();
    let body = match verb {
        'f' | 'F' => format!("{a:.*}", spec.precision.unwrap_or(6)),
        'e' | 'E' => {
            let text = go_exp(a, spec.precision.unwrap_or(6));
            if verb == 'E' {
                text.to_uppercase()
            } else {
                text
            }
        }
        _ => match spec.precision {
            None => format_float(a),
            Some(p) => {
                // %.Ng: N significant digits, %e style for large/small exponents.
                let p = p.max(1);
                let exp = if a == 0.0 {
                    0
                } else {
                    a.log10().floor() as i32
                };
                if exp < -4 || exp >= p as i32 {
                    trim_exp_zeros(&go_exp(a, p - 1))
                } else {
                    let decimals = (p as i32 - 1 - exp).max(0) as usize;
                    let text = format!("{a:.decimals$}");
                    if text.contains('.') {
                        text.trim_end_matches('0').trim_end_matches('.').to_owned()
                    } else {
                        text
                    }
                }
            }
        },
    };
    format!("{s}{body}")
}

/// `%e` with Go's two-digit exponent: `1.500000e+03`.
fn go_exp(a: f64, precision: usize) -> String {
    let text = format!("{a:.precision$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
}

fn trim_exp_zeros(text: &str) -> String {
    match text.split_once('e') {
        Some((mantissa, exponent)) if mantissa.contains('.') => {
            format!(
                "{}e{exponent}",
                mantissa.trim_end_matches('0').trim_end_matches('.')
            )
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprintf_matches_go() {
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            ("%s-%s", vec!["a".into(), "b".into()], "a-b"),
            ("%d", vec![Value::Int(42)], "42"),
            ("%05d", vec![Value::Int(-42)], "-0042"),
            ("%v", vec![Value::Float(1e6)], "1e+06"),
            ("%v", vec![Value::Float(3.0)], "3"),
            ("%.2f", vec![Value::Float(12.345)], "12.35"),
            ("%q", vec!["a\"b\n".into()], "\"a\\\"b\\n\""),
            ("%-5s|", vec!["ab".into()], "ab   |"),
            ("%5s|", vec!["ab".into()], "   ab|"),
            ("%x", vec![Value::Int(255)], "ff"),
            ("%d", vec!["x".into()], "%!d(string=x)"),
            ("%s", vec![], "%!s(MISSING)"),
            ("%s", vec!["a".into(), "b".into()], "a%!(EXTRA string=b)"),
            ("%t", vec![Value::Bool(true)], "true"),
            ("%e", vec![Value::Float(1500.0)], "1.500000e+03"),
            ("%g", vec![Value::Float(0.000001)], "1e-06"),
            (
                "%v",
                vec![Value::from(vec![Value::Int(1), "a".into()])],
                "[1 a]",
            ),
            ("%%", vec![], "%"),
        ];
        for (format, args, expected) in cases {
            assert_eq!(sprintf(format, &args), expected, "{format}");
        }
    }

    #[test]
    fn maps_print_sorted() {
        let mut map = std::collections::BTreeMap::new();
        map.insert("b".to_owned(), Value::Float(2.0));
        map.insert("a".to_owned(), Value::Nil);
        assert_eq!(format_value(&Value::from(map)), "map[a:<nil> b:2]");
    }
}
