//! The serialization functions Helm gives templates (`toYaml`, `fromYaml`, `toJson`,
//! `fromJson`, `toToml`, ... with Sprig's JSON variants), and what they share: the error
//! type and the work budget that keeps hostile values from costing unbounded time.
//!
//! Helm swallows most errors (`toYaml` gives `""`, `fromYaml` puts the message under an
//! `Error` key); the `must` variants and `toRawJson` fail the render instead.

use crate::funcs::args::{arg, arity, string};
use crate::funcs::json_decode::{Decoded, Target};
use crate::funcs::{json, json_decode, toml_codec, yaml};
use crate::template::value::Value;
use crate::template::{Exec, FuncError, Funcs};

/// Why a value could not be serialized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SerializeError {
    /// The error Go gives, worded as Go words it (`json: unsupported value: NaN`).
    Go(String),
    /// The work budget ran out (a value shared so often that its text would be huge).
    WorkLimit,
}

impl std::fmt::Display for SerializeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SerializeError::Go(message) => f.write_str(message),
            SerializeError::WorkLimit => f.write_str(WORK_LIMIT_MESSAGE),
        }
    }
}

impl std::error::Error for SerializeError {}

const WORK_LIMIT_MESSAGE: &str = "rendering exceeded its work limit (a runaway loop or recursion?)";

/// Units of work a serialization may still spend: one per value visited and one per 64
/// bytes of text written, so that output size is bounded by the budget.
#[derive(Debug, Clone)]
pub struct Work {
    left: u64,
    unpaid_bytes: u64,
}

impl Work {
    /// A budget of `units`.
    pub fn new(units: u64) -> Self {
        Work {
            left: units,
            unpaid_bytes: 0,
        }
    }

    /// The units not spent yet.
    pub fn left(&self) -> u64 {
        self.left
    }

    /// Spends `units`, or fails when there are not that many left.
    pub fn spend(&mut self, units: u64) -> Result<(), SerializeError> {
        match self.left.checked_sub(units) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => {
                self.left = 0;
                Err(SerializeError::WorkLimit)
            }
        }
    }

    /// Pays for `bytes` of output.
    pub fn spend_bytes(&mut self, bytes: usize) -> Result<(), SerializeError> {
        self.unpaid_bytes = self.unpaid_bytes.saturating_add(bytes as u64);
        let units = self.unpaid_bytes / 64;
        self.unpaid_bytes %= 64;
        self.spend(units)
    }
}

impl Default for Work {
    /// Enough for any real chart: 100 million units.
    fn default() -> Self {
        Work::new(100_000_000)
    }
}

/// Runs an encoder on the render's own budget, so serializing counts as rendering work.
fn with_budget<T>(
    exec: &mut Exec<'_>,
    encode: impl FnOnce(&mut Work) -> Result<T, SerializeError>,
) -> Result<Result<T, String>, FuncError> {
    let mut work = Work::new(exec.budget.get());
    let result = encode(&mut work);
    exec.budget.set(work.left());
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(SerializeError::WorkLimit) => Err(FuncError::Message(WORK_LIMIT_MESSAGE.to_owned())),
        Err(SerializeError::Go(message)) => Ok(Err(message)),
    }
}

/// An encoding function: `swallow` gives `""` on error (Helm's `toYaml`), otherwise the error
/// fails the render (`mustToYaml`).
fn encoder(
    funcs: &mut Funcs,
    name: &'static str,
    swallow: bool,
    encode: fn(&Value, &mut Work) -> Result<String, SerializeError>,
) {
    funcs.insert(name, move |exec, args| {
        arity(name, args, 1)?;
        match with_budget(exec, |work| encode(arg(args, 0), work))? {
            Ok(text) => Ok(Value::from(text)),
            Err(_) if swallow => Ok(Value::from("")),
            Err(message) => Err(FuncError::Message(message)),
        }
    });
}

/// Adds the JSON functions Helm keeps from Sprig: `toPrettyJson`, `toRawJson`, their `must`
/// variants and `mustFromJson` (Helm replaces `toJson`, `mustToJson` and `fromJson`).
pub(crate) fn register_sprig(funcs: &mut Funcs) {
    encoder(funcs, "toPrettyJson", true, |v, w| {
        json::to_json(v, json::Style::INDENTED, w)
    });
    encoder(funcs, "mustToPrettyJson", false, |v, w| {
        json::to_json(v, json::Style::INDENTED, w)
    });
    // Sprig's toRawJson panics on error, unlike the other non-must functions.
    encoder(funcs, "toRawJson", false, |v, w| {
        json::to_json(v, json::Style::RAW, w)
    });
    encoder(funcs, "mustToRawJson", false, |v, w| {
        json::to_json(v, json::Style::RAW, w)
    });
    funcs.insert("mustFromJson", |_, args| {
        arity("mustFromJson", args, 1)?;
        json::from_json(&string("mustFromJson", args, 0)?).map_err(FuncError::Message)
    });
}

/// Adds Helm's serialization functions.
pub(crate) fn register(funcs: &mut Funcs) {
    encoder(funcs, "toYaml", true, |v, w| {
        Ok(trim_newline(yaml::to_yaml(v, w)?))
    });
    encoder(funcs, "mustToYaml", false, |v, w| {
        Ok(trim_newline(yaml::to_yaml(v, w)?))
    });
    encoder(funcs, "toYamlPretty", true, |v, w| {
        Ok(trim_newline(yaml::to_yaml_pretty(v, w)?))
    });
    encoder(funcs, "toJson", true, |v, w| {
        json::to_json(v, json::Style::GO, w)
    });
    encoder(funcs, "mustToJson", false, |v, w| {
        json::to_json(v, json::Style::GO, w)
    });
    // BurntSushi/toml's errors are returned as the text.
    funcs.insert("toToml", |exec, args| {
        arity("toToml", args, 1)?;
        if matches!(arg(args, 0), Value::Nil | Value::Missing) {
            // BurntSushi asks nil for its type, and Go's reflect panics.
            return Err(FuncError::Message(
                "reflect: call of reflect.Value.Type on zero Value".to_owned(),
            ));
        }
        let text = with_budget(exec, |work| toml_codec::to_toml(arg(args, 0), work))?;
        Ok(Value::from(text.unwrap_or_else(|message| message)))
    });

    decoder(
        funcs,
        ["fromYaml", "fromYamlArray"],
        |text, target| match yaml::from_yaml(text) {
            Ok(value) => {
                let fitted = Decoded { value, error: None }.fit(target);
                let error = fitted
                    .error
                    .map(|e| format!("error unmarshaling JSON: while decoding JSON: {e}"));
                (fitted.value, error)
            }
            Err(message) => (Value::Nil, Some(message)),
        },
    );
    decoder(
        funcs,
        ["fromJson", "fromJsonArray"],
        |text, target| match json_decode::from_json(text) {
            Ok(decoded) => {
                let fitted = decoded.fit(target);
                (fitted.value, fitted.error)
            }
            Err(message) => (Value::Nil, Some(message)),
        },
    );
    funcs.insert("fromToml", |_, args| {
        arity("fromToml", args, 1)?;
        let text = string("fromToml", args, 0)?;
        Ok(match toml_codec::from_toml(&text) {
            Ok(map) => map,
            Err(message) => with_error(Value::new_map(), message),
        })
    });
}

/// A pair of decoding functions: one into a map (the error under `Error`) and one into a
/// list (the error as its only item).
fn decoder(
    funcs: &mut Funcs,
    [map_name, list_name]: [&'static str; 2],
    decode: fn(&str, Target) -> (Value, Option<String>),
) {
    funcs.insert(map_name, move |_, args| {
        arity(map_name, args, 1)?;
        let (value, error) = decode(&string(map_name, args, 0)?, Target::Map);
        Ok(match error {
            Some(message) => with_error(value, message),
            None => value,
        })
    });
    funcs.insert(list_name, move |_, args| {
        arity(list_name, args, 1)?;
        let (value, error) = decode(&string(list_name, args, 0)?, Target::List);
        Ok(match error {
            Some(message) => Value::from(vec![Value::from(message)]),
            None => value,
        })
    });
}

/// `toYaml` outside a template, for Helm's `Files.AsConfig` and `AsSecrets`: the text without
/// its final newline, or "" when the value cannot be written. Their input is a flat map of the
/// chart's own files, so the work is bounded by the chart's size, which its reader limits.
pub fn to_yaml_text(value: &Value) -> String {
    let mut work = Work::new(u64::MAX);
    yaml::to_yaml(value, &mut work)
        .map(trim_newline)
        .unwrap_or_default()
}

fn trim_newline(text: String) -> String {
    match text.strip_suffix('\n') {
        Some(trimmed) => trimmed.to_owned(),
        None => text,
    }
}

/// The map with Go's error under `Error` (a fresh map when decoding gave none).
fn with_error(value: Value, message: String) -> Value {
    let map = match value {
        Value::Map(_) => value,
        _ => Value::new_map(),
    };
    if let Value::Map(entries) = &map {
        entries
            .borrow_mut()
            .insert("Error".to_owned(), Value::from(message));
    }
    map
}
