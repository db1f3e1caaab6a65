//! Strict field validation for schemas written for Kubernetes (CRDs, catalogue files): the API
//! server drops, and `kubectl --validate=strict` refuses, fields a structural schema does not
//! declare, unless `x-kubernetes-preserve-unknown-fields` keeps them. JSON Schema accepts them
//! unless told otherwise, so `additionalProperties: false` is added where the API server
//! would prune.

use serde_json::Value;

/// Tightens `schema` in place. `root` is the schema of a whole object, whose `apiVersion`,
/// `kind` and `metadata` the API server handles itself.
pub(super) fn tighten(schema: &mut Value, root: bool) {
    let Value::Object(map) = schema else {
        return;
    };
    let preserve = map
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let embedded = map
        .get("x-kubernetes-embedded-resource")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if root || embedded {
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            for (name, default) in [
                ("apiVersion", serde_json::json!({"type": "string"})),
                ("kind", serde_json::json!({"type": "string"})),
                ("metadata", serde_json::json!({"type": "object"})),
            ] {
                properties.entry(name).or_insert(default);
            }
        }
    }
    if !preserve && map.contains_key("properties") && !map.contains_key("additionalProperties") {
        map.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    // `nullable: true` lets a field be null; nulls are left out before validation anyway.
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" | "definitions" | "$defs" => {
                if let Value::Object(children) = value {
                    children.values_mut().for_each(|c| tighten(c, false));
                }
            }
            "items" | "additionalProperties" | "not" | "additionalItems" => match value {
                Value::Array(items) => items.iter_mut().for_each(|c| tighten(c, false)),
                other => tighten(other, false),
            },
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(items) = value {
                    items.iter_mut().for_each(tighten_branch);
                }
            }
            _ => {}
        }
    }
}

/// A branch of `allOf`/`anyOf`/`oneOf`: in a structural schema it may only restate
/// constraints of the fields declared beside it, so it must not refuse fields itself.
fn tighten_branch(schema: &mut Value) {
    let declared = schema.get("additionalProperties").is_some();
    tighten(schema, false);
    if let (false, Value::Object(map)) = (declared, schema) {
        map.remove("additionalProperties");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;
    use serde_json::json;

    #[test]
    fn declared_properties_close_the_object_unless_preserved() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "spec": {"type": "object", "properties": {"a": {"type": "string"}}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"b": {}}},
                "map": {"type": "object", "additionalProperties": {"type": "string"}},
                "either": {"anyOf": [{"properties": {"c": {}}}, {"required": ["d"]}]}
            }
        });
        tighten(&mut schema, true);
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(schema["properties"]["kind"], json!({"type": "string"}));
        assert_eq!(
            schema["properties"]["spec"]["additionalProperties"],
            json!(false)
        );
        assert!(
            schema["properties"]["free"]
                .get("additionalProperties")
                .is_none()
        );
        assert_eq!(
            schema["properties"]["map"]["additionalProperties"],
            json!({"type": "string"})
        );
        assert!(
            schema["properties"]["either"]["anyOf"][0]
                .get("additionalProperties")
                .is_none()
        );
    }
}
