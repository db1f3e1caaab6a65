//! Schema validation end to end: the shared corpus (every finding reviewed), custom resources
//! from CRDs of the run and from catalogue files, removed APIs, and the values the API server
//! accepts where a naive schema check would not (IntOrString, quantities, nulls).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::Path;

use lint_core::{Catalog, Config, Linter, SchemaFile, SourceFile, SourceSet};

fn linter(rules: &[&str], kube_version: Option<&str>) -> Linter {
    let config = Config {
        select: Some(rules.iter().map(|r| (*r).to_owned()).collect()),
        kube_version: kube_version.map(str::to_owned),
        ..Config::default()
    };
    Linter::new(Catalog::builtin().unwrap(), &config).unwrap()
}

/// `file:line:col: message` of the findings of one rule.
fn findings(linter: &Linter, set: &SourceSet, rule: &str) -> Vec<String> {
    let report = linter.lint(set);
    report
        .reported()
        .filter(|d| d.rule.name == rule)
        .map(|d| {
            let file = set.get(d.primary.span.source).unwrap();
            let at = file.position(d.primary.span.range.start);
            format!("{}:{}:{}: {}", file.path(), at.line, at.column, d.message)
        })
        .collect()
}

fn one_file(text: &str) -> SourceSet {
    let mut set = SourceSet::new();
    set.add(SourceFile::new("test.yaml", text));
    set
}

/// The corpora the reviewed list covers: directories of `../shared/corpus`. Rendered charts
/// join this list once chart linting lands (as another key of the reviewed list).
const CORPORA: &[&str] = &["manifests"];

#[test]
fn the_shared_corpus_has_no_schema_finding_but_its_reviewed_defects() {
    let reviewed: serde_json::Value = {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/schema-corpus.yaml"),
        )
        .unwrap();
        let parsed = lint_core::yaml::parse(&text);
        parsed.documents[0].root.as_ref().unwrap().to_json()
    };
    let linter = linter(&["schema-violation"], None);
    for corpus in CORPORA {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus")
            .join(corpus);
        let mut paths = walk(&root);
        paths.sort();
        assert!(paths.len() > 100, "corpus {corpus} not found");
        let mut set = SourceSet::new();
        for path in paths {
            let display = path.strip_prefix(&root).unwrap().display().to_string();
            set.add(SourceFile::from_bytes(
                display,
                &std::fs::read(&path).unwrap(),
            ));
        }
        let found: BTreeSet<String> = findings(&linter, &set, "schema-violation")
            .into_iter()
            .collect();
        let listed: BTreeSet<String> = reviewed[corpus]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                assert!(entry["reason"].as_str().is_some_and(|r| r.len() > 20));
                entry["finding"].as_str().unwrap().to_owned()
            })
            .collect();
        let unreviewed: Vec<_> = found.difference(&listed).collect();
        let gone: Vec<_> = listed.difference(&found).collect();
        assert!(
            unreviewed.is_empty() && gone.is_empty(),
            "{corpus}: findings not reviewed: {unreviewed:#?}\nreviewed findings no longer found: {gone:#?}"
        );
    }
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

/// Each case: a container `resources` or a Service port written in some form, and whether the
/// API server takes it.
#[test]
fn int_or_string_and_quantities_as_the_api_server_reads_them() {
    let linter = linter(&["schema-violation"], None);
    let cases: &[(&str, bool)] = &[
        ("targetPort: 8080", true),
        ("targetPort: http", true),
        ("targetPort: \"8080\"", true),
        ("targetPort: 80.5", false),
        ("targetPort: true", false),
        ("targetPort: [80]", false),
        ("targetPort: null", true),
        ("targetPort:", true),
        ("port: 0x50", true),
        ("port: \"80\"", false),
    ];
    for (line, ok) in cases {
        let text = format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec:\n  ports:\n  - {}\n    {line}\n",
            if line.starts_with("port:") {
                "name: web"
            } else {
                "port: 80"
            }
        );
        let found = findings(&linter, &one_file(&text), "schema-violation");
        assert_eq!(found.is_empty(), *ok, "{line}: {found:#?}");
    }
    let quantities: &[(&str, bool)] = &[
        ("500m", true),
        ("0.5", true),
        ("1", true),
        ("1e3", true),
        ("2Gi", true),
        ("\"2Gi\"", true),
        ("128974848", true),
        ("1.5e-3", true),
        ("+1", true),
        ("null", true),
        ("1GB", false),
        ("2gi", false),
        ("\"\"", false),
        ("yes", false),
        ("[1]", false),
        ("1 Gi", false),
    ];
    for (value, ok) in quantities {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    resources:\n      limits:\n        memory: {value}\n"
        );
        let found = findings(&linter, &one_file(&text), "schema-violation");
        assert_eq!(found.is_empty(), *ok, "{value}: {found:#?}");
    }
}

#[test]
fn custom_resources_follow_the_crd_of_the_run_and_the_served_version() {
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: gadgets.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Gadget, plural: gadgets}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            properties:\n              count: {type: integer}\n              labels: {type: object, additionalProperties: {type: string}}\n              template:\n                type: object\n                x-kubernetes-embedded-resource: true\n                properties:\n                  spec: {type: object, x-kubernetes-preserve-unknown-fields: true}\n  - name: v0\n    served: false\n    storage: false\n    schema:\n      openAPIV3Schema: {type: object}\n";
    let gadget = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g, annotations: {a: b}}\nspec:\n  count: two\n  labels: {tier: 1}\n  template:\n    apiVersion: v1\n    kind: Pod\n    metadata: {name: inner}\n    spec: {anything: [1]}\n";
    let old = "apiVersion: example.com/v0\nkind: Gadget\nmetadata: {name: old}\n";
    let mut set = SourceSet::new();
    set.add(SourceFile::new("crd.yaml", crd));
    set.add(SourceFile::new(
        "gadget.yaml",
        format!("{gadget}---\n{old}"),
    ));
    let linter = linter(&["schema-violation", "schema-not-found"], None);
    let report = linter.lint(&set);
    let found: Vec<String> = report
        .reported()
        .map(|d| format!("{}: {}", d.rule.name, d.message))
        .collect();
    assert_eq!(
        found,
        vec![
            "schema-violation: Gadget \"g\": `spec.count` must be an integer, not a string",
            "schema-violation: Gadget \"g\": `spec.labels.tier` must be a string, not an integer",
            "schema-not-found: no schema for Gadget (example.com/v0), so it is not validated",
        ]
    );
}

#[test]
fn catalogue_schemas_validate_kinds_no_crd_describes() {
    let schema = SchemaFile {
        path: "monitoring.coreos.com/servicemonitor_v1.json".into(),
        display: "catalogue/monitoring.coreos.com/servicemonitor_v1.json".into(),
        text: r#"{"type": "object", "required": ["spec"], "properties": {"spec": {"type": "object", "required": ["selector"], "properties": {"selector": {"type": "object"}, "endpoints": {"type": "array", "items": {"type": "object", "properties": {"port": {"type": "string"}, "interval": {"type": "string", "pattern": "^[0-9]+[smh]$"}}}}}}}}"#.into(),
    };
    let linter = linter(&["schema-violation"], None)
        .with_schema_files(&[schema])
        .unwrap();
    let text = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\nspec:\n  endpoints:\n  - port: web\n    interval: 30 seconds\n    path: /metrics\n";
    let found = findings(&linter, &one_file(text), "schema-violation");
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].starts_with(
            "test.yaml:4:1: ServiceMonitor \"web\" lacks the required field `spec.selector`"
        ),
        "{found:#?}"
    );
    assert!(
        found[1]
            .starts_with("test.yaml:7:15: ServiceMonitor \"web\": `spec.endpoints[0].interval`"),
        "{found:#?}"
    );
    assert!(
        found[2].starts_with(
            "test.yaml:8:5: ServiceMonitor \"web\" has an unknown field `spec.endpoints[0].path`"
        ),
        "{found:#?}"
    );

    let bad = SchemaFile {
        path: "servicemonitor.json".into(),
        display: "catalogue/servicemonitor.json".into(),
        text: "{}".into(),
    };
    let err = linter.with_schema_files(&[bad]).unwrap_err();
    assert!(
        err.to_string().contains("{group}/{kind}_{version}.json"),
        "{err}"
    );
}

#[test]
fn removed_apis_are_reported_by_the_lifecycle_rules_not_validated() {
    let text = "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  bogus: field\n---\napiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: {name: f}\nspec:\n  bogus: field\n";
    let at = |version: Option<&str>| {
        let linter = linter(
            &[
                "schema-violation",
                "schema-not-found",
                "api-version-removed",
            ],
            version,
        );
        let report = linter.lint(&one_file(text));
        report
            .reported()
            .map(|d| format!("{}: {}", d.rule.name, d.message))
            .collect::<Vec<_>>()
    };
    let newest = at(None);
    assert_eq!(newest.len(), 2, "{newest:#?}");
    assert!(
        newest.iter().all(|f| f.starts_with("api-version-removed")),
        "{newest:#?}"
    );
    // At 1.30 the flow-control beta is served, so it is validated.
    let older = at(Some("1.30"));
    assert!(
        older.contains(
            &"schema-violation: FlowSchema \"f\" has an unknown field `spec.bogus`".to_owned()
        ),
        "{older:#?}"
    );
}

#[test]
fn every_version_validates_and_the_default_is_the_newest() {
    assert_eq!(
        lint_core::DEFAULT_KUBE_VERSION,
        lint_core::schema::NEWEST_VERSION
    );
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {enabled: yes}\n";
    for minor in lint_core::schema::VERSIONS {
        let linter = linter(&["schema-violation"], Some(&format!("1.{minor}")));
        let found = findings(&linter, &one_file(text), "schema-violation");
        assert_eq!(found.len(), 1, "1.{minor}: {found:#?}");
    }
}

#[test]
fn int32_fields_refuse_numbers_go_cannot_decode() {
    let linter = linter(&["schema-violation"], None);
    let text = |replicas: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: d}}}}\n  template:\n    metadata: {{labels: {{app: d}}}}\n    spec:\n      containers: [{{name: c, image: nginx:1.27}}]\n"
        )
    };
    assert!(findings(&linter, &one_file(&text("2147483647")), "schema-violation").is_empty());
    let found = findings(&linter, &one_file(&text("2147483648")), "schema-violation");
    assert_eq!(
        found,
        vec![
            "test.yaml:5:13: Deployment \"d\": `spec.replicas`: 2147483648 is greater than the maximum of 2147483647"
        ]
    );
}
