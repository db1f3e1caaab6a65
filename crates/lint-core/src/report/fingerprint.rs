//! A finding's identity across runs, for SARIF's `partialFingerprints` and for baselines.
//!
//! A fingerprint must survive edits that do not touch the finding: lines added above it,
//! documents reordered, comments rewritten, other fields of the object changed. So it is a
//! SHA-256 over what the finding is *about*, never where it is:
//!
//! - the rule id (ids are stable and never reused);
//! - the file, relative to the repository root (see [`PathBase`]);
//! - the object (`apiVersion`, `kind`, namespace and name as written);
//! - the offending node's path inside the object, with list items named by their `name` field
//!   where they have one (`.spec.containers[name=web].image`), so inserting a sidecar does not
//!   renumber the others; and, for a scalar, its value (a new image tag is a new finding).
//!
//! Findings that are not at a node of an object (YAML syntax errors, suppression comments)
//! use the text at the span and the message instead. Two findings with the same fingerprint
//! in one run are told apart by their order (`occurrence`).

use std::collections::HashMap;

use sha2::{Digest as _, Sha256};

use super::{PathBase, Report};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, SourceId, SourceSet, TextRange};
use crate::yaml::{self, Node, Value};

/// Version of the fingerprint recipe, part of the SARIF key (`kubeward/v1`).
pub const FINGERPRINT_VERSION: u32 = 1;

/// The identity of one finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint {
    /// 32 hex digits (the first 128 bits of the SHA-256).
    pub hash: String,
    /// 1-based rank among the findings of the run with the same hash, in report order.
    pub occurrence: u32,
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.hash, self.occurrence)
    }
}

/// What a node-level finding is anchored to inside its object.
#[derive(Debug, Clone)]
struct Anchor {
    path: String,
    /// The resolved value of a scalar node, as JSON.
    value: Option<String>,
}

/// The fingerprint of every diagnostic of the report (suppressed ones included), in order.
pub fn fingerprints(report: &Report, sources: &SourceSet, base: &PathBase) -> Vec<Fingerprint> {
    let mut anchors: HashMap<SourceId, HashMap<TextRange, Anchor>> = HashMap::new();
    let mut counts: HashMap<String, u32> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let source = diagnostic.primary.span.source;
            let file = sources.get(source);
            let index = anchors
                .entry(source)
                .or_insert_with(|| file.map(anchors_of).unwrap_or_default());
            let hash = hash(diagnostic, file, index, base);
            let count = counts.entry(hash.clone()).or_insert(0);
            *count += 1;
            Fingerprint {
                hash,
                occurrence: *count,
            }
        })
        .collect()
}

fn hash(
    diagnostic: &Diagnostic,
    file: Option<&SourceFile>,
    anchors: &HashMap<TextRange, Anchor>,
    base: &PathBase,
) -> String {
    let range = diagnostic.primary.span.range;
    let path = file.map_or("", SourceFile::path);
    let relative = base
        .relative(path)
        .unwrap_or_else(|| path.replace('\\', "/"));
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(format!("kubeward/v{FINGERPRINT_VERSION}").as_bytes());
    field(diagnostic.rule.id.as_bytes());
    field(relative.as_bytes());
    match &diagnostic.object {
        Some(object) => {
            field(object.api_version.as_bytes());
            field(object.kind.as_bytes());
            field(object.namespace.as_deref().unwrap_or("").as_bytes());
            field(object.name.as_deref().unwrap_or("").as_bytes());
        }
        None => (0..4).for_each(|_| field(b"")),
    }
    match anchors.get(&range).filter(|_| diagnostic.object.is_some()) {
        Some(anchor) => {
            field(b"node");
            field(anchor.path.as_bytes());
            field(anchor.value.as_deref().unwrap_or("").as_bytes());
        }
        None => {
            let text = file.map_or("", |f| f.slice(range));
            let first = text.lines().next().unwrap_or("").trim();
            field(b"text");
            field(first.as_bytes());
            field(diagnostic.message.as_bytes());
        }
    }
    let digest = hasher.finalize();
    digest
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Every node of the file by the range a diagnostic underlines for it (the shallowest node
/// wins when two share a range, as `Node::lookup` stops at the shallowest too).
fn anchors_of(file: &SourceFile) -> HashMap<TextRange, Anchor> {
    let parsed = yaml::parse(file.text());
    let mut anchors = HashMap::new();
    for document in &parsed.documents {
        if let Some(root) = &document.root {
            walk(root, None, String::new(), &mut anchors);
        }
    }
    anchors
}

fn walk(
    node: &Node,
    key_range: Option<TextRange>,
    path: String,
    anchors: &mut HashMap<TextRange, Anchor>,
) {
    // Paths are relative to the object, so a `List` item has the same anchors as a document.
    let is_object = node.get("apiVersion").is_some() && node.get("kind").is_some();
    let path = if is_object { String::new() } else { path };
    let label = match key_range {
        Some(key) if node.is_collection() => key,
        _ => node.label_range(),
    };
    anchors.entry(label).or_insert_with(|| Anchor {
        path: path.clone(),
        value: (!node.is_collection()).then(|| node.to_json().to_string()),
    });
    match &node.value {
        Value::Map(entries) => {
            for entry in entries {
                let child = format!("{path}{}", key_segment(&entry.key));
                walk(&entry.value, Some(entry.key_range), child, anchors);
            }
        }
        Value::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                let segment = match item.get("name").and_then(Node::as_str) {
                    Some(name) => format!("[name={}]", serde_json::Value::from(name)),
                    None => format!("[{index}]"),
                };
                walk(item, None, format!("{path}{segment}"), anchors);
            }
        }
        _ => {}
    }
}

fn key_segment(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plain {
        format!(".{key}")
    } else {
        format!("[{}]", serde_json::Value::from(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_name_list_items_and_quote_odd_keys() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    a.b/c: x\nspec:\n  containers:\n  - name: web\n    image: nginx\n  - image: other\n";
        let file = SourceFile::new("pod.yaml", text);
        let anchors = anchors_of(&file);
        let mut paths: Vec<_> = anchors
            .values()
            .map(|a| (a.path.as_str(), a.value.as_deref()))
            .collect();
        paths.sort();
        assert!(paths.contains(&(".spec.containers[name=\"web\"].image", Some("\"nginx\""))));
        assert!(paths.contains(&(".spec.containers[1].image", Some("\"other\""))));
        assert!(paths.contains(&(".metadata.annotations[\"a.b/c\"]", Some("\"x\""))));
        assert!(paths.contains(&("", None)));
    }
}
