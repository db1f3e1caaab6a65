//! Sprig's case conversions, from huandu/xstrings: `snakecase` and `kebabcase` split words
//! at case changes, digits and connectors (`HTTPServer` is `http_server`); `camelcase` is
//! xstrings' `ToPascalCase` (`some_words` is `SomeWords`).

use crate::funcs::args::{arity, string};
use crate::template::Funcs;
use crate::template::value::Value;

use super::strings::is_go_space;

pub(super) fn register(funcs: &mut Funcs) {
    for (name, connector) in [("snakecase", '_'), ("kebabcase", '-')] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 1)?;
            Ok(Value::from(to_lower_words(
                &string(name, args, 0)?,
                connector,
            )))
        });
    }
    funcs.insert("camelcase", |_, args| {
        arity("camelcase", args, 1)?;
        Ok(Value::from(to_pascal(&string("camelcase", args, 0)?)))
    });
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_go_space(c)
}

/// Go's `unicode.IsPunct` (ASCII exactly; the common punctuation blocks beyond).
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c);
    }
    matches!(c as u32,
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x2010..=0x2027 | 0x2030..=0x2043
        | 0x2045..=0x2051 | 0x2053..=0x205E | 0x3001..=0x3003 | 0x3008..=0x3011)
}

/// xstrings' `isAlphabet`: a letter, but not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !c.is_alphabetic() {
        return false;
    }
    !matches!(c as u32, 0x4E00..=0x9FCC | 0x3400..=0x4D85 | 0x20000..=0x2B81D)
}

fn is_upper(c: char) -> bool {
    c.is_uppercase()
}

fn is_number(c: char) -> bool {
    c.is_numeric()
}

fn to_lower(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn to_upper(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextWord`: the kind and text of the next word, and the rest.
fn next_word(s: &str) -> (Word, &str, &str) {
    let mut chars = s.char_indices().peekable();
    let Some((_, first)) = chars.next() else {
        return (Word::Invalid, "", "");
    };
    let mut end = first.len_utf8();
    let take_while = |end: &mut usize, pred: &dyn Fn(char) -> bool| {
        let from = *end;
        for (i, c) in s.char_indices().skip_while(|(i, _)| *i < from) {
            if !pred(c) {
                break;
            }
            *end = i + c.len_utf8();
        }
    };
    let kind = if is_connector(first) {
        take_while(&mut end, &is_connector);
        Word::Connector
    } else if is_punct(first) {
        take_while(&mut end, &is_punct);
        Word::Punct
    } else if is_upper(first) {
        let rest = s.get(end..).unwrap_or("");
        match rest.chars().next() {
            Some(next) if is_upper(next) => {
                // "HTTPStatus" is "HTTP" and "Status": the last upper letter before a
                // lower-case one starts the next word.
                let mut last_start = end;
                let mut stopped_at = None;
                let from = end;
                for (i, c) in s.char_indices().skip_while(|(i, _)| *i < from) {
                    if !is_upper(c) {
                        stopped_at = Some(c);
                        break;
                    }
                    last_start = i;
                    end = i + c.len_utf8();
                }
                if stopped_at.is_some_and(is_alphabet) {
                    end = last_start;
                }
            }
            Some(next) if is_alphabet(next) => {
                take_while(&mut end, &|c| is_alphabet(c) && !is_upper(c));
            }
            _ => {}
        }
        Word::Upper
    } else if is_alphabet(first) {
        take_while(&mut end, &|c| is_alphabet(c) && !is_upper(c));
        Word::Alphabet
    } else if is_number(first) {
        take_while(&mut end, &is_number);
        Word::Number
    } else {
        take_while(&mut end, &|c| {
            !(is_connector(c) || is_alphabet(c) || is_number(c) || is_punct(c))
        });
        Word::Other
    };
    (kind, s.get(..end).unwrap_or(s), s.get(end..).unwrap_or(""))
}

/// xstrings' `toLower`: upper-case words lowered, connectors replaced.
fn push_lower(out: &mut String, kind: Word, word: &str, connector: char) {
    if kind != Word::Upper && kind != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else {
            out.push(to_lower(c));
        }
    }
}

/// xstrings' `camelCaseToLowerCase`.
fn to_lower_words(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let (mut kind, mut word, mut rest) = next_word(s);
    while !rest.is_empty() {
        if kind != Word::Connector {
            push_lower(&mut out, kind, word, connector);
        }
        let previous = kind;
        let last = word;
        (kind, word, rest) = next_word(rest);
        match previous {
            Word::Number => {
                while kind == Word::Alphabet || kind == Word::Number {
                    push_lower(&mut out, kind, word, connector);
                    (kind, word, rest) = next_word(rest);
                }
                if !matches!(kind, Word::Invalid | Word::Punct | Word::Connector) {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, previous, last, connector),
            Word::Punct => {}
            _ => {
                if kind != Word::Number {
                    if kind != Word::Connector && kind != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let number = word;
                (kind, word, rest) = next_word(rest);
                // "Bld4Floor" is "bld4_floor": a number ends the word before it...
                if kind != Word::Alphabet {
                    push_lower(&mut out, Word::Number, number, connector);
                    if kind != Word::Connector && kind != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                // ...unless lower-case letters follow it: "HTTP2xx" is "http_2xx".
                out.push(connector);
                push_lower(&mut out, Word::Number, number, connector);
                while kind == Word::Alphabet || kind == Word::Number {
                    push_lower(&mut out, kind, word, connector);
                    (kind, word, rest) = next_word(rest);
                }
                if !matches!(kind, Word::Invalid | Word::Connector | Word::Punct) {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, kind, word, connector);
    out
}

/// xstrings' `ToPascalCase`: connectors dropped, the letter after each capitalized; leading
/// connectors kept; a run of capitals after a capital is lowered (`GOLANG` is `Golang`).
fn to_pascal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    let mut r0 = None;
    let mut first_upper = false;
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = is_upper(c);
            r0 = Some(to_upper(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = r0 else {
        // Only connectors: xstrings writes the last one twice.
        if let Some(last) = s.chars().last() {
            out.push(last);
        }
        return out;
    };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = is_upper(r0);
            r0 = to_upper(r0);
        } else {
            if first_upper {
                if is_upper(r0) {
                    r0 = to_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}
