//! Embeds the built-in rule catalogue: every `.rego` file under the workspace's `rules/`.
//! The folder is the registry; nothing else lists the rules.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let rules = manifest.join("../../rules");
    println!("cargo::rerun-if-changed={}", rules.display());
    let mut files = Vec::new();
    collect(&rules, &rules, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Built-in Rego files: (path relative to rules/, source).\npub(super) static FILES: &[(&str, &str)] = &[\n",
    );
    for (relative, absolute) in &files {
        println!("cargo::rerun-if-changed={}", absolute.display());
        let _ = writeln!(
            out,
            "    ({relative:?}, include_str!({:?})),",
            absolute.display().to_string()
        );
    }
    out.push_str("];\n");
    // The first pass and fail fixture of each rule become the examples of its documentation.
    let mut examples = Vec::new();
    for (relative, absolute) in &files {
        let Some(stem) = relative.strip_suffix(".rego") else {
            continue;
        };
        let dir = absolute.with_extension("");
        for kind in ["fail", "pass"] {
            let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(kind))
                        && p.extension().is_some_and(|e| e == "yaml")
                })
                .collect();
            fixtures.sort();
            if let Some(first) = fixtures.first() {
                println!("cargo::rerun-if-changed={}", first.display());
                examples.push((format!("{stem}.rego"), kind, first.display().to_string()));
            }
        }
    }
    out.push_str("/// Documentation examples: (rule path, `pass` or `fail`, fixture text).\npub(super) static EXAMPLES: &[(&str, &str, &str)] = &[\n");
    for (rule, kind, path) in &examples {
        let _ = writeln!(out, "    ({rule:?}, {kind:?}, include_str!({path:?})),");
    }
    out.push_str("];\n");
    let target =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("builtin_rules.rs");
    if let Err(err) = std::fs::write(&target, out) {
        println!("cargo::error=cannot write {}: {err}", target.display());
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo::rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "rego") {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path));
        }
    }
}
