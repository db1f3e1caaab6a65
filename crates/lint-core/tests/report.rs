//! Fingerprints and baselines through the library API: what must not change a finding's
//! identity (moved lines, other documents, reordered fields and list items, the directory
//! kubeward runs in) and what must.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use lint_core::report::{Baseline, PathBase, fingerprints};
use lint_core::{Catalog, Config, Linter, SourceFile, SourceSet, SuppressionKind};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:latest\n  - name: sidecar\n    image: envoy:latest\n";

fn linter() -> Linter {
    let config = Config {
        select: Some(vec!["KW301".into(), "KW604".into()]),
        ..Config::default()
    };
    Linter::new(Catalog::builtin().unwrap(), &config).unwrap()
}

/// `(rule, message, fingerprint hash)` of every finding, sorted by message.
fn prints(path: &str, text: &str, base: &PathBase) -> Vec<(String, String, String)> {
    let mut sources = SourceSet::new();
    sources.add(SourceFile::new(path, text));
    let report = linter().lint(&sources);
    let mut out: Vec<_> = report
        .diagnostics
        .iter()
        .zip(fingerprints(&report, &sources, base))
        .map(|(d, f)| (d.rule.id.clone(), d.message.clone(), f.hash))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

#[test]
fn fingerprints_ignore_lines_and_order_but_not_values() {
    let base = PathBase::identity();
    let before = prints("k8s/pod.yaml", POD, &base);
    assert_eq!(before.len(), 4);
    let moved =
        format!(
        "# a comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n{}",
        POD.replace(
            "  - name: web\n    image: nginx:latest\n  - name: sidecar\n    image: envoy:latest\n",
            "  - image: envoy:latest\n    name: sidecar\n  - name: web\n\n    image: nginx:latest\n"
        )
        .replace("metadata:\n  name: web\n", "metadata:\n  labels: {a: b}\n  name: web\n")
    );
    assert_eq!(prints("k8s/pod.yaml", &moved, &base), before);
    // The same file named from another directory of the repository.
    let nested = PathBase::new("/repo", "/repo/k8s");
    assert_eq!(prints("pod.yaml", POD, &nested), before);
    // Another value, another file, another object: other findings.
    let retagged = prints(
        "k8s/pod.yaml",
        &POD.replace("nginx:latest", "nginx:main"),
        &base,
    );
    assert_ne!(retagged, before);
    assert!(retagged.iter().any(|p| before.contains(p)));
    assert!(
        prints("k8s/other.yaml", POD, &base)
            .iter()
            .all(|p| !before.contains(p))
    );
    let renamed = prints(
        "k8s/pod.yaml",
        &POD.replace("  name: web\nspec", "  name: api\nspec"),
        &base,
    );
    assert!(renamed.iter().all(|p| !before.contains(p)));
}

#[test]
fn baselines_round_trip_and_cover_each_finding_once() {
    let base = PathBase::identity();
    let mut sources = SourceSet::new();
    sources.add(SourceFile::new("pod.yaml", POD));
    let report = linter().lint(&sources);
    let baseline = Baseline::from_report(&report, &sources, &base);
    let read = Baseline::from_json(&baseline.to_json()).unwrap();
    assert_eq!(read, baseline);
    assert!(Baseline::from_json("{\"version\": 9, \"findings\": []}").is_err());

    // A second, identical pod document: its findings have the same fingerprints, and the
    // baseline covers only as many as it recorded.
    let mut doubled = SourceSet::new();
    doubled.add(SourceFile::new("pod.yaml", format!("{POD}---\n{POD}")));
    let mut report = linter().lint(&doubled);
    let matched = report.apply_baseline(&read, &doubled, &base, "baseline.json");
    assert_eq!(matched, 4);
    assert_eq!(report.reported().count(), 4);
    assert_eq!(report.summary().baselined, 4);
    let suppressed = report
        .diagnostics
        .iter()
        .find_map(|d| d.suppressed.as_ref())
        .unwrap();
    assert_eq!(suppressed.kind, SuppressionKind::Baseline);
    assert_eq!(
        suppressed.reason.as_deref(),
        Some("recorded in the baseline baseline.json")
    );
}
