//! From rendered files to `helm template`'s output: documents split at `---`, hooks told
//! apart by their `helm.sh/hook` annotation, manifests sorted by kind in install order, and
//! the `# Source:` headers.

use std::collections::BTreeMap;

use crate::engine::RenderedFile;

/// Kinds in the order Helm installs them.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// The fields Helm reads from each document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Head {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
}

/// One document of a rendered file.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The template it comes from.
    pub name: String,
    /// Its text (trimmed).
    pub content: String,
    /// Byte offset of `content` in the rendered file.
    pub offset: usize,
    /// Its head.
    pub head: Head,
    /// For hooks: the events (lowercase), and whether it is a test.
    pub hook_events: Vec<String>,
    /// For hooks: `helm.sh/hook-weight`.
    pub hook_weight: i64,
}

impl Manifest {
    /// Whether this document is a hook.
    pub fn is_hook(&self) -> bool {
        !self.hook_events.is_empty()
    }

    /// Whether it is a test hook (dropped by `--skip-tests`).
    pub fn is_test(&self) -> bool {
        self.hook_events
            .iter()
            .any(|e| e == "test" || e == "test-success")
    }
}

/// Helm's `SplitManifests`: documents separated by lines starting with `---`, each trimmed,
/// with the byte offset of its text.
pub fn split_manifests(text: &str) -> Vec<(usize, String)> {
    let leading = text.len() - text.trim_start().len();
    let mut docs = Vec::new();
    let mut start = leading;
    let mut line_start = leading;
    let bytes = text.as_bytes();
    let push = |from: usize, to: usize, docs: &mut Vec<(usize, String)>| {
        let chunk = text.get(from..to).unwrap_or("");
        let trimmed_start = chunk.len() - chunk.trim_start().len();
        let trimmed = chunk.trim();
        if !trimmed.is_empty() {
            docs.push((from + trimmed_start, trimmed.to_owned()));
        }
    };
    while line_start <= text.len() {
        if text
            .get(line_start..)
            .is_some_and(|rest| rest.starts_with("---"))
        {
            push(start, line_start, &mut docs);
            let mut after = line_start + 3;
            while matches!(bytes.get(after), Some(b' ' | b'\t')) {
                after += 1;
            }
            start = after;
        }
        match text.get(line_start..).and_then(|rest| rest.find('\n')) {
            Some(newline) => line_start += newline + 1,
            None => break,
        }
    }
    push(start, text.len(), &mut docs);
    docs
}

/// Reads a document's head as Helm's `yaml.Unmarshal` into `SimpleHead` does.
fn head_of(doc: &str) -> Result<Head, String> {
    let parsed = kube_yaml::parse(doc);
    if let Some(err) = parsed.errors.iter().find(|e| e.kind.is_fatal()) {
        let line = doc
            .get(..err.range.start as usize)
            .map_or(0, |b| b.matches('\n').count())
            + 1;
        return Err(format!(
            "error converting YAML to JSON: yaml: line {line}: {}",
            err.message
        ));
    }
    let Some(root) = parsed.documents.into_iter().find_map(|d| d.root) else {
        return Ok(Head::default());
    };
    let wrong = |what: &str, field: &str| {
        format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {what} into Go struct field {field} of type string"
        )
    };
    let json_kind = |value: &kube_yaml::Value| match value {
        kube_yaml::Value::Seq(_) => "array",
        kube_yaml::Value::Map(_) => "object",
        kube_yaml::Value::Bool(_) => "bool",
        kube_yaml::Value::Int(_) | kube_yaml::Value::Float(_) => "number",
        _ => "string",
    };
    if !matches!(root.value, kube_yaml::Value::Map(_)) {
        return Err(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type util.SimpleHead",
            json_kind(&root.value)
        ));
    }
    let text = |node: Option<&kube_yaml::Node>, field: &str| -> Result<String, String> {
        match node.map(|n| &n.value) {
            None | Some(kube_yaml::Value::Null) => Ok(String::new()),
            Some(kube_yaml::Value::Str(s)) => Ok(s.to_string()),
            Some(other) => Err(wrong(json_kind(other), field)),
        }
    };
    let mut head = Head {
        api_version: text(root.get("apiVersion"), "SimpleHead.apiVersion")?,
        kind: text(root.get("kind"), "SimpleHead.kind")?,
        ..Head::default()
    };
    if let Some(metadata) = root.get("metadata") {
        head.name = text(metadata.get("name"), "SimpleHead.metadata.name")?;
        if let Some(entries) = metadata
            .get("annotations")
            .and_then(kube_yaml::Node::as_map)
        {
            for entry in entries {
                let value = text(Some(&entry.value), "SimpleHead.metadata.annotations")?;
                head.annotations.insert(entry.key.to_string(), value);
            }
        }
    }
    Ok(head)
}

/// Helm's `SortManifests`: hooks and other manifests, each sorted by kind.
pub fn sort_manifests(files: &[RenderedFile]) -> Result<(Vec<Manifest>, Vec<Manifest>), String> {
    let mut sorted: Vec<&RenderedFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut hooks = Vec::new();
    let mut manifests = Vec::new();
    for file in sorted {
        let base = file.name.rsplit('/').next().unwrap_or(&file.name);
        if base.starts_with('_') || file.output.text.trim().is_empty() {
            continue;
        }
        for (offset, content) in split_manifests(&file.output.text) {
            let head =
                head_of(&content).map_err(|e| format!("YAML parse error on {}: {e}", file.name))?;
            let mut manifest = Manifest {
                name: file.name.clone(),
                content,
                offset,
                head,
                hook_events: Vec::new(),
                hook_weight: 0,
            };
            let Some(hook) = manifest.head.annotations.get("helm.sh/hook").cloned() else {
                manifests.push(manifest);
                continue;
            };
            let events: Vec<String> = hook.split(',').map(|e| e.trim().to_lowercase()).collect();
            if events.iter().any(|e| !HOOK_EVENTS.contains(&e.as_str())) {
                // Helm skips documents with unknown hook events.
                continue;
            }
            manifest.hook_weight = manifest
                .head
                .annotations
                .get("helm.sh/hook-weight")
                .and_then(|w| w.parse().ok())
                .unwrap_or(0);
            manifest.hook_events = events;
            hooks.push(manifest);
        }
    }
    sort_by_kind(&mut hooks);
    sort_by_kind(&mut manifests);
    Ok((hooks, manifests))
}

fn sort_by_kind(manifests: &mut [Manifest]) {
    let rank = |kind: &str| INSTALL_ORDER.iter().position(|k| *k == kind);
    manifests.sort_by(|a, b| match (rank(&a.head.kind), rank(&b.head.kind)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.head.kind.cmp(&b.head.kind),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm() {
        let docs = split_manifests("\n\na: 1\n---\nb: 2\n--- # c\nc: 3\n---\n\n");
        let texts: Vec<&str> = docs.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["a: 1", "b: 2", "# c\nc: 3"]);
        assert_eq!(docs[1].0, "\n\na: 1\n---\n".len());
    }
}
