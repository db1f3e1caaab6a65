//! Sprig's regular expressions, with Go's RE2 syntax and match semantics on the `regex`
//! crate: Perl classes (`\d`, `\w`, `\s`, `\b`) are ASCII as in Go, `\Q...\E` quotes, and
//! repeated matching follows Go's rule that an empty match right after a match is skipped.
//!
//! The plain functions fail on a bad pattern (Sprig uses `MustCompile`), except
//! `regexMatch`, which is then false; the `must` variants return Go's error.

use regex::Regex;

use crate::funcs::args::{arity, int, string, string_list};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

/// Longest pattern compiled (Go rejects nothing, but a template has no use for more).
const MAX_PATTERN: usize = 64 * 1024;

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("regexMatch", |_, args| {
        arity("regexMatch", args, 2)?;
        let (re, s) = (
            string("regexMatch", args, 0)?,
            string("regexMatch", args, 1)?,
        );
        Ok(Value::Bool(compile(&re).is_ok_and(|re| re.is_match(&s))))
    });
    funcs.insert("mustRegexMatch", |_, args| {
        arity("mustRegexMatch", args, 2)?;
        let re = compile(&string("mustRegexMatch", args, 0)?)?;
        Ok(Value::Bool(re.is_match(&string(
            "mustRegexMatch",
            args,
            1,
        )?)))
    });
    for (name, must) in [("regexFindAll", false), ("mustRegexFindAll", true)] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 3)?;
            let re = pattern(&string(name, args, 0)?, must)?;
            let s = string(name, args, 1)?;
            let n = int(name, args, 2)?;
            let found = find_all(&re, &s, n)
                .into_iter()
                .map(|(start, end)| s.get(start..end).unwrap_or("").to_owned());
            Ok(string_list(found))
        });
    }
    for (name, must) in [("regexFind", false), ("mustRegexFind", true)] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 2)?;
            let re = pattern(&string(name, args, 0)?, must)?;
            let s = string(name, args, 1)?;
            Ok(Value::from(re.find(&s).map_or("", |m| m.as_str())))
        });
    }
    for (name, must, literal) in [
        ("regexReplaceAll", false, false),
        ("mustRegexReplaceAll", true, false),
        ("regexReplaceAllLiteral", false, true),
        ("mustRegexReplaceAllLiteral", true, true),
    ] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 3)?;
            let re = pattern(&string(name, args, 0)?, must)?;
            let s = string(name, args, 1)?;
            let repl = string(name, args, 2)?;
            Ok(Value::from(replace_all(&re, &s, &repl, literal)))
        });
    }
    for (name, must) in [("regexSplit", false), ("mustRegexSplit", true)] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 3)?;
            let source = string(name, args, 0)?;
            let re = pattern(&source, must)?;
            let s = string(name, args, 1)?;
            let n = int(name, args, 2)?;
            Ok(string_list(split(&re, &source, &s, n)))
        });
    }
    funcs.insert("regexQuoteMeta", |_, args| {
        arity("regexQuoteMeta", args, 1)?;
        Ok(Value::from(quote_meta(&string("regexQuoteMeta", args, 0)?)))
    });
}

/// Compiles for a plain function (failing as `MustCompile` panics) or a `must` one.
fn pattern(source: &str, must: bool) -> Result<Regex, FuncError> {
    compile(source).map_err(|err| match err {
        FuncError::Message(message) if !must => {
            FuncError::Message(format!("regexp: Compile({}): {message}", backquote(source)))
        }
        other => other,
    })
}

fn backquote(s: &str) -> String {
    if s.contains('`') {
        crate::template::format::quote(s)
    } else {
        format!("`{s}`")
    }
}

/// Compiles a Go pattern.
pub(crate) fn compile(source: &str) -> Result<Regex, FuncError> {
    if source.len() > MAX_PATTERN {
        return Err("error parsing regexp: expression too large".into());
    }
    let translated = translate(source);
    regex::RegexBuilder::new(&translated)
        .size_limit(1 << 24)
        .build()
        .map_err(|err| {
            let detail = match err {
                regex::Error::Syntax(text) => text
                    .lines()
                    .rev()
                    .find(|line| line.starts_with("error:"))
                    .map(|line| go_syntax_error(line.trim_start_matches("error:").trim()))
                    .unwrap_or(text),
                regex::Error::CompiledTooBig(_) => "expression too large".to_owned(),
                _ => "invalid pattern".to_owned(),
            };
            FuncError::Message(format!(
                "error parsing regexp: {detail}: {}",
                backquote(source)
            ))
        })
}

/// Go's name for a syntax error the `regex` crate describes in its own words.
fn go_syntax_error(rust: &str) -> String {
    let go = match rust {
        "unclosed group" => "missing closing )",
        "unopened group" => "unexpected )",
        "unclosed character class" => "missing closing ]",
        "repetition operator missing expression" => "missing argument to repetition operator",
        "invalid character class range, the start must be <= the end" => {
            "invalid character class range"
        }
        "incomplete escape sequence, reached end of pattern prematurely" => {
            "trailing backslash at end of expression"
        }
        "backreferences are not supported" => "invalid escape sequence",
        other if other.starts_with("unrecognized escape sequence") => "invalid escape sequence",
        other if other.starts_with("look-around") => "invalid or unsupported Perl syntax",
        other if other.contains("repetition") && other.contains("count") => "invalid repeat count",
        other if other.contains("capture group name") => "invalid named capture",
        other => other,
    };
    go.to_owned()
}

/// Rewrites Go syntax the `regex` crate reads differently: ASCII Perl classes and `\Q..\E`.
fn translate(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let inside = class_depth > 0;
                match (next, inside) {
                    ('d', false) => out.push_str("[0-9]"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('s', false) => out.push_str("[\\t\\n\\f\\r ]"),
                    ('S', false) => out.push_str("[^\\t\\n\\f\\r ]"),
                    ('d', true) => out.push_str("0-9"),
                    ('D', true) => out.push_str("[^0-9]"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('W', true) => out.push_str("[^0-9A-Za-z_]"),
                    ('s', true) => out.push_str("\\t\\n\\f\\r "),
                    ('S', true) => out.push_str("[^\\t\\n\\f\\r ]"),
                    ('b', false) => out.push_str("(?-u:\\b)"),
                    ('B', false) => out.push_str("(?-u:\\B)"),
                    ('Q', false) => {
                        let mut literal = String::new();
                        while let Some(q) = chars.next() {
                            if q == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            literal.push(q);
                        }
                        out.push_str(&regex::escape(&literal));
                    }
                    (other, _) => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            '[' => {
                out.push('[');
                if class_depth == 0 {
                    class_depth = 1;
                    // A `]` right after `[` or `[^` is a literal in both syntaxes; copy it
                    // so it does not close the class.
                    if chars.peek() == Some(&'^') {
                        out.push('^');
                        chars.next();
                    }
                    if chars.peek() == Some(&']') {
                        out.push_str("\\]");
                        chars.next();
                    }
                } else if chars.peek() == Some(&':') {
                    // `[:alpha:]` inside a class.
                    for p in chars.by_ref() {
                        out.push(p);
                        if p == ']' {
                            break;
                        }
                    }
                } else {
                    // Go has no nested classes: `[` inside a class is a literal.
                    out.pop();
                    out.push_str("\\[");
                }
            }
            ']' if class_depth > 0 => {
                class_depth = 0;
                out.push(']');
            }
            // Go's set operators do not exist: `&&`, `--`, `~~` inside a class are literals.
            '&' | '-' | '~' if class_depth > 0 && chars.peek() == Some(&c) => {
                out.push('\\');
                out.push(c);
            }
            other => out.push(other),
        }
    }
    out
}

/// Go's `FindAllStringIndex(s, n)`: an empty match right after the previous match is not
/// reported.
fn find_all(re: &Regex, s: &str, n: i64) -> Vec<(usize, usize)> {
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut previous_end: Option<usize> = None;
    while out.len() < limit && pos <= s.len() {
        let Some(m) = re.find_at(s, pos) else { break };
        let mut accept = true;
        if m.end() == pos {
            if Some(m.start()) == previous_end {
                accept = false;
            }
            pos += s
                .get(pos..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
        } else {
            pos = m.end();
        }
        previous_end = Some(m.end());
        if accept {
            out.push((m.start(), m.end()));
        }
    }
    out
}

/// Go's `ReplaceAllString` (`$1`, `${name}` expanded) or `ReplaceAllLiteralString`,
/// with Go's loop: no replacement for an empty match right after a match, and the search
/// always advancing by at least one character.
fn replace_all(re: &Regex, s: &str, repl: &str, literal: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_end = 0usize;
    let mut search = 0usize;
    while search <= s.len() {
        let Some(captures) = re.captures_at(s, search) else {
            break;
        };
        let Some(m) = captures.get(0) else { break };
        out.push_str(s.get(last_end..m.start()).unwrap_or(""));
        if m.end() > last_end || m.start() == 0 {
            if literal {
                out.push_str(repl);
            } else {
                captures.expand(repl, &mut out);
            }
        }
        last_end = m.end();
        let width = s
            .get(search..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8);
        if search + width > m.end() {
            search += width;
        } else if search + 1 > m.end() {
            search += 1;
        } else {
            search = m.end();
        }
    }
    out.push_str(s.get(last_end..).unwrap_or(""));
    out
}

/// Go's `Regexp.Split`.
fn split(re: &Regex, source: &str, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if !source.is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let matches = find_all(re, s, n);
    let mut out = Vec::new();
    let (mut begin, mut end) = (0usize, 0usize);
    for (start, stop) in matches {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = start;
        if stop != 0 {
            out.push(s.get(begin..end).unwrap_or("").to_owned());
        }
        begin = stop;
    }
    if end != s.len() {
        out.push(s.get(begin..).unwrap_or("").to_owned());
    }
    out
}

/// Go's `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
