# METADATA
# title: Object does not match its Kubernetes schema
# description: |
#   The object does not match the schema of its kind at the target Kubernetes version
#   (`kube-version`): a field the kind does not have (the API server's strict field validation,
#   `kubectl apply --validate=strict`, refuses it; a lenient apply silently drops it), a value of
#   the wrong type, a required field left out, a value outside the allowed set, or a string in
#   the wrong format (a quantity such as `500m`, base64 in a Secret's `data`, an RFC 3339 time).
#   Each is reported at the node at fault: an unknown field at its key, a wrong value at the
#   value, a missing field at the object that lacks it.
#
#   The schemas of Kubernetes 1.25 and later are embedded, so validation needs no network.
#   Custom resources are validated against the `openAPIV3Schema` of CustomResourceDefinitions
#   found in the same run, or against schemas given with `--schema-dir` (kubeconform's
#   `{group}/{kind}_{version}.json` layout). Null fields are ignored, as the API server ignores
#   them, and `x-kubernetes-preserve-unknown-fields` keeps a custom resource's field open.
#
#   YAML 1.1, which Kubernetes reads, turns `yes`, `no`, `on` and `off` into booleans and
#   `0644` into the octal number 420: such a value in a string field (an annotation, a label,
#   ConfigMap `data`, an environment variable) is reported with a hint to quote it.
# custom:
#   id: KW007
#   name: schema-violation
#   severity: error
#   kinds: ["*"]
#   remediation: Correct the field as the message says (`kubectl explain KIND.FIELD` documents each field).
#   references:
#     - https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
#     - https://kubernetes.io/docs/reference/kubernetes-api/
package kubeward.rules.core.schema_violation
