//! `--format junit`: JUnit XML, which CI dashboards (GitLab, Jenkins, Azure Pipelines,
//! CircleCI, Buildkite) show as test results.
//!
//! One `<testsuite>` per linted file. In it, one `<testcase>` per object and rule with
//! findings (`KW301 image-latest-tag: Deployment shop/web`), failing when a finding reaches
//! the fail-on level, passing with the findings in `<system-out>` when they are below it,
//! and `<skipped>` when every finding of it is suppressed. A file without findings has one
//! passing test case, so dashboards count what was checked.

use std::fmt::Write as _;

use super::Report;
use super::xml::{attributes, escape_text};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, SourceId, SourceSet};

struct Case<'a> {
    name: String,
    line: u32,
    suppressed: bool,
    findings: Vec<&'a Diagnostic>,
}

impl Case<'_> {
    fn fails(&self, fail_on: Severity) -> bool {
        !self.suppressed && self.findings.iter().any(|d| d.severity >= fail_on)
    }
}

fn case_name(diagnostic: &Diagnostic) -> String {
    let subject = match &diagnostic.object {
        Some(object) => object.to_string(),
        None => "file".to_owned(),
    };
    format!("{} {}: {subject}", diagnostic.rule.id, diagnostic.rule.name)
}

fn cases<'a>(report: &'a Report, sources: &SourceSet, source: SourceId) -> Vec<Case<'a>> {
    let mut cases: Vec<Case<'a>> = Vec::new();
    for diagnostic in report
        .diagnostics
        .iter()
        .filter(|d| d.primary.span.source == source)
    {
        let name = case_name(diagnostic);
        let suppressed = diagnostic.suppressed.is_some();
        match cases
            .iter_mut()
            .find(|case| case.name == name && case.suppressed == suppressed)
        {
            Some(case) => case.findings.push(diagnostic),
            None => cases.push(Case {
                name,
                line: sources
                    .get(source)
                    .map_or(1, |file| file.line_of(diagnostic.primary.span.range.start)),
                suppressed,
                findings: vec![diagnostic],
            }),
        }
    }
    cases
}

fn finding_line(file: &SourceFile, diagnostic: &Diagnostic) -> String {
    let position = file.position(diagnostic.primary.span.range.start);
    let mut line = format!(
        "{}:{}:{}: {} [{}/{}] {}",
        file.path(),
        position.line,
        position.column,
        diagnostic.severity,
        diagnostic.rule.id,
        diagnostic.rule.name,
        diagnostic.message
    );
    if let Some(help) = &diagnostic.help {
        let _ = write!(line, "\n  help: {help}");
    }
    if let Some(url) = &diagnostic.url {
        let _ = write!(line, "\n  see: {url}");
    }
    line
}

/// The report as JUnit XML; findings at or above `fail_on` are failures.
pub fn junit(report: &Report, sources: &SourceSet, fail_on: Severity) -> String {
    let mut suites = String::new();
    let (mut total, mut failures, mut skipped) = (0, 0, 0);
    // Rendered chart output is not a file of the repository: its findings are reported at
    // the chart's templates and values.
    for (source, file) in sources
        .iter()
        .filter(|(_, f)| f.is_reported() && f.role() != crate::source::Role::Rendered)
    {
        let mut cases = cases(report, sources, source);
        let clean = cases.is_empty();
        let path = file.path();
        let mut body = String::new();
        if clean {
            cases.push(Case {
                name: "no findings".to_owned(),
                line: 1,
                suppressed: false,
                findings: Vec::new(),
            });
        }
        let suite_failures = cases.iter().filter(|c| c.fails(fail_on)).count();
        let suite_skipped = cases.iter().filter(|c| c.suppressed).count();
        for case in &cases {
            let _ = write!(
                body,
                "    <testcase{}",
                attributes(&[
                    ("name", case.name.clone()),
                    ("classname", path.to_owned()),
                    ("file", path.to_owned()),
                    ("line", case.line.to_string()),
                ])
            );
            let text: Vec<String> = case
                .findings
                .iter()
                .map(|d| finding_line(file, d))
                .collect();
            let text = text.join("\n");
            if case.suppressed {
                let reasons: Vec<&str> = case
                    .findings
                    .iter()
                    .filter_map(|d| d.suppressed.as_ref()?.reason.as_deref())
                    .collect();
                let message = if reasons.is_empty() {
                    "suppressed".to_owned()
                } else {
                    format!("suppressed: {}", reasons.join("; "))
                };
                let _ = writeln!(
                    body,
                    ">\n      <skipped{}/>\n    </testcase>",
                    attributes(&[("message", message)])
                );
            } else if case.fails(fail_on) {
                let worst = case
                    .findings
                    .iter()
                    .max_by_key(|d| d.severity)
                    .map_or(Severity::Error, |d| d.severity);
                let message = case
                    .findings
                    .first()
                    .map(|d| d.message.clone())
                    .unwrap_or_default();
                let _ = writeln!(
                    body,
                    ">\n      <failure{}>{}</failure>\n    </testcase>",
                    attributes(&[("message", message), ("type", worst.to_string())]),
                    escape_text(&text)
                );
            } else if case.findings.is_empty() {
                body.push_str("/>\n");
            } else {
                let _ = writeln!(
                    body,
                    ">\n      <system-out>{}</system-out>\n    </testcase>",
                    escape_text(&text)
                );
            }
        }
        total += cases.len();
        failures += suite_failures;
        skipped += suite_skipped;
        let _ = write!(
            suites,
            "  <testsuite{}>\n{body}  </testsuite>\n",
            attributes(&[
                ("name", path.to_owned()),
                ("tests", cases.len().to_string()),
                ("failures", suite_failures.to_string()),
                ("errors", "0".to_owned()),
                ("skipped", suite_skipped.to_string()),
            ])
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites{}>\n{suites}</testsuites>\n",
        attributes(&[
            ("name", "kubeward".to_owned()),
            ("tests", total.to_string()),
            ("failures", failures.to_string()),
            ("errors", "0".to_owned()),
            ("skipped", skipped.to_string()),
        ])
    )
}
