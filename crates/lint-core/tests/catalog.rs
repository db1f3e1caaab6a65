//! The catalogue's own invariants: every rule is tested by fixtures, every fail fixture has
//! a reviewed snapshot, ids and names follow the conventions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use lint_core::Catalog;

#[test]
fn every_rule_has_pass_and_fail_fixtures_and_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let catalog = Catalog::builtin().unwrap();
    let mut problems = Vec::new();
    for rule in catalog.rules() {
        let stem = rule.meta.path.trim_end_matches(".rego");
        let dir = root.join("rules").join(stem);
        let files: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    // `<fixture>.kubeward.yaml` is the configuration of a fixture, not one.
                    .filter(|name| !name.ends_with(".kubeward.yaml"))
                    .collect()
            })
            .unwrap_or_default();
        let pass = files.iter().filter(|f| f.starts_with("pass")).count();
        let fail: Vec<_> = files.iter().filter(|f| f.starts_with("fail")).collect();
        // The rule-error check cannot be triggered by any manifest: it is tested in tests/lint.rs.
        let exempt_pass = rule.is_core();
        // Nor can a chart that fails to render: that is tested in tests/charts.rs.
        let exempt_fail = matches!(
            rule.meta.name.as_str(),
            "rule-evaluation-error" | "helm-render-error"
        );
        if pass == 0 && !exempt_pass {
            problems.push(format!(
                "{}: no pass*.yaml in {}",
                rule.meta.name,
                dir.display()
            ));
        }
        if fail.is_empty() && !exempt_fail {
            problems.push(format!(
                "{}: no fail*.yaml in {}",
                rule.meta.name,
                dir.display()
            ));
        }
        for file in fail {
            let name = format!(
                "{}__{}",
                stem.replace('/', "__"),
                file.trim_end_matches(".yaml").trim_end_matches(".yml")
            );
            let snapshot = root.join("snapshots/rules").join(format!("{name}.snap"));
            if !snapshot.is_file() {
                problems.push(format!(
                    "{}: no snapshot {}",
                    rule.meta.name,
                    snapshot.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rule_ids_follow_the_area_numbering() {
    let catalog = Catalog::builtin().unwrap();
    let areas = [
        ("core", "KW0"),
        ("rbac", "KW1"),
        ("network", "KW2"),
        ("images", "KW3"),
        ("egress", "KW4"),
        ("hardening", "KW5"),
        ("reliability", "KW6"),
        ("secrets", "KW7"),
        ("lifecycle", "KW8"),
    ];
    for rule in catalog.rules() {
        let prefix = areas
            .iter()
            .find(|(category, _)| *category == rule.meta.category)
            .map(|(_, prefix)| *prefix)
            .unwrap_or_else(|| {
                panic!(
                    "{}: unknown category {}",
                    rule.meta.name, rule.meta.category
                )
            });
        assert!(
            rule.meta.id.starts_with(prefix) && rule.meta.id.len() == 5,
            "{}: id {} should be {prefix}xx",
            rule.meta.name,
            rule.meta.id
        );
    }
}

/// An engine with library files of the repository and a module of checks written for a test.
fn library_engine(files: &[&str], checks: &str) -> regorus::Engine {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    for file in files {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        engine.add_policy((*file).to_owned(), text).unwrap();
    }
    engine
        .add_policy("checks.rego".to_owned(), checks.to_owned())
        .unwrap();
    engine
}

/// The frozen registries' prefixes are written normalized (they are matched without being
/// normalized for every image).
#[test]
fn the_frozen_registries_are_written_normalized() {
    let mut engine = library_engine(
        &[
            "rules/lib/kubeward.rego",
            "rules/lib/images.rego",
            "rules/lib/supply.rego",
            "rules/images/image_frozen_k8s_registry.rego",
        ],
        r#"package check
import rego.v1
prefixes := data.kubeward.rules.images.image_frozen_k8s_registry.frozen_prefixes
normalized := [data.kubeward.lib.supply.normalized_entry(p) | some p in prefixes]
"#,
    );
    let prefixes = engine.eval_rule("data.check.prefixes".to_owned()).unwrap();
    let normalized = engine
        .eval_rule("data.check.normalized".to_owned())
        .unwrap();
    assert_eq!(prefixes.as_array().unwrap().len(), 3);
    assert_eq!(normalized, prefixes);
}

/// `_maybe_credential` screens values with one pattern before the credential formats are
/// tried: a sample of every format (and of each variant a format's pattern names) must get
/// through it and be recognized, and ordinary values must not be taken for credentials.
#[test]
fn a_sample_of_every_credential_format_is_recognized() {
    let mut engine = library_engine(
        &["rules/lib/secrets.rego"],
        "package check\nimport rego.v1\nformats := data.kubeward.lib.secrets.credential_formats(input.value)\n",
    );
    let a36 = "a".repeat(36);
    let samples: Vec<(String, &str)> = vec![
        ("AKIAIOSFODNN7EXAMPLE".into(), "an AWS access key id"),
        ("id ASIAY34FZKBOKMUTVV7A".into(), "an AWS access key id"),
        ("ABIAY34FZKBOKMUTVV7A".into(), "an AWS access key id"),
        ("ACCAY34FZKBOKMUTVV7A".into(), "an AWS access key id"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE".into(),
            "a private key",
        ),
        (
            "-----BEGIN PGP PRIVATE KEY BLOCK-----".into(),
            "a private key",
        ),
        (format!("ghp_{a36}"), "a GitHub token"),
        (format!("gho_{a36}"), "a GitHub token"),
        (format!("ghu_{a36}"), "a GitHub token"),
        (format!("ghs_{a36}"), "a GitHub token"),
        (format!("ghr_{a36}"), "a GitHub token"),
        (format!("github_pat_{}", "B".repeat(22)), "a GitHub token"),
        ("glpat-abcdefghij0123456789".into(), "a GitLab token"),
        ("xoxb-1234567890-abcdefghij".into(), "a Slack token"),
        (
            "https://hooks.slack.com/services/T0001/B0002/abcdefghijkl".into(),
            "a Slack webhook URL",
        ),
        (
            "eyJhbGciOi.eyJzdWIiOi.dozjgNryP4J3jVmNHl0w5N".into(),
            "a JSON Web Token",
        ),
        (format!("AIza{}", "x".repeat(35)), "a Google API key"),
        ("sk_live_0123456789abcdefghij".into(), "a Stripe secret key"),
        ("rk_live_0123456789abcdefghij".into(), "a Stripe secret key"),
        (
            "Bearer abcdefgh12345678".into(),
            "an HTTP authorization header",
        ),
        (
            "BASIC dXNlcjpwYXNzd29yZA==".into(),
            "an HTTP authorization header",
        ),
        (
            "token 0123456789abcdef".into(),
            "an HTTP authorization header",
        ),
        (
            "postgres://app:s3cr3t@db:5432/app".into(),
            "a URL with a password",
        ),
    ];
    for (value, format) in &samples {
        engine
            .set_input_json(&serde_json::json!({"value": value}).to_string())
            .unwrap();
        let found = engine.eval_rule("data.check.formats".to_owned()).ok();
        let found = found.and_then(|found| {
            found
                .as_set()
                .ok()
                .map(|set| set.iter().map(ToString::to_string).collect::<Vec<_>>())
        });
        assert!(
            found
                .as_ref()
                .is_some_and(|kinds| kinds.contains(&format!("{format:?}"))),
            "{value:?}: {found:?}, expected {format:?}"
        );
    }
    for value in [
        "nginx:1.27",
        "postgres://db:5432/app",
        "a basic setting",
        "0123456789",
    ] {
        engine
            .set_input_json(&serde_json::json!({"value": value}).to_string())
            .unwrap();
        let found = engine.eval_rule("data.check.formats".to_owned()).unwrap();
        assert!(
            found.as_set().is_ok_and(|set| set.is_empty()),
            "{value:?}: {found}"
        );
    }
}

/// `image_reference` splits a reference with one pattern; it must agree with the split
/// written out (the last "@", then the last ":" unless a "/" follows it) on every shape of
/// reference, odd ones included.
#[test]
fn image_references_are_split_as_written_out() {
    let mut engine = library_engine(
        &["rules/lib/images.rego"],
        r#"package reference
import rego.v1
split(image) := {"registry": data.kubeward.lib._registry(name), "repository": name, "tag": tag, "digest": digest} if {
	[name_tag, digest] := _split_last(image, "@")
	[name, tag] := _split_tag(name_tag)
}
_split_last(s, separator) := [substring(s, 0, i), substring(s, i + 1, -1)] if {
	i := _last_index(s, separator)
	i >= 0
} else := [s, ""]
_split_tag(name_tag) := [substring(name_tag, 0, i), substring(name_tag, i + 1, -1)] if {
	i := _last_index(name_tag, ":")
	i > _last_index(name_tag, "/")
} else := [name_tag, ""]
_last_index(s, sub) := max(indexes) if {
	indexes := indexof_n(s, sub)
	count(indexes) > 0
} else := -1
both := [data.kubeward.lib.image_reference(input.image), split(input.image)]
"#,
    );
    let images = [
        "nginx",
        "nginx:1.27",
        "nginx:1.27@sha256:abc",
        "nginx@sha256:abc",
        "docker.io/library/nginx:latest",
        "localhost:5000/app",
        "localhost:5000/app:1.0",
        "localhost/app",
        "registry.example.com:443/team/app:v2@sha256:0123",
        "a:b:c",
        "a/b:c/d:e",
        "a:b/c",
        "a@b@c",
        "a@b:c",
        "a:b@c@d",
        "a@b:c@d",
        "a:@b",
        ":",
        "@",
        ":@",
        "/:",
        "",
        "app:tag\nwith a newline",
        "app@sha256:x\n@y",
        "r\u{e9}gistre.example/\u{e9}t\u{e9}:v\u{e9}",
        " nginx : 1 ",
    ];
    for image in images {
        engine
            .set_input_json(&serde_json::json!({"image": image}).to_string())
            .unwrap();
        let both = engine.eval_rule("data.reference.both".to_owned()).unwrap();
        let both = both.as_array().unwrap();
        assert_eq!(both.len(), 2, "{image:?}");
        assert_eq!(both[0], both[1], "{image:?}");
    }
}

/// `pod_metadata_paths` is written out in the library (a rule's value is computed for every
/// object); it must be `pod_spec_paths` with "metadata" for the last step of each path.
#[test]
fn pod_metadata_paths_follow_the_pod_spec_paths() {
    let mut engine = library_engine(
        &["rules/lib/kubeward.rego"],
        r#"package check
import rego.v1
derived := {kind: array.concat(array.slice(path, 0, count(path) - 1), ["metadata"]) |
	some kind, path in data.kubeward.lib.pod_spec_paths
}
"#,
    );
    let derived = engine.eval_rule("data.check.derived".to_owned()).unwrap();
    let written = engine
        .eval_rule("data.kubeward.lib.pod_metadata_paths".to_owned())
        .unwrap();
    assert_eq!(written, derived);
    assert_eq!(written.as_object().unwrap().len(), 9);
}
