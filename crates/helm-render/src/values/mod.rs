//! Values as Helm builds them: YAML read through JSON (numbers become float64), files and
//! `--set` flags merged in Helm's order, then coalesced with every chart's defaults
//! (globals copied down, `null` deleting keys, subchart tables merged).

mod coalesce;
pub mod strvals;

pub use coalesce::{coalesce_tables, coalesce_values, merge_values};

use std::collections::BTreeMap;

use crate::template::value::Value;

/// A values map being built (nested maps are shared `Value::Map`s).
pub type Tree = BTreeMap<String, Value>;

/// Deepest nesting of values accepted from YAML or JSON.
pub const MAX_VALUE_DEPTH: usize = 256;

/// A YAML node as Go sees it after sigs.k8s.io/yaml: through JSON, so every number is a
/// float64. Non-finite floats cannot be JSON and are an error, as in Helm.
pub fn yaml_to_value(node: &kube_yaml::Node) -> Result<Value, String> {
    convert(node, 0)
}

fn convert(node: &kube_yaml::Node, depth: usize) -> Result<Value, String> {
    if depth > MAX_VALUE_DEPTH {
        return Err(format!(
            "values are nested more than {MAX_VALUE_DEPTH} levels deep"
        ));
    }
    Ok(match &node.value {
        kube_yaml::Value::Null => Value::Nil,
        kube_yaml::Value::Bool(b) => Value::Bool(*b),
        kube_yaml::Value::Int(i) => Value::Float(*i as f64),
        kube_yaml::Value::Float(x) if x.is_finite() => Value::Float(*x),
        kube_yaml::Value::Float(x) => {
            return Err(format!(
                "error converting YAML to JSON: json: unsupported value: {}",
                crate::template::format::format_float(*x)
            ));
        }
        kube_yaml::Value::Str(s) => Value::from(&**s),
        kube_yaml::Value::Seq(items) => Value::from(
            items
                .iter()
                .map(|item| convert(item, depth + 1))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        kube_yaml::Value::Map(entries) => Value::from(
            entries
                .iter()
                .map(|entry| Ok((entry.key.to_string(), convert(&entry.value, depth + 1)?)))
                .collect::<Result<Tree, String>>()?,
        ),
    })
}

/// Helm's `MergeMaps`: `b` over `a`, nested maps merged, everything else replaced.
pub fn merge_maps(a: Tree, b: Tree) -> Tree {
    let mut out = a;
    for (key, value) in b {
        if let (Value::Map(new), Some(Value::Map(old))) = (&value, out.get(&key)) {
            let merged = merge_maps(old.borrow().clone(), new.borrow().clone());
            out.insert(key, Value::from(merged));
            continue;
        }
        out.insert(key, value);
    }
    out
}

/// The value sources of a render, as `helm template` takes them.
#[derive(Debug, Clone, Default)]
pub struct ValueOptions {
    /// `-f/--values`: (name for errors, YAML text), in order.
    pub files: Vec<(String, String)>,
    /// `--set`.
    pub set: Vec<String>,
    /// `--set-string`.
    pub set_string: Vec<String>,
    /// `--set-json`.
    pub set_json: Vec<String>,
    /// `--set-file`: (`key=path` expression, the contents of every path it names).
    pub set_file: Vec<(String, BTreeMap<String, String>)>,
    /// `--set-literal`.
    pub set_literal: Vec<String>,
}

impl ValueOptions {
    /// Helm's `MergeValues`: files, then JSON, `--set`, `--set-string`, `--set-file` and
    /// `--set-literal`, each family in order.
    pub fn merge(&self) -> Result<Tree, String> {
        let mut base = Tree::new();
        for (name, text) in &self.files {
            let current = crate::chart::load_values(text)
                .map_err(|e| format!("failed to parse {name}: {e}"))?;
            base = merge_maps(base, current);
        }
        for value in &self.set_json {
            let trimmed = value.trim();
            if trimmed.starts_with('{') {
                let json: serde_json::Value = serde_json::from_str(trimmed)
                    .map_err(|_| format!("failed parsing --set-json data JSON: {value}"))?;
                let Value::Map(map) = Value::from_json(&json) else {
                    return Err(format!("failed parsing --set-json data JSON: {value}"));
                };
                let map = map.borrow().clone();
                base = merge_maps(base, map);
            } else {
                strvals::parse_into(value, &mut base, strvals::Mode::Json, None)
                    .map_err(|_| format!("failed parsing --set-json data {value}"))?;
            }
        }
        for value in &self.set {
            strvals::parse_into(value, &mut base, strvals::Mode::Typed, None)
                .map_err(|e| format!("failed parsing --set data: {e}"))?;
        }
        for value in &self.set_string {
            strvals::parse_into(value, &mut base, strvals::Mode::String, None)
                .map_err(|e| format!("failed parsing --set-string data: {e}"))?;
        }
        for (value, contents) in &self.set_file {
            let reader = |path: &str| -> Result<String, String> {
                contents
                    .get(path)
                    .cloned()
                    .ok_or_else(|| format!("open {path}: no such file or directory"))
            };
            strvals::parse_into(value, &mut base, strvals::Mode::Typed, Some(&reader))
                .map_err(|e| format!("failed parsing --set-file data: {e}"))?;
        }
        for value in &self.set_literal {
            strvals::parse_into(value, &mut base, strvals::Mode::Literal, None)
                .map_err(|e| format!("failed parsing --set-literal data: {e}"))?;
        }
        Ok(base)
    }
}
