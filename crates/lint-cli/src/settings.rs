//! Configuration discovery and the command line's overrides of it.

use std::path::{Path, PathBuf};

use lint_core::{Catalog, Config, ConfigError, Linter, PolicyFile, SetupError};

use crate::Failure;
use crate::args::LintArgs;
use crate::files::Excludes;

/// Names a configuration file may have, in order of preference.
pub const CONFIG_NAMES: &[&str] = &[".kubeward.yaml", ".kubeward.yml"];

/// Everything a lint run is configured with.
pub struct Settings {
    pub config: Config,
    pub excludes: Excludes,
    catalog: Catalog,
}

impl Settings {
    /// Finds and reads the configuration, loads user rules, applies the command line.
    pub fn load(args: &LintArgs) -> Result<Self, Failure> {
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
        for (flag, tokens) in [("--select", &args.select), ("--ignore", &args.ignore)] {
            for token in tokens {
                if catalog.resolve_selector(token).is_empty() {
                    return Err(format!(
                        "error: `{token}` in {flag} is not a rule, category or `all` (see `kubeward rules`)"
                    ));
                }
            }
        }
        if !args.select.is_empty() {
            config.select = Some(args.select.clone());
        }
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
        Ok(Settings {
            config,
            excludes,
            catalog,
        })
    }

    /// The rules, built-in and user.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// A linter for this configuration.
    pub fn linter(&self) -> Result<Linter, Failure> {
        Linter::new(self.catalog.clone(), &self.config).map_err(|err| match err {
            SetupError::Config(err) => render_config_error(&err),
            SetupError::Rules(errors) => render_rule_errors(&errors),
        })
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
