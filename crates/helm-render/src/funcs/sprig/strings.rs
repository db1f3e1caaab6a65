//! Sprig's string functions: Go's `strings` package with Sprig's argument order (the subject
//! comes last, so `"x" | trimSuffix "y"` reads naturally), and Masterminds/goutils' helpers.
//!
//! goutils walks some strings byte by byte (`nospace`, `initials`, `abbrev`, `wrap`): where
//! Go would then produce bytes that are not UTF-8, the result here carries U+FFFD instead.

use crate::funcs::args::{arity, arity_min, check_size, int, string, strval};
use crate::template::format::quote;
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("hello", |_, args| {
        arity("hello", args, 0)?;
        Ok(Value::from("Hello!"))
    });
    unary(funcs, "upper", |s| s.chars().map(go_upper).collect());
    unary(funcs, "lower", |s| s.chars().map(go_lower).collect());
    unary(funcs, "trim", |s| s.trim_matches(is_go_space).to_owned());
    unary(funcs, "title", title);
    unary(funcs, "untitle", untitle);
    unary(funcs, "nospace", nospace);
    unary(funcs, "initials", initials);
    unary(funcs, "swapcase", swapcase);
    // The set of characters comes first: `"$x$" | trimAll "$"`.
    for name in ["trimAll", "trimall"] {
        binary(funcs, name, |set, s| {
            s.trim_matches(|c| set.contains(c)).to_owned()
        });
    }
    binary(funcs, "trimSuffix", |suffix, s| {
        s.strip_suffix(suffix).unwrap_or(s).to_owned()
    });
    binary(funcs, "trimPrefix", |prefix, s| {
        s.strip_prefix(prefix).unwrap_or(s).to_owned()
    });
    predicate(funcs, "contains", |sub, s| s.contains(sub));
    predicate(funcs, "hasPrefix", |prefix, s| s.starts_with(prefix));
    predicate(funcs, "hasSuffix", |suffix, s| s.ends_with(suffix));
    funcs.insert("replace", |_, args| {
        arity("replace", args, 3)?;
        let (old, new, src) = (
            string("replace", args, 0)?,
            string("replace", args, 1)?,
            string("replace", args, 2)?,
        );
        Ok(Value::from(go_replace(&src, &old, &new)?))
    });
    funcs.insert("repeat", |_, args| {
        arity("repeat", args, 2)?;
        let count = int("repeat", args, 0)?;
        let s = string("repeat", args, 1)?;
        let Ok(count) = usize::try_from(count) else {
            return Err("strings: negative Repeat count".into());
        };
        check_size("repeat", (count as u128) * (s.len() as u128))?;
        Ok(Value::from(s.repeat(count)))
    });
    funcs.insert("trunc", |_, args| {
        arity("trunc", args, 2)?;
        let c = int("trunc", args, 0)?;
        let s = string("trunc", args, 1)?;
        Ok(Value::from(trunc(c, &s)))
    });
    funcs.insert("substr", |_, args| {
        arity("substr", args, 3)?;
        let start = int("substr", args, 0)?;
        let end = int("substr", args, 1)?;
        let s = string("substr", args, 2)?;
        substr(start, end, &s).map(Value::from)
    });
    funcs.insert("abbrev", |_, args| {
        arity("abbrev", args, 2)?;
        let width = int("abbrev", args, 0)?;
        let s = string("abbrev", args, 1)?;
        if width < 4 {
            return Ok(Value::from(s));
        }
        Ok(Value::from(
            abbreviate(s.as_bytes(), 0, width).unwrap_or_default(),
        ))
    });
    funcs.insert("abbrevboth", |_, args| {
        arity("abbrevboth", args, 3)?;
        let left = int("abbrevboth", args, 0)?;
        let right = int("abbrevboth", args, 1)?;
        let s = string("abbrevboth", args, 2)?;
        if right < 4 || (left > 0 && right < 7) {
            return Ok(Value::from(s));
        }
        Ok(Value::from(
            abbreviate(s.as_bytes(), left, right).unwrap_or_default(),
        ))
    });
    funcs.insert("wrap", |_, args| {
        arity("wrap", args, 2)?;
        let width = int("wrap", args, 0)?;
        let s = string("wrap", args, 1)?;
        Ok(Value::from(wrap(s.as_bytes(), width, b"\n", false)))
    });
    funcs.insert("wrapWith", |_, args| {
        arity("wrapWith", args, 3)?;
        let width = int("wrapWith", args, 0)?;
        let sep = string("wrapWith", args, 1)?;
        let s = string("wrapWith", args, 2)?;
        let sep = if sep.is_empty() { "\n".to_owned() } else { sep };
        Ok(Value::from(wrap(s.as_bytes(), width, sep.as_bytes(), true)))
    });
    funcs.insert("plural", |_, args| {
        arity("plural", args, 3)?;
        let one = string("plural", args, 0)?;
        let many = string("plural", args, 1)?;
        let count = int("plural", args, 2)?;
        Ok(Value::from(if count == 1 { one } else { many }))
    });
    // quote and squote skip nil arguments and join the others with spaces.
    funcs.insert("quote", |_, args| {
        let quoted: Vec<String> = args
            .iter()
            .filter(|a| !matches!(a, Value::Nil))
            .map(|a| quote(&strval(a)))
            .collect();
        Ok(Value::from(quoted.join(" ")))
    });
    funcs.insert("squote", |_, args| {
        let quoted: Vec<String> = args
            .iter()
            .filter(|a| !matches!(a, Value::Nil))
            .map(|a| format!("'{}'", crate::template::format::format_value(a)))
            .collect();
        Ok(Value::from(quoted.join(" ")))
    });
    funcs.insert("toString", |_, args| {
        arity("toString", args, 1)?;
        Ok(Value::from(strval(args.first().unwrap_or(&Value::Nil))))
    });
    funcs.insert("indent", |_, args| {
        arity("indent", args, 2)?;
        let spaces = int("indent", args, 0)?;
        Ok(Value::from(indent(spaces, &string("indent", args, 1)?)?))
    });
    funcs.insert("nindent", |_, args| {
        arity("nindent", args, 2)?;
        let spaces = int("nindent", args, 0)?;
        Ok(Value::from(format!(
            "\n{}",
            indent(spaces, &string("nindent", args, 1)?)?
        )))
    });
    funcs.insert("cat", |_, args| {
        arity_min("cat", args, 0)?;
        let parts: Vec<String> = args
            .iter()
            .filter(|a| !matches!(a, Value::Nil))
            .map(crate::template::format::format_value)
            .collect();
        Ok(Value::from(parts.join(" ")))
    });
}

fn unary(funcs: &mut Funcs, name: &'static str, f: fn(&str) -> String) {
    funcs.insert(name, move |_, args| {
        arity(name, args, 1)?;
        Ok(Value::from(f(&string(name, args, 0)?)))
    });
}

fn binary(funcs: &mut Funcs, name: &'static str, f: fn(&str, &str) -> String) {
    funcs.insert(name, move |_, args| {
        arity(name, args, 2)?;
        Ok(Value::from(f(
            &string(name, args, 0)?,
            &string(name, args, 1)?,
        )))
    });
}

fn predicate(funcs: &mut Funcs, name: &'static str, f: fn(&str, &str) -> bool) {
    funcs.insert(name, move |_, args| {
        arity(name, args, 2)?;
        Ok(Value::Bool(f(
            &string(name, args, 0)?,
            &string(name, args, 1)?,
        )))
    });
}

/// Go's `unicode.IsSpace`.
pub(crate) fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c != '\u{feff}' && c.is_whitespace())
}

/// Go's `strings.Replace(s, old, new, -1)`: an empty `old` matches before every rune and at
/// the end.
fn go_replace(s: &str, old: &str, new: &str) -> Result<String, FuncError> {
    if !old.is_empty() {
        let count = s.matches(old).count() as u128;
        check_size("replace", s.len() as u128 + count * new.len() as u128)?;
        return Ok(s.replace(old, new));
    }
    check_size(
        "replace",
        s.len() as u128 + (s.chars().count() as u128 + 1) * new.len() as u128,
    )?;
    let mut out = String::with_capacity(s.len());
    out.push_str(new);
    for c in s.chars() {
        out.push(c);
        out.push_str(new);
    }
    Ok(out)
}

/// Text from bytes Go may have cut in the middle of a character.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn trunc(c: i64, s: &str) -> String {
    let len = s.len() as i64;
    let bytes = s.as_bytes();
    if c < 0 && len + c > 0 {
        return lossy(bytes.get((len + c) as usize..).unwrap_or_default());
    }
    if c >= 0 && len > c {
        return lossy(bytes.get(..c as usize).unwrap_or_default());
    }
    s.to_owned()
}

fn substr(start: i64, end: i64, s: &str) -> Result<String, FuncError> {
    let bytes = s.as_bytes();
    let len = bytes.len() as i64;
    let out_of_range = |low: i64, high: i64| {
        FuncError::Message(format!(
            "runtime error: slice bounds out of range [{}:{high}]",
            if low == 0 {
                String::new()
            } else {
                low.to_string()
            }
        ))
    };
    let (low, high) = if start < 0 {
        (0, end)
    } else if end < 0 || end > len {
        (start, len)
    } else {
        (start, end)
    };
    if high < 0 || high > len {
        return Err(FuncError::Message(format!(
            "runtime error: slice bounds out of range [:{high}] with length {len}"
        )));
    }
    if low > high {
        return Err(out_of_range(low, high));
    }
    Ok(lossy(
        bytes.get(low as usize..high as usize).unwrap_or_default(),
    ))
}

/// goutils' `AbbreviateFull` (byte offsets); `None` where it reports an error.
fn abbreviate(s: &[u8], offset: i64, width: i64) -> Option<String> {
    if s.is_empty() {
        return Some(String::new());
    }
    if width < 4 {
        return None;
    }
    let len = s.len() as i64;
    if len <= width {
        return Some(lossy(s));
    }
    let mut offset = offset.min(len);
    if len - offset < width - 3 {
        offset = len - (width - 3);
    }
    if offset <= 4 {
        return Some(format!(
            "{}...",
            lossy(s.get(..(width - 3) as usize).unwrap_or_default())
        ));
    }
    if width < 7 {
        return None;
    }
    if offset + width - 3 < len {
        let rest = abbreviate(s.get(offset as usize..).unwrap_or_default(), 0, width - 3)?;
        return Some(format!("...{rest}"));
    }
    Some(format!(
        "...{}",
        lossy(s.get((len - (width - 3)) as usize..).unwrap_or_default())
    ))
}

/// goutils' `WrapCustom` (byte offsets, breaking at ASCII spaces).
fn wrap(s: &[u8], width: i64, newline: &[u8], wrap_long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let width = usize::try_from(width.max(1)).unwrap_or(usize::MAX);
    let len = s.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len);
    let part = |from: usize, to: usize| s.get(from..to).unwrap_or_default();
    while len - offset > width {
        if s.get(offset) == Some(&b' ') {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        if let Some(space) = part(offset, end).iter().rposition(|&b| b == b' ') {
            let at = space + offset;
            out.extend_from_slice(part(offset, at));
            out.extend_from_slice(newline);
            offset = at + 1;
        } else if wrap_long_words {
            out.extend_from_slice(part(offset, width + offset));
            out.extend_from_slice(newline);
            offset += width;
        } else {
            let end = width + offset;
            match part(end, len).iter().position(|&b| b == b' ') {
                None => {
                    out.extend_from_slice(part(offset, len));
                    offset = len;
                }
                Some(index) => {
                    let at = index + end;
                    out.extend_from_slice(part(offset, at));
                    out.extend_from_slice(newline);
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(part(offset, len));
    lossy(&out)
}

/// Go's deprecated `strings.Title`: the first letter of each word in title case, where words
/// are separated by anything but letters, digits, marks and underscores.
fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut previous = ' ';
    for c in s.chars() {
        if is_title_separator(previous) {
            out.extend(to_title(c));
        } else {
            out.push(c);
        }
        previous = c;
    }
    out
}

fn is_title_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphanumeric() {
        return false;
    }
    is_go_space(c)
}

/// `unicode.ToTitle` (title case equals upper case but for a few digraphs).
fn to_title(c: char) -> impl Iterator<Item = char> {
    let title = match c {
        'Ǆ' | 'ǅ' | 'ǆ' => Some('ǅ'),
        'Ǉ' | 'ǈ' | 'ǉ' => Some('ǈ'),
        'Ǌ' | 'ǋ' | 'ǌ' => Some('ǋ'),
        'Ǳ' | 'ǲ' | 'ǳ' => Some('ǲ'),
        _ => None,
    };
    let upper = single_case(c.to_uppercase(), c);
    std::iter::once(title.unwrap_or(upper))
}

/// A one-to-one case mapping, as Go's `unicode.ToUpper`/`ToLower` (which never expand).
fn single_case(mut mapped: impl Iterator<Item = char> + Clone, c: char) -> char {
    let count = mapped.clone().count();
    match (count, mapped.next()) {
        (1, Some(m)) => m,
        _ => c,
    }
}

fn go_lower(c: char) -> char {
    // The one letter whose simple lower case differs from the first of its full one.
    if c == '\u{130}' {
        return 'i';
    }
    single_case(c.to_lowercase(), c)
}

fn go_upper(c: char) -> char {
    single_case(c.to_uppercase(), c)
}

/// goutils' `Uncapitalize`: the first letter of each space-separated word in lower case.
fn untitle(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut next = true;
    for c in s.chars() {
        if is_go_space(c) {
            next = true;
            out.push(c);
        } else if next {
            out.push(go_lower(c));
            next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// goutils' `SwapCase`: upper to lower; lower to title case after whitespace, else upper.
fn swapcase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut whitespace = true;
    for c in s.chars() {
        if c.is_uppercase() || to_title(c).next() == Some(c) && go_lower(c) != c {
            out.push(go_lower(c));
            whitespace = false;
        } else if c.is_lowercase() {
            if whitespace {
                out.extend(to_title(c));
                whitespace = false;
            } else {
                out.push(go_upper(c));
            }
        } else {
            whitespace = is_go_space(c);
            out.push(c);
        }
    }
    out
}

/// A byte read as a rune, as goutils does (`rune(str[i])`): Latin-1.
fn byte_char(b: u8) -> char {
    char::from(b)
}

/// goutils' `DeleteWhiteSpace`, byte by byte: when any byte is dropped, the others are
/// re-encoded as Latin-1 runes.
fn nospace(s: &str) -> String {
    let kept: Vec<u8> = s.bytes().filter(|&b| !is_go_space(byte_char(b))).collect();
    if kept.len() == s.len() {
        return s.to_owned();
    }
    kept.into_iter().map(byte_char).collect()
}

/// goutils' `Initials`, byte by byte.
fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for b in s.bytes() {
        let c = byte_char(b);
        if is_go_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    out
}

/// Sprig's `indent`: the pad before the text and after every newline.
fn indent(spaces: i64, text: &str) -> Result<String, FuncError> {
    let Ok(spaces) = usize::try_from(spaces) else {
        return Err("strings: negative Repeat count".into());
    };
    let lines = text.matches('\n').count() as u128 + 1;
    check_size("indent", text.len() as u128 + lines * spaces as u128)?;
    let pad = " ".repeat(spaces);
    Ok(format!("{pad}{}", text.replace('\n', &format!("\n{pad}"))))
}
