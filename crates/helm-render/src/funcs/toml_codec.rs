//! TOML as Helm writes it (`toToml`, BurntSushi/toml's encoder) and reads it (`fromToml`).
//!
//! The encoder is BurntSushi's, for the values templates hold: a map's plain keys first, then
//! its tables (`[a.b]`, indented two spaces a level) and arrays of tables (`[[a]]`), keys
//! sorted bytewise, maps inside arrays written inline. Reading uses the `toml` crate; dates
//! and times, which Go holds as `time.Time`, come back as the RFC 3339 text Go's JSON and
//! YAML encoders write for them.

use std::collections::BTreeMap;

use crate::funcs::serialize::{SerializeError, Work};
use crate::template::format::format_float;
use crate::template::value::Value;

/// Deepest nesting written; BurntSushi's encoder recurses without a limit.
const MAX_DEPTH: usize = 256;

/// BurntSushi/toml's `Encoder.Encode`: the text of `toToml`.
pub fn to_toml(value: &Value, work: &mut Work) -> Result<String, SerializeError> {
    if matches!(value, Value::Nil | Value::Missing) {
        // BurntSushi asks the nil value for its type, which panics in Go's reflect.
        return Err(SerializeError::Go(
            "reflect: call of reflect.Value.Type on zero Value".to_owned(),
        ));
    }
    let mut encoder = Encoder {
        out: String::new(),
        work,
    };
    encoder.encode(&[], value, 0)?;
    Ok(encoder.out)
}

/// TOML's kinds of values, as BurntSushi tells tables from other values.
#[derive(PartialEq, Eq)]
enum Kind {
    Table,
    ArrayOfTables,
    Other,
}

fn error(message: &str) -> SerializeError {
    SerializeError::Go(format!("toml: {message}"))
}

fn elements(value: &Value) -> Option<Vec<Value>> {
    match value {
        Value::List(items) => Some(items.to_vec()),
        Value::Bytes(bytes) => Some(bytes.iter().map(|b| Value::Int(i64::from(*b))).collect()),
        _ => None,
    }
}

/// `tomlTypeOfGo`: `None` for nil. Arrays are checked all the way down: a nil element
/// anywhere in nested arrays is an error.
fn kind(value: &Value, depth: usize) -> Result<Option<Kind>, SerializeError> {
    if depth > MAX_DEPTH {
        return Err(error("value nested too deeply"));
    }
    Ok(match value {
        Value::Nil | Value::Missing => None,
        Value::Map(_) => Some(Kind::Table),
        value => match elements(value) {
            Some(items) if !items.is_empty() => {
                let mut all_tables = true;
                for item in &items {
                    match kind(item, depth + 1)? {
                        None => return Err(error("cannot encode array with nil element")),
                        Some(Kind::Table) => {}
                        Some(_) => all_tables = false,
                    }
                }
                Some(if all_tables {
                    Kind::ArrayOfTables
                } else {
                    Kind::Other
                })
            }
            _ => Some(Kind::Other),
        },
    })
}

struct Encoder<'w> {
    out: String,
    work: &'w mut Work,
}

impl Encoder<'_> {
    fn write(&mut self, text: &str) -> Result<(), SerializeError> {
        self.out.push_str(text);
        self.work.spend_bytes(text.len())
    }

    /// A line break, unless nothing was written yet.
    fn newline(&mut self) -> Result<(), SerializeError> {
        if self.out.is_empty() {
            return Ok(());
        }
        self.write("\n")
    }

    fn encode(
        &mut self,
        key: &[String],
        value: &Value,
        depth: usize,
    ) -> Result<(), SerializeError> {
        self.work.spend(1)?;
        if depth > MAX_DEPTH {
            return Err(error("value nested too deeply"));
        }
        match value {
            Value::Nil | Value::Missing => Ok(()),
            Value::Map(_) => self.table(key, value, depth),
            value if kind(value, depth)? == Some(Kind::ArrayOfTables) => {
                self.array_of_tables(key, value, depth)
            }
            value => self.key_value(key, value, false, depth),
        }
    }

    fn array_of_tables(
        &mut self,
        key: &[String],
        value: &Value,
        depth: usize,
    ) -> Result<(), SerializeError> {
        if key.is_empty() {
            return Err(error("top-level values must be Go maps or structs"));
        }
        for item in elements(value).unwrap_or_default() {
            self.newline()?;
            let header = format!("{}[[{}]]", indent(key), dotted(key));
            self.write(&header)?;
            self.newline()?;
            self.map(key, &item, false, depth + 1)?;
        }
        Ok(())
    }

    fn table(&mut self, key: &[String], value: &Value, depth: usize) -> Result<(), SerializeError> {
        if key.len() == 1 {
            // A blank line before each top-level table.
            self.newline()?;
        }
        if !key.is_empty() {
            let header = format!("{}[{}]", indent(key), dotted(key));
            self.write(&header)?;
            self.newline()?;
        }
        self.map(key, value, false, depth)
    }

    /// A map's entries: plain values first, then tables; inline (`{a = 1, b = 2}`) inside
    /// arrays.
    fn map(
        &mut self,
        key: &[String],
        value: &Value,
        inline: bool,
        depth: usize,
    ) -> Result<(), SerializeError> {
        let Value::Map(map) = value else {
            return Ok(());
        };
        let entries: Vec<(String, Value)> = map
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for entry in entries {
            match kind(&entry.1, depth + 1)? {
                Some(Kind::Table | Kind::ArrayOfTables) => sub.push(entry),
                _ => direct.push(entry),
            }
        }
        if inline {
            self.write("{")?;
        }
        let trailing_comma = !sub.is_empty();
        for (group, trail) in [(direct, trailing_comma), (sub, false)] {
            let count = group.len();
            for (i, (name, item)) in group.into_iter().enumerate() {
                if matches!(item, Value::Nil | Value::Missing) {
                    continue;
                }
                if inline {
                    self.key_value(&[name], &item, true, depth + 1)?;
                    if trail || i + 1 != count {
                        self.write(", ")?;
                    }
                } else {
                    let mut path = key.to_vec();
                    path.push(name);
                    self.encode(&path, &item, depth + 1)?;
                }
            }
        }
        if inline {
            self.write("}")?;
        }
        Ok(())
    }

    fn key_value(
        &mut self,
        key: &[String],
        value: &Value,
        inline: bool,
        depth: usize,
    ) -> Result<(), SerializeError> {
        let Some(last) = key.last() else {
            return self.element(value, depth);
        };
        let start = format!("{}{} = ", indent(key), quote_key(last));
        self.write(&start)?;
        self.element(value, depth)?;
        if !inline {
            self.newline()?;
        }
        Ok(())
    }

    fn element(&mut self, value: &Value, depth: usize) -> Result<(), SerializeError> {
        self.work.spend(1)?;
        if depth > MAX_DEPTH {
            return Err(error("value nested too deeply"));
        }
        match value {
            Value::String(s) => self.write(&quoted(s)),
            Value::Object(object) => self.write(&quoted(&object.format())),
            Value::Bool(b) => self.write(if *b { "true" } else { "false" }),
            Value::Int(i) => self.write(&i.to_string()),
            Value::Float(x) => self.write(&toml_float(*x)),
            Value::Map(_) => self.map(&[], value, true, depth),
            Value::Nil | Value::Missing => Err(error("cannot encode array with nil element")),
            Value::List(_) | Value::Bytes(_) => {
                self.write("[")?;
                let items = elements(value).unwrap_or_default();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.write(", ")?;
                    }
                    self.element(item, depth + 1)?;
                }
                self.write("]")
            }
        }
    }
}

/// A float with at least a decimal point: `1.0`, `1.5`, `1e+06`, `nan`, `-inf`.
fn toml_float(x: f64) -> String {
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_nan() {
        return format!("{sign}nan");
    }
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    let text = format_float(x);
    if text.contains(['e', '.']) {
        text
    } else {
        format!("{text}.0")
    }
}

fn indent(key: &[String]) -> String {
    "  ".repeat(key.len().saturating_sub(1))
}

fn is_bare(key: &str) -> bool {
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn quote_key(key: &str) -> String {
    if key.is_empty() {
        "\"\"".to_owned()
    } else if is_bare(key) {
        key.to_owned()
    } else {
        quoted(key)
    }
}

fn dotted(key: &[String]) -> String {
    key.iter()
        .map(|part| quote_key(part))
        .collect::<Vec<_>>()
        .join(".")
}

/// A basic string as BurntSushi writes it: `"` and `\` escaped, control characters as
/// `\uXXXX` but for `\b`, `\t`, `\n`, `\f`, `\r`.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// BurntSushi/toml's `Unmarshal` into `map[string]interface{}`: integers int64, floats
/// float64, tables maps. The error is the text Helm puts under `Error`.
pub fn from_toml(text: &str) -> Result<Value, String> {
    let table: toml::Table = text.parse().map_err(|err: toml::de::Error| {
        let message = err.message().trim().to_owned();
        format!("toml: {message}")
    })?;
    Ok(table_value(&table))
}

fn table_value(table: &toml::Table) -> Value {
    Value::from(
        table
            .iter()
            .map(|(k, v)| (k.clone(), toml_value(v)))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn toml_value(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Float(x) => Value::Float(*x),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::from(go_time_text(d)),
        toml::Value::Array(items) => Value::from(items.iter().map(toml_value).collect::<Vec<_>>()),
        toml::Value::Table(table) => table_value(table),
    }
}

/// A TOML date-time as Go's `time.RFC3339Nano` prints the `time.Time` BurntSushi makes of it:
/// local dates at midnight, local times on 0000-01-01, local values at offset zero (`Z`).
fn go_time_text(d: &toml::value::Datetime) -> String {
    let (year, month, day) = d
        .date
        .map_or((0, 1, 1), |date| (date.year, date.month, date.day));
    let (hour, minute, second, nanos) = d.time.map_or((0, 0, 0, 0), |time| {
        (
            time.hour,
            time.minute,
            time.second.unwrap_or(0),
            time.nanosecond.unwrap_or(0),
        )
    });
    let fraction = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_owned()
    };
    let zone = match d.offset {
        Some(toml::value::Offset::Custom { minutes }) if minutes != 0 => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let minutes = minutes.unsigned_abs();
            format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
        }
        _ => "Z".to_owned(),
    };
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}")
}
