//! `--format checkstyle`: Checkstyle XML, read by reviewdog, Jenkins' warnings plugin,
//! SonarQube and many CI tools. Every linted file is listed; each reported finding is an
//! `<error>` with its line, column, severity (`error`, `warning`, `info`), message and
//! `source` (`kubeward.KW301.image-latest-tag`).

use std::fmt::Write as _;

use super::Report;
use super::xml::attributes;
use crate::source::SourceSet;

/// The report as Checkstyle XML.
pub fn checkstyle(report: &Report, sources: &SourceSet) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for (source, file) in sources.iter().filter(|(_, f)| f.is_reported()) {
        let errors: Vec<String> = report
            .reported()
            .filter(|d| d.primary.span.source == source)
            .map(|d| {
                let position = file.position(d.primary.span.range.start);
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    let _ = write!(message, " ({help})");
                }
                format!(
                    "    <error{}/>\n",
                    attributes(&[
                        ("line", position.line.to_string()),
                        ("column", position.column.to_string()),
                        ("severity", d.severity.to_string()),
                        ("message", message),
                        ("source", format!("kubeward.{}.{}", d.rule.id, d.rule.name)),
                    ])
                )
            })
            .collect();
        let name = attributes(&[("name", file.path().to_owned())]);
        if errors.is_empty() {
            let _ = writeln!(out, "  <file{name}/>");
        } else {
            let _ = write!(out, "  <file{name}>\n{}  </file>\n", errors.concat());
        }
    }
    out.push_str("</checkstyle>\n");
    out
}
