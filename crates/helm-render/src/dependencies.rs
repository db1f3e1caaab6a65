//! Subcharts as Helm resolves them before rendering: every dependency of `Chart.yaml` must
//! be present in `charts/`; aliases rename copies; `condition` and `tags` disable
//! subcharts; `import-values` copy a subchart's values up into its parent.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use crate::chart::{Chart, Dependency};
use crate::semver::{Constraints, Version};
use crate::template::value::Map;
use crate::template::value::Value;
use crate::values::{Tree, coalesce_tables, coalesce_values, merge_values};

/// Helm's `IsCompatibleRange`.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    match (Constraints::parse(constraint), Version::parse(version)) {
        (Ok(c), Ok(v)) => c.check(&v),
        _ => false,
    }
}

/// `CheckDependencies`: dependencies of `Chart.yaml` missing from `charts/`.
pub fn check_dependencies(chart: &Chart) -> Result<(), String> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|req| !chart.dependencies.iter().any(|d| d.name() == req.name))
        .map(|req| req.name.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        ))
    }
}

/// `ProcessDependencies`: enabled subcharts, aliases, then imported values. Fails where
/// coalescing the values fails.
pub fn process_dependencies(chart: &mut Chart, vals: &Tree) -> Result<(), String> {
    process_enabled(chart, vals, "")?;
    process_import_values(chart)
}

fn process_enabled(chart: &mut Chart, vals: &Tree, path: &str) -> Result<(), String> {
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let requirements = chart.metadata.dependencies.clone();
    // Subcharts no requirement manages stay as they are.
    let mut charts: Vec<Chart> = chart
        .dependencies
        .iter()
        .filter(|existing| {
            !requirements.iter().any(|req| {
                existing.name() == req.name
                    && is_compatible_range(&req.version, &existing.metadata.version)
            })
        })
        .cloned()
        .collect();
    for req in &mut chart.metadata.dependencies {
        if let Some(found) = chart.dependencies.iter().find(|c| {
            c.name() == req.name && is_compatible_range(&req.version, &c.metadata.version)
        }) {
            let mut copy = found.clone();
            if !req.alias.is_empty() {
                copy.metadata.name = req.alias.clone();
            }
            charts.push(copy);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    chart.dependencies = charts;
    for req in &mut chart.metadata.dependencies {
        req.enabled = true;
    }
    let cvals = coalesce_values(chart, vals)?;
    process_tags(&mut chart.metadata.dependencies, &cvals);
    process_conditions(&mut chart.metadata.dependencies, &cvals, path);
    let disabled: BTreeSet<String> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    chart.dependencies.retain(|d| !disabled.contains(d.name()));
    chart
        .metadata
        .dependencies
        .retain(|r| !disabled.contains(&r.name));
    for sub in &mut chart.dependencies {
        let sub_path = format!("{path}{}.", sub.name());
        process_enabled(sub, &cvals, &sub_path)?;
    }
    Ok(())
}

/// `Values.PathValue`: the value at a dotted path, if every step is a table.
fn path_value(vals: &Tree, path: &str) -> Option<Value> {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop()?;
    let mut table = vals.clone();
    for part in parts {
        table = match table.get(part) {
            Some(Value::Map(map)) => map.borrow().clone(),
            _ => return None,
        };
    }
    table.get(last).cloned()
}

/// `Values.Table`: the table at a dotted path (shared, not copied).
fn table_at(vals: &Map, path: &str) -> Option<Map> {
    let mut table = vals.clone();
    for part in path.split('.') {
        let next = match table.borrow().get(part) {
            Some(Value::Map(map)) => map.clone(),
            _ => return None,
        };
        table = next;
    }
    Some(table)
}

fn process_conditions(requirements: &mut [Dependency], cvals: &Tree, path: &str) {
    for req in requirements {
        for condition in req.condition.trim().split(',') {
            if condition.is_empty() {
                continue;
            }
            if let Some(Value::Bool(enabled)) = path_value(cvals, &format!("{path}{condition}")) {
                req.enabled = enabled;
                break;
            }
        }
    }
}

fn process_tags(requirements: &mut [Dependency], cvals: &Tree) {
    let Some(Value::Map(tags)) = cvals.get("tags") else {
        return;
    };
    let tags = tags.borrow();
    for req in requirements {
        let (mut has_true, mut has_false) = (false, false);
        for tag in &req.tags {
            match tags.get(tag) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                _ => {}
            }
        }
        if !has_true && has_false {
            req.enabled = false;
        } else if has_true || !has_false {
            req.enabled = true;
        }
    }
}

/// `processImportValues`: the chart's values become its merged values (its subcharts'
/// defaults included, nulls kept), under the tables its dependencies' `import-values` copy
/// up. As in Helm, the imported tables are shared with the merged values until these are
/// copied, so overlapping imports show in both.
fn process_import_values(chart: &mut Chart) -> Result<(), String> {
    for sub in &mut chart.dependencies {
        process_import_values(sub)?;
    }
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals: Map = Rc::new(RefCell::new(merge_values(chart, &Tree::new())?));
    let imported: Map = Rc::new(RefCell::new(Tree::new()));
    for req in &mut chart.metadata.dependencies {
        let mut rewritten = Vec::new();
        for import in &req.import_values {
            let (child, parent) = match import {
                serde_json::Value::Object(map) => {
                    (go_sprint(map.get("child")), go_sprint(map.get("parent")))
                }
                serde_json::Value::String(name) => (format!("exports.{name}"), ".".to_owned()),
                _ => continue,
            };
            rewritten.push(serde_json::json!({"child": child, "parent": parent}));
            let Some(table) = table_at(&cvals, &format!("{}.{child}", req.name)) else {
                continue;
            };
            let source = if parent == "." {
                table
            } else {
                parent.rsplit('.').fold(table, |inner, key| {
                    let mut outer = Tree::new();
                    outer.insert(key.to_owned(), Value::Map(inner));
                    Rc::new(RefCell::new(outer))
                })
            };
            coalesce_tables(&imported, &source, true);
        }
        req.import_values = rewritten;
    }
    let values = Value::Map(cvals).deep_copy();
    let Value::Map(values) = values else {
        return Ok(());
    };
    coalesce_tables(&values, &imported, true);
    chart.values = values.borrow().clone();
    Ok(())
}

/// `fmt.Sprintf("%v", x)` of a JSON value from `Chart.yaml`.
fn go_sprint(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "<nil>".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => crate::template::format::format_value(&Value::from_json(other)),
    }
}
