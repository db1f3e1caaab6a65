//! Configuration discovery and the command line's overrides of it.

use std::path::{Path, PathBuf};

use lint_core::yaml::PathSegment;
use lint_core::{
    Catalog, ChartSettings, Config, ConfigError, Linter, PolicyFile, SchemaFile, SetupError,
};

use crate::Failure;
use crate::args::LintArgs;
use crate::files::Excludes;

/// Names a configuration file may have, in order of preference.
pub const CONFIG_NAMES: &[&str] = &[".kubeward.yaml", ".kubeward.yml"];

/// Everything a lint run is configured with.
pub struct Settings {
    pub config: Config,
    pub excludes: Excludes,
    /// The directory paths in the configuration are relative to.
    base: PathBuf,
    cwd: PathBuf,
    schema_files: Vec<SchemaFile>,
}

impl Settings {
    /// How the charts of the run are rendered: the release namespace and Kubernetes version
    /// follow the configuration; `charts:` entries add values and flags per chart.
    pub fn chart_settings(&self) -> Result<ChartSettings, Failure> {
        let defaults = self.config.chart_defaults();
        let mut charts = std::collections::BTreeMap::new();
        for (key, chart) in &self.config.charts {
            let mut options = chart.template_options(&defaults);
            for (index, file) in chart.values.iter().enumerate() {
                let path = self.base.join(file);
                let text = std::fs::read_to_string(&path).map_err(|err| {
                    let at = [
                        PathSegment::Key("charts".into()),
                        PathSegment::Key(key.as_str().into()),
                        PathSegment::Key("values".into()),
                        PathSegment::Index(index),
                    ];
                    render_config_error(&self.config.error_at(
                        &at,
                        false,
                        format!("cannot read values file {}: {err}", path.display()),
                    ))
                })?;
                options.values.files.push((display(&self.cwd, &path), text));
            }
            // The set names files as the command line does: relative to the current
            // directory, or absolute.
            let root = self.base.join(key);
            charts.insert(display(&self.cwd, &root), options.clone());
            charts.insert(root.display().to_string(), options);
        }
        Ok(ChartSettings { defaults, charts })
    }

    /// Finds and reads the configuration, loads user rules, applies the command line; the
    /// settings and the catalogue of rules, built-in and user.
    pub fn load(args: &LintArgs) -> Result<(Self, Catalog), Failure> {
        let cwd =
            std::env::current_dir().map_err(|err| format!("error: no current directory: {err}"))?;
        let found = if args.no_config {
            None
        } else if let Some(path) = &args.config {
            Some(path.clone())
        } else {
            discover(&cwd)
        };
        let (mut config, base) = match &found {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|err| format!("error: cannot read {}: {err}", path.display()))?;
                let config = Config::from_yaml(&path.display().to_string(), &text)
                    .map_err(|err| render_config_error(&err))?;
                let base = path.parent().map_or_else(|| cwd.clone(), |p| cwd.join(p));
                (config, base)
            }
            None => (Config::default(), cwd.clone()),
        };
        let policy_dirs: Vec<PathBuf> = config
            .policies
            .iter()
            .map(|dir| base.join(dir))
            .chain(args.policy.iter().cloned())
            .collect();
        let catalog = catalog(&policy_dirs)?;
        let schema_dirs: Vec<PathBuf> = config
            .schema_dirs
            .iter()
            .map(|dir| base.join(dir))
            .chain(args.schema_dir.iter().cloned())
            .collect();
        let schema_files = schema_files(&schema_dirs)?;
        for (flag, tokens) in [
            ("--select", &args.select),
            ("--enable", &args.enable),
            ("--ignore", &args.ignore),
        ] {
            for token in tokens {
                if catalog.resolve_selector(token).is_empty() {
                    return Err(format!(
                        "error: `{token}` in {flag} is not a rule, category, `default` or `all` (see `kubeward rules`)"
                    ));
                }
            }
        }
        if !args.select.is_empty() {
            config.select = Some(args.select.clone());
        }
        config.enable.extend(args.enable.iter().cloned());
        config.ignore.extend(args.ignore.iter().cloned());
        if let Some(version) = &args.kube_version {
            if lint_core::parse_kube_version(version).is_none() {
                return Err(format!(
                    "error: `{version}` in --kube-version is not a Kubernetes version like 1.31"
                ));
            }
            config.kube_version = Some(version.clone());
        }
        if let Some(namespace) = &args.namespace {
            config.namespace = Some(namespace.clone());
        }
        config.complete_inventory |= args.complete_inventory;
        let mut excludes = Excludes::default();
        excludes
            .add(&base, &config.exclude)
            .and_then(|()| excludes.add(&cwd, &args.exclude))
            .map_err(|err| format!("error: invalid --exclude/exclude pattern: {err}"))?;
        let settings = Settings {
            config,
            excludes,
            base,
            cwd,
            schema_files,
        };
        Ok((settings, catalog))
    }

    /// A linter of `catalog` (which the linter keeps) for this configuration.
    pub fn linter(&self, catalog: Catalog) -> Result<Linter, Failure> {
        Linter::new(catalog, &self.config)
            .and_then(|linter| linter.with_schema_files(&self.schema_files))
            .map_err(|err| match err {
                SetupError::Config(err) => render_config_error(&err),
                SetupError::Rules(errors) => render_rule_errors(&errors),
                SetupError::Schemas(errors) => {
                    let lines: Vec<String> =
                        errors.iter().map(|err| format!("error: {err}")).collect();
                    lines.join("\n")
                }
            })
    }
}

/// A path as the file walk names it: relative to `cwd` when inside it, without `./`.
fn display(cwd: &Path, path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let relative = path.strip_prefix(cwd).unwrap_or(path);
    for component in relative.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if relative.is_absolute() {
        format!("/{}", joined.trim_start_matches('/'))
    } else {
        joined
    }
}

/// `.kubeward.yaml` in `dir` or the nearest parent.
fn discover(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find_map(|ancestor| {
        CONFIG_NAMES
            .iter()
            .map(|name| ancestor.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The built-in catalogue plus the rules of these directories.
pub fn catalog(dirs: &[PathBuf]) -> Result<Catalog, Failure> {
    let mut files = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(format!(
                "error: policy directory {} does not exist",
                dir.display()
            ));
        }
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry =
                entry.map_err(|err| format!("error: cannot read {}: {err}", dir.display()))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy();
            if !entry.file_type().is_file()
                || !name.ends_with(".rego")
                || name.ends_with("_test.rego")
            {
                continue;
            }
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let text = std::fs::read_to_string(path)
                .map_err(|err| format!("error: cannot read {}: {err}", path.display()))?;
            files.push(PolicyFile {
                path: relative,
                display: path.display().to_string(),
                text,
            });
        }
    }
    Catalog::load(files).map_err(|errors| render_rule_errors(&errors))
}

/// The `.json` files of schema catalogue directories, with their paths relative to the
/// directory (`{group}/{kind}_{version}.json`).
fn schema_files(dirs: &[PathBuf]) -> Result<Vec<SchemaFile>, Failure> {
    let mut files = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(format!(
                "error: schema directory {} does not exist",
                dir.display()
            ));
        }
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry =
                entry.map_err(|err| format!("error: cannot read {}: {err}", dir.display()))?;
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let text = std::fs::read_to_string(path)
                .map_err(|err| format!("error: cannot read {}: {err}", path.display()))?;
            files.push(SchemaFile {
                path: relative,
                display: path.display().to_string(),
                text,
            });
        }
    }
    Ok(files)
}

fn render_rule_errors(errors: &[lint_core::RuleError]) -> Failure {
    let lines: Vec<String> = errors.iter().map(|err| format!("error: {err}")).collect();
    lines.join("\n")
}

fn render_config_error(err: &ConfigError) -> Failure {
    match &err.location {
        Some(location) => lint_core::report::snippet_error(
            &location.path,
            &location.text,
            location.range,
            &err.message,
        ),
        None => format!("error: {}", err.message),
    }
}
