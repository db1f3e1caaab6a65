//! Helm's `--set` family (`strvals`): `a.b[0].c=v,d={x,y}`, with typed values for
//! `--set` (`true`, `null`, integers), strings for `--set-string`, JSON for `--set-json`,
//! file contents for `--set-file`, and the raw text for `--set-literal`.

use std::collections::BTreeMap;

use super::Tree;
use crate::template::value::Value;

/// Deepest `a.b.c...` nesting accepted.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;
/// Largest list index accepted.
pub const MAX_INDEX: usize = 65_536;

/// How values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `--set`: `true`/`false`/`null`/integers are typed.
    Typed,
    /// `--set-string`: everything is a string.
    String,
    /// `--set-json`: values are JSON.
    Json,
    /// `--set-literal`: the whole rest is one string, no escapes.
    Literal,
}

/// Reads the file a `--set-file` value names.
pub type FileReader<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Parses `text` into `dest`. `file` reads `--set-file` paths (the mode is then `Typed`
/// syntax with file contents as values).
pub fn parse_into(
    text: &str,
    dest: &mut Tree,
    mode: Mode,
    file: Option<FileReader<'_>>,
) -> Result<(), String> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
        mode,
        file,
    };
    loop {
        match parser.key(dest, 0) {
            Ok(()) => continue,
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Error(message)) => return Err(message),
        }
    }
}

enum Stop {
    Eof,
    Error(String),
}

impl From<String> for Stop {
    fn from(message: String) -> Self {
        Stop::Error(message)
    }
}

struct Parser<'f> {
    chars: Vec<char>,
    pos: usize,
    mode: Mode,
    file: Option<FileReader<'f>>,
}

/// The characters read until one of `stop` (excluded), and that stop; `None` at the end.
type Runes = (String, Option<char>);

impl Parser<'_> {
    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    fn until(&mut self, stop: &[char]) -> Runes {
        let escapes = self.mode != Mode::Literal;
        let mut out = String::new();
        loop {
            match self.read() {
                None => return (out, None),
                Some(c) if stop.contains(&c) => return (out, Some(c)),
                Some('\\') if escapes => match self.read() {
                    Some(next) => out.push(next),
                    None => return (out, None),
                },
                Some(c) => out.push(c),
            }
        }
    }

    fn key(&mut self, data: &mut Tree, level: usize) -> Result<(), Stop> {
        let stop: &[char] = if self.mode == Mode::Literal {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (key, last) = self.until(stop);
        match last {
            None => {
                if key.is_empty() {
                    Err(Stop::Eof)
                } else {
                    Err(Stop::Error(format!("key {key:?} has no value")))
                }
            }
            Some('[') => {
                let index = self.key_index()?;
                let list = match data.get(&key) {
                    None => Vec::new(),
                    Some(Value::List(items)) => items.as_ref().clone(),
                    Some(other) => return Err(not_a_list(other)),
                };
                let result = self.list_item(list, index, level);
                match result {
                    Ok(list) => {
                        set(data, &key, Value::from(list));
                        Ok(())
                    }
                    Err((list, err)) => {
                        set(data, &key, Value::from(list));
                        Err(err)
                    }
                }
            }
            Some('=') => {
                let value = self.value()?;
                match value {
                    Assigned::Value(v) => {
                        set(data, &key, v);
                        Ok(())
                    }
                    Assigned::EofEmpty => {
                        set(data, &key, Value::from(""));
                        Err(Stop::Eof)
                    }
                }
            }
            Some(',') => {
                set(data, &key, Value::from(""));
                Err(Stop::Error(format!(
                    "key {key:?} has no value (cannot end with ,)"
                )))
            }
            Some(_) => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(Stop::Error(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let mut inner = match data.get(&key) {
                    None => BTreeMap::new(),
                    Some(Value::Map(map)) => map.borrow().clone(),
                    Some(other) => return Err(not_a_map(other)),
                };
                let result = self.key(&mut inner, level);
                if result.is_ok() && inner.is_empty() {
                    return Err(Stop::Error(format!("key map {key:?} has no value")));
                }
                if !inner.is_empty() {
                    set(data, &key, Value::from(inner));
                }
                result
            }
        }
    }

    fn key_index(&mut self) -> Result<usize, Stop> {
        let (text, last) = self.until(&[']']);
        if last.is_none() {
            return Err(Stop::Error("error parsing index: EOF".to_owned()));
        }
        let index: i64 = text.parse().map_err(|_| {
            Stop::Error(format!(
                "error parsing index: strconv.Atoi: parsing {text:?}: invalid syntax"
            ))
        })?;
        if index < 0 {
            return Err(Stop::Error(format!("negative {index} index not allowed")));
        }
        usize::try_from(index)
            .map_err(|_| Stop::Error(format!("negative {index} index not allowed")))
    }

    /// An item of a list being set: `[i]=v`, `[i][j]...`, `[i].key...`. On error the list
    /// as modified so far comes back too (Helm keeps it).
    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        index: usize,
        level: usize,
    ) -> Result<Vec<Value>, (Vec<Value>, Stop)> {
        let (rest, last) = self.until(&['[', '.', '=']);
        if !rest.is_empty() {
            // Go formats the []rune with %q: ['n' 'a' 'm' 'e'].
            let runes: Vec<String> = rest.chars().map(|c| format!("'{c}'")).collect();
            return Err((
                list,
                Stop::Error(format!(
                    "unexpected data at end of array index: [{}]",
                    runes.join(" ")
                )),
            ));
        }
        match last {
            None => Err((list, Stop::Eof)),
            Some('=') => {
                let value = match self.value() {
                    Ok(Assigned::Value(v)) => v,
                    Ok(Assigned::EofEmpty) => Value::from(""),
                    Err(e) => return Err((list, e)),
                };
                set_index(list, index, value)
            }
            Some('[') => {
                let next = match self.key_index() {
                    Ok(i) => i,
                    Err(e) => return Err((list, e)),
                };
                let current = match list.get(index) {
                    Some(Value::List(items)) => items.as_ref().clone(),
                    Some(Value::Nil) | None => Vec::new(),
                    Some(other) => return Err((list.clone(), not_a_list(other))),
                };
                match self.list_item(current, next, level) {
                    Ok(inner) => set_index(list, index, Value::from(inner)),
                    Err((_, e)) => Err((list, e)),
                }
            }
            Some(_) => {
                let mut inner = match list.get(index) {
                    Some(Value::Map(map)) => map.borrow().clone(),
                    _ => BTreeMap::new(),
                };
                if let Some(slot) = list.get_mut(index) {
                    if !matches!(slot, Value::Map(_)) {
                        *slot = Value::new_map();
                    }
                }
                match self.key(&mut inner, level) {
                    Ok(()) => set_index(list, index, Value::from(inner)),
                    Err(e) => Err((list, e)),
                }
            }
        }
    }

    /// The value after `=`.
    fn value(&mut self) -> Result<Assigned, Stop> {
        match self.mode {
            Mode::Literal => {
                let (text, _) = self.until(&[]);
                Ok(Assigned::Value(Value::from(text)))
            }
            Mode::Json => {
                if self.empty_value() {
                    return Ok(Assigned::Value(Value::Nil));
                }
                let rest: String = self
                    .chars
                    .get(self.pos..)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                let mut stream =
                    serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
                let json = match stream.next() {
                    Some(Ok(json)) => json,
                    Some(Err(e)) => return Err(Stop::Error(e.to_string())),
                    None => return Err(Stop::Error("unexpected end of JSON input".to_owned())),
                };
                let consumed = rest
                    .get(..stream.byte_offset())
                    .map_or(0, |s| s.chars().count());
                self.pos += consumed;
                self.empty_value();
                Ok(Assigned::Value(Value::from_json(&json)))
            }
            _ => match self.value_list()? {
                Some(list) => Ok(Assigned::Value(Value::from(list))),
                None if self.pos >= self.chars.len() => Ok(Assigned::EofEmpty),
                None => {
                    let (text, _) = self.until(&[',']);
                    Ok(Assigned::Value(self.read_value(&text)?))
                }
            },
        }
    }

    /// Skips blanks to the next `,` or the end: whether the value is empty.
    fn empty_value(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => continue,
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    /// `{a,b,c}`, or `None` if the value is not a list.
    fn value_list(&mut self) -> Result<Option<Vec<Value>>, Stop> {
        match self.read() {
            None => return Ok(None),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Ok(None);
            }
        }
        let mut list = Vec::new();
        loop {
            let (text, last) = self.until(&[',', '}']);
            match last {
                None => return Err(Stop::Error("list must terminate with '}'".to_owned())),
                Some('}') => {
                    if let Some(c) = self.read() {
                        if c != ',' {
                            self.unread();
                        }
                    }
                    list.push(self.read_value(&text)?);
                    return Ok(Some(list));
                }
                Some(_) => list.push(self.read_value(&text)?),
            }
        }
    }

    fn read_value(&self, text: &str) -> Result<Value, Stop> {
        if let Some(file) = self.file {
            return file(text).map(Value::from).map_err(Stop::Error);
        }
        Ok(typed(text, self.mode == Mode::String))
    }
}

enum Assigned {
    Value(Value),
    /// `key=` at the end of the input.
    EofEmpty,
}

fn set(data: &mut Tree, key: &str, value: Value) {
    if !key.is_empty() {
        data.insert(key.to_owned(), value);
    }
}

fn set_index(
    mut list: Vec<Value>,
    index: usize,
    value: Value,
) -> Result<Vec<Value>, (Vec<Value>, Stop)> {
    if index > MAX_INDEX {
        return Err((
            list,
            Stop::Error(format!(
                "index of {index} is greater than maximum supported index of {MAX_INDEX}"
            )),
        ));
    }
    if list.len() <= index {
        list.resize(index + 1, Value::Nil);
    }
    if let Some(slot) = list.get_mut(index) {
        *slot = value;
    }
    Ok(list)
}

/// Go's type names of the values strvals creates (its integers are int64).
fn go_type(value: &Value) -> String {
    match value {
        Value::Int(_) => "int64".to_owned(),
        Value::Nil => "nil".to_owned(),
        other => other.type_name(),
    }
}

fn not_a_list(other: &Value) -> Stop {
    Stop::Error(format!(
        "unable to parse key: interface conversion: interface {{}} is {}, not []interface {{}}",
        go_type(other)
    ))
}

fn not_a_map(other: &Value) -> Stop {
    Stop::Error(format!(
        "unable to parse key: interface conversion: interface {{}} is {}, not map[string]interface {{}}",
        go_type(other)
    ))
}

/// `typedVal`.
fn typed(text: &str, as_string: bool) -> Value {
    if as_string {
        return Value::from(text);
    }
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if text == "0" {
        return Value::Int(0);
    }
    if !text.is_empty() && !text.starts_with('0') {
        if let Ok(i) = text.parse::<i64>() {
            // strconv.ParseInt(s, 10, 64): optional sign, decimal digits only.
            if text
                .trim_start_matches(['+', '-'])
                .bytes()
                .all(|b| b.is_ascii_digit())
            {
                return Value::Int(i);
            }
        }
    }
    Value::from(text)
}
