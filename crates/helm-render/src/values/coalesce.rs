//! Helm's `CoalesceValues` and `MergeValues`: the user's values over each chart's
//! `values.yaml`, recursively into subcharts, with `global` copied down. Coalescing deletes
//! a key whose given value is `null` where a chart default has a value; merging keeps it.
//!
//! Go's maps are references, and Helm coalesces in place: a subchart's section of the
//! parent's values *is* the subchart's values, and a subchart's `global` is a shallow copy
//! of its parent's, so the tables nested inside the parent's globals are shared with every
//! subchart. What a subchart's defaults add to such a shared table shows in the parent's
//! values too. `Value::Map` is a shared reference as well, and the functions here mutate
//! and share exactly where Helm's do, so the same values come out.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use super::{MAX_VALUE_DEPTH, Tree};
use crate::chart::Chart;
use crate::template::value::{Map, Value};

const GLOBAL: &str = "global";

fn new_map(tree: Tree) -> Map {
    Rc::new(RefCell::new(tree))
}

fn is_nil(value: &Value) -> bool {
    matches!(value, Value::Nil | Value::Missing)
}

fn get(map: &Map, key: &str) -> Option<Value> {
    map.borrow().get(key).cloned()
}

fn set(map: &Map, key: &str, value: Value) {
    map.borrow_mut().insert(key.to_owned(), value);
}

/// The entries of a map as they are now: the map may change while they are visited (as Go
/// allows while ranging over a map).
fn entries(map: &Map) -> Vec<(String, Value)> {
    map.borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn deep_copy(tree: &Tree) -> Map {
    new_map(
        tree.iter()
            .map(|(k, v)| (k.clone(), v.deep_copy()))
            .collect(),
    )
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}.{b}")
    }
}

/// `CoalesceValues`: the values a chart renders with, `vals` (the user's) coalesced with
/// the chart's and its subcharts' defaults. Fails as Helm does when a subchart's section
/// of the values is not a table.
pub fn coalesce_values(chart: &Chart, vals: &Tree) -> Result<Tree, String> {
    let dest = deep_copy(vals);
    coalesce(chart, &dest, "", false)?;
    let tree = dest.borrow().clone();
    Ok(tree)
}

/// `MergeValues`: like [`coalesce_values`], but every `null` is kept.
pub fn merge_values(chart: &Chart, vals: &Tree) -> Result<Tree, String> {
    let dest = deep_copy(vals);
    coalesce(chart, &dest, "", true)?;
    let tree = dest.borrow().clone();
    Ok(tree)
}

fn coalesce(chart: &Chart, dest: &Map, prefix: &str, merge: bool) -> Result<(), String> {
    coalesce_chart_values(chart, dest, prefix, merge);
    coalesce_deps(chart, dest, prefix, merge)
}

fn coalesce_deps(chart: &Chart, dest: &Map, prefix: &str, merge: bool) -> Result<(), String> {
    for sub in &chart.dependencies {
        let name = sub.name();
        let sub_values = match get(dest, name) {
            None => {
                let map = new_map(Tree::new());
                set(dest, name, Value::Map(map.clone()));
                map
            }
            Some(Value::Map(map)) => map,
            Some(other) => return Err(format!("type mismatch on {name}: {}", go_t(&other))),
        };
        let sub_prefix = concat_prefix(prefix, chart.name());
        coalesce_globals(&sub_values, dest, &sub_prefix);
        coalesce(sub, &sub_values, &sub_prefix, merge)?;
    }
    Ok(())
}

/// `fmt.Sprintf("%t", value)` of a value that is not a table.
fn go_t(value: &Value) -> String {
    match value {
        Value::Nil | Value::Missing => "%!t(<nil>)".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::List(items) => format!("[{}]", items.iter().map(go_t).collect::<Vec<_>>().join(" ")),
        Value::Float(_) => format!(
            "%!t(float64={})",
            crate::template::format::format_value(value)
        ),
        Value::Int(_) => format!(
            "%!t(int64={})",
            crate::template::format::format_value(value)
        ),
        other => format!(
            "%!t(string={})",
            crate::template::format::format_value(other)
        ),
    }
}

/// `coalesceGlobals`: the parent's globals (`src`) copied into a subchart's values
/// (`dest`). A table of the parent's globals is copied one level deep and the subchart's
/// own table of the same name merged under it; other values replace the subchart's, unless
/// the subchart has a table there.
fn coalesce_globals(dest: &Map, src: &Map, prefix: &str) {
    let dest_globals = match get(dest, GLOBAL) {
        None => new_map(Tree::new()),
        Some(Value::Map(map)) => map,
        // Helm warns and skips the globals.
        Some(_) => return,
    };
    let src_globals = match get(src, GLOBAL) {
        None => new_map(Tree::new()),
        Some(Value::Map(map)) => map,
        Some(_) => return,
    };
    for (key, value) in entries(&src_globals) {
        if let Value::Map(table) = &value {
            let copy = new_map(table.borrow().clone());
            match get(&dest_globals, &key) {
                None => set(&dest_globals, &key, Value::Map(copy)),
                Some(Value::Map(existing)) => {
                    coalesce_tables_at(&copy, &existing, &concat_prefix(prefix, &key), true, 0);
                    set(&dest_globals, &key, Value::Map(copy));
                }
                // Helm warns: a table is not merged onto a non-table.
                Some(_) => {}
            }
        } else if matches!(get(&dest_globals, &key), Some(Value::Map(_))) {
            // A table in the subchart is not replaced by a non-table.
        } else {
            set(&dest_globals, &key, value);
        }
    }
    set(dest, GLOBAL, Value::Map(dest_globals));
}

/// `coalesceValues`: a copy of the chart's defaults under the values `v`.
fn coalesce_chart_values(chart: &Chart, v: &Map, prefix: &str, merge: bool) {
    let sub_prefix = concat_prefix(prefix, chart.name());
    for (key, default) in &chart.values {
        let default = default.deep_copy();
        match get(v, key) {
            None => set(v, key, default),
            Some(given) if is_nil(&given) => {
                if !merge {
                    v.borrow_mut().remove(key);
                }
            }
            Some(Value::Map(given)) => {
                if let Value::Map(src) = default {
                    // A subchart's section is merged: its nulls are for the subchart's
                    // own coalescing to act on.
                    let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                    coalesce_tables_at(&given, &src, &concat_prefix(&sub_prefix, key), merge, 0);
                }
            }
            Some(_) => {}
        }
    }
}

/// `CoalesceTables` (`merge` false) and `MergeTables` (`merge` true): `src` under `dst`,
/// `dst` winning, in place.
pub fn coalesce_tables(dst: &Map, src: &Map, merge: bool) {
    coalesce_tables_at(dst, src, "", merge, 0);
}

/// `coalesceTablesFullKey`. Where `dst` holds `null` the key goes into `src` as `null` too
/// (Helm changes `src` so); when coalescing, a `null` in `dst` over a value of `src` deletes
/// the key, while a `null` over nothing or over `null` stays.
fn coalesce_tables_at(dst: &Map, src: &Map, prefix: &str, merge: bool, depth: usize) {
    if depth > MAX_VALUE_DEPTH {
        return;
    }
    let src_non_nil: BTreeSet<String> = src
        .borrow()
        .iter()
        .filter(|(_, v)| !is_nil(v))
        .map(|(k, _)| k.clone())
        .collect();
    let dst_nil: Vec<String> = dst
        .borrow()
        .iter()
        .filter(|(_, v)| is_nil(v))
        .map(|(k, _)| k.clone())
        .collect();
    for key in dst_nil {
        src.borrow_mut().insert(key, Value::Nil);
    }
    for (key, value) in entries(src) {
        match get(dst, &key) {
            Some(existing) if is_nil(&existing) && !merge && src_non_nil.contains(&key) => {
                dst.borrow_mut().remove(&key);
            }
            None => set(dst, &key, value),
            Some(Value::Map(existing)) => {
                if let Value::Map(src_table) = &value {
                    let full = concat_prefix(prefix, &key);
                    coalesce_tables_at(&existing, src_table, &full, merge, depth + 1);
                }
            }
            Some(_) => {}
        }
    }
}
