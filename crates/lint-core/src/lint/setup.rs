//! Building a linter: rule selection, severities, parameters and the data every rule sees.

use std::collections::BTreeMap;

use super::{Linter, RuleTexts};
use crate::config::{Config, ConfigError};
use crate::diagnostic::Severity;
use crate::objects::CLUSTER_SCOPED_KINDS;
use crate::rules::{Catalog, Origin, Program, Rule, RuleError, default_params};
use crate::schema::{SchemaFile, SchemaFileError, Schemas};
use crate::yaml::PathSegment;

/// Namespace assumed for namespaced objects that name none, unless configured.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Kubernetes version assumed when none is configured: the newest whose schemas are embedded.
pub const DEFAULT_KUBE_VERSION: (u32, u32) = crate::schema::NEWEST_VERSION;

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
    /// Schema catalogue files are unusable.
    Schemas(Vec<SchemaFileError>),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Config(err) => err.fmt(f),
            SetupError::Rules(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
            SetupError::Schemas(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
        }
    }
}

impl std::error::Error for SetupError {}

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
            "namespace_configured": config.namespace.is_some(),
            "complete_inventory": config.complete_inventory,
            "proxy": config.proxy,
            "kube_version": {
                "major": kube_version.0,
                "minor": kube_version.1,
                "string": format!("{}.{}", kube_version.0, kube_version.1),
            },
        });
        // The API lifecycle table is computed while the rules compile.
        let (program, lifecycle) = super::join(
            || Program::compile(&catalog, &selected_indexes, environment),
            || Program::lifecycle(&catalog),
        );
        let mut program = program.map_err(SetupError::Rules)?;
        let lifecycle = lifecycle.map_err(|err| {
            SetupError::Rules(vec![RuleError::new("rules/lib/lifecycle.rego", None, err)])
        })?;
        // Computed once here rather than for every object by the rules that read it.
        program
            .add_environment("api_lifecycle", &lifecycle)
            .map_err(|err| {
                SetupError::Rules(vec![RuleError::new("rules/lib/lifecycle.rego", None, err)])
            })?;
        program
            .prepare()
            .map_err(|err| SetupError::Rules(vec![RuleError::new("<kubeward run>", None, err)]))?;
        let lifecycle = super::schema::lifecycle_at(&lifecycle, kube_version);
        let schemas = Schemas::new(kube_version, &[]).map_err(SetupError::Schemas)?;
        let catalog_texts = catalog.rules().iter().map(RuleTexts::of).collect();
        // Started once the pool is no longer needed for the rules and the lifecycle table,
        // which it would otherwise delay.
        crate::schema::prepare_in_background();
        Ok(Linter {
            catalog,
            program,
            enabled,
            default_namespace,
            schemas,
            lifecycle: lifecycle.into(),
            kube_version,
            texts: catalog_texts,
        })
    }

    /// Evaluates the rules on `engine` ([`RuleEngine::Auto`] unless set).
    ///
    /// ```
    /// use lint_core::{Catalog, Config, Linter, RuleEngine, SourceFile, SourceSet};
    /// let mut sources = SourceSet::new();
    /// sources.add(SourceFile::new("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:latest\n"));
    /// let linter = Linter::new(Catalog::builtin().unwrap(), &Config::default()).unwrap();
    /// let on_vm = linter.clone().with_rule_engine(RuleEngine::VirtualMachine).lint(&sources);
    /// let interpreted = linter.with_rule_engine(RuleEngine::Interpreter).lint(&sources);
    /// assert_eq!(on_vm.diagnostics, interpreted.diagnostics);
    /// assert!(on_vm.diagnostics.iter().any(|d| d.rule.name == "image-latest-tag"));
    /// ```
    #[must_use]
    pub fn with_rule_engine(mut self, engine: crate::RuleEngine) -> Self {
        self.program.set_rule_engine(engine);
        self
    }

    /// What the rules' bytecode (see [`Linter::compiled_rules`]) is compiled from: this
    /// version of kubeward, the patch of its vendored regorus and the text of every rule and
    /// library, hashed. A cache of the bytecode can be named by it.
    pub fn compiled_rules_key(&self) -> String {
        self.program.fingerprint()
    }

    /// The selected rules compiled to bytecode for regorus's virtual machine, to keep
    /// between processes (the command line caches them): compiled now if no lint has
    /// compiled them yet. `None` when rules or libraries of the user's are loaded (they run
    /// on the interpreter) or the rules do not compile.
    ///
    /// ```
    /// use lint_core::{Catalog, Config, Linter, SourceFile, SourceSet};
    /// let config = Config::default();
    /// let linter = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
    /// let bytes = linter.compiled_rules().unwrap();
    /// // A later process: the rules are not compiled again, and a lint of any size runs them
    /// // on the virtual machine.
    /// let mut later = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
    /// assert!(later.load_compiled_rules(&bytes));
    /// let mut sources = SourceSet::new();
    /// sources.add(SourceFile::new("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:latest\n"));
    /// assert!(later.lint(&sources).diagnostics.iter().any(|d| d.rule.name == "image-latest-tag"));
    /// ```
    pub fn compiled_rules(&self) -> Option<Vec<u8>> {
        self.program.save_bytecode()
    }

    /// Takes the rules compiled by [`Linter::compiled_rules`] in an earlier process. Returns
    /// false, and changes nothing, for bytecode of other rules or of another version, or
    /// that cannot be read.
    pub fn load_compiled_rules(&mut self, bytes: &[u8]) -> bool {
        self.program.load_bytecode(bytes)
    }

    /// Adds schemas from catalogue directories (kubeconform's `{group}/{kind}_{version}.json`
    /// layout) for kinds that neither the embedded schemas nor the run's CRDs describe.
    ///
    /// ```
    /// use lint_core::{Catalog, Config, Linter, SchemaFile, SourceFile, SourceSet};
    /// let schema = SchemaFile {
    ///     path: "example.com/widget_v1.json".into(),
    ///     display: "schemas/example.com/widget_v1.json".into(),
    ///     text: r#"{"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}"#.into(),
    /// };
    /// let linter = Linter::new(Catalog::builtin().unwrap(), &Config::default())
    ///     .unwrap()
    ///     .with_schema_files(&[schema])
    ///     .unwrap();
    /// let mut sources = SourceSet::new();
    /// sources.add(SourceFile::new("w.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: big\n"));
    /// let report = linter.lint(&sources);
    /// assert!(report.reported().any(|d| d.rule.name == "schema-violation" && d.message.contains("`spec.size` must be an integer")));
    /// ```
    pub fn with_schema_files(mut self, files: &[SchemaFile]) -> Result<Self, SetupError> {
        self.schemas = Schemas::new(self.kube_version, files).map_err(SetupError::Schemas)?;
        Ok(self)
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
}

/// Rule selection: `select` (default: the rules that are not opt-in) plus `enable`, minus
/// `ignore`; core rules are on unless ignored.
fn select(catalog: &Catalog, config: &Config) -> Result<Vec<bool>, SetupError> {
    let resolve = |field: &str, tokens: &[String]| -> Result<Vec<bool>, SetupError> {
        let mut chosen = vec![false; catalog.rules().len()];
        for (i, token) in tokens.iter().enumerate() {
            let matched = catalog.resolve_selector(token);
            if matched.is_empty() {
                return Err(SetupError::Config(config.error_at(
                    &[PathSegment::Key(field.into()), PathSegment::Index(i)],
                    false,
                    format!("`{token}` is not a rule, category, `default` or `all` (see `kubeward rules`)"),
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
    let default = ["default".to_owned()];
    let selected = resolve("select", config.select.as_deref().unwrap_or(&default))?;
    let enabled = resolve("enable", &config.enable)?;
    let ignored = resolve("ignore", &config.ignore)?;
    Ok(catalog
        .rules()
        .iter()
        .zip(selected.iter().zip(enabled.iter().zip(&ignored)))
        .map(|(rule, (&selected, (&enabled, &ignored)))| {
            (selected || enabled || rule.is_core()) && !ignored
        })
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
    // A built-in rule's defaults are valid (the test
    // `builtin_parameter_schemas_and_defaults_are_valid`): only what the configuration gives
    // is checked, which spares every run compiling the schemas.
    if given.is_none() && rule.origin == Origin::Builtin {
        return Ok(value);
    }
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
