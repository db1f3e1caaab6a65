//! `--format json`: a documented, versioned shape (see docs/json-format.md) that the CI
//! formats and the WebAssembly API reuse.

use serde::Serialize;

use super::{Report, Summary};
use crate::diagnostic::{Diagnostic, ObjectRef, RuleRef, Severity};
use crate::source::{Position, SourceSet, Span};

/// Version of the JSON shape; bumped on any incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    diagnostics: Diagnostics<'a>,
    summary: Summary,
}

/// The reported diagnostics, serialized one by one as they are read: a report of a large run
/// is written without being held in memory twice.
struct Diagnostics<'a> {
    report: &'a Report,
    sources: &'a SourceSet,
}

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.report
                .reported()
                .filter_map(|d| diagnostic(self.sources, d)),
        )
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a RuleRef,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    start: Position,
    end: Position,
    object: Option<&'a ObjectRef>,
    help: Option<&'a str>,
    url: Option<&'a str>,
    related: Vec<Related<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    file: &'a str,
    start: Position,
    end: Position,
    message: Option<&'a str>,
}

fn located(sources: &SourceSet, span: Span) -> Option<(&str, Position, Position)> {
    let file = sources.get(span.source)?;
    Some((
        file.path(),
        file.position(span.range.start),
        file.position(span.range.end),
    ))
}

fn diagnostic<'a>(sources: &'a SourceSet, d: &'a Diagnostic) -> Option<JsonDiagnostic<'a>> {
    let (file, start, end) = located(sources, d.primary.span)?;
    Some(JsonDiagnostic {
        rule: &d.rule,
        severity: d.severity,
        message: &d.message,
        file,
        start,
        end,
        object: d.object.as_deref(),
        help: d.help.as_deref(),
        url: d.url.as_deref(),
        related: d
            .related
            .iter()
            .filter_map(|label| {
                let (file, start, end) = located(sources, label.span)?;
                Some(Related {
                    file,
                    start,
                    end,
                    message: label.message.as_deref(),
                })
            })
            .collect(),
    })
}

/// The report as JSON (pretty-printed, newline-terminated).
pub fn json(report: &Report, sources: &SourceSet) -> String {
    let mut out = Vec::new();
    // Writing to memory fails only if serialization does, which these types never do.
    let _ = write_json(report, sources, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the report as JSON (pretty-printed, newline-terminated), diagnostic by diagnostic.
pub fn write_json(
    report: &Report,
    sources: &SourceSet,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // The serializer makes many small writes: buffered here, they are not each a call
    // through `dyn Write`.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &document(report, sources))?;
    std::io::Write::write_all(&mut buffered, b"\n")?;
    std::io::Write::flush(&mut buffered)
}

/// The report as a JSON value, for callers that add to it before writing it.
pub fn json_value(report: &Report, sources: &SourceSet) -> serde_json::Value {
    // Serializing to a value fails only if serialization does, which these types never do.
    serde_json::to_value(document(report, sources)).unwrap_or_default()
}

fn document<'a>(report: &'a Report, sources: &'a SourceSet) -> Document<'a> {
    Document {
        version: JSON_FORMAT_VERSION,
        tool: Tool {
            name: "kubeward",
            version: env!("CARGO_PKG_VERSION"),
        },
        diagnostics: Diagnostics { report, sources },
        summary: report.summary(),
    }
}
