//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other result viewers.
//!
//! - The driver lists every rule of the catalogue as a `reportingDescriptor`, with its
//!   documentation as help, its default level and its category as a tag.
//! - Paths are relative to the repository root under the `SRCROOT` base (recorded in
//!   `originalUriBaseIds` when the root is known); columns count UTF-16 code units, SARIF's
//!   default, stated in `columnKind`.
//! - Each result has `partialFingerprints` that ignore line numbers (see
//!   [`fingerprint`](super::fingerprint)), under kubeward's own key and under
//!   `primaryLocationLineHash`, the one key GitHub reads, so alerts follow code that moves.
//! - Suppressed findings are results with `suppressions` (`inSource` for comments and
//!   annotations, `external` for baselines), not dropped: viewers show them as suppressed.

use serde::Serialize;

use super::{PathBase, Report, fingerprints};
use crate::diagnostic::{Diagnostic, Severity, SuppressionKind};
use crate::rules::{Catalog, Rule};
use crate::source::{SourceSet, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base id of paths relative to the repository root.
pub const SRCROOT: &str = "SRCROOT";
/// Key of kubeward's own fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "kubeward/v1";
/// GitHub's fingerprint key: filled with kubeward's so GitHub does not compute its own.
const GITHUB_FINGERPRINT_KEY: &str = "primaryLocationLineHash";
/// GitHub shows at most this many characters of a description.
const DESCRIPTION_LIMIT: usize = 1024;
/// Categories whose rules are about security rather than reliability or upkeep.
const SECURITY_CATEGORIES: &[&str] = &[
    "rbac",
    "network",
    "images",
    "egress",
    "hardening",
    "secrets",
];

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<serde_json::Value>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text,
    full_description: Markdown,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    help: Markdown,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Markdown {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    /// `false` for opt-in rules; SARIF's default, `true`, is left out.
    #[serde(skip_serializing_if = "is_true")]
    enabled: bool,
    level: &'static str,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if signature"
)]
fn is_true(value: &bool) -> bool {
    *value
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A sentence ends with a period (or another final mark), as SARIF viewers expect.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// At most `limit` characters, cut at a word boundary with an ellipsis.
fn truncated(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    if let Some(space) = cut.rfind(char::is_whitespace) {
        cut.truncate(space);
    }
    format!("{}…", cut.trim_end())
}

fn descriptor(rule: &Rule) -> Descriptor<'_> {
    let meta = &rule.meta;
    let description = meta.description.trim();
    let mut tags = vec![meta.category.clone()];
    if SECURITY_CATEGORIES.contains(&meta.category.as_str()) {
        tags.push("security".to_owned());
    }
    tags.push("kubernetes".to_owned());
    Descriptor {
        id: &meta.id,
        name: &meta.name,
        short_description: Text {
            text: sentence(&meta.title),
        },
        full_description: Markdown {
            text: truncated(
                &sentence(&description.replace('\n', " ")),
                DESCRIPTION_LIMIT,
            ),
            markdown: truncated(description, DESCRIPTION_LIMIT),
        },
        help_uri: rule.url(),
        help: Markdown {
            text: format!("{}\n\n{}", sentence(&meta.remediation), description),
            markdown: crate::rules::markdown(rule),
        },
        default_configuration: Configuration {
            enabled: !meta.opt_in,
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags,
            precision: "high",
            problem_severity: match meta.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
        },
    }
}

/// Where a path goes in SARIF: relative to `SRCROOT` when it is inside the repository, an
/// absolute `file:` URI otherwise.
fn artifact(path: &str, base: &PathBase) -> ArtifactLocation {
    match base.relative(path) {
        Some(relative) => ArtifactLocation {
            uri: super::paths::encode_uri_path(&relative),
            uri_base_id: Some(SRCROOT),
        },
        None => match base.absolute(path) {
            Some(absolute) => ArtifactLocation {
                uri: super::paths::file_uri(&absolute),
                uri_base_id: None,
            },
            None => ArtifactLocation {
                uri: super::paths::encode_uri_path(&path.replace('\\', "/")),
                uri_base_id: Some(SRCROOT),
            },
        },
    }
}

fn location(
    sources: &SourceSet,
    base: &PathBase,
    span: Span,
    message: Option<&str>,
) -> Option<Location> {
    let file = sources.get(span.source)?;
    let start = file.position(span.range.start);
    let end = file.position(span.range.end);
    let snippet = file.slice(span.range);
    // Rendered chart output is no file of the repository: the location is its text.
    if file.role() == crate::source::Role::Rendered {
        let line = file.line_text(start.line).trim();
        let text = match message {
            Some(m) => format!("{m}: `{line}`"),
            None => format!("`{line}`"),
        };
        return Some(Location {
            id: None,
            physical_location: None,
            logical_locations: Vec::new(),
            message: Some(Text {
                text: sentence(&text),
            }),
        });
    }
    Some(Location {
        id: None,
        physical_location: Some(PhysicalLocation {
            artifact_location: artifact(file.path(), base),
            region: Region {
                start_line: start.line,
                start_column: file.utf16_column(span.range.start),
                end_line: end.line,
                end_column: file.utf16_column(span.range.end),
                snippet: (!snippet.is_empty()).then(|| Text {
                    text: snippet.to_owned(),
                }),
            },
        }),
        logical_locations: Vec::new(),
        message: message.map(|m| Text { text: sentence(m) }),
    })
}

fn result<'a>(
    catalog: &Catalog,
    sources: &SourceSet,
    base: &PathBase,
    diagnostic: &'a Diagnostic,
    fingerprint: &super::Fingerprint,
) -> Option<SarifResult<'a>> {
    let mut primary = location(sources, base, diagnostic.primary.span, None)?;
    if let Some(object) = &diagnostic.object {
        let name = object.name.as_deref().unwrap_or("<unnamed>");
        let qualified = match &object.namespace {
            Some(namespace) => format!("{}/{namespace}/{name}", object.kind),
            None => format!("{}/{name}", object.kind),
        };
        primary.logical_locations.push(LogicalLocation {
            name: name.to_owned(),
            fully_qualified_name: qualified,
            kind: "object",
        });
    }
    let related_locations = diagnostic
        .related
        .iter()
        .filter_map(|label| {
            location(
                sources,
                base,
                label.span,
                Some(label.message.as_deref().unwrap_or("Related location")),
            )
        })
        .enumerate()
        .map(|(index, mut related)| {
            related.id = Some(index + 1);
            related
        })
        .collect();
    let mut partial_fingerprints = serde_json::Map::new();
    partial_fingerprints.insert(FINGERPRINT_KEY.to_owned(), fingerprint.to_string().into());
    partial_fingerprints.insert(
        GITHUB_FINGERPRINT_KEY.to_owned(),
        fingerprint.to_string().into(),
    );
    let suppressions = diagnostic
        .suppressed
        .iter()
        .map(|suppression| SarifSuppression {
            kind: match suppression.kind {
                SuppressionKind::InSource => "inSource",
                SuppressionKind::Baseline => "external",
            },
            status: "accepted",
            justification: suppression.reason.clone(),
            location: suppression
                .span
                .and_then(|span| location(sources, base, span, None)),
        })
        .collect();
    Some(SarifResult {
        rule_id: &diagnostic.rule.id,
        rule_index: catalog
            .rules()
            .iter()
            .position(|rule| rule.meta.id == diagnostic.rule.id),
        level: level(diagnostic.severity),
        message: Text {
            text: sentence(&diagnostic.message),
        },
        locations: vec![primary],
        related_locations,
        partial_fingerprints,
        suppressions,
    })
}

/// The report as a SARIF 2.1.0 log (pretty-printed, newline-terminated). `catalog` supplies
/// the rule descriptions; `base` says where the repository root is.
pub fn sarif(report: &Report, sources: &SourceSet, catalog: &Catalog, base: &PathBase) -> String {
    let prints = fingerprints(report, sources, base);
    let results = report
        .diagnostics
        .iter()
        .zip(&prints)
        .filter_map(|(diagnostic, print)| result(catalog, sources, base, diagnostic, print))
        .collect();
    let original_uri_base_ids = base.root_uri().map(|uri| {
        serde_json::json!({
            SRCROOT: {
                "uri": uri,
                "description": {"text": "The root of the repository that was linted."}
            }
        })
    });
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "kubeward",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: catalog.rules().iter().map(descriptor).collect(),
                },
            },
            original_uri_base_ids,
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_and_truncation() {
        assert_eq!(sentence("a finding"), "a finding.");
        assert_eq!(sentence("done."), "done.");
        assert_eq!(truncated("one two three", 9), "one two…");
        assert_eq!(truncated("short", 9), "short");
    }
}
