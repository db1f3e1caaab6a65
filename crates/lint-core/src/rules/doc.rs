//! A rule's documentation, rendered from its METADATA: what `kubeward explain` prints and
//! what the generated rule reference is made of.

use std::fmt::Write as _;

use super::Rule;

/// The rule's documentation as Markdown.
pub fn markdown(rule: &Rule) -> String {
    let meta = &rule.meta;
    let mut out = String::new();
    let _ = writeln!(out, "# {} {}: {}\n", meta.id, meta.name, meta.title);
    let _ = writeln!(
        out,
        "Severity: **{}** · Category: `{}` · Kinds: {}\n",
        meta.severity,
        meta.category,
        meta.kinds
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if meta.opt_in {
        let _ = writeln!(
            out,
            "Opt-in: this rule runs only when enabled, e.g. `enable: [{}]` in `.kubeward.yaml` or `--enable {}`.\n",
            meta.name, meta.name
        );
    }
    if !meta.aliases.is_empty() {
        let _ = writeln!(out, "Also known as: {}\n", meta.aliases.join(", "));
    }
    let _ = writeln!(out, "## Why\n\n{}\n", meta.description);
    let _ = writeln!(out, "## How to fix\n\n{}\n", meta.remediation);
    if let Some(properties) = meta
        .params
        .as_ref()
        .and_then(|p| p.get("properties"))
        .and_then(serde_json::Value::as_object)
    {
        let _ = writeln!(
            out,
            "## Parameters\n\n| name | type | default | description |\n| --- | --- | --- | --- |"
        );
        for (name, property) in properties {
            let text = |key: &str| {
                property
                    .get(key)
                    .map(|v| match v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .unwrap_or_default()
            };
            let default = property
                .get("default")
                .map(|d| format!("`{d}`"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| `{name}` | {} | {default} | {} |",
                text("type"),
                text("description").replace('\n', " ")
            );
        }
        // The defaults, as a starting point (JSON values are YAML flow values).
        let mut example = format!("rules:\n  {}:\n    params:\n", meta.name);
        for (name, property) in properties {
            match property.get("default") {
                Some(default) => {
                    let _ = writeln!(example, "      {name}: {default}");
                }
                None => {
                    let _ = writeln!(example, "      # {name}: (no default)");
                }
            }
        }
        let _ = writeln!(
            out,
            "\nSet them in `.kubeward.yaml` (shown with their defaults):\n\n```yaml\n{example}```\n"
        );
    }
    let examples: Vec<_> = super::examples(rule).collect();
    if !examples.is_empty() {
        let _ = writeln!(out, "## Examples\n");
        for (failing, yaml) in examples {
            let caption = if failing {
                "Reported (each line marked `# fail` gets a finding):"
            } else {
                "Not reported:"
            };
            let _ = writeln!(out, "{caption}\n\n```yaml\n{}\n```\n", yaml.trim_end());
        }
    }
    let _ = writeln!(
        out,
        "## Suppressing\n\n```yaml\n# kubeward:ignore {} -- reason\n```\n\nor the annotation `kubeward.io/ignore: \"{}\"` on the object.\n",
        meta.id, meta.name
    );
    if !meta.peers.is_empty() {
        let _ = writeln!(out, "## The same check elsewhere\n");
        for (tool, checks) in &meta.peers {
            let checks: Vec<String> = checks.iter().map(|c| format!("`{c}`")).collect();
            let _ = writeln!(out, "- {tool}: {}", checks.join(", "));
        }
        let _ = writeln!(out);
    }
    if !meta.references.is_empty() {
        let _ = writeln!(out, "## References\n");
        for reference in &meta.references {
            let _ = writeln!(out, "- <{reference}>");
        }
    }
    out
}

/// The rule as `kubeward rules --format json` lists it: its METADATA, its documentation URL,
/// and whether it is built in.
pub fn catalog_entry(rule: &Rule) -> serde_json::Value {
    let meta = &rule.meta;
    serde_json::json!({
        "id": meta.id,
        "name": meta.name,
        "title": meta.title,
        "description": meta.description,
        "severity": meta.severity,
        "category": meta.category,
        "kinds": meta.kinds,
        "remediation": meta.remediation,
        "references": meta.references,
        "params": meta.params,
        "aliases": meta.aliases,
        "opt_in": meta.opt_in,
        "url": rule.url(),
        "builtin": rule.origin == super::Origin::Builtin,
    })
}
