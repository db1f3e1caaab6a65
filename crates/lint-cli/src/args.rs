//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use lint_core::Severity;

use crate::helm_args::HelmArgs;

/// kubeward: a Kubernetes policy linter that points at the exact node at fault.
#[derive(Debug, Parser)]
#[command(name = "kubeward", version, about, max_term_width = 100)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint manifests (files, directories, or `-` for standard input).
    Lint(Box<LintArgs>),
    /// List the rules.
    Rules(RulesArgs),
    /// Render a Helm chart and print what `helm template` prints.
    ///
    /// NAME is the release name (default `release-name`); CHART is a chart directory or a
    /// packaged chart (`.tgz`). Exit codes: 1 when the chart does not load or render (helm
    /// fails too), 2 for usage errors and input that cannot be read.
    Template(Box<TemplateArgs>),
    /// Print a rule's documentation.
    Explain {
        /// Rule id, name or alias (e.g. KW301 or image-latest-tag).
        rule: String,
        /// Also load user rules from this directory (repeatable).
        #[arg(long, value_name = "DIR")]
        policy: Vec<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Files or directories to lint (`.yaml`, `.yml`, `.json`, recursively); `-` reads
    /// standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write the report in another format to a file, as FORMAT=FILE (repeatable), e.g.
    /// `--output sarif=kubeward.sarif --output junit=report.xml`.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_output)]
    pub output: Vec<OutputTarget>,
    /// Report only on the given files, reading the manifests under DIR (default: the
    /// repository root) as context for cross-resource rules. Takes its value after `=`:
    /// `--context=k8s`. This is what the pre-commit hook runs.
    #[arg(
        long,
        value_name = "DIR",
        num_args = 0..=1,
        require_equals = true
    )]
    pub context: Option<Option<PathBuf>>,
    /// Lint the Helm charts the given files belong to (the outermost directory with a
    /// Chart.yaml up to the repository root), each once; other files are ignored.
    #[arg(long)]
    pub charts_of: bool,
    /// Lint the manifests and charts changed since the merge base of REV and HEAD (committed,
    /// uncommitted and untracked), under the given paths, with the repository as context.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Report and fail only on findings that this baseline file does not record.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in a baseline file (they are then reported as baselined).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1 [default: warning, or the config's].
    #[arg(long, value_enum)]
    pub fail_on: Option<Level>,
    /// Configuration file [default: .kubeward.yaml found from the current directory up].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any configuration file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Directory of user rules, `<category>/<rule>.rego` (repeatable).
    #[arg(long, value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Rules to run instead of the configured ones: ids, names, categories, `default` (the
    /// rules that are not opt-in) or `all`.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Rules to run besides the selection, e.g. opt-in rules (repeatable).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub enable: Vec<String>,
    /// Rules not to run, in addition to the configured ones.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Skip paths matching this glob (repeatable); a pattern without `/` matches any file or
    /// directory name.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Namespace assumed for objects that name none [default: default].
    #[arg(long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// The input holds every object of its namespaces (a cluster dump, a complete app), so
    /// references that nothing in it satisfies are reported.
    #[arg(long)]
    pub complete_inventory: bool,
    /// Kubernetes version the manifests target, e.g. 1.31 [default: the newest with embedded
    /// schemas].
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Directory of JSON schemas for custom resources, in kubeconform's layout
    /// `{group}/{kind}_{version}.json` (repeatable).
    #[arg(long, value_name = "DIR")]
    pub schema_dir: Vec<PathBuf>,
    /// Name to report for standard input.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// When to use colours in the human format.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Worker threads [default: one per core].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Neither read nor write the compiled rules kept between runs (in
    /// $KUBEWARD_CACHE_DIR, else $XDG_CACHE_HOME/kubeward or ~/.cache/kubeward).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, clap::Args)]
#[command(override_usage = "kubeward template [NAME] CHART [OPTIONS]")]
pub struct TemplateArgs {
    /// `[NAME] CHART`, described in the command's help.
    #[arg(value_name = "CHART", num_args = 1..=2, required = true, hide = true)]
    pub names: Vec<String>,
    /// Accepted as helm accepts it: with no NAME, `helm template` names the release
    /// `release-name` all the same.
    #[arg(short = 'g', long)]
    pub generate_name: bool,
    /// Namespace of the release (.Release.Namespace).
    #[arg(short = 'n', long, value_name = "NAMESPACE", default_value = "default")]
    pub namespace: String,
    /// Kubernetes version for .Capabilities.KubeVersion, e.g. 1.31 or v1.31.2 [default:
    /// v1.35.0, as helm v4.1.4].
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    #[command(flatten)]
    pub helm: HelmArgs,
    /// Include the CRDs of the charts' crds/ folders in the output.
    #[arg(long)]
    pub include_crds: bool,
    /// Leave test hooks out of the output.
    #[arg(long)]
    pub skip_tests: bool,
    /// Leave hooks out of the output.
    #[arg(long)]
    pub no_hooks: bool,
    /// Only print the manifests rendered from these templates, e.g. templates/service.yaml
    /// (repeatable; `*` and `?` match within a path element).
    #[arg(short = 's', long, value_name = "TEMPLATE")]
    pub show_only: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RuleFormat::Table)]
    pub format: RuleFormat,
    /// Also load user rules from this directory (repeatable).
    #[arg(long, value_name = "DIR")]
    pub policy: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with the node underlined.
    Human,
    /// `file:line:col: severity [id/name] message`.
    Compact,
    /// The versioned JSON report.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
    /// JUnit XML, for CI test dashboards.
    Junit,
    /// Checkstyle XML, for reviewdog and CI tools.
    Checkstyle,
}

impl Format {
    /// The format's name on the command line.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|value| value.get_name().to_owned())
            .unwrap_or_default()
    }
}

/// A report written to a file: `--output FORMAT=FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputTarget {
    pub format: Format,
    pub path: PathBuf,
}

fn parse_output(value: &str) -> Result<OutputTarget, String> {
    let Some((format, path)) = value.split_once('=') else {
        return Err(format!(
            "expected FORMAT=FILE, e.g. sarif=kubeward.sarif (formats: {})",
            format_names()
        ));
    };
    let format = Format::from_str(format, true)
        .map_err(|_| format!("unknown format `{format}` (formats: {})", format_names()))?;
    if path.is_empty() {
        return Err(format!("no file after `{}=`", format.name()));
    }
    Ok(OutputTarget {
        format,
        path: PathBuf::from(path),
    })
}

fn format_names() -> String {
    Format::value_variants()
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl From<Level> for Severity {
    fn from(level: Level) -> Self {
        match level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
