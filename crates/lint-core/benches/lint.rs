//! Micro benchmarks of the lint pipeline on the shared corpus (`../shared/corpus`, beside the
//! repository): YAML parsing, rule evaluation, schema validation, the whole pipeline, and
//! Helm rendering. `cargo bench -p lint-core` runs them; with no corpus they measure nothing.
//! `KUBEWARD_BENCH_MANIFESTS=DIR` measures the manifests under DIR instead of the corpus's.
//!
//! Per-object figures divide a run over every object of the corpus's manifests by their
//! count (divan's item counter), so the rule and schema figures include the pipeline's fixed
//! costs (parsing, inventory) that the end-to-end figure also has: subtract to compare.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use divan::counter::{BytesCount, ItemsCount};
use lint_core::{Catalog, ChartSettings, Config, Linter, SourceFile, SourceSet};

/// The allocator of the `kubeward` binary, so that the figures are those of the CLI's
/// pipeline (with the system allocator, its functions had some 18% of the samples of a profile
/// of `rules_per_object`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// Every file under `dir`, as (path relative to it, bytes), in path order.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

/// The manifests benchmarked: the corpus's, or the directory `KUBEWARD_BENCH_MANIFESTS`
/// names (a scale set of `scripts/scale-set`, for instance).
static MANIFESTS: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let dir = std::env::var_os("KUBEWARD_BENCH_MANIFESTS")
        .map_or_else(|| corpus().join("manifests"), PathBuf::from);
    files_under(&dir)
        .into_iter()
        .filter(|(path, _)| {
            Path::new(path)
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
});

fn manifest_set() -> SourceSet {
    let mut set = SourceSet::new();
    for (path, text) in MANIFESTS.iter() {
        set.add(SourceFile::new(path.as_str(), text.as_str()));
    }
    set
}

/// Objects of the corpus's manifests, as the linter counts them.
static OBJECTS: LazyLock<usize> =
    LazyLock::new(|| linter(Config::default()).lint(&manifest_set()).objects);

fn linter(config: Config) -> Linter {
    Linter::new(Catalog::builtin().unwrap(), &config).unwrap()
}

fn config(select: &[&str], ignore: &[&str]) -> Config {
    Config {
        select: Some(select.iter().map(|s| (*s).to_owned()).collect()),
        ignore: ignore.iter().map(|s| (*s).to_owned()).collect(),
        ..Config::default()
    }
}

/// YAML parsing alone (spanned trees of every document), in bytes per second.
#[divan::bench]
fn yaml_parse(bencher: divan::Bencher) {
    let bytes: usize = MANIFESTS.iter().map(|(_, t)| t.len()).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for (_, text) in MANIFESTS.iter() {
            divan::black_box(lint_core::yaml::parse(text));
        }
    });
}

/// Every rule, no schema validation, per object.
#[divan::bench(sample_count = 20)]
fn rules_per_object(bencher: divan::Bencher) {
    let linter = linter(config(&["all"], &["schema-violation", "schema-not-found"]));
    let set = manifest_set();
    bencher
        .counter(ItemsCount::new(*OBJECTS))
        .bench(|| linter.lint(&set));
}

/// The pipeline without rules or schema validation (parsing, the inventory and the core
/// checks), per object: `rules_per_object` less this is what evaluating the rules costs, to
/// set against `yaml_parse` (the target: rule evaluation within 5x the YAML parse time of the
/// same input; see docs/benchmarks.md).
#[divan::bench(sample_count = 20)]
fn no_rules_per_object(bencher: divan::Bencher) {
    let linter = linter(config(&[], &["schema-violation", "schema-not-found"]));
    let set = manifest_set();
    bencher
        .counter(ItemsCount::new(*OBJECTS))
        .bench(|| linter.lint(&set));
}

/// Schema validation and the core checks only, per object.
#[divan::bench(sample_count = 20)]
fn schema_per_object(bencher: divan::Bencher) {
    let linter = linter(config(&["core"], &[]));
    let set = manifest_set();
    bencher
        .counter(ItemsCount::new(*OBJECTS))
        .bench(|| linter.lint(&set));
}

/// The whole pipeline with the default configuration, per object.
#[divan::bench(sample_count = 20)]
fn end_to_end_per_object(bencher: divan::Bencher) {
    let linter = linter(Config::default());
    let set = manifest_set();
    bencher
        .counter(ItemsCount::new(*OBJECTS))
        .bench(|| linter.lint(&set));
}

/// Linting one small manifest again with the same linter, as an editor does on each keystroke
/// (the run's own costs, without the corpus's objects to spread them over).
#[divan::bench(sample_count = 50)]
fn relint_one_deployment(bencher: divan::Bencher) {
    let linter = linter(Config::default());
    let mut set = SourceSet::new();
    set.add(SourceFile::new(
        "deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n",
    ));
    bencher.bench(|| linter.lint(&set));
}

/// Building a linter: catalogue, rule compilation, schemas (the start-up of every run).
#[divan::bench(sample_count = 20)]
fn setup() -> Linter {
    linter(Config::default())
}

fn charts() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus().join("charts"))
        .map(|entries| {
            entries
                .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Rendering one chart of the corpus with default values (as `kubeward template`).
#[divan::bench(args = charts(), sample_count = 5)]
fn helm_render(bencher: divan::Bencher, chart: &str) {
    let files = files_under(&corpus().join("charts").join(chart));
    bencher.bench(|| {
        let mut set = SourceSet::new();
        for (path, bytes) in &files {
            set.add(SourceFile::from_bytes(format!("{chart}/{path}"), bytes));
        }
        set.render_charts(&ChartSettings::default());
        set
    });
}
