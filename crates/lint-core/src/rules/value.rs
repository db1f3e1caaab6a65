//! Conversion of spanned YAML into the values Rego evaluates.

use std::collections::BTreeMap;

use regorus::Value as RegoValue;

use crate::yaml::{Node, Value};

/// The JSON value of a node, as regorus holds it. Non-finite floats become `null`, as JSON
/// has no place for them.
pub(crate) fn to_rego(node: &Node) -> RegoValue {
    match &node.value {
        Value::Null => RegoValue::Null,
        Value::Bool(b) => RegoValue::Bool(*b),
        Value::Int(i) => RegoValue::from(*i),
        Value::Float(f) if f.is_finite() => RegoValue::from(*f),
        Value::Float(_) => RegoValue::Null,
        Value::Str(s) => RegoValue::from(&**s),
        Value::Seq(items) => RegoValue::from(items.iter().map(to_rego).collect::<Vec<_>>()),
        Value::Map(entries) => RegoValue::from(
            entries
                .iter()
                .map(|entry| (RegoValue::from(&*entry.key), to_rego(&entry.value)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// A JSON value (parameters) as regorus holds it.
pub(crate) fn json_to_rego(value: &serde_json::Value) -> RegoValue {
    RegoValue::from(value.clone())
}
