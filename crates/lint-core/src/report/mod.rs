//! Output formats. Each one is a view of [`Report`]: the diagnostics, positioned with the
//! sources' line index at render time.

mod human;
mod json;

pub use human::{HumanOptions, human, snippet_error};
pub use json::{JSON_FORMAT_VERSION, json};

use std::fmt::Write as _;

use crate::lint::Report;
use crate::source::SourceSet;

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
