//! The one diagnostic type. Every output format (human, compact, JSON, and the CI formats)
//! is a view of it.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::source::Span;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run unless asked.
    Info,
    /// Likely a problem.
    #[default]
    Warning,
    /// A problem an attacker or an outage would find.
    Error,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}` (expected error, warning or info)"
            )),
        }
    }
}

/// Which rule produced a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RuleRef {
    /// Stable id, e.g. `KW301`.
    pub id: String,
    /// Stable name, e.g. `image-latest-tag`.
    pub name: String,
}

/// A span with an optional message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there, if more than the diagnostic's message says.
    pub message: Option<String>,
}

/// The Kubernetes object a diagnostic is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`, if written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `metadata.name`, if written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind)?;
        if let Some(namespace) = &self.namespace {
            write!(f, " {namespace}/")?;
        } else {
            f.write_str(" ")?;
        }
        f.write_str(self.name.as_deref().unwrap_or("<unnamed>"))
    }
}

/// Why a diagnostic is not reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// What silenced the finding.
    pub kind: SuppressionKind,
    /// Where the suppression is written: the comment or annotation; `None` for a baseline.
    pub span: Option<Span>,
    /// The reason given after `--`, if any, or the baseline that records the finding.
    pub reason: Option<String>,
}

/// What silenced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SuppressionKind {
    /// A `# kubeward:ignore` comment or a `kubeward.io/ignore` annotation in the manifests.
    InSource,
    /// An entry of a baseline file: the finding existed when the baseline was written.
    Baseline,
}

/// A finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule (shared by its findings).
    pub rule: Arc<RuleRef>,
    /// The severity after configuration.
    pub severity: Severity,
    /// One sentence naming the object and the value at fault.
    pub message: String,
    /// The node at fault.
    pub primary: Label,
    /// Other places that explain the finding.
    pub related: Vec<Label>,
    /// How to fix it (the rule's remediation, shared by its findings).
    pub help: Option<Arc<str>>,
    /// Where the rule is documented.
    pub url: Option<Arc<str>>,
    /// The object, when the finding is about one (shared by its findings).
    pub object: Option<Arc<ObjectRef>>,
    /// Set when a suppression matched; suppressed findings are kept for formats that
    /// record them (SARIF) and left out of the others.
    pub suppressed: Option<Box<Suppression>>,
}

impl Diagnostic {
    /// Orders diagnostics by file, position, rule and message, for deterministic output.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.primary.span.source,
            self.primary.span.range.start,
            self.primary.span.range.end,
            &self.rule.id,
            &self.message,
        )
    }
}
