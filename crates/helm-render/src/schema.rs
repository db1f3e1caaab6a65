//! `values.schema.json`: the coalesced values of each chart checked against its schema, and
//! subcharts' values against theirs, with errors listed as Helm lists them
//! (`- at '/path': message`). Offline: a remote `$ref` cannot be fetched and is an error.

use std::fmt::Write as _;

use jsonschema::error::{TypeKind, ValidationErrorKind};

use crate::chart::Chart;
use crate::template::value::Value;
use crate::values::Tree;

/// Validates `values` against the chart's schema and its subcharts' schemas.
pub fn validate(chart: &Chart, values: &Tree) -> Result<(), String> {
    let mut report = String::new();
    if let Some(schema) = &chart.schema {
        if let Err(message) = validate_one(values, &schema.data) {
            let _ = write!(report, "{}:\n{message}", chart.name());
        }
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Value::Nil) => {}
            Some(Value::Map(map)) => {
                let sub_values = map.borrow().clone();
                if let Err(message) = validate(sub, &sub_values) {
                    report.push_str(&message);
                }
            }
            Some(other) => {
                let _ = writeln!(
                    report,
                    "{}:\ninvalid type for values: expected object (map), got {}",
                    sub.name(),
                    other.type_name()
                );
            }
        }
    }
    if report.is_empty() {
        Ok(())
    } else {
        Err(report)
    }
}

fn validate_one(values: &Tree, schema: &[u8]) -> Result<(), String> {
    let schema: serde_json::Value =
        serde_json::from_slice(schema).map_err(|e| format!("invalid values.schema.json: {e}\n"))?;
    let validator = jsonschema::validator_for(&schema)
        .map_err(|e| format!("invalid values.schema.json: {e}\n"))?;
    let instance = Value::from(values.clone()).to_json()?;
    let mut errors: Vec<(String, String)> = validator
        .iter_errors(&instance)
        .map(|error| {
            (
                error.instance_path().to_string(),
                describe(error.kind(), error.instance()),
            )
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort();
    errors.dedup();
    let mut out = String::new();
    for (path, message) in errors {
        let _ = writeln!(out, "- at '{path}': {message}");
    }
    Err(out)
}

fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// The message in the words of the validator Helm uses (santhosh-tekuri/jsonschema).
fn describe(kind: &ValidationErrorKind, instance: &serde_json::Value) -> String {
    let quote = |s: &str| format!("'{s}'");
    match kind {
        ValidationErrorKind::Required { property } => {
            format!(
                "missing property {}",
                quote(property.as_str().unwrap_or_default())
            )
        }
        ValidationErrorKind::Minimum { limit } => format!("minimum: got {instance}, want {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("maximum: got {instance}, want {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("exclusiveMinimum: got {instance}, want {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("exclusiveMaximum: got {instance}, want {limit}")
        }
        ValidationErrorKind::MinLength { limit } => {
            format!(
                "minLength: got {}, want {limit}",
                instance.as_str().map_or(0, |s| s.chars().count())
            )
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!(
                "maxLength: got {}, want {limit}",
                instance.as_str().map_or(0, |s| s.chars().count())
            )
        }
        ValidationErrorKind::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            format!("got {}, want {want}", json_type(instance))
        }
        ValidationErrorKind::Enum { options } => {
            format!("value must be one of {}", enum_list(options))
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("value must be {expected_value}")
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let names: Vec<String> = unexpected.iter().map(|u| quote(u)).collect();
            format!("additional properties {} not allowed", names.join(", "))
        }
        ValidationErrorKind::Pattern { pattern } => {
            format!("{} does not match pattern {}", instance, quote(pattern))
        }
        ValidationErrorKind::MinItems { limit } => {
            format!(
                "minItems: got {}, want {limit}",
                instance.as_array().map_or(0, Vec::len)
            )
        }
        ValidationErrorKind::MaxItems { limit } => {
            format!(
                "maxItems: got {}, want {limit}",
                instance.as_array().map_or(0, Vec::len)
            )
        }
        ValidationErrorKind::FalseSchema => "false schema".to_owned(),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn enum_list(options: &serde_json::Value) -> String {
    match options {
        serde_json::Value::Array(items) => items
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
