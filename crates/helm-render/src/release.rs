//! `helm template`: values merged, chart checked, dependencies processed, values coalesced
//! and validated, templates rendered, manifests sorted and printed, all in Helm's order so
//! that the same input fails or succeeds the same way.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::chart::Chart;
use crate::dependencies::{check_dependencies, is_compatible_range, process_dependencies};
use crate::engine::{RenderedFile, render};
use crate::funcs::helm_funcs;
use crate::manifests::{Manifest, sort_manifests};
use crate::objects::{Capabilities, KubeVersion};
use crate::template::value::{Object, Value};
use crate::template::{ErrorKind, TemplateError};
use crate::values::{Tree, ValueOptions, coalesce_values};

/// Work allowed per template before rendering stops (nodes executed and functions called).
pub const RENDER_BUDGET: u64 = 50_000_000;

/// What `helm template` is given besides the chart.
#[derive(Debug, Clone)]
pub struct TemplateOptions {
    /// Release name (`helm template NAME CHART`; default `release-name`).
    pub release_name: String,
    /// `--namespace` (default `default`).
    pub namespace: String,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`.
    pub api_versions: Vec<String>,
    /// `-f`, `--set` and the rest.
    pub values: ValueOptions,
    /// `--include-crds`.
    pub include_crds: bool,
    /// `--skip-tests`.
    pub skip_tests: bool,
    /// `--no-hooks`.
    pub no_hooks: bool,
    /// `--show-only`.
    pub show_only: Vec<String>,
    /// `--is-upgrade`.
    pub is_upgrade: bool,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
}

impl Default for TemplateOptions {
    fn default() -> Self {
        Self {
            release_name: "release-name".to_owned(),
            namespace: "default".to_owned(),
            kube_version: None,
            api_versions: Vec::new(),
            values: ValueOptions::default(),
            include_crds: false,
            skip_tests: false,
            no_hooks: false,
            show_only: Vec::new(),
            is_upgrade: false,
            skip_schema_validation: false,
        }
    }
}

/// A failed render: the message Helm would print (without `Error: `), and where, if a
/// template position is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// What went wrong.
    pub message: String,
    /// The template error behind it, with its file and position.
    pub template: Option<TemplateError>,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderError {}

impl From<String> for RenderError {
    fn from(message: String) -> Self {
        RenderError {
            message,
            template: None,
        }
    }
}

impl From<TemplateError> for RenderError {
    fn from(err: TemplateError) -> Self {
        let message = match err.kind {
            ErrorKind::Parse => format!(
                "parse error at ({}:{}): {}",
                err.file, err.line, err.message
            ),
            ErrorKind::Fail => err.to_string(),
            ErrorKind::Exec => {
                let at = if err.context.is_empty() {
                    format!("executing {:?}:", err.executing)
                } else {
                    format!("executing {:?} at <{}>:", err.executing, err.context)
                };
                format!(
                    "{}:{}:{}\n  {at}\n    {}",
                    err.file, err.line, err.column, err.message
                )
            }
        };
        RenderError {
            message,
            template: Some(err),
        }
    }
}

/// A rendered release.
#[derive(Debug, Clone)]
pub struct Release {
    /// What `helm template` prints.
    pub output: String,
    /// Every rendered template file (NOTES included), with provenance.
    pub files: Vec<RenderedFile>,
    /// The manifests, in install order.
    pub manifests: Vec<Manifest>,
    /// The hooks, in install order.
    pub hooks: Vec<Manifest>,
    /// CRDs from `crds/` folders: (path, text).
    pub crds: Vec<(String, String)>,
    /// The root chart's rendered `NOTES.txt`.
    pub notes: String,
}

/// Renders a chart as `helm template` does.
pub fn template(chart: Chart, options: &TemplateOptions) -> Result<Release, RenderError> {
    let (chart, files) = render_files(chart, options)?;
    let notes_name = format!("{}/templates/NOTES.txt", chart.name());
    let notes = files
        .iter()
        .find(|f| f.name == notes_name)
        .map(|f| f.output.text.clone())
        .unwrap_or_default();
    let manifest_files: Vec<RenderedFile> = files
        .iter()
        .filter(|f| !f.name.ends_with("NOTES.txt"))
        .cloned()
        .collect();
    let (hooks, manifests) = sort_manifests(&manifest_files)
        .map_err(|e| format!("{e}\n\nUse --debug flag to render out invalid YAML"))?;
    let crds = crd_objects(&chart, chart.name());
    let output = print(options, &manifests, &hooks, &crds)?;
    Ok(Release {
        output,
        files,
        manifests,
        hooks,
        crds,
        notes,
    })
}

/// The first half of `helm template`: values merged and validated, dependencies processed,
/// every template rendered (with provenance), before the output is parsed into manifests.
/// Returns the chart as its dependencies were processed (disabled subcharts removed).
pub fn render_files(
    chart: Chart,
    options: &TemplateOptions,
) -> Result<(Chart, Vec<RenderedFile>), RenderError> {
    let vals = options.values.merge()?;
    let mut chart = chart;
    match chart.metadata.chart_type.as_str() {
        "" | "application" => {}
        other => return Err(format!("{other} charts are not installable").into()),
    }
    if !chart.metadata.dependencies.is_empty() {
        check_dependencies(&chart).map_err(|e| {
            format!(
                "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: {e}"
            )
        })?;
    }
    validate_release_name(&options.release_name).map_err(|e| {
        format!(
            "release name check failed: release name {}: {e}",
            crate::template::format::quote(&options.release_name)
        )
    })?;
    process_dependencies(&mut chart, &vals)
        .map_err(|e| format!("chart dependencies processing failed: {e}"))?;
    let kube_version = match &options.kube_version {
        Some(text) => Some(
            KubeVersion::parse(text).map_err(|e| format!("invalid kube version '{text}': {e}"))?,
        ),
        None => None,
    };
    let capabilities = Capabilities::new(kube_version, &options.api_versions);
    let kube_version_string = capabilities.kube_version.normalized.clone();
    let kube_git_version = capabilities.kube_version.version.clone();
    let values = coalesce_values(&chart, &vals)?;
    if !options.skip_schema_validation {
        crate::schema::validate(&chart, &values).map_err(|e| {
            format!("values don't meet the specifications of the schema(s) in the following chart(s):\n{e}")
        })?;
    }
    let mut top = Tree::new();
    top.insert("Values".to_owned(), Value::from(values));
    let mut release = BTreeMap::new();
    release.insert(
        "Name".to_owned(),
        Value::from(options.release_name.as_str()),
    );
    release.insert(
        "Namespace".to_owned(),
        Value::from(options.namespace.as_str()),
    );
    release.insert("IsUpgrade".to_owned(), Value::Bool(options.is_upgrade));
    release.insert("IsInstall".to_owned(), Value::Bool(!options.is_upgrade));
    release.insert("Revision".to_owned(), Value::Int(1));
    release.insert("Service".to_owned(), Value::from("Helm"));
    top.insert("Release".to_owned(), Value::from(release));
    top.insert(
        "Capabilities".to_owned(),
        Value::Object(Rc::new(capabilities) as Rc<dyn Object>),
    );
    if !chart.metadata.kube_version.is_empty()
        && !is_compatible_range(&chart.metadata.kube_version, &kube_version_string)
    {
        return Err(format!(
            "chart requires kubeVersion: {} which is incompatible with Kubernetes {kube_git_version}",
            chart.metadata.kube_version
        )
        .into());
    }
    let funcs = helm_funcs();
    let files = render(
        &chart,
        &top,
        &funcs,
        RENDER_BUDGET,
        Some(crate::funcs::serialize::to_yaml_text),
    )?;
    Ok((chart, files))
}

/// Longest release name Helm accepts: names of the objects a chart creates are often the
/// release name plus a suffix, and must stay within Kubernetes' 63 characters.
pub const MAX_RELEASE_NAME_LEN: usize = 53;

/// Helm's `ValidateReleaseName`: dot-separated DNS labels (lower-case letters, digits and
/// inner dashes), at most [`MAX_RELEASE_NAME_LEN`] bytes.
///
/// ```
/// use helm_render::release::validate_release_name;
///
/// assert!(validate_release_name("shop.v2-canary").is_ok());
/// assert!(validate_release_name("Shop").is_err());
/// assert!(validate_release_name("-shop").is_err());
/// ```
pub fn validate_release_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("no name provided".to_owned());
    }
    let label_ok = |label: &str| {
        let bytes = label.as_bytes();
        let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        bytes.first().is_some_and(alnum)
            && bytes.last().is_some_and(alnum)
            && bytes.iter().all(|b| alnum(b) || *b == b'-')
    };
    if name.len() > MAX_RELEASE_NAME_LEN || !name.split('.').all(label_ok) {
        return Err(format!(
            "invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than {MAX_RELEASE_NAME_LEN}"
        ));
    }
    Ok(())
}

/// `CRDObjects`: files in `crds/` (YAML or JSON) of the chart and its subcharts.
fn crd_objects(chart: &Chart, full_path: &str) -> Vec<(String, String)> {
    let mut crds: Vec<(String, String)> = chart
        .files
        .iter()
        .filter(|f| {
            f.name.starts_with("crds/")
                && [".yaml", ".yml", ".json"]
                    .iter()
                    .any(|ext| f.name.ends_with(ext))
        })
        .map(|f| (format!("{full_path}/{}", f.name), f.text()))
        .collect();
    for sub in &chart.dependencies {
        crds.extend(crd_objects(
            sub,
            &format!("{full_path}/charts/{}", sub.name()),
        ));
    }
    crds
}

/// What `helm template` prints.
fn print(
    options: &TemplateOptions,
    manifests: &[Manifest],
    hooks: &[Manifest],
    crds: &[(String, String)],
) -> Result<String, RenderError> {
    let mut doc = String::new();
    if options.include_crds {
        for (name, text) in crds {
            doc.push_str(&format!("---\n# Source: {name}\n{text}\n"));
        }
    }
    for m in manifests {
        doc.push_str(&format!("---\n# Source: {}\n{}\n", m.name, m.content));
    }
    let mut out = format!("{}\n", doc.trim());
    if !options.no_hooks {
        for hook in hooks {
            if options.skip_tests && hook.is_test() {
                continue;
            }
            out.push_str(&format!("---\n# Source: {}\n{}\n", hook.name, hook.content));
        }
    }
    if options.show_only.is_empty() {
        return Ok(out);
    }
    let chunks: Vec<String> = crate::manifests::split_manifests(&out)
        .into_iter()
        .map(|(_, chunk)| chunk)
        .collect();
    let mut shown = String::new();
    for wanted in &options.show_only {
        let wanted = wanted.replace('\\', "/");
        let mut found = false;
        for chunk in &chunks {
            let Some(source) = chunk
                .lines()
                .find_map(|line| line.split_once("# Source: ").map(|(_, rest)| rest))
            else {
                continue;
            };
            let Some((_, path)) = source.split_once('/') else {
                continue;
            };
            if crate::chart::glob_match(&wanted, path).unwrap_or(false) {
                shown.push_str(&format!("---\n{chunk}\n"));
                found = true;
            }
        }
        if !found {
            return Err(format!("could not find template {wanted} in chart").into());
        }
    }
    Ok(shown)
}
