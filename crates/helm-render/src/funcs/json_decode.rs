//! Go's `encoding/json` decoding into `interface{}`, for `fromJson`, `fromJsonArray` and
//! `mustFromJson`: numbers become float64, objects maps, and errors read as Go's do.
//!
//! Go first checks the whole text with its scanner, whose messages (`invalid character 'x'
//! after object key`) charts may show, so this module follows the scanner's states byte for
//! byte; only a valid text is then turned into values. Both passes keep their own stacks.

use std::collections::BTreeMap;

use crate::template::format::quote;
use crate::template::value::Value;

/// Deepest nesting accepted. Go allows 10,000 levels; values that deep would overflow the
/// native stack of code that walks them recursively (printing, dropping), so the limit is
/// the one kubeward's YAML reader applies. Deeper text fails with Go's "exceeded max depth".
const MAX_NESTING: usize = 256;

/// A decoded value and the first error met while decoding it (a number out of range leaves
/// nil in its place and decoding goes on, as in Go).
#[derive(Debug)]
pub struct Decoded {
    /// The value.
    pub value: Value,
    /// Go's first decoding error, if any.
    pub error: Option<String>,
}

/// What the text is decoded into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `map[string]interface{}`: `fromJson`, `fromYaml`.
    Map,
    /// `[]interface{}`: `fromJsonArray`, `fromYamlArray`.
    List,
}

impl Decoded {
    /// The value as the target holds it: null leaves the (empty) target as it is; another
    /// kind of value is Go's type error and leaves it empty too.
    pub fn fit(self, target: Target) -> Decoded {
        let (empty, type_name) = match target {
            Target::Map => (Value::new_map(), "map[string]interface {}"),
            Target::List => (Value::from(Vec::new()), "[]interface {}"),
        };
        let kind = match (&self.value, target) {
            (Value::Nil | Value::Missing, _) => {
                return Decoded {
                    value: empty,
                    error: self.error,
                };
            }
            (Value::Map(_), Target::Map) | (Value::List(_), Target::List) => return self,
            (Value::Map(_), _) => "object",
            (Value::List(_), _) => "array",
            (Value::String(_), _) => "string",
            (Value::Bool(_), _) => "bool",
            _ => "number",
        };
        Decoded {
            value: empty,
            error: Some(format!(
                "json: cannot unmarshal {kind} into Go value of type {type_name}"
            )),
        }
    }
}

/// Decodes JSON text into `interface{}`; a syntax error is the `Err`.
pub fn from_json(text: &str) -> Result<Decoded, String> {
    check_valid(text.as_bytes())?;
    Ok(build(text))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// The scanner states of Go's `encoding/json/scanner.go`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    /// Inside `\u`, with this many hex digits read.
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside `true`, `false` or `null`, with this many bytes of it read.
    Literal(&'static str, usize),
}

struct Scanner {
    state: State,
    parse: Vec<Parse>,
    end_top: bool,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Go's `quoteChar`: the byte as a rune, in single quotes.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            let quoted = quote(&char::from(c).to_string());
            let inner = quoted
                .get(1..quoted.len().saturating_sub(1))
                .unwrap_or_default();
            format!("'{inner}'")
        }
    }
}

fn error(c: u8, context: &str) -> String {
    format!("invalid character {} {context}", quote_char(c))
}

impl Scanner {
    fn push(&mut self, c: u8, parse: Parse, next: State) -> Result<(), String> {
        self.parse.push(parse);
        if self.parse.len() > MAX_NESTING {
            return Err(error(c, "exceeded max depth"));
        }
        self.state = next;
        Ok(())
    }

    fn pop(&mut self) {
        self.parse.pop();
        if self.parse.is_empty() {
            self.state = State::EndTop;
            self.end_top = true;
        } else {
            self.state = State::EndValue;
        }
    }

    fn step(&mut self, c: u8) -> Result<(), String> {
        match self.state {
            State::BeginValueOrEmpty if c == b']' => self.end_value(c),
            State::BeginValue | State::BeginValueOrEmpty => self.begin_value(c),
            State::BeginStringOrEmpty if c == b'}' => {
                if let Some(top) = self.parse.last_mut() {
                    *top = Parse::ObjectValue;
                }
                self.end_value(c)
            }
            State::BeginStringOrEmpty | State::BeginString => {
                if is_space(c) {
                    return Ok(());
                }
                if c == b'"' {
                    self.state = State::InString;
                    return Ok(());
                }
                Err(error(c, "looking for beginning of object key string"))
            }
            State::EndValue => self.end_value(c),
            State::EndTop => {
                if is_space(c) {
                    Ok(())
                } else {
                    Err(error(c, "after top-level value"))
                }
            }
            State::InString => {
                match c {
                    b'"' => self.state = State::EndValue,
                    b'\\' => self.state = State::InStringEsc,
                    c if c < 0x20 => return Err(error(c, "in string literal")),
                    _ => {}
                }
                Ok(())
            }
            State::InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    self.state = State::InString;
                    Ok(())
                }
                b'u' => {
                    self.state = State::InStringEscU(0);
                    Ok(())
                }
                _ => Err(error(c, "in string escape code")),
            },
            State::InStringEscU(read) => {
                if !c.is_ascii_hexdigit() {
                    return Err(error(c, "in \\u hexadecimal character escape"));
                }
                self.state = if read == 3 {
                    State::InString
                } else {
                    State::InStringEscU(read + 1)
                };
                Ok(())
            }
            State::Neg => match c {
                b'0' => {
                    self.state = State::Zero;
                    Ok(())
                }
                b'1'..=b'9' => {
                    self.state = State::One;
                    Ok(())
                }
                _ => Err(error(c, "in numeric literal")),
            },
            State::One if c.is_ascii_digit() => Ok(()),
            State::One | State::Zero => match c {
                b'.' => {
                    self.state = State::Dot;
                    Ok(())
                }
                b'e' | b'E' => {
                    self.state = State::E;
                    Ok(())
                }
                _ => self.end_value(c),
            },
            State::Dot => {
                if c.is_ascii_digit() {
                    self.state = State::Dot0;
                    return Ok(());
                }
                Err(error(c, "after decimal point in numeric literal"))
            }
            State::Dot0 => match c {
                c if c.is_ascii_digit() => Ok(()),
                b'e' | b'E' => {
                    self.state = State::E;
                    Ok(())
                }
                _ => self.end_value(c),
            },
            State::E if c == b'+' || c == b'-' => {
                self.state = State::ESign;
                Ok(())
            }
            State::E | State::ESign => {
                if c.is_ascii_digit() {
                    self.state = State::E0;
                    return Ok(());
                }
                Err(error(c, "in exponent of numeric literal"))
            }
            State::E0 if c.is_ascii_digit() => Ok(()),
            State::E0 => self.end_value(c),
            State::Literal(word, read) => {
                let expected = word.as_bytes().get(read).copied().unwrap_or(b' ');
                if c != expected {
                    return Err(error(
                        c,
                        &format!("in literal {word} (expecting {})", quote_char(expected)),
                    ));
                }
                self.state = if read + 1 == word.len() {
                    State::EndValue
                } else {
                    State::Literal(word, read + 1)
                };
                Ok(())
            }
        }
    }

    fn begin_value(&mut self, c: u8) -> Result<(), String> {
        match c {
            c if is_space(c) => {}
            b'{' => return self.push(c, Parse::ObjectKey, State::BeginStringOrEmpty),
            b'[' => return self.push(c, Parse::ArrayValue, State::BeginValueOrEmpty),
            b'"' => self.state = State::InString,
            b'-' => self.state = State::Neg,
            b'0' => self.state = State::Zero,
            b'1'..=b'9' => self.state = State::One,
            b't' => self.state = State::Literal("true", 1),
            b'f' => self.state = State::Literal("false", 1),
            b'n' => self.state = State::Literal("null", 1),
            _ => return Err(error(c, "looking for beginning of value")),
        }
        Ok(())
    }

    fn end_value(&mut self, c: u8) -> Result<(), String> {
        let Some(top) = self.parse.last_mut() else {
            self.state = State::EndTop;
            self.end_top = true;
            return self.step(c);
        };
        if is_space(c) {
            self.state = State::EndValue;
            return Ok(());
        }
        match (*top, c) {
            (Parse::ObjectKey, b':') => {
                *top = Parse::ObjectValue;
                self.state = State::BeginValue;
            }
            (Parse::ObjectKey, _) => return Err(error(c, "after object key")),
            (Parse::ObjectValue, b',') => {
                *top = Parse::ObjectKey;
                self.state = State::BeginString;
            }
            (Parse::ObjectValue, b'}') | (Parse::ArrayValue, b']') => self.pop(),
            (Parse::ObjectValue, _) => return Err(error(c, "after object key:value pair")),
            (Parse::ArrayValue, b',') => self.state = State::BeginValue,
            (Parse::ArrayValue, _) => return Err(error(c, "after array element")),
        }
        Ok(())
    }
}

/// Go's `checkValid`: the first syntax error, as Go words it.
fn check_valid(data: &[u8]) -> Result<(), String> {
    let mut scanner = Scanner {
        state: State::BeginValue,
        parse: Vec::new(),
        end_top: false,
    };
    for &c in data {
        scanner.step(c)?;
    }
    if scanner.end_top {
        return Ok(());
    }
    // At the end Go feeds a space, which ends a number or reports what is missing.
    scanner.step(b' ')?;
    if scanner.end_top {
        return Ok(());
    }
    Err("unexpected end of JSON input".to_owned())
}

/// A collection being built.
enum Open {
    List(Vec<Value>),
    Map(BTreeMap<String, Value>, Option<String>),
}

/// Builds the value of a text `check_valid` accepted.
fn build(text: &str) -> Decoded {
    let bytes = text.as_bytes();
    let mut error: Option<String> = None;
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    let mut root = Value::Nil;
    while let Some(&c) = bytes.get(i) {
        let value = match c {
            b' ' | b'\t' | b'\r' | b'\n' | b',' | b':' => {
                i += 1;
                continue;
            }
            b'{' => {
                stack.push(Open::Map(BTreeMap::new(), None));
                i += 1;
                continue;
            }
            b'[' => {
                stack.push(Open::List(Vec::new()));
                i += 1;
                continue;
            }
            b'}' | b']' => {
                i += 1;
                match stack.pop() {
                    Some(Open::List(items)) => Value::from(items),
                    Some(Open::Map(map, _)) => Value::from(map),
                    None => Value::Nil,
                }
            }
            b'"' => {
                let (s, end) = unquote(text, i + 1);
                i = end;
                if let Some(Open::Map(_, key @ None)) = stack.last_mut() {
                    *key = Some(s);
                    continue;
                }
                Value::from(s)
            }
            b't' => {
                i += 4;
                Value::Bool(true)
            }
            b'f' => {
                i += 5;
                Value::Bool(false)
            }
            b'n' => {
                i += 4;
                Value::Nil
            }
            _ => {
                let start = i;
                while bytes
                    .get(i)
                    .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    i += 1;
                }
                let literal = text.get(start..i).unwrap_or_default();
                match literal.parse::<f64>() {
                    Ok(x) if x.is_finite() => Value::Float(x),
                    _ => {
                        error.get_or_insert_with(|| {
                            format!(
                                "json: cannot unmarshal number {literal} into Go value of type float64"
                            )
                        });
                        Value::Nil
                    }
                }
            }
        };
        match stack.last_mut() {
            Some(Open::List(items)) => items.push(value),
            Some(Open::Map(map, key)) => {
                map.insert(key.take().unwrap_or_default(), value);
            }
            None => root = value,
        }
    }
    Decoded { value: root, error }
}

/// Decodes the string literal whose body starts at `start`; returns it and the index after
/// the closing quote. Invalid surrogates become U+FFFD, as in Go.
fn unquote(text: &str, start: usize) -> (String, usize) {
    let mut out = String::new();
    let mut chars = text.get(start..).unwrap_or_default().char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => return (out, start + offset + 1),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('u') => {
                    let first = hex4(&mut chars);
                    if (0xD800..0xE000).contains(&first) {
                        // A pair is consumed only when it decodes.
                        let mut lookahead = chars.clone();
                        let pair = match (lookahead.next(), lookahead.next()) {
                            (Some((_, '\\')), Some((_, 'u'))) => Some(hex4(&mut lookahead)),
                            _ => None,
                        };
                        match pair {
                            Some(second)
                                if (0xD800..0xDC00).contains(&first)
                                    && (0xDC00..0xE000).contains(&second) =>
                            {
                                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                                chars = lookahead;
                            }
                            _ => out.push('\u{FFFD}'),
                        }
                    } else {
                        out.push(char::from_u32(first).unwrap_or('\u{FFFD}'));
                    }
                }
                Some(other) => out.push(other),
                None => {}
            },
            c => out.push(c),
        }
    }
    (out, text.len())
}

fn hex4(chars: &mut std::str::CharIndices<'_>) -> u32 {
    let mut code = 0;
    for _ in 0..4 {
        let digit = chars.next().and_then(|(_, c)| c.to_digit(16)).unwrap_or(0);
        code = code * 16 + digit;
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(text: &str) -> String {
        from_json(text).err().unwrap_or_default()
    }

    #[test]
    fn syntax_errors_read_as_go() {
        assert_eq!(syntax(""), "unexpected end of JSON input");
        assert_eq!(syntax("[1"), "unexpected end of JSON input");
        assert_eq!(
            syntax("1."),
            "invalid character ' ' after decimal point in numeric literal"
        );
        assert_eq!(
            syntax("{\"a\" 1}"),
            "invalid character '1' after object key"
        );
        assert_eq!(
            syntax("tru"),
            "invalid character ' ' in literal true (expecting 'e')"
        );
        assert_eq!(
            syntax("é"),
            "invalid character 'Ã' looking for beginning of value"
        );
        assert_eq!(
            syntax("[1] x"),
            "invalid character 'x' after top-level value"
        );
        assert_eq!(
            syntax(&"[".repeat(MAX_NESTING + 1)),
            "invalid character '[' exceeded max depth"
        );
    }

    #[test]
    fn values_decode_as_go() {
        let decoded = from_json(r#"{"a": [1, 2.5, "x\u00e9\ud83d\ude00\ud800"], "b": null}"#)
            .ok()
            .map(|d| crate::template::format::format_value(&d.value));
        assert_eq!(
            decoded.as_deref(),
            Some("map[a:[1 2.5 xé😀\u{FFFD}] b:<nil>]")
        );
    }
}
