//! Helm charts in a lint run: rendered, linted, and reported at their template lines.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use lint_core::{
    Catalog, ChartSettings, Config, Diagnostic, Linter, Role, SourceFile, SourceSet, report,
};

const CHART_YAML: &str = "apiVersion: v2\nname: web\nversion: 1.0.0\n";
const VALUES: &str = "image: nginx:latest\nreplicas: 2\n";
const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.name" . }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
        - name: sidecar
          image: busybox:latest
"#;
const HELPERS: &str = "{{- define \"web.name\" -}}\n{{ .Release.Name }}-web\n{{- end }}\n";

fn linter(select: &[&str]) -> Linter {
    let config = Config {
        select: Some(select.iter().map(|s| (*s).to_owned()).collect()),
        ..Config::default()
    };
    Linter::new(Catalog::builtin().unwrap(), &config).unwrap()
}

fn chart(extra: &[(&str, &str)]) -> SourceSet {
    let mut set = SourceSet::new();
    for (path, text) in [
        ("charts/web/Chart.yaml", CHART_YAML),
        ("charts/web/values.yaml", VALUES),
        ("charts/web/templates/deployment.yaml", DEPLOYMENT),
        ("charts/web/templates/_helpers.tpl", HELPERS),
    ]
    .into_iter()
    .chain(extra.iter().copied())
    {
        set.add(SourceFile::new(path, text));
    }
    set
}

fn at(set: &SourceSet, d: &Diagnostic) -> String {
    let file = set.get(d.primary.span.source).unwrap();
    let position = file.position(d.primary.span.range.start);
    format!(
        "{}:{}:{} {}",
        file.path(),
        position.line,
        position.column,
        file.slice(d.primary.span.range)
    )
}

#[test]
fn findings_are_reported_at_the_template_line_or_the_value() {
    let mut set = chart(&[]);
    set.render_charts(&ChartSettings::default());
    assert!(
        set.chart_problems().is_empty(),
        "{:?}",
        set.chart_problems()
    );
    let report = linter(&["KW301"]).lint(&set);
    let found: Vec<String> = report.reported().map(|d| at(&set, d)).collect();
    // `{{ .Values.image }}` wrote the value of values.yaml as is: the finding is at the value,
    // where it is fixed. Literal template text is reported at the text itself.
    assert_eq!(
        found,
        [
            "charts/web/templates/deployment.yaml:17:18 busybox:latest",
            "charts/web/values.yaml:1:8 nginx:latest",
        ]
    );
    let from_values = report.reported().nth(1).unwrap();
    let labels: Vec<String> = from_values
        .related
        .iter()
        .map(|label| {
            let file = set.get(label.span.source).unwrap();
            format!(
                "{} {} ({})",
                file.path(),
                file.slice(label.span.range),
                label.message.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        labels,
        [
            "charts/web/templates/deployment.yaml {{ .Values.image }} (written into the manifest here)",
            "charts/web/templates/deployment.yaml (rendered) nginx:latest (rendered here)",
        ]
    );
    let rendered = set.get(from_values.related[1].span.source).unwrap();
    assert_eq!(rendered.role(), Role::Rendered);
    let human = report::human(&report, &set, report::HumanOptions::default());
    assert!(human.contains("image: {{ .Values.image }}"), "{human}");
    assert!(human.contains("image: nginx:latest"), "{human}");

    // With another value given on the command line, the value is not the one of
    // values.yaml: the finding stays at the action.
    let mut set = chart(&[]);
    let mut settings = ChartSettings::default();
    settings
        .defaults
        .values
        .set
        .push("image=redis:latest".to_owned());
    set.render_charts(&settings);
    let report = linter(&["KW301"]).lint(&set);
    let found: Vec<String> = report.reported().map(|d| at(&set, d)).collect();
    assert_eq!(
        found,
        [
            "charts/web/templates/deployment.yaml:15:18 {{ .Values.image }}",
            "charts/web/templates/deployment.yaml:17:18 busybox:latest",
        ]
    );
}

#[test]
fn the_chart_files_are_not_linted_as_manifests() {
    // values.yaml has no apiVersion, the templates are not YAML: neither is reported.
    let mut set = chart(&[(
        "charts/web/templates/configmap.yaml",
        "{{- if .Values.config }}\napiVersion: v1\nkind: ConfigMap\n{{- end }}\n",
    )]);
    set.render_charts(&ChartSettings::default());
    let report = linter(&["KW001", "KW003"]).lint(&set);
    assert_eq!(report.reported().count(), 0, "{:#?}", report.diagnostics);
}

#[test]
fn a_failing_template_is_reported_and_the_others_are_still_linted() {
    let mut set = chart(&[(
        "charts/web/templates/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: {{ required \"password is required\" .Values.password | b64enc }}\n",
    )]);
    set.render_charts(&ChartSettings::default());
    let report = linter(&["KW301", "KW006"]).lint(&set);
    let found: Vec<String> = report
        .reported()
        .map(|d| format!("{} {} {}", d.rule.id, at(&set, d), d.message))
        .collect();
    // The secret is left out, the deployment still rendered and linted.
    assert_eq!(
        found,
        [
            "KW301 charts/web/templates/deployment.yaml:17:18 busybox:latest container \"sidecar\" uses image \"busybox:latest\" with the moving tag :latest",
            "KW006 charts/web/templates/secret.yaml:6:13 {{ required \"password is required\" .Values.password | b64enc }} password is required",
            "KW301 charts/web/values.yaml:1:8 nginx:latest container \"web\" uses image \"nginx:latest\" with the moving tag :latest",
        ]
    );
}

#[test]
fn template_syntax_errors_and_bad_values_are_located() {
    let mut set = chart(&[("charts/web/templates/broken.yaml", "a: {{ .Values.x \n")]);
    set.render_charts(&ChartSettings::default());
    let report = linter(&["KW006"]).lint(&set);
    let found: Vec<String> = report
        .reported()
        .map(|d| format!("{} {}", at(&set, d), d.message))
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("charts/web/templates/broken.yaml:"),
        "{found:#?}"
    );
    assert!(found[0].contains("template parse error"), "{found:#?}");

    let mut set = chart(&[(
        "charts/web/values.schema.json",
        r#"{"type": "object", "properties": {"replicas": {"type": "string"}}}"#,
    )]);
    set.render_charts(&ChartSettings::default());
    let report = linter(&["KW006"]).lint(&set);
    let found: Vec<String> = report.reported().map(|d| at(&set, d)).collect();
    assert_eq!(found, ["charts/web/Chart.yaml:1:1 "]);
    assert!(
        report
            .reported()
            .next()
            .unwrap()
            .message
            .contains("replicas"),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn documents_are_split_where_helm_splits_them() {
    // `{{- ... -}}` after a `---` line joins the next document onto it: `---apiVersion: v1`,
    // which Helm still splits there.
    let mut set = chart(&[(
        "charts/web/templates/config.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\n{{- if true -}}\n\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  name: c\n{{- end }}\n",
    )]);
    set.render_charts(&ChartSettings::default());
    let report = linter(&["KW001", "KW002", "KW003"]).lint(&set);
    let found: Vec<String> = report
        .reported()
        .map(|d| format!("{} {}", at(&set, d), d.message))
        .collect();
    // The second document is read on its own: its duplicate key is reported in the template.
    assert_eq!(
        found,
        [
            "charts/web/templates/config.yaml:13:3 name duplicate key \"name\" (first written on line 12; the last value wins)"
        ]
    );
}

#[test]
fn suppression_comments_in_templates_apply() {
    let deployment = DEPLOYMENT.replace(
        "image: busybox:latest",
        "image: busybox:latest # kubeward:ignore KW301 -- a debug sidecar",
    );
    let mut set = SourceSet::new();
    for (path, text) in [
        ("Chart.yaml", CHART_YAML),
        ("values.yaml", VALUES),
        ("templates/deployment.yaml", deployment.as_str()),
        ("templates/_helpers.tpl", HELPERS),
    ] {
        set.add(SourceFile::new(path, text));
    }
    set.render_charts(&ChartSettings::default());
    let report = linter(&["KW301"]).lint(&set);
    let found: Vec<String> = report.reported().map(|d| at(&set, d)).collect();
    assert_eq!(found, ["values.yaml:1:8 nginx:latest"]);
    assert_eq!(report.summary().suppressed, 1);
}

fn shared_charts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/charts")
}

fn read_dir_into(set: &mut SourceSet, root: &Path, dir: &Path) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            read_dir_into(set, root, &path);
        } else {
            let display = path.strip_prefix(root).unwrap().display().to_string();
            set.add(SourceFile::from_bytes(
                display,
                &std::fs::read(&path).unwrap(),
            ));
        }
    }
}

#[test]
fn the_shared_charts_lint_with_findings_at_template_lines() {
    let root = shared_charts();
    let linter = Linter::new(Catalog::builtin().unwrap(), &Config::default()).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let mut set = SourceSet::new();
        read_dir_into(&mut set, &root, &root.join(&name));
        set.render_charts(&ChartSettings::default());
        let report = linter.lint(&set);
        let render_errors: Vec<&Diagnostic> = report
            .reported()
            .filter(|d| d.rule.name == "helm-render-error")
            .collect();
        // kube-prometheus-stack's shared copy lacks its subcharts: helm fails on it too.
        if name == "kube-prometheus-stack" {
            assert_eq!(render_errors.len(), 1, "{render_errors:#?}");
            assert!(render_errors[0].message.contains("missing in charts/"));
            continue;
        }
        assert!(render_errors.is_empty(), "{name}: {render_errors:#?}");
        // helm renders and installs these charts: their output reads as valid YAML and valid
        // objects, the way Helm splits it into documents.
        let invalid: Vec<String> = report
            .reported()
            .filter(|d| {
                matches!(
                    d.rule.name.as_str(),
                    "yaml-syntax-error"
                        | "yaml-duplicate-key"
                        | "invalid-object"
                        | "schema-violation"
                )
            })
            .map(|d| format!("{} {}", at(&set, d), d.message))
            .collect();
        assert!(invalid.is_empty(), "{name}: {invalid:#?}");
        let in_templates = report
            .reported()
            .filter(|d| {
                let file = set.get(d.primary.span.source).unwrap();
                file.role() == Role::Chart && file.path().contains("/templates/")
            })
            .count();
        assert!(
            in_templates > 0,
            "{name}: no finding at a template line:\n{}",
            report::compact(&report, &set)
        );
        for d in report.reported() {
            let file = set.get(d.primary.span.source).unwrap();
            assert_ne!(file.role(), Role::Rendered, "{name}: {d:#?}");
            assert!(d.primary.span.range.end as usize <= file.text().len());
        }
    }
}
