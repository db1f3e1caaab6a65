//! The API lifecycle table, `data.kubeward.lib.lifecycle.apis`, computed in Rust from the
//! `_table` literal of rules/lib/lifecycle.rego, which defines it and stays its reference.
//! Evaluating the package on the interpreter (parsing the library, preparing an engine,
//! building the table) took 3–4 ms of every run's start-up, one small file included. A test
//! compares the two (`the_table_built_in_rust_is_the_packages_value`); a library other than
//! the built-in one is evaluated by the interpreter instead.

use serde_json::{Map, Value};

/// `apis` of the library `text`: apiVersion → kind → `{deprecated, removed, replacements}`,
/// as the rule
///
/// ```rego
/// apis[api_version][kind] := {"deprecated": row[2], "removed": row[3], "replacements": row[4]} if {
///     some row in _table
///     api_version := row[0]
///     some kind in row[1]
/// }
/// ```
///
/// gives it. `None` when the literal is not found or not as that rule expects (rows of five
/// with a list of kinds), or when two rows give one apiVersion and kind different values
/// (Rego's conflict error): the interpreter then evaluates the package and says what is wrong.
pub(crate) fn apis(text: &str) -> Option<Value> {
    let rows = table(text)?;
    let mut apis = Map::new();
    for row in rows.as_array()? {
        let [api_version, kinds, deprecated, removed, replacements] = row.as_array()?.as_slice()
        else {
            return None;
        };
        let entry = Value::Object(Map::from_iter([
            ("deprecated".to_owned(), deprecated.clone()),
            ("removed".to_owned(), removed.clone()),
            ("replacements".to_owned(), replacements.clone()),
        ]));
        let by_kind = apis
            .entry(api_version.as_str()?.to_owned())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()?;
        for kind in kinds.as_array()? {
            let kind = kind.as_str()?;
            match by_kind.get(kind) {
                Some(existing) if *existing != entry => return None,
                Some(_) => {}
                None => {
                    by_kind.insert(kind.to_owned(), entry.clone());
                }
            }
        }
    }
    Some(Value::Object(apis))
}

/// The value of `_table := [...]`: the literal from that line to the first line that is `]`
/// alone, read as YAML (a flow sequence of JSON values, `#` comments and a trailing comma
/// included).
fn table(text: &str) -> Option<Value> {
    let start = text.find("\n_table := [")? + "\n_table := ".len();
    let rest = text.get(start..)?;
    let end = rest.find("\n]")? + "\n]".len();
    let parsed = kube_yaml::parse(rest.get(..end)?);
    if !parsed.errors.is_empty() {
        return None;
    }
    let root = parsed.documents.into_iter().find_map(|doc| doc.root)?;
    Some(root.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIBRARY: &str = "rules/lib/lifecycle.rego";

    fn builtin_library() -> String {
        super::super::builtin_file("lib/lifecycle.rego")
            .unwrap()
            .to_owned()
    }

    #[test]
    fn the_table_built_in_rust_is_the_packages_value() {
        let text = builtin_library();
        let from_rust = apis(&text).unwrap();
        let from_rego = super::super::Program::lifecycle_on_interpreter(LIBRARY, &text).unwrap();
        assert_eq!(from_rust, from_rego);
        // The table is not trivially empty: removed APIs of several releases are in it.
        let extensions = from_rust["extensions/v1beta1"].as_object().unwrap();
        assert_eq!(extensions["Ingress"]["removed"], 22);
        assert!(from_rust.as_object().unwrap().len() > 30);
    }

    #[test]
    fn a_conflict_or_another_shape_is_left_to_the_interpreter() {
        let text = builtin_library();
        let conflicting = text.replacen(
            "_table := [\n",
            "_table := [\n\t[\"batch/v1beta1\", [\"CronJob\"], 1, 2, []],\n",
            1,
        );
        assert_ne!(conflicting, text);
        assert_eq!(apis(&conflicting), None);
        // The interpreter reports the conflict.
        assert!(super::super::Program::lifecycle_on_interpreter(LIBRARY, &conflicting).is_err());
        let short_row = text.replacen(
            "_table := [\n",
            "_table := [\n\t[\"x/v1\", [\"X\"], 1, 2],\n",
            1,
        );
        assert_eq!(apis(&short_row), None);
        assert_eq!(apis("package x\n"), None);
    }
}
