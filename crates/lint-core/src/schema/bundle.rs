//! The embedded Kubernetes schemas: a JSON header line and one definition per line (see
//! `scripts/gen-schemas`), kept compressed in the repository and decompressed by build.rs into
//! the text the binary holds. The header is parsed the first time a schema is needed;
//! definitions are parsed when a validator needs them.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

/// The bundle's text (provenance in `crates/lint-core/schemas/README.md`).
static TEXT: &str = include_str!(concat!(env!("OUT_DIR"), "/kubernetes.json"));

/// Kubernetes minor versions the bundle holds (1.x), oldest first. A test checks it against
/// the bundle's header.
pub const VERSIONS: std::ops::RangeInclusive<u32> = 25..=37;

#[derive(Debug, Deserialize)]
struct Header {
    versions: Vec<VersionTable>,
    names: Vec<String>,
    /// `[apiVersion, kind, name index]`.
    kinds: Vec<(String, String, usize)>,
}

#[derive(Debug, Deserialize)]
struct VersionTable {
    version: String,
    /// Per name index: the line of its definition, or -1 where the version lacks it.
    definitions: Vec<i64>,
}

/// The decoded bundle.
#[derive(Debug)]
pub(crate) struct Bundle {
    text: &'static str,
    /// Byte range of each definition line.
    lines: Vec<(usize, usize)>,
    /// Minor versions, in header order.
    minors: Vec<u32>,
    tables: Vec<Vec<i64>>,
    names: Vec<String>,
    name_index: HashMap<String, usize>,
    /// (apiVersion, kind) → name index.
    kinds: BTreeMap<(String, String), usize>,
    /// Each definition line, parsed on first use (`None`: unreadable).
    parsed: Vec<OnceLock<Option<serde_json::Value>>>,
}

/// The bundle, decoded on first use.
pub(crate) fn bundle() -> Result<&'static Bundle, &'static str> {
    static BUNDLE: OnceLock<Result<Bundle, String>> = OnceLock::new();
    BUNDLE
        .get_or_init(Bundle::decode)
        .as_ref()
        .map_err(String::as_str)
}

impl Bundle {
    fn decode() -> Result<Bundle, String> {
        let text = TEXT;
        let (header_line, _) = text
            .split_once('\n')
            .ok_or("the schema bundle has no header")?;
        let header: Header = serde_json::from_str(header_line)
            .map_err(|err| format!("the schema bundle's header is unreadable: {err}"))?;
        let mut lines = Vec::new();
        let mut start = header_line.len() + 1;
        for line in text.get(start..).unwrap_or("").split_terminator('\n') {
            lines.push((start, start + line.len()));
            start += line.len() + 1;
        }
        let minors = header
            .versions
            .iter()
            .map(|v| {
                crate::lint::parse_kube_version(&v.version)
                    .map(|(_, minor)| minor)
                    .ok_or_else(|| format!("bad version {:?} in the schema bundle", v.version))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let name_index = header
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let kinds = header
            .kinds
            .into_iter()
            .map(|(api_version, kind, name)| ((api_version, kind), name))
            .collect();
        Ok(Bundle {
            text,
            parsed: std::iter::repeat_with(OnceLock::new)
                .take(lines.len())
                .collect(),
            lines,
            minors,
            tables: header.versions.into_iter().map(|v| v.definitions).collect(),
            names: header.names,
            name_index,
            kinds,
        })
    }

    /// Minor versions held, oldest first.
    pub(crate) fn minors(&self) -> &[u32] {
        &self.minors
    }

    /// The definition name of a kind, whatever the version.
    pub(crate) fn kind_name(&self, api_version: &str, kind: &str) -> Option<usize> {
        self.kinds
            .get(&(api_version.to_owned(), kind.to_owned()))
            .copied()
    }

    /// Every (apiVersion, kind) the bundle knows, with its definition name index.
    pub(crate) fn kinds(&self) -> impl Iterator<Item = (&str, &str, usize)> {
        self.kinds
            .iter()
            .map(|((api_version, kind), name)| (api_version.as_str(), kind.as_str(), *name))
    }

    /// Index of a minor version in the tables.
    pub(crate) fn version_slot(&self, minor: u32) -> Option<usize> {
        self.minors.iter().position(|m| *m == minor)
    }

    /// Whether a version has the definition.
    pub(crate) fn has(&self, slot: usize, name: usize) -> bool {
        self.line_of(slot, name).is_some()
    }

    fn line_of(&self, slot: usize, name: usize) -> Option<usize> {
        let line = *self.tables.get(slot)?.get(name)?;
        usize::try_from(line).ok()
    }

    /// Name of a definition.
    pub(crate) fn name(&self, name: usize) -> &str {
        self.names.get(name).map_or("", String::as_str)
    }

    /// The definition named `name`, if the bundle has it at some version.
    pub(crate) fn definition(&self, name: &str) -> Option<usize> {
        self.name_index.get(name).copied()
    }

    /// A definition at a version, parsed (once per process); `None` when the version lacks
    /// it or its line is unreadable.
    pub(crate) fn parsed(&self, slot: usize, name: usize) -> Option<&serde_json::Value> {
        let line = self.line_of(slot, name)?;
        self.parsed
            .get(line)?
            .get_or_init(|| {
                let (start, end) = self.lines.get(line).copied()?;
                serde_json::from_str(self.text.get(start..end)?).ok()
            })
            .as_ref()
    }

    /// A self-contained schema for one definition at one version: `{"$ref", "$defs"}` with
    /// every definition it reaches.
    pub(crate) fn closure(&self, slot: usize, root: usize) -> Result<serde_json::Value, String> {
        self.closure_leaving_out(slot, root, None)
    }

    /// [`Bundle::closure`], with the definition `left_out` (when `root` reaches it) accepting
    /// anything and what it alone reaches left out.
    pub(crate) fn closure_leaving_out(
        &self,
        slot: usize,
        root: usize,
        left_out: Option<usize>,
    ) -> Result<serde_json::Value, String> {
        let mut defs = serde_json::Map::new();
        let mut pending = vec![root];
        while let Some(name) = pending.pop() {
            let key = self.name(name);
            if defs.contains_key(key) {
                continue;
            }
            if left_out == Some(name) && name != root {
                defs.insert(
                    key.to_owned(),
                    serde_json::Value::Object(serde_json::Map::new()),
                );
                continue;
            }
            if !self.has(slot, name) {
                return Err(format!("definition {key} is missing"));
            }
            let schema = self
                .parsed(slot, name)
                .ok_or_else(|| format!("definition {key} is unreadable"))?
                .clone();
            collect_refs(&schema, &mut |target| {
                if let Some(index) = self.name_index.get(target) {
                    pending.push(*index);
                }
            });
            defs.insert(key.to_owned(), schema);
        }
        // Built by hand: `json!` would copy the definitions (it serializes what it is given).
        let mut schema = serde_json::Map::new();
        schema.insert(
            "$ref".to_owned(),
            serde_json::Value::String(format!("#/$defs/{}", self.name(root))),
        );
        schema.insert("$defs".to_owned(), serde_json::Value::Object(defs));
        Ok(serde_json::Value::Object(schema))
    }
}

/// Calls `found` with the definition name of every `#/$defs/...` reference in a schema.
fn collect_refs(schema: &serde_json::Value, found: &mut impl FnMut(&str)) {
    match schema {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", serde_json::Value::String(target)) => {
                        if let Some(name) = target.strip_prefix("#/$defs/") {
                            found(name);
                        }
                    }
                    _ => collect_refs(value, found),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn the_bundle_decodes_and_holds_the_declared_versions() {
        let bundle = bundle().unwrap();
        assert_eq!(bundle.minors(), VERSIONS.collect::<Vec<_>>());
        let pod = bundle.kind_name("v1", "Pod").unwrap();
        let slot = bundle.version_slot(30).unwrap();
        let schema = bundle.closure(slot, pod).unwrap();
        let defs = schema["$defs"].as_object().unwrap();
        assert!(defs.contains_key("io.k8s.api.core.v1.PodSpec"));
        assert!(defs.contains_key("io.k8s.apimachinery.pkg.util.intstr.IntOrString"));
        assert!(bundle.kind_name("apps/v1", "DeleteOptions").is_none());
    }
}
