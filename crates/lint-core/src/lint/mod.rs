//! The lint pipeline: parse every file once, collect the objects into the run's inventory,
//! evaluate the selected rules per object, locate findings at their nodes, apply
//! suppressions. Files and objects are processed in parallel when the `parallel` feature is
//! on; the output is sorted, so it does not depend on the thread count.

mod schema;
mod setup;

pub use setup::{DEFAULT_KUBE_VERSION, DEFAULT_NAMESPACE, SetupError, parse_kube_version};

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use regorus::Value as RegoValue;

use crate::diagnostic::{Diagnostic, Label, ObjectRef, RuleRef, Severity};
use crate::objects::{InvalidObject, Object, objects_of};
use crate::report::Report;
use crate::rules::{
    Catalog, Keys, Outcomes, Program, ProgramId, RawFinding, Rule, RuleOutcome, core_ids, to_rego,
};
use crate::schema::Checked;
use crate::source::{Role, SourceFile, SourceId, SourceSet, Span, TextRange};
use crate::suppress::{self, Directive};
use crate::yaml::{self, Node, YamlErrorKind, first_line};

/// A configured linter: rules compiled, ready to lint any number of source sets.
#[derive(Debug, Clone)]
pub struct Linter {
    pub(crate) catalog: Catalog,
    pub(crate) program: Program,
    /// Per catalogue rule: its severity when selected.
    pub(crate) enabled: Vec<Option<Severity>>,
    pub(crate) default_namespace: String,
    /// Schema validation: target version, catalogue, compiled validators.
    pub(crate) schemas: crate::schema::Schemas,
    /// The API lifecycle table's (apiVersion, kind) pairs, with whether the target version
    /// serves them: `api-version-removed` reports those it does not, schema validation skips
    /// them.
    pub(crate) lifecycle: std::sync::Arc<BTreeMap<(String, String), bool>>,
    pub(crate) kube_version: (u32, u32),
    /// Per catalogue rule: its remediation and documentation URL, shared by its findings.
    pub(crate) texts: Vec<RuleTexts>,
}

/// What every finding of a rule repeats, allocated once per rule rather than per finding.
#[derive(Debug, Clone)]
pub(crate) struct RuleTexts {
    pub(crate) rule: Arc<RuleRef>,
    pub(crate) help: Arc<str>,
    pub(crate) url: Option<Arc<str>>,
}

impl RuleTexts {
    pub(crate) fn of(rule: &Rule) -> Self {
        RuleTexts {
            rule: Arc::new(RuleRef {
                id: rule.meta.id.clone(),
                name: rule.meta.name.clone(),
            }),
            help: rule.meta.remediation.as_str().into(),
            url: rule.url().map(Into::into),
        }
    }
}

/// What a linter found in one run, kept for the next: an editor lints the same files again
/// after each edit, and most objects, and what their rules looked up of the run, stay the
/// same. Use one cache with one linter ([`Linter::relint`]); a cache filled by another linter
/// is emptied first.
#[derive(Debug, Default)]
pub struct LintCache {
    /// The compiled rules the outcomes come from.
    program: Option<ProgramId>,
    /// Object (as the rules see it) → the outcomes of its rules in the last run.
    objects: BTreeMap<RegoValue, Outcomes>,
    /// Objects of the last run whose outcomes were reused.
    reused: usize,
    /// Object of an embedded kind → the outcome of its schema check in the last run.
    schemas: BTreeMap<RegoValue, Arc<Checked>>,
}

impl LintCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Objects whose outcomes are kept.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Objects of the last run whose rules were not evaluated again.
    pub fn reused(&self) -> usize {
        self.reused
    }
}

impl Linter {
    /// Lints a set of files.
    pub fn lint(&self, sources: &SourceSet) -> Report {
        self.run(sources, None, Free::Later)
    }

    /// The same report as [`Linter::lint`], for a process that ends once it has written the
    /// report (the command line): what the run parsed and indexed (the objects' values and
    /// trees, some 50 MB of heap at 10,000 objects) is not freed but left for the operating
    /// system to take back at exit. Freed one allocation at a time, it took a thread away from
    /// writing the report.
    ///
    /// ```
    /// use lint_core::{Catalog, Config, Linter, SourceFile, SourceSet};
    /// let linter = Linter::new(Catalog::builtin().unwrap(), &Config::default()).unwrap();
    /// let mut sources = SourceSet::new();
    /// sources.add(SourceFile::new("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:latest\n"));
    /// assert_eq!(linter.lint_before_exit(&sources).diagnostics, linter.lint(&sources).diagnostics);
    /// ```
    pub fn lint_before_exit(&self, sources: &SourceSet) -> Report {
        self.run(sources, None, Free::AtExit)
    }

    /// Lints a set of files again: the same report as [`Linter::lint`], but an object whose
    /// rules found something in the run that filled `cache` is not evaluated again when it is
    /// unchanged and every object, index entry or absence its rules looked up is too (rules
    /// that read `data.kubeward.inventory` or `data.kubeward.index` whole are evaluated every
    /// time). Keeps this run's outcomes in `cache` for the next.
    ///
    /// ```
    /// use lint_core::{Catalog, Config, LintCache, Linter, SourceFile, SourceSet};
    /// let linter = Linter::new(Catalog::builtin().unwrap(), &Config::default()).unwrap();
    /// let mut cache = LintCache::new();
    /// for image in ["nginx:latest", "nginx:1.27", "nginx:latest"] {
    ///     let mut sources = SourceSet::new();
    ///     sources.add(SourceFile::new("pod.yaml", format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: {image}\n")));
    ///     let report = linter.relint(&sources, &mut cache);
    ///     assert_eq!(report.diagnostics, linter.lint(&sources).diagnostics);
    /// }
    /// assert_eq!(cache.len(), 1);
    /// ```
    pub fn relint(&self, sources: &SourceSet, cache: &mut LintCache) -> Report {
        let program = self.program.id();
        if cache.program.as_ref() != Some(&program) {
            *cache = LintCache {
                program: Some(program),
                ..LintCache::default()
            };
        }
        self.run(sources, Some(cache), Free::Later)
    }

    fn run(&self, sources: &SourceSet, cache: Option<&mut LintCache>, free: Free) -> Report {
        self.run_keeping(sources, cache, KEEP_TREES_UP_TO, free)
    }

    /// [`Linter::run`], keeping the objects' trees when the run's sources total at most
    /// `keep_trees_up_to` bytes.
    fn run_keeping(
        &self,
        sources: &SourceSet,
        cache: Option<&mut LintCache>,
        keep_trees_up_to: usize,
        free: Free,
    ) -> Report {
        // A chart's own files are templates; their rendered output is linted instead.
        let files: Vec<(SourceId, &SourceFile)> = sources
            .iter()
            .filter(|(_, file)| file.role() != Role::Chart)
            .collect();
        // Relinting keeps the trees (an editor's few files); so does a run of moderate size:
        // locating an object's findings then does not parse its document again (5% of a
        // 10,000-object run), for some 7 bytes of memory per byte of source. Above
        // `keep_trees_up_to`, memory stays proportional to the objects' values alone.
        let source_bytes: usize = files.iter().map(|(_, file)| file.text().len()).sum();
        let keep_trees = cache.is_some() || source_bytes <= keep_trees_up_to;
        let parsed: Vec<FileOutcome> = par_map_init(files, Keys::default, |keys, (id, file)| {
            self.read_file(sources, id, file, keep_trees, keys)
        });

        // Every finding of the run ends up in one vector, which is sorted; built from the
        // parts below with its final capacity, so that growing it never holds two copies
        // (at 100,000 objects it takes ~120 MiB).
        let mut early = Vec::new();
        for problem in sources.chart_problems() {
            early.extend(self.core_diagnostic(
                core_ids::RENDER_ERROR,
                problem.message.clone(),
                problem.span,
                None,
            ));
        }
        let mut objects = Vec::new();
        let mut directives = Vec::new();
        for outcome in parsed {
            early.extend(outcome.diagnostics);
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
        for (index, loaded) in objects.iter().enumerate() {
            for (range, value) in &loaded.ignores {
                directives.push(suppress::annotation_directive(
                    index,
                    Span {
                        source: loaded.object.source,
                        range: *range,
                    },
                    value,
                ));
            }
        }
        let evaluator = match self
            .program
            .evaluator(inventory, object_count, cache.is_some())
        {
            Ok(evaluator) => Some(evaluator),
            Err(message) => {
                early.extend(self.core_diagnostic(
                    core_ids::RULE_ERROR,
                    format!("rules could not be given the inventory: {message}"),
                    Span {
                        source: SourceId(0),
                        range: TextRange::empty(0),
                    },
                    None,
                ));
                None
            }
        };
        let (previous, previous_schemas) = match cache.as_deref() {
            Some(cache) => (Some(&cache.objects), Some(&cache.schemas)),
            None => (None, None),
        };
        let schema_run = self.schema_run(&objects, previous_schemas);

        let indexes: Vec<usize> = (0..objects.len()).collect();
        let run_objects = RunObjects::new(&objects);
        let outcomes = par_map_init(
            indexes,
            || evaluator.clone(),
            |evaluator, index| {
                let mut outcome = ObjectOutcome::default();
                let Some(loaded) = objects.get(index).filter(|loaded| {
                    sources
                        .get(loaded.object.source)
                        .is_some_and(SourceFile::is_reported)
                }) else {
                    return outcome;
                };
                let node = node_of(sources, loaded);
                let kind = &loaded.object.identity.kind;
                // The object's rules and its schema check are independent: on two threads
                // when one is idle (a run of fewer objects than threads, where compiling the
                // kind's schema is as long as the rules), one after the other otherwise.
                let rules = || {
                    let evaluator = evaluator.as_mut().filter(|_| self.program.wants(kind))?;
                    let (outcomes, kept, reused) = match previous {
                        None => (evaluator.evaluate(loaded.value.clone(), kind), None, false),
                        Some(previous) => evaluator.evaluate_again(
                            loaded.value.clone(),
                            kind,
                            previous.get(&loaded.value),
                        ),
                    };
                    let located =
                        self.located(sources, outcomes, &run_objects, index, loaded, &node);
                    Some((
                        located,
                        kept.map(|kept| (loaded.value.clone(), kept)),
                        reused,
                    ))
                };
                let schema = || {
                    let schema_run = schema_run.as_ref()?;
                    let mut located = Vec::new();
                    let outcome =
                        self.check_schema(schema_run, sources, index, loaded, &node, &mut located);
                    Some((outcome, located))
                };
                let (rules, schema) = join(rules, schema);
                if let Some((located, kept, reused)) = rules {
                    outcome.located = located;
                    outcome.kept = kept;
                    outcome.reused = reused;
                }
                if let Some((checked, located)) = schema {
                    outcome.schema = checked;
                    outcome.located.extend(located);
                }
                // Kept until the run ends: without the room left by growing.
                outcome.located.shrink_to_fit();
                outcome
            },
        );

        let mut kept = BTreeMap::new();
        let mut reused = 0;
        let mut found = Vec::with_capacity(outcomes.len());
        let mut checked = Vec::new();
        for (index, outcome) in outcomes.into_iter().enumerate() {
            found.push(outcome.located);
            kept.extend(outcome.kept);
            reused += usize::from(outcome.reused);
            checked.extend(outcome.schema.map(|schema| (index, schema)));
        }
        drop(run_objects);
        let schema = self.schema_summary(&objects, &checked);
        let schemas_checked = schema_run.is_some();
        drop(schema_run);
        if let Some(cache) = cache {
            if evaluator.is_some() {
                cache.objects = kept;
                cache.reused = reused;
            }
            if schemas_checked {
                cache.schemas = checked
                    .iter()
                    .filter(|(_, schema)| schema.embedded)
                    .filter_map(|(index, schema)| {
                        Some((
                            objects.get(*index)?.value.clone(),
                            Arc::clone(&schema.checked),
                        ))
                    })
                    .collect();
            }
        }
        // What is left of the run is freed on another thread while the findings are sorted
        // and written: freeing a 10,000-object run's values, trees and indexes one allocation
        // at a time takes some 50 ms. A process about to end leaves it to the system.
        let rest = (objects, evaluator, checked);
        match free {
            Free::Later => drop_later(rest),
            Free::AtExit => std::mem::forget(rest),
        }
        // Room for an unused-suppression finding per rule named by a directive, too.
        let unused = directives
            .iter()
            .map(|directive| directive.rules.len().max(1))
            .sum::<usize>();
        let mut diagnostics = Vec::with_capacity(
            early.len() + found.iter().map(Vec::len).sum::<usize>() + schema.len() + unused,
        );
        diagnostics.append(&mut early);
        for located in found {
            diagnostics.extend(located);
        }
        diagnostics.extend(schema);
        self.apply_suppressions(sources, &mut diagnostics, &mut directives);
        let mut values = ValuesFiles::default();
        for located in &mut diagnostics {
            to_templates(sources, &mut values, &mut located.diagnostic);
        }

        diagnostics.retain(|d| {
            sources
                .get(d.diagnostic.primary.span.source)
                .is_some_and(SourceFile::is_reported)
        });
        sort_findings(sources, &mut diagnostics);
        Report {
            diagnostics: diagnostics.into_iter().map(|d| d.diagnostic).collect(),
            files: sources
                .iter()
                .filter(|(_, file)| file.role() != Role::Rendered && file.is_reported())
                .count(),
            objects: object_count,
        }
    }

    /// Parses a file into its objects and findings. With `keep_trees` (relinting in an
    /// editor, or a run of moderate size), the objects keep their trees.
    fn read_file(
        &self,
        sources: &SourceSet,
        id: SourceId,
        file: &SourceFile,
        keep_trees: bool,
        keys: &mut Keys,
    ) -> FileOutcome {
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
                    line_in_source(sources, file, first)
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
        // Per object: its document's bytes, and its position among the document's objects.
        let mut places = Vec::new();
        for (index, document) in parsed.documents.into_iter().enumerate() {
            let range = document.range;
            let before = objects.len();
            objects_of(id, index, document, &mut objects, &mut invalid);
            places.extend((0..objects.len() - before).map(|item| (range, item)));
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
            .zip(places)
            .map(|(mut object, (document_range, item))| {
                let value = to_rego(&object.node, keys);
                let ignores = object
                    .annotations(suppress::ANNOTATION)
                    .filter_map(|node| Some((node.range, node.as_str()?.to_owned())))
                    .collect();
                // The tree, with the position of every node, takes more memory than the
                // object's Rego value; unless it is kept, workers parse the document again
                // when they locate findings ([`node_of`]). The schema of a CRD is read from
                // its tree.
                let tree_kept = keep_trees || object.identity.kind == CRD_KIND;
                if !tree_kept {
                    let range = object.node.range;
                    object.node = Node::new(range, yaml::Value::Null);
                }
                LoadedObject {
                    value,
                    object,
                    tree_kept,
                    document_range,
                    item,
                    ignores,
                }
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

    /// The diagnostics of the outcomes of an object's rules, at their nodes.
    fn located(
        &self,
        sources: &SourceSet,
        outcomes: Vec<RuleOutcome>,
        objects: &RunObjects,
        index: usize,
        loaded: &LoadedObject,
        node: &Node,
    ) -> Vec<Located> {
        let object = &loaded.object;
        let mut located = Vec::new();
        for (rule_index, outcome) in outcomes {
            let (Some(rule), Some(Some(severity))) = (
                self.catalog.rules().get(rule_index),
                self.enabled.get(rule_index),
            ) else {
                continue;
            };
            match outcome {
                Ok(findings) => {
                    for finding in findings {
                        located.extend(self.locate(
                            sources, rule_index, *severity, objects, index, node, finding,
                        ));
                    }
                }
                Err(message) => {
                    let range = node.label_range();
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
    #[allow(clippy::too_many_arguments)]
    fn locate(
        &self,
        sources: &SourceSet,
        rule_index: usize,
        severity: Severity,
        objects: &RunObjects,
        index: usize,
        node: &Node,
        finding: RawFinding,
    ) -> Option<Located> {
        let object = &objects.all.get(index)?.object;
        let range = node.lookup(&finding.path).label_range();
        let related = finding
            .related
            .into_iter()
            .filter_map(|related| {
                let (source, range) = match &related.object {
                    None => (object.source, node.lookup(&related.path).label_range()),
                    Some((kind, namespace, name)) => {
                        let target = objects.find(kind, name, |l| {
                            namespace.as_deref().is_none_or(|ns| {
                                l.object.effective_namespace(&self.default_namespace) == ns
                            })
                        })?;
                        let node = node_of(sources, target);
                        (
                            target.object.source,
                            node.lookup(&related.path).label_range(),
                        )
                    }
                };
                Some(Label {
                    span: Span { source, range },
                    message: related.msg,
                })
            })
            .collect();
        let mut diagnostic = self.diagnostic(
            rule_index,
            severity,
            finding.msg,
            Span {
                source: object.source,
                range,
            },
            Some(Arc::clone(&object.identity)),
        )?;
        diagnostic.related = related;
        Some(Located {
            diagnostic,
            object: Some(index),
        })
    }

    /// A diagnostic of a core rule, if that rule is enabled.
    pub(crate) fn core_diagnostic(
        &self,
        name: &str,
        message: String,
        span: Span,
        object: Option<Arc<ObjectRef>>,
    ) -> Option<Located> {
        let index = self
            .catalog
            .rules()
            .iter()
            .position(|r| r.is_core() && r.meta.name == name)?;
        let severity = self.enabled.get(index).copied().flatten()?;
        Some(Located {
            diagnostic: self.diagnostic(index, severity, message, span, object)?,
            object: None,
        })
    }

    /// A finding of the catalogue rule at `index`, sharing the rule's texts.
    fn diagnostic(
        &self,
        index: usize,
        severity: Severity,
        message: String,
        span: Span,
        object: Option<Arc<ObjectRef>>,
    ) -> Option<Diagnostic> {
        let texts = self.texts.get(index)?;
        Some(Diagnostic {
            rule: Arc::clone(&texts.rule),
            severity,
            message,
            primary: Label {
                span,
                message: None,
            },
            related: Vec::new(),
            help: Some(Arc::clone(&texts.help)),
            url: texts.url.clone(),
            object,
            suppressed: None,
        })
    }
}

/// Sorts findings by file path (files added while rendering charts come last in the set),
/// position, rule and message, keeping the order of equal ones: the order
/// `(path, Diagnostic::sort_key)` gives. Findings are compared through compact keys, the
/// file's rank among the run's paths and the range, and looked at only to break ties:
/// comparing two findings' paths for every pair took most of the sort of a 100,000-object
/// run, which touched the findings themselves all over memory.
fn sort_findings(sources: &SourceSet, items: &mut [Located]) {
    // Each file's place in the order of (path, SourceId).
    let path = |id: SourceId| sources.get(id).map_or("", SourceFile::path);
    let mut ids: Vec<SourceId> = sources.iter().map(|(id, _)| id).collect();
    ids.sort_by(|&a, &b| (path(a), a).cmp(&(path(b), b)));
    let mut rank = vec![0u32; ids.len()];
    for (place, id) in ids.into_iter().enumerate() {
        if let Some(slot) = rank.get_mut(id.0 as usize) {
            *slot = u32::try_from(place).unwrap_or(u32::MAX);
        }
    }
    // A finding of a file outside the set (none is) would sort as its path "" did: first.
    let rank_of = |id: SourceId| rank.get(id.0 as usize).map_or(0, |&r| u64::from(r) + 1);
    let mut keys: Vec<(u64, u32, u32, usize)> = items
        .iter()
        .enumerate()
        .map(|(index, located)| {
            let span = located.diagnostic.primary.span;
            (
                rank_of(span.source),
                span.range.start,
                span.range.end,
                index,
            )
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then_with(|| match (items.get(a.3), items.get(b.3)) {
                (Some(x), Some(y)) => {
                    let (x, y) = (&x.diagnostic, &y.diagnostic);
                    (&x.rule.id, &x.message).cmp(&(&y.rule.id, &y.message))
                }
                _ => std::cmp::Ordering::Equal,
            })
            .then(a.3.cmp(&b.3))
    });
    permute(items, keys.into_iter().map(|key| key.3).collect());
}

/// Puts `items[order[i]]` at place i, for a permutation `order`, by following the
/// permutation's cycles: a sort needs memory for an index per item then rather than for half
/// of the items (which, at 100,000 objects, are 60 MiB of findings).
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    // The item for place i is at order[i]; a place is done once order[i] == i.
    for start in 0..order.len() {
        let mut current = start;
        while let Some(slot) = order.get_mut(current) {
            let next = std::mem::replace(slot, current);
            if next == start || next >= items.len() {
                break;
            }
            items.swap(current, next);
            current = next;
        }
    }
}

/// The line of a range as the user sees it: in the template, for rendered chart output.
fn line_in_source(sources: &SourceSet, file: &SourceFile, range: TextRange) -> u32 {
    file.origin()
        .and_then(|origin| origin.map(range))
        .and_then(|span| Some(sources.get(span.source)?.position(span.range.start).line))
        .unwrap_or_else(|| file.position(range.start).line)
}

/// Moves a finding in rendered chart output to the template text that produced it, keeping
/// the rendered node as a related label. When the value was written by a plain
/// `{{ .Values.a.b }}` and the chart's `values.yaml` holds exactly that value, the finding is
/// at the value in `values.yaml`, where it is fixed, with the action as a related label.
fn to_templates(sources: &SourceSet, values: &mut ValuesFiles, diagnostic: &mut Diagnostic) {
    let template_of = |span: Span| {
        sources
            .get(span.source)
            .and_then(SourceFile::origin)
            .and_then(|origin| origin.map(span.range))
    };
    for label in &mut diagnostic.related {
        if let Some(span) = template_of(label.span) {
            label.span = span;
        }
    }
    let Some(span) = template_of(diagnostic.primary.span) else {
        return;
    };
    let rendered = std::mem::replace(&mut diagnostic.primary.span, span);
    let text = |span: Span| sources.get(span.source).map(|f| f.slice(span.range));
    if let Some(value) = values.origin(sources, rendered, span) {
        diagnostic.primary.span = value;
        diagnostic.related.insert(
            0,
            Label {
                span,
                message: Some("written into the manifest here".to_owned()),
            },
        );
    }
    // Template text copied as is needs no second snippet; a value written by an action is
    // shown as rendered.
    if text(rendered) != text(span) {
        let at = usize::from(diagnostic.primary.span != span);
        diagnostic.related.insert(
            at,
            Label {
                span: rendered,
                message: Some("rendered here".to_owned()),
            },
        );
    }
}

/// The charts' `values.yaml` files, parsed when a finding needs them.
#[derive(Default)]
struct ValuesFiles {
    parsed: BTreeMap<SourceId, Option<yaml::Node>>,
}

impl ValuesFiles {
    /// Where in `values.yaml` the value rendered at `rendered` comes from, if the template
    /// action that wrote it (`action`) is a plain `.Values` reference and the file holds
    /// exactly the rendered value.
    fn origin(&mut self, sources: &SourceSet, rendered: Span, action: Span) -> Option<Span> {
        let origin = sources.get(rendered.source)?.origin()?;
        let segment = origin.segment_at(rendered.range.start)?;
        if segment.exact || rendered.range.end > segment.rendered.end {
            return None;
        }
        let template = sources.get(action.source)?;
        let keys = values_reference(template.slice(action.range))?;
        let chart_dir = template
            .path()
            .rsplit_once("/templates/")
            .map(|(dir, _)| dir);
        let values_path = chart_dir.map_or_else(
            || "values.yaml".to_owned(),
            |dir| format!("{dir}/values.yaml"),
        );
        let values_id = sources.find(&values_path)?;
        let root = self
            .parsed
            .entry(values_id)
            .or_insert_with(|| {
                let file = sources.get(values_id)?;
                yaml::parse(file.text())
                    .documents
                    .into_iter()
                    .next()
                    .and_then(|d| d.root)
            })
            .as_ref()?;
        let mut node = root;
        for key in keys {
            node = node.get(key)?;
        }
        let written = match &node.value {
            yaml::Value::Str(text) => text.to_string(),
            yaml::Value::Int(n) => n.to_string(),
            yaml::Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        let output = sources
            .get(rendered.source)?
            .slice(TextRange::new(segment.rendered.start, segment.rendered.end));
        (output == written).then_some(Span {
            source: values_id,
            range: node.range,
        })
    }
}

/// `{{ .Values.a.b }}` (with `-` trimming) → `["a", "b"]`.
fn values_reference(action: &str) -> Option<Vec<&str>> {
    let inner = action.strip_prefix("{{")?.strip_suffix("}}")?;
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner).trim();
    let path = inner.strip_prefix(".Values.")?;
    let keys: Vec<&str> = path.split('.').collect();
    keys.iter()
        .all(|k| !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then_some(keys)
}

/// An object with its Rego value, converted once and shared by input and inventory.
struct LoadedObject {
    /// The object; its node is a placeholder unless `tree_kept` (see [`node_of`]).
    object: Object,
    value: RegoValue,
    tree_kept: bool,
    /// The bytes of its document.
    document_range: TextRange,
    /// Its position among the objects of its document (the items of a `List`).
    item: usize,
    /// Its `kubeward.io/ignore` annotations: where, and the value.
    ignores: Vec<(TextRange, String)>,
}

/// The `kind` of CustomResourceDefinitions, whose trees are kept.
const CRD_KIND: &str = "CustomResourceDefinition";

/// The largest run, in bytes of source, whose objects keep their trees (see [`Linter::run`]):
/// 16 MiB, some 35,000 objects like the shared corpus's.
const KEEP_TREES_UP_TO: usize = 16 << 20;

/// An object's tree: the kept one, or its document parsed again (the whole file should the
/// document alone read differently).
fn node_of<'a>(sources: &SourceSet, loaded: &'a LoadedObject) -> Cow<'a, Node> {
    let object = &loaded.object;
    if loaded.tree_kept {
        return Cow::Borrowed(&object.node);
    }
    let Some(text) = sources.get(object.source).map(SourceFile::text) else {
        return Cow::Borrowed(&object.node);
    };
    // The object among those of a document of the file.
    let item = |document: yaml::Document| {
        let mut found = Vec::new();
        objects_of(
            object.source,
            object.document,
            document,
            &mut found,
            &mut Vec::new(),
        );
        found.into_iter().nth(loaded.item)
    };
    let range = loaded.document_range;
    text.get(range.start as usize..range.end as usize)
        .and_then(|document| {
            let mut again = item(yaml::parse(document).documents.into_iter().next()?)?;
            shift(&mut again.node, range.start);
            (again.identity == object.identity).then_some(again.node)
        })
        .or_else(|| {
            let document = yaml::parse(text)
                .documents
                .into_iter()
                .nth(object.document)?;
            item(document).map(|again| again.node)
        })
        .map_or(Cow::Borrowed(&object.node), Cow::Owned)
}

/// Moves every range of a tree parsed from a slice to the slice's place in its file.
fn shift(node: &mut Node, by: u32) {
    let moved = |range: TextRange| TextRange::new(range.start + by, range.end + by);
    node.range = moved(node.range);
    match &mut node.value {
        yaml::Value::Seq(items) => items.iter_mut().for_each(|item| shift(item, by)),
        yaml::Value::Map(entries) => {
            for entry in entries {
                entry.key_range = moved(entry.key_range);
                shift(&mut entry.value, by);
            }
        }
        _ => {}
    }
}

/// The run's objects, and for findings that point into other objects, the objects by kind and
/// name: built when the first such finding is located (scanning every object for each of them
/// made large runs quadratic).
struct RunObjects<'a> {
    all: &'a [LoadedObject],
    by_name: OnceLock<HashMap<(&'a str, &'a str), Vec<usize>>>,
}

impl<'a> RunObjects<'a> {
    fn new(all: &'a [LoadedObject]) -> Self {
        Self {
            all,
            by_name: OnceLock::new(),
        }
    }

    /// The first object of a kind with a name, in the run's order, that `wanted` accepts.
    fn find(
        &self,
        kind: &str,
        name: &str,
        wanted: impl Fn(&LoadedObject) -> bool,
    ) -> Option<&'a LoadedObject> {
        let by_name = self.by_name.get_or_init(|| {
            let mut by_name: HashMap<_, Vec<usize>> = HashMap::new();
            for (index, loaded) in self.all.iter().enumerate() {
                let identity = &loaded.object.identity;
                if let Some(name) = identity.name.as_deref() {
                    by_name
                        .entry((identity.kind.as_str(), name))
                        .or_default()
                        .push(index);
                }
            }
            by_name
        });
        by_name
            .get(&(kind, name))?
            .iter()
            .filter_map(|&index| self.all.get(index))
            .find(|loaded| wanted(loaded))
    }
}

/// What a worker found for one object.
#[derive(Default)]
struct ObjectOutcome {
    /// Rule findings, then schema violations.
    located: Vec<Located>,
    /// The rules' outcomes to keep for the next run, by object.
    kept: Option<(RegoValue, Outcomes)>,
    reused: bool,
    schema: Option<schema::SchemaOutcome>,
}

/// What becomes of what a run parsed and indexed once its report is made.
#[derive(Debug, Clone, Copy)]
enum Free {
    /// Freed on a thread of the pool (see `drop_later`).
    Later,
    /// Left to the operating system: the process is about to end.
    AtExit,
}

/// A diagnostic and the object it is about, for object-level suppressions.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub(crate) diagnostic: Diagnostic,
    pub(crate) object: Option<usize>,
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
pub(crate) fn par_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.into_par_iter().map(f).collect()
}

#[cfg(not(feature = "parallel"))]
pub(crate) fn par_map<T, R>(items: Vec<T>, f: impl Fn(T) -> R) -> Vec<R> {
    items.into_iter().map(f).collect()
}

/// The threads that work on a run: rayon's, one without the `parallel` feature.
#[cfg(feature = "parallel")]
pub(crate) fn threads() -> usize {
    rayon::current_num_threads()
}

#[cfg(not(feature = "parallel"))]
pub(crate) fn threads() -> usize {
    1
}

/// Drops `value` on a thread of the pool when the `parallel` feature is on, so that the
/// caller goes on meanwhile; at once otherwise.
#[cfg(feature = "parallel")]
fn drop_later<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}

#[cfg(not(feature = "parallel"))]
fn drop_later<T>(value: T) {
    drop(value);
}

/// Runs two closures, at the same time when the `parallel` feature is on.
#[cfg(feature = "parallel")]
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    rayon::join(a, b)
}

#[cfg(not(feature = "parallel"))]
pub(crate) fn join<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B) -> (A, B) {
    (a(), b())
}

/// `f` over `items` on every thread, each with a state `init` makes. Rayon asks for a state
/// for every piece it splits the work into (16 for 10,000 items on two threads); the states
/// are kept in a pool as pieces end and handed to the next, so that no more are made than
/// pieces run at the same time (a state is a machine with its copy of the program, which
/// is the larger part of a small run's memory).
#[cfg(feature = "parallel")]
fn par_map_init<T: Send, S: Send, R: Send>(
    items: Vec<T>,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, T) -> R + Sync + Send,
) -> Vec<R> {
    use rayon::prelude::*;
    use std::sync::Mutex;

    /// A state of the pool, given back to it when dropped.
    struct Pooled<'a, S> {
        state: Option<S>,
        pool: &'a Mutex<Vec<S>>,
    }
    impl<S> Drop for Pooled<'_, S> {
        fn drop(&mut self) {
            if let (Some(state), Ok(mut pool)) = (self.state.take(), self.pool.lock()) {
                pool.push(state);
            }
        }
    }

    let pool = Mutex::new(Vec::new());
    items
        .into_par_iter()
        .map_init(
            || Pooled {
                state: Some(
                    pool.lock()
                        .ok()
                        .and_then(|mut pool| pool.pop())
                        .unwrap_or_else(&init),
                ),
                pool: &pool,
            },
            |pooled, item| match pooled.state.as_mut() {
                Some(state) => f(state, item),
                // Not reached: a state leaves its `Pooled` only when that is dropped.
                None => f(&mut init(), item),
            },
        )
        .collect()
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Located, sort_findings};
    use crate::source::SourceId;

    /// The YAML files under `dirs` (relative to the crate), sorted, each a source.
    fn yaml_sources(dirs: &[&str]) -> crate::SourceSet {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        let mut stack: Vec<_> = dirs.iter().map(|dir| root.join(dir)).collect();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        let mut sources = crate::SourceSet::new();
        for path in &paths {
            let bytes = std::fs::read(path).unwrap();
            sources.add(crate::SourceFile::from_bytes(
                path.display().to_string(),
                &bytes,
            ));
        }
        sources
    }

    /// Findings are located the same whether the objects keep their trees or their documents
    /// are parsed again: every rule on the shared manifests, then on a file with several
    /// documents and objects of a List. (The second run leaves its objects unfreed, as the
    /// command line's does, which changes nothing in the report.)
    #[test]
    fn findings_are_located_alike_with_and_without_the_trees() {
        use super::Free;
        use crate::{Catalog, Config, Linter, SourceFile};
        let mut sources = yaml_sources(&["../../../shared/corpus/manifests"]);
        assert!(sources.len() > 200, "the shared manifests are missing");
        sources.add(SourceFile::new(
            "list.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec:\n    containers: [{name: a, image: nginx}]\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n  spec:\n    containers: [{name: b, image: nginx:latest}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec:\n  containers: [{name: c, image: busybox}]\n",
        ));
        let config = Config {
            select: Some(vec!["all".to_owned()]),
            ..Config::default()
        };
        let linter = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
        let kept = linter.run_keeping(&sources, None, usize::MAX, Free::Later);
        let parsed_again = linter.run_keeping(&sources, None, 0, Free::AtExit);
        assert!(kept.diagnostics.len() > 1000, "{}", kept.diagnostics.len());
        assert!(
            kept.diagnostics.iter().any(|d| sources
                .get(d.primary.span.source)
                .is_some_and(|f| f.path() == "list.yaml")
                && d.primary.span.range.start > 0),
            "no finding in the List"
        );
        assert_eq!(kept.diagnostics, parsed_again.diagnostics);
    }

    /// The indexes built in Rust are the value of the index package (rules/lib/index.rego)
    /// as the interpreter evaluates it: on the shared manifests, every rule fixture, and
    /// objects with the fields the indexes read missing, null or of another type.
    #[test]
    fn the_indexes_built_in_rust_are_the_packages_value() {
        use crate::{Catalog, Config, Linter, SourceFile};
        let mut sources = yaml_sources(&["../../../shared/corpus/manifests", "../../rules"]);
        assert!(
            sources.len() > 500,
            "the shared manifests or fixtures are missing"
        );
        sources.add(SourceFile::new(
            "odd.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, namespace: x}\nspec: {template: {metadata: {labels: [1]}}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, labels: {n: 1, e: null, s: x}}\nspec: {}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {template: {metadata: {labels: {a: b}}}}}}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: d, namespace: null}\nroleRef: {kind: Role}\nsubjects: [{kind: ServiceAccount, name: s}, {kind: ServiceAccount, name: t, namespace: null}, 7, {kind: User, name: u}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: e}\nroleRef: {kind: ClusterRole, name: view}\nsubjects: {kind: ServiceAccount, name: s}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: f}\nroleRef: {kind: ClusterRole, name: view}\nsubjects: [{kind: ServiceAccount, name: s}]\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: g, namespace: y}\n---\napiVersion: apps.example.com/v1\nkind: Gadget\nmetadata: {name: h}\nspec: {template: {}}\n---\napiVersion: a.k8s.io/v1\nkind: Thing\nmetadata: {name: i}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s}\n",
        ));
        let config = Config {
            select: Some(vec!["all".to_owned()]),
            ..Config::default()
        };
        let linter = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
        let mut objects = Vec::new();
        for (id, file) in sources.iter() {
            objects.extend(
                linter
                    .read_file(
                        &sources,
                        id,
                        file,
                        false,
                        &mut crate::rules::Keys::default(),
                    )
                    .objects,
            );
        }
        assert!(objects.len() > 500, "{}", objects.len());
        let inventory = linter.inventory(&objects);
        let (built, evaluated) = linter.program.indexes_both_ways(&inventory);
        assert!(
            matches!(evaluated, regorus::Value::Object(_)),
            "{evaluated}"
        );
        for field in [
            "workloads_by_label",
            "label_sets_by_label",
            "service_account_bindings",
            "namespaces_with_custom_resources",
        ] {
            let value = &evaluated[&regorus::Value::from(field)];
            assert!(
                value.as_object().is_ok_and(|o| !o.is_empty())
                    || value.as_set().is_ok_and(|s| !s.is_empty()),
                "{field} is empty: the comparison would show little"
            );
        }
        assert_eq!(built, evaluated);
    }

    #[test]
    fn findings_are_sorted_by_path_position_rule_and_message_stably() {
        use crate::diagnostic::{Diagnostic, Label, RuleRef, Severity};
        use crate::source::{SourceFile, SourceSet, Span, TextRange};
        // Files whose paths are not in the order they were added; findings drawn from a few
        // values each, so that every key ties often.
        let mut sources = SourceSet::new();
        for path in ["b.yaml", "a.yaml", "c/z.yaml", "a.yaml"] {
            sources.add(SourceFile::new(path, "kind: Pod\n"));
        }
        let rules: Vec<Arc<RuleRef>> = ["KW2", "KW10", "KW1"]
            .into_iter()
            .map(|id| {
                Arc::new(RuleRef {
                    id: id.to_owned(),
                    name: id.to_lowercase(),
                })
            })
            .collect();
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        let mut items: Vec<Located> = (0..2000)
            .map(|i| {
                let start = next(3) as u32;
                Located {
                    diagnostic: Diagnostic {
                        rule: Arc::clone(&rules[next(3) as usize]),
                        severity: Severity::Warning,
                        message: ["m", "n", "m2"][next(3) as usize].to_owned(),
                        primary: Label {
                            span: Span {
                                source: SourceId(next(4) as u32),
                                range: TextRange::new(start, start + next(2) as u32),
                            },
                            message: None,
                        },
                        related: Vec::new(),
                        help: None,
                        url: None,
                        object: None,
                        suppressed: None,
                    },
                    // Where it was: equal findings must keep their order.
                    object: Some(i),
                }
            })
            .collect();
        let path = |d: &Diagnostic| {
            sources
                .get(d.primary.span.source)
                .map_or("", SourceFile::path)
        };
        let view = |items: &[Located]| -> Vec<(String, Diagnostic, Option<usize>)> {
            items
                .iter()
                .map(|l| {
                    (
                        path(&l.diagnostic).to_owned(),
                        l.diagnostic.clone(),
                        l.object,
                    )
                })
                .collect()
        };
        let mut expected = view(&items);
        expected.sort_by(|a, b| (&a.0, a.1.sort_key()).cmp(&(&b.0, b.1.sort_key())));
        sort_findings(&sources, &mut items);
        assert!(view(&items) == expected, "the order differs");
        let mut empty: Vec<Located> = Vec::new();
        sort_findings(&sources, &mut empty);
        assert!(empty.is_empty());
    }
}
