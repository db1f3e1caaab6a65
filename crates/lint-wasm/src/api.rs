//! The API of the WebAssembly module in plain Rust, so that it is tested natively and the
//! bindings ([`crate::bindings`]) only convert JavaScript values. Inputs are files and the
//! keys of `.kubeward.yaml`; outputs are JSON texts: the report of `kubeward lint --format
//! json`, rendered charts, the rule catalogue.

use std::collections::BTreeMap;

use lint_core::report::{self, PathBase};
use lint_core::{
    Catalog, ChartSettings, Config, LintCache, Linter, PolicyFile, Role, SchemaFile, Severity,
    SourceFile, SourceId, SourceSet,
};
use serde_json::{Map, Value, json};

use crate::positions::{Encoding, PositionWriter};

/// The output formats of `kubeward lint --format NAME` that [`Session::format`] gives, by
/// name (all but `human`, which is for terminals). A format of the core is offered here by
/// adding its line.
const FORMATS: &[(&str, Formatter)] = &[
    ("json", |report, view| report::json(report, view.sources)),
    ("compact", |report, view| {
        report::compact(report, view.sources)
    }),
    ("sarif", |report, view| {
        report::sarif(report, view.sources, view.catalog, &PathBase::identity())
    }),
    ("github", |report, view| {
        report::github(report, view.sources, &PathBase::identity())
    }),
    ("junit", |report, view| {
        report::junit(report, view.sources, view.fail_on)
    }),
    ("checkstyle", |report, view| {
        report::checkstyle(report, view.sources)
    }),
];

/// What a format may need besides the report. Paths are used as given: the files of the
/// API are named relative to the repository root already.
struct View<'a> {
    sources: &'a SourceSet,
    catalog: &'a Catalog,
    fail_on: Severity,
}

type Formatter = fn(&lint_core::Report, &View<'_>) -> String;

/// The names of the formats [`Session::format`] gives.
pub fn formats() -> Vec<&'static str> {
    FORMATS.iter().map(|(name, _)| *name).collect()
}

/// The option that is not a configuration key: how positions are counted.
const ENCODING_KEY: &str = "position-encoding";

/// A file given to the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Its path, `/`-separated; chart files are found by the directory holding `Chart.yaml`.
    pub path: String,
    /// Its contents.
    pub content: Content,
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Text, as an editor has it.
    Text(String),
    /// Bytes: a packaged chart (`.tgz`), or text in an unknown encoding (invalid UTF-8 is
    /// reported as the CLI reports it).
    Bytes(Vec<u8>),
}

impl InputFile {
    /// A text file.
    pub fn text(path: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            content: Content::Text(text.into()),
        }
    }

    fn source(&self) -> SourceFile {
        match &self.content {
            Content::Text(text) => SourceFile::new(self.path.as_str(), text.as_str()),
            Content::Bytes(bytes) => SourceFile::from_bytes(self.path.as_str(), bytes),
        }
    }

    fn text_lossy(&self) -> String {
        match &self.content {
            Content::Text(text) => text.clone(),
            Content::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        }
    }
}

/// Options after validation.
struct Options {
    config: Config,
    encoding: Encoding,
    /// What the compiled linter depends on: the options without the chart settings.
    linter_key: String,
}

impl Options {
    fn parse(value: Value) -> Result<Self, String> {
        let mut map = match value {
            Value::Null => Map::new(),
            Value::Object(map) => map,
            other => return Err(format!("options must be an object, not {other}")),
        };
        let encoding = match map.remove(ENCODING_KEY) {
            None | Some(Value::Null) => Encoding::Utf8,
            Some(Value::String(name)) if name == "utf-8" => Encoding::Utf8,
            Some(Value::String(name)) if name == "utf-16" => Encoding::Utf16,
            Some(other) => {
                return Err(format!(
                    "`{ENCODING_KEY}` must be \"utf-8\" or \"utf-16\", not {other}"
                ));
            }
        };
        let mut key = map.clone();
        key.remove("charts");
        key.remove("fail-on");
        let linter_key = Value::Object(key).to_string();
        let config: Config = serde_json::from_value(Value::Object(map))
            .map_err(|err| format!("invalid options: {err}"))?;
        if !config.exclude.is_empty() {
            return Err(
                "`exclude` is not supported here: leave the excluded files out of `files`"
                    .to_owned(),
            );
        }
        Ok(Self {
            config,
            encoding,
            linter_key,
        })
    }
}

/// A linter kept between calls: compiling the rules is the slow part of a run, and an
/// editor lints with the same options on every keystroke. So is what it found in the last
/// run: objects that did not change, nor what their rules looked up, are not evaluated again.
struct Compiled {
    key: String,
    policies: Vec<PolicyFile>,
    schemas: Vec<SchemaFile>,
    linter: Linter,
    cache: LintCache,
}

impl Compiled {
    fn relint(&mut self, sources: &SourceSet) -> lint_core::Report {
        self.linter.relint(sources, &mut self.cache)
    }
}

/// The state of the module: the built-in catalogue and the last linter, reused while the
/// options and user rules stay the same.
#[derive(Debug, Default)]
pub struct Session {
    catalog: Option<Catalog>,
    compiled: Option<Compiled>,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled").field("key", &self.key).finish()
    }
}

/// The Kubernetes versions with embedded schemas, oldest first, as `kube-version` takes them
/// (`1.25`, ...); the last is the default.
///
/// ```
/// let versions = lint_wasm::api::kube_versions();
/// assert_eq!(versions.last().map(String::as_str), Some(lint_wasm::api::default_kube_version().as_str()));
/// ```
pub fn kube_versions() -> Vec<String> {
    lint_core::schema::VERSIONS
        .map(|minor| format!("1.{minor}"))
        .collect()
}

/// The Kubernetes version linted when the options name none.
pub fn default_kube_version() -> String {
    let (major, minor) = lint_core::DEFAULT_KUBE_VERSION;
    format!("{major}.{minor}")
}

/// The version of kubeward.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

impl Session {
    /// A session with nothing compiled yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lints the files: the JSON report of `kubeward lint --format json`, byte for byte the
    /// same when positions are counted in UTF-8 (the default). With `"position-encoding":
    /// "utf-16"`, every position also has `utf16Column` and `utf16Offset` (and the JSON is
    /// compact).
    ///
    /// ```
    /// use lint_wasm::api::{InputFile, Session};
    /// let files = [InputFile::text("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:latest\n")];
    /// let options = serde_json::json!({"select": ["image-latest-tag"]});
    /// let report = Session::new().lint(&files, options).unwrap();
    /// assert!(report.contains("\"name\": \"image-latest-tag\""));
    /// ```
    pub fn lint(&mut self, files: &[InputFile], options: Value) -> Result<String, String> {
        let options = Options::parse(options)?;
        let inputs = Inputs::split(files, &options.config);
        let sources = sources(&inputs.files, &options.config)?;
        let report = self.compiled(&options, &inputs)?.relint(&sources);
        match options.encoding {
            Encoding::Utf8 => Ok(report::json(&report, &sources)),
            Encoding::Utf16 => {
                let mut value = report::json_value(&report, &sources);
                let mut writer = PositionWriter::new(&sources, Encoding::Utf16);
                writer.add_utf16(&mut value);
                // Compact: an editor lints on every keystroke and parses the text at once.
                serde_json::to_string(&value).map_err(|err| err.to_string())
            }
        }
    }

    /// Lints the files and writes the report in a format of `kubeward lint --format NAME`
    /// (see [`formats`]), as text.
    pub fn format(
        &mut self,
        files: &[InputFile],
        options: Value,
        name: &str,
    ) -> Result<String, String> {
        let Some((_, formatter)) = FORMATS.iter().find(|(n, _)| *n == name) else {
            return Err(format!(
                "no format `{name}` here (formats: {})",
                formats().join(", ")
            ));
        };
        let options = Options::parse(options)?;
        let inputs = Inputs::split(files, &options.config);
        let sources = sources(&inputs.files, &options.config)?;
        let compiled = self.compiled(&options, &inputs)?;
        let report = compiled.relint(&sources);
        let view = View {
            sources: &sources,
            catalog: compiled.linter.catalog(),
            fail_on: options.config.fail_on.unwrap_or(Severity::Warning),
        };
        Ok(formatter(&report, &view))
    }

    /// Renders the charts among the files as the linter renders them: every rendered
    /// template with the template position of its bytes, and the problems (a template
    /// error, invalid values) at their position.
    pub fn render_chart(&mut self, files: &[InputFile], options: Value) -> Result<String, String> {
        let options = Options::parse(options)?;
        let inputs = Inputs::split(files, &options.config);
        let sources = sources(&inputs.files, &options.config)?;
        let mut writer = PositionWriter::new(&sources, options.encoding);
        let mut rendered = Vec::new();
        for (id, file) in sources.iter().filter(|(_, f)| f.role() == Role::Rendered) {
            let origin = file.origin().map(|o| o.segments.as_slice()).unwrap_or(&[]);
            let segments: Vec<Value> = origin
                .iter()
                .map(|segment| {
                    json!({
                        "rendered": writer.range_in(id, segment.rendered.start, segment.rendered.end),
                        "file": path_of(&sources, segment.source),
                        "template": writer.range_in(segment.source, segment.template.start, segment.template.end),
                        "exact": segment.exact,
                    })
                })
                .collect();
            rendered.push(json!({
                "path": file.path(),
                "template": file.path().strip_suffix(" (rendered)").unwrap_or(file.path()),
                "content": file.text(),
                "origin": segments,
            }));
        }
        let problems: Vec<Value> = sources
            .chart_problems()
            .iter()
            .map(|problem| {
                let range = writer.range_in(
                    problem.span.source,
                    problem.span.range.start,
                    problem.span.range.end,
                );
                json!({
                    "file": path_of(&sources, problem.span.source),
                    "start": range.get("start"),
                    "end": range.get("end"),
                    "message": problem.message,
                })
            })
            .collect();
        Ok(pretty(&json!({ "files": rendered, "problems": problems })))
    }

    /// The built-in catalogue: what `kubeward rules --format json` prints, with each rule's
    /// documentation (what `kubeward explain` prints) as `docs`.
    pub fn rules(&mut self) -> Result<String, String> {
        let catalog = self.catalog()?;
        let rules: Vec<Value> = catalog
            .rules()
            .iter()
            .map(|rule| {
                let mut entry = lint_core::rules::catalog_entry(rule);
                if let Value::Object(fields) = &mut entry {
                    fields.insert(
                        "docs".to_owned(),
                        Value::String(lint_core::rules::markdown(rule)),
                    );
                }
                entry
            })
            .collect();
        Ok(pretty(&Value::Array(rules)))
    }

    fn catalog(&mut self) -> Result<&Catalog, String> {
        if self.catalog.is_none() {
            self.catalog = Some(Catalog::builtin().map_err(|errors| rule_errors(&errors))?);
        }
        self.catalog
            .as_ref()
            .ok_or_else(|| "the built-in rules could not be loaded".to_owned())
    }

    fn compiled(
        &mut self,
        options: &Options,
        inputs: &Inputs<'_>,
    ) -> Result<&mut Compiled, String> {
        let fresh = self.compiled.as_ref().is_some_and(|c| {
            c.key == options.linter_key
                && c.policies == inputs.policies
                && c.schemas == inputs.schemas
        });
        if !fresh {
            self.compiled = None;
            let catalog = if inputs.policies.is_empty() {
                self.catalog()?.clone()
            } else {
                Catalog::load(inputs.policies.clone()).map_err(|errors| rule_errors(&errors))?
            };
            let mut linter =
                Linter::new(catalog, &options.config).map_err(|err| err.to_string())?;
            if !inputs.schemas.is_empty() {
                linter = linter
                    .with_schema_files(&inputs.schemas)
                    .map_err(|err| err.to_string())?;
            }
            self.compiled = Some(Compiled {
                key: options.linter_key.clone(),
                policies: inputs.policies.clone(),
                schemas: inputs.schemas.clone(),
                linter,
                cache: LintCache::new(),
            });
        }
        self.compiled.as_mut().ok_or_else(|| "no linter".to_owned())
    }
}

fn rule_errors(errors: &[lint_core::RuleError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn pretty(value: &Value) -> String {
    let mut out = serde_json::to_string_pretty(value).unwrap_or_default();
    out.push('\n');
    out
}

fn path_of(sources: &SourceSet, id: SourceId) -> &str {
    sources.get(id).map_or("", SourceFile::path)
}

/// The input files sorted by what they are: `.rego` files under the configured policy
/// directories are user rules, `.json` files under the schema directories are schemas of
/// custom resources (each with its path relative to its directory, as the CLI names them).
/// Every file but the rules is linted, as `kubeward lint DIR` lints the JSON files of a
/// schema directory under `DIR`.
struct Inputs<'a> {
    policies: Vec<PolicyFile>,
    schemas: Vec<SchemaFile>,
    files: Vec<&'a InputFile>,
}

impl<'a> Inputs<'a> {
    fn split(files: &'a [InputFile], config: &Config) -> Self {
        let mut inputs = Inputs {
            policies: Vec::new(),
            schemas: Vec::new(),
            files: Vec::new(),
        };
        for file in files {
            if let Some(path) = under(&file.path, &config.policies)
                .filter(|_| file.path.ends_with(".rego") && !file.path.ends_with("_test.rego"))
            {
                inputs.policies.push(PolicyFile {
                    path: path.to_owned(),
                    display: file.path.clone(),
                    text: file.text_lossy(),
                });
            } else if let Some(path) =
                under(&file.path, &config.schema_dirs).filter(|_| file.path.ends_with(".json"))
            {
                inputs.schemas.push(SchemaFile {
                    path: path.to_owned(),
                    display: file.path.clone(),
                    text: file.text_lossy(),
                });
                inputs.files.push(file);
            } else {
                inputs.files.push(file);
            }
        }
        inputs.policies.sort_by(|a, b| a.path.cmp(&b.path));
        inputs.schemas.sort_by(|a, b| a.display.cmp(&b.display));
        inputs
    }
}

/// The path relative to the first of the directories that holds it.
fn under<'p>(path: &'p str, directories: &[String]) -> Option<&'p str> {
    directories.iter().find_map(|dir| {
        let dir = normalize(dir);
        if dir.is_empty() {
            return Some(path);
        }
        path.strip_prefix(dir.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
    })
}

/// A path without `./` in front or `/` behind.
fn normalize(path: &str) -> String {
    let mut path = path;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let path = path.trim_end_matches('/');
    if path == "." {
        String::new()
    } else {
        path.to_owned()
    }
}

/// The source set of a run, its charts rendered with the configured options.
fn sources(files: &[&InputFile], config: &Config) -> Result<SourceSet, String> {
    let mut set = SourceSet::new();
    for file in files {
        if set.find(&file.path).is_some() {
            return Err(format!("two files are named {:?}", file.path));
        }
        set.add(file.source());
    }
    set.render_charts(&chart_settings(files, config)?);
    Ok(set)
}

/// The options of `helm template` for the charts, as the CLI builds them from the
/// configuration; values files are files of the input, named by their path.
fn chart_settings(files: &[&InputFile], config: &Config) -> Result<ChartSettings, String> {
    let defaults = config.chart_defaults();
    let mut charts = BTreeMap::new();
    for (key, chart) in &config.charts {
        let mut options = chart.template_options(&defaults);
        for path in &chart.values {
            let wanted = normalize(path);
            let file = files
                .iter()
                .find(|f| normalize(&f.path) == wanted)
                .ok_or_else(|| {
                    format!("values file {path:?} of chart {key:?} is not among the files")
                })?;
            options.values.files.push((wanted, file.text_lossy()));
        }
        charts.insert(normalize(key), options);
    }
    Ok(ChartSettings { defaults, charts })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// Renders a chart that prints the Kubernetes version it is rendered for.
    fn rendered_version(options: Value) -> String {
        let files = [
            InputFile::text(
                "shop/Chart.yaml",
                "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
            ),
            InputFile::text(
                "shop/templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\ndata:\n  minor: {{ .Capabilities.KubeVersion.Minor | quote }}\n",
            ),
        ];
        let out: Value =
            serde_json::from_str(&Session::new().render_chart(&files, options).unwrap()).unwrap();
        out["files"][0]["content"].as_str().unwrap().to_owned()
    }

    #[test]
    fn charts_render_for_the_linted_kubernetes_version() {
        let (_, minor) = lint_core::DEFAULT_KUBE_VERSION;
        assert!(
            rendered_version(json!({})).contains(&format!("minor: \"{minor}\"")),
            "{}",
            rendered_version(json!({}))
        );
        assert!(rendered_version(json!({"kube-version": "1.29"})).contains("minor: \"29\""));
    }
}
