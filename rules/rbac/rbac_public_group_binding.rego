# METADATA
# title: Binding grants a role to everyone
# description: |
#   Some subjects stand for everyone. The group `system:unauthenticated` and the user
#   `system:anonymous` are every request that carries no credentials, from wherever the API
#   server can be reached; `system:authenticated` is every user and every ServiceAccount token
#   (on some managed clusters, any account of the cloud provider's identity service);
#   `system:serviceaccounts` is every pod of the cluster that has a token. Whatever the role
#   allows, all of them get it, so one compromised pod or leaked token anywhere is enough. The
#   finding is at the subject. Kubernetes' own discovery bindings (`system:basic-user`,
#   `system:discovery`, `system:public-info-viewer` and `system:service-account-issuer-discovery`
#   for authenticated callers and ServiceAccounts) are not reported; anything bound to anonymous
#   callers is.
# custom:
#   id: KW112
#   name: rbac-public-group-binding
#   severity: error
#   kinds: [binding]
#   remediation: Bind the role to the users, groups or ServiceAccounts that need it instead of a group that includes everyone.
#   references:
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects
#     - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#   peers:
#     kubescape: [anonymous-access-enabled]
package kubeward.rules.rbac.rbac_public_group_binding

import data.kubeward.lib.rbac
import rego.v1

anonymous := {
	["Group", "system:unauthenticated"]: "every request without credentials",
	["User", "system:anonymous"]: "every request without credentials",
	["Group", "system:anonymous"]: "every request without credentials",
}

authenticated := {
	["Group", "system:authenticated"]: "every authenticated user and ServiceAccount",
	["Group", "system:serviceaccounts"]: "every ServiceAccount of the cluster",
}

# Kubernetes' default bindings of these roles give callers discovery information only.
discovery_roles := {
	"system:basic-user",
	"system:discovery",
	"system:public-info-viewer",
	"system:service-account-issuer-discovery",
}

deny contains finding if {
	some i, subject in data.kubeward.lib.list(object.get(input, "subjects", []))
	audience := audience_of(subject)
	finding := {
		"msg": sprintf("%s %q grants %s %q to %s, %s", [input.kind, data.kubeward.lib.input_name, input.roleRef.kind, input.roleRef.name, rbac.subject_text(subject), audience]),
		"path": ["subjects", i, "name"],
	}
}

audience_of(subject) := anonymous[[subject.kind, subject.name]]

audience_of(subject) := audience if {
	audience := authenticated[[subject.kind, subject.name]]
	not discovery_binding
}

discovery_binding if {
	input.roleRef.kind == "ClusterRole"
	input.roleRef.name in discovery_roles
}
