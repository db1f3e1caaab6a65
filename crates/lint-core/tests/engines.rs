//! Built-in rules run on regorus's bytecode VM; the tree-walking interpreter is Rego's
//! reference here. Every fixture of every rule, and the shared corpus's manifests when they
//! are beside the repository, must give the same report either way: a built-in rule whose
//! VM results differ belongs in `lint_core::rules::INTERPRETED`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lint_core::{Catalog, Config, Diagnostic, Linter, SourceFile, SourceSet};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            && !path.to_string_lossy().ends_with(".kubeward.yaml")
        {
            out.push(path);
        }
    }
}

/// The rules whose diagnostics differ between the two engines on this set.
fn differing(config: &Config, sources: &SourceSet, differ: &mut BTreeSet<String>) {
    let vm = Linter::new(Catalog::builtin().unwrap(), config).unwrap();
    let interpreter = vm.clone().interpreter_only();
    let (a, b) = (vm.lint(sources), interpreter.lint(sources));
    let by_rule = |d: &[Diagnostic], rule: &str| -> Vec<String> {
        d.iter()
            .filter(|d| d.rule.name == rule)
            .map(|d| format!("{d:?}"))
            .collect()
    };
    let rules: BTreeSet<&str> = a
        .diagnostics
        .iter()
        .chain(&b.diagnostics)
        .map(|d| d.rule.name.as_str())
        .collect();
    for rule in rules {
        if by_rule(&a.diagnostics, rule) != by_rule(&b.diagnostics, rule) {
            differ.insert(rule.to_owned());
        }
    }
    // A rule that fails on one engine only is named in the message.
    let errors = |d: &[Diagnostic]| -> BTreeSet<String> {
        d.iter()
            .filter(|d| d.rule.name == "rule-evaluation-error")
            .map(|d| d.message.clone())
            .collect()
    };
    for message in errors(&a.diagnostics).symmetric_difference(&errors(&b.diagnostics)) {
        if let Some(name) = message.split('`').nth(1) {
            differ.insert(format!("{name} (fails on one engine: {message})"));
        }
    }
}

#[test]
fn vm_and_interpreter_agree_on_fixtures_and_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut differ = BTreeSet::new();

    let mut fixtures = Vec::new();
    yaml_files(&root.join("rules"), &mut fixtures);
    assert!(fixtures.len() > 100, "fixtures not found");
    for path in &fixtures {
        let config = match std::fs::read_to_string(path.with_file_name(".kubeward.yaml")) {
            Ok(text) => Config::from_yaml(".kubeward.yaml", &text).unwrap(),
            Err(_) => Config::default(),
        };
        let mut sources = SourceSet::new();
        let text = std::fs::read_to_string(path).unwrap();
        sources.add(SourceFile::new(path.display().to_string(), text));
        differing(&config, &sources, &mut differ);
    }

    let mut corpus = Vec::new();
    yaml_files(&root.join("../shared/corpus/manifests"), &mut corpus);
    let mut sources = SourceSet::new();
    for path in &corpus {
        let bytes = std::fs::read(path).unwrap();
        sources.add(SourceFile::from_bytes(path.display().to_string(), &bytes));
    }
    differing(&Config::default(), &sources, &mut differ);

    assert!(
        differ.is_empty(),
        "rules whose results differ on the VM (list them in INTERPRETED): {differ:?}"
    );
}
