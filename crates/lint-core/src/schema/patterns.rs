//! `pattern` as Kubernetes checks it. The API server matches CRD patterns with Go's `regexp`
//! (RE2 syntax: `(?i)` flags, `\p{Lu}` classes, no look-around), unanchored; JSON Schema's
//! dialect is ECMA 262, which refuses some of that, and the meta-schema check would then
//! refuse the whole CRD. The `regex` crate follows RE2's syntax and semantics, so schemas
//! written for Kubernetes carry their patterns under [`GO_PATTERN`], checked with it.

use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError};
use serde_json::{Map, Value};

/// The keyword a Kubernetes schema's `pattern` is moved to.
pub(super) const GO_PATTERN: &str = "x-kubeward-go-pattern";

struct GoPattern {
    regex: regex::Regex,
}

impl<'i> Keyword<'i> for GoPattern {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            return Ok(());
        }
        Err(ValidationError::custom(format!(
            "{instance} does not match {:?}",
            self.regex.as_str()
        )))
    }

    /// Only strings are constrained, as with `pattern`.
    fn is_valid(&self, instance: &'i Value) -> bool {
        instance
            .as_str()
            .is_none_or(|text| self.regex.is_match(text))
    }
}

/// Compiles the keyword's pattern; one Go refuses is a schema error, as the API server
/// refuses such a CRD.
pub(super) fn go_pattern<'a>(
    _schema: &'a Map<String, Value>,
    value: &'a Value,
    _location: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    let source = value
        .as_str()
        .ok_or_else(|| ValidationError::custom("`pattern` must be a string"))?;
    let regex = regex::Regex::new(source).map_err(|err| {
        ValidationError::custom(format!(
            "`pattern` {source:?} is not a Go regular expression: {err}"
        ))
    })?;
    Ok(Box::new(GoPattern { regex }))
}
