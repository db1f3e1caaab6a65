//! Helm's `CoalesceValues`: the user's values over each chart's `values.yaml`, recursively
//! into subcharts, with `global` copied down and `null` removing a chart default.

use super::Tree;
use crate::chart::Chart;
use crate::template::value::Value;

const GLOBAL: &str = "global";

fn table(value: &Value) -> Option<Tree> {
    match value {
        Value::Map(map) => Some(map.borrow().clone()),
        _ => None,
    }
}

fn is_table(value: &Value) -> bool {
    matches!(value, Value::Map(_))
}

/// The values a chart renders with: `vals` (the user's) coalesced with the chart's and its
/// subcharts' defaults.
pub fn coalesce_values(chart: &Chart, vals: &Tree) -> Tree {
    let mut dest: Tree = vals
        .iter()
        .map(|(k, v)| (k.clone(), v.deep_copy()))
        .collect();
    coalesce(chart, &mut dest, "", false);
    dest
}

/// `MergeValues(chart, nil)`: the charts' defaults merged, nulls kept.
pub fn merge_values(chart: &Chart) -> Tree {
    let mut dest = Tree::new();
    coalesce(chart, &mut dest, "", true);
    dest
}

fn coalesce(chart: &Chart, dest: &mut Tree, prefix: &str, merge: bool) {
    coalesce_chart_values(chart, dest, prefix, merge);
    coalesce_deps(chart, dest, prefix, merge);
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}.{b}")
    }
}

fn coalesce_deps(chart: &Chart, dest: &mut Tree, prefix: &str, merge: bool) {
    for sub in &chart.dependencies {
        let name = sub.name().to_owned();
        let mut sub_values = match dest.get(&name) {
            None => Tree::new(),
            Some(value) => match table(value) {
                Some(t) => t,
                // Helm stops with "type mismatch" here; the render then fails on it.
                None => continue,
            },
        };
        let sub_prefix = concat_prefix(prefix, chart.name());
        coalesce_globals(&mut sub_values, dest, &sub_prefix);
        coalesce(sub, &mut sub_values, &sub_prefix, merge);
        dest.insert(name, Value::from(sub_values));
    }
}

/// Copies the parent's globals into a subchart's values (the subchart's own win for
/// scalars; tables merge top-down).
fn coalesce_globals(dest: &mut Tree, src: &Tree, prefix: &str) {
    let mut dest_globals = match dest.get(GLOBAL) {
        None => Tree::new(),
        Some(value) => match table(value) {
            Some(t) => t,
            None => return,
        },
    };
    let src_globals = match src.get(GLOBAL) {
        None => Tree::new(),
        Some(value) => match table(value) {
            Some(t) => t,
            None => return,
        },
    };
    for (key, value) in src_globals {
        if let Some(mut copy) = table(&value) {
            match dest_globals.get(&key) {
                None => {
                    dest_globals.insert(key, Value::from(copy));
                }
                Some(existing) => {
                    if let Some(existing) = table(existing) {
                        coalesce_tables(&mut copy, existing, &concat_prefix(prefix, &key), true);
                        dest_globals.insert(key, Value::from(copy));
                    }
                }
            }
        } else if dest_globals.get(&key).is_some_and(is_table) {
            // A table in the subchart is not replaced by a scalar.
        } else {
            dest_globals.insert(key, value);
        }
    }
    dest.insert(GLOBAL.to_owned(), Value::from(dest_globals));
}

/// `coalesceValues`: the chart's defaults under the given values.
fn coalesce_chart_values(chart: &Chart, v: &mut Tree, prefix: &str, merge: bool) {
    let sub_prefix = concat_prefix(prefix, chart.name());
    let defaults: Tree = chart
        .values
        .iter()
        .map(|(k, value)| (k.clone(), value.deep_copy()))
        .collect();
    for (key, default) in defaults {
        match v.get(&key).cloned() {
            Some(Value::Nil) if !merge => {
                v.remove(&key);
            }
            Some(Value::Map(given)) => {
                let Some(mut src) = table(&default) else {
                    continue;
                };
                let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                if !merge {
                    clean_nil_values(&mut src);
                }
                let mut dst = given.borrow().clone();
                coalesce_tables(&mut dst, src, &concat_prefix(&sub_prefix, &key), merge);
                v.insert(key, Value::from(dst));
            }
            Some(_) => {}
            None => {
                if !merge {
                    if matches!(default, Value::Nil) {
                        continue;
                    }
                    if let Some(mut sub) = table(&default) {
                        clean_nil_values(&mut sub);
                        v.insert(key, Value::from(sub));
                        continue;
                    }
                }
                v.insert(key, default);
            }
        }
    }
}

/// `coalesceTablesFullKey`: `src` under `dst` (`dst` wins).
pub fn coalesce_tables(dst: &mut Tree, mut src: Tree, prefix: &str, merge: bool) {
    let src_non_nil: std::collections::BTreeSet<String> = src
        .iter()
        .filter(|(_, v)| !matches!(v, Value::Nil))
        .map(|(k, _)| k.clone())
        .collect();
    for (key, value) in dst.iter() {
        if matches!(value, Value::Nil) {
            src.insert(key.clone(), Value::Nil);
        }
    }
    for (key, value) in src {
        let full = concat_prefix(prefix, &key);
        match dst.get(&key).cloned() {
            Some(Value::Nil) if !merge && src_non_nil.contains(&key) => {
                dst.remove(&key);
            }
            None => {
                dst.insert(key, value);
            }
            Some(existing) => {
                if let Some(src_table) = table(&value) {
                    if let Some(mut dst_table) = table(&existing) {
                        coalesce_tables(&mut dst_table, src_table, &full, merge);
                        dst.insert(key, Value::from(dst_table));
                    }
                }
            }
        }
    }
}

/// Removes nil entries, recursively.
fn clean_nil_values(map: &mut Tree) {
    map.retain(|_, v| !matches!(v, Value::Nil));
    for value in map.values_mut() {
        if let Some(mut inner) = table(value) {
            clean_nil_values(&mut inner);
            *value = Value::from(inner);
        }
    }
}
