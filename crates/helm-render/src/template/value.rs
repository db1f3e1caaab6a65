//! Go's values as templates see them: `interface{}` holding nil, bool, int64, float64,
//! string, `[]interface{}`, `map[string]interface{}` (shared and mutable, as Sprig's `set`
//! and `merge` require), bytes, and Helm's structs with fields and methods.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// A map shared by reference, like Go's `map[string]interface{}`.
pub type Map = Rc<RefCell<BTreeMap<String, Value>>>;

/// A template value.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's nil `interface{}` (what a missing map key yields, under Helm's `missingkey=zero`).
    Nil,
    /// No value at all (Go's invalid `reflect.Value`): a nil result once a pipeline stage
    /// ends. Prints as `<no value>`; its fields are missing too, without error.
    #[default]
    Missing,
    /// `bool`.
    Bool(bool),
    /// A Go integer (`int` for template literals and `len`; Sprig's int64 results too).
    Int(i64),
    /// `float64` (every number of a YAML or JSON document).
    Float(f64),
    /// `string`.
    String(Rc<str>),
    /// `[]interface{}` (and the `[]string` of Sprig functions).
    List(Rc<Vec<Value>>),
    /// `map[string]interface{}`.
    Map(Map),
    /// `[]byte`.
    Bytes(Rc<[u8]>),
    /// A Helm object (`.Chart`, `.Capabilities`, `.Files`...): fields and methods.
    Object(Rc<dyn Object>),
}

/// A Go struct or named type with fields and methods, as Helm passes to templates.
pub trait Object {
    /// The Go type name, for error messages and `typeOf` (e.g. `*chart.Metadata`).
    fn type_name(&self) -> &str;
    /// A field, or `None` if the type has no such field.
    fn field(&self, name: &str) -> Option<Value>;
    /// Calls a method, or `None` if the type has no such method.
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>>;
    /// `%v` formatting.
    fn format(&self) -> String;
    /// Whether it is a nil pointer (prints as `<nil>`, is false).
    fn is_nil(&self) -> bool {
        false
    }
    /// The plain value a named slice or map type stands for (Helm's `VersionSet` is a
    /// `[]string`, `.Files` a `map[string][]byte`): what `range`, `len` and `index` see.
    fn underlying(&self) -> Option<Value> {
        None
    }
    /// `encoding/json`'s view of the object.
    fn to_json(&self) -> Result<serde_json::Value, String> {
        match self.underlying() {
            Some(value) => value.to_json(),
            None => Ok(serde_json::Value::String(self.format())),
        }
    }
    /// The object itself, for functions whose parameter is this Go type (Sprig's `date`
    /// takes a `time.Time`).
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("Nil"),
            Value::Missing => f.write_str("Missing"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Float(x) => write!(f, "Float({x})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::List(items) => f.debug_list().entries(items.iter()).finish(),
            Value::Map(map) => f.debug_map().entries(map.borrow().iter()).finish(),
            Value::Bytes(bytes) => write!(f, "Bytes({bytes:?})"),
            Value::Object(object) => write!(f, "Object({})", object.type_name()),
        }
    }
}

impl PartialEq for Value {
    /// Deep equality of Go values, as `reflect.DeepEqual` sees them.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Nil | Value::Missing, Value::Nil | Value::Missing) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => Rc::ptr_eq(a, b) || *a.borrow() == *b.borrow(),
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::List(Rc::new(items))
    }
}

impl From<BTreeMap<String, Value>> for Value {
    fn from(map: BTreeMap<String, Value>) -> Self {
        Value::Map(Rc::new(RefCell::new(map)))
    }
}

impl Value {
    /// A new empty map.
    pub fn new_map() -> Value {
        Value::Map(Rc::new(RefCell::new(BTreeMap::new())))
    }

    /// Go's truth: false, 0, nil, and empty strings, lists and maps are false.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Nil | Value::Missing => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(x) => *x != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::List(items) => !items.is_empty(),
            Value::Map(map) => !map.borrow().is_empty(),
            Value::Bytes(bytes) => !bytes.is_empty(),
            Value::Object(object) => {
                !object.is_nil() && object.underlying().is_none_or(|u| u.is_true())
            }
        }
    }

    /// The Go kind name, as `kindOf` reports it.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Nil | Value::Missing => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) | Value::Bytes(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(_) => "ptr",
        }
    }

    /// The Go type name, as `typeOf` and error messages report it.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil | Value::Missing => "<nil>".to_owned(),
            Value::Bool(_) => "bool".to_owned(),
            Value::Int(_) => "int".to_owned(),
            Value::Float(_) => "float64".to_owned(),
            Value::String(_) => "string".to_owned(),
            Value::List(_) => "[]interface {}".to_owned(),
            Value::Map(_) => "map[string]interface {}".to_owned(),
            Value::Bytes(_) => "[]uint8".to_owned(),
            Value::Object(object) => object.type_name().to_owned(),
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A deep copy: maps are copied, not shared (Sprig's `deepCopy`).
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::List(items) => {
                Value::from(items.iter().map(Value::deep_copy).collect::<Vec<_>>())
            }
            Value::Map(map) => Value::from(
                map.borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.deep_copy()))
                    .collect::<BTreeMap<_, _>>(),
            ),
            other => other.clone(),
        }
    }

    /// A value from JSON, with numbers as float64 (as Go's `encoding/json` decodes them into
    /// `interface{}`).
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::from(s.as_str()),
            serde_json::Value::Array(items) => {
                Value::from(items.iter().map(Value::from_json).collect::<Vec<_>>())
            }
            serde_json::Value::Object(map) => Value::from(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect::<BTreeMap<_, _>>(),
            ),
        }
    }

    /// The value as JSON (Go's `json.Marshal` view: maps sorted, bytes as base64).
    pub fn to_json(&self) -> Result<serde_json::Value, String> {
        Ok(match self {
            Value::Nil | Value::Missing => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            // Go's encoder writes integral floats without a fraction.
            Value::Float(x) if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 => {
                serde_json::Value::from(*x as i64)
            }
            Value::Float(x) => serde_json::Number::from_f64(*x)
                .map(serde_json::Value::Number)
                .ok_or_else(|| {
                    format!(
                        "json: unsupported value: {}",
                        super::format::format_float(*x)
                    )
                })?,
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::List(items) => serde_json::Value::Array(
                items.iter().map(Value::to_json).collect::<Result<_, _>>()?,
            ),
            Value::Map(map) => serde_json::Value::Object(
                map.borrow()
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), v.to_json()?)))
                    .collect::<Result<_, String>>()?,
            ),
            Value::Bytes(bytes) => serde_json::Value::String(base64_encode(bytes)),
            Value::Object(object) => object.to_json()?,
        })
    }
}

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    data_encoding::BASE64.encode(bytes)
}
