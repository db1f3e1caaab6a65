//! Evaluation with regorus: one `input` per object, and the rules whose kinds match the object
//! evaluated together, in one evaluation, on regorus's bytecode virtual machine (the rules
//! compiled once per linter, or read back from an earlier process) or on its interpreter (the
//! engine made and prepared once per linter, on first use); either is cloned per worker.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::{Program as VmProgram, RegoVM};
use regorus::{Engine, Value as RegoValue};

use super::{
    Catalog, KindSet, Origin, PolicyFile, RuleError, declared_package, value::json_to_rego,
};
use crate::yaml::PathSegment;

/// The package whose rules index the inventory, evaluated once per run into
/// `data.kubeward.index`.
const INDEX_PACKAGE: &str = "kubeward.lib.index";

/// The libraries the indexes are computed from: `rules/lib/index.rego` and the libraries it
/// calls (the engine that computes them is prepared in proportion to its policies).
const INDEX_LIBRARIES: [&str; 3] = [INDEX_PACKAGE, "kubeward.lib", "kubeward.lib.network"];

/// The library of the API lifecycle table.
const LIFECYCLE_PACKAGE: &str = "kubeward.lib.lifecycle";

/// The run's own data, `data.kubeward.inventory` and `data.kubeward.index`, are rules that read
/// it from the host. regorus analyses the whole policy again (schedules, loop hoisting, over
/// every module) whenever its data document changes; were the inventory data, every run would
/// pay that, and a linter kept for many runs (an editor linting on each keystroke) would pay
/// it on every one. As rules, they are computed once per evaluation, like any other.
///
/// `lookup(path, otherwise)` is the run's value at a path, through which the libraries look
/// the run up (users' rules through `data.kubeward.lib.run_lookup`, which names it), so that
/// relinting can record what each object's rules looked up.
const RUN_MODULE: &str = "package kubeward

import rego.v1

inventory := kubeward_run(\"inventory\")

index := kubeward_run(\"index\")

lookup(path, otherwise) := value if {
\tvalue := kubeward_lookup(path)
} else := otherwise
";

/// [`RUN_MODULE`] for the virtual machine, which has the run as data, `data.kubeward_run`:
/// its data is given per run, when the bytecode is already compiled.
const VM_RUN_MODULE: &str = "package kubeward

import rego.v1

inventory := data.kubeward_run.inventory

index := data.kubeward_run.index

lookup(path, otherwise) := object.get(data.kubeward_run, path, otherwise)
";

/// Where [`VM_RUN_MODULE`] finds the run.
const VM_RUN_KEY: &str = "kubeward_run";

/// The function of [`RUN_MODULE`] and [`VM_RUN_MODULE`] through which the rules look the run
/// up, and their rules that read the run's inventory and indexes whole.
const LOOKUP_RULE: &str = "data.kubeward.lookup";
const WHOLE_RULES: [&str; 2] = ["data.kubeward.inventory", "data.kubeward.index"];

/// The host function of [`RUN_MODULE`]: the run's inventory or indexes, whole.
const RUN_FUNCTION: &str = "kubeward_run";

/// The host function of `data.kubeward.lib.run_lookup`: the run's value at a path.
const LOOKUP_FUNCTION: &str = "kubeward_lookup";

thread_local! {
    /// The run being evaluated on this thread. An evaluation runs on one thread from start to
    /// end, so the run it belongs to sets it for its duration (see [`RunScope`]); runs on
    /// other threads, at the same time, do not see it.
    static CURRENT: RefCell<Current> = const {
        RefCell::new(Current { run: RegoValue::Undefined, reads: None })
    };
}

struct Current {
    /// `{"inventory": ..., "index": ...}`.
    run: RegoValue,
    /// What the evaluation in progress read of the run, when it is recorded.
    reads: Option<Reads>,
}

/// What one evaluation read of its run: the paths it looked up and what they held, and
/// whether it read the inventory or the indexes whole (then its result depends on anything).
#[derive(Debug, Default)]
struct Reads {
    lookups: Vec<(RegoValue, RegoValue)>,
    whole: bool,
}

/// Makes a run's data the one the host functions return on this thread, until dropped.
struct RunScope {
    previous: Current,
}

impl RunScope {
    fn enter(run: &RegoValue, record: bool) -> Self {
        let current = Current {
            run: run.clone(),
            reads: record.then(Reads::default),
        };
        RunScope {
            previous: CURRENT.with(|cell| cell.replace(current)),
        }
    }

    /// What the evaluations in this scope read, if it recorded them.
    fn reads(&self) -> Option<Reads> {
        CURRENT.with(|cell| cell.borrow_mut().reads.take())
    }
}

impl Drop for RunScope {
    fn drop(&mut self) {
        let previous = std::mem::replace(
            &mut self.previous,
            Current {
                run: RegoValue::Undefined,
                reads: None,
            },
        );
        CURRENT.with(|cell| cell.replace(previous));
    }
}

/// `kubeward_run(key)`: the run's value at `key`, undefined outside a run.
fn run_value(mut args: Vec<RegoValue>) -> anyhow::Result<RegoValue> {
    let key = args.pop().unwrap_or(RegoValue::Undefined);
    Ok(CURRENT.with(|cell| {
        let mut current = cell.borrow_mut();
        if let Some(reads) = current.reads.as_mut() {
            reads.whole = true;
        }
        value_at(&current.run, [&key])
    }))
}

/// `kubeward_lookup(path)`: the run's value at `path`, undefined when it holds none there.
fn lookup_value(mut args: Vec<RegoValue>) -> anyhow::Result<RegoValue> {
    let path = args.pop().unwrap_or(RegoValue::Undefined);
    let RegoValue::Array(keys) = &path else {
        return Ok(RegoValue::Undefined);
    };
    Ok(CURRENT.with(|cell| {
        let mut current = cell.borrow_mut();
        let value = value_at(&current.run, keys.iter());
        if let Some(reads) = current.reads.as_mut() {
            reads.lookups.push((path.clone(), value.clone()));
        }
        value
    }))
}

/// The value at a path of keys into nested objects.
fn value_at<'a>(root: &RegoValue, keys: impl IntoIterator<Item = &'a RegoValue>) -> RegoValue {
    let mut value = root;
    for key in keys {
        match value {
            RegoValue::Object(fields) => match fields.get(key) {
                Some(inner) => value = inner,
                None => return RegoValue::Undefined,
            },
            _ => return RegoValue::Undefined,
        }
    }
    value.clone()
}

/// The selected rules and their libraries, with their parameters as data, for regorus's
/// interpreter and its bytecode virtual machine. The engines are made on first use: a linter
/// whose rules come compiled from an earlier process (see [`Program::load_bytecode`]) and
/// lints on the machine never parses the rules.
#[derive(Clone)]
pub(crate) struct Program {
    rules: Arc<[CompiledRule]>,
    batches: Arc<[Batch]>,
    /// Every module but the run's: the libraries first, then the rules and the batches.
    modules: Arc<[PolicyFile]>,
    libraries: usize,
    /// `data` of every engine: `{"kubeward": environment}`.
    data: RegoValue,
    /// The interpreter's engine of every module, prepared; made on first use.
    interpreter: Arc<OnceLock<Result<Engine, String>>>,
    /// An engine of the libraries alone, prepared, which computes the run's indexes
    /// (preparing an engine for evaluation costs in proportion to its policies).
    index_engine: Arc<OnceLock<Result<Engine, String>>>,
    /// The rules compiled to bytecode for the virtual machine, on first use or from an
    /// earlier process.
    bytecode: Arc<OnceLock<Result<Arc<VmProgram>, String>>>,
    /// Which engine evaluates the rules.
    rule_engine: RuleEngine,
    /// Whether every rule and library is a built-in one: only those are checked to give the
    /// same findings on both engines.
    builtin_only: bool,
    /// [`Program::fingerprint`], computed once (the command line asks for it to name the
    /// cache file, then to check the file's first line).
    fingerprint: Arc<OnceLock<String>>,
}

/// The rules that look at one group of kinds, evaluated together: one generated rule,
/// `data.kubeward.batch.b<n>`, gives each rule's `deny` set in turn, so one
/// evaluation per object runs them all and the helpers they share (plain rules over `input`)
/// are computed once per object instead of once per rule.
#[derive(Debug)]
struct Batch {
    /// Positions in `Program::rules`, in order: the batch's value has their `deny` sets in
    /// this order.
    members: Vec<usize>,
    query: String,
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
    /// Whether `deny` is known to be a partial set rule, hence always defined (the empty set
    /// when no finding is made): a built-in rule's is (a test checks it); a user's might be a
    /// complete rule, undefined when none of its bodies succeeds.
    always_defined: bool,
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
        let mut modules: Vec<PolicyFile> = catalog.libraries().to_vec();
        let libraries = modules.len();
        let mut rules = Vec::new();
        for &index in selected {
            let (Some(rule), Some(source)) = (catalog.rules().get(index), catalog.source_of(index))
            else {
                continue;
            };
            if rule.is_core() {
                continue;
            }
            modules.push(source.clone());
            rules.push(CompiledRule {
                index,
                query: format!("data.{}.deny", rule.package),
                kinds: rule.kinds.clone(),
                always_defined: rule.origin == Origin::Builtin,
            });
        }
        let batches = batches(&rules);
        if !batches.is_empty() {
            modules.push(PolicyFile {
                path: "<kubeward batches>".to_owned(),
                display: "<kubeward batches>".to_owned(),
                text: batch_source(&batches, &rules),
            });
        }
        let program = Program {
            rules: rules.into(),
            batches: batches.into(),
            modules: modules.into(),
            libraries,
            data: kubeward_data(json_to_rego(&environment)),
            interpreter: Arc::default(),
            index_engine: Arc::default(),
            bytecode: Arc::default(),
            rule_engine: RuleEngine::Auto,
            builtin_only: catalog.is_builtin_only(),
            fingerprint: Arc::default(),
        };
        // The built-in rules are known to compile (their tests run them); the user's are
        // compiled now, so that their errors are reported before anything is linted.
        if !program.builtin_only {
            let engine = program.parse(true).map_err(|errors| {
                errors
                    .into_iter()
                    .map(|(display, message)| RuleError::from_regorus(&display, &message))
                    .collect::<Vec<_>>()
            })?;
            let rule_modules = program
                .modules
                .iter()
                .skip(libraries)
                .take(program.rules.len());
            let errors: Vec<RuleError> = rule_modules
                .filter(|module| {
                    !engine
                        .has_declared_rule_rooted_at(&module.display, "deny")
                        .unwrap_or(false)
                })
                .map(|module| {
                    RuleError::new(
                        &module.display,
                        None,
                        "the rule declares no `deny` set (`deny contains finding if { ... }`)",
                    )
                })
                .collect();
            if !errors.is_empty() {
                return Err(errors);
            }
            let _ = program.interpreter.set(Ok(engine));
        }
        Ok(program)
    }

    /// An interpreter's engine of the libraries, and of the rules and batches when `rules`,
    /// with the run's module and the data; not prepared. Errors are per module.
    fn parse(&self, rules: bool) -> Result<Engine, Vec<(String, String)>> {
        let mut engine = Engine::new();
        engine.set_rego_v0(false);
        // As OPA evaluates by default: a built-in function given arguments of the wrong type
        // (`object.get` on a string, `%q` of a list) is undefined rather than an error, so a
        // field of the wrong shape, which schema validation reports, does not make every rule
        // that reads it fail.
        engine.set_strict_builtin_errors(false);
        let count = if rules {
            self.modules.len()
        } else {
            self.libraries
        };
        let mut errors = Vec::new();
        for module in self.modules.iter().take(count).filter(|module| {
            // The indexes need three of the built-in libraries (a library of the user's
            // might add to their packages: then every library is there).
            rules
                || !self.builtin_only
                || declared_package(&module.text).is_some_and(|p| INDEX_LIBRARIES.contains(&p))
        }) {
            if let Err(err) = engine.add_policy(module.display.clone(), module.text.clone()) {
                errors.push((module.display.clone(), err.to_string()));
            }
        }
        let run = |engine: &mut Engine| -> anyhow::Result<()> {
            engine.add_extension(RUN_FUNCTION.to_owned(), 1, Box::new(run_value))?;
            engine.add_extension(LOOKUP_FUNCTION.to_owned(), 1, Box::new(lookup_value))?;
            engine.add_policy("<kubeward run>".to_owned(), RUN_MODULE.to_owned())?;
            engine.add_data(self.data.clone())
        };
        if let Err(err) = run(&mut engine) {
            errors.push(("<kubeward run>".to_owned(), err.to_string()));
        }
        if errors.is_empty() {
            Ok(engine)
        } else {
            Err(errors)
        }
    }

    /// The interpreter's engine of every module, prepared.
    fn interpreter(&self) -> Result<&Engine, String> {
        self.prepared(&self.interpreter, true)
    }

    /// The interpreter's engine of the libraries the indexes need, prepared.
    fn index_engine(&self) -> Result<&Engine, String> {
        self.prepared(&self.index_engine, false)
    }

    /// The run's indexes for `inventory` as built in Rust and as the interpreter evaluates
    /// the index package, for tests that compare them.
    #[cfg(test)]
    pub(crate) fn indexes_both_ways(&self, inventory: &RegoValue) -> (RegoValue, RegoValue) {
        let built = super::index::build(inventory, &self.data[&RegoValue::from("kubeward")]);
        let evaluated = self
            .index_engine()
            .and_then(|engine| {
                index_value(
                    engine,
                    &object([("inventory", inventory.clone())]),
                    &self.index_rules(),
                )
            })
            .unwrap_or_else(RegoValue::from);
        (built, evaluated)
    }

    /// The names of the index package's rules, when one library alone declares the package
    /// (empty otherwise: then the package is evaluated whole).
    fn index_rules(&self) -> Vec<String> {
        let libraries = self.modules.get(..self.libraries).unwrap_or_default();
        let mut declaring = libraries
            .iter()
            .filter(|module| declared_package(&module.text) == Some(INDEX_PACKAGE));
        match (declaring.next(), declaring.next()) {
            (Some(module), None) => rule_names(&module.text),
            _ => Vec::new(),
        }
    }

    /// The engine in `cell`, made (see [`Program::parse`]) and prepared on first use.
    fn prepared<'a>(
        &self,
        cell: &'a OnceLock<Result<Engine, String>>,
        rules: bool,
    ) -> Result<&'a Engine, String> {
        cell.get_or_init(|| {
            let mut engine = self.parse(rules).map_err(describe)?;
            prepare(&mut engine)?;
            Ok(engine)
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// The rules compiled to bytecode.
    fn bytecode(&self) -> Result<&Arc<VmProgram>, String> {
        self.bytecode
            .get_or_init(|| {
                let mut engine = Engine::new();
                engine.set_rego_v0(false);
                for module in self.modules.iter() {
                    engine
                        .add_policy(module.display.clone(), module.text.clone())
                        .map_err(|err| err.to_string())?;
                }
                engine
                    .add_policy("<kubeward run>".to_owned(), VM_RUN_MODULE.to_owned())
                    .map_err(|err| err.to_string())?;
                compile_bytecode(&mut engine, &self.rules, &self.batches)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The bytecode of the rules, serialized, to give [`Program::load_bytecode`] in a later
    /// process: compiled now if it is not yet. `None` when the rules are not all built-in
    /// ones (the user's run on the interpreter) or do not compile.
    pub(crate) fn save_bytecode(&self) -> Option<Vec<u8>> {
        if !self.builtin_only {
            return None;
        }
        let program = self.bytecode().ok()?;
        let mut bytes = self.fingerprint().into_bytes();
        bytes.push(b'\n');
        bytes.extend(program.serialize_binary().ok()?);
        Some(bytes)
    }

    /// Takes bytecode that [`Program::save_bytecode`] made; false, and nothing changes, when
    /// it was made from other rules or by another version, or cannot be read.
    pub(crate) fn load_bytecode(&mut self, bytes: &[u8]) -> bool {
        let fingerprint = self.fingerprint();
        let Some(body) = bytes
            .strip_prefix(fingerprint.as_bytes())
            .and_then(|rest| rest.strip_prefix(b"\n"))
        else {
            return false;
        };
        if !self.builtin_only || self.bytecode.get().is_some() {
            return false;
        }
        let Ok(loaded) = VmProgram::deserialize_binary(body) else {
            return false;
        };
        let program = match loaded {
            regorus::rvm::program::DeserializationResult::Complete(program) => program,
            _ => return false,
        };
        self.bytecode.set(Ok(Arc::new(program))).is_ok()
    }

    /// What the bytecode is compiled from: kubeward's version, the patch of the vendored
    /// regorus (its compiler), and every module's text, hashed (SHA-256), after the format's
    /// number (3: the program without its sources' texts and its instructions' positions).
    pub(crate) fn fingerprint(&self) -> String {
        self.fingerprint
            .get_or_init(|| self.compute_fingerprint())
            .clone()
    }

    fn compute_fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        hash.update(env!("CARGO_PKG_VERSION").as_bytes());
        hash.update(include_str!("../../../../vendor/regorus.patch").as_bytes());
        for text in self
            .modules
            .iter()
            .map(|m| m.text.as_str())
            .chain([VM_RUN_MODULE])
            .chain(self.rules.iter().map(|r| r.query.as_str()))
        {
            hash.update((text.len() as u64).to_le_bytes());
            hash.update(text.as_bytes());
        }
        let digest = hash.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("kubeward-bytecode-3 {hex}")
    }

    /// Prepares the engines made so far (the user's rules are compiled when the linter is
    /// made): once, before the linter lints anything, so that the clones that workers make
    /// of them do not prepare them again.
    pub(crate) fn prepare(&mut self) -> Result<(), String> {
        if let Some(Some(Ok(engine))) = Arc::get_mut(&mut self.interpreter).map(OnceLock::get_mut) {
            prepare(engine)?;
        }
        Ok(())
    }

    /// An evaluator for one run, with the run's inventory as `data.kubeward.inventory` and
    /// its indexes (rules/lib/index.rego) as `data.kubeward.index`.
    ///
    /// A run of `objects` objects evaluates them on the virtual machine or on the interpreter
    /// per [`RuleEngine`]; with `recording` (relinting), either records what each
    /// evaluation reads of the run (see [`Evaluator::evaluate_again`]).
    pub(crate) fn evaluator(
        &self,
        inventory: RegoValue,
        objects: usize,
        recording: bool,
    ) -> Result<Evaluator, String> {
        // The machine when it is wanted and the bytecode compiles (or came compiled), the
        // interpreter otherwise. Both record what an evaluation reads of the run alike.
        let on_vm = self.builtin_only
            && match self.rule_engine {
                // Relinting compiles the rules once for every run to come.
                RuleEngine::Auto => {
                    recording
                        || objects >= MACHINE_THRESHOLD
                        || self.bytecode.get().is_some_and(Result::is_ok)
                }
                RuleEngine::Interpreter => false,
                RuleEngine::VirtualMachine => true,
            };
        let bytecode = on_vm.then(|| self.bytecode()).and_then(Result::ok);
        // The indexes are built in Rust (`super::index`) from the built-in libraries' package;
        // with a user's files, which might add to it, the interpreter evaluates the package.
        // Both of the interpreter's engines are made at the same time when they are needed.
        let (index_engine, interpreter) = crate::lint::join(
            || {
                (!self.builtin_only)
                    .then(|| self.index_engine().cloned())
                    .transpose()
            },
            || bytecode.is_none().then(|| self.interpreter().cloned()),
        );
        let index = match index_engine? {
            Some(engine) => index_value(
                &engine,
                &object([("inventory", inventory.clone())]),
                &self.index_rules(),
            )?,
            None => super::index::build(&inventory, &self.data[&RegoValue::from("kubeward")]),
        };
        let run = object([("inventory", inventory), ("index", index)]);
        let vm = match bytecode {
            Some(program) => {
                let mut data = self.data.clone();
                data.as_object_mut()
                    .map_err(|err| err.to_string())?
                    .insert(RegoValue::from(VM_RUN_KEY), run.clone());
                let mut machine = Machine::new(Arc::clone(program), data)?;
                machine.unshared = objects >= UNSHARED_FROM;
                if recording {
                    machine.record();
                }
                Some(machine)
            }
            None => None,
        };
        let engine = interpreter.transpose()?;
        Ok(Evaluator {
            vm,
            engine,
            run,
            rules: Arc::clone(&self.rules),
            batches: Arc::clone(&self.batches),
            checked: BTreeMap::new(),
            selections: HashMap::new(),
        })
    }

    /// The API lifecycle table of `rules/lib/lifecycle.rego` (apiVersion → kind →
    /// `{deprecated, removed, replacements}`), which the API lifecycle rules report from and
    /// schema validation defers to: one table for both. Built in Rust from the built-in
    /// library (`super::lifecycle`), on the interpreter from any other.
    pub(crate) fn lifecycle(catalog: &Catalog) -> Result<serde_json::Value, String> {
        let library = catalog
            .libraries()
            .iter()
            .find(|library| declared_package(&library.text) == Some(LIFECYCLE_PACKAGE))
            .ok_or_else(|| format!("no library declares `package {LIFECYCLE_PACKAGE}`"))?;
        let builtin = super::builtin_file(&library.path).is_some_and(|text| text == library.text);
        match builtin
            .then(|| super::lifecycle::apis(&library.text))
            .flatten()
        {
            Some(table) => Ok(table),
            None => Self::lifecycle_on_interpreter(&library.display, &library.text),
        }
    }

    /// The lifecycle table of the library `text` (named `display`), evaluated by the
    /// interpreter.
    pub(crate) fn lifecycle_on_interpreter(
        display: &str,
        text: &str,
    ) -> Result<serde_json::Value, String> {
        // On an engine of its own: the table is a literal of its library, and preparing the
        // engine of every library for it took longer than the query.
        let mut engine = Engine::new();
        engine.set_rego_v0(false);
        engine
            .add_policy(display.to_owned(), text.to_owned())
            .map_err(|err| err.to_string())?;
        let value = query_value(&mut engine, &format!("data.{LIFECYCLE_PACKAGE}.apis"))?;
        let text = value.to_json_str().map_err(|err| err.to_string())?;
        serde_json::from_str(&text).map_err(|err| err.to_string())
    }

    /// Adds `data.kubeward.<key>`.
    pub(crate) fn add_environment(
        &mut self,
        key: &str,
        value: &serde_json::Value,
    ) -> Result<(), String> {
        self.data
            .as_object_mut()
            .map_err(|err| err.to_string())?
            .get_or_insert_with(RegoValue::from("kubeward"), RegoValue::new_object)
            .as_object_mut()
            .map_err(|err| err.to_string())?
            .insert(RegoValue::from(key), json_to_rego(value));
        // An engine made already (the user's rules are compiled with the linter) is given
        // the data too; one shared with another program is made again on first use.
        for cell in [&mut self.interpreter, &mut self.index_engine] {
            match Arc::get_mut(cell).map(OnceLock::get_mut) {
                Some(Some(Ok(engine))) => engine
                    .add_data(kubeward_data(object([(key, json_to_rego(value))])))
                    .map_err(|err| err.to_string())?,
                Some(_) => {}
                None => *cell = Arc::default(),
            }
        }
        Ok(())
    }

    /// Evaluates the rules on `engine`.
    pub(crate) fn set_rule_engine(&mut self, engine: RuleEngine) {
        self.rule_engine = engine;
    }

    /// What identifies this program and its clones: the same compiled rules and data.
    pub(crate) fn id(&self) -> ProgramId {
        ProgramId(Arc::clone(&self.rules))
    }

    /// Whether any compiled rule looks at objects of this kind.
    pub(crate) fn wants(&self, kind: &str) -> bool {
        self.rules.iter().any(|rule| rule.kinds.matches(kind))
    }
}

/// Identifies a [`Program`] and its clones.
#[derive(Debug, Clone)]
pub(crate) struct ProgramId(Arc<[CompiledRule]>);

impl PartialEq for ProgramId {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Which of regorus's engines evaluates the rules. Both give the same findings for the built-in
/// rules (the `engines` test compares them on every rule's fixtures, the peers' conformance
/// fixtures and the shared manifests); rules and libraries of the user's always run on the
/// interpreter, Rego's reference here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RuleEngine {
    /// The virtual machine for runs of [`MACHINE_THRESHOLD`] objects or more, when the
    /// rules are compiled already (`Linter::load_compiled_rules`), and for relinting
    /// (`Linter::relint`, where the rules are compiled once for many runs); the interpreter
    /// for smaller runs otherwise: compiling to bytecode takes about as long as interpreting
    /// the rules for a dozen objects.
    #[default]
    Auto,
    /// regorus's tree-walking interpreter.
    Interpreter,
    /// regorus's bytecode virtual machine (RVM).
    VirtualMachine,
}

/// Objects from which a run evaluates the rules on the virtual machine by default.
pub const MACHINE_THRESHOLD: usize = 16;

/// Instructions one evaluation may execute: far above what every rule takes on any real
/// object, low enough to stop a runaway policy.
const MAX_INSTRUCTIONS: usize = 100_000_000;

/// Compiles the rules and their batches to bytecode, each `deny` and each batch an entry
/// point.
fn compile_bytecode(
    engine: &mut Engine,
    rules: &[CompiledRule],
    batches: &[Batch],
) -> Result<Arc<VmProgram>, String> {
    let entries: Vec<&str> = batches
        .iter()
        .map(|batch| batch.query.as_str())
        .chain(rules.iter().map(|rule| rule.query.as_str()))
        .collect();
    let Some(first) = entries.first() else {
        return Err("no rule to compile".to_owned());
    };
    let policy = engine
        .compile_with_entrypoint(&(*first).into())
        .map_err(|err| err.to_string())?;
    let mut program =
        Compiler::compile_from_policy(&policy, &entries).map_err(|err| err.to_string())?;
    // The program keeps a copy of every module's text and the position of every instruction
    // in it, for listings (`get_source`, `get_instruction_span`), which the machine never
    // reads: without them, the cache file is smaller, reading it back is shorter, and each
    // worker's copy of the program (`Machine::clone`) does not copy them.
    if let Some(program) = Arc::get_mut(&mut program) {
        program.sources = Vec::new();
        program.instruction_spans = Vec::new();
    }
    Ok(program)
}

/// A virtual machine over the shared bytecode: one per worker.
struct Machine {
    program: Arc<VmProgram>,
    data: RegoValue,
    vm: RegoVM,
    /// Whether copies get their own literals and data (see [`Machine::clone`]): for runs of
    /// [`UNSHARED_FROM`] objects or more.
    unshared: bool,
    /// What the executions read of the run, when it is recorded (relinting).
    recording: Option<Recording>,
}

/// What a machine's executions read of the run since it was last taken: the paths of
/// [`LOOKUP_RULE`]'s calls, as the interpreter's [`LOOKUP_FUNCTION`] records them, and whether
/// one of [`WHOLE_RULES`] was evaluated (as [`RUN_FUNCTION`] records it).
#[derive(Debug, Clone, Default)]
struct Recording {
    /// The indexes of [`WHOLE_RULES`] in the program.
    whole_rules: Vec<usize>,
    paths: Vec<RegoValue>,
    whole: bool,
}

/// The smallest run whose workers' machines do not share literals and data with each other:
/// below it, copying them costs more than the threads' contention for them.
const UNSHARED_FROM: usize = 64;

impl Machine {
    fn new(program: Arc<VmProgram>, data: RegoValue) -> Result<Self, String> {
        let mut vm = RegoVM::new();
        vm.load_program(Arc::clone(&program));
        vm.set_max_instructions(MAX_INSTRUCTIONS);
        vm.set_strict_builtin_errors(false);
        vm.set_data(data.clone()).map_err(|err| err.to_string())?;
        Ok(Machine {
            program,
            data,
            vm,
            unshared: false,
            recording: None,
        })
    }

    /// Records from now on what the executions read of the run (see [`Machine::reads`]).
    /// The program has only the rules its entry points reach: without [`LOOKUP_RULE`] or one
    /// of [`WHOLE_RULES`], the rules cannot read the run that way.
    fn record(&mut self) {
        self.vm.record_calls(Some(LOOKUP_RULE));
        self.recording = Some(Recording {
            whole_rules: WHOLE_RULES
                .iter()
                .filter_map(|name| self.vm.rule_index(name))
                .collect(),
            ..Recording::default()
        });
    }

    /// The value of an entry point.
    fn run(&mut self, entry: &str) -> Result<RegoValue, String> {
        let value = self
            .vm
            .execute_entry_point_by_name(entry)
            .map_err(|err| err.to_string());
        if let Some(recording) = self.recording.as_mut() {
            for args in self.vm.take_recorded_calls() {
                match args.into_iter().next() {
                    Some(path @ RegoValue::Array(_)) => recording.paths.push(path),
                    // Not a path: `object.get` reads the run at a key, which the interpreter's
                    // lookup does not. No built-in rule does that; it counts as reading all.
                    _ => recording.whole = true,
                }
            }
            // A failed execution's rule values are gone; its outcome is not kept either.
            recording.whole |= value.is_err()
                || recording
                    .whole_rules
                    .iter()
                    .any(|&index| self.vm.computed_rule(index));
        }
        value
    }

    /// What the executions since the last call read of `run` (the run in the machine's
    /// data), as the interpreter's host functions record it; `None` when not recording.
    fn reads(&mut self, run: &RegoValue) -> Option<Reads> {
        let recording = self.recording.as_mut()?;
        let whole = std::mem::take(&mut recording.whole);
        let lookups = std::mem::take(&mut recording.paths)
            .into_iter()
            .map(|path| {
                let value = match &path {
                    RegoValue::Array(keys) => value_at(run, keys.iter()),
                    _ => RegoValue::Undefined,
                };
                (path, value)
            })
            .collect();
        Some(Reads { lookups, whole })
    }
}

impl Clone for Machine {
    /// A machine with a copy of the program, not another reference to it: the machine clones
    /// its `Arc<Program>` at every rule it calls, and workers sharing one would contend for
    /// its reference count (two threads were barely faster than one). For the same reason
    /// the program's literals and the data are copied, not shared, in a run of some size
    /// (see [`unshared`]). Without the `parallel` feature there are no other threads: a
    /// copy shares the program and the data.
    fn clone(&self) -> Self {
        #[cfg(feature = "parallel")]
        let (program, data) = self.copies();
        #[cfg(not(feature = "parallel"))]
        let (program, data) = (Arc::clone(&self.program), self.data.clone());
        // The data was accepted by the machine this one copies, so it is accepted again.
        let mut machine =
            Machine::new(Arc::clone(&program), data.clone()).unwrap_or_else(|_| Machine {
                program,
                data,
                vm: RegoVM::new(),
                unshared: false,
                recording: None,
            });
        machine.unshared = self.unshared;
        if self.recording.is_some() {
            machine.record();
        }
        machine
    }
}

impl Machine {
    /// A copy of the program, and of the data, for a machine of another thread.
    #[cfg(feature = "parallel")]
    fn copies(&self) -> (Arc<VmProgram>, RegoValue) {
        let mut program = VmProgram::clone(&self.program);
        let mut data = self.data.clone();
        if self.unshared {
            for literal in &mut program.literals {
                *literal = unshared(literal, usize::MAX);
            }
            if let RegoValue::Object(entries) = &self.data {
                data = RegoValue::from(
                    entries
                        .iter()
                        .map(|(key, value)| {
                            // The run's inventory and indexes are large: their upper levels
                            // only.
                            let depth = if key == &RegoValue::from(VM_RUN_KEY) {
                                3
                            } else {
                                usize::MAX
                            };
                            (unshared(key, usize::MAX), unshared(value, depth))
                        })
                        .collect::<BTreeMap<_, _>>(),
                );
            }
        }
        (Arc::new(program), data)
    }
}

/// A copy of `value` that shares none of its strings and containers down to `depth` levels
/// with it. A value's reference count is atomic: threads that each take references to one
/// value (a literal of the program, `data`) contend for its count's cache line.
#[cfg(feature = "parallel")]
fn unshared(value: &RegoValue, depth: usize) -> RegoValue {
    let Some(below) = depth.checked_sub(1) else {
        return value.clone();
    };
    match value {
        RegoValue::String(text) => RegoValue::from(&**text),
        RegoValue::Array(items) => RegoValue::from(
            items
                .iter()
                .map(|item| unshared(item, below))
                .collect::<Vec<_>>(),
        ),
        RegoValue::Set(items) => RegoValue::from(
            items
                .iter()
                .map(|item| unshared(item, below))
                .collect::<std::collections::BTreeSet<_>>(),
        ),
        RegoValue::Object(entries) => RegoValue::from(
            entries
                .iter()
                .map(|(key, item)| (unshared(key, below), unshared(item, below)))
                .collect::<BTreeMap<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// Evaluates rules against objects. Cheap to clone: one per worker thread.
#[derive(Clone)]
pub(crate) struct Evaluator {
    /// The virtual machine the rules run on, or none when they run on the interpreter.
    vm: Option<Machine>,
    /// The interpreter's engine, when the rules run there.
    engine: Option<Engine>,
    /// `{"inventory": ..., "index": ...}`, what [`RUN_FUNCTION`] returns while it evaluates.
    run: RegoValue,
    rules: Arc<[CompiledRule]>,
    batches: Arc<[Batch]>,
    /// Lookups of an earlier run checked against this one: path → (the value recorded
    /// then, this run's value when it is the same).
    checked: BTreeMap<RegoValue, (RegoValue, Option<RegoValue>)>,
    /// By kind, the rules that look at it and their batch: found once per kind.
    selections: HashMap<String, Arc<Selection>>,
}

/// The rules that look at a kind, and the batch of exactly those rules if there is one.
#[derive(Debug)]
struct Selection {
    members: Vec<usize>,
    batch: Option<usize>,
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator").finish_non_exhaustive()
    }
}

/// The outcome of one rule on one object.
pub(crate) type RuleOutcome = (usize, Result<Vec<RawFinding>, String>);

/// The outcomes of an object's rules in one run, with what they looked up of that run: valid
/// in a later run for the same object as long as every lookup returns the same value.
#[derive(Debug, Clone)]
pub(crate) struct Outcomes {
    pub(crate) outcomes: Vec<RuleOutcome>,
    lookups: Vec<(RegoValue, RegoValue)>,
}

impl Evaluator {
    /// Runs every rule that looks at `kind` with `input` as the object.
    pub(crate) fn evaluate(&mut self, input: RegoValue, kind: &str) -> Vec<RuleOutcome> {
        let _run = RunScope::enter(&self.run, false);
        self.evaluate_in_run(input, kind, true)
    }

    /// As [`Evaluator::evaluate`], reusing `previous` (the outcomes of the same object in an
    /// earlier run) when what its rules looked up is unchanged. Also returns the outcomes to
    /// keep for the next run, unless the rules read the inventory or indexes whole, and
    /// whether `previous` was reused.
    pub(crate) fn evaluate_again(
        &mut self,
        input: RegoValue,
        kind: &str,
        previous: Option<&Outcomes>,
    ) -> (Vec<RuleOutcome>, Option<Outcomes>, bool) {
        if let Some(valid) = previous.and_then(|p| self.revalidate(p)) {
            return (valid.outcomes.clone(), Some(valid), true);
        }
        let (outcomes, reads) = if self.vm.is_some() {
            let outcomes = self.evaluate_in_run(input, kind, true);
            let reads = self
                .vm
                .as_mut()
                .and_then(|machine| machine.reads(&self.run));
            (outcomes, reads)
        } else {
            let run = RunScope::enter(&self.run, true);
            let outcomes = self.evaluate_in_run(input, kind, false);
            (outcomes, run.reads())
        };
        let kept = reads.filter(|reads| !reads.whole).map(|reads| Outcomes {
            outcomes: outcomes.clone(),
            lookups: reads.lookups,
        });
        (outcomes, kept, false)
    }

    /// `previous` again if every lookup it made returns the same value in this run, with
    /// the values of this run: objects evaluated in one run share their lookups' values, so
    /// that in the next run each path is compared in depth once (see [`Evaluator::checked`])
    /// and the other objects' values match by pointer.
    fn revalidate(&mut self, previous: &Outcomes) -> Option<Outcomes> {
        let mut lookups = Vec::with_capacity(previous.lookups.len());
        for (path, recorded) in &previous.lookups {
            let current = match self.checked.get(path) {
                Some((seen, current)) if seen == recorded => current.clone(),
                _ => {
                    let RegoValue::Array(keys) = path else {
                        return None;
                    };
                    let now = value_at(&self.run, keys.iter());
                    let current = (now == *recorded).then_some(now);
                    self.checked
                        .insert(path.clone(), (recorded.clone(), current.clone()));
                    current
                }
            }?;
            lookups.push((path.clone(), current));
        }
        Some(Outcomes {
            outcomes: previous.outcomes.clone(),
            lookups,
        })
    }

    /// Runs the rules for `kind` on the virtual machine when `vm` and the program has
    /// bytecode, on the interpreter otherwise.
    fn evaluate_in_run(&mut self, input: RegoValue, kind: &str, vm: bool) -> Vec<RuleOutcome> {
        let selection = self.selection(kind);
        let members = &selection.members;
        if members.is_empty() {
            return Vec::new();
        }
        let batch = selection.batch.and_then(|number| self.batches.get(number));
        if let Some(machine) = self.vm.as_mut().filter(|_| vm) {
            machine.vm.set_input(input);
            if let Some(batch) = batch {
                if let Ok(RegoValue::Array(denies)) = machine.run(&batch.query) {
                    return batched(&self.rules, batch, &denies);
                }
            }
            return members
                .iter()
                .filter_map(|&position| {
                    let rule = self.rules.get(position)?;
                    let result = machine.run(&rule.query).and_then(|value| findings(&value));
                    Some((rule.index, result))
                })
                .collect();
        }
        let Some(engine) = self.engine.as_mut() else {
            // Not reached: an evaluator has the interpreter unless it runs the rules on the
            // machine, and then it is asked for the machine.
            return members
                .iter()
                .filter_map(|&position| {
                    let rule = self.rules.get(position)?;
                    Some((rule.index, Err("no engine to evaluate the rule".to_owned())))
                })
                .collect();
        };
        engine.set_input(input);
        if let Some(batch) = batch {
            // One evaluation for all of them; should any rule fail, each is run on its own
            // below so that the error is reported against the rule that raised it.
            if let Ok(RegoValue::Array(denies)) = engine.eval_rule(batch.query.clone()) {
                return batched(&self.rules, batch, &denies);
            }
        }
        members
            .iter()
            .filter_map(|&position| {
                let rule = self.rules.get(position)?;
                let result = engine
                    .eval_rule(rule.query.clone())
                    .map_err(|err| err.to_string())
                    .and_then(|value| findings(&value));
                Some((rule.index, result))
            })
            .collect()
    }

    /// The rules that look at `kind` (their positions) and their batch.
    fn selection(&mut self, kind: &str) -> Arc<Selection> {
        if let Some(selection) = self.selections.get(kind) {
            return Arc::clone(selection);
        }
        let members: Vec<usize> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.kinds.matches(kind))
            .map(|(position, _)| position)
            .collect();
        let batch = self
            .batches
            .iter()
            .position(|batch| batch.members == members);
        let selection = Arc::new(Selection { members, batch });
        self.selections
            .insert(kind.to_owned(), Arc::clone(&selection));
        selection
    }
}

/// The outcomes of a batch's members from its value, their `deny` sets in order.
fn batched(
    rules: &[CompiledRule],
    batch: &Batch,
    denies: &regorus::value::Array,
) -> Vec<RuleOutcome> {
    batch
        .members
        .iter()
        .enumerate()
        .filter_map(|(slot, &position)| {
            let rule = rules.get(position)?;
            let value = denies.get(slot).unwrap_or(&RegoValue::Undefined);
            Some((rule.index, findings(value)))
        })
        .collect()
}

/// Prepares an engine for evaluation (regorus analyses the policy on first use, and again
/// after its data changes).
fn prepare(engine: &mut Engine) -> Result<(), String> {
    engine
        .eval_query("true".to_owned(), false)
        .map(drop)
        .map_err(|err| err.to_string())
}

/// Errors per module, as one message.
fn describe(errors: Vec<(String, String)>) -> String {
    errors
        .into_iter()
        .map(|(display, message)| format!("{display}: {message}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `{"kubeward": value}`: a value for `data.kubeward`.
fn kubeward_data(value: RegoValue) -> RegoValue {
    RegoValue::from(BTreeMap::from([(RegoValue::from("kubeward"), value)]))
}

/// `{key: value, ...}`.
fn object<const N: usize>(entries: [(&str, RegoValue); N]) -> RegoValue {
    RegoValue::from(BTreeMap::from(
        entries.map(|(key, value)| (RegoValue::from(key), value)),
    ))
}

/// The value of the index package for the run `run`: its rules in groups, one group per
/// thread, each evaluated on a copy of `engine` at the same time (the package evaluated whole
/// took a tenth of a 10,000-object run, on one thread); the package whole when `rules` is
/// empty. A group is one query, so that what its rules share (the list of workloads) is
/// computed once in it.
fn index_value(engine: &Engine, run: &RegoValue, rules: &[String]) -> Result<RegoValue, String> {
    if rules.is_empty() {
        let _run = RunScope::enter(run, false);
        return query_value(&mut engine.clone(), &format!("data.{INDEX_PACKAGE}"));
    }
    let size = rules.len().div_ceil(crate::lint::threads().max(1));
    let groups: Vec<&[String]> = rules.chunks(size.max(1)).collect();
    let values = crate::lint::par_map(groups, |group| {
        let _run = RunScope::enter(run, false);
        index_group(&mut engine.clone(), group)
    });
    let mut index = BTreeMap::new();
    for value in values {
        for (rule, value) in value? {
            // A rule without a value is not a field of its package's value.
            if value != RegoValue::Undefined {
                index.insert(RegoValue::from(rule.as_str()), value);
            }
        }
    }
    Ok(RegoValue::from(index))
}

/// The values of the index rules `group`, by one query binding each (`r0 := data....; ...`),
/// or, should one of them have no value (the query then has no result), by a query each.
fn index_group<'a>(
    engine: &mut Engine,
    group: &'a [String],
) -> Result<Vec<(&'a String, RegoValue)>, String> {
    let query = group
        .iter()
        .enumerate()
        .map(|(i, rule)| format!("r{i} := data.{INDEX_PACKAGE}.{rule}"))
        .collect::<Vec<_>>()
        .join("; ");
    let results = engine
        .eval_query(query, false)
        .map_err(|err| err.to_string())?;
    if let Some(RegoValue::Object(bindings)) = results.result.into_iter().next().map(|r| r.bindings)
    {
        return Ok(group
            .iter()
            .enumerate()
            .map(|(i, rule)| {
                let value = bindings.get(&RegoValue::from(format!("r{i}")));
                (rule, value.cloned().unwrap_or(RegoValue::Undefined))
            })
            .collect());
    }
    group
        .iter()
        .map(|rule| {
            Ok((
                rule,
                query_value(engine, &format!("data.{INDEX_PACKAGE}.{rule}"))?,
            ))
        })
        .collect()
}

/// The names of the rules a module defines (functions excepted), in order: each line that
/// starts with a name (a rule's head starts its line in kubeward's libraries) and does not
/// go on with `(`.
fn rule_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.strip_prefix("default ").unwrap_or(line);
        let end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        let (name, rest) = line.split_at(end);
        let starts_with_letter = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if !starts_with_letter
            || matches!(name, "package" | "import")
            || rest.starts_with('(')
            || names.iter().any(|known| known == name)
        {
            continue;
        }
        names.push(name.to_owned());
    }
    names
}

/// The value of a query with one expression (undefined when it has none).
fn query_value(engine: &mut Engine, query: &str) -> Result<RegoValue, String> {
    Ok(engine
        .eval_query(query.to_owned(), false)
        .map_err(|err| err.to_string())?
        .result
        .into_iter()
        .next()
        .and_then(|result| result.expressions.into_iter().next())
        .map_or(RegoValue::Undefined, |expression| expression.value))
}

/// One batch per distinct group of rules that some kind selects: every kind a rule names,
/// and any other kind (the rules for every object).
fn batches(rules: &[CompiledRule]) -> Vec<Batch> {
    let mut kinds: Vec<&str> = rules
        .iter()
        .flat_map(|rule| match &rule.kinds {
            KindSet::All => Vec::new(),
            KindSet::Kinds(kinds) => kinds.iter().map(String::as_str).collect(),
        })
        .collect();
    // Each kind once (the rules name some kinds dozens of times); no kind starts with a
    // digit: this one stands for every kind no rule names.
    kinds.sort_unstable();
    kinds.dedup();
    kinds.push("0");
    let mut groups: Vec<Vec<usize>> = kinds
        .into_iter()
        .map(|kind| {
            rules
                .iter()
                .enumerate()
                .filter(|(_, rule)| rule.kinds.matches(kind))
                .map(|(position, _)| position)
                .collect()
        })
        .filter(|members: &Vec<usize>| members.len() > 1)
        .collect();
    groups.sort();
    groups.dedup();
    groups
        .into_iter()
        .enumerate()
        .map(|(number, members)| Batch {
            members,
            query: format!("data.kubeward.batch.b{number}"),
        })
        .collect()
}

/// The module of the batches, one package for all of them (regorus resolves a reference to
/// `data` by visiting every module, so each module costs every object some time): per batch an
/// array of its members' `deny` sets in order, `b<number> := [<deny>, ...]`. (An object keyed
/// by the rules' positions took a binary search per rule and object to read back.)
///
/// An array written out is undefined as a whole if one of its items is: a rule whose `deny`
/// might be undefined (a user's, see [`CompiledRule::always_defined`]) is entered through a
/// rule of its own, `r<position>`, its `deny` or the empty set. The others are referenced
/// directly, which spares every object a rule call per rule. (`object.union_n` of one-entry
/// objects copied the growing union at each step.)
fn batch_source(batches: &[Batch], rules: &[CompiledRule]) -> String {
    let mut source = String::from("package kubeward.batch\n\nimport rego.v1\n\n");
    let mut wrapped: Vec<usize> = batches.iter().flat_map(|b| b.members.clone()).collect();
    wrapped.retain(|&position| rules.get(position).is_some_and(|rule| !rule.always_defined));
    wrapped.sort_unstable();
    wrapped.dedup();
    for position in wrapped {
        if let Some(rule) = rules.get(position) {
            source.push_str(&format!(
                "r{position} := findings if {{\n\tfindings := {}\n}} else := set()\n\n",
                rule.query
            ));
        }
    }
    for (number, batch) in batches.iter().enumerate() {
        // One entry per line: regorus refuses lines longer than 1,024 characters.
        // An item per member, so that the items line up with `Batch::members`.
        let entries: Vec<String> = batch
            .members
            .iter()
            .map(|&position| match rules.get(position) {
                Some(rule) if rule.always_defined => format!("\t{}", rule.query),
                Some(_) => format!("\tr{position}"),
                None => "\tset()".to_owned(),
            })
            .collect();
        source.push_str(&format!("b{number} := [\n{}\n]\n\n", entries.join(",\n")));
    }
    source
}

fn findings(value: &RegoValue) -> Result<Vec<RawFinding>, String> {
    match value {
        RegoValue::Undefined | RegoValue::Null => Ok(Vec::new()),
        RegoValue::Set(set) => findings_of(set.iter(), set.len()),
        RegoValue::Array(array) => findings_of(array.iter(), array.len()),
        other => Err(format!("`deny` must be a set of findings, got {other}")),
    }
}

fn findings_of<'a>(
    items: impl Iterator<Item = &'a RegoValue>,
    len: usize,
) -> Result<Vec<RawFinding>, String> {
    let mut all = Vec::with_capacity(len);
    for item in items {
        all.push(finding(item)?);
    }
    Ok(all)
}

fn finding(value: &RegoValue) -> Result<RawFinding, String> {
    let RegoValue::Object(fields) = value else {
        return Err(format!(
            "a finding must be an object with `msg` and `path`, got {value}"
        ));
    };
    // One pass over the fields, rather than a lookup of each (a key made for every lookup).
    let (mut msg, mut path_value, mut related_value) = (None, None, None);
    for (key, value) in fields.iter() {
        match key.as_string().map(|s| &**s) {
            Ok("msg") => msg = Some(value),
            Ok("path") => path_value = Some(value),
            Ok("related") => related_value = Some(value),
            _ => return Err(format!("a finding has an unknown field {key}")),
        }
    }
    let msg = match msg {
        None | Some(RegoValue::Undefined) => return Err("a finding has no `msg`".to_owned()),
        Some(RegoValue::String(s)) => s.to_string(),
        Some(other) => return Err(format!("`msg` must be a string, got {other}")),
    };
    let path = path(path_value.ok_or("a finding has no `path`")?)?;
    let related = match related_value {
        None => Vec::new(),
        Some(RegoValue::Array(items)) => related_all(items.iter())?,
        Some(RegoValue::Set(items)) => related_all(items.iter())?,
        Some(other) => return Err(format!("`related` must be an array, got {other}")),
    };
    Ok(RawFinding { msg, path, related })
}

fn related_all<'a>(items: impl Iterator<Item = &'a RegoValue>) -> Result<Vec<RawRelated>, String> {
    let mut all = Vec::new();
    for item in items {
        all.extend(related(item)?);
    }
    Ok(all)
}

/// A secondary location; `None` when it names an object by values that are not strings: an
/// object of the run whose name or namespace has the wrong shape (schema validation reports
/// it), which no label can point at.
fn related(value: &RegoValue) -> Result<Option<RawRelated>, String> {
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
            let field = |key: &str| match object.get(&RegoValue::from(key)) {
                None | Some(RegoValue::Undefined) => Ok(None),
                Some(RegoValue::String(s)) => Ok(Some(s.to_string())),
                Some(_) => Err(()),
            };
            let (Ok(kind), Ok(namespace), Ok(name)) =
                (field("kind"), field("namespace"), field("name"))
            else {
                return Ok(None);
            };
            let kind = kind.ok_or("`related.object` has no `kind`")?;
            let name = name.ok_or("`related.object` has no `name`")?;
            Some((kind, namespace, name))
        }
        Some(other) => return Err(format!("`related.object` must be an object, got {other}")),
    };
    Ok(Some(RawRelated {
        path,
        object,
        msg: string_field(fields, "msg")?,
    }))
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
    // Collected from `Result`s, the vector would not know its length and grow as it fills.
    let mut path = Vec::with_capacity(items.len());
    for item in items.iter() {
        path.push(match item {
            RegoValue::String(s) => PathSegment::Key(s.to_string()),
            RegoValue::Number(_) => item
                .as_u64()
                .ok()
                .and_then(|n| usize::try_from(n).ok())
                .map(PathSegment::Index)
                .ok_or_else(|| format!("`path` index {item} is not a natural number"))?,
            other => {
                return Err(format!(
                    "`path` items must be strings or indexes, got {other}"
                ));
            }
        });
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{kind: {namespace: {name: [object]}}}` of the objects.
    fn inventory(objects: &[serde_json::Value]) -> RegoValue {
        let mut by_kind = serde_json::Map::new();
        for object in objects {
            let kind = object["kind"].as_str().unwrap();
            let namespace = object["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default");
            let name = object["metadata"]["name"].as_str().unwrap();
            let names = by_kind
                .entry(kind)
                .or_insert_with(|| serde_json::json!({}))
                .as_object_mut()
                .unwrap()
                .entry(namespace)
                .or_insert_with(|| serde_json::json!({}));
            names
                .as_object_mut()
                .unwrap()
                .insert(name.to_owned(), serde_json::json!([object]));
        }
        json_to_rego(&serde_json::Value::Object(by_kind))
    }

    #[test]
    fn the_index_evaluated_in_groups_is_the_package_evaluated_whole() {
        let catalog = Catalog::builtin().unwrap();
        let environment = serde_json::json!({"default_namespace": "default", "params": {}});
        let program = Program::compile(&catalog, &[], environment).unwrap();
        let rules = program.index_rules();
        for expected in [
            "_workloads",
            "workloads_by_label",
            "service_accounts_by_name",
        ] {
            assert!(rules.iter().any(|rule| rule == expected), "{rules:?}");
        }
        assert!(
            !rules.iter().any(|rule| rule == "_pod_labels"),
            "a function: {rules:?}"
        );
        let deployment = |ns: &str, name: &str, app: &str| {
            serde_json::json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": name, "namespace": ns},
                "spec": {"template": {"metadata": {"labels": {"app": app, "tier": "web"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}
            })
        };
        let objects = [
            deployment("a", "one", "x"),
            deployment("a", "two", "y"),
            deployment("b", "three", "x"),
            serde_json::json!({"apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"name": "robot", "namespace": "a"}}),
            serde_json::json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": "rb", "namespace": "a"},
                "roleRef": {"kind": "Role", "name": "reader"},
                "subjects": [{"kind": "ServiceAccount", "name": "robot"}]}),
            serde_json::json!({"apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding", "metadata": {"name": "crb"},
                "roleRef": {"kind": "ClusterRole", "name": "admin"},
                "subjects": [{"kind": "ServiceAccount", "name": "robot", "namespace": "b"}]}),
            serde_json::json!({"apiVersion": "example.com/v1", "kind": "Widget",
                "metadata": {"name": "w", "namespace": "b"}}),
        ];
        let run = object([("inventory", inventory(&objects))]);
        let engine = program.index_engine().unwrap();
        let by_rule = index_value(engine, &run, &rules).unwrap();
        let whole = index_value(engine, &run, &[]).unwrap();
        assert_eq!(by_rule, whole);
        // In one group, whatever the number of threads.
        let _run = RunScope::enter(&run, false);
        let grouped = index_group(&mut engine.clone(), &rules).unwrap();
        let grouped = RegoValue::from(
            grouped
                .into_iter()
                .map(|(rule, value)| (RegoValue::from(rule.as_str()), value))
                .collect::<BTreeMap<_, _>>(),
        );
        assert_eq!(grouped, whole);
        // Every index has something in it: the comparison is not of empty objects.
        let RegoValue::Object(fields) = &whole else {
            panic!("the index is not an object: {whole}");
        };
        assert_eq!(fields.len(), rules.len());
        for (rule, value) in fields.iter() {
            let empty = match value {
                RegoValue::Object(o) => o.is_empty(),
                RegoValue::Set(s) => s.is_empty(),
                RegoValue::Array(a) => a.is_empty(),
                _ => false,
            };
            assert!(!empty, "{rule} is empty");
        }
    }

    /// A batch references a built-in rule's `deny` directly (`batch_source`): it must be a
    /// partial set rule, defined for every object.
    #[test]
    fn builtin_rules_declare_deny_as_a_partial_set() {
        let catalog = Catalog::builtin().unwrap();
        let all: Vec<usize> = (0..catalog.rules().len()).collect();
        let environment = serde_json::json!({"default_namespace": "default", "params": {}});
        let program = Program::compile(&catalog, &all, environment).unwrap();
        let bytecode = program.bytecode().unwrap();
        assert!(program.rules.len() > 50, "{} rules", program.rules.len());
        for rule in program.rules.iter() {
            assert!(rule.always_defined, "{}", rule.query);
            let info = bytecode
                .rule_infos
                .iter()
                .find(|info| info.name == rule.query)
                .unwrap_or_else(|| panic!("{} is not in the program", rule.query));
            assert_eq!(
                info.rule_type,
                regorus::rvm::program::RuleType::PartialSet,
                "{}",
                rule.query
            );
        }
    }

    /// A user's rule whose `deny` is a complete rule, undefined for an object, is entered
    /// through a rule of its own: its batch stays defined, and the built-in rules' entries
    /// beside it are their sets (empty or not).
    #[test]
    fn a_batch_with_a_user_rule_whose_deny_is_undefined_is_defined() {
        let text = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: ACME1\n#   name: no-foo\n#   severity: error\n#   kinds: [workload]\n#   remediation: Remove foo.\npackage kubeward.rules.acme.no_foo\n\nimport rego.v1\n\ndeny := {{\"msg\": \"foo\", \"path\": [\"metadata\", \"name\"]}} if input.metadata.name == \"foo\"\n";
        let catalog = Catalog::load(vec![PolicyFile {
            path: "acme/no_foo.rego".to_owned(),
            display: "policies/acme/no_foo.rego".to_owned(),
            text: text.to_owned(),
        }])
        .unwrap();
        let all: Vec<usize> = (0..catalog.rules().len()).collect();
        let environment = serde_json::json!({"default_namespace": "default", "params": {}});
        let program = Program::compile(&catalog, &all, environment).unwrap();
        let user = program
            .rules
            .iter()
            .position(|rule| rule.query == "data.kubeward.rules.acme.no_foo.deny")
            .unwrap();
        assert!(!program.rules[user].always_defined);
        let batch = program
            .batches
            .iter()
            .find(|batch| batch.members.contains(&user) && batch.members.len() > 10)
            .unwrap();
        let deployment = serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "a"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}}}
        });
        let mut evaluator = program
            .evaluator(inventory(std::slice::from_ref(&deployment)), 1, false)
            .unwrap();
        assert!(
            evaluator.vm.is_none(),
            "a user's rules run on the interpreter"
        );
        let _run = RunScope::enter(&evaluator.run, false);
        let engine = evaluator.engine.as_mut().unwrap();
        engine.set_input(json_to_rego(&deployment));
        let value = engine.eval_rule(batch.query.clone()).unwrap();
        let RegoValue::Array(denies) = &value else {
            panic!("the batch is not an array: {value}");
        };
        assert_eq!(denies.len(), batch.members.len());
        let slot = batch.members.iter().position(|&m| m == user).unwrap();
        assert_eq!(denies[slot], RegoValue::new_set());
        // The image is not pinned: a built-in rule's set beside it has a finding.
        assert!(
            denies
                .iter()
                .any(|value| matches!(value, RegoValue::Set(set) if !set.is_empty())),
            "{value}"
        );
    }

    /// Relinting on the machine records what the interpreter's host functions record: the
    /// path and value of each lookup, once per distinct call, and whether the inventory or
    /// the indexes were read whole.
    #[test]
    fn the_machine_records_what_the_rules_read_of_the_run() {
        let mut engine = Engine::new();
        engine.set_rego_v0(false);
        engine
            .add_policy("run.rego".to_owned(), VM_RUN_MODULE.to_owned())
            .unwrap();
        engine
            .add_policy(
                "t.rego".to_owned(),
                "package t\n\nimport rego.v1\n\nlooks := data.kubeward.lookup([\"inventory\", \"Pod\", input.ns], {})\n\ntwice := [data.kubeward.lookup([\"index\", \"x\"], 0), data.kubeward.lookup([\"index\", \"x\"], 0), data.kubeward.lookup([\"index\", \"y\"], 0)]\n\nall := count(data.kubeward.inventory)\n\nnot_a_path := data.kubeward.lookup(\"index\", 0)\n".to_owned(),
            )
            .unwrap();
        let entries = [
            "data.t.looks",
            "data.t.twice",
            "data.t.all",
            "data.t.not_a_path",
        ];
        let policy = engine.compile_with_entrypoint(&entries[0].into()).unwrap();
        let program = Compiler::compile_from_policy(&policy, &entries).unwrap();
        let pods = json_to_rego(&serde_json::json!({"web": [{"kind": "Pod"}]}));
        let run = object([
            (
                "inventory",
                object([("Pod", object([("a", pods.clone())]))]),
            ),
            ("index", object([("x", RegoValue::from(7))])),
        ]);
        let data = object([(VM_RUN_KEY, run.clone())]);
        let mut machine = Machine::new(program, data).unwrap();
        machine.record();
        machine
            .vm
            .set_input(json_to_rego(&serde_json::json!({"ns": "a"})));
        let path = |keys: &[&str]| {
            RegoValue::from(keys.iter().map(|&k| RegoValue::from(k)).collect::<Vec<_>>())
        };

        assert_eq!(machine.run("data.t.looks").unwrap(), pods);
        let reads = machine.reads(&run).unwrap();
        assert_eq!(reads.lookups, [(path(&["inventory", "Pod", "a"]), pods)]);
        assert!(!reads.whole);

        // A call with the arguments of an earlier one in the evaluation is its memo's.
        machine.run("data.t.twice").unwrap();
        let reads = machine.reads(&run).unwrap();
        assert_eq!(
            reads.lookups,
            [
                (path(&["index", "x"]), RegoValue::from(7)),
                (path(&["index", "y"]), RegoValue::Undefined)
            ]
        );
        assert!(!reads.whole);

        assert_eq!(machine.run("data.t.all").unwrap(), RegoValue::from(1));
        let reads = machine.reads(&run).unwrap();
        assert!(reads.lookups.is_empty() && reads.whole);

        machine.run("data.t.not_a_path").unwrap();
        assert!(machine.reads(&run).unwrap().whole);

        // What was taken is not given again.
        let reads = machine.reads(&run).unwrap();
        assert!(reads.lookups.is_empty() && !reads.whole);
    }

    #[test]
    fn a_group_with_a_rule_without_a_value_is_evaluated_rule_by_rule() {
        let mut engine = Engine::new();
        engine.set_rego_v0(false);
        engine
            .add_policy(
                "index.rego".to_owned(),
                format!("package {INDEX_PACKAGE}\n\nimport rego.v1\n\na := 1\n\nb := x if x := input.missing\n\nc contains 2\n"),
            )
            .unwrap();
        engine.set_input(RegoValue::new_object());
        let rules = ["a", "b", "c"].map(str::to_owned);
        let values = index_group(&mut engine, &rules).unwrap();
        let values: Vec<(&str, RegoValue)> = values
            .into_iter()
            .map(|(rule, value)| (rule.as_str(), value))
            .collect();
        assert_eq!(
            values,
            [
                ("a", RegoValue::from(1)),
                ("b", RegoValue::Undefined),
                (
                    "c",
                    RegoValue::from(std::collections::BTreeSet::from([RegoValue::from(2)]))
                ),
            ]
        );
    }

    #[test]
    fn rule_names_are_the_heads_of_rules_not_functions() {
        let text = "package p\n\nimport rego.v1\n\n# a comment\nx := 1\n\ny[k] contains v if {\n\tsome k, v in x\n}\n\ny[k] contains v if v := k\n\nf(a) := a\n\ndefault z := 2\n";
        assert_eq!(rule_names(text), ["x", "y", "z"]);
    }
}
