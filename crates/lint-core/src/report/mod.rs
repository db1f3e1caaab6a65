//! Output formats. Each one is a view of [`Report`]: the diagnostics, positioned with the
//! sources' line index at render time.

mod baseline;
mod checkstyle;
mod fingerprint;
mod github;
mod human;
mod json;
mod junit;
mod paths;
mod pretty;
mod sarif;
mod xml;

pub use baseline::{BASELINE_FORMAT_VERSION, Baseline, BaselineEntry};
pub use checkstyle::checkstyle;
pub use fingerprint::{FINGERPRINT_VERSION, Fingerprint, fingerprints};
pub use github::{
    escape_data as github_escape_data, escape_property as github_escape_property, github,
};
pub use human::{HumanOptions, human, snippet_error};
pub use json::{JSON_FORMAT_VERSION, json, json_value, write_json};
pub use junit::junit;
pub use paths::{PathBase, encode_uri_path, file_uri};
pub use sarif::{FINGERPRINT_KEY, SRCROOT, sarif};

use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, Severity, SuppressionKind};
use crate::source::SourceSet;

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every finding, sorted; suppressed ones included (see [`Diagnostic::suppressed`]).
    pub diagnostics: Vec<Diagnostic>,
    /// Files linted (context-only files are not counted).
    pub files: usize,
    /// Kubernetes objects found in the linted files.
    pub objects: usize,
}

/// Counts of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Files linted.
    pub files: usize,
    /// Objects found.
    pub objects: usize,
    /// Reported errors.
    pub errors: usize,
    /// Reported warnings.
    pub warnings: usize,
    /// Reported infos.
    pub infos: usize,
    /// Findings silenced by a suppression comment or annotation.
    pub suppressed: usize,
    /// Findings recorded in the baseline.
    pub baselined: usize,
}

impl Report {
    /// The findings that are reported (not suppressed).
    pub fn reported(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.suppressed.is_none())
    }

    /// Counts by severity.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            files: self.files,
            objects: self.objects,
            ..Summary::default()
        };
        for diagnostic in &self.diagnostics {
            match diagnostic.suppressed.as_ref().map(|s| s.kind) {
                Some(SuppressionKind::InSource) => {
                    summary.suppressed += 1;
                    continue;
                }
                Some(SuppressionKind::Baseline) => {
                    summary.baselined += 1;
                    continue;
                }
                None => {}
            }
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }

    /// Whether a reported finding is at or above `level`.
    pub fn fails(&self, level: Severity) -> bool {
        self.reported().any(|d| d.severity >= level)
    }
}

/// `file:line:col: severity [id/name] message`, one line per finding: for editors and grep.
pub fn compact(report: &Report, sources: &SourceSet) -> String {
    let mut out = String::new();
    for diagnostic in report.reported() {
        let span = diagnostic.primary.span;
        let (path, position) = match sources.get(span.source) {
            Some(file) => (file.path(), file.position(span.range.start)),
            None => continue,
        };
        let _ = writeln!(
            out,
            "{path}:{}:{}: {} [{}/{}] {}",
            position.line,
            position.column,
            diagnostic.severity,
            diagnostic.rule.id,
            diagnostic.rule.name,
            diagnostic.message
        );
    }
    out
}
