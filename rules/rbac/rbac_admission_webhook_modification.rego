# METADATA
# title: ClusterRole can change admission webhooks or policies
# description: |
#   Admission webhooks and admission policies see, and mutating ones rewrite, every object
#   sent to the API server. Whoever can create or change them can inject a container or a
#   ServiceAccount into every new pod, read Secrets as they are written, or remove the
#   validating webhook or policy that enforces the cluster's rules. The finding is at the
#   resource item (or the `*` that includes it) of a ClusterRole rule granting `create`,
#   `update`, `patch`, `delete` or `deletecollection` on them, whether or not the lint run binds
#   it; the bindings of the run are shown as related labels. Roles are not looked at: these
#   configurations are cluster-scoped, and a Role cannot grant access to them.
# custom:
#   id: KW109
#   name: rbac-admission-webhook-modification
#   severity: error
#   kinds: [ClusterRole]
#   remediation: Manage admission webhooks and policies through the cluster's deployment pipeline, and give other subjects read access at most.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks
#     - https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/
#   peers:
#     kubescape: [rule-can-modify-admission-webhooks]
package kubeward.rules.rbac.rbac_admission_webhook_modification

import data.kubeward.lib.rbac
import rego.v1

resources := [
	"mutatingwebhookconfigurations",
	"validatingwebhookconfigurations",
	"mutatingadmissionpolicies",
	"mutatingadmissionpolicybindings",
	"validatingadmissionpolicies",
	"validatingadmissionpolicybindings",
]

targets := [{"group": "admissionregistration.k8s.io", "resource": resource, "verbs": ["create", "update", "patch", "delete", "deletecollection"]} |
	some resource in resources
]

deny contains finding if {
	some grant in rbac.grants(input, targets, true)
	finding := {
		"msg": sprintf("%s grants %s", [rbac.input_title, rbac.grant_text(grant)]),
		"path": grant.path,
		"related": rbac.input_binding_labels,
	}
}
