//! Embeds the built-in rule catalogue: every `.rego` file under the workspace's `rules/`.
//! The folder is the registry; nothing else lists the rules.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

// The crate's reading of a rule's `# METADATA` block; `Block::locate` serves its errors only.
#[allow(dead_code)]
#[path = "src/rules/block.rs"]
mod block;

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
    // Each built-in rule's METADATA, read from YAML into JSON here rather than in every run
    // (src/rules/meta.rs). A block that does not parse is left out: the run reads it as YAML
    // and reports the error where it is.
    out.push_str("/// Built-in rules' METADATA as JSON: (path relative to rules/, JSON), by path.\npub(super) static METADATA: &[(&str, &str)] = &[\n");
    for (relative, absolute) in files
        .iter()
        .filter(|(relative, _)| !relative.starts_with("lib/"))
    {
        let json = std::fs::read_to_string(absolute)
            .ok()
            .and_then(|text| metadata_json(&text));
        if let Some(json) = json {
            let _ = writeln!(out, "    ({relative:?}, {json:?}),");
        }
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
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let target = out_dir.join("builtin_rules.rs");
    if let Err(err) = std::fs::write(&target, out) {
        println!("cargo::error=cannot write {}: {err}", target.display());
    }
    decompress_schemas(&manifest.join("schemas/kubernetes.json.zst"), &out_dir);
}

/// A rule file's METADATA block as JSON, if it is valid YAML.
fn metadata_json(text: &str) -> Option<String> {
    let block = block::metadata_block(text)?;
    let parsed = kube_yaml::parse(&block.yaml);
    if !parsed.errors.is_empty() {
        return None;
    }
    let root = parsed.documents.into_iter().find_map(|doc| doc.root)?;
    Some(root.to_json().to_string())
}

/// The schema bundle is kept compressed in the repository and decompressed here, so that the
/// binary holds its text as it is read (src/schema/bundle.rs): decompressing it at run time
/// took a few milliseconds of every run that validates a schema.
fn decompress_schemas(compressed: &Path, out_dir: &Path) {
    use std::io::Read as _;
    println!("cargo::rerun-if-changed={}", compressed.display());
    let target = out_dir.join("kubernetes.json");
    let text = std::fs::read(compressed)
        .map_err(|err| err.to_string())
        .and_then(|bytes| {
            let mut input = bytes.as_slice();
            let mut decoder = ruzstd::decoding::StreamingDecoder::new(&mut input)
                .map_err(|err| err.to_string())?;
            let mut text = String::new();
            decoder
                .read_to_string(&mut text)
                .map_err(|err| err.to_string())?;
            Ok(text)
        });
    match text.and_then(|text| std::fs::write(&target, text).map_err(|err| err.to_string())) {
        Ok(()) => {}
        Err(err) => println!(
            "cargo::error=cannot decompress {} into {}: {err}",
            compressed.display(),
            target.display()
        ),
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
