//! `.kubeward.yaml`: rule selection, severities, parameters, excludes, policy directories.
//! Read with the spanned YAML reader, so every mistake is reported at its line and column.

use std::collections::BTreeMap;
use std::sync::Arc;

use helm_render::TemplateOptions;
use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::source::TextRange;
use crate::yaml::{self, Node, PathSegment};

/// The configuration of a run.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rules to run: ids, names, categories (`rbac`, `images`, ...), `default` (every rule
    /// that is not opt-in) or `all`. Default: `default`.
    #[serde(default)]
    pub select: Option<Vec<String>>,
    /// Rules to run besides the selection, in the same terms: how opt-in rules are turned on
    /// while keeping the default selection.
    #[serde(default)]
    pub enable: Vec<String>,
    /// Rules not to run, in the same terms.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Lowest severity that fails the run.
    #[serde(default)]
    pub fail_on: Option<Severity>,
    /// Kubernetes version the manifests target, e.g. `1.31`.
    #[serde(default)]
    pub kube_version: Option<String>,
    /// Namespace assumed for namespaced objects that do not name one.
    #[serde(default)]
    pub namespace: Option<String>,
    /// The run holds every object of the namespaces it touches (a dump of the cluster, or an
    /// application's complete manifests), so a reference nothing in the run satisfies is
    /// reported even where the run defines nothing else of that kind.
    #[serde(default)]
    pub complete_inventory: bool,
    /// Glob patterns of paths to skip.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Directories of user rules, relative to the configuration file.
    #[serde(default)]
    pub policies: Vec<String>,
    /// Directories of JSON schemas for custom resources (kubeconform's
    /// `{group}/{kind}_{version}.json` layout), relative to the configuration file. The core
    /// reads no files: the caller loads them and passes them to `Linter::with_schema_files`.
    #[serde(default)]
    pub schema_dirs: Vec<String>,
    /// The egress proxy workloads must use (enables the egress proxy rules).
    #[serde(default)]
    pub proxy: Option<ProxyConfig>,
    /// Per-rule settings, by id or name.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleConfig>,
    /// How Helm charts are rendered, by chart directory (or `.tgz`) relative to this file.
    #[serde(default)]
    pub charts: BTreeMap<String, ChartConfig>,
    /// Where the configuration was read from, to locate later errors.
    #[serde(skip)]
    pub origin: Option<ConfigOrigin>,
}

/// Settings of one rule.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleConfig {
    /// Severity instead of the rule's default.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Parameters, validated against the rule's schema.
    #[serde(default)]
    pub params: Option<serde_json::Value>,
}

/// How one Helm chart is rendered: the flags `helm template` would be given.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ChartConfig {
    /// Release name (default `release-name`).
    #[serde(default)]
    pub release_name: Option<String>,
    /// Release namespace (default: the configured `namespace`, else `default`).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Values files (`-f`), relative to the configuration file, in order.
    #[serde(default)]
    pub values: Vec<String>,
    /// `--set` expressions.
    #[serde(default)]
    pub set: Vec<String>,
    /// `--set-string` expressions.
    #[serde(default)]
    pub set_string: Vec<String>,
    /// `--set-json` expressions.
    #[serde(default)]
    pub set_json: Vec<String>,
    /// `--set-literal` expressions.
    #[serde(default)]
    pub set_literal: Vec<String>,
    /// `--api-versions` the cluster offers besides the built-in ones.
    #[serde(default)]
    pub api_versions: Vec<String>,
    /// `--skip-schema-validation`.
    #[serde(default)]
    pub skip_schema_validation: bool,
}

impl ChartConfig {
    /// `defaults` (see [`Config::chart_defaults`]) with this chart's release name, namespace
    /// and `helm template` flags. Its values files are the caller's to read and add: the core
    /// reads no files.
    #[must_use]
    pub fn template_options(&self, defaults: &TemplateOptions) -> TemplateOptions {
        let mut options = defaults.clone();
        if let Some(name) = &self.release_name {
            options.release_name.clone_from(name);
        }
        if let Some(namespace) = &self.namespace {
            options.namespace.clone_from(namespace);
        }
        let values = &mut options.values;
        values.set.extend(self.set.iter().cloned());
        values.set_string.extend(self.set_string.iter().cloned());
        values.set_json.extend(self.set_json.iter().cloned());
        values.set_literal.extend(self.set_literal.iter().cloned());
        options
            .api_versions
            .extend(self.api_versions.iter().cloned());
        options.skip_schema_validation = self.skip_schema_validation;
        options
    }
}

/// The egress proxy of the cluster: where workloads must send their outbound HTTP(S) traffic.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProxyConfig {
    /// The proxy URL `HTTP_PROXY` and `HTTPS_PROXY` must point at, e.g. `http://proxy.egress.svc:3128`.
    pub url: String,
    /// Entries `NO_PROXY` must contain (cluster-internal suffixes and ranges).
    #[serde(default, rename(serialize = "no_proxy"))]
    pub no_proxy: Vec<String>,
    /// Namespaces where the proxy is required; empty means every namespace.
    #[serde(default)]
    pub namespaces: Vec<String>,
}

/// The file a configuration came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigOrigin {
    /// Its path.
    pub path: String,
    /// Its text.
    pub text: Arc<str>,
    root: Node,
}

/// A configuration problem, located in the configuration file when it comes from one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// What is wrong.
    pub message: String,
    /// The file and the bytes at fault.
    pub location: Option<ConfigLocation>,
}

/// Where a configuration problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLocation {
    /// The configuration file.
    pub path: String,
    /// Its text.
    pub text: Arc<str>,
    /// The bytes at fault.
    pub range: TextRange,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(location) = &self.location {
            let file =
                crate::source::SourceFile::new(location.path.clone(), Arc::clone(&location.text));
            let position = file.position(location.range.start);
            write!(
                f,
                "{}:{}:{}: ",
                location.path, position.line, position.column
            )?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads a configuration file.
    ///
    /// ```
    /// let config = lint_core::Config::from_yaml(".kubeward.yaml", "fail-on: error\nignore: [KW301]\n").unwrap();
    /// assert_eq!(config.ignore, vec!["KW301"]);
    ///
    /// let err = lint_core::Config::from_yaml(".kubeward.yaml", "fail-on: fatal\n").unwrap_err();
    /// assert_eq!(err.to_string().split(": ").next(), Some(".kubeward.yaml:1:10"));
    /// ```
    pub fn from_yaml(path: &str, text: &str) -> Result<Config, ConfigError> {
        let text: Arc<str> = Arc::from(text);
        let parsed = yaml::parse(&text);
        let at = |range: TextRange, message: String| ConfigError {
            message,
            location: Some(ConfigLocation {
                path: path.to_owned(),
                text: Arc::clone(&text),
                range,
            }),
        };
        if let Some(err) = parsed.errors.first() {
            return Err(at(err.range, err.message.clone()));
        }
        let mut roots = parsed.documents.into_iter().filter_map(|doc| doc.root);
        let Some(root) = roots.next() else {
            // An empty file is an empty configuration.
            return Ok(Config::default());
        };
        if let Some(extra) = roots.next() {
            return Err(at(
                extra.range,
                "a configuration file holds one YAML document".to_owned(),
            ));
        }
        let mut config: Config = yaml::from_node(&root)
            .map_err(|err| at(err.range.unwrap_or(root.range), err.message))?;
        config.origin = Some(ConfigOrigin {
            path: path.to_owned(),
            text: Arc::clone(&text),
            root,
        });
        Ok(config)
    }

    /// The `helm template` options every chart of the run starts from: the configured
    /// namespace, and the Kubernetes version the manifests are checked against (charts render
    /// for it).
    #[must_use]
    pub fn chart_defaults(&self) -> TemplateOptions {
        let mut defaults = TemplateOptions::default();
        if let Some(namespace) = &self.namespace {
            defaults.namespace.clone_from(namespace);
        }
        defaults.kube_version = Some(self.kube_version.clone().unwrap_or_else(|| {
            let (major, minor) = crate::DEFAULT_KUBE_VERSION;
            format!("{major}.{minor}")
        }));
        defaults
    }

    /// An error about the value at `path` in the configuration file (or unlocated).
    pub fn error_at(&self, path: &[PathSegment], key_only: bool, message: String) -> ConfigError {
        let location = self.origin.as_ref().map(|origin| {
            let found = origin.root.lookup(path);
            let range = match (key_only, found.key_range) {
                (true, Some(key)) => key,
                _ => found.label_range(),
            };
            ConfigLocation {
                path: origin.path.clone(),
                text: Arc::clone(&origin.text),
                range,
            }
        });
        ConfigError { message, location }
    }
}
