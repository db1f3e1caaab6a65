# METADATA
# title: Default ServiceAccount mounts its token into pods
# description: |
#   The `default` ServiceAccount of a namespace is the identity of every pod there that names
#   no other. Unless it sets `automountServiceAccountToken: false`, each of those pods gets its
#   token, so any permission someone grants it later reaches them all, and a compromise of any
#   of them exposes the token. Pods that need the API should run as their own ServiceAccount
#   and opt in. The finding is at the ServiceAccount's `automountServiceAccountToken`, or at its
#   name when the field is missing.
# custom:
#   id: KW115
#   name: default-service-account-automount
#   severity: warning
#   kinds: [ServiceAccount]
#   remediation: Set automountServiceAccountToken to false on the default ServiceAccount.
#   references:
#     - https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
#     - https://www.cisecurity.org/benchmark/kubernetes
#   peers:
#     kubescape: [automount-default-service-account]
package kubeward.rules.rbac.default_service_account_automount

import rego.v1

deny contains finding if {
	input.metadata.name == "default"
	object.get(input, "automountServiceAccountToken", null) != false
	finding := {
		"msg": sprintf("the default ServiceAccount of namespace %q mounts its token into pods that name no ServiceAccount", [data.kubeward.lib.input_namespace]),
		"path": path,
	}
}

# The field when set; its absence is shown at the name, as the document has no better node.
path := ["automountServiceAccountToken"] if "automountServiceAccountToken" in object.keys(input)

else := ["metadata", "name"]
