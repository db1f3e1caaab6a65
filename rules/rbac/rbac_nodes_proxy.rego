# METADATA
# title: ClusterRole can reach the kubelet through nodes/proxy
# description: |
#   The `nodes/proxy` subresource forwards requests to the kubelet API of a node, which runs
#   commands in any container of that node (`/exec`, `/run`), reads its logs and lists its pods,
#   without going through the API server's admission or leaving a trace in its audit log of what
#   ran. Even `get` is enough: the kubelet's WebSocket endpoints for exec are reached with a GET.
#   The finding is at the `nodes/proxy` item (or the `*` or `*/proxy` that includes it) of a
#   ClusterRole, whether or not the lint run binds it; the bindings of the run are shown as
#   related labels. Roles are not looked at: nodes are cluster-scoped, and a Role (or a
#   ClusterRole bound by a RoleBinding) cannot grant access to them.
# custom:
#   id: KW107
#   name: rbac-nodes-proxy
#   severity: error
#   kinds: [ClusterRole]
#   remediation: Grant nodes/metrics, nodes/stats or nodes/log to monitoring agents instead of nodes/proxy.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#nodes-proxy
#     - https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization
#   peers:
#     kubescape: [rule-can-access-proxy-subresource]
package kubeward.rules.rbac.rbac_nodes_proxy

import data.kubeward.lib.rbac
import rego.v1

# The kubelet authorizes each HTTP method as one of these verbs.
targets := [{"group": "", "resource": "nodes/proxy", "verbs": ["get", "create", "update", "patch", "delete"]}]

deny contains finding if {
	some grant in rbac.grants(input, targets, true)
	finding := {
		"msg": sprintf("%s grants %s", [rbac.input_title, rbac.grant_text(grant)]),
		"path": grant.path,
		"related": rbac.input_binding_labels,
	}
}
