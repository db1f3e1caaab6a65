//! `--format json`: a documented, versioned shape (see docs/json-format.md) that the CI
//! formats and the WebAssembly API reuse.

use serde::Serialize;

use super::pretty::Pretty;
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

impl JsonDiagnostic<'_> {
    /// Writes the diagnostic as its derived `Serialize` does through serde_json's pretty
    /// printer.
    fn write(&self, out: &mut Pretty) {
        out.open(b'{');
        out.key(true, "rule");
        out.open(b'{');
        out.key(true, "id");
        out.string(&self.rule.id);
        out.key(false, "name");
        out.string(&self.rule.name);
        out.close(b'}', true);
        out.key(false, "severity");
        out.string(self.severity.as_str());
        out.key(false, "message");
        out.string(self.message);
        location(out, false, self.file, self.start, self.end);
        out.key(false, "object");
        match self.object {
            Some(object) => {
                out.open(b'{');
                out.key(true, "apiVersion");
                out.string(&object.api_version);
                out.key(false, "kind");
                out.string(&object.kind);
                if let Some(namespace) = &object.namespace {
                    out.key(false, "namespace");
                    out.string(namespace);
                }
                if let Some(name) = &object.name {
                    out.key(false, "name");
                    out.string(name);
                }
                out.close(b'}', true);
            }
            None => out.null(),
        }
        out.key(false, "help");
        out.optional_string(self.help);
        out.key(false, "url");
        out.optional_string(self.url);
        out.key(false, "related");
        out.open(b'[');
        for (index, related) in self.related.iter().enumerate() {
            out.element(index == 0);
            out.open(b'{');
            location(out, true, related.file, related.start, related.end);
            out.key(false, "message");
            out.optional_string(related.message);
            out.close(b'}', true);
        }
        out.close(b']', !self.related.is_empty());
        out.close(b'}', true);
    }
}

/// `"file": ..., "start": {...}, "end": {...}`.
fn location(out: &mut Pretty, first: bool, file: &str, start: Position, end: Position) {
    out.key(first, "file");
    out.string(file);
    out.key(false, "start");
    position(out, start);
    out.key(false, "end");
    position(out, end);
}

fn position(out: &mut Pretty, position: Position) {
    out.open(b'{');
    out.key(true, "line");
    out.number(position.line);
    out.key(false, "column");
    out.number(position.column);
    out.key(false, "offset");
    out.number(position.offset);
    out.close(b'}', true);
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
    let parallel = cfg!(feature = "parallel") && report.diagnostics.len() >= parallel_from;
    write_document(&document, &mut buffered, parallel, part)?;
    std::io::Write::write_all(&mut buffered, b"\n")?;
    std::io::Write::flush(&mut buffered)
}

/// `serde_json::to_writer_pretty` of the document, the diagnostics written by hand (see
/// [`pretty`](super::pretty)): the same bytes. With `parallel`, the diagnostics are rendered in
/// parts by the run's threads, a few parts at a time, one per thread, and written before the
/// next ones, so that the text is never all in memory (66 MB at 10,000 objects).
fn write_document(
    document: &Document,
    out: &mut impl std::io::Write,
    parallel: bool,
    part: usize,
) -> std::io::Result<()> {
    let reported: Vec<&Diagnostic> = document.diagnostics.report.reported().collect();
    let sources = document.diagnostics.sources;
    let threads = if parallel {
        crate::lint::threads().max(1)
    } else {
        1
    };
    let render = |diagnostics: &[&Diagnostic]| {
        let mut text = Vec::new();
        for d in diagnostics {
            if let Some(d) = diagnostic(sources, d) {
                // Each diagnostic as `,\n    {...}`; the first one's comma is left out below.
                let mut pretty = Pretty::new(&mut text, 2);
                pretty.element(false);
                d.write(&mut pretty);
            }
        }
        text
    };

    out.write_all(b"{\n  \"version\": ")?;
    serde_json::to_writer(&mut *out, &document.version)?;
    out.write_all(b",\n  \"tool\": ")?;
    nested(&mut *out, 1, &document.tool)?;
    out.write_all(b",\n  \"diagnostics\": [")?;
    let mut first = true;
    let part = part.max(1);
    for window in reported.chunks(part.saturating_mul(threads)) {
        let rendered = if parallel {
            crate::lint::par_map(window.chunks(part).collect(), render)
        } else {
            vec![render(window)]
        };
        for text in rendered {
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
    use super::{document, write_json_from};
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

    /// serde_json's pretty printer's text of the report's derived `Serialize`.
    fn serialized(report: &crate::Report, sources: &SourceSet) -> String {
        serde_json::to_string_pretty(&document(report, sources)).unwrap() + "\n"
    }

    /// Written in parts or whole, the report is serde_json's text of it, byte for byte:
    /// findings with related locations, a suppressed one, objects without a namespace,
    /// strings with escapes, several files, and no findings.
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
        // A role bound twice: its findings have two related locations.
        sources.add(SourceFile::new(
            "c.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: [{apiGroups: [''], resources: [secrets], verbs: [get, list]}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: one}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}\nsubjects: [{kind: ServiceAccount, name: a, namespace: default}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: two}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}\nsubjects: [{kind: ServiceAccount, name: b, namespace: default}]\n",
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
        assert!(report.diagnostics.iter().any(|d| d.related.len() > 1));
        // What the rules above do not write: no help, url or object, an object in a
        // namespace, a related location without a message, control characters.
        let mut report = report;
        let mut odd = report.diagnostics[0].clone();
        odd.help = None;
        odd.url = None;
        odd.object = None;
        odd.message = "tab\t, \u{1}, \u{7f}, é, \"quoted\" \\".to_owned();
        let mut other = odd.clone();
        other.object = Some(std::sync::Arc::new(crate::diagnostic::ObjectRef {
            api_version: "v1".to_owned(),
            kind: "Pod".to_owned(),
            namespace: Some("web".to_owned()),
            name: None,
        }));
        other.related = vec![crate::diagnostic::Label {
            span: odd.primary.span,
            message: None,
        }];
        report.diagnostics.extend([odd, other]);
        let whole = written(&report, &sources, usize::MAX, 1);
        assert_eq!(whole, serialized(&report, &sources));
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
        assert_eq!(
            written(&nothing, &empty, 0, 1),
            serialized(&nothing, &empty)
        );
    }
}
