//! Conversion of spanned YAML into the values Rego evaluates.

use regorus::Value as RegoValue;
use regorus::value::Object;

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
        Value::Map(entries) => RegoValue::from(Object::from_entries(
            entries
                .iter()
                .map(|entry| (RegoValue::from(&*entry.key), to_rego(&entry.value)))
                .collect(),
        )),
    }
}

/// A JSON value (parameters) as regorus holds it.
pub(crate) fn json_to_rego(value: &serde_json::Value) -> RegoValue {
    RegoValue::from(value.clone())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use regorus::Value as RegoValue;
    use regorus::value::Object;

    #[test]
    fn an_object_from_entries_is_the_one_a_btreemap_makes() {
        let entry = |key: &str, value: i64| (RegoValue::from(key), RegoValue::from(value));
        let cases = [
            vec![],
            vec![entry("a", 1), entry("b", 2)],
            vec![
                entry("kind", 1),
                entry("apiVersion", 2),
                entry("metadata", 3),
            ],
            // Of equal keys the last is kept, sorted or not.
            vec![
                entry("b", 1),
                entry("a", 2),
                entry("b", 3),
                entry("b", 4),
                entry("c", 5),
            ],
            vec![entry("a", 1), entry("a", 2)],
        ];
        for entries in cases {
            let expected = RegoValue::from(entries.iter().cloned().collect::<BTreeMap<_, _>>());
            let made = RegoValue::from(Object::from_entries(entries));
            assert_eq!(made, expected);
            let pairs = |value: &RegoValue| -> Vec<(RegoValue, RegoValue)> {
                value
                    .as_object()
                    .unwrap()
                    .iter_sorted()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            assert_eq!(pairs(&made), pairs(&expected));
        }
    }
}
