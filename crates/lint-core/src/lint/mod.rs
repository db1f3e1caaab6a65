//! The lint pipeline: parse every file once, collect the objects into the run's inventory,
//! evaluate the selected rules per object, locate findings at their nodes, apply
//! suppressions. Files and objects are processed in parallel when the `parallel` feature is
//! on; the output is sorted, so it does not depend on the thread count.

mod setup;

pub use setup::{DEFAULT_KUBE_VERSION, DEFAULT_NAMESPACE, SetupError, parse_kube_version};

use std::collections::BTreeMap;

use regorus::Value as RegoValue;

use crate::diagnostic::{Diagnostic, Label, ObjectRef, RuleRef, Severity};
use crate::objects::{InvalidObject, Object, objects_of};
use crate::report::Report;
use crate::rules::{Catalog, Evaluator, Program, RawFinding, Rule, core_ids, to_rego};
use crate::source::{SourceFile, SourceId, SourceSet, Span, TextRange};
use crate::suppress::{self, Directive};
use crate::yaml::{self, YamlErrorKind, first_line};

/// A configured linter: rules compiled, ready to lint any number of source sets.
#[derive(Debug, Clone)]
pub struct Linter {
    pub(crate) catalog: Catalog,
    pub(crate) program: Program,
    /// Per catalogue rule: its severity when selected.
    pub(crate) enabled: Vec<Option<Severity>>,
    pub(crate) default_namespace: String,
}

impl Linter {
    /// Lints a set of files.
    pub fn lint(&self, sources: &SourceSet) -> Report {
        let files: Vec<(SourceId, &SourceFile)> = sources.iter().collect();
        let parsed: Vec<FileOutcome> = par_map(files, |(id, file)| self.read_file(id, file));

        let mut diagnostics = Vec::new();
        let mut objects = Vec::new();
        let mut directives = Vec::new();
        for outcome in parsed {
            diagnostics.extend(outcome.diagnostics);
            objects.extend(outcome.objects);
            directives.extend(outcome.directives);
        }

        let inventory = self.inventory(&objects);
        // Context-only files (see `SourceFile::context_only`) are read, not linted.
        let object_count = objects
            .iter()
            .filter(|loaded| {
                sources
                    .get(loaded.object.source)
                    .is_some_and(SourceFile::is_reported)
            })
            .count();
        match self.program.evaluator(inventory) {
            Ok(evaluator) => {
                let targets: Vec<(usize, &LoadedObject)> = objects
                    .iter()
                    .enumerate()
                    .filter(|(_, loaded)| {
                        sources
                            .get(loaded.object.source)
                            .is_some_and(SourceFile::is_reported)
                            && self.program.wants(&loaded.object.identity.kind)
                    })
                    .collect();
                let found = par_map_init(
                    targets,
                    || evaluator.clone(),
                    |evaluator, (index, loaded)| self.evaluate(evaluator, &objects, index, loaded),
                );
                diagnostics.extend(found.into_iter().flatten());
            }
            Err(message) => {
                if let Some(diagnostic) = self.core_diagnostic(
                    core_ids::RULE_ERROR,
                    format!("rules could not be given the inventory: {message}"),
                    Span {
                        source: SourceId(0),
                        range: TextRange::empty(0),
                    },
                    None,
                ) {
                    diagnostics.push(diagnostic);
                }
            }
        }

        for (index, loaded) in objects.iter().enumerate() {
            for node in loaded.object.annotations(suppress::ANNOTATION) {
                if let Some(value) = node.as_str() {
                    directives.push(suppress::annotation_directive(
                        index,
                        Span {
                            source: loaded.object.source,
                            range: node.range,
                        },
                        value,
                    ));
                }
            }
        }
        self.apply_suppressions(sources, &mut diagnostics, &mut directives);

        diagnostics.retain(|d| {
            sources
                .get(d.diagnostic.primary.span.source)
                .is_some_and(SourceFile::is_reported)
        });
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Report {
            diagnostics: diagnostics.into_iter().map(|d| d.diagnostic).collect(),
            files: sources
                .iter()
                .filter(|(_, file)| file.is_reported())
                .count(),
            objects: object_count,
        }
    }

    fn read_file(&self, id: SourceId, file: &SourceFile) -> FileOutcome {
        let mut outcome = FileOutcome::default();
        let text = file.text();
        let span = |range: TextRange| Span { source: id, range };
        if let Some(offset) = file.invalid_utf8_at() {
            outcome.push(self.core_diagnostic(
                core_ids::YAML_SYNTAX,
                format!("file is not valid UTF-8 (invalid byte at offset {offset}); invalid bytes were replaced"),
                span(TextRange::empty(offset.min(text.len() as u32))),
                None,
            ));
        }
        let parsed = yaml::parse(text);
        for error in &parsed.errors {
            let (name, related) = match error.kind {
                YamlErrorKind::DuplicateKey { first } => (
                    core_ids::DUPLICATE_KEY,
                    vec![Label {
                        span: span(first),
                        message: Some("first written here".to_owned()),
                    }],
                ),
                YamlErrorKind::Syntax | YamlErrorKind::Invalid => {
                    (core_ids::YAML_SYNTAX, Vec::new())
                }
            };
            let message = match error.kind {
                YamlErrorKind::DuplicateKey { first } => format!(
                    "{} (first written on line {}; the last value wins)",
                    error.message,
                    file.position(first.start).line
                ),
                _ => error.message.clone(),
            };
            let mut diagnostic =
                self.core_diagnostic(name, message, span(first_line(text, error.range)), None);
            if let Some(d) = diagnostic.as_mut() {
                d.diagnostic.related = related;
            }
            outcome.push(diagnostic);
        }
        let mut objects = Vec::new();
        let mut invalid = Vec::new();
        for (index, document) in parsed.documents.into_iter().enumerate() {
            objects_of(id, index, document, &mut objects, &mut invalid);
        }
        for InvalidObject { range, message } in invalid {
            outcome.push(self.core_diagnostic(
                core_ids::INVALID_OBJECT,
                message,
                span(range),
                None,
            ));
        }
        outcome.objects = objects
            .into_iter()
            .map(|object| LoadedObject {
                value: to_rego(&object.node),
                object,
            })
            .collect();
        outcome.directives = suppress::comment_directives(id, file, &parsed.comments);
        outcome
    }

    /// `data.kubeward.inventory[kind][namespace][name]` = the objects with that identity.
    fn inventory(&self, objects: &[LoadedObject]) -> RegoValue {
        type Names = BTreeMap<RegoValue, Vec<RegoValue>>;
        let mut index: BTreeMap<&str, BTreeMap<&str, Names>> = BTreeMap::new();
        for loaded in objects {
            let identity = &loaded.object.identity;
            let name = identity.name.as_deref().unwrap_or("");
            index
                .entry(identity.kind.as_str())
                .or_default()
                .entry(loaded.object.effective_namespace(&self.default_namespace))
                .or_default()
                .entry(RegoValue::from(name))
                .or_default()
                .push(loaded.value.clone());
        }
        let kinds: BTreeMap<RegoValue, RegoValue> = index
            .into_iter()
            .map(|(kind, namespaces)| {
                let namespaces: BTreeMap<RegoValue, RegoValue> = namespaces
                    .into_iter()
                    .map(|(ns, names)| {
                        let names: BTreeMap<RegoValue, RegoValue> = names
                            .into_iter()
                            .map(|(name, objs)| (name, RegoValue::from(objs)))
                            .collect();
                        (RegoValue::from(ns), RegoValue::from(names))
                    })
                    .collect();
                (RegoValue::from(kind), RegoValue::from(namespaces))
            })
            .collect();
        RegoValue::from(kinds)
    }

    fn evaluate(
        &self,
        evaluator: &mut Evaluator,
        objects: &[LoadedObject],
        index: usize,
        loaded: &LoadedObject,
    ) -> Vec<Located> {
        let object = &loaded.object;
        let mut located = Vec::new();
        for (rule_index, outcome) in evaluator.evaluate(loaded.value.clone(), &object.identity.kind)
        {
            let (Some(rule), Some(Some(severity))) = (
                self.catalog.rules().get(rule_index),
                self.enabled.get(rule_index),
            ) else {
                continue;
            };
            match outcome {
                Ok(findings) => {
                    for finding in findings {
                        located.extend(self.locate(rule, *severity, objects, index, finding));
                    }
                }
                Err(message) => {
                    let range = object.node.label_range();
                    if let Some(mut diagnostic) = self.core_diagnostic(
                        core_ids::RULE_ERROR,
                        format!(
                            "rule `{}` failed on {}: {message}",
                            rule.meta.name, object.identity
                        ),
                        Span {
                            source: object.source,
                            range,
                        },
                        Some(object.identity.clone()),
                    ) {
                        diagnostic.object = Some(index);
                        located.push(diagnostic);
                    }
                }
            }
        }
        located
    }

    /// Turns a rule's `{msg, path, related}` into a diagnostic at the node.
    fn locate(
        &self,
        rule: &Rule,
        severity: Severity,
        objects: &[LoadedObject],
        index: usize,
        finding: RawFinding,
    ) -> Option<Located> {
        let object = &objects.get(index)?.object;
        let range = object.node.lookup(&finding.path).label_range();
        let related = finding
            .related
            .into_iter()
            .filter_map(|related| {
                let target = match &related.object {
                    None => object,
                    Some((kind, namespace, name)) => {
                        objects.iter().map(|l| &l.object).find(|o| {
                            &o.identity.kind == kind
                                && o.identity.name.as_deref() == Some(name.as_str())
                                && namespace.as_deref().is_none_or(|ns| {
                                    o.effective_namespace(&self.default_namespace) == ns
                                })
                        })?
                    }
                };
                Some(Label {
                    span: Span {
                        source: target.source,
                        range: target.node.lookup(&related.path).label_range(),
                    },
                    message: related.msg,
                })
            })
            .collect();
        Some(Located {
            diagnostic: Diagnostic {
                rule: RuleRef {
                    id: rule.meta.id.clone(),
                    name: rule.meta.name.clone(),
                },
                severity,
                message: finding.msg,
                primary: Label {
                    span: Span {
                        source: object.source,
                        range,
                    },
                    message: None,
                },
                related,
                help: Some(rule.meta.remediation.clone()),
                url: rule.url(),
                object: Some(object.identity.clone()),
                suppressed: None,
            },
            object: Some(index),
        })
    }

    /// A diagnostic of a core rule, if that rule is enabled.
    pub(crate) fn core_diagnostic(
        &self,
        name: &str,
        message: String,
        span: Span,
        object: Option<ObjectRef>,
    ) -> Option<Located> {
        let index = self
            .catalog
            .rules()
            .iter()
            .position(|r| r.is_core() && r.meta.name == name)?;
        let severity = self.enabled.get(index).copied().flatten()?;
        let rule = self.catalog.rules().get(index)?;
        Some(Located {
            diagnostic: Diagnostic {
                rule: RuleRef {
                    id: rule.meta.id.clone(),
                    name: rule.meta.name.clone(),
                },
                severity,
                message,
                primary: Label {
                    span,
                    message: None,
                },
                related: Vec::new(),
                help: Some(rule.meta.remediation.clone()),
                url: rule.url(),
                object,
                suppressed: None,
            },
            object: None,
        })
    }
}

/// An object with its Rego value, converted once and shared by input and inventory.
struct LoadedObject {
    object: Object,
    value: RegoValue,
}

/// A diagnostic and the object it is about, for object-level suppressions.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub(crate) diagnostic: Diagnostic,
    pub(crate) object: Option<usize>,
}

impl Located {
    fn sort_key(&self) -> impl Ord + '_ {
        self.diagnostic.sort_key()
    }
}

#[derive(Default)]
struct FileOutcome {
    diagnostics: Vec<Located>,
    objects: Vec<LoadedObject>,
    directives: Vec<Directive>,
}

impl FileOutcome {
    fn push(&mut self, diagnostic: Option<Located>) {
        self.diagnostics.extend(diagnostic);
    }
}

#[cfg(feature = "parallel")]
fn par_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.into_par_iter().map(f).collect()
}

#[cfg(not(feature = "parallel"))]
fn par_map<T, R>(items: Vec<T>, f: impl Fn(T) -> R) -> Vec<R> {
    items.into_iter().map(f).collect()
}

#[cfg(feature = "parallel")]
fn par_map_init<T: Send, S, R: Send>(
    items: Vec<T>,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, T) -> R + Sync + Send,
) -> Vec<R> {
    use rayon::prelude::*;
    items.into_par_iter().map_init(init, f).collect()
}

#[cfg(not(feature = "parallel"))]
fn par_map_init<T, S, R>(
    items: Vec<T>,
    init: impl Fn() -> S,
    f: impl Fn(&mut S, T) -> R,
) -> Vec<R> {
    let mut state = init();
    items.into_iter().map(|item| f(&mut state, item)).collect()
}
