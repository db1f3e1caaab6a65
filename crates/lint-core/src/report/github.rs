//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request's changed lines.
//!
//! ```text
//! ::warning file=k8s/pod.yaml,line=9,col=12,endLine=9,endColumn=24,title=KW301 image-latest-tag::container "web" uses ...
//! ```
//!
//! Escaping follows the runner (actions/toolkit `command.ts`): in the message, `%`, CR and LF
//! become `%25`, `%0D`, `%0A`; in property values `:` and `,` also become `%3A` and `%2C`.
//! Columns are only given for findings on one line, as GitHub ignores them otherwise.
//! Paths are relative to the repository root, where GitHub resolves them.

use std::fmt::Write as _;

use super::{PathBase, Report};
use crate::diagnostic::Severity;
use crate::source::SourceSet;

/// Escapes a workflow command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command per reported finding (the message, then the remediation), and the
/// summary as a plain log line.
pub fn github(report: &Report, sources: &SourceSet, base: &PathBase) -> String {
    let mut out = String::new();
    for diagnostic in report.reported() {
        let span = diagnostic.primary.span;
        let Some(file) = sources.get(span.source) else {
            continue;
        };
        let start = file.position(span.range.start);
        let end = file.position(span.range.end);
        let path = base
            .relative(file.path())
            .unwrap_or_else(|| file.path().to_owned());
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = vec![("file", path), ("line", start.line.to_string())];
        if start.line == end.line {
            properties.push(("col", start.column.to_string()));
            properties.push(("endLine", end.line.to_string()));
            properties.push(("endColumn", end.column.to_string()));
        } else {
            properties.push(("endLine", end.line.to_string()));
        }
        properties.push((
            "title",
            format!("{} {}", diagnostic.rule.id, diagnostic.rule.name),
        ));
        let properties: Vec<String> = properties
            .into_iter()
            .map(|(key, value)| format!("{key}={}", escape_property(&value)))
            .collect();
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\n\n");
            message.push_str(help);
        }
        if let Some(url) = &diagnostic.url {
            message.push('\n');
            message.push_str(url);
        }
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        );
    }
    out.push_str(&super::human::summary_line(report));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_only_for_findings_on_one_line() {
        use crate::diagnostic::{Diagnostic, Label, RuleRef};
        use crate::source::{SourceFile, Span, TextRange};
        let mut sources = SourceSet::new();
        let id = sources.add(SourceFile::new("a.yaml", "key: |\n  one\n  two\n"));
        let diagnostic = |start, end| Diagnostic {
            rule: std::sync::Arc::new(RuleRef {
                id: "X1".into(),
                name: "x".into(),
            }),
            severity: Severity::Info,
            message: "50% done".into(),
            primary: Label {
                span: Span {
                    source: id,
                    range: TextRange::new(start, end),
                },
                message: None,
            },
            related: Vec::new(),
            help: None,
            url: None,
            object: None,
            suppressed: None,
        };
        let report = Report {
            diagnostics: vec![diagnostic(0, 3), diagnostic(5, 18)],
            files: 1,
            objects: 0,
        };
        let out = github(&report, &sources, &PathBase::identity());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[..2],
            [
                "::notice file=a.yaml,line=1,col=1,endLine=1,endColumn=4,title=X1 x::50%25 done",
                "::notice file=a.yaml,line=1,endLine=3,title=X1 x::50%25 done",
            ]
        );
    }

    #[test]
    fn escapes_as_the_runner_reads() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
