//! Kubernetes objects found in parsed documents, and the inventory of a whole run that
//! cross-resource rules query.

use std::sync::Arc;

use crate::diagnostic::ObjectRef;
use crate::source::{SourceId, TextRange};
use crate::yaml::{Document, Node, PathSegment, Value};

/// A Kubernetes object: one document, or one item of a `List`.
#[derive(Debug, Clone)]
pub struct Object {
    /// The file.
    pub source: SourceId,
    /// Index of the document in the file.
    pub document: usize,
    /// The object's mapping.
    pub node: Node,
    /// `apiVersion`, `kind`, `metadata.namespace`, `metadata.name` (shared by the object's
    /// findings).
    pub identity: Arc<ObjectRef>,
}

/// A document that is not a readable Kubernetes object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidObject {
    /// Where.
    pub range: TextRange,
    /// Why.
    pub message: String,
}

/// Kinds that live outside namespaces (the built-in ones; custom resources are assumed
/// namespaced unless they say otherwise, which only their CRD does).
pub const CLUSTER_SCOPED_KINDS: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "CiliumClusterwideNetworkPolicy",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// Whether a kind is cluster-scoped.
pub fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED_KINDS.contains(&kind)
}

/// Kinds that carry a pod template, and the path to it.
pub const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "PodTemplate",
];

/// Path from a workload to its pod template's `metadata` (where pod annotations live).
pub fn pod_template_metadata_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["metadata"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "metadata"],
        "PodTemplate" => &["template", "metadata"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template", "metadata"],
        _ => return None,
    })
}

/// Extracts the objects of a document: the document itself, or the items of a `List`.
pub fn objects_of(
    source: SourceId,
    index: usize,
    document: Document,
    objects: &mut Vec<Object>,
    invalid: &mut Vec<InvalidObject>,
) {
    let Some(root) = document.root else {
        return;
    };
    if !is_kubernetes_document(&root) {
        return;
    }
    let is_list = matches!(root.get("kind").and_then(Node::as_str), Some(kind) if kind.ends_with("List"))
        && matches!(
            root.get("items").map(|items| &items.value),
            Some(Value::Seq(_))
        );
    if !is_list {
        match object(source, index, root) {
            Ok(object) => objects.push(object),
            Err(err) => invalid.push(err),
        }
        return;
    }
    let Value::Map(entries) = root.value else {
        return;
    };
    for entry in entries {
        if &*entry.key != "items" {
            continue;
        }
        let Value::Seq(items) = entry.value.value else {
            continue;
        };
        for item in items {
            match object(source, index, item) {
                Ok(object) => objects.push(object),
                Err(err) => invalid.push(err),
            }
        }
    }
}

/// Whether a document means to be a Kubernetes object: a mapping with `apiVersion` or `kind`.
/// Other YAML (application configs, CI workflows, chart values) found while walking a
/// directory is not Kubernetes' and is skipped; a document with only one of the two keys is
/// reported as a broken object.
pub fn is_kubernetes_document(root: &Node) -> bool {
    root.get("apiVersion").is_some() || root.get("kind").is_some()
}

fn object(source: SourceId, document: usize, node: Node) -> Result<Object, InvalidObject> {
    let Value::Map(_) = node.value else {
        let what = match node.value {
            Value::Seq(_) => "a sequence",
            Value::Str(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            _ => "empty",
        };
        return Err(InvalidObject {
            range: node.label_range(),
            message: format!("document is {what}, not a Kubernetes object"),
        });
    };
    let field = |name: &str| -> Result<String, InvalidObject> {
        match node.get(name) {
            Some(value) => match value.as_str() {
                Some(text) if !text.is_empty() => Ok(text.to_owned()),
                _ => Err(InvalidObject {
                    range: value.range,
                    message: format!("`{name}` must be a non-empty string"),
                }),
            },
            None => Err(InvalidObject {
                range: node.label_range(),
                message: format!("object has no `{name}`"),
            }),
        }
    };
    let kind = field("kind")?;
    let api_version = field("apiVersion")?;
    let metadata = node.get("metadata");
    let text_of = |key: &str| {
        metadata
            .and_then(|m| m.get(key))
            .and_then(Node::as_str)
            .map(str::to_owned)
    };
    let identity = Arc::new(ObjectRef {
        api_version,
        kind,
        namespace: text_of("namespace"),
        name: text_of("name").or_else(|| text_of("generateName")),
    });
    Ok(Object {
        source,
        document,
        node,
        identity,
    })
}

impl Object {
    /// The namespace the object lands in: its own, `""` for cluster-scoped kinds, or the run's
    /// default namespace.
    pub fn effective_namespace<'a>(&'a self, default_namespace: &'a str) -> &'a str {
        match &self.identity.namespace {
            Some(namespace) => namespace,
            None if is_cluster_scoped(&self.identity.kind) => "",
            None => default_namespace,
        }
    }

    /// Annotation values of the object and, for workloads, of its pod template.
    pub fn annotations<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        let own: &'static [&'static str] = &["metadata"];
        let template = pod_template_metadata_path(&self.identity.kind).filter(|p| p.len() > 1);
        [Some(own), template]
            .into_iter()
            .flatten()
            .filter_map(move |path| {
                let segments: Vec<PathSegment> = path
                    .iter()
                    .chain(["annotations", key].iter())
                    .map(|s| PathSegment::Key((*s).to_owned()))
                    .collect();
                let found = self.node.lookup(&segments);
                (found.matched == segments.len()).then_some(found.node)
            })
    }
}
