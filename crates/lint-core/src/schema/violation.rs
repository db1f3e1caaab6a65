//! Schema errors turned into violations: a path into the object, which node to point at, and
//! what is wrong, in Kubernetes' terms.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;

use crate::yaml::PathSegment;

/// What is wrong at a path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ViolationKind {
    /// A field the schema does not declare; the path ends with its key.
    UnknownField,
    /// A value of the wrong type.
    WrongType {
        /// What the schema allows (`string`, `integer or string`, ...).
        expected: String,
    },
    /// A required field is absent; the path is the object that lacks it.
    Missing {
        /// The field.
        field: String,
    },
    /// A value outside the allowed set.
    NotInEnum {
        /// The allowed values, as JSON.
        allowed: Vec<String>,
    },
    /// A string not in the required format.
    Format {
        /// The format's name.
        format: String,
    },
    /// Anything else, with the validator's message.
    Other(String),
}

/// One violation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Violation {
    /// Path of the node at fault.
    pub(crate) path: Vec<PathSegment>,
    /// What is wrong.
    pub(crate) kind: ViolationKind,
}

/// Adds the violations a validation error stands for.
pub(super) fn translate(error: &jsonschema::ValidationError<'_>, out: &mut Vec<Violation>) {
    let path: Vec<PathSegment> = error
        .instance_path()
        .iter()
        .map(|segment| match segment {
            LocationSegment::Property(key) => PathSegment::Key(key.into_owned()),
            LocationSegment::Index(i) => PathSegment::Index(i),
        })
        .collect();
    let kind = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            for key in unexpected {
                let mut at = path.clone();
                at.push(PathSegment::Key(key.clone()));
                out.push(Violation {
                    path: at,
                    kind: ViolationKind::UnknownField,
                });
            }
            return;
        }
        ValidationErrorKind::Type { kind } => {
            // Null items of a list decode to their zero value, as null fields do.
            if error.instance().is_null() {
                return;
            }
            let expected: Vec<&str> = match kind {
                TypeKind::Single(single) => vec![single.as_str()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect(),
            };
            ViolationKind::WrongType {
                expected: type_names(&expected),
            }
        }
        ValidationErrorKind::Required { property } => ViolationKind::Missing {
            field: property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned),
        },
        ValidationErrorKind::Enum { options } => ViolationKind::NotInEnum {
            allowed: options
                .as_array()
                .map(|values| values.iter().map(ToString::to_string).collect())
                .unwrap_or_default(),
        },
        ValidationErrorKind::Constant { expected_value } => ViolationKind::NotInEnum {
            allowed: vec![expected_value.to_string()],
        },
        ValidationErrorKind::Format { format } => ViolationKind::Format {
            format: format.clone(),
        },
        _ => ViolationKind::Other(error.to_string()),
    };
    out.push(Violation { path, kind });
}

/// JSON Schema type names as a YAML author reads them.
fn type_names(types: &[&str]) -> String {
    let mut names: Vec<&str> = types
        .iter()
        .filter(|t| **t != "null")
        .map(|t| match *t {
            "object" => "a mapping",
            "array" => "a list",
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "a boolean",
            other => other,
        })
        .collect();
    // `number` includes integers; say it once.
    if names.contains(&"a number") {
        names.retain(|n| *n != "an integer");
    }
    names.join(" or ")
}

/// A value's type, in the same words.
pub(crate) fn type_of(value: &crate::yaml::Value) -> &'static str {
    use crate::yaml::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}
