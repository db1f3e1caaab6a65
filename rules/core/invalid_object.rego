# METADATA
# title: Document is not a Kubernetes object
# description: |
#   Every YAML document given to kubectl must be a mapping with a non-empty `apiVersion` and
#   `kind`; otherwise it is rejected (`Object 'Kind' is missing`). Items of a `List` must be
#   objects too. Empty documents are fine.
# custom:
#   id: KW003
#   name: invalid-object
#   severity: error
#   kinds: ["*"]
#   remediation: Give the document an apiVersion and a kind, or remove it.
#   references: [https://kubernetes.io/docs/concepts/overview/working-with-objects/]
package kubeward.rules.core.invalid_object
