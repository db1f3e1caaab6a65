# METADATA
# title: Binding grants cluster-admin or an equivalent role
# description: |
#   `cluster-admin`, and any role with a rule that allows every verb (`*`) on every resource
#   (`*`) of every API group or of the core group, is full control: whoever holds a token of a
#   bound subject can read every Secret, run any pod on any node, and grant themselves anything
#   else. Through a ClusterRoleBinding that holds for the whole cluster; through a RoleBinding
#   for the whole namespace, its Secrets and ServiceAccount tokens included (for `kube-system`
#   that is the cluster). The finding is at the binding's `roleRef.name`; when the role is part
#   of the lint run, a second label points at its all-powerful rule. Kubernetes' own binding of
#   `cluster-admin` to the group `system:masters` is not reported: that group bypasses
#   authorization anyway.
# custom:
#   id: KW102
#   name: rbac-cluster-admin-binding
#   severity: error
#   kinds: [binding]
#   remediation: Bind a role that lists only the verbs and resources the subjects need, in the namespaces they need them.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
#     - https://www.cisecurity.org/benchmark/kubernetes
#   peers:
#     kube-linter: [cluster-admin-role-binding]
#     kubescape: [cluster-admin-role, rule-list-all-cluster-admins-v1]
#     polaris: [clusterrolebindingClusterAdmin, rolebindingClusterAdminClusterRole, rolebindingClusterAdminRole]
package kubeward.rules.rbac.rbac_cluster_admin_binding

import data.kubeward.lib.rbac
import rego.v1



deny contains finding if {
	count(object.get(input, "subjects", [])) > 0
	not only_system_masters
	what := granted_role
	finding := {
		"msg": sprintf("%s %q grants %s to %s%s", [input.kind, data.kubeward.lib.input_name, what, rbac.input_subjects_text, scope]),
		"path": ["roleRef", "name"],
		"related": [label |
			some role in rbac.input_roles_of
			some i in admin_rules(role)
			label := {
				"path": ["rules", i],
				"object": rbac.ref(role),
				"msg": "this rule allows every verb on every resource",
			}
		],
	}
}

granted_role := "cluster-admin" if {
	input.roleRef.kind == "ClusterRole"
	input.roleRef.name == "cluster-admin"
} else := sprintf("%s %q, which allows every verb on every resource,", [input.roleRef.kind, input.roleRef.name]) if {
	some role in rbac.input_roles_of
	count(admin_rules(role)) > 0
}

scope := sprintf(" in namespace %q", [data.kubeward.lib.input_namespace]) if input.kind == "RoleBinding"

else := ""

# Indexes of the rules that allow every verb on every resource of every group or the core group.
admin_rules(role) := {i |
	some i, rule in data.kubeward.lib.list(object.get(role, "rules", []))
	"*" in object.get(rule, "verbs", [])
	"*" in object.get(rule, "resources", [])
	some group in data.kubeward.lib.list(object.get(rule, "apiGroups", []))
	group in {"*", ""}
}

only_system_masters if {
	every subject in input.subjects {
		subject.kind == "Group"
		subject.name == "system:masters"
	}
}
