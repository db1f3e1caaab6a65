# METADATA
# title: Role can bind, escalate or impersonate
# description: |
#   RBAC stops a subject from granting permissions it does not hold, except through three
#   verbs made to lift that limit. `bind` on roles or clusterroles lets it bind any such role,
#   cluster-admin included, to itself; `escalate` lets it add any permission to a role it can
#   edit; `impersonate` on users, groups, ServiceAccounts or uids lets it send requests as
#   someone else, `system:masters` included. Each is a direct path to cluster-admin. The
#   finding is at the resource item (or the `*` that includes it) of each granting rule, whether
#   or not the lint run binds the role; the bindings of the run are shown as related labels.
#   Rules narrowed by `resourceNames` are reported too: the names still decide which roles can
#   be bound or which identities assumed, and are worth a reviewer's look.
# custom:
#   id: KW106
#   name: rbac-escalation-verbs
#   severity: error
#   kinds: [role]
#   remediation: Remove bind, escalate and impersonate, or narrow them with resourceNames to the roles or identities the subject must hand out or assume.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-creation-or-update
#   peers:
#     kubescape: [rule-can-bind-escalate, rule-can-impersonate-users-groups-v1]
package kubeward.rules.rbac.rbac_escalation_verbs

import data.kubeward.lib.rbac
import rego.v1

targets := array.concat(
	[{"group": "rbac.authorization.k8s.io", "resource": resource, "verbs": ["bind", "escalate"]} |
		some resource in ["roles", "clusterroles"]
	],
	array.concat(
		[{"group": "", "resource": resource, "verbs": ["impersonate"]} |
			some resource in ["users", "groups", "serviceaccounts"]
		],
		[{"group": "authentication.k8s.io", "resource": "uids", "verbs": ["impersonate"]}],
	),
)

deny contains finding if {
	some grant in rbac.grants(input, targets, true)
	finding := {
		"msg": sprintf("%s grants %s", [rbac.input_title, rbac.grant_text(grant)]),
		"path": grant.path,
		"related": rbac.input_binding_labels,
	}
}
