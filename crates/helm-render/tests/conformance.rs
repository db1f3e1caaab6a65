//! `helm template` conformance: every case of `../shared/conformance/helm/cases.yaml` (Helm's
//! own test charts and real charts) rendered by kubeward and compared byte for byte with
//! the output of the real helm v4.1.4 (`golden/<case>.out`); cases where helm fails
//! (`golden/<case>.err`) must fail here too, with a located message.
//!
//! Random functions. Some charts print what `randAlphaNum`, `genCA` or `genSignedCert`
//! return (passwords, certificates, keys, and checksums of templates that hold them); helm
//! draws anew on every run, so its golden holds one draw and kubeward (seeded) draws others.
//! `cases/conformance-random.yaml` names these cases, the functions, and the keys whose
//! values come from them, each with a kind. Such a case passes when kubeward's output has
//! the same lines as helm's, every line byte-identical except lines that set a declared key
//! with the same indentation, key and quoting, whose values then match by kind (see
//! `conformance/random.rs`):
//! - `password`: both base64-decode to ASCII letters and digits, of the same length;
//! - `certificate`: both base64-decode to one PEM `CERTIFICATE` framed as Go frames it, whose
//!   DER is identical except the serial number (a positive INTEGER of at most 20 octets), the
//!   validity instants (the same duration), the public key and signature bits, and the
//!   subject/authority key identifiers (the same lengths): version, algorithms, issuer,
//!   subject and all other extensions are identical;
//! - `rsa-private-key`: both base64-decode to one PEM `RSA PRIVATE KEY` that is a valid RSA
//!   key, of the same size and public exponent;
//! - `sha256`: both are 64 lowercase hex digits (a `sha256sum` of text holding a random
//!   value; what was hashed is not checked).
//!
//! Any other difference fails the case. A declared function must occur in the chart's
//! templates and a declared key in helm's output, so the list cannot go stale silently.
//!
//! `cases/conformance-pending.yaml` lists the cases that do not pass yet, each with the
//! reason; the test fails if a listed case passes (the list must shrink) or an unlisted one
//! fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use helm_render::{Chart, ChartFile, TemplateOptions, template};

#[path = "conformance/random.rs"]
mod random;
#[path = "conformance/random_rule.rs"]
mod random_rule;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
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

fn walk(root: &Path, dir: &Path, out: &mut Vec<ChartFile>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let name = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push(ChartFile::new(name, std::fs::read(&path).unwrap()));
        }
    }
}

fn load(path: &Path) -> Result<Chart, String> {
    if path.is_dir() {
        let mut files = Vec::new();
        walk(path, path, &mut files);
        Chart::from_files(files).map_err(|e| e.to_string())
    } else {
        Chart::from_archive(&std::fs::read(path).unwrap()).map_err(|e| e.to_string())
    }
}

fn options(case: &Case) -> TemplateOptions {
    let mut options = TemplateOptions::default();
    if let Some(release) = &case.release {
        options.release_name = release.clone();
    }
    let mut args = case.args.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().cloned().unwrap_or_default();
        match flag.as_str() {
            "--set" => options.values.set.push(value()),
            "--set-string" => options.values.set_string.push(value()),
            "--set-json" => options.values.set_json.push(value()),
            "--set-literal" => options.values.set_literal.push(value()),
            "-f" | "--values" => {
                let path = value();
                let text = std::fs::read_to_string(shared().join(&path)).unwrap();
                options.values.files.push((path, text));
            }
            "--kube-version" => options.kube_version = Some(value()),
            "--api-versions" => options
                .api_versions
                .extend(value().split(',').map(str::to_owned)),
            "--namespace" => options.namespace = value(),
            "--show-only" => options.show_only.push(value()),
            "--include-crds" => options.include_crds = true,
            "--skip-tests" => options.skip_tests = true,
            other => panic!("{}: unsupported flag {other}", case.name),
        }
    }
    options
}

#[test]
fn helm_template_conformance() {
    let root = shared().join("conformance/helm");
    let text = std::fs::read_to_string(root.join("cases.yaml")).unwrap();
    let parsed = kube_yaml::parse(&text);
    let cases: Vec<Case> =
        kube_yaml::from_node(parsed.documents[0].root.as_ref().unwrap()).unwrap();
    #[derive(serde::Deserialize)]
    struct Pending {
        case: String,
        #[allow(dead_code)]
        reason: String,
    }
    let pending_text = include_str!("cases/conformance-pending.yaml");
    let pending_doc = kube_yaml::parse(pending_text);
    let pending: Vec<Pending> = pending_doc
        .documents
        .first()
        .and_then(|d| d.root.as_ref())
        .map(|root| kube_yaml::from_node(root).unwrap())
        .unwrap_or_default();
    let is_pending = |name: &str| pending.iter().any(|p| p.case == name);
    let random_doc = kube_yaml::parse(include_str!("cases/conformance-random.yaml"));
    let random_cases: Vec<random::RandomCase> =
        kube_yaml::from_node(random_doc.documents[0].root.as_ref().unwrap()).unwrap();
    let mut shaped = 0;
    let mut failures = Vec::new();
    let mut passed = 0;
    for case in &cases {
        let golden_out = root.join("golden").join(format!("{}.out", case.name));
        let golden_err = root.join("golden").join(format!("{}.err", case.name));
        let result = load(&shared().join(&case.chart))
            .and_then(|chart| template(chart, &options(case)).map_err(|e| e.to_string()));
        if golden_err.is_file() {
            match result {
                Err(message) if !message.is_empty() => passed += 1,
                Err(_) => failures.push(format!("{}: failed without a message", case.name)),
                Ok(_) => failures.push(format!(
                    "{}: helm fails ({}), kubeward renders",
                    case.name,
                    std::fs::read_to_string(&golden_err).unwrap().trim()
                )),
            }
            continue;
        }
        let expected = std::fs::read_to_string(&golden_out).unwrap();
        if let Some(spec) = random_cases.iter().find(|r| r.case == case.name) {
            let verdict = functions_in_chart(&shared().join(&case.chart), &spec.functions)
                .and_then(|()| result.map_err(|e| e.to_string()))
                .and_then(|release| random::compare(spec, &release.output, &expected));
            match verdict {
                Ok(n) => {
                    passed += 1;
                    shaped += n;
                }
                Err(message) => failures.push(format!("{}: {message}", case.name)),
            }
            continue;
        }
        match result {
            Ok(release) if release.output == expected => passed += 1,
            Ok(release) => {
                let line = release
                    .output
                    .lines()
                    .zip(expected.lines())
                    .position(|(a, b)| a != b)
                    .map_or_else(
                        || "lengths differ".to_owned(),
                        |i| {
                            format!(
                                "line {}: {:?} vs helm {:?}",
                                i + 1,
                                release.output.lines().nth(i).unwrap_or(""),
                                expected.lines().nth(i).unwrap_or("")
                            )
                        },
                    );
                failures.push(format!("{}: output differs at {line}", case.name));
            }
            Err(message) => failures.push(format!("{}: {message}", case.name)),
        }
    }
    let unexpected: Vec<&String> = failures
        .iter()
        .filter(|f| !is_pending(f.split(':').next().unwrap_or("")))
        .collect();
    let newly_passing: Vec<&str> = pending
        .iter()
        .map(|p| p.case.as_str())
        .filter(|name| !failures.iter().any(|f| f.split(':').next() == Some(*name)))
        .collect();
    println!(
        "{passed} of {} cases pass ({shaped} lines of random values compared by shape)",
        cases.len()
    );
    for spec in &random_cases {
        assert!(
            cases.iter().any(|c| c.name == spec.case) && !is_pending(&spec.case),
            "{}: a random case must be a case of cases.yaml and not pending",
            spec.case
        );
    }
    assert!(
        unexpected.is_empty() && newly_passing.is_empty(),
        "{passed} of {} cases pass.\nfailing and not pending:\n{}\npending but passing now (remove them from cases/conformance-pending.yaml):\n{}",
        cases.len(),
        unexpected
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        newly_passing.join("\n")
    );
}

/// Whether every function occurs as a word in the chart's templates (its subcharts'
/// included).
fn functions_in_chart(chart: &Path, functions: &[String]) -> Result<(), String> {
    let mut files = Vec::new();
    walk(chart, chart, &mut files);
    let templates: Vec<String> = files
        .iter()
        .filter(|f| f.name.starts_with("templates/") || f.name.contains("/templates/"))
        .map(|f| String::from_utf8_lossy(&f.data).into_owned())
        .collect();
    for function in functions {
        let called = templates.iter().any(|text| {
            text.match_indices(function.as_str()).any(|(i, _)| {
                let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
                !text[..i].ends_with(word) && !text[i + function.len()..].starts_with(word)
            })
        });
        if !called {
            return Err(format!("the chart calls no {function}"));
        }
    }
    Ok(())
}
