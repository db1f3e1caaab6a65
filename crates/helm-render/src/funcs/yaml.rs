//! Template values as YAML, and YAML as template values, the way Helm does both.
//!
//! `toYaml` is sigs.k8s.io/yaml's `Marshal`: Go's JSON encoding of the value, read back by
//! go-yaml v2 (so integral floats become integers, every key a string) and written by its
//! encoder. `toYamlPretty` hands the value straight to go-yaml v3's encoder with a 2-space
//! indent. `fromYaml` reads YAML as sigs.k8s.io/yaml does: through JSON, so every number is a
//! float64.
//!
//! ```
//! use helm_render::funcs::yaml::to_yaml;
//! use helm_render::funcs::serialize::Work;
//! use helm_render::template::value::Value;
//!
//! let mut map = std::collections::BTreeMap::new();
//! map.insert("ports".to_owned(), Value::from(vec![Value::Float(80.0)]));
//! map.insert("enabled".to_owned(), Value::from("yes"));
//! let text = to_yaml(&Value::from(map), &mut Work::default()).unwrap();
//! assert_eq!(text, "enabled: \"yes\"\nports:\n- 80\n");
//! ```

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use crate::funcs::json::{self, format_json_float};
use crate::funcs::serialize::{SerializeError, Work};
use crate::funcs::yaml_emit::{self, Dialect, Event, ScalarStyle};
use crate::funcs::yaml_json;
use crate::funcs::yaml_resolve::{key_less, sort_by_less, string_style};
use crate::template::format::format_float;
use crate::template::value::{Value, base64_encode};

/// sigs.k8s.io/yaml's `Marshal`: the YAML text `toYaml` prints (before Helm trims its final
/// line break).
pub fn to_yaml(value: &Value, work: &mut Work) -> Result<String, SerializeError> {
    // Go's JSON encoder runs first; its errors (NaN, cycles) are the ones reported, then
    // those of go-yaml reading its text.
    let json = json::to_json(value, json::Style::GO, work)
        .map_err(|err| SerializeError::Go(format!("error marshaling into JSON: {err}")))?;
    yaml_json::check(&json)?;
    let events = events(value, Dialect::V2, work)?;
    yaml_emit::emit(&events, Dialect::V2, work)
}

/// go-yaml v3's encoder with `SetIndent(2)`: the text of `toYamlPretty`.
pub fn to_yaml_pretty(value: &Value, work: &mut Work) -> Result<String, SerializeError> {
    let events = events(value, Dialect::V3, work)?;
    yaml_emit::emit(&events, Dialect::V3, work)
}

/// An open collection during the walk and the position reached in it.
enum Frame {
    List {
        items: Rc<Vec<Value>>,
        next: usize,
    },
    Map {
        entries: Vec<(String, Value)>,
        next: usize,
        /// The map's address, for finding maps that contain themselves.
        identity: usize,
    },
}

/// The events of a value: through JSON for v2 (`toYaml`), as Go values for v3.
fn events(value: &Value, dialect: Dialect, work: &mut Work) -> Result<Vec<Event>, SerializeError> {
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut path: HashSet<usize> = HashSet::new();
    let mut pending = Some(value.clone());
    loop {
        if let Some(value) = pending.take() {
            work.spend(1)?;
            if let Some(frame) = open(&mut out, &value, dialect, &mut path)? {
                stack.push(frame);
            }
            continue;
        }
        let Some(frame) = stack.last_mut() else {
            break;
        };
        match frame {
            Frame::List { items, next } => match items.get(*next) {
                Some(item) => {
                    *next += 1;
                    pending = Some(item.clone());
                }
                None => {
                    out.push(Event::SequenceEnd);
                    stack.pop();
                }
            },
            Frame::Map {
                entries,
                next,
                identity,
            } => match entries.get(*next) {
                Some((key, item)) => {
                    *next += 1;
                    out.push(string_event(key, dialect));
                    pending = Some(item.clone());
                }
                None => {
                    out.push(Event::MappingEnd);
                    path.remove(identity);
                    stack.pop();
                }
            },
        }
    }
    Ok(out)
}

fn open(
    out: &mut Vec<Event>,
    value: &Value,
    dialect: Dialect,
    path: &mut HashSet<usize>,
) -> Result<Option<Frame>, SerializeError> {
    let plain = |text: String| Event::Scalar(Rc::from(text), ScalarStyle::Plain);
    match value {
        Value::Nil | Value::Missing => out.push(plain("null".to_owned())),
        Value::Bool(b) => out.push(plain(b.to_string())),
        Value::Int(i) => out.push(plain(i.to_string())),
        Value::Float(x) => out.push(plain(match dialect {
            Dialect::V2 => json_number_as_yaml(*x)?,
            Dialect::V3 => yaml_float(*x),
        })),
        Value::String(s) => out.push(string_event(s, dialect)),
        Value::Object(object) => out.push(string_event(&object.format(), dialect)),
        // JSON writes bytes as base64; go-yaml v3 as a sequence of numbers.
        Value::Bytes(bytes) if dialect == Dialect::V2 => {
            out.push(string_event(&base64_encode(bytes), dialect));
        }
        Value::Bytes(bytes) => {
            let items = bytes.iter().map(|b| Value::Int(i64::from(*b))).collect();
            out.push(Event::SequenceStart);
            return Ok(Some(Frame::List {
                items: Rc::new(items),
                next: 0,
            }));
        }
        Value::List(items) => {
            out.push(Event::SequenceStart);
            return Ok(Some(Frame::List {
                items: Rc::clone(items),
                next: 0,
            }));
        }
        Value::Map(map) => {
            // Go's JSON encoder rejects cycles before this runs; v3 would recurse forever.
            let identity = Rc::as_ptr(map) as usize;
            if !path.insert(identity) {
                return Err(SerializeError::Go(
                    "yaml: a map contains itself; it has no YAML form".to_owned(),
                ));
            }
            let entries: Vec<(String, Value)> = map
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let entries = sort_by_less(entries, &|a: &(String, Value), b: &(String, Value)| {
                key_less(&a.0, &b.0, dialect)
            });
            out.push(Event::MappingStart);
            return Ok(Some(Frame::Map {
                entries,
                next: 0,
                identity,
            }));
        }
    }
    Ok(None)
}

/// A string as go-yaml's encoder writes it; for v2, as read back from JSON.
fn string_event(s: &str, dialect: Dialect) -> Event {
    let s = match dialect {
        Dialect::V2 => yaml_json::fold_line_breaks(s),
        Dialect::V3 => s.into(),
    };
    Event::Scalar(Rc::from(&*s), string_style(&s, dialect))
}

/// A float64 as go-yaml v2 reads back its JSON text: integral text is an integer (int64 or
/// uint64), anything else a float printed with the shortest `%g` digits.
fn json_number_as_yaml(x: f64) -> Result<String, SerializeError> {
    let text = format_json_float(x)?;
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(int) = text.parse::<i64>() {
            return Ok(int.to_string());
        }
        if let Ok(uint) = text.parse::<u64>() {
            return Ok(uint.to_string());
        }
    }
    Ok(yaml_float(x))
}

/// go-yaml's float: `%g` with the shortest digits, `.inf`, `-.inf`, `.nan`.
fn yaml_float(x: f64) -> String {
    match format_float(x).as_str() {
        "+Inf" => ".inf".to_owned(),
        "-Inf" => "-.inf".to_owned(),
        "NaN" => ".nan".to_owned(),
        other => other.to_owned(),
    }
}

/// sigs.k8s.io/yaml's `Unmarshal` into `interface{}`: the first document, as the JSON value
/// it converts to (numbers float64). Errors are worded as Helm shows them under `Error`.
pub fn from_yaml(text: &str) -> Result<Value, String> {
    let parsed = kube_yaml::parse(text);
    if let Some(error) = parsed
        .errors
        .iter()
        .find(|e| e.document == 0 && e.kind.is_fatal())
    {
        return Err(format!(
            "error converting YAML to JSON: yaml: {}",
            error.message
        ));
    }
    match parsed.documents.first().and_then(|d| d.root.as_ref()) {
        Some(root) => {
            json_value(root).map_err(|message| format!("error converting YAML to JSON: {message}"))
        }
        None => Ok(Value::Nil),
    }
}

/// A YAML node as the JSON value sigs.k8s.io/yaml makes of it.
fn json_value(node: &kube_yaml::Node) -> Result<Value, String> {
    Ok(match &node.value {
        kube_yaml::Value::Null => Value::Nil,
        kube_yaml::Value::Bool(b) => Value::Bool(*b),
        kube_yaml::Value::Int(i) => Value::Float(*i as f64),
        kube_yaml::Value::Float(x) if x.is_finite() => Value::Float(*x),
        kube_yaml::Value::Float(x) => {
            return Err(format!("json: unsupported value: {}", format_float(*x)));
        }
        kube_yaml::Value::Str(s) => Value::from(&**s),
        kube_yaml::Value::Seq(items) => Value::from(
            items
                .iter()
                .map(json_value)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        kube_yaml::Value::Map(entries) => Value::from(
            entries
                .iter()
                .map(|entry| Ok((entry.key.to_string(), json_value(&entry.value)?)))
                .collect::<Result<BTreeMap<_, _>, String>>()?,
        ),
    })
}
