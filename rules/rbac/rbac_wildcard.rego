# METADATA
# title: RBAC rule grants a wildcard
# description: |
#   A `*` in a Role or ClusterRole rule grants every present and future value of that field:
#   `verbs: ["*"]` includes `escalate`, `bind` and `impersonate`; `resources: ["*"]` includes
#   Secrets and every custom resource installed later; `*/exec` includes `pods/exec`. Whoever
#   obtains a token of a bound subject gets all of it. Each wildcard is reported at its own
#   node.
# custom:
#   id: KW101
#   name: rbac-wildcard
#   severity: error
#   kinds: [role]
#   remediation: List the verbs, resources and API groups the subject needs instead of a wildcard.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
#   peers:
#     kube-linter: [wildcard-in-rules]
#     checkov: [CKV_K8S_49]
package kubeward.rules.rbac.rbac_wildcard

import rego.v1

what := {
	"verbs": "every verb",
	"resources": "every resource",
	"apiGroups": "every API group",
	"nonResourceURLs": "every non-resource URL",
}

deny contains finding if {
	some i, rule in data.kubeward.lib.list(input.rules)
	some field, description in what
	some j, value in data.kubeward.lib.list(rule[field])
	is_wildcard(field, value)
	finding := {
		"msg": sprintf("%s %q grants %s (%q) in rules[%d]", [input.kind, data.kubeward.lib.input_name, description_of(description, value), value, i]),
		"path": ["rules", i, field, j],
	}
}

is_wildcard(_, "*") := true

# `*/scale`: that subresource of every resource. RBAC has no other resource wildcard; `pods/*`
# is matched literally and grants nothing.
is_wildcard("resources", value) if {
	value != "*"
	startswith(value, "*/")
}

description_of(description, "*") := description

description_of(_, value) := "a resource wildcard" if value != "*"
