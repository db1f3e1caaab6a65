//! Schemas of custom resources from the CustomResourceDefinitions of the run: the
//! `openAPIV3Schema` of every served version, compiled when the first custom resource of that
//! kind is checked.

use std::collections::HashMap;
use std::sync::Arc;

use super::{ValidatorCache, compile_custom, to_json};
use crate::yaml::{Node, Value};

/// The API group version and kind of a custom resource.
type Key = (String, String);

/// Custom resource schemas declared by the run's CRDs.
#[derive(Debug, Default)]
pub(crate) struct CrdSchemas {
    schemas: HashMap<Key, serde_json::Value>,
    cache: ValidatorCache<Key>,
}

impl CrdSchemas {
    /// Collects the schemas of the CRDs among `objects` (`apiextensions.k8s.io/v1`; the
    /// removed `v1beta1` is reported by the API lifecycle rules instead).
    pub(crate) fn from_objects<'a>(objects: impl IntoIterator<Item = &'a Node>) -> Self {
        let mut schemas = HashMap::new();
        for node in objects {
            let is_crd = node.get("kind").and_then(Node::as_str)
                == Some("CustomResourceDefinition")
                && node.get("apiVersion").and_then(Node::as_str) == Some("apiextensions.k8s.io/v1");
            if !is_crd {
                continue;
            }
            let Some(spec) = node.get("spec") else {
                continue;
            };
            let group = spec.get("group").and_then(Node::as_str).unwrap_or("");
            let Some(kind) = spec
                .get("names")
                .and_then(|n| n.get("kind"))
                .and_then(Node::as_str)
            else {
                continue;
            };
            for version in spec.get("versions").and_then(Node::as_seq).unwrap_or(&[]) {
                if matches!(
                    version.get("served").map(|s| &s.value),
                    Some(Value::Bool(false))
                ) {
                    continue;
                }
                let Some(name) = version.get("name").and_then(Node::as_str) else {
                    continue;
                };
                let schema = version
                    .get("schema")
                    .and_then(|s| s.get("openAPIV3Schema"))
                    .map(to_json)
                    .unwrap_or_else(
                        || serde_json::json!({"x-kubernetes-preserve-unknown-fields": true}),
                    );
                let api_version = if group.is_empty() {
                    name.to_owned()
                } else {
                    format!("{group}/{name}")
                };
                schemas.insert((api_version, kind.to_owned()), schema);
            }
        }
        CrdSchemas {
            schemas,
            cache: ValidatorCache::default(),
        }
    }

    /// The validator of a custom resource kind, if a CRD of the run declares it.
    pub(crate) fn validator(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Option<Result<Arc<super::Compiled>, String>> {
        let key = (api_version.to_owned(), kind.to_owned());
        let schema = self.schemas.get(&key)?;
        Some(self.cache.get(&key, || compile_custom(schema)))
    }
}
