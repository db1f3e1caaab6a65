//! The middle step of `toYaml`: go-yaml v2 parsing the JSON text Go's encoder wrote.
//!
//! Most of that text reads back unchanged, but not all of it. Go's JSON leaves DEL, the C1
//! controls, U+FFFE and U+FFFF unescaped, and go-yaml's reader refuses them; it leaves NEL
//! (U+0085) unescaped too, and go-yaml folds that line break like any other inside a quoted
//! scalar. A key longer than 1024 characters, or spanning such a line break, is no simple key
//! for go-yaml's scanner, and the text fails to parse. Helm then prints nothing.

use std::borrow::Cow;

use crate::funcs::serialize::SerializeError;

const NEL: char = '\u{85}';

/// Keys whose JSON form (quotes included) is longer than this are not simple keys.
const MAX_SIMPLE_KEY_CHARS: usize = 1024;

/// go-yaml's scanner refuses JSON nested deeper than this.
const MAX_FLOW_LEVEL: usize = 10_000;

/// go-yaml's reader decodes its input this many bytes at a time, refusing a character as
/// soon as its chunk is decoded.
const READER_CHUNK: usize = 512;

/// A string as go-yaml reads it back from JSON: each run of spaces and NELs that holds a NEL
/// becomes a space, or the line feeds of the NELs after the first.
pub(crate) fn fold_line_breaks(s: &str) -> Cow<'_, str> {
    if !s.contains(NEL) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != ' ' && c != NEL {
            out.push(c);
            continue;
        }
        // A run of spaces and NELs: spaces before the first NEL and after it are dropped.
        let (mut spaces, mut breaks) = (0, 0);
        let mut blank = c;
        loop {
            if blank == NEL {
                breaks += 1;
            } else if breaks == 0 {
                spaces += 1;
            }
            match chars.next_if(|n| *n == ' ' || *n == NEL) {
                Some(next) => blank = next,
                None => break,
            }
        }
        match breaks {
            0 => out.extend(std::iter::repeat_n(' ', spaces)),
            1 => out.push(' '),
            _ => out.extend(std::iter::repeat_n('\n', breaks - 1)),
        }
    }
    Cow::Owned(out)
}

/// Whether go-yaml v2 parses Go's JSON text `json`; its error otherwise.
pub(crate) fn check(json: &str) -> Result<(), SerializeError> {
    let reader_error = json
        .char_indices()
        .find(|&(_, c)| matches!(c as u32, 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF))
        .map(|(offset, _)| offset);
    match (scan(json), reader_error) {
        (Some((offset, _)), Some(bad)) if bad / READER_CHUNK <= (offset + 4) / READER_CHUNK => {
            Err(control_characters())
        }
        (Some((_, error)), _) => Err(error),
        (None, Some(_)) => Err(control_characters()),
        (None, None) => Ok(()),
    }
}

fn control_characters() -> SerializeError {
    SerializeError::Go("yaml: control characters are not allowed".to_owned())
}

/// go-yaml's error location: `line N: ` for a line past the first.
fn located(line: usize, message: &str) -> SerializeError {
    if line == 0 {
        SerializeError::Go(format!("yaml: {message}"))
    } else {
        SerializeError::Go(format!("yaml: line {line}: {message}"))
    }
}

/// The first scanner or parser error in the JSON text, with its byte offset.
fn scan(json: &str) -> Option<(usize, SerializeError)> {
    // Open objects and arrays: whether each is an object and the line it opened on.
    let mut open: Vec<(bool, usize)> = Vec::new();
    let mut expect_key = false;
    let mut line = 0;
    let mut index = 0;
    let mut chars = json.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        index += 1;
        match c {
            '{' | '[' => {
                open.push((c == '{', line));
                expect_key = c == '{';
                if open.len() > MAX_FLOW_LEVEL {
                    let line = if line == 0 { 0 } else { line + 1 };
                    return Some((offset, located(line, "exceeded max depth of 10000")));
                }
            }
            '}' | ']' => {
                open.pop();
            }
            ',' => expect_key = open.last().is_some_and(|(object, _)| *object),
            '"' => {
                let start = (index - 1, line);
                let mut escaped = false;
                let mut after_break = false;
                for (at, s) in chars.by_ref() {
                    index += 1;
                    if after_break {
                        let rest = json.get(at..).unwrap_or_default();
                        if document_indicator(rest) {
                            // A scanner error, located where it is found; its lines count
                            // from one.
                            return Some((
                                at,
                                located(line + 1, "found unexpected document indicator"),
                            ));
                        }
                    }
                    after_break = s == NEL;
                    match s {
                        NEL => line += 1,
                        '\\' if !escaped => {
                            escaped = true;
                            continue;
                        }
                        '"' if !escaped => break,
                        _ => {}
                    }
                    escaped = false;
                }
                if expect_key {
                    expect_key = false;
                    let length = index - start.0;
                    if length > MAX_SIMPLE_KEY_CHARS || line != start.1 {
                        // Located at the `:`, or else where the mapping opened.
                        let context = open.last().map_or(0, |(_, opened)| *opened);
                        let at = if line != 0 { line } else { context };
                        return Some((offset, located(at, "did not find expected ',' or '}'")));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// `---` or `...` followed by a blank, at the start of a line.
fn document_indicator(rest: &str) -> bool {
    (rest.starts_with("---") || rest.starts_with("..."))
        && matches!(
            rest.get(3..).and_then(|r| r.chars().next()),
            Some(' ' | NEL)
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_fold() {
        assert_eq!(fold_line_breaks("a  \u{85}  b"), "a b");
        assert_eq!(fold_line_breaks("a\u{85}\u{85}b"), "a\nb");
        assert_eq!(fold_line_breaks("\u{85}"), " ");
        assert_eq!(fold_line_breaks(" \u{85} y"), " y");
        assert_eq!(fold_line_breaks("a b"), "a b");
    }

    #[test]
    fn keys_go_yaml_cannot_read() {
        let long = format!("{{\"{}\":1}}", "k".repeat(1022));
        assert!(check(&long).is_ok());
        let longer = format!("{{\"{}\":1}}", "k".repeat(1023));
        assert_eq!(
            check(&longer).err().map(|e| e.to_string()).as_deref(),
            Some("yaml: did not find expected ',' or '}'")
        );
        assert_eq!(
            check("{\"a\u{85}b\":1}")
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("yaml: line 1: did not find expected ',' or '}'")
        );
        assert!(check("[\"a\u{7f}\"]").is_err());
        let deep = format!("{}{}", "[".repeat(10_001), "]".repeat(10_001));
        assert_eq!(
            check(&deep).err().map(|e| e.to_string()).as_deref(),
            Some("yaml: exceeded max depth of 10000")
        );
        let fine = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(check(&fine).is_ok());
    }
}
