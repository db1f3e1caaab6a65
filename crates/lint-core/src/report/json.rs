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
    write_json_from(report, sources, out, PARALLEL_FROM, PART)
}

/// Reports of at least this many findings are written by the run's threads, in parts (a
/// 10,000-object run has some 70,000 findings, 66 MB of JSON; the shared manifests' 351
/// objects some 2,500, 2.3 MB, which took 8 ms of a 90 ms run on one thread).
const PARALLEL_FROM: usize = 512;

fn write_json_from(
    report: &Report,
    sources: &SourceSet,
    out: &mut dyn std::io::Write,
    parallel_from: usize,
    part: usize,
) -> std::io::Result<()> {
    // The serializer makes many small writes: buffered here, they are not each a call
    // through `dyn Write`.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    let document = document(report, sources);
    if cfg!(feature = "parallel") && report.diagnostics.len() >= parallel_from {
        write_in_parts(&document, &mut buffered, part)?;
    } else {
        serde_json::to_writer_pretty(&mut buffered, &document)?;
    }
    std::io::Write::write_all(&mut buffered, b"\n")?;
    std::io::Write::flush(&mut buffered)
}

/// `serde_json::to_writer_pretty` of the document, with the diagnostics rendered in parts by
/// the run's threads: the same bytes. Parts are rendered a few at a time, one per thread,
/// and written before the next ones, so that the text is never all in memory (66 MB at
/// 10,000 objects).
fn write_in_parts(
    document: &Document,
    out: &mut impl std::io::Write,
    part: usize,
) -> std::io::Result<()> {
    let reported: Vec<&Diagnostic> = document.diagnostics.report.reported().collect();
    let sources = document.diagnostics.sources;
    let threads = crate::lint::threads().max(1);

    out.write_all(b"{\n  \"version\": ")?;
    serde_json::to_writer(&mut *out, &document.version)?;
    out.write_all(b",\n  \"tool\": ")?;
    nested(&mut *out, 1, &document.tool)?;
    out.write_all(b",\n  \"diagnostics\": [")?;
    let mut first = true;
    let part = part.max(1);
    for window in reported.chunks(part.saturating_mul(threads)) {
        // Each diagnostic as `,\n    {...}`; the first one's comma is left out below.
        let rendered = crate::lint::par_map(window.chunks(part).collect(), |diagnostics| {
            let mut text = Vec::new();
            for d in diagnostics {
                if let Some(d) = diagnostic(sources, d) {
                    text.extend_from_slice(b",\n    ");
                    nested(&mut text, 2, &d)?;
                }
            }
            Ok::<_, serde_json::Error>(text)
        });
        for text in rendered {
            let text = text?;
            let text = match text.split_first() {
                Some((_comma, rest)) if first => rest,
                _ => &text,
            };
            first &= text.is_empty();
            out.write_all(text)?;
        }
    }
    out.write_all(if first { b"]" } else { b"\n  ]" })?;
    out.write_all(b",\n  \"summary\": ")?;
    nested(&mut *out, 1, &document.summary)?;
    out.write_all(b"\n}")
}

/// Diagnostics per part rendered by one thread (some 250 KB of text): small enough that a
/// report of a few thousand findings is shared out evenly between the threads.
const PART: usize = 256;

/// Writes a value as `serde_json::to_writer_pretty` does where it is nested `level` deep.
fn nested(
    out: &mut impl std::io::Write,
    level: usize,
    value: &impl Serialize,
) -> serde_json::Result<()> {
    let formatter = Nested {
        level,
        has_value: false,
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
}

/// serde_json's `PrettyFormatter` (two spaces per level) starting at a given level: it has
/// no way to be given one.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level = self.level.saturating_add(1);
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            self.newline(writer, true)?;
        }
        writer.write_all(bracket)
    }

    fn newline<W: ?Sized + std::io::Write>(
        &self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        for _ in 0..self.level {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(writer, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::write_json_from;
    use crate::{Catalog, Config, Linter, SourceFile, SourceSet};

    fn written(
        report: &crate::Report,
        sources: &SourceSet,
        parallel_from: usize,
        part: usize,
    ) -> String {
        let mut out = Vec::new();
        write_json_from(report, sources, &mut out, parallel_from, part).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Written in parts or whole, the report is the same bytes: findings with related
    /// locations, a suppressed one, strings with escapes, several files, and no findings.
    #[test]
    fn a_report_written_in_parts_is_the_report_written_whole() {
        let mut sources = SourceSet::new();
        sources.add(SourceFile::new(
            "a.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"we\\\"b\\n\"\n  name: dup\nspec:\n  containers:\n  - name: a\n    image: nginx:latest # kubeward:ignore KW301\n",
        ));
        sources.add(SourceFile::new(
            "b.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers: [{name: b, image: busybox, securityContext: {privileged: true}}]\n",
        ));
        let config = Config {
            select: Some(vec!["all".to_owned()]),
            ..Config::default()
        };
        let linter = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
        let report = linter.lint(&sources);
        assert!(report.diagnostics.len() > 20);
        assert!(report.diagnostics.iter().any(|d| !d.related.is_empty()));
        assert!(report.diagnostics.iter().any(|d| d.suppressed.is_some()));
        let whole = written(&report, &sources, usize::MAX, 1);
        // One part, then several windows of parts of one and of three diagnostics.
        for part in [usize::MAX, 1, 3] {
            assert_eq!(
                written(&report, &sources, 0, part),
                whole,
                "parts of {part}"
            );
        }
        serde_json::from_str::<serde_json::Value>(&whole).unwrap();

        let empty = SourceSet::new();
        let nothing = linter.lint(&empty);
        assert!(nothing.diagnostics.is_empty());
        assert_eq!(
            written(&nothing, &empty, 0, 1),
            written(&nothing, &empty, usize::MAX, 1)
        );
    }
}
