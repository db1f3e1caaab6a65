//! Evaluation with regorus: policies compiled once per linter, the engine cloned per worker,
//! one `input` per object, and only the rules whose kinds match the object.

use std::collections::BTreeMap;
use std::sync::Arc;

use regorus::{Engine, Value as RegoValue};

use super::{Catalog, KindSet, RuleError, value::json_to_rego};
use crate::yaml::PathSegment;

/// The selected rules compiled into one engine, with their parameters as data.
#[derive(Clone)]
pub(crate) struct Program {
    engine: Engine,
    rules: Arc<[CompiledRule]>,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("rules", &self.rules.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct CompiledRule {
    /// Index in the catalogue.
    index: usize,
    /// `data.kubeward.rules.<category>.<rule>.deny`.
    query: String,
    kinds: KindSet,
}

/// A finding as a rule returns it, before it is located.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawFinding {
    pub msg: String,
    pub path: Vec<PathSegment>,
    pub related: Vec<RawRelated>,
}

/// A secondary location named by a finding.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawRelated {
    pub path: Vec<PathSegment>,
    /// Another object of the run, by kind, namespace and name; `None` is the object itself.
    pub object: Option<(String, Option<String>, String)>,
    pub msg: Option<String>,
}

impl Program {
    /// Compiles the rules at `selected` (catalogue indexes) with the helper libraries.
    /// `environment` becomes `data.kubeward` (parameters, default namespace, kube version...).
    pub(crate) fn compile(
        catalog: &Catalog,
        selected: &[usize],
        environment: serde_json::Value,
    ) -> Result<Self, Vec<RuleError>> {
        let mut engine = Engine::new();
        engine.set_rego_v0(false);
        let mut errors = Vec::new();
        for library in catalog.libraries() {
            if let Err(err) = engine.add_policy(library.display.clone(), library.text.clone()) {
                errors.push(RuleError::from_regorus(&library.display, &err.to_string()));
            }
        }
        let mut rules = Vec::new();
        for &index in selected {
            let (Some(rule), Some(source)) = (catalog.rules().get(index), catalog.source_of(index))
            else {
                continue;
            };
            if rule.is_core() {
                continue;
            }
            if let Err(err) = engine.add_policy(source.display.clone(), source.text.clone()) {
                errors.push(RuleError::from_regorus(&source.display, &err.to_string()));
                continue;
            }
            let query = format!("data.{}.deny", rule.package);
            if !engine
                .has_declared_rule_rooted_at(&source.display, "deny")
                .unwrap_or(false)
            {
                errors.push(RuleError::new(
                    &source.display,
                    None,
                    "the rule declares no `deny` set (`deny contains finding if { ... }`)",
                ));
                continue;
            }
            rules.push(CompiledRule {
                index,
                query,
                kinds: rule.kinds.clone(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let kubeward = json_to_rego(&environment);
        let mut data = BTreeMap::new();
        data.insert(RegoValue::from("kubeward"), kubeward);
        engine
            .add_data(RegoValue::from(data))
            .map_err(|err| vec![RuleError::new("<data>", None, err.to_string())])?;
        Ok(Program {
            engine,
            rules: rules.into(),
        })
    }

    /// An evaluator for one run, with the run's inventory as `data.kubeward.inventory`.
    pub(crate) fn evaluator(&self, inventory: RegoValue) -> Result<Evaluator, String> {
        let mut engine = self.engine.clone();
        let mut kubeward = BTreeMap::new();
        kubeward.insert(RegoValue::from("inventory"), inventory);
        let mut data = BTreeMap::new();
        data.insert(RegoValue::from("kubeward"), RegoValue::from(kubeward));
        engine
            .add_data(RegoValue::from(data))
            .map_err(|err| err.to_string())?;
        // Adding data unprepares the engine: prepare it here, once, rather than in every
        // clone a worker makes.
        engine
            .eval_query("true".to_owned(), false)
            .map_err(|err| err.to_string())?;
        Ok(Evaluator {
            engine,
            rules: Arc::clone(&self.rules),
        })
    }

    /// The API lifecycle table of `rules/lib/lifecycle.rego` (apiVersion → kind →
    /// `{deprecated, removed, replacements}`), which the API lifecycle rules report from and
    /// schema validation defers to: one table for both.
    pub(crate) fn lifecycle(&self) -> Result<serde_json::Value, String> {
        let mut engine = self.engine.clone();
        let results = engine
            .eval_query("data.kubeward.lib.lifecycle.apis".to_owned(), false)
            .map_err(|err| err.to_string())?;
        let value = results
            .result
            .first()
            .and_then(|result| result.expressions.first())
            .map(|expression| expression.value.clone())
            .unwrap_or(RegoValue::Undefined);
        let text = value.to_json_str().map_err(|err| err.to_string())?;
        serde_json::from_str(&text).map_err(|err| err.to_string())
    }

    /// Adds `data.kubeward.<key>`.
    pub(crate) fn add_environment(
        &mut self,
        key: &str,
        value: &serde_json::Value,
    ) -> Result<(), String> {
        let mut kubeward = BTreeMap::new();
        kubeward.insert(RegoValue::from(key), json_to_rego(value));
        let mut data = BTreeMap::new();
        data.insert(RegoValue::from("kubeward"), RegoValue::from(kubeward));
        self.engine
            .add_data(RegoValue::from(data))
            .map_err(|err| err.to_string())
    }

    /// Whether any compiled rule looks at objects of this kind.
    pub(crate) fn wants(&self, kind: &str) -> bool {
        self.rules.iter().any(|rule| rule.kinds.matches(kind))
    }
}

/// Evaluates rules against objects. Cheap to clone: one per worker thread.
#[derive(Clone)]
pub(crate) struct Evaluator {
    engine: Engine,
    rules: Arc<[CompiledRule]>,
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator").finish_non_exhaustive()
    }
}

/// The outcome of one rule on one object.
pub(crate) type RuleOutcome = (usize, Result<Vec<RawFinding>, String>);

impl Evaluator {
    /// Runs every rule that looks at `kind` with `input` as the object.
    pub(crate) fn evaluate(&mut self, input: RegoValue, kind: &str) -> Vec<RuleOutcome> {
        let mut outcomes = Vec::new();
        let mut input = Some(input);
        for rule in self.rules.iter().filter(|rule| rule.kinds.matches(kind)) {
            if let Some(input) = input.take() {
                self.engine.set_input(input);
            }
            let result = self
                .engine
                .eval_rule(rule.query.clone())
                .map_err(|err| err.to_string())
                .and_then(|value| findings(&value));
            outcomes.push((rule.index, result));
        }
        outcomes
    }
}

fn findings(value: &RegoValue) -> Result<Vec<RawFinding>, String> {
    let items: Vec<&RegoValue> = match value {
        RegoValue::Undefined | RegoValue::Null => return Ok(Vec::new()),
        RegoValue::Set(set) => set.iter().collect(),
        RegoValue::Array(array) => array.iter().collect(),
        other => return Err(format!("`deny` must be a set of findings, got {other}")),
    };
    items.into_iter().map(finding).collect()
}

fn finding(value: &RegoValue) -> Result<RawFinding, String> {
    let RegoValue::Object(fields) = value else {
        return Err(format!(
            "a finding must be an object with `msg` and `path`, got {value}"
        ));
    };
    for key in fields.keys() {
        match key.as_string().map(|s| &**s) {
            Ok("msg" | "path" | "related") => {}
            _ => return Err(format!("a finding has an unknown field {key}")),
        }
    }
    let msg = string_field(fields, "msg")?.ok_or("a finding has no `msg`")?;
    let path = path(
        fields
            .get(&RegoValue::from("path"))
            .ok_or("a finding has no `path`")?,
    )?;
    let related = match fields.get(&RegoValue::from("related")) {
        None => Vec::new(),
        Some(RegoValue::Array(items)) => items.iter().map(related).collect::<Result<_, _>>()?,
        Some(RegoValue::Set(items)) => items.iter().map(related).collect::<Result<_, _>>()?,
        Some(other) => return Err(format!("`related` must be an array, got {other}")),
    };
    Ok(RawFinding { msg, path, related })
}

fn related(value: &RegoValue) -> Result<RawRelated, String> {
    let RegoValue::Object(fields) = value else {
        return Err(format!("a related location must be an object, got {value}"));
    };
    let path = path(
        fields
            .get(&RegoValue::from("path"))
            .ok_or("a related location has no `path`")?,
    )?;
    let object = match fields.get(&RegoValue::from("object")) {
        None => None,
        Some(RegoValue::Object(object)) => {
            let kind = string_field(object, "kind")?.ok_or("`related.object` has no `kind`")?;
            let name = string_field(object, "name")?.ok_or("`related.object` has no `name`")?;
            Some((kind, string_field(object, "namespace")?, name))
        }
        Some(other) => return Err(format!("`related.object` must be an object, got {other}")),
    };
    Ok(RawRelated {
        path,
        object,
        msg: string_field(fields, "msg")?,
    })
}

fn string_field(fields: &regorus::value::Object, key: &str) -> Result<Option<String>, String> {
    match fields.get(&RegoValue::from(key)) {
        None | Some(RegoValue::Undefined) => Ok(None),
        Some(RegoValue::String(s)) => Ok(Some(s.to_string())),
        Some(other) => Err(format!("`{key}` must be a string, got {other}")),
    }
}

fn path(value: &RegoValue) -> Result<Vec<PathSegment>, String> {
    let RegoValue::Array(items) = value else {
        return Err(format!("`path` must be an array, got {value}"));
    };
    items
        .iter()
        .map(|item| match item {
            RegoValue::String(s) => Ok(PathSegment::Key(s.to_string())),
            RegoValue::Number(_) => item
                .as_u64()
                .ok()
                .and_then(|n| usize::try_from(n).ok())
                .map(PathSegment::Index)
                .ok_or_else(|| format!("`path` index {item} is not a natural number")),
            other => Err(format!(
                "`path` items must be strings or indexes, got {other}"
            )),
        })
        .collect()
}
