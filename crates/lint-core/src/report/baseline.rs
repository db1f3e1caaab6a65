//! Baselines: adopt kubeward on a repository with existing findings by recording them, then
//! report and fail only on new ones. Entries are matched by [fingerprint](super::fingerprint),
//! so moving lines, reordering documents or editing other fields keeps them matched; the
//! same fingerprint recorded twice covers two findings.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{PathBase, Report, fingerprints};
use crate::diagnostic::{Suppression, SuppressionKind};
use crate::source::SourceSet;

/// Version of the baseline file shape.
pub const BASELINE_FORMAT_VERSION: u32 = 1;

/// A baseline file: the findings that existed when it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// [`BASELINE_FORMAT_VERSION`].
    pub version: u32,
    /// One entry per finding, sorted by file, rule and fingerprint.
    pub findings: Vec<BaselineEntry>,
}

/// One recorded finding. Only the fingerprint is matched; the rest is there for people
/// reviewing the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// The file, relative to the repository root.
    pub file: String,
    /// Rule id.
    pub rule: String,
    /// The fingerprint hash (without the occurrence).
    pub fingerprint: String,
    /// The message when recorded.
    pub message: String,
}

impl Baseline {
    /// The reported findings of a run (suppressed ones are not recorded: their suppression
    /// already covers them).
    pub fn from_report(report: &Report, sources: &SourceSet, base: &PathBase) -> Self {
        let prints = fingerprints(report, sources, base);
        let mut findings: Vec<BaselineEntry> = report
            .diagnostics
            .iter()
            .zip(prints)
            .filter(|(d, _)| d.suppressed.is_none())
            .map(|(d, print)| {
                let path = sources
                    .get(d.primary.span.source)
                    .map_or("", |file| file.path());
                BaselineEntry {
                    file: base.relative(path).unwrap_or_else(|| path.to_owned()),
                    rule: d.rule.id.clone(),
                    fingerprint: print.hash,
                    message: d.message.clone(),
                }
            })
            .collect();
        findings.sort();
        Self {
            version: BASELINE_FORMAT_VERSION,
            findings,
        }
    }

    /// The baseline as pretty JSON, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }

    /// Reads a baseline file.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|err| err.to_string())?;
        if baseline.version != BASELINE_FORMAT_VERSION {
            return Err(format!(
                "baseline version {} is not supported (expected {BASELINE_FORMAT_VERSION})",
                baseline.version
            ));
        }
        Ok(baseline)
    }
}

impl Report {
    /// Marks the reported findings that the baseline records as suppressed (kind
    /// [`SuppressionKind::Baseline`], with `name` as the reason), and returns how many.
    pub fn apply_baseline(
        &mut self,
        baseline: &Baseline,
        sources: &SourceSet,
        base: &PathBase,
        name: &str,
    ) -> usize {
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for entry in &baseline.findings {
            *remaining.entry(entry.fingerprint.as_str()).or_insert(0) += 1;
        }
        let prints = fingerprints(self, sources, base);
        let mut matched = 0;
        for (diagnostic, print) in self.diagnostics.iter_mut().zip(prints) {
            if diagnostic.suppressed.is_some() {
                continue;
            }
            let Some(left) = remaining.get_mut(print.hash.as_str()).filter(|n| **n > 0) else {
                continue;
            };
            *left -= 1;
            matched += 1;
            diagnostic.suppressed = Some(Box::new(Suppression {
                kind: SuppressionKind::Baseline,
                span: None,
                reason: Some(format!("recorded in the baseline {name}")),
            }));
        }
        matched
    }
}
