//! Conversion of spanned YAML into the values Rego evaluates.

use std::collections::HashSet;
use std::sync::Arc;

use regorus::Value as RegoValue;
use regorus::value::Object;

use crate::yaml::{Node, Value};

/// The keys of the objects converted by one worker, each distinct key made once: the objects
/// of a run share a few hundred keys (`metadata`, `name`, `containers`, ...), which would
/// otherwise be allocated again for every object and kept with its value for the whole run.
#[derive(Default)]
pub(crate) struct Keys(HashSet<Arc<str>, foldhash::fast::RandomState>);

impl Keys {
    fn key(&mut self, key: &str) -> RegoValue {
        if let Some(known) = self.0.get(key) {
            return RegoValue::String(Arc::clone(known));
        }
        let made: Arc<str> = Arc::from(key);
        self.0.insert(Arc::clone(&made));
        RegoValue::String(made)
    }
}

/// The JSON value of a node, as regorus holds it. Non-finite floats become `null`, as JSON
/// has no place for them.
pub(crate) fn to_rego(node: &Node, keys: &mut Keys) -> RegoValue {
    match &node.value {
        Value::Null => RegoValue::Null,
        Value::Bool(b) => RegoValue::Bool(*b),
        Value::Int(i) => RegoValue::from(*i),
        Value::Float(f) if f.is_finite() => RegoValue::from(*f),
        Value::Float(_) => RegoValue::Null,
        Value::Str(s) => RegoValue::from(&**s),
        Value::Seq(items) => RegoValue::from(
            items
                .iter()
                .map(|item| to_rego(item, keys))
                .collect::<Vec<_>>(),
        ),
        Value::Map(entries) => RegoValue::from(Object::from_entries(
            entries
                .iter()
                .map(|entry| (keys.key(&entry.key), to_rego(&entry.value, keys)))
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
    fn objects_converted_with_one_key_table_share_their_keys_and_values_are_unchanged() {
        use std::sync::Arc;

        use super::{Keys, to_rego};

        let text = "kind: Pod\nmetadata: {name: a, labels: {app: a}}\n---\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c, image: nginx}]}\n";
        let parsed = crate::yaml::parse(text);
        let roots: Vec<_> = parsed
            .documents
            .iter()
            .filter_map(|document| document.root.as_ref())
            .collect();
        assert_eq!(roots.len(), 2);
        let mut keys = Keys::default();
        let values: Vec<RegoValue> = roots.iter().map(|root| to_rego(root, &mut keys)).collect();
        let expected = [
            r#"{"kind": "Pod", "metadata": {"name": "a", "labels": {"app": "a"}}}"#,
            r#"{"kind": "Pod", "metadata": {"name": "b"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}"#,
        ];
        for (value, json) in values.iter().zip(expected) {
            assert_eq!(value, &RegoValue::from_json_str(json).unwrap());
        }
        // The same key of both objects is one allocation.
        let key_of = |value: &RegoValue, wanted: &str| -> Arc<str> {
            let RegoValue::Object(object) = value else {
                panic!("not an object: {value}");
            };
            object
                .iter()
                .find_map(|(key, _)| match key {
                    RegoValue::String(key) if &**key == wanted => Some(Arc::clone(key)),
                    _ => None,
                })
                .unwrap()
        };
        for wanted in ["kind", "metadata"] {
            assert!(Arc::ptr_eq(
                &key_of(&values[0], wanted),
                &key_of(&values[1], wanted)
            ));
        }
    }

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
