//! `kubeward template` as users run it: the helm conformance cases through the real binary,
//! byte for byte against helm's output; helm's flags on a small chart (expected outputs and
//! messages as helm v4.1.4 prints them); chart directories (hidden files, `.helmignore`,
//! symbolic links) and archives; exit codes and messages for usage and input errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// helm-render's rule for cases whose charts call random functions.
#[path = "../../helm-render/tests/conformance/random.rs"]
mod random;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn kubeward(dir: &Path, args: &[&str]) -> Output {
    kubeward_with_stdin(dir, args, "")
}

fn kubeward_with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
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

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    chart: String,
    #[serde(default)]
    release: Option<String>,
    #[serde(default)]
    args: Vec<String>,
}

#[derive(serde::Deserialize)]
struct Pending {
    case: String,
}

fn yaml_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    let parsed = kube_yaml::parse(text);
    parsed
        .documents
        .first()
        .and_then(|d| d.root.as_ref())
        .map(|root| kube_yaml::from_node(root).unwrap())
        .unwrap_or_default()
}

/// Every case of `shared/conformance/helm/cases.yaml` that helm-render passes (the cases in
/// helm-render's `conformance-pending.yaml` are skipped), run as `kubeward template` from
/// shared/ as the cases were run with helm: stdout must be helm's byte for byte (for the
/// cases of helm-render's `conformance-random.yaml`, up to the random values, by the same
/// rule as helm-render's conformance test); where helm failed, kubeward must fail with exit
/// code 1 and an `Error:` message.
#[test]
fn conformance_cases_through_the_binary() {
    let root = shared().join("conformance/helm");
    let cases: Vec<Case> = yaml_list(&std::fs::read_to_string(root.join("cases.yaml")).unwrap());
    let pending: Vec<Pending> = yaml_list(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../helm-render/tests/cases/conformance-pending.yaml"),
        )
        .unwrap(),
    );
    let random_cases: Vec<random::RandomCase> = yaml_list(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../helm-render/tests/cases/conformance-random.yaml"),
        )
        .unwrap(),
    );
    let mut failures = Vec::new();
    let (mut rendered, mut failed, mut worded_as_helm, mut skipped) = (0, 0, 0, 0);
    let mut up_to_random = 0;
    for case in &cases {
        if pending.iter().any(|p| p.case == case.name) {
            skipped += 1;
            continue;
        }
        let mut args = vec!["template"];
        args.extend(case.release.as_deref());
        args.push(&case.chart);
        args.extend(case.args.iter().map(String::as_str));
        let output = kubeward(&shared(), &args);
        let golden = root.join("golden").join(&case.name);
        if let Ok(expected) = std::fs::read_to_string(golden.with_extension("err")) {
            let message = stderr(&output);
            if output.status.code() == Some(1)
                && message.starts_with("Error: ")
                && message.len() > "Error: \n".len()
            {
                failed += 1;
                worded_as_helm += usize::from(message == expected);
            } else {
                failures.push(format!(
                    "{}: helm fails, kubeward exits {:?} with {message:?}",
                    case.name,
                    output.status.code()
                ));
            }
            continue;
        }
        let expected = std::fs::read(golden.with_extension("out")).unwrap();
        if let Some(spec) = random_cases.iter().find(|r| r.case == case.name) {
            let helm = String::from_utf8(expected).unwrap();
            match random::compare(spec, &stdout(&output), &helm) {
                Ok(_) if output.status.success() && output.stderr.is_empty() => {
                    rendered += 1;
                    up_to_random += 1;
                }
                verdict => failures.push(format!(
                    "{}: exit {:?}, {verdict:?}; stderr {:?}",
                    case.name,
                    output.status.code(),
                    stderr(&output)
                )),
            }
            continue;
        }
        if output.status.success() && output.stdout == expected && output.stderr.is_empty() {
            rendered += 1;
        } else {
            let got = stdout(&output);
            let expected = String::from_utf8(expected).unwrap();
            let line = got
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .map_or_else(
                    || "lengths differ".to_owned(),
                    |i| format!("line {}", i + 1),
                );
            failures.push(format!(
                "{}: exit {:?}, output differs from helm's at {line}; stderr {:?}",
                case.name,
                output.status.code(),
                stderr(&output)
            ));
        }
    }
    println!(
        "kubeward template: {rendered} cases identical with helm ({up_to_random} up to random \
         values), {failed} failing as helm fails ({worded_as_helm} with helm's exact message), \
         {skipped} pending cases skipped, of {}",
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(rendered + failed > 0, "no conformance case ran");
}

/// Packaged charts render as their directories do (helm prints the same for both).
#[test]
fn packaged_charts() {
    let golden = shared().join("conformance/helm/golden");
    for (archive, case) in [
        ("conformance/helm/testcharts/test1-0.1.0.tgz", "test1"),
        ("conformance/helm/testcharts/reqtest-0.1.0.tgz", "reqtest"),
    ] {
        let output = kubeward(&shared(), &["template", archive]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let expected = std::fs::read_to_string(golden.join(format!("{case}.out"))).unwrap();
        assert_eq!(stdout(&output), expected, "{archive}");
    }
}

/// A chart whose templates show what the flags change. Its `.helmignore` drops a template
/// and a directory.
fn shop_chart(dir: &Path) {
    write(
        dir,
        "shop/Chart.yaml",
        "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
    );
    let keys = [
        "fromChart",
        "file1",
        "file2",
        "stdin",
        "set",
        "string",
        "json",
        "setFile",
        "literal",
    ];
    let values: String = keys.iter().map(|k| format!("{k}: chart\n")).collect();
    write(dir, "shop/values.yaml", &values);
    write(
        dir,
        "shop/.helmignore",
        "ignored/\ntemplates/ignored.yaml\n",
    );
    let data: String = keys
        .iter()
        .map(|k| format!("  {k}: \"{{{{ .Values.{k} }}}}\"\n"))
        .collect();
    write(
        dir,
        "shop/templates/values.yaml",
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ .Release.Name }}}}-values\n  \
             namespace: {{{{ .Release.Namespace }}}}\ndata:\n{data}  \
             upgrade: \"{{{{ .Release.IsUpgrade }}}}\"\n  \
             kube: \"{{{{ .Capabilities.KubeVersion.Version }}}}\"\n  \
             x: \"{{{{ .Capabilities.APIVersions.Has \"x.example.com/v1\" }}}}\"\n  \
             z: \"{{{{ .Capabilities.APIVersions.Has \"z.example.com/v1\" }}}}\"\n"
        ),
    );
    write(
        dir,
        "shop/templates/files.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: files\ndata:\n  \
         hidden: \"{{ .Files.Get \"files/.hidden\" }}\"\n  \
         linked: \"{{ .Files.Get \"files/linkdir/x.txt\" }}\"\n",
    );
    write(
        dir,
        "shop/templates/ignored.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ignored\n",
    );
    write(
        dir,
        "shop/templates/hook.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hook\n  annotations:\n    \
         \"helm.sh/hook\": pre-install\n",
    );
    write(
        dir,
        "shop/templates/tests/test.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: test\n  annotations:\n    \
         \"helm.sh/hook\": test\n",
    );
    write(
        dir,
        "shop/crds/crd.yaml",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  \
         name: carts.shop.example.com\n",
    );
    write(dir, "shop/files/.hidden", "hidden");
    write(dir, "shop/realdir/x.txt", "through a link");
    write(
        dir,
        "shop/realdir/linked.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: linked\n",
    );
}

/// Every value source at once, and the release flags, as helm v4.1.4 renders them.
#[test]
fn values_and_release_flags() {
    let dir = tempfile::tempdir().unwrap();
    shop_chart(dir.path());
    write(dir.path(), "v1.yaml", "file1: one\n");
    write(dir.path(), "v2.yaml", "file2: two\n");
    write(dir.path(), "content.txt", "from a file");
    let output = kubeward_with_stdin(
        dir.path(),
        &[
            "template",
            "web",
            "shop",
            "-f",
            "v1.yaml,v2.yaml",
            "-f",
            "-",
            "--set",
            "set=s",
            "--set-string",
            "string=1",
            "--set-json",
            r#"json={"a":1}"#,
            "--set-file",
            "setFile=content.txt",
            "--set-literal",
            "literal=a,b=c",
            "-n",
            "shop",
            "--kube-version",
            "1.29",
            "-a",
            "x.example.com/v1,y.example.com/v1",
            "--api-versions",
            "z.example.com/v1",
            "--is-upgrade",
            "-s",
            "templates/values.yaml",
        ],
        "stdin: piped\n",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        r#"---
# Source: shop/templates/values.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-values
  namespace: shop
data:
  fromChart: "chart"
  file1: "one"
  file2: "two"
  stdin: "piped"
  set: "s"
  string: "1"
  json: "map[a:1]"
  setFile: "from a file"
  literal: "a,b=c"
  upgrade: "true"
  kube: "v1.29"
  x: "true"
  z: "true"
"#
    );
}

const DEFAULT_VALUES: &str = r#"---
# Source: shop/templates/values.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: release-name-values
  namespace: default
data:
  fromChart: "chart"
  file1: "chart"
  file2: "chart"
  stdin: "chart"
  set: "chart"
  string: "chart"
  json: "chart"
  setFile: "chart"
  literal: "chart"
  upgrade: "false"
  kube: "v1.35.0"
  x: "false"
  z: "false"
"#;

const FILES: &str = r#"---
# Source: shop/templates/files.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: files
data:
  hidden: "hidden"
  linked: ""
"#;

const HOOK: &str = r#"---
# Source: shop/templates/hook.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: hook
  annotations:
    "helm.sh/hook": pre-install
"#;

const TEST_HOOK: &str = r#"---
# Source: shop/templates/tests/test.yaml
apiVersion: v1
kind: Pod
metadata:
  name: test
  annotations:
    "helm.sh/hook": test
"#;

/// What is printed: CRDs, hooks, tests, chosen templates. The hidden file is read and the
/// ignored template is not.
#[test]
fn output_selection() {
    let dir = tempfile::tempdir().unwrap();
    shop_chart(dir.path());
    let run = |args: &[&str]| {
        let output = kubeward(dir.path(), args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        stdout(&output)
    };
    let crd = "---\n# Source: shop/crds/crd.yaml\napiVersion: apiextensions.k8s.io/v1\nkind: \
               CustomResourceDefinition\nmetadata:\n  name: carts.shop.example.com\n\n";
    assert_eq!(
        run(&["template", "shop"]),
        format!("{FILES}{DEFAULT_VALUES}{HOOK}{TEST_HOOK}")
    );
    assert_eq!(
        run(&["template", "shop", "--include-crds", "--skip-tests"]),
        format!("{crd}{FILES}{DEFAULT_VALUES}{HOOK}")
    );
    assert_eq!(
        run(&["template", "shop", "--no-hooks"]),
        format!("{FILES}{DEFAULT_VALUES}")
    );
    assert_eq!(
        run(&[
            "template",
            "shop",
            "--show-only",
            "templates/values.yaml",
            "-s",
            "templates/f*.yaml"
        ]),
        format!("{DEFAULT_VALUES}{FILES}")
    );
    // As in `helm template`, --generate-name still names the release `release-name`.
    assert_eq!(
        run(&["template", "-g", "shop", "-s", "templates/values.yaml"]),
        DEFAULT_VALUES
    );
}

/// Symbolic links are followed (paths stay under the link's name, as helm has them); an
/// ignored directory is not entered, so the loop inside it is never met.
#[cfg(unix)]
#[test]
fn symbolic_links_in_chart_directories() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    shop_chart(dir.path());
    let chart = dir.path().join("shop");
    symlink("../realdir", chart.join("files/linkdir")).unwrap();
    symlink(
        "../realdir/linked.yaml",
        chart.join("templates/linked.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(chart.join("ignored")).unwrap();
    symlink("..", chart.join("ignored/loop")).unwrap();
    let args = [
        "template",
        "shop",
        "-s",
        "templates/files.yaml",
        "-s",
        "templates/linked.yaml",
    ];
    let output = kubeward(dir.path(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "{}---\n# Source: shop/templates/linked.yaml\napiVersion: v1\nkind: ConfigMap\n\
             metadata:\n  name: linked\n",
            FILES.replace("linked: \"\"", "linked: \"through a link\"")
        )
    );

    // A loop where the walk goes, a dangling link, a file that is not a regular file: each
    // is an input error naming its path.
    symlink("..", chart.join("files/loop")).unwrap();
    let output = kubeward(dir.path(), &args);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "Error: shop/files/loop: symbolic link loop back to shop\n"
    );
    std::fs::remove_file(chart.join("files/loop")).unwrap();
    symlink("nowhere", chart.join("files/dangling")).unwrap();
    let output = kubeward(dir.path(), &args);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "Error: cannot read shop/files/dangling: no such file or directory\n"
    );
}

/// Helm's messages; exit code 1 where the chart fails, 2 for the command line and for
/// input that cannot be read.
#[test]
fn errors() {
    let dir = tempfile::tempdir().unwrap();
    shop_chart(dir.path());
    write(dir.path(), "values.yaml", "a: 1\n");
    let check = |args: &[&str], code: i32, message: &str| {
        let output = kubeward(dir.path(), args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(stderr(&output), message, "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    };
    // The chart fails, as it does with helm.
    check(
        &["template", "Shop_1", "shop"],
        1,
        "Error: release name check failed: release name \"Shop_1\": invalid release name, must \
         match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and \
         the length must not be longer than 53\n",
    );
    check(
        &[
            "template",
            "shop",
            "-s",
            "templates/tests/test.yaml",
            "--skip-tests",
        ],
        1,
        "Error: could not find template templates/tests/test.yaml in chart\n",
    );
    // Any file but a directory is read as a packaged chart.
    let output = kubeward(dir.path(), &["template", "values.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).starts_with("Error: values.yaml: invalid archive: "));
    // The command line or what it names is wrong.
    check(
        &["template", "./nope"],
        2,
        "Error: path \"./nope\" not found\n",
    );
    check(
        &["template", "."],
        2,
        "Error: . is not a chart: it has no Chart.yaml\n",
    );
    check(
        &["template", "shop", "-f", "missing.yaml"],
        2,
        "Error: open missing.yaml: no such file or directory\n",
    );
    check(
        &["template", "shop", "--set-file", "a=missing.txt"],
        2,
        "Error: failed parsing --set-file data: open missing.txt: no such file or directory\n",
    );
    check(
        &["template", "shop", "--kube-version", "abc"],
        2,
        "Error: invalid kube version 'abc': could not parse \"abc\" as version\n",
    );
    check(
        &["template", "web", "shop", "--generate-name"],
        2,
        "Error: cannot set --generate-name and also specify a name\n",
    );
    check(
        &["template", "shop", "--set-json", "a"],
        2,
        "Error: failed parsing --set-json data a\n",
    );
    // helm checks the Kubernetes version first, then the chart path, then the values.
    check(
        &[
            "template",
            "./nope",
            "-f",
            "missing.yaml",
            "--kube-version",
            "abc",
        ],
        2,
        "Error: invalid kube version 'abc': could not parse \"abc\" as version\n",
    );
    check(
        &["template", "./nope", "-f", "missing.yaml"],
        2,
        "Error: path \"./nope\" not found\n",
    );
}

/// Usage errors are clap's, with exit code 2.
#[test]
fn usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    shop_chart(dir.path());
    for args in [
        &["template"][..],
        &["template", "a", "b", "c"],
        &["template", "shop", "--bogus"],
        &["template", "shop", "--namespace"],
        &["template", "shop", "--release-name", "web"],
    ] {
        let output = kubeward(dir.path(), args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).starts_with("error: "),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
