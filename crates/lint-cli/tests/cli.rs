//! The `kubeward` binary as users run it: exit codes, formats, standard input, configuration
//! discovery and errors, suppressions, user rules, file walking.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn kubeward(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("COLUMNS", "100")
        .output()
        .unwrap()
}

fn with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn snapshot(name: &str, value: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(workspace().join("snapshots/cli"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, value));
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const CLEAN: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n";
const LATEST: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:latest\n";

#[test]
fn bundled_examples_in_every_format() {
    let root = workspace();
    let human = kubeward(&root, &["lint", "examples", "--color", "never"]);
    assert_eq!(human.status.code(), Some(1));
    snapshot("examples_human", &stdout(&human));

    let compact = kubeward(&root, &["lint", "examples", "--format", "compact"]);
    assert_eq!(compact.status.code(), Some(1));
    snapshot("examples_compact", &stdout(&compact));

    let json = kubeward(&root, &["lint", "examples", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let text = stdout(&json);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], 1);
    // The JSON summary counts what the compact format lists.
    let compact_errors = stdout(&compact).matches(": error [").count();
    assert!(compact_errors > 0);
    assert_eq!(value["summary"]["errors"], compact_errors);
    let first = &value["diagnostics"][0];
    for key in [
        "rule", "severity", "message", "file", "start", "end", "object", "help", "url", "related",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    snapshot(
        "examples_json",
        &text.replace(env!("CARGO_PKG_VERSION"), "[version]"),
    );
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean.yaml", CLEAN);
    write(dir.path(), "pod.yaml", LATEST);
    assert_eq!(
        kubeward(dir.path(), &["lint", "clean.yaml", "--select", "KW301"])
            .status
            .code(),
        Some(0)
    );
    // Findings are warnings: exit 1 by default, 0 when only errors fail the run.
    assert_eq!(
        kubeward(dir.path(), &["lint", "pod.yaml", "--select", "KW301"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        kubeward(
            dir.path(),
            &[
                "lint",
                "pod.yaml",
                "--select",
                "KW301",
                "--fail-on",
                "error"
            ]
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        kubeward(
            dir.path(),
            &["lint", "pod.yaml", "--select", "KW301", "--fail-on", "info"]
        )
        .status
        .code(),
        Some(1)
    );
    // A YAML error in one document is a finding, not a crash.
    write(dir.path(), "broken.yaml", "a: [1\n---\n");
    let output = kubeward(dir.path(), &["lint", "broken.yaml", "--format", "compact"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "broken.yaml:1:4: error [KW001/yaml-syntax-error] unclosed bracket '['\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = kubeward(dir.path(), &["lint", "nope.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nope.yaml: no such file or directory"));

    let unknown = kubeward(dir.path(), &["lint", "--select", "KW9999"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("`KW9999` in --select is not a rule"),
        "{}",
        stderr(&unknown)
    );

    let flag = kubeward(dir.path(), &["lint", "--format", "xml"]);
    assert_eq!(flag.status.code(), Some(2));
}

#[test]
fn configuration_is_discovered_upward_and_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".kubeward.yaml",
        "ignore: [image-latest-tag]\nfail-on: warning\n",
    );
    write(dir.path(), "apps/web/pod.yaml", LATEST);
    let nested = dir.path().join("apps/web");
    let output = kubeward(&nested, &["lint", "pod.yaml", "--select", "images"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    // --no-config brings the finding back.
    let output = kubeward(
        &nested,
        &["lint", "pod.yaml", "--select", "images", "--no-config"],
    );
    assert_eq!(output.status.code(), Some(1));

    write(
        dir.path(),
        ".kubeward.yaml",
        "ignore: [image-latest-tag]\nfail-on: fatal\n",
    );
    let output = kubeward(&nested, &["lint", "pod.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains(".kubeward.yaml:2:10: unknown variant `fatal`"),
        "{err}"
    );
    snapshot(
        "config_error",
        &err.replace(&dir.path().display().to_string(), "[dir]"),
    );
}

#[test]
fn standard_input_with_a_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = with_stdin(
        dir.path(),
        &[
            "lint",
            "-",
            "--stdin-filename",
            "k8s/pod.yaml",
            "--format",
            "compact",
            "--select",
            "KW301",
        ],
        LATEST,
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "k8s/pod.yaml:9:12: warning [KW301/image-latest-tag] container \"web\" uses image \"nginx:latest\" with the moving tag :latest\n"
    );
}

#[test]
fn directories_are_walked_with_excludes_and_hidden_directories_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/pod.yaml", LATEST);
    write(dir.path(), "a/pod.yml", LATEST);
    write(
        dir.path(),
        "a/pod.json",
        r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j", "labels": {"app": "j"}}, "spec": {"containers": [{"name": "j", "image": "nginx"}]}}"#,
    );
    write(dir.path(), "a/notes.txt", LATEST);
    write(dir.path(), ".git/pod.yaml", LATEST);
    write(dir.path(), "vendor/pod.yaml", LATEST);
    write(dir.path(), "b/generated/pod.yaml", LATEST);
    let output = kubeward(
        dir.path(),
        &[
            "lint",
            "--format",
            "compact",
            "--select",
            "KW301",
            "--exclude",
            "vendor",
            "--exclude",
            "b/generated/**",
        ],
    );
    let text = stdout(&output);
    let files: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(files, ["a/pod.json", "a/pod.yaml", "a/pod.yml"]);
    // An explicit file is linted whatever its extension.
    let output = kubeward(
        dir.path(),
        &[
            "lint",
            "a/notes.txt",
            "--format",
            "compact",
            "--select",
            "KW301",
        ],
    );
    assert_eq!(stdout(&output).lines().count(), 1);
}

#[test]
fn suppressions_and_unused_ones() {
    let dir = tempfile::tempdir().unwrap();
    let text = LATEST.replace(
        "image: nginx:latest",
        "image: nginx:latest # kubeward:ignore KW301 -- scratch pod",
    );
    write(
        dir.path(),
        "pod.yaml",
        &format!("{text}---\n# kubeward:ignore rbac-wildcard\n{CLEAN}"),
    );
    let output = kubeward(
        dir.path(),
        &[
            "lint",
            "pod.yaml",
            "--format",
            "compact",
            "--select",
            "KW301,KW101",
        ],
    );
    assert_eq!(
        stdout(&output),
        "pod.yaml:11:1: warning [KW004/unused-suppression] no KW101 (rbac-wildcard) finding here to suppress\n"
    );
}

#[test]
fn user_policies_from_the_command_line_and_the_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "policies/acme/team_label_missing.rego",
        "# METADATA\n# title: Objects carry a team label\n# description: Ownership.\n# custom:\n#   id: ACME100\n#   name: team-label-missing\n#   severity: error\n#   kinds: [\"*\"]\n#   remediation: Add a team label.\npackage kubeward.rules.acme.team_label_missing\n\nimport rego.v1\n\ndeny contains {\"msg\": sprintf(\"%s has no team label\", [input.kind]), \"path\": [\"metadata\"]} if {\n\tnot input.metadata.labels.team\n}\n",
    );
    write(
        dir.path(),
        "policies/acme/team_label_missing_test.rego",
        "this is not even rego",
    );
    write(dir.path(), "cm.yaml", CLEAN);
    let output = kubeward(
        dir.path(),
        &[
            "lint", "cm.yaml", "--policy", "policies", "--format", "compact",
        ],
    );
    assert_eq!(
        stdout(&output),
        "cm.yaml:3:1: error [ACME100/team-label-missing] ConfigMap has no team label\n"
    );
    write(
        dir.path(),
        ".kubeward.yaml",
        "policies: [policies]\nselect: [acme]\n",
    );
    let output = kubeward(dir.path(), &["lint", "cm.yaml", "--format", "compact"]);
    assert_eq!(output.status.code(), Some(1));
    let rules = kubeward(
        dir.path(),
        &["rules", "--policy", "policies", "--format", "json"],
    );
    let list: serde_json::Value = serde_json::from_str(&stdout(&rules)).unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "ACME100" && r["builtin"] == false)
    );

    write(
        dir.path(),
        "broken/acme/oops.rego",
        "# METADATA\n# title: x\npackage kubeward.rules.acme.oops\n",
    );
    let output = kubeward(
        dir.path(),
        &["lint", "cm.yaml", "--policy", "broken", "--no-config"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("broken/acme/oops.rego:2:3: invalid METADATA: missing field `description`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn rules_and_explain() {
    let root = workspace();
    let table = kubeward(&root, &["rules"]);
    assert_eq!(table.status.code(), Some(0));
    let text = stdout(&table);
    assert!(text.starts_with("ID "), "{text}");
    assert!(text.contains("KW301  image-latest-tag"), "{text}");
    let explain = kubeward(&root, &["explain", "image-latest-tag"]);
    assert!(
        stdout(&explain)
            .starts_with("# KW301 image-latest-tag: Image uses the latest tag or no tag")
    );
    let by_id = kubeward(&root, &["explain", "kw301"]);
    assert_eq!(stdout(&by_id), stdout(&explain));
    let unknown = kubeward(&root, &["explain", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
}

const CHART_DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  namespace: {{ .Release.Namespace }}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
"#;

fn write_chart(dir: &Path) {
    write(
        dir,
        "deploy/web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    );
    write(
        dir,
        "deploy/web/values.yaml",
        "image:\n  repository: nginx\n  tag: latest\n",
    );
    write(
        dir,
        "deploy/web/templates/deployment.yaml",
        CHART_DEPLOYMENT,
    );
    write(
        dir,
        "deploy/web/templates/NOTES.txt",
        "{{ .Release.Name }} is installed.\n",
    );
    write(dir, "deploy/web/ci/prod.yaml", "image:\n  tag: \"1.27\"\n");
}

#[test]
fn charts_are_rendered_and_findings_reported_at_template_lines() {
    let dir = tempfile::tempdir().unwrap();
    write_chart(dir.path());
    let output = kubeward(
        dir.path(),
        &["lint", "deploy", "--select", "KW301", "--format", "compact"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "deploy/web/templates/deployment.yaml:15:18: warning [KW301/image-latest-tag] container \"web\" uses image \"nginx:latest\" with the moving tag :latest\n"
    );
    // A file of the chart (as pre-commit passes changed files) stands for the chart.
    let file = kubeward(
        dir.path(),
        &[
            "lint",
            "deploy/web/templates/deployment.yaml",
            "--select",
            "KW301",
            "--format",
            "compact",
        ],
    );
    assert_eq!(stdout(&file), stdout(&output));
    let human = kubeward(
        dir.path(),
        &["lint", "deploy", "--select", "KW301", "--color", "never"],
    );
    snapshot("chart_human", &stdout(&human));

    // Values per chart in the configuration: the production tag is pinned.
    write(
        dir.path(),
        ".kubeward.yaml",
        "charts:\n  deploy/web:\n    release-name: shop\n    values: [deploy/web/ci/prod.yaml]\n",
    );
    let output = kubeward(dir.path(), &["lint", "deploy", "--select", "KW301"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    // A values file that cannot be read is a configuration error at its entry.
    write(
        dir.path(),
        ".kubeward.yaml",
        "charts:\n  deploy/web:\n    values: [missing.yaml]\n",
    );
    let output = kubeward(dir.path(), &["lint", "deploy"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(".kubeward.yaml:3:14: cannot read values file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_chart_that_fails_to_render_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    write_chart(dir.path());
    write(
        dir.path(),
        "deploy/web/templates/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: {{ required \"set password\" .Values.password }}\n",
    );
    let output = kubeward(
        dir.path(),
        &[
            "lint",
            "deploy",
            "--select",
            "KW006,KW301",
            "--format",
            "compact",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "deploy/web/templates/deployment.yaml:15:18: warning [KW301/image-latest-tag] container \"web\" uses image \"nginx:latest\" with the moving tag :latest\n\
         deploy/web/templates/secret.yaml:6:13: error [KW006/helm-render-error] set password\n"
    );
}

#[test]
fn schema_catalogues_from_the_command_line_and_the_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "catalogue/example.com/widget_v1.json",
        r#"{"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}"#,
    );
    write(
        dir.path(),
        "widget.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: big\n  colour: red\n",
    );
    let args = [
        "lint",
        "widget.yaml",
        "--select",
        "KW007",
        "--format",
        "compact",
    ];
    let output = kubeward(dir.path(), &[&args[..], &["--no-config"]].concat());
    assert_eq!(
        stdout(&output),
        "widget.yaml:2:7: info [KW008/schema-not-found] no schema for Widget (example.com/v1), so it is not validated\n"
    );
    let expected = "widget.yaml:6:9: error [KW007/schema-violation] Widget \"w\": `spec.size` must be an integer, not a string\nwidget.yaml:7:3: error [KW007/schema-violation] Widget \"w\" has an unknown field `spec.colour`\n";
    let output = kubeward(
        dir.path(),
        &[&args[..], &["--no-config", "--schema-dir", "catalogue"]].concat(),
    );
    assert_eq!(stdout(&output), expected);
    write(dir.path(), ".kubeward.yaml", "schema-dirs: [catalogue]\n");
    let output = kubeward(dir.path(), &args);
    assert_eq!(stdout(&output), expected);

    write(dir.path(), "flat/widget_v1.json", "{}");
    let output = kubeward(
        dir.path(),
        &[&args[..], &["--no-config", "--schema-dir", "flat"]].concat(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "widget_v1.json: a catalogue schema must be at {group}/{kind}_{version}.json"
        ),
        "{}",
        stderr(&output)
    );
    let output = kubeward(
        dir.path(),
        &[&args[..], &["--no-config", "--schema-dir", "missing"]].concat(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("schema directory missing does not exist"));
}
