//! Schema validation: every object checked against the Kubernetes JSON schema of its kind at
//! the target version (embedded, offline), against the CustomResourceDefinitions of the run,
//! or against schemas the caller hands over (a kubeconform-style catalogue). Violations come
//! back as paths into the object, so the linter reports each at its YAML node.
//!
//! Validators are compiled lazily, once per schema, and shared by every worker of a run
//! (and, for the embedded and catalogue schemas, by every run of a linter).

mod bundle;
mod crd;
mod formats;
mod patterns;
mod quick;
mod split;
mod strict;
mod violation;

pub use bundle::VERSIONS;
pub(crate) use crd::CrdSchemas;
pub(crate) use violation::{Violation, ViolationKind, type_of};

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use crate::yaml::{Node, Value};

/// The newest Kubernetes version with embedded schemas, as (major, minor).
pub const NEWEST_VERSION: (u32, u32) = (1, *VERSIONS.end());
/// The oldest Kubernetes version with embedded schemas, as (major, minor).
pub const OLDEST_VERSION: (u32, u32) = (1, *VERSIONS.start());

/// Starts, on a thread of the pool, what the first schema check of a run waits for and that
/// does not depend on the run: decoding the bundle's index, and building the JSON Schema
/// 2020-12 meta-schema's validator (jsonschema checks every schema against it before compiling
/// one, and builds it once per process; valid objects of embedded kinds need none). Called at
/// the end of a linter's setup, which leaves the pool idle while the command line reads the
/// compiled rules back; both took some 2 ms of a one-Pod run. Without the `parallel`
/// feature, they are done when first needed.
pub(crate) fn prepare_in_background() {
    #[cfg(feature = "parallel")]
    rayon::spawn(|| {
        let _ = bundle::bundle();
        let _ = jsonschema::draft202012::meta::validator();
    });
}

/// A schema file from a catalogue directory in kubeconform's layout,
/// `{group}/{kind}_{version}.json` (kind in lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFile {
    /// Path relative to the catalogue directory, with `/` separators.
    pub path: String,
    /// How messages name the file.
    pub display: String,
    /// The JSON text.
    pub text: String,
}

/// A catalogue schema that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFileError {
    /// The file, as displayed.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for SchemaFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// Where the schema of an object comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SchemaKey {
    /// The embedded definition (name index) at the target version.
    Builtin(usize),
    /// A catalogue file: (group, lower-case kind, version).
    Catalogue(String, String, String),
}

/// A compiled validator and the schema it was compiled from (to name the fields a schema
/// declares when a field is unknown).
#[derive(Debug)]
pub(crate) struct Compiled {
    validator: jsonschema::Validator,
    schema: serde_json::Value,
    /// Definitions the schema leaves out, checked apart at the fields that hold them.
    parts: Vec<Part>,
}

/// A definition checked apart: its validator, shared by the kinds that use it, and the
/// field it applies to.
#[derive(Debug)]
struct Part {
    path: Vec<String>,
    compiled: Arc<Compiled>,
}

impl Compiled {
    fn new(schema: serde_json::Value, validator: jsonschema::Validator) -> Self {
        Compiled {
            validator,
            schema,
            parts: Vec::new(),
        }
    }

    /// The violations of `instance`: the schema's, then each part's at its field.
    fn violations(&self, instance: &serde_json::Value, out: &mut Vec<Violation>) {
        for error in self.validator.iter_errors(instance) {
            violation::translate(&error, &self.schema, out);
        }
        for part in &self.parts {
            let Some(value) = part
                .path
                .iter()
                .try_fold(instance, |value, field| value.get(field.as_str()))
            else {
                continue;
            };
            let from = out.len();
            part.compiled.violations(value, out);
            let prefix = part.path.iter().cloned().map(crate::yaml::PathSegment::Key);
            for violation in out.iter_mut().skip(from) {
                violation.path.splice(0..0, prefix.clone());
            }
        }
    }
}

type Cell = Arc<OnceLock<Result<Arc<Compiled>, String>>>;

/// Validators compiled on demand, shared by threads.
#[derive(Debug)]
pub(crate) struct ValidatorCache<K> {
    cells: Mutex<HashMap<K, Cell>>,
}

impl<K> Default for ValidatorCache<K> {
    fn default() -> Self {
        Self {
            cells: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> ValidatorCache<K> {
    /// The validator of `key`, compiled by `compile` the first time it is asked for. Only
    /// the map is locked; two threads asking for different schemas compile in parallel.
    pub(crate) fn get(
        &self,
        key: &K,
        compile: impl FnOnce() -> Result<Compiled, String>,
    ) -> Result<Arc<Compiled>, String> {
        let cell = {
            let mut cells = match self.cells.lock() {
                Ok(cells) => cells,
                Err(poisoned) => poisoned.into_inner(),
            };
            Arc::clone(cells.entry(key.clone()).or_default())
        };
        cell.get_or_init(|| compile().map(Arc::new)).clone()
    }
}

/// What the schema check knows before a run: target version, catalogue, compiled validators.
#[derive(Debug, Clone)]
pub(crate) struct Schemas {
    /// Target version.
    target: (u32, u32),
    /// Minor version (of 1.x) of the embedded schemas used: the target's, or the nearest one
    /// embedded when the target is older or newer than all of them.
    minor: u32,
    catalogue: Arc<BTreeMap<(String, String, String), serde_json::Value>>,
    cache: Arc<ValidatorCache<SchemaKey>>,
}

/// The outcome of checking one object.
#[derive(Debug)]
pub(crate) enum Checked {
    /// Validated; the violations found (possibly none).
    Validated(Vec<Violation>),
    /// No schema for the kind at the target version.
    NoSchema {
        /// Minor versions (1.x) whose embedded schemas have the kind.
        served_in: Vec<u32>,
    },
    /// The schema exists but cannot be compiled.
    BadSchema(String),
}

impl Schemas {
    /// Schema checking for a target version (major, minor), with catalogue files.
    pub(crate) fn new(
        version: (u32, u32),
        files: &[SchemaFile],
    ) -> Result<Self, Vec<SchemaFileError>> {
        let mut catalogue = BTreeMap::new();
        let mut errors = Vec::new();
        for file in files {
            match catalogue_entry(file) {
                Ok((key, schema)) => {
                    catalogue.insert(key, schema);
                }
                Err(message) => errors.push(SchemaFileError {
                    file: file.display.clone(),
                    message,
                }),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let minor = if version.0 == 1 {
            version.1.clamp(*VERSIONS.start(), *VERSIONS.end())
        } else {
            *VERSIONS.end()
        };
        Ok(Schemas {
            target: version,
            minor,
            catalogue: Arc::new(catalogue),
            cache: Arc::default(),
        })
    }

    /// The target version as text.
    pub(crate) fn target(&self) -> String {
        format!("{}.{}", self.target.0, self.target.1)
    }

    /// Checks one object, given as its YAML node.
    pub(crate) fn check(
        &self,
        crds: &CrdSchemas,
        api_version: &str,
        kind: &str,
        node: &Node,
    ) -> Checked {
        let mut instance = None;
        if let Some((bundle, slot, name)) = self.embedded(api_version, kind) {
            // A valid object has no violations to describe: its kind's schema is compiled
            // only when the walk cannot tell it valid.
            let value = instance.insert(to_json(node));
            if quick::check(bundle, slot, name, value).is_ok() {
                return Checked::Validated(Vec::new());
            }
        }
        let validator = match self.validator(crds, api_version, kind) {
            Ok(Some(validator)) => validator,
            Ok(None) => {
                return Checked::NoSchema {
                    served_in: served_in(api_version, kind),
                };
            }
            Err(message) => return Checked::BadSchema(message),
        };
        let instance = instance.unwrap_or_else(|| to_json(node));
        let mut violations = Vec::new();
        validator.violations(&instance, &mut violations);
        Checked::Validated(violations)
    }

    /// Whether the kind is validated against an embedded schema: then the outcome of an
    /// object depends on the object alone, not on the run's CRDs.
    pub(crate) fn is_embedded(&self, api_version: &str, kind: &str) -> bool {
        self.embedded(api_version, kind).is_some()
    }

    /// The bundle, version slot and definition of a kind validated against an embedded
    /// schema.
    fn embedded(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Option<(&'static bundle::Bundle, usize, usize)> {
        let bundle = bundle::bundle().ok()?;
        let name = bundle.kind_name(api_version, kind)?;
        let slot = bundle.version_slot(self.minor)?;
        bundle.has(slot, name).then_some((bundle, slot, name))
    }

    /// The validator for a kind: embedded at the target version, a CRD of the run, or the
    /// catalogue, in that order.
    fn validator(
        &self,
        crds: &CrdSchemas,
        api_version: &str,
        kind: &str,
    ) -> Result<Option<Arc<Compiled>>, String> {
        if let Some((bundle, slot, name)) = self.embedded(api_version, kind) {
            return self
                .cache
                .get(&SchemaKey::Builtin(name), || {
                    self.compile_embedded(bundle, slot, name)
                })
                .map(Some);
        }
        if let Some(found) = crds.validator(api_version, kind) {
            return found.map(Some);
        }
        let (group, version) = split_api_version(api_version);
        let key = (
            group.to_owned(),
            kind.to_ascii_lowercase(),
            version.to_owned(),
        );
        if let Some(schema) = self.catalogue.get(&key) {
            let (group, kind, version) = key.clone();
            return self
                .cache
                .get(&SchemaKey::Catalogue(group, kind, version), || {
                    compile_custom(schema)
                })
                .map(Some);
        }
        Ok(None)
    }

    /// Compiles an embedded definition. A schema that reaches the pod spec through its fields
    /// alone (the workload kinds, and Pod's) is compiled without it, and the pod spec,
    /// compiled once for all of them, is checked apart at those fields: the same violations,
    /// with the pod spec compiled once per run instead of once per kind.
    fn compile_embedded(
        &self,
        bundle: &bundle::Bundle,
        slot: usize,
        name: usize,
    ) -> Result<Compiled, String> {
        let Some(pod_spec) = bundle
            .definition(split::POD_SPEC)
            .filter(|&pod_spec| pod_spec != name && bundle.has(slot, pod_spec))
        else {
            return compile_builtin(bundle.closure(slot, name)?);
        };
        let without = bundle.closure_leaving_out(slot, name, Some(pod_spec))?;
        match split::reach(&without, split::POD_SPEC) {
            // The pod spec is not in the closure: it is the whole schema.
            split::Reach::Nowhere => compile_builtin(without),
            split::Reach::Fields(paths) => {
                let part = self.cache.get(&SchemaKey::Builtin(pod_spec), || {
                    compile_builtin(bundle.closure(slot, pod_spec)?)
                })?;
                let mut compiled = compile_builtin(without)?;
                compiled.parts = paths
                    .into_iter()
                    .map(|path| Part {
                        path,
                        compiled: Arc::clone(&part),
                    })
                    .collect();
                Ok(compiled)
            }
            split::Reach::Elsewhere => compile_builtin(bundle.closure(slot, name)?),
        }
    }
}

/// Embedded minor versions whose schemas have the kind.
fn served_in(api_version: &str, kind: &str) -> Vec<u32> {
    let Ok(bundle) = bundle::bundle() else {
        return Vec::new();
    };
    let Some(name) = bundle.kind_name(api_version, kind) else {
        return Vec::new();
    };
    bundle
        .minors()
        .iter()
        .enumerate()
        .filter(|(slot, _)| bundle.has(*slot, name))
        .map(|(_, minor)| *minor)
        .collect()
}

/// Every (apiVersion, kind) of the embedded schemas with the minor versions (of 1.x) whose
/// schemas have it; the API lifecycle table is checked against it.
///
/// ```
/// let kinds = lint_core::schema::embedded_kinds().unwrap();
/// let (_, _, minors) = kinds.iter().find(|(a, k, _)| a == "batch/v1" && k == "CronJob").unwrap();
/// assert_eq!(minors.first(), Some(&25));
/// ```
pub fn embedded_kinds() -> Result<Vec<(String, String, Vec<u32>)>, String> {
    let bundle = bundle::bundle()?;
    Ok(bundle
        .kinds()
        .map(|(api_version, kind, _)| {
            (
                api_version.to_owned(),
                kind.to_owned(),
                served_in(api_version, kind),
            )
        })
        .collect())
}

/// `apps/v1` → (`apps`, `v1`); `v1` → (``, `v1`).
pub(crate) fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

/// How the embedded schemas are compiled: draft 2020-12, formats checked, kubeward's
/// `quantity` and `byte` among them.
fn builtin_options() -> jsonschema::ValidationOptions<'static> {
    formats::register(jsonschema::options().with_draft(jsonschema::Draft::Draft202012))
        .should_validate_formats(true)
}

fn compile_builtin(schema: serde_json::Value) -> Result<Compiled, String> {
    builtin_options()
        .build(&schema)
        .map(|validator| Compiled::new(schema, validator))
        .map_err(|err| format!("the embedded schema does not compile: {err}"))
}

/// Compiles a schema written for Kubernetes (a CRD's `openAPIV3Schema`, a catalogue file):
/// OpenAPI's dialect is draft 4, and unknown fields are refused where the API server's
/// strict field validation refuses them.
pub(crate) fn compile_custom(schema: &serde_json::Value) -> Result<Compiled, String> {
    let mut schema = schema.clone();
    strict::tighten(&mut schema, true);
    let options = match schema.get("$schema") {
        Some(_) => jsonschema::options(),
        None => jsonschema::options().with_draft(jsonschema::Draft::Draft4),
    };
    formats::relax(formats::register(options))
        .with_keyword(patterns::GO_PATTERN, patterns::go_pattern)
        .should_validate_formats(true)
        .build(&schema)
        .map(|validator| Compiled::new(schema, validator))
        .map_err(|err| format!("the schema does not compile: {}", compile_error(&err)))
}

/// A schema compilation error, without the schema text the meta-schema check puts first
/// (a whole CRD schema, at times), and with where in the schema it is.
fn compile_error(err: &jsonschema::ValidationError<'_>) -> String {
    let message = err.to_string();
    let instance = err.instance().to_string();
    let message = match message.strip_prefix(instance.as_str()) {
        Some(rest) if instance.len() > 40 => format!("the schema{rest}"),
        _ => message,
    };
    let at = err.instance_path().as_str().to_owned();
    if at.is_empty() {
        message
    } else {
        format!("{message} (at {at})")
    }
}

fn catalogue_entry(
    file: &SchemaFile,
) -> Result<((String, String, String), serde_json::Value), String> {
    let mut parts = file.path.rsplit('/');
    let name = parts.next().unwrap_or("");
    let group = parts.next().ok_or(
        "a catalogue schema must be at {group}/{kind}_{version}.json (kubeconform's layout)",
    )?;
    let stem = name
        .strip_suffix(".json")
        .ok_or("a catalogue schema must be a .json file")?;
    let (kind, version) = stem
        .rsplit_once('_')
        .ok_or("a catalogue schema's name must be {kind}_{version}.json")?;
    let schema: serde_json::Value =
        serde_json::from_str(&file.text).map_err(|err| format!("not valid JSON: {err}"))?;
    if !schema.is_object() {
        return Err("a schema must be a JSON object".to_owned());
    }
    Ok((
        (
            group.to_owned(),
            kind.to_ascii_lowercase(),
            version.to_owned(),
        ),
        schema,
    ))
}

/// The object as the API server's decoder sees it: JSON, with null fields left out (Go's
/// decoder ignores them, and the API server prunes them from custom resources).
pub(crate) fn to_json(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .filter(|entry| !matches!(entry.value.value, Value::Null))
            .map(|entry| (entry.key.to_string(), to_json(&entry.value)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Value::Seq(items) => items.iter().map(to_json).collect(),
        _ => node.to_json(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    /// Each kind with a pod spec, and the fields that lead to it.
    const WORKLOADS: &[(&str, &str, &[&str])] = &[
        ("v1", "Pod", &["spec"]),
        ("v1", "PodTemplate", &["template", "spec"]),
        ("v1", "ReplicationController", &["spec", "template", "spec"]),
        ("apps/v1", "Deployment", &["spec", "template", "spec"]),
        ("apps/v1", "StatefulSet", &["spec", "template", "spec"]),
        ("apps/v1", "DaemonSet", &["spec", "template", "spec"]),
        ("apps/v1", "ReplicaSet", &["spec", "template", "spec"]),
        ("batch/v1", "Job", &["spec", "template", "spec"]),
        (
            "batch/v1",
            "CronJob",
            &["spec", "jobTemplate", "spec", "template", "spec"],
        ),
    ];

    fn at(path: &[&str], value: serde_json::Value) -> serde_json::Value {
        path.iter()
            .rev()
            .fold(value, |inner, field| json!({ *field: inner }))
    }

    fn sorted(violations: Vec<Violation>) -> Vec<String> {
        let mut texts: Vec<String> = violations.iter().map(|v| format!("{v:?}")).collect();
        texts.sort();
        texts
    }

    #[test]
    fn the_pod_spec_checked_apart_gives_the_violations_of_the_whole_schema() {
        let bundle = bundle::bundle().unwrap();
        let pod_specs = [
            json!({"containers": [{"name": "web", "image": "nginx", "imagePullPolicy": 7,
                "ports": [{"containerPort": "http"}], "securityContext": {"privileged": "yes"},
                "resources": {"limits": {"cpu": []}}, "volumeMounts": [{"mountPath": "/x"}],
                "unknownField": 1}],
                "volumes": [{"name": "v", "hostPath": {"path": "/", "typo": true}}],
                "restartPolicy": 3, "extra": {}}),
            json!({"containers": [{"image": "nginx"}], "initContainers": "none"}),
            json!({"containers": []}),
            json!("not a pod spec"),
            json!({}),
        ];
        for minor in [*VERSIONS.start(), *VERSIONS.end()] {
            let schemas = Schemas::new((1, minor), &[]).unwrap();
            let slot = bundle.version_slot(minor).unwrap();
            for (api_version, kind, path) in WORKLOADS {
                let name = bundle.kind_name(api_version, kind).unwrap();
                let split = schemas.compile_embedded(bundle, slot, name).unwrap();
                assert_eq!(
                    split
                        .parts
                        .iter()
                        .map(|p| p.path.clone())
                        .collect::<Vec<_>>(),
                    vec![path.iter().map(|f| f.to_string()).collect::<Vec<_>>()],
                    "{kind} at 1.{minor}"
                );
                let whole = compile_builtin(bundle.closure(slot, name).unwrap()).unwrap();
                for pod_spec in &pod_specs {
                    let mut object = at(path, pod_spec.clone());
                    if let Some(fields) = object.as_object_mut() {
                        fields.insert("apiVersion".into(), json!(api_version));
                        fields.insert("kind".into(), json!(kind));
                        fields.insert("bogus".into(), json!(true));
                    }
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    split.violations(&object, &mut a);
                    whole.violations(&object, &mut b);
                    assert!(!b.is_empty(), "{kind}: {object}");
                    assert_eq!(sorted(a), sorted(b), "{kind} at 1.{minor}: {object}");
                }
            }
        }
    }

    #[test]
    fn kinds_without_a_pod_spec_are_compiled_whole() {
        let bundle = bundle::bundle().unwrap();
        let minor = *VERSIONS.end();
        let schemas = Schemas::new((1, minor), &[]).unwrap();
        let slot = bundle.version_slot(minor).unwrap();
        for (api_version, kind) in [("v1", "Service"), ("v1", "PodList"), ("v1", "ConfigMap")] {
            let name = bundle.kind_name(api_version, kind).unwrap();
            let compiled = schemas.compile_embedded(bundle, slot, name).unwrap();
            assert!(compiled.parts.is_empty(), "{kind}");
        }
    }
}
