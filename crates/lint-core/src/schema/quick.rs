//! Whether an object is valid against an embedded definition, answered by walking the
//! definition along the object instead of compiling it.
//!
//! jsonschema compiles a whole schema before it checks anything: for a Pod, every definition
//! the pod spec reaches (thirty volume sources, probes, ...), some 5 ms, where the object uses
//! a few of them. Most objects are valid, and a valid object has no violations to describe,
//! so this walk looks only at the schemas the object's fields reach. It knows the few keywords
//! the embedded Kubernetes schemas use (`type`, `$ref`, `properties`, `additionalProperties`,
//! `items`, `required`, `enum`, `format`, `minimum`, `maximum` and the `x-kubernetes-`
//! annotations) with jsonschema's meaning under draft 2020-12, and answers `Ok` only when it
//! has checked everything that applies and the object has no violation to report; anything
//! else (a violation, a keyword or a case it does not decide, such as a number written with a
//! fraction where an integer is expected) is left to the compiled validator, which also
//! describes the violations. The test
//! `the_quick_check_agrees_with_the_compiled_validator` holds the two together.
//!
//! Written here because no JSON Schema crate validates without compiling the schema first.

use serde_json::Value;

use super::bundle::Bundle;

/// Why the walk stopped before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// The object violates the schema.
    Invalid,
    /// The walk met something it does not decide.
    Unknown,
}

/// Nested objects and arrays followed at most (deeper objects are left to the validator).
const MAX_DEPTH: usize = 64;
/// References followed one after the other without descending into the object.
const MAX_REFS: usize = 16;

/// Checks `instance` against the definition `name` of the bundle at version `slot`.
pub(super) fn check(
    bundle: &Bundle,
    slot: usize,
    name: usize,
    instance: &Value,
) -> Result<(), Stop> {
    let schema = bundle.parsed(slot, name).ok_or(Stop::Unknown)?;
    Walk { bundle, slot }.schema(schema, instance, 0, 0)
}

struct Walk<'a> {
    bundle: &'a Bundle,
    slot: usize,
}

impl Walk<'_> {
    fn schema(
        &self,
        schema: &Value,
        instance: &Value,
        depth: usize,
        refs: usize,
    ) -> Result<(), Stop> {
        let schema = match schema {
            Value::Object(schema) => schema,
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => return Err(Stop::Invalid),
            _ => return Err(Stop::Unknown),
        };
        if depth > MAX_DEPTH || refs > MAX_REFS {
            return Err(Stop::Unknown);
        }
        for (keyword, value) in schema {
            match keyword.as_str() {
                "type" => check_type(value, instance)?,
                "$ref" => {
                    let target = value
                        .as_str()
                        .and_then(|target| target.strip_prefix("#/$defs/"))
                        .and_then(|target| self.bundle.definition(target))
                        .and_then(|target| self.bundle.parsed(self.slot, target))
                        .ok_or(Stop::Unknown)?;
                    self.schema(target, instance, depth, refs + 1)?;
                }
                "properties" | "additionalProperties" => {
                    // Both are checked together, once, at `properties` or, without it, at
                    // `additionalProperties`.
                    if keyword == "additionalProperties" && schema.contains_key("properties") {
                        continue;
                    }
                    if let Value::Object(fields) = instance {
                        self.fields(schema, fields, depth)?;
                    }
                }
                "items" => {
                    if let Value::Array(items) = instance {
                        for item in items {
                            self.schema(value, item, depth + 1, 0)?;
                        }
                    }
                }
                "required" => {
                    if let Value::Object(fields) = instance {
                        let names = value.as_array().ok_or(Stop::Unknown)?;
                        for name in names {
                            let name = name.as_str().ok_or(Stop::Unknown)?;
                            if !fields.contains_key(name) {
                                return Err(Stop::Invalid);
                            }
                        }
                    }
                }
                "enum" => check_enum(value, instance)?,
                "format" => check_format(value, instance)?,
                "minimum" | "maximum" => check_bound(keyword == "minimum", value, instance)?,
                // Annotations.
                "x-kubernetes-group-version-kind" | "x-kubernetes-int-or-string" => {}
                _ => return Err(Stop::Unknown),
            }
        }
        Ok(())
    }

    /// `properties` and `additionalProperties` of `schema` on an object's fields.
    fn fields(
        &self,
        schema: &serde_json::Map<String, Value>,
        fields: &serde_json::Map<String, Value>,
        depth: usize,
    ) -> Result<(), Stop> {
        let properties = match schema.get("properties") {
            Some(Value::Object(properties)) => Some(properties),
            Some(_) => return Err(Stop::Unknown),
            None => None,
        };
        let additional = schema.get("additionalProperties");
        for (field, value) in fields {
            match properties.and_then(|properties| properties.get(field)) {
                Some(property) => self.schema(property, value, depth + 1, 0)?,
                None => match additional {
                    None | Some(Value::Bool(true)) => {}
                    Some(additional) => self.schema(additional, value, depth + 1, 0)?,
                },
            }
        }
        Ok(())
    }
}

/// `type`: one name or a list of them.
fn check_type(types: &Value, instance: &Value) -> Result<(), Stop> {
    let matches = |name: &Value| -> Result<bool, Stop> {
        Ok(match (name.as_str().ok_or(Stop::Unknown)?, instance) {
            ("object", Value::Object(_))
            | ("array", Value::Array(_))
            | ("string", Value::String(_))
            | ("boolean", Value::Bool(_))
            | ("null", Value::Null)
            | ("number", Value::Number(_)) => true,
            // jsonschema counts 1.0 as an integer; whole numbers written as floats are left
            // to it.
            ("integer", Value::Number(number)) if number.is_f64() => return Err(Stop::Unknown),
            ("integer", Value::Number(_)) => true,
            ("object" | "array" | "string" | "boolean" | "null" | "number" | "integer", _) => false,
            _ => return Err(Stop::Unknown),
        })
    };
    let found = match types {
        Value::Array(names) => {
            let mut found = false;
            for name in names {
                found |= matches(name)?;
            }
            found
        }
        name => matches(name)?,
    };
    // A null of the wrong type is no violation: it decodes to the zero value (`translate`).
    if found || instance.is_null() {
        Ok(())
    } else {
        Err(Stop::Invalid)
    }
}

/// `enum`, decided for strings, booleans and null (numbers compare by value in jsonschema,
/// and arrays and objects hold numbers).
fn check_enum(values: &Value, instance: &Value) -> Result<(), Stop> {
    let values = values.as_array().ok_or(Stop::Unknown)?;
    match instance {
        Value::String(_) | Value::Bool(_) | Value::Null => {
            if values.contains(instance) {
                Ok(())
            } else {
                Err(Stop::Invalid)
            }
        }
        _ => Err(Stop::Unknown),
    }
}

/// `format`, on strings: kubeward's `quantity` and `byte`, the validator's `date-time`;
/// `int32`, `int64` and `double` are annotations to the validator (unknown formats are); any
/// other format is left to it.
fn check_format(format: &Value, instance: &Value) -> Result<(), Stop> {
    let Value::String(text) = instance else {
        return Ok(());
    };
    let valid = match format.as_str().ok_or(Stop::Unknown)? {
        "quantity" => super::formats::is_quantity(text),
        "byte" => super::formats::is_base64(text),
        "int32" | "int64" | "double" => true,
        "date-time" => date_time().ok_or(Stop::Unknown)?.is_valid(instance),
        _ => return Err(Stop::Unknown),
    };
    if valid { Ok(()) } else { Err(Stop::Invalid) }
}

/// The validator's own `date-time` check (RFC 3339, `metav1.Time`): a schema of that format
/// alone, compiled once with the embedded schemas' options.
fn date_time() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: std::sync::OnceLock<Option<jsonschema::Validator>> =
        std::sync::OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            super::builtin_options()
                .build(&serde_json::json!({"format": "date-time"}))
                .ok()
        })
        .as_ref()
}

/// `minimum` and `maximum`, decided for integers (the embedded schemas' bounds are integers).
fn check_bound(minimum: bool, bound: &Value, instance: &Value) -> Result<(), Stop> {
    let Value::Number(number) = instance else {
        return Ok(());
    };
    let as_integer = |number: &serde_json::Number| {
        number
            .as_i64()
            .map(i128::from)
            .or_else(|| number.as_u64().map(i128::from))
    };
    let bound = bound
        .as_number()
        .and_then(as_integer)
        .ok_or(Stop::Unknown)?;
    let value = as_integer(number).ok_or(Stop::Unknown)?;
    let within = if minimum {
        value >= bound
    } else {
        value <= bound
    };
    if within { Ok(()) } else { Err(Stop::Invalid) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::super::{CrdSchemas, Schemas, VERSIONS, bundle, to_json};
    use super::*;
    use serde_json::json;
    use std::path::{Path, PathBuf};

    /// Every object of the shared manifests, the peers' rule fixtures and the rules' own.
    fn objects() -> Vec<(String, Value)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "../../../shared/corpus/manifests",
            "../../../shared/conformance/rules/kube-linter",
            "../../../shared/conformance/rules/kubescape",
            "../../rules",
            "tests/cases",
        ] {
            walk(&root.join(dir), &mut files);
        }
        files.sort();
        let mut objects = Vec::new();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            for document in crate::yaml::parse(&text).documents {
                if let Some(node) = document.root.as_ref() {
                    objects.push((file.display().to_string(), to_json(node)));
                }
            }
        }
        objects
    }

    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }

    /// The object mutated at every node: fields added, removed and retyped, values replaced
    /// by ones of other types, bad formats, out-of-range and fractional numbers.
    fn mutations(object: &Value) -> Vec<Value> {
        let mut paths = Vec::new();
        nodes(object, &mut Vec::new(), &mut paths);
        let replacements = [
            json!(null),
            json!(7),
            json!(-1),
            json!(4_000_000_000_u64),
            json!(1.5),
            json!(2.0),
            json!("7"),
            json!("1.2.3Q"),
            json!("bm90IGJhc2U2NA=="),
            json!(""),
            json!(true),
            json!([]),
            json!([null]),
            json!({}),
            json!({"unknownField": 1}),
        ];
        let mut out = Vec::new();
        for path in &paths {
            let pointer: String = path.iter().map(|s| format!("/{s}")).collect();
            for replacement in &replacements {
                let mut mutated = object.clone();
                *mutated.pointer_mut(&pointer).unwrap() = replacement.clone();
                out.push(mutated);
            }
            let mut mutated = object.clone();
            match mutated.pointer_mut(&pointer).unwrap() {
                Value::Object(fields) => {
                    fields.insert("unknownField".into(), json!("x"));
                    out.push(mutated.clone());
                    if let Some(first) = object
                        .pointer(&pointer)
                        .unwrap()
                        .as_object()
                        .and_then(|f| f.keys().next())
                    {
                        mutated
                            .pointer_mut(&pointer)
                            .unwrap()
                            .as_object_mut()
                            .unwrap()
                            .remove(first);
                        out.push(mutated);
                    }
                }
                Value::Array(items) => {
                    items.push(json!({"unknownField": 1}));
                    out.push(mutated);
                }
                _ => {}
            }
        }
        out
    }

    fn nodes(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        if !at.is_empty() {
            out.push(at.clone());
        }
        let children: Vec<(String, &Value)> = match value {
            Value::Object(fields) => fields
                .iter()
                .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
                .collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => return,
        };
        for (key, child) in children {
            at.push(key);
            nodes(child, at, out);
            at.pop();
        }
    }

    #[derive(Default, Debug)]
    struct Tally {
        valid: usize,
        valid_decided: usize,
        invalid: usize,
        invalid_decided: usize,
    }

    /// Compares the walk with the compiled validator on one object, checked against the
    /// schema of `original`'s kind (a mutation may change its `apiVersion` or `kind`); panics
    /// on a disagreement.
    fn compare(schemas: &Schemas, what: &str, original: &Value, object: &Value, tally: &mut Tally) {
        let (Some(api_version), Some(kind)) = (
            original.get("apiVersion").and_then(Value::as_str),
            original.get("kind").and_then(Value::as_str),
        ) else {
            return;
        };
        let Some((bundle, slot, name)) = schemas.embedded(api_version, kind) else {
            return;
        };
        let quick = check(bundle, slot, name, object);
        let compiled = schemas
            .validator(&CrdSchemas::default(), api_version, kind)
            .unwrap()
            .unwrap();
        let mut violations = Vec::new();
        compiled.violations(object, &mut violations);
        if violations.is_empty() {
            tally.valid += 1;
            assert_ne!(
                quick,
                Err(Stop::Invalid),
                "{what}: no violation, but the walk says invalid: {object}"
            );
            tally.valid_decided += usize::from(quick.is_ok());
        } else {
            tally.invalid += 1;
            assert!(
                quick.is_err(),
                "{what}: the walk says valid, the validator finds {violations:?}: {object}"
            );
            tally.invalid_decided += usize::from(quick == Err(Stop::Invalid));
        }
    }

    #[test]
    fn the_quick_check_agrees_with_the_compiled_validator() {
        let objects = objects();
        assert!(objects.len() > 1000, "{} objects", objects.len());
        for minor in [*VERSIONS.start(), *VERSIONS.end()] {
            let schemas = Schemas::new((1, minor), &[]).unwrap();
            let mut tally = Tally::default();
            for (file, object) in &objects {
                compare(&schemas, file, object, object, &mut tally);
            }
            // Objects as they are: nearly every valid one is decided without compiling.
            assert!(
                tally.valid > 1000 && tally.invalid > 20,
                "1.{minor}: {tally:?}"
            );
            assert!(
                tally.valid_decided * 100 >= tally.valid * 98,
                "1.{minor}: {tally:?}"
            );
        }
        // Mutated objects, at the newest version: up to four of each kind, from the shared
        // manifests.
        let schemas = Schemas::new((1, *VERSIONS.end()), &[]).unwrap();
        let mut seen = std::collections::BTreeMap::new();
        let mut tally = Tally::default();
        for (file, object) in objects.iter().filter(|(file, _)| file.contains("corpus")) {
            let kind = (
                object.get("apiVersion").map(Value::to_string),
                object.get("kind").map(Value::to_string),
            );
            let count = seen.entry(kind).or_insert(0);
            *count += 1;
            if *count > 4 {
                continue;
            }
            for mutated in mutations(object) {
                compare(&schemas, file, object, &mutated, &mut tally);
            }
        }
        assert!(tally.valid > 1000 && tally.invalid > 1000, "{tally:?}");
        assert!(
            tally.invalid_decided * 100 >= tally.invalid * 90,
            "{tally:?}"
        );
    }

    #[test]
    fn the_walk_decides_types_formats_bounds_and_fields() {
        let bundle = bundle::bundle().unwrap();
        let slot = bundle.version_slot(*VERSIONS.end()).unwrap();
        let pod = bundle.kind_name("v1", "Pod").unwrap();
        let with = |container: Value| {
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                "spec": {"containers": [container]}})
        };
        let verdict = |object: &Value| check(bundle, slot, pod, object);
        assert_eq!(verdict(&with(json!({"name": "a", "image": "x"}))), Ok(()));
        for (container, stop) in [
            (json!({"image": "x"}), Stop::Invalid),
            (json!({"name": "a", "typo": 1}), Stop::Invalid),
            (json!({"name": 1}), Stop::Invalid),
            (
                json!({"name": "a", "resources": {"limits": {"cpu": "1.5.x"}}}),
                Stop::Invalid,
            ),
            (
                json!({"name": "a", "ports": [{"containerPort": "80"}]}),
                Stop::Invalid,
            ),
            (
                json!({"name": "a", "ports": [{"containerPort": 80.0}]}),
                Stop::Unknown,
            ),
        ] {
            assert_eq!(verdict(&with(container.clone())), Err(stop), "{container}");
        }
        let with_priority = |priority: Value| {
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p",
                "creationTimestamp": "2024-01-02T03:04:05Z"},
                "spec": {"containers": [{"name": "a"}], "priority": priority}})
        };
        assert_eq!(verdict(&with_priority(json!(7))), Ok(()));
        assert_eq!(
            verdict(&with_priority(json!(3_000_000_000_u64))),
            Err(Stop::Invalid)
        );
        assert_eq!(
            verdict(&with_priority(json!(-3_000_000_000_i64))),
            Err(Stop::Invalid)
        );
        let mut late = with_priority(json!(1));
        late["metadata"]["creationTimestamp"] = json!("yesterday");
        assert_eq!(verdict(&late), Err(Stop::Invalid));
        // A null of the wrong type is dropped from the report; here it is no violation.
        assert_eq!(verdict(&with(json!({"name": "a", "args": [null]}))), Ok(()));
    }
}
