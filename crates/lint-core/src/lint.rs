//! The lint pipeline: parse every file once, collect the objects into the run's inventory,
//! evaluate the selected rules per object, locate findings at their nodes, apply
//! suppressions. Files and objects are processed in parallel when the `parallel` feature is
//! on; the output is sorted, so it does not depend on the thread count.

use std::collections::{BTreeMap, HashMap};

use regorus::Value as RegoValue;

use crate::config::{Config, ConfigError};
use crate::diagnostic::{Diagnostic, Label, ObjectRef, RuleRef, Severity, Suppression};
use crate::objects::{CLUSTER_SCOPED_KINDS, InvalidObject, Object, objects_of};
use crate::rules::{
    Catalog, Evaluator, Program, RawFinding, Rule, RuleError, core_ids, default_params, to_rego,
};
use crate::source::{SourceFile, SourceId, SourceSet, Span, TextRange};
use crate::suppress::{self, Directive, Scope};
use crate::yaml::{self, PathSegment, YamlErrorKind, first_line};

/// Namespace assumed for namespaced objects that name none, unless configured.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Kubernetes version assumed when none is configured: the newest that kubeward knows.
pub const DEFAULT_KUBE_VERSION: (u32, u32) = (1, 35);

/// `1.31`, `v1.31` or `v1.31.2` → (1, 31).
pub fn parse_kube_version(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().trim_start_matches('v');
    // Pre-release and build suffixes (`-rc.1`, `+k3s1`) do not change the API surface.
    let release = text.split(['-', '+']).next()?;
    let mut parts = release.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    if let Some(patch) = parts.next() {
        patch.parse::<u32>().ok()?;
    }
    parts.next().is_none().then_some((major, minor))
}

/// Why a linter could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupError {
    /// The configuration is wrong.
    Config(ConfigError),
    /// Rule files are broken.
    Rules(Vec<RuleError>),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Config(err) => err.fmt(f),
            SetupError::Rules(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
        }
    }
}

impl std::error::Error for SetupError {}

/// A configured linter: rules compiled, ready to lint any number of source sets.
#[derive(Debug, Clone)]
pub struct Linter {
    catalog: Catalog,
    program: Program,
    /// Per catalogue rule: its severity when selected.
    enabled: Vec<Option<Severity>>,
    default_namespace: String,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every finding, sorted; suppressed ones included (see [`Diagnostic::suppressed`]).
    pub diagnostics: Vec<Diagnostic>,
    /// Files linted.
    pub files: usize,
    /// Kubernetes objects found.
    pub objects: usize,
}

/// Counts of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Files linted.
    pub files: usize,
    /// Objects found.
    pub objects: usize,
    /// Reported errors.
    pub errors: usize,
    /// Reported warnings.
    pub warnings: usize,
    /// Reported infos.
    pub infos: usize,
    /// Findings silenced by a suppression.
    pub suppressed: usize,
}

impl Report {
    /// The findings that are reported (not suppressed).
    pub fn reported(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.suppressed.is_none())
    }

    /// Counts by severity.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            files: self.files,
            objects: self.objects,
            ..Summary::default()
        };
        for diagnostic in &self.diagnostics {
            if diagnostic.suppressed.is_some() {
                summary.suppressed += 1;
                continue;
            }
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }

    /// Whether a reported finding is at or above `level`.
    pub fn fails(&self, level: Severity) -> bool {
        self.reported().any(|d| d.severity >= level)
    }
}

impl Linter {
    /// Builds a linter from a catalogue and a configuration: resolves rule selection,
    /// severities and parameters, and compiles the selected rules.
    ///
    /// ```
    /// use lint_core::{Catalog, Config, Linter, SourceFile, SourceSet};
    /// let linter = Linter::new(Catalog::builtin().unwrap(), &Config::default()).unwrap();
    /// let mut sources = SourceSet::new();
    /// sources.add(SourceFile::new("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n"));
    /// let report = linter.lint(&sources);
    /// assert!(report.reported().any(|d| d.rule.name == "image-latest-tag"));
    /// ```
    pub fn new(catalog: Catalog, config: &Config) -> Result<Self, SetupError> {
        let selected = select(&catalog, config)?;
        let mut enabled: Vec<Option<Severity>> = catalog
            .rules()
            .iter()
            .zip(&selected)
            .map(|(rule, &on)| on.then_some(rule.meta.severity))
            .collect();
        let mut configured: BTreeMap<usize, serde_json::Value> = BTreeMap::new();
        for (key, settings) in &config.rules {
            let rules_key = [
                PathSegment::Key("rules".into()),
                PathSegment::Key(key.clone()),
            ];
            let Some(index) = catalog.rules().iter().position(|r| r.is_named(key)) else {
                return Err(SetupError::Config(config.error_at(
                    &rules_key,
                    true,
                    format!("`{key}` is not a rule (see `kubeward rules`)"),
                )));
            };
            if let (Some(severity), Some(slot)) = (settings.severity, enabled.get_mut(index)) {
                if slot.is_some() {
                    *slot = Some(severity);
                }
            }
            if let Some(params) = &settings.params {
                configured.insert(index, params.clone());
            }
        }
        let mut params = serde_json::Map::new();
        for (index, rule) in catalog.rules().iter().enumerate() {
            let given = configured.remove(&index);
            let key = config.rules.keys().find(|k| rule.is_named(k)).cloned();
            let value = resolve_params(rule, given.as_ref()).map_err(|(instance, message)| {
                let mut path = vec![
                    PathSegment::Key("rules".into()),
                    PathSegment::Key(key.unwrap_or_default()),
                    PathSegment::Key("params".into()),
                ];
                path.extend(instance);
                SetupError::Config(config.error_at(&path, false, message))
            })?;
            params.insert(rule.params_key(), value);
        }
        let default_namespace = config
            .namespace
            .clone()
            .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned());
        let selected_indexes: Vec<usize> = enabled
            .iter()
            .enumerate()
            .filter_map(|(i, on)| on.map(|_| i))
            .collect();
        let kube_version = match &config.kube_version {
            None => DEFAULT_KUBE_VERSION,
            Some(text) => parse_kube_version(text).ok_or_else(|| {
                SetupError::Config(config.error_at(
                    &[PathSegment::Key("kube-version".into())],
                    false,
                    format!("`{text}` is not a Kubernetes version like 1.31 or v1.31.2"),
                ))
            })?,
        };
        let environment = serde_json::json!({
            "params": params,
            "cluster_scoped": CLUSTER_SCOPED_KINDS.iter().map(|k| (k.to_string(), serde_json::Value::Bool(true))).collect::<serde_json::Map<_, _>>(),
            "default_namespace": default_namespace,
            "proxy": config.proxy,
            "kube_version": {
                "major": kube_version.0,
                "minor": kube_version.1,
                "string": format!("{}.{}", kube_version.0, kube_version.1),
            },
        });
        let program = Program::compile(&catalog, &selected_indexes, environment)
            .map_err(SetupError::Rules)?;
        Ok(Linter {
            catalog,
            program,
            enabled,
            default_namespace,
        })
    }

    /// The catalogue this linter was built from.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Whether a rule is selected.
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        self.index_of(rule)
            .and_then(|i| self.enabled.get(i).copied().flatten())
            .is_some()
    }

    fn index_of(&self, rule: &Rule) -> Option<usize> {
        self.catalog
            .rules()
            .iter()
            .position(|r| r.meta.id == rule.meta.id)
    }

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
        let object_count = objects.len();
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
            files: sources.len(),
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
    fn core_diagnostic(
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

    fn apply_suppressions(
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
                    diagnostic.suppressed = Some(Suppression {
                        span: directive.span,
                        reason: directive.reason.clone(),
                    });
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

/// Rule selection: `select` (default all) minus `ignore`; core rules are on unless ignored.
fn select(catalog: &Catalog, config: &Config) -> Result<Vec<bool>, SetupError> {
    let resolve = |field: &str, tokens: &[String]| -> Result<Vec<bool>, SetupError> {
        let mut chosen = vec![false; catalog.rules().len()];
        for (i, token) in tokens.iter().enumerate() {
            let matched = catalog.resolve_selector(token);
            if matched.is_empty() {
                return Err(SetupError::Config(config.error_at(
                    &[PathSegment::Key(field.into()), PathSegment::Index(i)],
                    false,
                    format!("`{token}` is not a rule, category or `all` (see `kubeward rules`)"),
                )));
            }
            for index in matched {
                if let Some(slot) = chosen.get_mut(index) {
                    *slot = true;
                }
            }
        }
        Ok(chosen)
    };
    let all = ["all".to_owned()];
    let selected = resolve("select", config.select.as_deref().unwrap_or(&all))?;
    let ignored = resolve("ignore", &config.ignore)?;
    Ok(catalog
        .rules()
        .iter()
        .zip(selected.iter().zip(&ignored))
        .map(|(rule, (&selected, &ignored))| (selected || rule.is_core()) && !ignored)
        .collect())
}

/// Defaults merged with the configured parameters, validated against the rule's schema.
/// Errors carry the path of the offending value inside `params`.
fn resolve_params(
    rule: &Rule,
    given: Option<&serde_json::Value>,
) -> Result<serde_json::Value, (Vec<PathSegment>, String)> {
    let mut params = default_params(rule.meta.params.as_ref());
    let Some(schema) = &rule.meta.params else {
        if given.is_some() {
            return Err((
                Vec::new(),
                format!("rule `{}` takes no parameters", rule.meta.name),
            ));
        }
        return Ok(serde_json::Value::Object(params));
    };
    match given {
        None => {}
        Some(serde_json::Value::Object(given)) => {
            for (key, value) in given {
                params.insert(key.clone(), value.clone());
            }
        }
        Some(_) => return Err((Vec::new(), "`params` must be a mapping".to_owned())),
    }
    let value = serde_json::Value::Object(params);
    let validator = jsonschema::validator_for(schema).map_err(|err| {
        (
            Vec::new(),
            format!("the rule's parameter schema is invalid: {err}"),
        )
    })?;
    if let Some(error) = validator.iter_errors(&value).next() {
        let path = error
            .instance_path()
            .into_iter()
            .map(|segment| match segment {
                jsonschema::paths::LocationSegment::Property(key) => {
                    PathSegment::Key(key.to_string())
                }
                jsonschema::paths::LocationSegment::Index(i) => PathSegment::Index(i),
            })
            .collect();
        return Err((
            path,
            format!("invalid parameter for `{}`: {error}", rule.meta.name),
        ));
    }
    Ok(value)
}

/// An object with its Rego value, converted once and shared by input and inventory.
struct LoadedObject {
    object: Object,
    value: RegoValue,
}

/// A diagnostic and the object it is about, for object-level suppressions.
#[derive(Debug, Clone)]
struct Located {
    diagnostic: Diagnostic,
    object: Option<usize>,
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
