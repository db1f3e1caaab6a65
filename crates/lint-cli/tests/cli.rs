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
    assert_eq!(
        files_with_latest(dir.path(), &["vendor", "b/generated/**"]),
        ["a/pod.json", "a/pod.yaml", "a/pod.yml"]
    );
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
fn deep_directories_are_walked_as_shallow_ones() {
    // The walk runs on every thread near the top and on one thread further down: the same
    // layout gives the same files at either depth.
    let deep = "d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11";
    let dir = tempfile::tempdir().unwrap();
    for base in ["top", deep] {
        write(dir.path(), &format!("{base}/pod.yaml"), LATEST);
        write(dir.path(), &format!("{base}/.hidden/pod.yaml"), LATEST);
        write(dir.path(), &format!("{base}/vendor/pod.yaml"), LATEST);
        write(dir.path(), &format!("{base}/z/notes.txt"), LATEST);
        write(dir.path(), &format!("{base}/z/.pod.yaml"), LATEST);
        // A chart is found in a hidden directory of its own, not under a hidden one.
        for chart in ["web", ".web", ".charts/web"] {
            write(
                dir.path(),
                &format!("{base}/{chart}/Chart.yaml"),
                "apiVersion: v2\nname: web\nversion: 1.0.0\n",
            );
            write(
                dir.path(),
                &format!("{base}/{chart}/templates/pod.yaml"),
                LATEST,
            );
        }
    }
    let expected: Vec<String> = [deep, "top"]
        .iter()
        .flat_map(|base| {
            [
                format!("{base}/.web/templates/pod.yaml"),
                format!("{base}/pod.yaml"),
                format!("{base}/web/templates/pod.yaml"),
                format!("{base}/z/.pod.yaml"),
            ]
        })
        .collect();
    assert_eq!(files_with_latest(dir.path(), &["vendor"]), expected);
}

/// The files in which a lint of `dir` with `excludes` finds an image on :latest (KW301), in
/// report order, each once; the lint must write nothing to stderr.
fn files_with_latest(dir: &Path, excludes: &[&str]) -> Vec<String> {
    let mut args = vec!["lint", "--format", "compact", "--select", "KW301"];
    for exclude in excludes {
        args.extend(["--exclude", exclude]);
    }
    let output = kubeward(dir, &args);
    assert_eq!(stderr(&output), "");
    let mut files: Vec<String> = stdout(&output)
        .lines()
        .map(|line| line.split(':').next().unwrap().to_owned())
        .collect();
    files.dedup();
    files
}

#[test]
fn a_folder_without_manifests_is_warned_of_once_and_a_rule_error_comes_first() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docs/notes.txt", "no manifests here\n");
    let empty = kubeward(dir.path(), &["lint", "--no-config", "docs"]);
    assert_eq!(empty.status.code(), Some(0));
    assert_eq!(
        stderr(&empty)
            .matches("warning: no manifest files (.yaml, .yml, .json) found")
            .count(),
        1
    );
    // The rules are made ready while the files are read: a broken rule still ends the run
    // with its error alone, before anything is said of the files.
    write(
        dir.path(),
        "policies/broken.rego",
        "package kubeward.rules.custom.broken\n",
    );
    let broken = kubeward(
        dir.path(),
        &["lint", "--no-config", "--policy", "policies", "docs"],
    );
    assert_eq!(broken.status.code(), Some(2));
    let text = stderr(&broken);
    assert!(text.contains("broken.rego"), "{text}");
    assert!(!text.contains("no manifest files"), "{text}");
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

/// The SARIF log with what varies between machines and versions replaced, and the rule
/// catalogue cut to one descriptor (all of them are the generated rule docs).
fn sarif_for_snapshot(text: &str) -> String {
    let mut log: serde_json::Value = serde_json::from_str(text).unwrap();
    let run = &mut log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array_mut().unwrap();
    let count = rules.len();
    rules.retain(|rule| rule["id"] == "KW301");
    rules[0]["help"]["markdown"] = format!(
        "[{} bytes]",
        rules[0]["help"]["markdown"].as_str().unwrap().len()
    )
    .into();
    run["tool"]["driver"]["rules"] = serde_json::json!({"count": count, "KW301": rules[0].clone()});
    run["tool"]["driver"]["version"] = "[version]".into();
    run["tool"]["driver"]["semanticVersion"] = "[version]".into();
    run["originalUriBaseIds"]["SRCROOT"]["uri"] = "file:///[root]/".into();
    serde_json::to_string_pretty(&log).unwrap()
}

/// A GitHub workflow command parsed as the runner does: `::name k=v,k=v::data`, with the
/// escapes of actions/toolkit undone.
fn workflow_command(line: &str) -> (String, Vec<(String, String)>, String) {
    fn unescape(text: &str, property: bool) -> String {
        let mut text = text.replace("%0D", "\r").replace("%0A", "\n");
        if property {
            text = text.replace("%3A", ":").replace("%2C", ",");
        }
        text.replace("%25", "%")
    }
    let rest = line.strip_prefix("::").expect("starts with ::");
    let (head, data) = rest.split_once("::").expect("has a second ::");
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (key, value) = p.split_once('=').expect("key=value");
            (key.to_owned(), unescape(value, true))
        })
        .collect();
    (name.to_owned(), properties, unescape(data, false))
}

#[test]
fn bundled_examples_in_the_ci_formats() {
    let root = workspace();
    let json = kubeward(&root, &["lint", "examples", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let reported = json["diagnostics"].as_array().unwrap().len();
    assert!(reported > 10);

    let sarif = kubeward(&root, &["lint", "examples", "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "kubeward");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let listed = kubeward(&root, &["rules", "--format", "json"]);
    let listed: serde_json::Value = serde_json::from_str(&stdout(&listed)).unwrap();
    assert_eq!(rules.len(), listed.as_array().unwrap().len());
    // Opt-in rules are disabled by default; the others leave SARIF's default (enabled).
    for (rule, listed) in rules.iter().zip(listed.as_array().unwrap()) {
        let enabled = &rule["defaultConfiguration"]["enabled"];
        if listed["opt_in"] == true {
            assert_eq!(enabled, false, "{}", rule["id"]);
        } else {
            assert!(enabled.is_null(), "{}", rule["id"]);
        }
    }
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["opt_in"] == true)
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), reported);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let prints = &result["partialFingerprints"];
        assert_eq!(prints["kubeward/v1"], prints["primaryLocationLineHash"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "SRCROOT");
        assert!(
            location["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("examples/")
        );
    }
    // Fingerprints are unique within the run.
    let mut prints: Vec<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["kubeward/v1"].as_str().unwrap())
        .collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), results.len());
    snapshot("examples_sarif", &sarif_for_snapshot(&stdout(&sarif)));

    let github = kubeward(&root, &["lint", "examples", "--format", "github"]);
    assert_eq!(github.status.code(), Some(1));
    let text = stdout(&github);
    let commands: Vec<_> = text
        .lines()
        .filter(|l| l.starts_with("::"))
        .map(workflow_command)
        .collect();
    assert_eq!(commands.len(), reported);
    for ((name, properties, data), diagnostic) in
        commands.iter().zip(json["diagnostics"].as_array().unwrap())
    {
        let expected = match diagnostic["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(name, expected);
        let get = |key: &str| {
            properties
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("file"), diagnostic["file"].as_str());
        assert_eq!(
            get("line"),
            Some(diagnostic["start"]["line"].to_string().as_str())
        );
        assert_eq!(
            get("title").unwrap(),
            format!(
                "{} {}",
                diagnostic["rule"]["id"].as_str().unwrap(),
                diagnostic["rule"]["name"].as_str().unwrap()
            )
        );
        assert!(data.starts_with(diagnostic["message"].as_str().unwrap()));
    }
    snapshot("examples_github", &text);

    let junit = kubeward(&root, &["lint", "examples", "--format", "junit"]);
    assert_eq!(junit.status.code(), Some(1));
    let text = stdout(&junit);
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    // One suite per file read: the three manifests and the five files of the chart.
    assert_eq!(text.matches("<testsuite ").count(), 8);
    snapshot("examples_junit", &text);
    // Only warnings and errors fail by default; with --fail-on error, fewer test cases fail.
    let strict = kubeward(
        &root,
        &[
            "lint",
            "examples",
            "--format",
            "junit",
            "--fail-on",
            "error",
        ],
    );
    assert!(stdout(&strict).matches("<failure ").count() < text.matches("<failure ").count());

    let checkstyle = kubeward(&root, &["lint", "examples", "--format", "checkstyle"]);
    assert_eq!(checkstyle.status.code(), Some(1));
    let text = stdout(&checkstyle);
    assert_eq!(text.matches("<error ").count(), reported);
    snapshot("examples_checkstyle", &text);
}

#[test]
fn github_annotations_escape_properties_and_data() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let name = "odd, name: 100%.yaml";
    write(dir.path(), &format!("apps/{name}"), LATEST);
    let output = kubeward(
        &dir.path().join("apps"),
        &["lint", name, "--format", "github", "--select", "KW301"],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let line = text.lines().next().unwrap();
    assert!(line.starts_with("::warning file=apps/odd%2C name%3A 100%25.yaml,line=9,col=12,endLine=9,endColumn=24,title=KW301 image-latest-tag::"), "{line}");
    let (_, properties, data) = workflow_command(line);
    assert_eq!(properties[0], ("file".to_owned(), format!("apps/{name}")));
    assert_eq!(
        data.lines().next(),
        Some("container \"web\" uses image \"nginx:latest\" with the moving tag :latest")
    );
    assert!(!line.contains('\r') && text.lines().count() == 2, "{text}");
}

#[test]
fn output_files_beside_the_terminal_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", LATEST);
    let output = kubeward(
        dir.path(),
        &[
            "lint",
            "pod.yaml",
            "--select",
            "KW301",
            "--color",
            "never",
            "--output",
            "sarif=reports/kubeward.sarif",
            "--output",
            "junit=reports/junit.xml",
            "--output=checkstyle=checkstyle.xml",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("KW301/image-latest-tag"),
        "{}",
        stdout(&output)
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("reports/kubeward.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    let junit = std::fs::read_to_string(dir.path().join("reports/junit.xml")).unwrap();
    assert!(junit.contains("<failure "));
    let checkstyle = std::fs::read_to_string(dir.path().join("checkstyle.xml")).unwrap();
    assert!(checkstyle.contains("source=\"kubeward.KW301.image-latest-tag\""));

    for bad in ["sarif", "xml=out.xml", "sarif="] {
        let output = kubeward(dir.path(), &["lint", "pod.yaml", "--output", bad]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(stderr(&output).contains("--output"), "{}", stderr(&output));
    }
}

#[test]
fn sarif_records_suppressed_findings() {
    let dir = tempfile::tempdir().unwrap();
    let text = LATEST.replace(
        "image: nginx:latest",
        "image: nginx:latest # kubeward:ignore KW301 -- scratch pod",
    );
    write(dir.path(), "pod.yaml", &text);
    let output = kubeward(
        dir.path(),
        &["lint", "pod.yaml", "--select", "KW301", "--format", "sarif"],
    );
    assert_eq!(output.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "KW301");
    let suppression = &result["suppressions"][0];
    assert_eq!(suppression["kind"], "inSource");
    assert_eq!(suppression["status"], "accepted");
    assert_eq!(suppression["justification"], "scratch pod");
    assert_eq!(
        suppression["location"]["physicalLocation"]["region"]["startLine"],
        9
    );
    // JUnit skips the suppressed case, with the reason.
    let junit = kubeward(
        dir.path(),
        &["lint", "pod.yaml", "--select", "KW301", "--format", "junit"],
    );
    let text = stdout(&junit);
    assert!(
        text.contains("<skipped message=\"suppressed: scratch pod\"/>"),
        "{text}"
    );
    assert!(text.contains("skipped=\"1\""), "{text}");
    assert!(!text.contains("<failure"), "{text}");
}

const TWO_CONTAINERS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:latest\n  - name: sidecar\n    image: envoy:latest\n";

#[test]
fn baseline_reports_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "k8s/pod.yaml", TWO_CONTAINERS);
    let written = kubeward(
        dir.path(),
        &[
            "lint",
            "k8s",
            "--select",
            "KW301",
            "--write-baseline",
            "kubeward-baseline.json",
            "--format",
            "compact",
        ],
    );
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert!(stderr(&written).contains("recorded 2 findings in kubeward-baseline.json"));
    let baseline: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("kubeward-baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 2);
    assert_eq!(baseline["findings"][0]["file"], "k8s/pod.yaml");

    // Lines move (a document above, comments, fields reordered, containers swapped) and a
    // third container with a moving tag appears: only it is new.
    let moved = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\n# the web pod\napiVersion: v1\nkind: Pod\nmetadata:\n  labels: {app: web, tier: front}\n  name: web\nspec:\n  containers:\n  - name: cache\n    image: redis:latest\n  - image: envoy:latest\n    name: sidecar\n  - name: web\n\n    image: nginx:latest\n";
    write(dir.path(), "k8s/pod.yaml", moved);
    let output = kubeward(
        dir.path(),
        &[
            "lint",
            "k8s",
            "--select",
            "KW301",
            "--baseline",
            "kubeward-baseline.json",
            "--format",
            "compact",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "k8s/pod.yaml:15:12: warning [KW301/image-latest-tag] container \"cache\" uses image \"redis:latest\" with the moving tag :latest\n"
    );
    // The same from a subdirectory: paths are matched relative to the repository root.
    let nested = kubeward(
        &dir.path().join("k8s"),
        &[
            "lint",
            "pod.yaml",
            "--select",
            "KW301",
            "--baseline",
            "../kubeward-baseline.json",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&nested)).unwrap();
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(report["summary"]["baselined"], 2);
    // In SARIF the baselined findings are there, suppressed externally.
    let sarif = kubeward(
        dir.path(),
        &[
            "lint",
            "k8s",
            "--select",
            "KW301",
            "--baseline",
            "kubeward-baseline.json",
            "--format",
            "sarif",
        ],
    );
    let log: serde_json::Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    let kinds: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["suppressions"][0]["kind"]
                .as_str()
                .unwrap_or("none")
                .to_owned()
        })
        .collect();
    assert_eq!(kinds, ["none", "external", "external"]);
    // Fixing a baselined finding leaves its entry unused; the fix itself is not a finding.
    write(
        dir.path(),
        "k8s/pod.yaml",
        &moved.replace("envoy:latest", "envoy:1.31"),
    );
    let output = kubeward(
        dir.path(),
        &[
            "lint",
            "k8s",
            "--select",
            "KW301",
            "--baseline",
            "kubeward-baseline.json",
            "--format",
            "compact",
        ],
    );
    assert_eq!(stdout(&output).lines().count(), 1);

    let missing = kubeward(dir.path(), &["lint", "k8s", "--baseline", "nope.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read the baseline nope.json"));
}

const NETPOL: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  policyTypes: [Ingress, Egress]\n";

#[test]
fn context_reads_the_repository_but_reports_the_given_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "apps/pod.yaml", LATEST);
    write(dir.path(), "policies/netpol.yaml", NETPOL);
    write(
        dir.path(),
        "other/pod.yaml",
        &LATEST.replace("app: web", "app: other"),
    );
    let args = [
        "lint",
        "--select",
        "network-policy-missing",
        "--format",
        "compact",
    ];
    // Alone, the pod has no NetworkPolicy.
    let alone = kubeward(dir.path(), &[&args[..], &["apps/pod.yaml"]].concat());
    assert_eq!(alone.status.code(), Some(1));
    // With the repository as context it has one, and the unselected pod in other/ is not
    // reported: it was not given.
    let output = kubeward(
        dir.path(),
        &[&args[..], &["--context", "apps/pod.yaml"]].concat(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
    // The summary counts the reported file, not the context.
    let json = kubeward(
        dir.path(),
        &[
            "lint",
            "--context",
            "--select",
            "network-policy-missing",
            "--format",
            "json",
            "apps/pod.yaml",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["objects"], 1);
    let output = kubeward(
        dir.path(),
        &[&args[..], &["--context", "other/pod.yaml"]].concat(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("other/pod.yaml:"),
        "{}",
        stdout(&output)
    );
    // From a subdirectory, the root is still found; an explicit directory narrows the context.
    let nested = kubeward(
        &dir.path().join("apps"),
        &[&args[..], &["--context", "pod.yaml"]].concat(),
    );
    assert_eq!(nested.status.code(), Some(0), "{}", stdout(&nested));
    let narrow = kubeward(
        dir.path(),
        &[&args[..], &["--context=other", "apps/pod.yaml"]].concat(),
    );
    assert_eq!(narrow.status.code(), Some(1));
    let bad = kubeward(
        dir.path(),
        &[&args[..], &["--context=nowhere", "apps/pod.yaml"]].concat(),
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn chart_files_map_to_their_charts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "charts/web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    );
    write(dir.path(), "charts/web/values.yaml", "replicas: 1\n");
    write(dir.path(), "charts/web/templates/pod.yaml", LATEST);
    write(
        dir.path(),
        "charts/web/charts/db/Chart.yaml",
        "apiVersion: v2\nname: db\nversion: 1.0.0\n",
    );
    write(
        dir.path(),
        "charts/web/charts/db/templates/pod.yaml",
        LATEST,
    );
    write(dir.path(), "k8s/pod.yaml", LATEST);
    // The pre-commit hooks' two modes: manifests skip chart files, charts skip manifests.
    let manifests = kubeward(
        dir.path(),
        &[
            "lint",
            "--context",
            "--select",
            "KW301",
            "--format",
            "compact",
            "k8s/pod.yaml",
            "charts/web/templates/pod.yaml",
        ],
    );
    assert_eq!(stdout(&manifests).lines().count(), 1);
    assert!(stdout(&manifests).starts_with("k8s/pod.yaml:"));
    assert!(
        stderr(&manifests).contains("skipped here: charts/web"),
        "{}",
        stderr(&manifests)
    );
    // A chart directory given as such is its own chart.
    let direct = kubeward(
        dir.path(),
        &[
            "lint",
            "--charts-of",
            "--select",
            "KW301",
            "--format",
            "compact",
            "charts/web",
        ],
    );
    assert_eq!(direct.status.code(), Some(1));
    assert!(
        stdout(&direct).starts_with("charts/web/"),
        "{}",
        stdout(&direct)
    );
    let outside = kubeward(
        dir.path(),
        &["lint", "--charts-of", "k8s/pod.yaml", "README.md"],
    );
    assert_eq!(outside.status.code(), Some(0));
    assert!(stderr(&outside).contains("none of the files belongs to a Helm chart"));
    // A subchart's file and the parent's values both select the parent chart, linted once.
    let charts = kubeward(
        dir.path(),
        &[
            "lint",
            "--charts-of",
            "--select",
            "KW301",
            "--format",
            "json",
            "charts/web/values.yaml",
            "charts/web/charts/db/templates/pod.yaml",
            "k8s/pod.yaml",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&charts)).unwrap();
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        !files.is_empty() && files.iter().all(|f| f.starts_with("charts/web/")),
        "{files:?}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=kubeward",
            "-c",
            "user.email=kubeward@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn changed_since_lints_the_changed_files_with_the_rest_as_context() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "apps/web.yaml", LATEST);
    write(
        root,
        "apps/api.yaml",
        &LATEST.replace("name: web", "name: api"),
    );
    write(root, "policies/netpol.yaml", NETPOL);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(
        root,
        "apps/api.yaml",
        &LATEST
            .replace("name: web", "name: api")
            .replace("nginx", "httpd"),
    );
    git(root, &["commit", "-q", "-am", "api"]);
    write(
        root,
        "apps/new.yaml",
        &LATEST.replace("name: web", "name: new"),
    );
    write(root, "notes.txt", "not a manifest\n");
    let output = kubeward(
        root,
        &[
            "lint",
            "--changed-since",
            "main",
            "--select",
            "KW301,network-policy-missing",
            "--format",
            "compact",
        ],
    );
    let text = stdout(&output);
    let files: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap()).collect();
    // The committed change and the untracked file; the NetworkPolicy in context covers both.
    assert_eq!(
        files,
        ["apps/api.yaml", "apps/new.yaml"],
        "{text}{}",
        stderr(&output)
    );
    assert!(!text.contains("network-policy-missing"));
    let nothing = kubeward(root, &["lint", "--changed-since", "HEAD", "policies"]);
    assert_eq!(nothing.status.code(), Some(0));
    assert!(stderr(&nothing).contains("no manifest or chart changed since HEAD"));
    let bad = kubeward(root, &["lint", "--changed-since", "no-such-branch"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// The root package builds crates/lint-cli's `main.rs` for pre-commit's `cargo install
/// --path .`; it needs the same dependencies.
#[test]
fn root_package_has_the_dependencies_of_lint_cli() {
    fn dependencies(path: &Path, header: &str) -> Vec<String> {
        let text = std::fs::read_to_string(path).unwrap();
        let section = text
            .split(&format!("\n{header}\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("{} has no {header}", path.display()));
        let mut lines: Vec<String> = section
            .lines()
            .take_while(|l| !l.starts_with('['))
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        lines.sort();
        lines
    }
    let root = workspace();
    for header in [
        "[dependencies]",
        "[target.'cfg(target_os = \"linux\")'.dependencies]",
    ] {
        assert_eq!(
            dependencies(&root.join("Cargo.toml"), header),
            dependencies(&root.join("crates/lint-cli/Cargo.toml"), header),
            "{header}"
        );
    }
}

/// The GitHub Action's lint step, run as the runner would: inputs as variables, the
/// `kubeward` binary on PATH, outputs to the GITHUB_OUTPUT file.
fn action_lint(dir: &Path, inputs: &[(&str, &str)]) -> (Output, String) {
    let binary = Path::new(env!("CARGO_BIN_EXE_kubeward"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let outputs = dir.join("github-output");
    std::fs::write(&outputs, "").unwrap();
    let mut command = Command::new("bash");
    command
        .arg(workspace().join("scripts/action-lint"))
        .current_dir(dir)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &outputs);
    for (key, value) in inputs {
        command.env(format!("KUBEWARD_{key}"), value);
    }
    let output = command.output().unwrap();
    (output, std::fs::read_to_string(outputs).unwrap())
}

#[test]
fn github_action_lints_annotates_and_writes_sarif() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "k8s/pod.yaml", LATEST);
    write(dir.path(), "k8s/settings.yaml", CLEAN);
    let (output, outputs) = action_lint(
        dir.path(),
        &[
            ("PATHS", "k8s/pod.yaml\nk8s/settings.yaml"),
            ("SARIF_FILE", "out/kubeward.sarif"),
            ("ARGS", "--select KW301"),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("::warning file=k8s/pod.yaml,line=9,"),
        "{}",
        stdout(&output)
    );
    assert_eq!(outputs, "exit-code=1\nsarif-file=out/kubeward.sarif\n");
    let log: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/kubeward.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "KW301");

    let (output, outputs) = action_lint(
        dir.path(),
        &[
            ("PATHS", "k8s"),
            ("FAIL_ON", "never"),
            ("SARIF_FILE", ""),
            ("FORMAT", "compact"),
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("k8s/pod.yaml:9:12: warning [KW301/image-latest-tag]"));
    assert_eq!(outputs, "exit-code=1\nsarif-file=\n");
    let (output, _) = action_lint(
        dir.path(),
        &[("PATHS", "missing.yaml"), ("FAIL_ON", "never")],
    );
    assert_eq!(output.status.code(), Some(2));
}

/// action.yml declares every input its steps use and passes the ones the script reads.
#[test]
fn github_action_definition_matches_its_script() {
    let root = workspace();
    let text = std::fs::read_to_string(root.join("action.yml")).unwrap();
    let parsed = lint_core::yaml::parse(&text);
    assert!(parsed.errors.is_empty());
    let action = parsed.documents[0].root.as_ref().unwrap().to_json();
    let declared: Vec<&String> = action["inputs"].as_object().unwrap().keys().collect();
    for used in text.split("inputs.").skip(1) {
        let name: String = used
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(
            declared.iter().any(|d| **d == name),
            "input `{name}` is not declared"
        );
    }
    let script = std::fs::read_to_string(root.join("scripts/action-lint")).unwrap();
    let env = &action["runs"]["steps"][1]["env"];
    for variable in script.split("KUBEWARD_").skip(1) {
        let name: String = variable
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || *c == '_')
            .collect();
        if name.is_empty() {
            continue; // the `KUBEWARD_*` of a comment
        }
        assert!(
            env.get(format!("KUBEWARD_{name}")).is_some(),
            "KUBEWARD_{name} is not set by action.yml"
        );
    }
    for input in declared {
        let description = action["inputs"][input]["description"]
            .as_str()
            .unwrap_or("");
        assert!(
            !description.is_empty(),
            "input `{input}` has no description"
        );
    }
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

/// The compiled rules are kept in the cache directory after a run and used by the next one,
/// which reports the same; a damaged file is ignored, and `--no-cache` neither reads nor
/// writes.
#[test]
fn compiled_rules_are_cached_between_runs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", LATEST);
    let cache = dir.path().join("cache");
    let run = |extra: &[&str]| {
        let mut args = vec!["lint", "--no-config", "--format", "json", "pod.yaml"];
        args.extend_from_slice(extra);
        let output = Command::new(env!("CARGO_BIN_EXE_kubeward"))
            .args(&args)
            .current_dir(dir.path())
            .env("KUBEWARD_CACHE_DIR", &cache)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stdout(&output)
    };
    let cached_files = || -> Vec<PathBuf> {
        std::fs::read_dir(&cache)
            .map(|entries| entries.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default()
    };

    let uncached = run(&["--no-cache"]);
    assert!(uncached.contains("image-latest-tag"));
    assert!(
        cached_files().is_empty(),
        "--no-cache wrote {:?}",
        cached_files()
    );

    assert_eq!(run(&[]), uncached);
    let files = cached_files();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("rules-") && name.ends_with(".bin"),
        "{name}"
    );
    let written = std::fs::read(&files[0]).unwrap();
    assert!(written.len() > 10_000);

    // The second run reads it (and leaves it as it is).
    assert_eq!(run(&[]), uncached);
    assert_eq!(std::fs::read(&files[0]).unwrap(), written);

    // A damaged file is not used, and is replaced.
    std::fs::write(&files[0], &written[..written.len() / 2]).unwrap();
    assert_eq!(run(&[]), uncached);
    assert_eq!(std::fs::read(&files[0]).unwrap(), written);
}
