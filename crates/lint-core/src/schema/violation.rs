//! Schema errors turned into violations: a path into the object, which node to point at, and
//! what is wrong, in Kubernetes' terms.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;

use crate::yaml::PathSegment;

/// What is wrong at a path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ViolationKind {
    /// A field the schema does not declare; the path ends with its key.
    UnknownField {
        /// A declared field of a similar name.
        similar: Option<String>,
    },
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
pub(super) fn translate(
    error: &jsonschema::ValidationError<'_>,
    schema: &serde_json::Value,
    out: &mut Vec<Violation>,
) {
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
            // The keyword's location (`/$defs/<name>/additionalProperties`) names the object
            // schema whose `properties` are the declared fields.
            let location = error.schema_path().as_str();
            let declared = location
                .rsplit_once('/')
                .and_then(|(parent, _)| schema.pointer(parent))
                .and_then(|object| object.get("properties"))
                .and_then(serde_json::Value::as_object);
            for key in unexpected {
                let mut at = path.clone();
                at.push(PathSegment::Key(key.clone()));
                let similar = declared.and_then(|fields| similar(key, fields.keys()));
                out.push(Violation {
                    path: at,
                    kind: ViolationKind::UnknownField { similar },
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

/// The declared field closest to an unknown one: the same letters in another case, or at most
/// two edits away (one for short names).
fn similar<'a>(unknown: &str, declared: impl Iterator<Item = &'a String>) -> Option<String> {
    let limit = if unknown.chars().count() <= 4 { 1 } else { 2 };
    declared
        .map(|field| {
            let distance = if field.eq_ignore_ascii_case(unknown) {
                0
            } else {
                edit_distance(unknown, field)
            };
            (distance, field)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, field)| field.clone())
}

/// Levenshtein distance, counting an exchange of two neighbouring letters as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for (i, slot) in rows.iter_mut().step_by(width).enumerate() {
        *slot = i;
    }
    for (j, slot) in rows.iter_mut().take(width).enumerate() {
        *slot = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let same = a.get(i - 1) == b.get(j - 1);
            let get = |i, j| rows.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
            let mut best = (get(i - 1, j) + 1)
                .min(get(i, j - 1) + 1)
                .min(get(i - 1, j - 1) + usize::from(!same));
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                best = best.min(get(i - 2, j - 2) + 1);
            }
            if let Some(slot) = rows.get_mut(at(i, j)) {
                *slot = best;
            }
        }
    }
    rows.get(at(a.len(), b.len()))
        .copied()
        .unwrap_or(usize::MAX)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_fields_are_suggested() {
        let fields: Vec<String> = [
            "livenessProbe",
            "replicas",
            "protectionDomain",
            "name",
            "image",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let guess = |unknown: &str| similar(unknown, fields.iter());
        assert_eq!(guess("livenessprobe").as_deref(), Some("livenessProbe"));
        assert_eq!(guess("replica").as_deref(), Some("replicas"));
        assert_eq!(
            guess("protectionDoamin").as_deref(),
            Some("protectionDomain")
        );
        assert_eq!(guess("nmae").as_deref(), Some("name"));
        assert_eq!(guess("colour"), None);
        assert_eq!(guess("pool"), None);
    }
}
