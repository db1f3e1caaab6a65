//! The pipeline end to end through the library API: user rules, rule errors, suppressions,
//! configuration errors, determinism across thread counts, and the shared corpus.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use lint_core::{
    Catalog, Config, LintCache, Linter, PolicyFile, RuleEngine, SetupError, Severity, SourceFile,
    SourceSet, report,
};

fn sources(files: &[(&str, &str)]) -> SourceSet {
    let mut set = SourceSet::new();
    for (path, text) in files {
        set.add(SourceFile::new(*path, *text));
    }
    set
}

fn policy(path: &str, text: &str) -> PolicyFile {
    PolicyFile {
        path: path.to_owned(),
        display: format!("policies/{path}"),
        text: text.to_owned(),
    }
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  serviceAccountName: builder\n  containers:\n  - name: web\n    image: nginx:1.27\n";

const SA_RULE: &str = r#"# METADATA
# title: Pods use a known service account
# description: The service account must exist in the run.
# custom:
#   id: ACME1
#   name: service-account-missing
#   severity: error
#   kinds: [Pod]
#   remediation: Create the service account.
#   params:
#     type: object
#     properties:
#       allowed: {type: array, items: {type: string}, default: [default]}
package kubeward.rules.acme.service_account_missing

import rego.v1

deny contains {"msg": msg, "path": ["spec", "serviceAccountName"], "related": related} if {
	name := input.spec.serviceAccountName
	not name in data.kubeward.params.service_account_missing.allowed
	ns := data.kubeward.lib.namespace(input)
	count(data.kubeward.lib.objects_named("ServiceAccount", ns, name)) == 0
	msg := sprintf("Pod %q uses service account %q, which does not exist", [input.metadata.name, name])
	related := [{"path": ["metadata", "name"], "object": {"kind": "ServiceAccount", "namespace": ns, "name": "other"}, "msg": "this one exists"}]
}
"#;

#[test]
fn user_rules_see_the_inventory_params_and_report_related_locations() {
    let catalog =
        Catalog::load(vec![policy("acme/service_account_missing.rego", SA_RULE)]).unwrap();
    let config = Config {
        select: Some(vec!["acme".into()]),
        ..Config::default()
    };
    let linter = Linter::new(catalog, &config).unwrap();
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: other\n  namespace: shop\n";
    let set = sources(&[("pod.yaml", POD), ("sa.yaml", sa)]);
    let report = linter.lint(&set);
    let findings: Vec<_> = report.reported().collect();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = findings[0];
    assert_eq!(finding.rule.id, "ACME1");
    assert_eq!(finding.severity, Severity::Error);
    let file = set.get(finding.primary.span.source).unwrap();
    assert_eq!(file.slice(finding.primary.span.range), "builder");
    assert_eq!(finding.related.len(), 1);
    let related = set.get(finding.related[0].span.source).unwrap();
    assert_eq!(related.path(), "sa.yaml");
    assert_eq!(related.slice(finding.related[0].span.range), "other");
    assert!(
        finding.url.is_none(),
        "user rules have no built-in documentation"
    );

    // The parameter default lets `builder` through once it is allowed.
    let catalog =
        Catalog::load(vec![policy("acme/service_account_missing.rego", SA_RULE)]).unwrap();
    let config = Config::from_yaml(
        ".kubeward.yaml",
        "select: [ACME1]\nrules:\n  service-account-missing:\n    params:\n      allowed: [builder]\n",
    )
    .unwrap();
    let report = Linter::new(catalog, &config).unwrap().lint(&set);
    assert_eq!(report.reported().count(), 0);
}

#[test]
fn parameter_errors_point_into_the_configuration() {
    let catalog =
        Catalog::load(vec![policy("acme/service_account_missing.rego", SA_RULE)]).unwrap();
    let text = "rules:\n  ACME1:\n    params:\n      allowed: [builder, 3]\n";
    let config = Config::from_yaml(".kubeward.yaml", text).unwrap();
    let Err(SetupError::Config(err)) = Linter::new(catalog, &config) else {
        panic!("expected a configuration error");
    };
    let location = err.location.as_ref().unwrap();
    assert_eq!(
        &text[location.range.start as usize..location.range.end as usize],
        "3"
    );
    assert!(
        err.to_string()
            .starts_with(".kubeward.yaml:4:26: invalid parameter"),
        "{err}"
    );

    let text = "rules:\n  image-latest-tagg:\n    severity: error\n";
    let config = Config::from_yaml(".kubeward.yaml", text).unwrap();
    let err = Linter::new(Catalog::builtin().unwrap(), &config).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(".kubeward.yaml:2:3: `image-latest-tagg` is not a rule"),
        "{err}"
    );

    let text = "select: [rbac, imagez]\n";
    let config = Config::from_yaml(".kubeward.yaml", text).unwrap();
    let err = Linter::new(Catalog::builtin().unwrap(), &config).unwrap_err();
    assert!(err.to_string().starts_with(".kubeward.yaml:1:16:"), "{err}");

    let config = Config::from_yaml(".kubeward.yaml", "kube-version: one.thirty\n").unwrap();
    let err = Linter::new(Catalog::builtin().unwrap(), &config).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(".kubeward.yaml:1:15: `one.thirty` is not a Kubernetes version"),
        "{err}"
    );
    assert_eq!(lint_core::parse_kube_version("v1.31.2"), Some((1, 31)));
    assert_eq!(lint_core::parse_kube_version("1.29"), Some((1, 29)));
    assert_eq!(lint_core::parse_kube_version("1.29.0-rc.1"), Some((1, 29)));
    assert_eq!(lint_core::parse_kube_version("1"), None);

    let err = Config::from_yaml(".kubeward.yaml", "fail-on: error\nselekt: [rbac]\n").unwrap_err();
    assert!(
        err.to_string()
            .starts_with(".kubeward.yaml:2:1: unknown field `selekt`"),
        "{err}"
    );
}

#[test]
fn opt_in_rules_run_only_when_selected_or_enabled() {
    // `nginx:1.27` has no digest: image-digest-missing (opt-in) would report it.
    let names = |config: &Config| -> Vec<String> {
        let linter = Linter::new(Catalog::builtin().unwrap(), config).unwrap();
        let report = linter.lint(&sources(&[("pod.yaml", POD)]));
        report.reported().map(|d| d.rule.name.clone()).collect()
    };
    let with = |yaml: &str| names(&Config::from_yaml(".kubeward.yaml", yaml).unwrap());
    let digest = "image-digest-missing".to_owned();

    let default = with("");
    assert!(!default.contains(&digest), "{default:?}");
    assert!(
        default.contains(&"network-policy-missing".to_owned()),
        "{default:?}"
    );
    assert_eq!(with("select: [default]"), default);

    let enabled = with("enable: [image-digest-missing]");
    assert!(enabled.contains(&digest), "{enabled:?}");
    assert!(
        default.iter().all(|name| enabled.contains(name)),
        "{enabled:?}"
    );
    assert_eq!(enabled.len(), default.len() + 1, "{enabled:?}");

    for selection in ["select: [all]", "select: [images]", "select: [KW302]"] {
        assert!(with(selection).contains(&digest), "{selection}");
    }
    let only_images = with("select: [images]");
    assert!(
        !only_images.contains(&"network-policy-missing".to_owned()),
        "{only_images:?}"
    );
    assert!(!with("select: [all]\nignore: [KW302]").contains(&digest));

    let err = Linter::new(
        Catalog::builtin().unwrap(),
        &Config::from_yaml(".kubeward.yaml", "enable: [no-such-rule]\n").unwrap(),
    )
    .err()
    .unwrap();
    assert!(
        err.to_string()
            .starts_with(".kubeward.yaml:1:10: `no-such-rule` is not a rule"),
        "{err}"
    );
}

#[test]
fn a_failing_rule_is_reported_and_the_others_still_run() {
    let broken = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: ACME2\n#   name: bad-shape\n#   severity: warning\n#   kinds: [Pod]\n#   remediation: Fix it.\npackage kubeward.rules.acme.bad_shape\n\nimport rego.v1\n\ndeny contains {\"message\": \"no msg field\"} if input.kind == \"Pod\"\n";
    let catalog = Catalog::load(vec![policy("acme/bad_shape.rego", broken)]).unwrap();
    let linter = Linter::new(catalog, &Config::default()).unwrap();
    let pod = POD.replace("nginx:1.27", "nginx");
    let report = linter.lint(&sources(&[("pod.yaml", &pod)]));
    let names: Vec<_> = report.reported().map(|d| d.rule.name.as_str()).collect();
    assert!(names.contains(&"rule-evaluation-error"), "{names:?}");
    assert!(names.contains(&"image-latest-tag"), "{names:?}");
    let error = report
        .reported()
        .find(|d| d.rule.name == "rule-evaluation-error")
        .unwrap();
    assert!(error.message.contains("bad-shape"), "{}", error.message);
}

/// The rules of one kind run in one evaluation; one that raises an error there is run again
/// alone, so the error names it and the rules evaluated with it still report.
#[test]
fn a_rule_raising_an_error_is_named_and_the_rules_evaluated_with_it_still_report() {
    let raising = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: ACME3\n#   name: two-answers\n#   severity: warning\n#   kinds: [workload]\n#   remediation: Fix it.\npackage kubeward.rules.acme.two_answers\n\nimport rego.v1\n\nanswer := 1\n\nanswer := 2 if input.kind == \"Pod\"\n\ndeny contains {\"msg\": \"m\", \"path\": []} if answer == 1\n";
    let catalog = Catalog::load(vec![policy("acme/two_answers.rego", raising)]).unwrap();
    let linter = Linter::new(catalog, &Config::default()).unwrap();
    let pod = POD.replace("nginx:1.27", "nginx");
    let report = linter.lint(&sources(&[("pod.yaml", &pod)]));
    let errors: Vec<_> = report
        .reported()
        .filter(|d| d.rule.name == "rule-evaluation-error")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("`two-answers`"), "{errors:?}");
    let names: Vec<_> = report.reported().map(|d| d.rule.name.as_str()).collect();
    assert!(names.contains(&"image-latest-tag"), "{names:?}");
    assert!(names.contains(&"privilege-escalation-allowed"), "{names:?}");
}

#[test]
fn broken_user_rules_are_errors_with_file_and_line() {
    let text = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: ACME3\n#   name: syntax\n#   severity: warning\n#   kinds: [Pod]\n#   remediation: Fix it.\npackage kubeward.rules.acme.syntax\n\nimport rego.v1\n\ndeny contains x if {\n  x := \n}\n";
    let catalog = Catalog::load(vec![policy("acme/syntax.rego", text)]).unwrap();
    let Err(SetupError::Rules(errors)) = Linter::new(catalog, &Config::default()) else {
        panic!("expected a rule error");
    };
    assert_eq!(errors[0].path, "policies/acme/syntax.rego");
    assert!(errors[0].line.is_some(), "{errors:?}");
}

#[test]
fn a_rule_without_deny_is_refused() {
    let text = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: ACME4\n#   name: no-deny\n#   severity: warning\n#   kinds: [Pod]\n#   remediation: Fix it.\npackage kubeward.rules.acme.no_deny\n\nimport rego.v1\n\nviolation contains \"x\" if input.kind == \"Pod\"\n";
    let catalog = Catalog::load(vec![policy("acme/no_deny.rego", text)]).unwrap();
    let Err(SetupError::Rules(errors)) = Linter::new(catalog, &Config::default()) else {
        panic!("expected a rule error");
    };
    assert!(
        errors[0].message.contains("declares no `deny`"),
        "{errors:?}"
    );
}

#[test]
fn hostile_and_mangled_input_never_panics() {
    // Every corpus file, cut and corrupted in ways that hit the parser's error paths, linted
    // together: no panic, every diagnostic inside its file.
    let corpus = corpus();
    let mut set = SourceSet::new();
    let inserts = [
        "[", "{", "&a ", "*a", ": ", "\t", "- ", "'", "\"", "<<: 1\n", "!!int x", "\u{feff}",
        "---\n",
    ];
    for (i, (_, file)) in corpus.iter().enumerate().step_by(3) {
        let text = file.text();
        for (j, insert) in inserts.iter().enumerate() {
            let mut at = (i * 7919 + j * 104_729) % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut mangled = String::with_capacity(text.len() + insert.len());
            mangled.push_str(&text[..at]);
            mangled.push_str(insert);
            mangled.push_str(&text[at..]);
            set.add(SourceFile::new(format!("{}#{j}", file.path()), mangled));
            set.add(SourceFile::new(
                format!("{}#cut{j}", file.path()),
                text[..at].to_owned(),
            ));
        }
    }
    let report = Linter::new(Catalog::builtin().unwrap(), &Config::default())
        .unwrap()
        .lint(&set);
    assert!(
        report
            .reported()
            .any(|d| d.rule.name == "yaml-syntax-error")
    );
    for diagnostic in report.reported() {
        let file = set.get(diagnostic.primary.span.source).unwrap();
        assert!(diagnostic.primary.span.range.end as usize <= file.text().len());
    }
    let rendered = report::human(&report, &set, report::HumanOptions::default());
    assert!(rendered.len() > 1000);
}

/// Wrong shapes (numbers for names, lists for label sets, a string for a roleRef, subjects
/// that are not objects) are reported by schema validation; the rules and the inventory's
/// indexes take them in their stride instead of failing.
#[test]
fn malformed_shapes_are_schema_violations_not_rule_errors() {
    let text = include_str!("cases/malformed-shapes.yaml");
    let config = Config::from_yaml(".kubeward.yaml", "select: [all]\n").unwrap();
    let report = Linter::new(Catalog::builtin().unwrap(), &config)
        .unwrap()
        .lint(&sources(&[("malformed.yaml", text)]));
    let names: Vec<_> = report.reported().map(|d| d.rule.name.as_str()).collect();
    assert!(names.contains(&"schema-violation"), "{names:?}");
    assert!(names.contains(&"image-latest-tag"), "{names:?}");
    let errors: Vec<_> = report
        .reported()
        .filter(|d| d.rule.name == "rule-evaluation-error")
        .map(|d| d.message.as_str())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Every object of the corpus, three times, each with one value (picked by position) replaced
/// by a value of another shape: a list for a mapping, a number for a list, null, a list of
/// mappings... Schema validation reports those; no rule fails on them, and the inventory's
/// indexes never stop the run.
#[test]
fn values_of_the_wrong_shape_never_make_rules_fail() {
    fn paths(value: &serde_json::Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(at.clone());
        let children: Vec<(String, &serde_json::Value)> = match value {
            serde_json::Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => Vec::new(),
        };
        for (key, child) in children {
            at.push(key);
            paths(child, at, out);
            at.pop();
        }
    }
    fn replace(value: &mut serde_json::Value, path: &[String], with: serde_json::Value) {
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        let mut node = value;
        for key in parents {
            node = match node {
                serde_json::Value::Object(map) => map.get_mut(key).unwrap(),
                serde_json::Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
                _ => return,
            };
        }
        match node {
            serde_json::Value::Object(map) => {
                map.insert(last.clone(), with);
            }
            serde_json::Value::Array(items) => items[last.parse::<usize>().unwrap()] = with,
            _ => {}
        }
    }
    let shapes = [
        serde_json::json!([1]),
        serde_json::json!({"a": 1}),
        serde_json::json!(5),
        serde_json::Value::Null,
        serde_json::json!([{"b": 2}]),
        serde_json::json!("x"),
        serde_json::json!({"name": [1]}),
    ];
    let corpus = corpus();
    let mut set = SourceSet::new();
    let mut count = 0usize;
    for (_, file) in corpus.iter() {
        let mut documents = Vec::new();
        for document in kube_yaml::parse(file.text()).documents {
            let Some(root) = document.root else { continue };
            let json = root.to_json();
            let mut all = Vec::new();
            paths(&json, &mut Vec::new(), &mut all);
            all.retain(|path| {
                !path.is_empty()
                    && !matches!(path[0].as_str(), "apiVersion" | "kind")
                    && path.as_slice() != ["metadata", "name"]
            });
            for copy in 0..3 {
                count += 1;
                if all.is_empty() {
                    continue;
                }
                let mut mutated = json.clone();
                let path = &all[(count * 7919 + copy * 104_729) % all.len()];
                replace(&mut mutated, path, shapes[count % shapes.len()].clone());
                documents.push(mutated.to_string());
            }
        }
        set.add(SourceFile::new(
            format!("{}#shapes", file.path()),
            documents.join("\n---\n"),
        ));
    }
    let config = Config::from_yaml(".kubeward.yaml", "select: [all]\n").unwrap();
    let report = Linter::new(Catalog::builtin().unwrap(), &config)
        .unwrap()
        .lint(&set);
    assert!(report.reported().any(|d| d.rule.name == "schema-violation"));
    assert!(report.reported().any(|d| d.rule.name == "image-latest-tag"));
    let errors: Vec<_> = report
        .reported()
        .filter(|d| d.rule.name == "rule-evaluation-error")
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        errors.is_empty(),
        "{} rule errors: {errors:#?}",
        errors.len()
    );
}

#[test]
fn suppressions_by_comment_and_annotation() {
    let text = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations:
        kubeward.io/ignore: "network-policy-missing -- isolated by the mesh"
    spec:
      containers:
      # kubeward:ignore KW301 -- the upstream image has no tags
      - name: a
        image: example/a
      - name: b
        image: example/b # kubeward:ignore image-latest-tag
      - name: c
        image: example/c
"#;
    let config = Config {
        select: Some(vec!["KW201".into(), "KW301".into()]),
        ..Config::default()
    };
    let linter = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
    let set = sources(&[("deploy.yaml", text)]);
    let report = linter.lint(&set);
    let reported: Vec<_> = report
        .reported()
        .map(|d| (d.rule.name.as_str(), d.message.as_str()))
        .collect();
    // The comment above `- name: a` covers that line, where there is no finding: the image is
    // one line further down. So `example/a` is reported, and so is the misplaced suppression.
    assert_eq!(
        reported,
        vec![
            (
                "unused-suppression",
                "no KW301 (image-latest-tag) finding here to suppress"
            ),
            (
                "image-latest-tag",
                "container \"a\" uses image \"example/a\" without a tag, which means :latest"
            ),
            (
                "image-latest-tag",
                "container \"c\" uses image \"example/c\" without a tag, which means :latest"
            ),
        ]
    );
    let summary = report.summary();
    assert_eq!(summary.suppressed, 2);
    let suppressed: Vec<_> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.suppressed.as_ref())
        .collect();
    assert!(
        suppressed
            .iter()
            .any(|s| s.reason.as_deref() == Some("isolated by the mesh"))
    );
}

#[test]
fn suppression_above_the_offending_line_and_unused_ones() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {a: b}\nspec:\n  containers:\n  - name: a\n    # kubeward:ignore KW301 -- pinned by the registry\n    image: example/a\n    # kubeward:ignore KW301\n    ports: []\n";
    let config = Config {
        select: Some(vec!["KW301".into()]),
        ..Config::default()
    };
    let linter = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
    let set = sources(&[("pod.yaml", text)]);
    let report = linter.lint(&set);
    let reported: Vec<_> = report.reported().collect();
    assert_eq!(reported.len(), 1, "{reported:#?}");
    assert_eq!(reported[0].rule.name, "unused-suppression");
    assert_eq!(
        set.get(reported[0].primary.span.source)
            .unwrap()
            .position(reported[0].primary.span.range.start)
            .line,
        11
    );
}

#[test]
fn invalid_utf8_is_reported_and_other_files_are_linted() {
    let mut set = SourceSet::new();
    set.add(SourceFile::from_bytes(
        "bad.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: \xff\n",
    ));
    set.add(SourceFile::new(
        "pod.yaml",
        POD.replace("nginx:1.27", "nginx"),
    ));
    let report = Linter::new(Catalog::builtin().unwrap(), &Config::default())
        .unwrap()
        .lint(&set);
    let names: Vec<_> = report.reported().map(|d| d.rule.name.as_str()).collect();
    assert!(names.contains(&"yaml-syntax-error"), "{names:?}");
    assert!(names.contains(&"image-latest-tag"), "{names:?}");
}

#[test]
fn context_only_files_feed_cross_resource_rules_but_report_nothing() {
    let policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n";
    let mut set = SourceSet::new();
    set.add(SourceFile::new("pod.yaml", POD));
    set.add(SourceFile::new("policy.yaml", policy).context_only());
    set.add(SourceFile::new("other.yaml", POD.replace("nginx:1.27", "nginx")).context_only());
    // The policy isolates the pod (KW201 is quiet) and the untagged image (KW301) is in a
    // context-only file, so neither rule reports anything.
    let config = Config {
        select: Some(vec!["KW201".into(), "KW301".into()]),
        ..Config::default()
    };
    let report = Linter::new(Catalog::builtin().unwrap(), &config)
        .unwrap()
        .lint(&set);
    assert_eq!(report.reported().count(), 0, "{:#?}", report.diagnostics);
}

fn corpus() -> SourceSet {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/manifests");
    let mut paths: Vec<_> = walk(&root);
    paths.sort();
    let mut set = SourceSet::new();
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        let display = path.strip_prefix(&root).unwrap().display().to_string();
        set.add(SourceFile::from_bytes(display, &bytes));
    }
    set
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_shared_corpus_lints_with_findings_on_their_nodes() {
    let set = corpus();
    assert!(set.len() > 200, "corpus not found");
    let linter = Linter::new(Catalog::builtin().unwrap(), &Config::default()).unwrap();
    let report = linter.lint(&set);
    assert!(report.objects > 300, "{} objects", report.objects);
    for diagnostic in report.reported() {
        let file = set.get(diagnostic.primary.span.source).unwrap();
        let range = diagnostic.primary.span.range;
        assert!(range.end as usize <= file.text().len());
        let text = file.slice(range);
        match diagnostic.rule.name.as_str() {
            "image-latest-tag" => {
                let image = text.trim_matches(['"', '\'']);
                assert!(
                    diagnostic.message.contains(&format!("{image:?}")),
                    "{}: {text:?}",
                    diagnostic.message
                );
            }
            "rbac-wildcard" => assert!(text.contains('*'), "{text:?}"),
            // The pod labels, or the deepest part of the pod template that exists.
            "network-policy-missing" => {
                assert!(
                    ["labels", "metadata", "template"].contains(&text),
                    "{text:?}"
                )
            }
            _ => {}
        }
    }
    // A finding checked by hand: the wildcard verbs of the prometheus-adapter ClusterRole.
    let compact = report::compact(&report, &set);
    assert!(
        compact.contains("kubernetes-examples/AI/vllm-deployment/hpa/prometheus-adapter.yaml:56:5: error [KW101/rbac-wildcard] ClusterRole \"prometheus-adapter\" grants every verb (\"*\") in rules[3]"),
        "{compact}"
    );
}

#[test]
fn output_is_identical_at_every_thread_count() {
    let set = corpus();
    let linter = Linter::new(Catalog::builtin().unwrap(), &Config::default()).unwrap();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| report::json(&linter.lint(&set), &set))
    };
    // Each worker has its own clone of the rule engine: more workers than cores too.
    let single = run(1);
    for threads in [2, 3, 4, 8] {
        assert_eq!(single, run(threads), "{threads} threads");
    }
}

#[test]
fn a_kept_linter_lints_each_run_with_its_own_inventory_even_at_the_same_time() {
    // The run's inventory reaches the rules through the host while the engine stays prepared
    // between runs: runs after one another, and runs on other threads at the same time, must
    // each see their own objects only.
    let account =
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n  namespace: shop\n";
    let with_account = sources(&[("pod.yaml", POD), ("account.yaml", account)]);
    // Another account of the namespace: the inventory holds the namespace's accounts.
    let without = sources(&[
        ("pod.yaml", POD),
        ("account.yaml", &account.replace("builder", "runner")),
    ]);
    let config = Config {
        select: Some(vec!["service-account-not-found".into()]),
        ..Config::default()
    };
    let linter = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
    let findings = |set: &SourceSet| linter.lint(set).reported().count();
    assert_eq!(findings(&with_account), 0);
    assert_eq!(findings(&without), 1);
    assert_eq!(findings(&with_account), 0);
    std::thread::scope(|scope| {
        let runs = [(&with_account, 0), (&without, 1)].map(|(set, expected)| {
            scope.spawn(move || {
                for _ in 0..20 {
                    assert_eq!(findings(set), expected);
                }
            })
        });
        for run in runs {
            run.join().unwrap();
        }
    });
}

/// Applications in two namespaces, each a Deployment with its ServiceAccount, Service,
/// ConfigMap (read by an env var), NetworkPolicy, Role and RoleBinding: every kind of
/// lookup the cross-resource rules make.
fn applications() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for ns in ["shop", "blog"] {
        for i in 0..4 {
            files.push((
                format!("{ns}/app-{i}.yaml"),
                format!(
                    "apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}, namespace: {ns}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}}}}}
    spec:
      serviceAccountName: app-{i}
      containers:
      - name: web
        image: ghcr.io/acme/app-{i}:1.0.{i}
        ports: [{{name: http, containerPort: 8080}}]
        env:
        - {{name: HTTPS_PROXY, valueFrom: {{configMapKeyRef: {{name: app-{i}, key: proxy}}}}}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: app-{i}, namespace: {ns}}}
---
apiVersion: v1
kind: Service
metadata: {{name: app-{i}, namespace: {ns}}}
spec:
  selector: {{app: app-{i}}}
  ports: [{{port: 80, targetPort: http}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: app-{i}, namespace: {ns}}}
data: {{proxy: 'http://proxy.{ns}:3128'}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: app-{i}, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{app: app-{i}}}}}
  ingress: [{{from: [{{podSelector: {{matchLabels: {{app: gateway}}}}}}]}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: app-{i}, namespace: {ns}}}
rules: [{{apiGroups: [''], resources: [secrets], verbs: [get, list]}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: app-{i}, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: app-{i}}}
subjects: [{{kind: ServiceAccount, name: app-{i}, namespace: {ns}}}]
"
                ),
            ));
        }
    }
    files
}

#[test]
fn relinting_after_edits_reports_what_a_fresh_lint_does() {
    // Each engine records what the rules read of the run its own way.
    relinting_after_edits_on(RuleEngine::Interpreter);
    relinting_after_edits_on(RuleEngine::VirtualMachine);
}

/// A program compiled for a few rules has only the helpers they reach: rules that never look
/// the run up are relinted on the machine too.
#[test]
fn relinting_rules_that_look_nothing_up_reports_what_a_fresh_lint_does() {
    let config = Config {
        select: Some(vec!["image-latest-tag".into()]),
        ..Config::default()
    };
    for engine in [RuleEngine::Auto, RuleEngine::VirtualMachine] {
        let linter = Linter::new(Catalog::builtin().unwrap(), &config)
            .unwrap()
            .with_rule_engine(engine);
        let mut cache = LintCache::new();
        for tag in ["latest", "1.27", "latest"] {
            let set = sources(&[(
                "pod.yaml",
                &format!(
                    "apiVersion: v1\nkind: Pod\nmetadata: {{name: web}}\nspec:\n  containers: [{{name: web, image: 'nginx:{tag}'}}]\n"
                ),
            )]);
            let again = linter.relint(&set, &mut cache);
            let names: Vec<&str> = again
                .diagnostics
                .iter()
                .map(|d| d.rule.name.as_str())
                .collect();
            let expected: &[&str] = if tag == "latest" {
                &["image-latest-tag"]
            } else {
                &[]
            };
            assert_eq!(names, expected, "nginx:{tag} ({engine:?})");
            assert_eq!(
                report::json(&again, &set),
                report::json(&linter.lint(&set), &set)
            );
        }
    }
}

fn relinting_after_edits_on(engine: RuleEngine) {
    let config = Config {
        select: Some(vec!["all".into()]),
        ..Config::default()
    };
    let linter = Linter::new(Catalog::builtin().unwrap(), &config)
        .unwrap()
        .with_rule_engine(engine);
    let mut cache = LintCache::new();
    let mut files = applications();
    // Each edit is kept for the ones after it; each changes what other, unchanged objects
    // look up (or, for the image, only the object itself).
    let edit = |path: &'static str, from: &'static str, to: &'static str| {
        move |files: &mut Vec<(String, String)>| {
            let (_, text) = files.iter_mut().find(|(p, _)| p == path).unwrap();
            assert!(text.contains(from), "{path} has no {from:?}");
            *text = text.replacen(from, to, 1);
        }
    };
    type Files = Vec<(String, String)>;
    type Edit = Box<dyn Fn(&mut Files)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("nothing", Box::new(|_: &mut Files| {})),
        (
            "an image",
            Box::new(edit("shop/app-0.yaml", "1.0.0", "latest")),
        ),
        (
            "a ServiceAccount's name",
            Box::new(edit(
                "shop/app-1.yaml",
                "kind: ServiceAccount\nmetadata: {name: app-1",
                "kind: ServiceAccount\nmetadata: {name: app-1x",
            )),
        ),
        (
            "a pod label",
            Box::new(edit(
                "blog/app-2.yaml",
                "labels: {app: app-2}",
                "labels: {app: app-2x}",
            )),
        ),
        (
            "a ConfigMap key",
            Box::new(edit(
                "blog/app-3.yaml",
                "data: {proxy:",
                "data: {proxy-url:",
            )),
        ),
        (
            "a role binding's role",
            Box::new(edit(
                "shop/app-2.yaml",
                "kind: Role, name: app-2",
                "kind: ClusterRole, name: cluster-admin",
            )),
        ),
        (
            "a NetworkPolicy's selector",
            Box::new(edit(
                "shop/app-3.yaml",
                "podSelector: {matchLabels: {app: app-3}}",
                "podSelector: {matchLabels: {app: none}}",
            )),
        ),
        (
            "a file removed",
            Box::new(|files: &mut Files| files.retain(|(p, _)| p != "blog/app-0.yaml")),
        ),
        (
            "a default-deny policy added",
            Box::new(|files: &mut Files| {
                files.push(("blog/deny.yaml".into(), "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: blog}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n".into()))
            }),
        ),
        (
            "back to the start",
            Box::new(|files: &mut Files| *files = applications()),
        ),
    ];
    let mut reused_after_small_edits = Vec::new();
    for (what, apply) in &edits {
        apply(&mut files);
        let set = sources(
            &files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect::<Vec<_>>(),
        );
        let again = report::json(&linter.relint(&set, &mut cache), &set);
        let fresh = report::json(&linter.lint(&set), &set);
        // Not assert_eq!: the reports are long; a mismatch is found by diffing them.
        assert!(
            again == fresh,
            "after {what}, the report differs from a fresh lint's ({engine:?})"
        );
        reused_after_small_edits.push((*what, cache.reused()));
        if *what == "a ServiceAccount's name" {
            assert!(
                again.contains("\"name\": \"service-account-not-found\""),
                "the unchanged Deployment now names a missing account"
            );
        }
    }
    // Outcomes are reused (the test would pass vacuously otherwise): after a one-line edit
    // most of the 56 objects are not evaluated again.
    for (what, reused) in &reused_after_small_edits[1..7] {
        assert!(
            *reused >= 40,
            "after {what} only {reused} objects were reused ({engine:?})"
        );
    }
    assert!(!cache.is_empty());
}

/// A lint parses each document again to locate its findings (it does not keep the trees of
/// the objects), while a relint keeps the trees: both must put every finding, related
/// location and suppression at the same place, in documents that start mid-file, with
/// comments, directives, anchors, flow style, `List` items and a CRD with its resource.
#[test]
fn findings_are_located_the_same_whether_trees_are_kept_or_parsed_again() {
    let manifest = r#"# the first document has no marker
apiVersion: v1
kind: Pod
metadata: {name: first, namespace: shop}
spec:
  containers: [{name: c, image: "nginx:latest"}]
--- # a comment on the marker
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: item
    namespace: shop
    annotations:
      kubeward.io/ignore: image-latest-tag -- pinned elsewhere
  spec:
    serviceAccountName: missing
    containers:
    - name: c
      image: nginx:latest
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    replicas: 1
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
        - &container {name: c, image: "busybox:latest", securityContext: {privileged: true}}
        - <<: *container
          name: d
...
%YAML 1.2
---
{apiVersion: v1, kind: Pod, metadata: {name: flow, namespace: shop}, spec: {containers: [{name: c, image: "nginx:latest"}]}}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop}
spec: {size: big}
"#;
    // Its finding points at the Deployment's replicas, in the List of the other file.
    let budget = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: web}}\n";
    let set = sources(&[("all.yaml", manifest), ("budget.yaml", budget)]);
    let config = Config {
        select: Some(vec!["all".to_owned()]),
        ..Config::default()
    };
    let linter = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
    let parsed_again = linter.lint(&set);
    let kept = linter.relint(&set, &mut LintCache::new());
    assert_eq!(parsed_again.diagnostics, kept.diagnostics);
    // Findings in every object, suppressed ones and related locations among them.
    let line = |span: lint_core::Span| {
        set.get(span.source)
            .unwrap()
            .position(span.range.start)
            .line
    };
    let lines: std::collections::BTreeSet<u32> = parsed_again
        .diagnostics
        .iter()
        .filter(|d| d.primary.span.source == set.find("all.yaml").unwrap())
        .map(|d| line(d.primary.span))
        .collect();
    // The first document, a List item, an anchor and a merge, the flow document after a
    // directive, the custom resource after its CRD.
    for n in [6, 22, 33, 35, 39, 61] {
        assert!(lines.contains(&n), "no finding on line {n}: {lines:?}");
    }
    assert!(
        parsed_again
            .diagnostics
            .iter()
            .any(|d| d.suppressed.is_some())
    );
    let budget_finding = parsed_again
        .diagnostics
        .iter()
        .find(|d| d.rule.name == "pod-disruption-budget-blocks-eviction")
        .unwrap();
    assert_eq!(
        budget_finding
            .related
            .iter()
            .map(|label| (label.span.source, line(label.span)))
            .collect::<Vec<_>>(),
        [(set.find("all.yaml").unwrap(), 28)]
    );
    assert!(
        parsed_again
            .diagnostics
            .iter()
            .any(|d| d.rule.name == "schema-violation" && d.message.contains("spec.size"))
    );
}

#[test]
fn workloads_selected_elsewhere_are_listed_in_scan_order_whatever_their_labels() {
    // A dangling Service, and workloads of other namespaces with three label sets: the
    // selector is matched once per label set, and the workloads it selects are listed by
    // kind, namespace and name. Those whose labels miss `tier: web` are not listed.
    let deployment = |ns: &str, name: &str, labels: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  template:\n    metadata:\n      labels: {labels}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n"
        )
    };
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web, tier: web}\n  ports:\n  - port: 80\n";
    let files = [
        ("service.yaml", service.to_owned()),
        ("d1.yaml", deployment("zeta", "a", "{app: web, tier: web}")),
        (
            "d2.yaml",
            deployment("alpha", "b", "{app: web, tier: web, v: '2'}"),
        ),
        ("d3.yaml", deployment("alpha", "a", "{app: web, tier: web}")),
        ("d4.yaml", deployment("beta", "a", "{app: web, tier: db}")),
        ("d5.yaml", deployment("beta", "c", "{app: web}")),
        (
            "d6.yaml",
            deployment("beta", "b", "{app: web, tier: web, v: '2'}"),
        ),
        ("d7.yaml", deployment("shop", "other", "{app: api}")),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let set = sources(&files);
    let config = Config {
        select: Some(vec!["service-selects-nothing".into()]),
        ..Config::default()
    };
    let report = Linter::new(Catalog::builtin().unwrap(), &config)
        .unwrap()
        .lint(&set);
    let findings: Vec<_> = report
        .reported()
        .filter(|d| d.rule.name == "service-selects-nothing")
        .collect();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let listed: Vec<&str> = findings[0]
        .related
        .iter()
        .map(|label| set.get(label.span.source).unwrap().path())
        .collect();
    assert_eq!(listed, ["d3.yaml", "d2.yaml", "d6.yaml", "d1.yaml"]);
    assert!(
        findings[0]
            .message
            .ends_with(r#"it would select Deployment "a" of namespace "alpha""#),
        "{}",
        findings[0].message
    );
}
