//! Where a definition applies in an object: the workload kinds' schemas are compiled without
//! the pod spec, which is compiled once and checked apart at the fields that hold it.
//!
//! Every kind with a pod template reaches the whole pod spec (containers, volumes, probes:
//! some 40 KB of schema), and compiling it took 4–5 ms per kind; a run with Pods,
//! Deployments, StatefulSets, DaemonSets, Jobs and CronJobs compiled it six times.

use std::collections::HashSet;

use serde_json::{Map, Value};

/// The definition the workload kinds share.
pub(super) const POD_SPEC: &str = "io.k8s.api.core.v1.PodSpec";

/// How far a walk follows references into definitions along fields, and how many schemas it
/// looks at in all, before it gives up (the schema is then compiled whole).
const MAX_DEPTH: usize = 32;
const MAX_VISITS: usize = 100_000;

/// Where a schema applies a definition.
#[derive(Debug, PartialEq)]
pub(super) enum Reach {
    /// Nowhere.
    Nowhere,
    /// At these instance paths, each reached from the root through `properties` and `$ref`
    /// alone: the definition applies to the value at each path, whenever it is there.
    Fields(Vec<Vec<String>>),
    /// Somewhere else as well (under `items`, `additionalProperties`, a combinator...), or
    /// too deep to tell.
    Elsewhere,
}

/// Where `schema` (a `{"$ref", "$defs"}` closure) applies the definition `name`.
pub(super) fn reach(schema: &Value, name: &str) -> Reach {
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    // A closure has every definition it references: most kinds' have not this one, and are
    // not walked (a CustomResourceDefinition's recursive schema would be, to the limits).
    if !defs.contains_key(name) {
        return Reach::Nowhere;
    }
    let mut walk = Walk {
        defs,
        target: format!("#/$defs/{name}"),
        fields: Vec::new(),
        elsewhere: false,
        seen_elsewhere: HashSet::new(),
        visits: 0,
    };
    walk.visit(schema, Some(&mut Vec::new()), 0);
    if walk.elsewhere {
        Reach::Elsewhere
    } else if walk.fields.is_empty() {
        Reach::Nowhere
    } else {
        Reach::Fields(walk.fields)
    }
}

struct Walk<'a> {
    defs: &'a Map<String, Value>,
    target: String,
    fields: Vec<Vec<String>>,
    elsewhere: bool,
    /// Definitions already looked into away from a field path: once is enough there.
    seen_elsewhere: HashSet<&'a str>,
    visits: usize,
}

impl<'a> Walk<'a> {
    /// Looks at a schema (or a value inside one) applied at the instance path `path`, or at
    /// some place a path of fields does not name (`None`).
    fn visit(&mut self, schema: &'a Value, mut path: Option<&mut Vec<String>>, depth: usize) {
        self.visits += 1;
        if self.elsewhere || self.visits > MAX_VISITS || depth > MAX_DEPTH {
            self.elsewhere = true;
            return;
        }
        match schema {
            Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("$ref", Value::String(target)) => {
                            self.reference(target, path.as_deref_mut(), depth);
                        }
                        ("$defs", _) => {}
                        ("properties", Value::Object(fields)) => {
                            for (field, subschema) in fields {
                                match path.as_deref_mut() {
                                    Some(path) => {
                                        path.push(field.clone());
                                        self.visit(subschema, Some(&mut *path), depth);
                                        path.pop();
                                    }
                                    None => self.visit(subschema, None, depth),
                                }
                            }
                        }
                        _ => self.visit(value, None, depth),
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.visit(item, None, depth);
                }
            }
            _ => {}
        }
    }

    fn reference(&mut self, target: &str, path: Option<&mut Vec<String>>, depth: usize) {
        if target == self.target {
            match path {
                Some(path) => self.fields.push(path.clone()),
                None => self.elsewhere = true,
            }
            return;
        }
        let Some((name, definition)) = target
            .strip_prefix("#/$defs/")
            .and_then(|name| self.defs.get_key_value(name))
        else {
            return;
        };
        if path.is_none() && !self.seen_elsewhere.insert(name.as_str()) {
            return;
        }
        self.visit(definition, path, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn closure(root: &str, defs: Value) -> Value {
        json!({"$ref": format!("#/$defs/{root}"), "$defs": defs})
    }

    #[test]
    fn a_definition_reached_through_fields_is_found_at_each_path() {
        let schema = closure(
            "Outer",
            json!({
                "Outer": {"type": "object", "properties": {
                    "spec": {"$ref": "#/$defs/Spec"},
                    "other": {"$ref": "#/$defs/Spec"},
                    "name": {"type": "string"},
                }},
                "Spec": {"properties": {"template": {"properties": {"spec": {"$ref": "#/$defs/PodSpec"}}}}},
                "PodSpec": {},
            }),
        );
        assert_eq!(
            reach(&schema, "PodSpec"),
            Reach::Fields(vec![
                vec!["other".into(), "template".into(), "spec".into()],
                vec!["spec".into(), "template".into(), "spec".into()],
            ])
        );
        assert_eq!(reach(&schema, "Missing"), Reach::Nowhere);
    }

    #[test]
    fn a_definition_reached_otherwise_is_elsewhere() {
        for place in [
            json!({"items": {"$ref": "#/$defs/PodSpec"}}),
            json!({"additionalProperties": {"$ref": "#/$defs/Spec"}}),
            json!({"allOf": [{"$ref": "#/$defs/PodSpec"}]}),
            json!({"properties": {"list": {"type": "array", "items": {"$ref": "#/$defs/Spec"}}}}),
        ] {
            let schema = closure(
                "Outer",
                json!({
                    "Outer": {"properties": {"spec": {"$ref": "#/$defs/PodSpec"}, "more": place}},
                    "Spec": {"properties": {"spec": {"$ref": "#/$defs/PodSpec"}}},
                    "PodSpec": {},
                }),
            );
            assert_eq!(reach(&schema, "PodSpec"), Reach::Elsewhere, "{schema}");
        }
    }

    #[test]
    fn a_recursive_schema_is_given_up_on_rather_than_walked_forever() {
        let schema = closure(
            "Props",
            json!({
                "Props": {"properties": {
                    "properties": {"additionalProperties": {"$ref": "#/$defs/Props"}},
                    "items": {"$ref": "#/$defs/Props"},
                    "not": {"$ref": "#/$defs/Props"},
                    "spec": {"$ref": "#/$defs/PodSpec"},
                }},
                "PodSpec": {},
            }),
        );
        assert_eq!(reach(&schema, "PodSpec"), Reach::Elsewhere);
    }
}
