//! Charts from in-memory files: `Chart.yaml`, `values.yaml`, `values.schema.json`,
//! `templates/`, other files (for `.Files`), and subcharts in `charts/` (directories or
//! `.tgz` archives), loaded as Helm's loader does, `.helmignore` applied.

mod archive;
mod ignore;

pub use archive::{MAX_ARCHIVE_BYTES, MAX_FILE_BYTES, unpack};
pub use ignore::{BadPattern, IgnoreRules, glob_match};

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Deserialize;

use crate::template::value::Value;
use crate::values::{merge_maps, yaml_to_value};

/// A file of a chart, by its path relative to the chart root.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartFile {
    /// `/`-separated path inside the chart.
    pub name: String,
    /// Its bytes.
    pub data: Rc<[u8]>,
}

impl ChartFile {
    /// A file from a name and bytes.
    pub fn new(name: impl Into<String>, data: impl Into<Rc<[u8]>>) -> Self {
        Self {
            name: name.into(),
            data: data.into(),
        }
    }

    /// The text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// A maintainer in `Chart.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Maintainer {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// URL.
    #[serde(default)]
    pub url: String,
}

/// A dependency in `Chart.yaml` (or `requirements.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Dependency {
    /// The chart's name.
    #[serde(default)]
    pub name: String,
    /// The version range.
    #[serde(default)]
    pub version: String,
    /// Where it comes from.
    #[serde(default)]
    pub repository: String,
    /// A values path that enables or disables it.
    #[serde(default)]
    pub condition: String,
    /// Tags that enable or disable it.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Set while processing dependencies.
    #[serde(default)]
    pub enabled: bool,
    /// Values imported from the subchart into the parent.
    #[serde(default, rename = "import-values")]
    pub import_values: Vec<serde_json::Value>,
    /// The name the subchart is used under.
    #[serde(default)]
    pub alias: String,
}

/// `Chart.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// Chart name.
    #[serde(default)]
    pub name: String,
    /// Home page.
    #[serde(default)]
    pub home: String,
    /// Source URLs.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Chart version (SemVer).
    #[serde(default)]
    pub version: String,
    /// One line.
    #[serde(default)]
    pub description: String,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Maintainers.
    #[serde(default)]
    pub maintainers: Vec<Maintainer>,
    /// Icon URL.
    #[serde(default)]
    pub icon: String,
    /// `v1` or `v2`.
    #[serde(default)]
    pub api_version: String,
    /// Condition (for dependencies).
    #[serde(default)]
    pub condition: String,
    /// Tags (for dependencies).
    #[serde(default)]
    pub tags: String,
    /// Version of the application.
    #[serde(default)]
    pub app_version: String,
    /// Deprecated chart.
    #[serde(default)]
    pub deprecated: bool,
    /// Annotations.
    #[serde(default)]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Kubernetes versions the chart supports.
    #[serde(default)]
    pub kube_version: String,
    /// Subcharts.
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    /// `application` or `library`.
    #[serde(default, rename = "type")]
    pub chart_type: String,
}

/// A loaded chart.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// `Chart.yaml`.
    pub metadata: Metadata,
    /// `values.yaml`, as a map of Go values.
    pub values: BTreeMap<String, Value>,
    /// The `values.yaml` file itself.
    pub values_file: Option<ChartFile>,
    /// `values.schema.json`.
    pub schema: Option<ChartFile>,
    /// `templates/**`.
    pub templates: Vec<ChartFile>,
    /// Every other file (what `.Files` sees).
    pub files: Vec<ChartFile>,
    /// Subcharts.
    pub dependencies: Vec<Chart>,
}

/// A chart that cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError {
    /// The file at fault, if one is.
    pub file: Option<String>,
    /// What is wrong, as Helm says it.
    pub message: String,
}

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ChartError {}

fn error(file: Option<&str>, message: impl Into<String>) -> ChartError {
    ChartError {
        file: file.map(str::to_owned),
        message: message.into(),
    }
}

impl Chart {
    /// The chart's name.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Whether it is a library chart (templates define helpers only).
    pub fn is_library(&self) -> bool {
        self.metadata.chart_type.eq_ignore_ascii_case("library")
    }

    /// Loads a chart directory's files (paths relative to the chart root), applying its
    /// `.helmignore`.
    pub fn from_files(files: Vec<ChartFile>) -> Result<Chart, ChartError> {
        let rules = match files.iter().find(|f| f.name == ".helmignore") {
            Some(file) => {
                IgnoreRules::parse(&file.text()).map_err(|e| error(Some(".helmignore"), e))?
            }
            None => IgnoreRules::parse("").map_err(|e| error(None, e))?,
        };
        let kept = files
            .into_iter()
            .filter(|f| !rules.ignores_file(&f.name))
            .map(|mut f| {
                // Helm strips a UTF-8 byte order mark from files of a directory.
                if f.data.starts_with(&[0xEF, 0xBB, 0xBF]) {
                    f.data = f.data.get(3..).unwrap_or_default().into();
                }
                f
            })
            .collect();
        Chart::from_loaded(kept)
    }

    /// Loads a packaged chart (`.tgz`).
    pub fn from_archive(bytes: &[u8]) -> Result<Chart, ChartError> {
        let files = unpack(bytes).map_err(|e| error(None, e))?;
        Chart::from_loaded(files)
    }

    /// Helm's `LoadFiles`: sorts files into the chart's parts and loads subcharts.
    fn from_loaded(files: Vec<ChartFile>) -> Result<Chart, ChartError> {
        let mut chart = Chart::default();
        let chart_yaml = files
            .iter()
            .find(|f| f.name == "Chart.yaml")
            .ok_or_else(|| error(None, "Chart.yaml file is missing"))?;
        chart.metadata = parse_metadata(chart_yaml)?;
        if chart.metadata.api_version.is_empty() {
            chart.metadata.api_version = "v1".to_owned();
        }
        let mut subcharts: BTreeMap<String, Vec<ChartFile>> = BTreeMap::new();
        for file in files {
            let name = file.name.clone();
            match name.as_str() {
                "Chart.yaml" => {}
                "Chart.lock" | "requirements.lock" => {
                    if chart.metadata.api_version == "v1" && name == "requirements.lock" {
                        chart.files.push(file);
                    }
                }
                "values.yaml" => {
                    chart.values = load_values(&file.text()).map_err(|m| {
                        error(Some("values.yaml"), format!("cannot load values.yaml: {m}"))
                    })?;
                    chart.values_file = Some(file);
                }
                "values.schema.json" => chart.schema = Some(file),
                "requirements.yaml" => {
                    let requirements = parse_requirements(&file)?;
                    chart.metadata.dependencies = requirements;
                    if chart.metadata.api_version == "v1" {
                        chart.files.push(file);
                    }
                }
                _ if name.starts_with("templates/") => chart.templates.push(file),
                _ if name.starts_with("charts/") => {
                    if name.ends_with(".prov") {
                        chart.files.push(file);
                        continue;
                    }
                    let rest = name.trim_start_matches("charts/");
                    let (sub, inner) = rest.split_once('/').unwrap_or((rest, ""));
                    let mut file = file;
                    file.name = if sub.ends_with(".tgz") && inner.is_empty() {
                        sub.to_owned()
                    } else {
                        inner.to_owned()
                    };
                    subcharts.entry(sub.to_owned()).or_default().push(file);
                }
                _ => chart.files.push(file),
            }
        }
        validate(&mut chart.metadata)?;
        for (name, files) in subcharts {
            if name.starts_with(['_', '.']) {
                continue;
            }
            let loaded = if name.ends_with(".tgz") {
                let Some(file) = files.first() else { continue };
                Chart::from_archive(&file.data)
            } else {
                Chart::from_loaded(files.into_iter().filter(|f| !f.name.is_empty()).collect())
            };
            let sub = loaded.map_err(|e| {
                error(
                    e.file.as_deref(),
                    format!(
                        "error unpacking subchart {name} in {}: {}",
                        chart.name(),
                        e.message
                    ),
                )
            })?;
            chart.dependencies.push(sub);
        }
        Ok(chart)
    }
}

fn parse_metadata(file: &ChartFile) -> Result<Metadata, ChartError> {
    let text = file.text();
    let parsed = kube_yaml::parse(&text);
    if let Some(err) = parsed.errors.iter().find(|e| e.kind.is_fatal()) {
        return Err(error(
            Some("Chart.yaml"),
            format!(
                "cannot load Chart.yaml: error converting YAML to JSON: yaml: {}",
                err.message
            ),
        ));
    }
    let Some(root) = parsed.documents.into_iter().find_map(|d| d.root) else {
        return Ok(Metadata::default());
    };
    kube_yaml::from_node(&root).map_err(|e| {
        error(
            Some("Chart.yaml"),
            format!(
                "cannot load Chart.yaml: error unmarshaling JSON: {}",
                e.message
            ),
        )
    })
}

fn parse_requirements(file: &ChartFile) -> Result<Vec<Dependency>, ChartError> {
    #[derive(Deserialize)]
    struct Requirements {
        #[serde(default)]
        dependencies: Vec<Dependency>,
    }
    let text = file.text();
    let parsed = kube_yaml::parse(&text);
    let Some(root) = parsed.documents.into_iter().find_map(|d| d.root) else {
        return Ok(Vec::new());
    };
    let requirements: Requirements = kube_yaml::from_node(&root).map_err(|e| {
        error(
            Some("requirements.yaml"),
            format!(
                "cannot load requirements.yaml: error unmarshaling JSON: {}",
                e.message
            ),
        )
    })?;
    Ok(requirements.dependencies)
}

/// Helm's `sanitizeString`: whitespace becomes a space, unprintable characters go.
fn sanitize(s: &mut String) {
    *s = s
        .chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control() {
                None
            } else {
                Some(c)
            }
        })
        .collect();
}

/// `Metadata.Validate`.
fn validate(md: &mut Metadata) -> Result<(), ChartError> {
    let fail = |m: String| Err(error(Some("Chart.yaml"), format!("validation: {m}")));
    for field in [
        &mut md.name,
        &mut md.description,
        &mut md.home,
        &mut md.icon,
        &mut md.condition,
        &mut md.tags,
        &mut md.app_version,
        &mut md.kube_version,
    ] {
        sanitize(field);
    }
    for item in md.sources.iter_mut().chain(md.keywords.iter_mut()) {
        sanitize(item);
    }
    if md.api_version.is_empty() {
        return fail("chart.metadata.apiVersion is required".to_owned());
    }
    if md.name.is_empty() {
        return fail("chart.metadata.name is required".to_owned());
    }
    if md.name == "." || md.name == ".." {
        return fail(format!("chart.metadata.name {:?} is not allowed", md.name));
    }
    if md.name.contains('/') {
        return fail(format!("chart.metadata.name {:?} is invalid", md.name));
    }
    if md.version.is_empty() {
        return fail("chart.metadata.version is required".to_owned());
    }
    if crate::semver::Version::parse(&md.version).is_err() {
        return fail(format!(
            "chart.metadata.version {:?} is invalid",
            md.version
        ));
    }
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        return fail("chart.metadata.type must be application or library".to_owned());
    }
    let mut seen = std::collections::BTreeSet::new();
    for dependency in &md.dependencies {
        if dependency.name.is_empty() {
            return fail("dependencies must have a name".to_owned());
        }
        let key = if dependency.alias.is_empty() {
            &dependency.name
        } else {
            &dependency.alias
        };
        if !seen.insert(key.clone()) {
            return fail(format!(
                "more than one dependency with name or alias {key:?}"
            ));
        }
    }
    Ok(())
}

/// Helm's `LoadValues`: every YAML document of the file, merged.
pub fn load_values(text: &str) -> Result<BTreeMap<String, Value>, String> {
    let parsed = kube_yaml::parse(text);
    if let Some(err) = parsed.errors.iter().find(|e| e.kind.is_fatal()) {
        return Err(format!(
            "error converting YAML to JSON: yaml: {}",
            err.message
        ));
    }
    let mut values = BTreeMap::new();
    for document in parsed.documents {
        let Some(root) = document.root else { continue };
        match yaml_to_value(&root)? {
            Value::Map(map) => {
                let map = map.borrow().clone();
                values = merge_maps(values, map);
            }
            Value::Nil => {}
            other => {
                return Err(format!(
                    "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&other)
                ));
            }
        }
    }
    Ok(values)
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::List(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        _ => "value",
    }
}
