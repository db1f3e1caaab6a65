//! The default terminal format: miette's graphical report, one block per finding, with the
//! source snippet and the node underlined.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, SourceSet};

/// How to draw the human format.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    /// ANSI colours and terminal hyperlinks.
    pub color: bool,
    /// Wrap width.
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
        }
    }
}

struct View<'a> {
    diagnostic: &'a Diagnostic,
    code: String,
    source: NamedSource<std::sync::Arc<str>>,
    help: Option<std::sync::Arc<str>>,
    /// Related places in other files, each drawn with its own snippet.
    elsewhere: Vec<Elsewhere>,
}

/// A related place in another file than the finding's.
struct Elsewhere {
    message: String,
    source: NamedSource<std::sync::Arc<str>>,
    range: crate::source::TextRange,
}

impl fmt::Debug for Elsewhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Elsewhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Elsewhere {}

impl miette::Diagnostic for Elsewhere {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            None,
            (self.range.start as usize, self.range.len() as usize),
        ))))
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.elsewhere.is_empty() {
            return None;
        }
        Some(Box::new(
            self.elsewhere.iter().map(|e| e as &dyn miette::Diagnostic),
        ))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = &self.diagnostic.primary;
        let file = primary.span.source;
        let label = |range: crate::source::TextRange, message: Option<String>, primary: bool| {
            let span = (range.start as usize, range.len() as usize);
            if primary {
                LabeledSpan::new_primary_with_span(message, span)
            } else {
                LabeledSpan::new_with_span(message, span)
            }
        };
        let labels = std::iter::once(label(primary.span.range, primary.message.clone(), true))
            .chain(
                self.diagnostic
                    .related
                    .iter()
                    .filter(move |l| l.span.source == file)
                    .map(move |l| label(l.span.range, l.message.clone(), false)),
            );
        Some(Box::new(labels))
    }
}

fn view<'a>(diagnostic: &'a Diagnostic, file: &SourceFile, sources: &SourceSet) -> View<'a> {
    // Related places in other files cannot share the snippet; each gets its own.
    let elsewhere = diagnostic
        .related
        .iter()
        .filter(|l| l.span.source != diagnostic.primary.span.source)
        .filter_map(|label| {
            let other = sources.get(label.span.source)?;
            Some(Elsewhere {
                message: label
                    .message
                    .clone()
                    .unwrap_or_else(|| "related".to_owned()),
                source: NamedSource::new(other.path(), other.shared_text()).with_language("yaml"),
                range: label.span.range,
            })
        })
        .collect();
    View {
        diagnostic,
        code: format!("{}/{}", diagnostic.rule.id, diagnostic.rule.name),
        source: NamedSource::new(file.path(), file.shared_text()).with_language("yaml"),
        help: diagnostic.help.clone(),
        elsewhere,
    }
}

/// Renders every reported finding, then a summary line.
pub fn human(report: &Report, sources: &SourceSet, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(options.color)
        .with_urls(options.color)
        .with_context_lines(1);
    let mut out = String::new();
    for diagnostic in report.reported() {
        let Some(file) = sources.get(diagnostic.primary.span.source) else {
            continue;
        };
        let view = view(diagnostic, file, sources);
        if handler.render_report(&mut out, &view).is_err() {
            out.push_str(&diagnostic.message);
        }
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out
}

/// `1 error, 2 warnings, 0 infos in 3 files (4 objects)`, and what was suppressed.
pub(super) fn summary_line(report: &Report) -> String {
    let summary = report.summary();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {}, {} in {} ({})",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info"),
        plural(summary.files, "file"),
        plural(summary.objects, "object"),
    );
    if summary.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", summary.suppressed));
    }
    if summary.baselined > 0 {
        line.push_str(&format!(", {} in the baseline", summary.baselined));
    }
    line.push('\n');
    line
}

/// An error that is not a finding (a configuration mistake), drawn like one: the file, the
/// snippet and the bytes at fault.
pub fn snippet_error(
    path: &str,
    text: &str,
    range: crate::source::TextRange,
    message: &str,
) -> String {
    #[derive(Debug)]
    struct Plain<'a> {
        message: &'a str,
        source: NamedSource<String>,
        span: (usize, usize),
    }
    impl fmt::Display for Plain<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.message)
        }
    }
    impl std::error::Error for Plain<'_> {}
    impl miette::Diagnostic for Plain<'_> {
        fn source_code(&self) -> Option<&dyn SourceCode> {
            Some(&self.source)
        }
        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            Some(Box::new(std::iter::once(
                LabeledSpan::new_primary_with_span(None, self.span),
            )))
        }
    }
    let file = SourceFile::new(path, text);
    let position = file.position(range.start);
    let plain = Plain {
        message,
        source: NamedSource::new(path, text.to_owned()).with_language("yaml"),
        span: (range.start as usize, range.len() as usize),
    };
    let mut out = format!(
        "error: {path}:{}:{}: {message}\n",
        position.line, position.column
    );
    let handler =
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
    if handler.render_report(&mut out, &plain).is_err() {
        out.push_str(message);
    }
    out
}
