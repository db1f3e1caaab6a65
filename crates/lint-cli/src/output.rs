//! What the command prints: the report in a format, and the rule catalogue.

use std::fmt::Write as _;
use std::io::IsTerminal as _;

use lint_core::report::{self, HumanOptions, PathBase};
use lint_core::{Catalog, Report, Severity, SourceSet};

use crate::args::{ColorChoice, Format};

/// What every format may need besides the report.
pub struct View<'a> {
    pub sources: &'a SourceSet,
    pub catalog: &'a Catalog,
    /// Where the repository root is, for the CI formats' paths.
    pub base: &'a PathBase,
    pub fail_on: Severity,
}

/// The report in the chosen format; `terminal` says whether it goes to standard output
/// (colours are only ever written there).
pub fn render(
    report: &Report,
    view: &View<'_>,
    format: Format,
    color: ColorChoice,
    terminal: bool,
) -> String {
    let sources = view.sources;
    match format {
        Format::Human => {
            let color = terminal
                && match color {
                    ColorChoice::Always => true,
                    ColorChoice::Never => false,
                    ColorChoice::Auto => {
                        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                    }
                };
            let width = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(100);
            report::human(report, sources, HumanOptions { color, width })
        }
        Format::Compact => report::compact(report, sources),
        Format::Json => report::json(report, sources),
        Format::Sarif => report::sarif(report, sources, view.catalog, view.base),
        Format::Github => report::github(report, sources, view.base),
        Format::Junit => report::junit(report, sources, view.fail_on),
        Format::Checkstyle => report::checkstyle(report, sources),
    }
}

/// Writes the report in the chosen format; JSON is written diagnostic by diagnostic, so a
/// large run's report is never held in memory whole.
pub fn write(
    report: &Report,
    view: &View<'_>,
    format: Format,
    color: ColorChoice,
    terminal: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => report::write_json(report, view.sources, out),
        _ => out.write_all(render(report, view, format, color, terminal).as_bytes()),
    }
}

/// `ID  NAME  SEVERITY  DEFAULT  CATEGORY  TITLE`, aligned.
pub fn rules_table(catalog: &Catalog) -> String {
    let rows: Vec<[String; 6]> = catalog
        .rules()
        .iter()
        .map(|rule| {
            [
                rule.meta.id.clone(),
                rule.meta.name.clone(),
                rule.meta.severity.to_string(),
                if rule.meta.opt_in { "opt-in" } else { "on" }.to_owned(),
                rule.meta.category.clone(),
                rule.meta.title.clone(),
            ]
        })
        .collect();
    let header = ["ID", "NAME", "SEVERITY", "DEFAULT", "CATEGORY", "TITLE"].map(str::to_owned);
    let mut widths = [0; 6];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<width$}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The catalogue as JSON.
pub fn rules_json(catalog: &Catalog) -> String {
    let rules: Vec<serde_json::Value> = catalog
        .rules()
        .iter()
        .map(lint_core::rules::catalog_entry)
        .collect();
    let mut out = serde_json::to_string_pretty(&rules).unwrap_or_default();
    out.push('\n');
    out
}

/// Every rule's documentation, one after the other.
pub fn rules_markdown(catalog: &Catalog) -> String {
    catalog
        .rules()
        .iter()
        .map(lint_core::rules::markdown)
        .collect::<Vec<_>>()
        .join("\n")
}
