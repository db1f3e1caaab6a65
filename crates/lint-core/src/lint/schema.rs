//! Schema validation in the pipeline: every reported object is checked against its kind's
//! schema (see [`crate::schema`]) and each violation becomes a `schema-violation` at its node;
//! kinds without a schema are reported once per run as `schema-not-found`. Kinds the API
//! lifecycle table lists as removed at the target version are left to `api-version-removed`.

use std::collections::BTreeMap;
use std::sync::Arc;

use regorus::Value as RegoValue;

use super::{Linter, LoadedObject, Located};
use crate::diagnostic::Label;
use crate::rules::core_ids;
use crate::schema::{Checked, CrdSchemas, Violation, ViolationKind, type_of};
use crate::source::{SourceFile, SourceSet, Span, TextRange};
use crate::yaml::{Node, PathSegment, Value};

/// The (apiVersion, kind) pairs of the lifecycle table, each with whether the target version
/// still serves it.
pub(crate) fn lifecycle_at(
    table: &serde_json::Value,
    version: (u32, u32),
) -> BTreeMap<(String, String), bool> {
    let mut pairs = BTreeMap::new();
    for (api_version, kinds) in table.as_object().into_iter().flatten() {
        for (kind, entry) in kinds.as_object().into_iter().flatten() {
            let removed = entry.get("removed").and_then(serde_json::Value::as_u64);
            let gone = version.0 > 1 || removed.is_some_and(|minor| minor <= u64::from(version.1));
            pairs.insert((api_version.clone(), kind.clone()), !gone);
        }
    }
    pairs
}

/// Schema validation's part of a run.
pub(super) struct SchemaRun<'a> {
    /// The schemas of the run's CRDs.
    crds: CrdSchemas,
    /// Outcomes of the last run, by object (relinting only).
    previous: Option<&'a BTreeMap<RegoValue, Arc<Checked>>>,
}

/// One object's schema check.
pub(super) struct SchemaOutcome {
    pub(super) checked: Arc<Checked>,
    /// Whether its kind's schema is embedded (the outcome depends on the object alone).
    pub(super) embedded: bool,
    /// Where `schema-not-found` points when the object is the first of its kind.
    kind_range: TextRange,
}

impl Linter {
    /// What schema validation needs for a run (the run's CRDs, and the outcomes of the last
    /// run when relinting), or `None` when it is off.
    pub(super) fn schema_run<'a>(
        &self,
        objects: &[LoadedObject],
        previous: Option<&'a BTreeMap<RegoValue, Arc<Checked>>>,
    ) -> Option<SchemaRun<'a>> {
        let wanted = [core_ids::SCHEMA_VIOLATION, core_ids::SCHEMA_NOT_FOUND]
            .iter()
            .any(|name| self.core_enabled(name));
        wanted.then(|| SchemaRun {
            crds: CrdSchemas::from_objects(objects.iter().map(|l| &l.object.node)),
            previous,
        })
    }

    /// Checks a reported object against its schema, adding its violations to `located`.
    /// With a previous run, the outcome of an object of an embedded kind (which depends on
    /// the object alone) is taken from it when the same object was checked then. `None` for
    /// kinds the target version no longer serves, which `api-version-removed` reports.
    pub(super) fn check_schema(
        &self,
        run: &SchemaRun<'_>,
        sources: &SourceSet,
        index: usize,
        loaded: &LoadedObject,
        node: &Node,
        located: &mut Vec<Located>,
    ) -> Option<SchemaOutcome> {
        let identity = &loaded.object.identity;
        if self
            .lifecycle
            .get(&(identity.api_version.clone(), identity.kind.clone()))
            .is_some_and(|served| !*served)
        {
            return None;
        }
        let embedded = run.previous.is_some()
            && self
                .schemas
                .is_embedded(&identity.api_version, &identity.kind);
        let checked = match run
            .previous
            .filter(|_| embedded)
            .and_then(|previous| previous.get(&loaded.value))
        {
            Some(checked) => Arc::clone(checked),
            None => {
                Arc::new(
                    self.schemas
                        .check(&run.crds, &identity.api_version, &identity.kind, node),
                )
            }
        };
        if let Checked::Validated(violations) = &*checked {
            let file = sources.get(loaded.object.source);
            for violation in violations {
                located.extend(self.violation(file, index, loaded, node, violation));
            }
        }
        Some(SchemaOutcome {
            checked,
            embedded,
            kind_range: node.get("kind").unwrap_or(node).range,
        })
    }

    /// `schema-not-found` once per kind that has no usable schema, at its first object.
    pub(super) fn schema_summary(
        &self,
        objects: &[LoadedObject],
        checked: &[(usize, SchemaOutcome)],
    ) -> Vec<Located> {
        let mut located = Vec::new();
        // Kinds without a schema: (apiVersion, kind) → first object, object count, outcome.
        let mut unchecked: BTreeMap<(&str, &str), (usize, usize, &SchemaOutcome)> = BTreeMap::new();
        for (index, outcome) in checked {
            if matches!(&*outcome.checked, Checked::Validated(_)) {
                continue;
            }
            let Some(loaded) = objects.get(*index) else {
                continue;
            };
            let identity = &loaded.object.identity;
            let entry = unchecked
                .entry((identity.api_version.as_str(), identity.kind.as_str()))
                .or_insert((*index, 0, outcome));
            entry.1 += 1;
        }
        for ((api_version, kind), (index, count, outcome)) in unchecked {
            // A built-in API of the lifecycle table that the target serves but the embedded
            // schemas (1.25 on) lack: a target older than them. Nothing to say.
            if self
                .lifecycle
                .contains_key(&(api_version.to_owned(), kind.to_owned()))
            {
                continue;
            }
            let Some(loaded) = objects.get(index) else {
                continue;
            };
            let objects_text = match count {
                1 => "it is not validated".to_owned(),
                n => format!("its {n} objects are not validated"),
            };
            let target = self.schemas.target();
            let message = match &*outcome.checked {
                Checked::BadSchema(reason) => {
                    format!(
                        "the schema of {kind} ({api_version}) cannot be used, so {objects_text}: {reason}"
                    )
                }
                Checked::NoSchema { served_in } => match (served_in.first(), served_in.last()) {
                    (Some(first), Some(last)) => format!(
                        "Kubernetes {target} does not serve {kind} in {api_version} (1.{first} to 1.{last} do), so {objects_text}"
                    ),
                    _ => format!("no schema for {kind} ({api_version}), so {objects_text}"),
                },
                Checked::Validated(_) => continue,
            };
            if let Some(mut diagnostic) = self.core_diagnostic(
                core_ids::SCHEMA_NOT_FOUND,
                message,
                Span {
                    source: loaded.object.source,
                    range: outcome.kind_range,
                },
                Some(Arc::clone(&loaded.object.identity)),
            ) {
                diagnostic.object = Some(index);
                located.push(diagnostic);
            }
        }
        located
    }

    fn violation(
        &self,
        file: Option<&SourceFile>,
        index: usize,
        loaded: &LoadedObject,
        node: &Node,
        violation: &Violation,
    ) -> Option<Located> {
        let object = &loaded.object;
        let found = node.lookup(&violation.path);
        let subject = format!(
            "{} {:?}",
            object.identity.kind,
            object.identity.name.as_deref().unwrap_or("<unnamed>")
        );
        let path = display_path(&violation.path);
        let mut help = None;
        let (range, message) = match &violation.kind {
            ViolationKind::UnknownField { similar } => {
                let unknown = match violation.path.last() {
                    Some(PathSegment::Key(key)) => key.as_str(),
                    _ => "",
                };
                help = similar.as_ref().map(|field| {
                    if field.eq_ignore_ascii_case(unknown) {
                        format!("Did you mean `{field}`? Field names are case-sensitive.")
                    } else {
                        format!("Did you mean `{field}`?")
                    }
                });
                (
                    found.key_range.unwrap_or_else(|| found.label_range()),
                    format!("{subject} has an unknown field `{path}`"),
                )
            }
            ViolationKind::WrongType { expected } => {
                let actual = type_of(&found.node.value);
                let text = file.map_or("", |f| f.slice(found.node.range));
                help = yaml11_help(&found.node.value, text, expected);
                let range = if found.node.is_collection() {
                    found.label_range()
                } else {
                    found.node.range
                };
                (
                    range,
                    format!("{subject}: `{path}` must be {expected}, not {actual}"),
                )
            }
            ViolationKind::Missing { field } => {
                let mut full = violation.path.clone();
                full.push(PathSegment::Key(field.clone()));
                (
                    found.label_range(),
                    format!(
                        "{subject} lacks the required field `{}`",
                        display_path(&full)
                    ),
                )
            }
            ViolationKind::NotInEnum { allowed } => (
                found.label_range(),
                format!(
                    "{subject}: `{path}` is {}, not one of {}",
                    scalar_text(found.node),
                    allowed.join(", ")
                ),
            ),
            ViolationKind::Format { format } => (
                found.label_range(),
                format!(
                    "{subject}: `{path}` is {}, which is not {}",
                    scalar_text(found.node),
                    format_name(format)
                ),
            ),
            ViolationKind::Other(message) => (
                found.label_range(),
                format!("{subject}: `{path}`: {message}"),
            ),
        };
        let mut diagnostic = self.core_diagnostic(
            core_ids::SCHEMA_VIOLATION,
            message,
            Span {
                source: object.source,
                range,
            },
            Some(Arc::clone(&object.identity)),
        )?;
        diagnostic.object = Some(index);
        if let Some(help) = help {
            diagnostic.diagnostic.help = Some(help.into());
        }
        if matches!(violation.kind, ViolationKind::Missing { .. }) {
            diagnostic.diagnostic.primary = Label {
                span: diagnostic.diagnostic.primary.span,
                message: Some("this object".to_owned()),
            };
        }
        Some(diagnostic)
    }

    /// Whether a core rule is enabled.
    pub(super) fn core_enabled(&self, name: &str) -> bool {
        self.catalog
            .rules()
            .iter()
            .position(|r| r.is_core() && r.meta.name == name)
            .and_then(|index| self.enabled.get(index).copied().flatten())
            .is_some()
    }
}

/// `spec.template.spec.containers[0].image`, `metadata.annotations["example.com/x"]`.
pub(crate) fn display_path(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            PathSegment::Index(i) => out.push_str(&format!("[{i}]")),
            PathSegment::Key(key) => {
                let plain = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                } else {
                    out.push_str(&format!("[{key:?}]"));
                }
            }
        }
    }
    if out.is_empty() {
        out.push_str("(the object)");
    }
    out
}

fn scalar_text(node: &Node) -> String {
    match &node.value {
        Value::Str(text) => format!("{text:?}"),
        Value::Seq(_) | Value::Map(_) => type_of(&node.value).to_owned(),
        _ => node.to_json().to_string(),
    }
}

fn format_name(format: &str) -> String {
    match format {
        "quantity" => "a quantity (like 500m, 0.5, 2Gi or 1e3)".to_owned(),
        "byte" => "base64 (Secret `data` holds encoded values; use `stringData` for plain text)"
            .to_owned(),
        "date-time" => "an RFC 3339 date-time (like 2024-01-31T12:00:00Z)".to_owned(),
        other => format!("a valid {other}"),
    }
}

/// The help for a scalar that YAML did not read as a string where a string is expected:
/// YAML 1.1 words and octal numbers, which Kubernetes reads as booleans and numbers, get
/// their own explanation.
fn yaml11_help(value: &Value, text: &str, expected: &str) -> Option<String> {
    if !expected.contains("a string") {
        return None;
    }
    let quoted = text.starts_with(['"', '\'', '!', '&', '*']);
    if quoted || text.is_empty() {
        return None;
    }
    let plain = text.trim();
    match value {
        Value::Bool(b) => {
            let yaml12 = matches!(
                plain,
                "true" | "false" | "True" | "False" | "TRUE" | "FALSE"
            );
            Some(if yaml12 {
                format!("Quote the value (\"{plain}\") to make it a string.")
            } else {
                format!(
                    "`{plain}` is the boolean {b} in YAML 1.1, which Kubernetes reads; quote it (\"{plain}\") to keep the text."
                )
            })
        }
        Value::Int(i) => {
            let digits = plain.trim_start_matches(['+', '-']);
            let octal = digits.len() > 1
                && digits.starts_with('0')
                && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
            Some(if octal {
                format!(
                    "`{plain}` is the octal number {i} in YAML 1.1, which Kubernetes reads; quote it (\"{plain}\") to keep the text."
                )
            } else {
                format!("Quote the value (\"{plain}\") to make it a string.")
            })
        }
        Value::Float(_) => Some(format!(
            "Quote the value (\"{plain}\") to make it a string."
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn paths_read_like_kubectl_explain() {
        let path = [
            PathSegment::Key("metadata".into()),
            PathSegment::Key("annotations".into()),
            PathSegment::Key("example.com/x".into()),
        ];
        assert_eq!(
            display_path(&path),
            "metadata.annotations[\"example.com/x\"]"
        );
        let path = [
            PathSegment::Key("spec".into()),
            PathSegment::Key("containers".into()),
            PathSegment::Index(0),
            PathSegment::Key("image".into()),
        ];
        assert_eq!(display_path(&path), "spec.containers[0].image");
    }

    #[test]
    fn yaml_1_1_table() {
        let help = |value: Value, text: &str| yaml11_help(&value, text, "a string");
        for word in ["yes", "Yes", "YES", "no", "on", "Off", "y", "N"] {
            let value = crate::yaml::resolve_plain(word);
            let help = help(value, word).unwrap();
            assert!(help.contains("YAML 1.1"), "{word}: {help}");
            assert!(help.contains(&format!("(\"{word}\")")), "{word}: {help}");
        }
        assert!(
            help(Value::Int(420), "0644")
                .unwrap()
                .contains("octal number 420")
        );
        assert!(
            !help(Value::Bool(true), "true")
                .unwrap()
                .contains("YAML 1.1")
        );
        assert!(!help(Value::Int(12), "12").unwrap().contains("YAML 1.1"));
        assert_eq!(help(Value::Bool(true), "!!bool yes"), None);
        assert_eq!(yaml11_help(&Value::Bool(true), "yes", "an integer"), None);
    }
}

#[cfg(test)]
mod lifecycle_tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use crate::schema::{VERSIONS, embedded_kinds};
    use crate::{Catalog, Config, Linter};

    /// The lifecycle table (rules/lib/lifecycle.rego) and the embedded schemas agree: every
    /// API the schemas stop serving is in the table with that release, every removal the
    /// table places inside the embedded range matches the schemas, and replacements are
    /// served from the release the table says.
    #[test]
    fn the_lifecycle_table_matches_the_embedded_schemas() {
        let linter = Linter::new(Catalog::builtin().unwrap(), &Config::default()).unwrap();
        let table = crate::rules::Program::lifecycle(linter.catalog()).unwrap();
        let (oldest, newest) = (*VERSIONS.start(), *VERSIONS.end());
        let served: std::collections::BTreeMap<(String, String), Vec<u32>> = embedded_kinds()
            .unwrap()
            .into_iter()
            .map(|(api_version, kind, minors)| ((api_version, kind), minors))
            .collect();
        let mut problems = Vec::new();
        for ((api_version, kind), minors) in &served {
            let Some(&last) = minors.last() else { continue };
            if last == newest || kind.ends_with("List") {
                continue;
            }
            match table[api_version.as_str()][kind.as_str()]["removed"].as_u64() {
                Some(removed) if removed == u64::from(last + 1) => {}
                other => problems.push(format!(
                    "{api_version} {kind}: the schemas stop at 1.{last}, the table says removed in {other:?}"
                )),
            }
        }
        for (api_version, kinds) in table.as_object().unwrap() {
            for (kind, entry) in kinds.as_object().unwrap() {
                let removed = entry["removed"].as_u64().unwrap() as u32;
                let minors = served.get(&(api_version.clone(), kind.clone()));
                if removed > oldest && removed <= newest + 1 {
                    let last = minors.and_then(|m| m.last()).copied();
                    if last != Some(removed - 1) {
                        problems.push(format!(
                            "{api_version} {kind}: removed in 1.{removed} by the table, last served in {last:?} by the schemas"
                        ));
                    }
                }
                for replacement in entry["replacements"].as_array().unwrap() {
                    let (with, since) = (
                        replacement[0].as_str().unwrap(),
                        replacement[1].as_u64().unwrap() as u32,
                    );
                    let first = served
                        .get(&(with.to_owned(), kind.clone()))
                        .and_then(|m| m.first())
                        .copied();
                    let agrees = match first {
                        Some(first) if first > oldest => first == since,
                        Some(_) => since <= oldest,
                        None => since < oldest,
                    };
                    if !agrees {
                        problems.push(format!(
                            "{api_version} {kind}: replacement {with} served since 1.{since} by the table, first in {first:?} by the schemas"
                        ));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
