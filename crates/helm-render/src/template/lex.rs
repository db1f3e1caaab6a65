//! The lexer of Go's text/template: text and actions, with `{{-`/`-}}` trimming, comments,
//! strings, raw strings, characters and Go number literals.

/// A token of the template language.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    /// Plain text between actions (already trimmed by `{{-` / `-}}`).
    Text,
    /// `{{`.
    LeftDelim,
    /// `}}`.
    RightDelim,
    /// Whitespace inside an action.
    Space,
    /// `=`.
    Assign,
    /// `:=`.
    Declare,
    /// `|`.
    Pipe,
    /// `(`.
    LeftParen,
    /// `)`.
    RightParen,
    /// `,` (and other single characters the parser may accept).
    Char(char),
    /// `.`.
    Dot,
    /// `.Name`.
    Field,
    /// `$` or `$name`.
    Variable,
    /// A function name or keyword.
    Identifier,
    /// `true` or `false`.
    Bool,
    /// A number literal.
    Number,
    /// A quoted string (still quoted).
    String,
    /// A raw string (still quoted with backquotes).
    RawString,
    /// A character constant (still quoted).
    CharConstant,
    /// `nil`.
    Nil,
    /// A keyword: `if`, `else`, `end`, `range`, `with`, `define`, `template`, `block`,
    /// `break`, `continue`.
    Keyword,
    /// A comment action.
    Comment,
}

/// A token with its text and byte position in the template source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub token: Token,
    /// Byte offset of the token in the source.
    pub pos: usize,
    /// The token's text (for `Text`, after trimming).
    pub text: String,
}

/// A lexing error: where and what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LexError {
    pub pos: usize,
    pub message: String,
}

const LEFT: &str = "{{";
const RIGHT: &str = "}}";

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

const KEYWORDS: &[&str] = &[
    "block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template", "with",
];

/// Splits a template into tokens.
pub(crate) fn lex(src: &str) -> Result<Vec<Item>, LexError> {
    let mut lexer = Lexer {
        src,
        pos: 0,
        items: Vec::new(),
        trim_next_text: false,
        paren_depth: 0,
    };
    lexer.run()?;
    Ok(lexer.items)
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    items: Vec<Item>,
    /// The previous action ended with `-}}`: trim leading space of the next text.
    trim_next_text: bool,
    paren_depth: usize,
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn emit(&mut self, token: Token, start: usize, text: &str) {
        self.items.push(Item {
            token,
            pos: start,
            text: text.to_owned(),
        });
    }

    fn error<T>(&self, pos: usize, message: impl Into<String>) -> Result<T, LexError> {
        Err(LexError {
            pos,
            message: message.into(),
        })
    }

    fn run(&mut self) -> Result<(), LexError> {
        loop {
            // Text up to the next left delimiter.
            let start = self.pos;
            let next = self.rest().find(LEFT);
            let end = next.map_or(self.src.len(), |i| self.pos + i);
            let mut text = self.src.get(start..end).unwrap_or("");
            let mut text_start = start;
            if self.trim_next_text {
                let trimmed = text.trim_start_matches(is_space);
                text_start += text.len() - trimmed.len();
                text = trimmed;
                self.trim_next_text = false;
            }
            let trim_left = next.is_some() && self.has_left_trim(end);
            if trim_left {
                text = text.trim_end_matches(is_space);
            }
            if !text.is_empty() {
                let owned = text.to_owned();
                self.items.push(Item {
                    token: Token::Text,
                    pos: text_start,
                    text: owned,
                });
            }
            let Some(_) = next else {
                return Ok(());
            };
            self.pos = end;
            self.left_delim(trim_left)?;
        }
    }

    /// `{{- ` at `at`: a trim marker needs whitespace after the dash.
    fn has_left_trim(&self, at: usize) -> bool {
        let after = self.src.get(at + LEFT.len()..).unwrap_or("");
        let mut chars = after.chars();
        chars.next() == Some('-') && chars.next().is_some_and(is_space)
    }

    fn left_delim(&mut self, trim: bool) -> Result<(), LexError> {
        let start = self.pos;
        self.pos += LEFT.len();
        if trim {
            self.pos += 2;
        }
        // A comment must follow the delimiter (and trim marker) immediately.
        if self.rest().starts_with("/*") {
            return self.comment(start);
        }
        self.emit(Token::LeftDelim, start, LEFT);
        self.paren_depth = 0;
        self.inside_action()
    }

    fn comment(&mut self, start: usize) -> Result<(), LexError> {
        let Some(close) = self.rest().find("*/") else {
            return self.error(start, "unclosed comment");
        };
        let text = self.rest().get(..close + 2).unwrap_or("").to_owned();
        self.pos += close + 2;
        let (trim, delim_len) = self.at_right_delim();
        if delim_len == 0 {
            return self.error(start, "comment ends before closing delimiter");
        }
        self.emit(Token::Comment, start, &text);
        self.pos += delim_len;
        self.trim_next_text = trim;
        Ok(())
    }

    /// Whether a right delimiter starts here: `(trimmed, length)` or `(false, 0)`.
    fn at_right_delim(&self) -> (bool, usize) {
        let rest = self.rest();
        if rest.starts_with(RIGHT) {
            return (false, RIGHT.len());
        }
        let mut chars = rest.chars();
        if let (Some(space), Some('-')) = (chars.next(), chars.next()) {
            if is_space(space)
                && rest
                    .get(space.len_utf8() + 1..)
                    .is_some_and(|r| r.starts_with(RIGHT))
            {
                return (true, space.len_utf8() + 1 + RIGHT.len());
            }
        }
        (false, 0)
    }

    fn inside_action(&mut self) -> Result<(), LexError> {
        loop {
            let (trim, delim_len) = self.at_right_delim();
            if delim_len > 0 {
                if self.paren_depth > 0 {
                    return self.error(self.pos, "unclosed left paren");
                }
                let start = self.pos + delim_len - RIGHT.len();
                self.emit(Token::RightDelim, start, RIGHT);
                self.pos += delim_len;
                self.trim_next_text = trim;
                return Ok(());
            }
            let start = self.pos;
            let Some(c) = self.peek() else {
                return self.error(start, "unclosed action");
            };
            match c {
                c if is_space(c) => {
                    let run = self.rest().len() - self.rest().trim_start_matches(is_space).len();
                    let mut end = start + run;
                    // The last space before `-}}` belongs to the trim marker.
                    if self.src.get(end..).is_some_and(|r| r.starts_with("-}}")) {
                        let last = self
                            .src
                            .get(start..end)
                            .and_then(|t| t.chars().last())
                            .map_or(0, char::len_utf8);
                        end -= last;
                    }
                    if end > start {
                        let text = self.src.get(start..end).unwrap_or("").to_owned();
                        self.emit(Token::Space, start, &text);
                    }
                    self.pos = end;
                }
                '=' => {
                    self.pos += 1;
                    self.emit(Token::Assign, start, "=");
                }
                ':' => {
                    if self.rest().starts_with(":=") {
                        self.pos += 2;
                        self.emit(Token::Declare, start, ":=");
                    } else {
                        return self.error(start, "expected :=");
                    }
                }
                '|' => {
                    self.pos += 1;
                    self.emit(Token::Pipe, start, "|");
                }
                '"' => self.quote(start)?,
                '`' => self.raw_quote(start)?,
                '\'' => self.char_constant(start)?,
                '$' => {
                    self.pos += 1;
                    self.take_while(is_alphanumeric);
                    let text = self.src.get(start..self.pos).unwrap_or("").to_owned();
                    self.emit(Token::Variable, start, &text);
                    self.check_terminator()?;
                }
                '.' => {
                    let next = self.rest().chars().nth(1);
                    if next.is_some_and(|n| n.is_ascii_digit()) {
                        self.number(start)?;
                    } else if next.is_some_and(is_alphanumeric) {
                        self.pos += 1;
                        self.take_while(is_alphanumeric);
                        let text = self.src.get(start..self.pos).unwrap_or("").to_owned();
                        self.emit(Token::Field, start, &text);
                        self.check_terminator()?;
                    } else {
                        self.pos += 1;
                        self.emit(Token::Dot, start, ".");
                    }
                }
                '+' | '-' | '0'..='9' => self.number(start)?,
                '(' => {
                    self.pos += 1;
                    self.paren_depth += 1;
                    self.emit(Token::LeftParen, start, "(");
                }
                ')' => {
                    self.pos += 1;
                    if self.paren_depth == 0 {
                        return self.error(start, "unexpected right paren");
                    }
                    self.paren_depth -= 1;
                    self.emit(Token::RightParen, start, ")");
                }
                c if is_alphanumeric(c) => {
                    self.take_while(is_alphanumeric);
                    let word = self.src.get(start..self.pos).unwrap_or("").to_owned();
                    let token = match word.as_str() {
                        "true" | "false" => Token::Bool,
                        "nil" => Token::Nil,
                        w if KEYWORDS.contains(&w) => Token::Keyword,
                        _ => Token::Identifier,
                    };
                    self.emit(token, start, &word);
                    self.check_terminator()?;
                }
                c if c.is_ascii() && !c.is_ascii_control() => {
                    self.pos += 1;
                    self.emit(Token::Char(c), start, &c.to_string());
                }
                c => return self.error(start, format!("unrecognized character in action: {c:?}")),
            }
        }
    }

    fn take_while(&mut self, predicate: impl Fn(char) -> bool) {
        let len = self.rest().len() - self.rest().trim_start_matches(&predicate).len();
        self.pos += len;
    }

    /// After a word, the next character must end it.
    fn check_terminator(&self) -> Result<(), LexError> {
        let Some(c) = self.peek() else {
            return Ok(());
        };
        if is_space(c)
            || matches!(c, '.' | ',' | '|' | ':' | ')' | '(')
            || self.rest().starts_with(RIGHT)
        {
            return Ok(());
        }
        self.error(self.pos, format!("bad character U+{:04X} {c:?}", c as u32))
    }

    fn quote(&mut self, start: usize) -> Result<(), LexError> {
        let mut escaped = false;
        let mut end = None;
        for (i, c) in self.rest().char_indices().skip(1) {
            if escaped {
                escaped = false;
                continue;
            }
            match c {
                '\\' => escaped = true,
                '\n' => return self.error(start, "unterminated quoted string"),
                '"' => {
                    end = Some(i + 1);
                    break;
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            return self.error(start, "unterminated quoted string");
        };
        let text = self.rest().get(..end).unwrap_or("").to_owned();
        self.pos += end;
        self.emit(Token::String, start, &text);
        Ok(())
    }

    fn raw_quote(&mut self, start: usize) -> Result<(), LexError> {
        let Some(close) = self.rest().get(1..).and_then(|r| r.find('`')) else {
            return self.error(start, "unterminated raw quoted string");
        };
        let text = self.rest().get(..close + 2).unwrap_or("").to_owned();
        self.pos += close + 2;
        self.emit(Token::RawString, start, &text);
        Ok(())
    }

    fn char_constant(&mut self, start: usize) -> Result<(), LexError> {
        let mut escaped = false;
        let mut end = None;
        for (i, c) in self.rest().char_indices().skip(1) {
            if escaped {
                escaped = false;
                continue;
            }
            match c {
                '\\' => escaped = true,
                '\n' => return self.error(start, "unterminated character constant"),
                '\'' => {
                    end = Some(i + 1);
                    break;
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            return self.error(start, "unterminated character constant");
        };
        let text = self.rest().get(..end).unwrap_or("").to_owned();
        self.pos += end;
        self.emit(Token::CharConstant, start, &text);
        Ok(())
    }

    /// Go number syntax, checked loosely here and strictly by the parser.
    fn number(&mut self, start: usize) -> Result<(), LexError> {
        let rest = self.rest();
        let mut len = 0;
        let bytes = rest.as_bytes();
        if matches!(bytes.first(), Some(b'+' | b'-')) {
            len += 1;
        }
        let body = rest.get(len..).unwrap_or("");
        let (digits, exponents): (&str, &str) = if body.starts_with("0x") || body.starts_with("0X")
        {
            len += 2;
            ("0123456789abcdefABCDEF_", "pP")
        } else if body.starts_with("0o") || body.starts_with("0O") {
            len += 2;
            ("01234567_", "")
        } else if body.starts_with("0b") || body.starts_with("0B") {
            len += 2;
            ("01_", "")
        } else {
            ("0123456789_", "eE")
        };
        let count = |from: usize, set: &str| {
            rest.get(from..)
                .unwrap_or("")
                .chars()
                .take_while(|c| set.contains(*c))
                .count()
        };
        len += count(len, digits);
        if rest.get(len..).is_some_and(|r| r.starts_with('.')) {
            len += 1;
            len += count(len, digits);
        }
        if !exponents.is_empty()
            && rest
                .get(len..)
                .is_some_and(|r| r.starts_with(|c| exponents.contains(c)))
        {
            len += 1;
            if rest.get(len..).is_some_and(|r| r.starts_with(['+', '-'])) {
                len += 1;
            }
            len += count(len, "0123456789_");
        }
        if rest.get(len..).is_some_and(|r| r.starts_with('i')) {
            len += 1;
        }
        let text = rest.get(..len).unwrap_or("").to_owned();
        self.pos += len;
        if self.peek().is_some_and(is_alphanumeric) {
            let bad_end = self.pos
                + self
                    .rest()
                    .chars()
                    .take_while(|c| is_alphanumeric(*c))
                    .map(char::len_utf8)
                    .sum::<usize>();
            return self.error(
                start,
                format!(
                    "bad number syntax: {:?}",
                    self.src.get(start..bad_end).unwrap_or("")
                ),
            );
        }
        if text.is_empty() || text == "+" || text == "-" {
            return self.error(start, format!("bad number syntax: {text:?}"));
        }
        self.emit(Token::Number, start, &text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Vec<(Token, String)> {
        lex(src)
            .unwrap()
            .into_iter()
            .map(|i| (i.token, i.text))
            .collect()
    }

    #[test]
    fn trims_around_actions() {
        let items = tokens("a  \n{{- .X -}}\n  b");
        assert_eq!(
            items,
            vec![
                (Token::Text, "a".into()),
                (Token::LeftDelim, "{{".into()),
                (Token::Field, ".X".into()),
                (Token::RightDelim, "}}".into()),
                (Token::Text, "b".into()),
            ]
        );
    }

    #[test]
    fn a_dash_without_space_is_a_number() {
        let items = tokens("{{-3}}");
        assert_eq!(items[1], (Token::Number, "-3".into()));
    }

    #[test]
    fn comments_and_strings() {
        let items = tokens("x {{- /* hi */ -}} y{{ \"a\\\"b\" `raw` 'c' }}");
        assert_eq!(items[0], (Token::Text, "x".into()));
        assert_eq!(items[1].0, Token::Comment);
        assert_eq!(items[2], (Token::Text, "y".into()));
        assert!(items.contains(&(Token::String, "\"a\\\"b\"".into())));
        assert!(items.contains(&(Token::RawString, "`raw`".into())));
        assert!(items.contains(&(Token::CharConstant, "'c'".into())));
    }

    #[test]
    fn errors() {
        assert!(lex("{{ .X ").is_err());
        assert!(lex("{{ \"abc }}").is_err());
        assert!(lex("{{ 3x }}").is_err());
    }
}
