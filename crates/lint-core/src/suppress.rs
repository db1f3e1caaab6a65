//! Suppressions: `# kubeward:ignore KW302 -- reason` on the offending line or the line above
//! it, and the `kubeward.io/ignore` annotation on an object or its pod template. A suppression
//! that matches nothing is itself reported.

use std::collections::HashMap;

use crate::diagnostic::{Suppression, SuppressionKind};
use crate::lint::{Linter, Located};
use crate::rules::core_ids;
use crate::source::{SourceFile, SourceId, SourceSet, Span, TextRange};
use crate::yaml::Comment;

/// The comment marker.
pub const COMMENT_MARKER: &str = "kubeward:ignore";
/// The annotation key.
pub const ANNOTATION: &str = "kubeward.io/ignore";

/// What a suppression covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Findings starting on this 1-based line of this file.
    Line(SourceId, u32),
    /// Findings about the object with this index in the run.
    Object(usize),
}

/// One suppression directive and which of its rules were used.
#[derive(Debug, Clone)]
pub(crate) struct Directive {
    pub scope: Scope,
    pub span: Span,
    pub reason: Option<String>,
    /// The rules it names, with whether a finding used each.
    pub rules: Vec<(String, bool)>,
}

/// Splits `KW301, image-latest-tag -- because` into rule keys and a reason.
fn parse_list(text: &str) -> (Vec<(String, bool)>, Option<String>) {
    // Another `#` starts a comment of its own.
    let text = text.split('#').next().unwrap_or(text);
    let (list, reason) = match text.split_once("--") {
        Some((list, reason)) => (
            list,
            Some(reason.trim().to_owned()).filter(|r| !r.is_empty()),
        ),
        None => (text, None),
    };
    let rules = list
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(|key| (key.to_owned(), false))
        .collect();
    (rules, reason)
}

/// Directives written as comments in a file.
pub(crate) fn comment_directives(
    id: SourceId,
    file: &SourceFile,
    comments: &[Comment],
) -> Vec<Directive> {
    let mut directives = Vec::new();
    for comment in comments {
        let Some(rest) = comment.text.trim_start().strip_prefix(COMMENT_MARKER) else {
            continue;
        };
        // `kubeward:ignored` is not the marker.
        if rest.starts_with(|c: char| !c.is_whitespace()) {
            continue;
        }
        let (rules, reason) = parse_list(rest);
        let line = file.line_of(comment.range.start);
        let line_start = file.line_range(line).start;
        let before = file.slice(TextRange::new(line_start, comment.range.start));
        // A comment alone on its line covers the next line; a trailing one its own.
        let target = if before.trim().is_empty() {
            line + 1
        } else {
            line
        };
        // The directive ends where another `#` starts a comment of its own.
        let own = comment.text.split('#').next().unwrap_or("").trim_end();
        let end = (comment.range.start + 1 + own.len() as u32).min(comment.range.end);
        directives.push(Directive {
            scope: Scope::Line(id, target),
            span: Span {
                source: id,
                range: TextRange::new(comment.range.start, end),
            },
            reason,
            rules,
        });
    }
    directives
}

/// A directive from an annotation value.
pub(crate) fn annotation_directive(object: usize, span: Span, value: &str) -> Directive {
    let (rules, reason) = parse_list(value);
    Directive {
        scope: Scope::Object(object),
        span,
        reason,
        rules,
    }
}

impl Linter {
    /// Marks the findings a directive covers as suppressed, and reports the directives (or
    /// the rules named in them) that covered nothing.
    pub(crate) fn apply_suppressions(
        &self,
        sources: &SourceSet,
        diagnostics: &mut Vec<Located>,
        directives: &mut [Directive],
    ) {
        let mut by_line: HashMap<(SourceId, u32), Vec<usize>> = HashMap::new();
        let mut by_object: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, directive) in directives.iter().enumerate() {
            match directive.scope {
                Scope::Line(source, line) => by_line.entry((source, line)).or_default().push(i),
                Scope::Object(object) => by_object.entry(object).or_default().push(i),
            }
        }
        for located in diagnostics.iter_mut() {
            let diagnostic = &mut located.diagnostic;
            if diagnostic.rule.name == core_ids::UNUSED_SUPPRESSION {
                continue;
            }
            let Some(file) = sources.get(diagnostic.primary.span.source) else {
                continue;
            };
            let line = file.line_of(diagnostic.primary.span.range.start);
            let candidates = by_line
                .get(&(diagnostic.primary.span.source, line))
                .into_iter()
                .flatten()
                .chain(
                    located
                        .object
                        .and_then(|o| by_object.get(&o))
                        .into_iter()
                        .flatten(),
                );
            let mut candidates = candidates.peekable();
            // Most findings have no directive: the rule is looked up only for those that do.
            if candidates.peek().is_none() {
                continue;
            }
            let Some(rule) = self.catalog.find(&diagnostic.rule.id) else {
                continue;
            };
            for &i in candidates {
                let Some(directive) = directives.get_mut(i) else {
                    continue;
                };
                let Some(entry) = directive
                    .rules
                    .iter_mut()
                    .find(|(key, _)| rule.is_named(key))
                else {
                    continue;
                };
                entry.1 = true;
                if diagnostic.suppressed.is_none() {
                    diagnostic.suppressed = Some(Box::new(Suppression {
                        kind: SuppressionKind::InSource,
                        span: Some(directive.span),
                        reason: directive.reason.clone(),
                    }));
                }
            }
        }
        for directive in directives.iter() {
            if directive.rules.is_empty() {
                diagnostics.extend(self.core_diagnostic(
                    core_ids::UNUSED_SUPPRESSION,
                    "suppression names no rule".to_owned(),
                    directive.span,
                    None,
                ));
            }
            for (key, used) in &directive.rules {
                if *used {
                    continue;
                }
                let message = match self.catalog.find(key) {
                    None => format!("`{key}` is not a kubeward rule"),
                    Some(rule) if !self.is_enabled(rule) => continue,
                    Some(rule) => format!(
                        "no {} ({}) finding here to suppress",
                        rule.meta.id, rule.meta.name
                    ),
                };
                diagnostics.extend(self.core_diagnostic(
                    core_ids::UNUSED_SUPPRESSION,
                    message,
                    directive.span,
                    None,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rule_lists_and_reasons() {
        let (rules, reason) = parse_list(" KW301, image-digest-missing KW101 -- pinned upstream ");
        let keys: Vec<_> = rules.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["KW301", "image-digest-missing", "KW101"]);
        assert_eq!(reason.as_deref(), Some("pinned upstream"));
    }

    #[test]
    fn comment_targets_its_line_or_the_next() {
        let text =
            "a: 1 # kubeward:ignore KW1\n# kubeward:ignore KW2\nb: 2\n# kubeward:ignored KW3\n";
        let file = SourceFile::new("x.yaml", text);
        let parsed = crate::yaml::parse(text);
        let directives = comment_directives(SourceId(0), &file, &parsed.comments);
        let scopes: Vec<_> = directives.iter().map(|d| d.scope).collect();
        assert_eq!(
            scopes,
            [Scope::Line(SourceId(0), 1), Scope::Line(SourceId(0), 3)]
        );
    }
}
