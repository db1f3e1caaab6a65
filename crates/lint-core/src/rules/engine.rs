//! Evaluation with regorus: policies compiled once per linter, one `input` per object, and
//! only the rules whose kinds match the object.
//!
//! Rules run on regorus's virtual machine (RVM): the policies are compiled once to bytecode
//! with every rule's `deny` set as an entry point, and each worker thread gets its own VM
//! over the shared program. A rule that the RVM compiler does not support runs on the
//! tree-walking interpreter instead, from an engine prepared once and cloned per worker.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::{Program as VmProgram, RegoVM};
use regorus::{Engine, Value as RegoValue};

use super::{Catalog, KindSet, Origin, RuleError, value::json_to_rego};
use crate::yaml::PathSegment;

/// The selected rules compiled into one engine, with their parameters as data.
#[derive(Clone)]
pub(crate) struct Program {
    engine: Engine,
    rules: Arc<[CompiledRule]>,
    /// The rules compiled to RVM bytecode, on first use (a linter that lints nothing never
    /// pays for it), shared by every evaluator.
    bytecode: Arc<OnceLock<Bytecode>>,
    /// Off: every rule runs on the interpreter (to compare the two).
    use_vm: bool,
}

/// The RVM program and which rules it holds (by position in `Program::rules`).
struct Bytecode {
    program: Option<Arc<VmProgram>>,
    compiled: Vec<bool>,
}

/// Built-in rules that run on the interpreter: regorus's RVM compiler gives them results
/// that differ from the interpreter's (the `engines` test compares the two on every fixture
/// and the corpus, and fails when a rule not listed here does not agree; the peers'
/// conformance fixtures found three more). User rules always
/// run on the interpreter, whose results are Rego's reference here.
pub const INTERPRETED: &[&str] = &[
    "host-path-sensitive",
    "ingress-backend-missing",
    "network-policy-missing",
    "network-policy-peer-selects-nothing",
    "network-policy-selects-nothing",
    "pod-disruption-budget-blocks-eviction",
    "pod-disruption-budget-missing",
    "probe-port-undeclared",
    "proxy-env-missing",
    "replicas-below-minimum",
    "seccomp-unconfined",
    "secret-hardcoded-in-configmap",
    "secret-hardcoded-in-env",
    "secret-high-entropy-value",
    "service-account-not-found",
    "service-account-token-automount",
    "service-selects-nothing",
    "service-target-port-missing",
    "unsafe-sysctl",
];

/// Instructions one rule may execute on one object: far above any built-in rule on any
/// real object, low enough to stop a runaway rule.
const MAX_INSTRUCTIONS: usize = 50_000_000;

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
    /// The same as a shared string, for the RVM compiler.
    entry: regorus::Rc<str>,
    kinds: KindSet,
    /// Whether the rule may run on the VM (a built-in rule not in `INTERPRETED`).
    vm: bool,
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
                entry: query.as_str().into(),
                query,
                kinds: rule.kinds.clone(),
                vm: rule.origin == Origin::Builtin
                    && !INTERPRETED.contains(&rule.meta.name.as_str()),
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
            bytecode: Arc::default(),
            use_vm: true,
        })
    }

    /// Compiles the rules to RVM bytecode: all at once, or, when that fails, each rule
    /// alone, keeping those that compile (the others run on the interpreter).
    fn bytecode(&self) -> &Bytecode {
        self.bytecode.get_or_init(|| {
            let compile = |entries: &[&str]| -> Option<Arc<VmProgram>> {
                let first = entries.first()?;
                let mut engine = self.engine.clone();
                let policy = engine.compile_with_entrypoint(&(*first).into()).ok()?;
                Compiler::compile_from_policy(&policy, entries).ok()
            };
            let wanted: Vec<bool> = self.rules.iter().map(|r| r.vm && self.use_vm).collect();
            let all: Vec<&str> = self
                .rules
                .iter()
                .zip(&wanted)
                .filter(|(_, on)| **on)
                .map(|(r, _)| &*r.entry)
                .collect();
            if all.is_empty() {
                return Bytecode {
                    program: None,
                    compiled: wanted,
                };
            }
            if let Some(program) = compile(&all) {
                return Bytecode {
                    program: Some(program),
                    compiled: wanted,
                };
            }
            let compiled: Vec<bool> = self
                .rules
                .iter()
                .zip(&wanted)
                .map(|(r, on)| *on && compile(&[&*r.entry]).is_some())
                .collect();
            let kept: Vec<&str> = self
                .rules
                .iter()
                .zip(&compiled)
                .filter(|(_, ok)| **ok)
                .map(|(r, _)| &*r.entry)
                .collect();
            match compile(&kept) {
                Some(program) => Bytecode {
                    program: Some(program),
                    compiled,
                },
                None => Bytecode {
                    program: None,
                    compiled: vec![false; compiled.len()],
                },
            }
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
        let bytecode = self.bytecode();
        let interpreted = bytecode.compiled.iter().any(|vm| !vm);
        if interpreted {
            // Adding data unprepares the engine; prepare it here, once, rather than in
            // every clone a worker makes.
            engine
                .eval_query("true".to_owned(), false)
                .map_err(|err| err.to_string())?;
        }
        let vm = match &bytecode.program {
            Some(program) => {
                let data = engine.get_data();
                let mut vm = new_vm(program, data.clone())?;
                vm.set_input(RegoValue::Undefined);
                Some(VmState {
                    program: Arc::clone(program),
                    data,
                    vm,
                })
            }
            None => None,
        };
        Ok(Evaluator {
            engine,
            rules: Arc::clone(&self.rules),
            on_vm: bytecode.compiled.clone().into(),
            vm,
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

    /// Runs every rule on the interpreter.
    pub(crate) fn interpreter_only(&mut self) {
        self.use_vm = false;
        self.bytecode = Arc::default();
    }

    /// Whether any compiled rule looks at objects of this kind.
    pub(crate) fn wants(&self, kind: &str) -> bool {
        self.rules.iter().any(|rule| rule.kinds.matches(kind))
    }
}

fn new_vm(program: &Arc<VmProgram>, data: RegoValue) -> Result<RegoVM, String> {
    let mut vm = RegoVM::new();
    vm.load_program(Arc::clone(program));
    vm.set_max_instructions(MAX_INSTRUCTIONS);
    vm.set_data(data).map_err(|err| err.to_string())?;
    Ok(vm)
}

/// A worker's VM over the shared program and the run's data.
struct VmState {
    program: Arc<VmProgram>,
    data: RegoValue,
    vm: RegoVM,
}

impl Clone for VmState {
    fn clone(&self) -> Self {
        let mut vm = RegoVM::new();
        vm.load_program(Arc::clone(&self.program));
        vm.set_max_instructions(MAX_INSTRUCTIONS);
        // The data was accepted by `set_data` when the first VM was made; a clone's can
        // only fail the same way, and then every rule reports the error.
        let _ = vm.set_data(self.data.clone());
        VmState {
            program: Arc::clone(&self.program),
            data: self.data.clone(),
            vm,
        }
    }
}

/// Evaluates rules against objects. Cheap to clone: one per worker thread.
#[derive(Clone)]
pub(crate) struct Evaluator {
    engine: Engine,
    rules: Arc<[CompiledRule]>,
    /// Per rule: whether it runs on the VM.
    on_vm: Arc<[bool]>,
    vm: Option<VmState>,
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
        let mut engine_input = Some(input.clone());
        if let Some(state) = &mut self.vm {
            state.vm.set_input(input);
        }
        for (position, rule) in self.rules.iter().enumerate() {
            if !rule.kinds.matches(kind) {
                continue;
            }
            let result = match (&mut self.vm, self.on_vm.get(position)) {
                (Some(state), Some(true)) => state
                    .vm
                    .execute_entry_point_by_name(&rule.query)
                    .map_err(|err| err.to_string()),
                _ => {
                    if let Some(input) = engine_input.take() {
                        self.engine.set_input(input);
                    }
                    self.engine
                        .eval_rule(rule.query.clone())
                        .map_err(|err| err.to_string())
                }
            };
            outcomes.push((rule.index, result.and_then(|value| findings(&value))));
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
