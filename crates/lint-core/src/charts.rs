//! Helm charts in a source set: found by their `Chart.yaml` (or as packaged `.tgz` files),
//! rendered with helm-render as `helm template` renders them, and added back to the set as
//! rendered files whose bytes know the template text that produced them. Findings in rendered
//! output are then reported at the template line (see [`Origin`]).

use std::collections::BTreeMap;

use helm_render::template::OutputSpan;
use helm_render::{Chart, ChartFile, RenderError, TemplateOptions, render_files};

use crate::source::{ChartProblem, Origin, OriginSegment, Role, SourceFile, SourceId, SourceSet};
use crate::{Span, TextRange};

/// How the charts of a run are rendered: the options of `helm template`, for every chart or
/// for one chart (by its path in the set, the directory holding `Chart.yaml` or the `.tgz`).
#[derive(Debug, Clone, Default)]
pub struct ChartSettings {
    /// Options for charts without their own.
    pub defaults: TemplateOptions,
    /// Options by chart path.
    pub charts: BTreeMap<String, TemplateOptions>,
}

impl ChartSettings {
    fn options(&self, root: &str) -> &TemplateOptions {
        let key = |path: &str| {
            path.trim_start_matches("./")
                .trim_end_matches('/')
                .to_owned()
        };
        let root = key(root);
        self.charts
            .iter()
            .find(|(path, _)| key(path) == root)
            .map_or(&self.defaults, |(_, options)| options)
    }
}

/// A failing template is left out and the chart rendered again, this many times at most, so
/// that one broken template does not hide the findings of the others.
const MAX_RENDER_ATTEMPTS: usize = 8;

/// A chart found in the set: its path and its files.
struct Found {
    /// The directory holding `Chart.yaml` (`""` for the top of the set), or the archive.
    root: String,
    archive: Option<SourceId>,
    members: Vec<SourceId>,
}

impl SourceSet {
    /// Renders every chart of the set and adds the rendered templates. The chart's own files
    /// are no longer linted as manifests (except its `crds/`, which are plain YAML); findings
    /// in rendered output are reported at their template position. Problems (a template
    /// error, invalid values) are kept in the set and reported by the linter. Call it once,
    /// before linting.
    pub fn render_charts(&mut self, settings: &ChartSettings) {
        for chart in find_charts(self) {
            for &member in &chart.members {
                let path = self.get(member).map(|f| f.path().to_owned());
                if let Some(path) = path {
                    if !is_crd(relative(&chart.root, &path)) {
                        self.set_role(member, Role::Chart);
                    }
                }
            }
            if let Some(archive) = chart.archive {
                self.set_role(archive, Role::Chart);
            }
            render_chart(self, &chart, settings.options(&chart.root));
        }
    }
}

/// Top-level charts (subcharts render with their parent) and packaged charts.
fn find_charts(set: &SourceSet) -> Vec<Found> {
    let mut roots: Vec<String> = set
        .iter()
        .filter(|(_, f)| f.role() == Role::Manifest)
        .filter_map(|(_, f)| {
            let path = f.path();
            match path.rsplit_once('/') {
                Some((dir, "Chart.yaml")) => Some(dir.to_owned()),
                None if path == "Chart.yaml" => Some(String::new()),
                _ => None,
            }
        })
        .collect();
    roots.sort();
    roots.dedup();
    let top: Vec<String> = roots
        .iter()
        .filter(|root| {
            !roots
                .iter()
                .any(|other| other != *root && contains(other, root))
        })
        .cloned()
        .collect();
    let mut found: Vec<Found> = top
        .into_iter()
        .map(|root| Found {
            root,
            archive: None,
            members: Vec::new(),
        })
        .collect();
    for (id, file) in set.iter() {
        if file.role() != Role::Manifest {
            continue;
        }
        if let Some(chart) = found.iter_mut().find(|c| contains(&c.root, file.path())) {
            chart.members.push(id);
        }
    }
    for (id, file) in set.iter() {
        let path = file.path();
        if file.role() == Role::Manifest
            && path.ends_with(".tgz")
            && !roots.iter().any(|root| contains(root, path))
        {
            found.push(Found {
                root: path.to_owned(),
                archive: Some(id),
                members: Vec::new(),
            });
        }
    }
    found
}

/// Whether `path` is inside the chart directory `root`.
fn contains(root: &str, path: &str) -> bool {
    root.is_empty()
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn relative<'a>(root: &str, path: &'a str) -> &'a str {
    if root.is_empty() {
        path
    } else {
        path.get(root.len() + 1..).unwrap_or(path)
    }
}

/// `crds/x.yaml` of the chart or of a subchart directory: plain manifests.
fn is_crd(relative: &str) -> bool {
    let parts: Vec<&str> = relative.split('/').collect();
    parts.iter().enumerate().any(|(i, part)| {
        *part == "crds"
            && i + 1 < parts.len()
            && (i == 0 || (i >= 2 && parts.get(i - 2) == Some(&"charts")))
    })
}

fn render_chart(set: &mut SourceSet, found: &Found, options: &TemplateOptions) {
    let chart_yaml = found
        .archive
        .or_else(|| set.find(&join(&found.root, "Chart.yaml")))
        .unwrap_or(SourceId(0));
    let loaded = match found.archive {
        Some(archive) => {
            let bytes = set
                .get(archive)
                .map(|f| f.bytes().to_vec())
                .unwrap_or_default();
            Chart::from_archive(&bytes)
        }
        None => {
            let files = found
                .members
                .iter()
                .filter_map(|&id| set.get(id))
                .map(|f| ChartFile::new(relative(&found.root, f.path()), f.bytes()))
                .collect();
            Chart::from_files(files)
        }
    };
    let mut chart = match loaded {
        Ok(chart) => chart,
        Err(err) => {
            let at = err
                .file
                .as_deref()
                .filter(|_| found.archive.is_none())
                .and_then(|file| set.find(&join(&found.root, file)))
                .unwrap_or(chart_yaml);
            set.push_chart_problem(ChartProblem {
                span: start_of(at),
                message: format!("the chart cannot be loaded: {}", err.message),
            });
            return;
        }
    };
    if chart.is_library() {
        // A library chart only defines helpers; it is rendered by the charts that use it.
        return;
    }
    let reported = set.get(chart_yaml).is_none_or(SourceFile::is_reported);
    let mut sources = TemplateSources::new(found, &chart);
    for _ in 0..MAX_RENDER_ATTEMPTS {
        match render_files(chart.clone(), options) {
            Ok((_, files)) => {
                for file in files {
                    add_rendered(set, &mut sources, &file.name, &file.output, reported);
                }
                return;
            }
            Err(err) => {
                let retry = report_error(set, &mut sources, chart_yaml, &err);
                match retry {
                    Some(name) if remove_template(&mut chart, &name) => {}
                    _ => return,
                }
            }
        }
    }
}

fn join(root: &str, path: &str) -> String {
    if root.is_empty() {
        path.to_owned()
    } else {
        format!("{root}/{path}")
    }
}

fn start_of(source: SourceId) -> Span {
    Span {
        source,
        range: TextRange::empty(0),
    }
}

/// Reports a render error; returns the template to leave out for another attempt, if one
/// failed on its own (a partial, `_*.tpl`, is needed by the others and is not left out).
fn report_error(
    set: &mut SourceSet,
    sources: &mut TemplateSources,
    chart_yaml: SourceId,
    err: &RenderError,
) -> Option<String> {
    let Some(template) = &err.template else {
        set.push_chart_problem(ChartProblem {
            span: start_of(chart_yaml),
            message: err.message.clone(),
        });
        return None;
    };
    let span = sources
        .source_of(set, &template.file)
        .map(|source| Span {
            source,
            range: set
                .get(source)
                .map(|f| action_range(f.text(), template.offset))
                .unwrap_or(TextRange::empty(0)),
        })
        .unwrap_or(start_of(chart_yaml));
    let message = match template.kind {
        helm_render::template::ErrorKind::Parse => {
            format!("template parse error: {}", template.message)
        }
        helm_render::template::ErrorKind::Fail => template.message.clone(),
        helm_render::template::ErrorKind::Exec if template.context.is_empty() => {
            format!("executing {:?}: {}", template.executing, template.message)
        }
        helm_render::template::ErrorKind::Exec => format!(
            "executing {:?} at <{}>: {}",
            template.executing, template.context, template.message
        ),
    };
    set.push_chart_problem(ChartProblem { span, message });
    let failed = if template.kind == helm_render::template::ErrorKind::Parse {
        &template.file
    } else {
        &template.executing
    };
    let partial = failed
        .rsplit('/')
        .next()
        .is_some_and(|base| base.starts_with('_'));
    (!partial).then(|| failed.clone())
}

/// Removes a template (`chart/templates/x.yaml`, `chart/charts/sub/templates/x.yaml`) from
/// the chart; whether it was there.
fn remove_template(chart: &mut Chart, name: &str) -> bool {
    let Some(rest) = name
        .strip_prefix(chart.name())
        .and_then(|r| r.strip_prefix('/'))
    else {
        return false;
    };
    let before = chart.templates.len();
    chart.templates.retain(|t| t.name != rest);
    if chart.templates.len() != before {
        return true;
    }
    let Some(sub) = rest.strip_prefix("charts/") else {
        return false;
    };
    chart
        .dependencies
        .iter_mut()
        .any(|dependency| remove_template(dependency, sub))
}

/// The bytes of the action (`{{ ... }}`) at `offset` (its start, or a position inside it, as
/// errors give), or of the rest of the line when there is none.
fn action_range(text: &str, offset: usize) -> TextRange {
    let mut start = offset.min(text.len());
    let before = text.get(..start).unwrap_or("");
    if let Some(open) = before.rfind("{{") {
        let between = before.get(open..).unwrap_or("");
        if !between.contains("}}") && !between.contains('\n') {
            start = open;
        }
    }
    let rest = text.get(start..).unwrap_or("");
    let len = if rest.starts_with("{{") {
        rest.find("}}").map_or(rest.len(), |end| end + 2)
    } else {
        rest.find('\n').unwrap_or(rest.len())
    };
    TextRange::new(to_u32(start), to_u32(start + len))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Template names (`chart/templates/x.yaml`) to the files of the set: the chart's own file
/// when it is in the set, otherwise (a subchart from an archive, or a packaged chart) a file
/// added with the template's text.
struct TemplateSources {
    root: String,
    texts: BTreeMap<String, ChartFile>,
    ids: BTreeMap<String, Option<SourceId>>,
}

impl TemplateSources {
    fn new(found: &Found, chart: &Chart) -> Self {
        let mut texts = BTreeMap::new();
        collect_templates(chart, chart.name(), &mut texts);
        TemplateSources {
            root: found.root.clone(),
            texts,
            ids: BTreeMap::new(),
        }
    }

    fn source_of(&mut self, set: &mut SourceSet, name: &str) -> Option<SourceId> {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let rest = name.split_once('/').map_or(name, |(_, rest)| rest);
        let path = join(&self.root, rest);
        let id = set.find(&path).or_else(|| {
            let file = self.texts.get(name)?;
            let id = set.add(SourceFile::from_bytes(path, &file.data));
            set.set_role(id, Role::Chart);
            Some(id)
        });
        self.ids.insert(name.to_owned(), id);
        id
    }
}

fn collect_templates(chart: &Chart, prefix: &str, out: &mut BTreeMap<String, ChartFile>) {
    for template in &chart.templates {
        out.insert(format!("{prefix}/{}", template.name), template.clone());
    }
    for dependency in &chart.dependencies {
        collect_templates(
            dependency,
            &format!("{prefix}/charts/{}", dependency.name()),
            out,
        );
    }
}

/// Adds a rendered template (not NOTES.txt, partials or empty output) with its provenance.
fn add_rendered(
    set: &mut SourceSet,
    sources: &mut TemplateSources,
    name: &str,
    output: &helm_render::template::Output,
    reported: bool,
) {
    let base = name.rsplit('/').next().unwrap_or(name);
    if base == "NOTES.txt" || base.starts_with('_') || output.text.trim().is_empty() {
        return;
    }
    // The documents as Helm splits them (a line starting with `---` ends a document, even
    // `---` followed by text, which a YAML reader would not split), each on its own after a
    // `---` line, with the provenance of every piece carried over.
    let mut text = String::with_capacity(output.text.len());
    let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
    for (offset, content) in helm_render::manifests::split_manifests(&output.text) {
        if output.text.get(offset..offset + content.len()) != Some(content.as_str()) {
            continue;
        }
        if !text.is_empty() {
            text.push_str("---\n");
        }
        pieces.push((text.len(), offset, content.len()));
        text.push_str(&content);
        text.push('\n');
    }
    let mut segments = Vec::with_capacity(output.spans.len());
    for span in &output.spans {
        for &(at, offset, len) in &pieces {
            let start = span.start.max(offset);
            let end = span.end.min(offset + len);
            if start >= end {
                continue;
            }
            let piece = OutputSpan {
                start: at + (start - offset),
                end: at + (end - offset),
                file: span.file.clone(),
                offset: if span.exact {
                    span.offset + (start - span.start)
                } else {
                    span.offset
                },
                exact: span.exact,
            };
            if let Some(segment) = segment(set, sources, &piece) {
                segments.push(segment);
            }
        }
    }
    let Some(template) = sources.source_of(set, name) else {
        return;
    };
    let path = set
        .get(template)
        .map(|f| format!("{} (rendered)", f.path()))
        .unwrap_or_else(|| format!("{name} (rendered)"));
    let file = SourceFile::rendered(path, text, Origin { segments });
    // A chart read for context only (`--context`) gives context only.
    set.add(if reported { file } else { file.context_only() });
}

fn segment(
    set: &mut SourceSet,
    sources: &mut TemplateSources,
    span: &OutputSpan,
) -> Option<OriginSegment> {
    let source = sources.source_of(set, &span.file)?;
    let template = if span.exact {
        TextRange::new(
            to_u32(span.offset),
            to_u32(span.offset + (span.end - span.start)),
        )
    } else {
        action_range(set.get(source)?.text(), span.offset)
    };
    Some(OriginSegment {
        rendered: TextRange::new(to_u32(span.start), to_u32(span.end)),
        source,
        template,
        exact: span.exact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crds_of_the_chart_and_of_subchart_directories_are_manifests() {
        assert!(is_crd("crds/a.yaml"));
        assert!(is_crd("charts/sub/crds/a.yaml"));
        assert!(!is_crd("templates/crds/a.yaml"));
        assert!(!is_crd("crds"));
    }

    #[test]
    fn actions_are_located_whole() {
        let text = "a: {{ .Values.x | quote }}\nb: c\n";
        assert_eq!(action_range(text, 3), TextRange::new(3, 26));
        assert_eq!(action_range(text, 27), TextRange::new(27, 31));
        // Inside an action (an error at a function of its pipeline): the whole action.
        assert_eq!(action_range(text, 17), TextRange::new(3, 26));
    }
}
