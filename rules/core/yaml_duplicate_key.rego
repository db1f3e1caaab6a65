# METADATA
# title: Mapping key written twice
# description: |
#   YAML mappings must not repeat a key. kubectl and Helm silently keep the last value, so the
#   first one, which a reviewer may be reading, has no effect; `kubectl apply --validate=strict`
#   and server-side field validation reject the object.
# custom:
#   id: KW002
#   name: yaml-duplicate-key
#   severity: error
#   kinds: ["*"]
#   remediation: Remove one of the two keys, keeping the value you mean.
#   references: [https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation]
package kubeward.rules.core.yaml_duplicate_key
