# METADATA
# title: Role can exec, attach or port-forward into pods
# description: |
#   `pods/exec` runs commands in a running container, `pods/attach` takes over its standard
#   streams and `pods/portforward` opens connections to its ports from outside the cluster,
#   past every NetworkPolicy. Whoever has them acts as the container: its mounted
#   ServiceAccount token, its Secrets, its network position. These requests use the `create`
#   verb; before Kubernetes 1.30 a WebSocket connection needed only `get`, so `get` counts too
#   when the target version is older. The finding is at the subresource item (or the `*` or
#   `*/exec` that includes it), whether or not the lint run binds the role; the bindings of the
#   run are shown as related labels. `pods/*` is not reported: RBAC matches it literally, so it
#   grants none of these.
# custom:
#   id: KW105
#   name: rbac-pod-exec
#   severity: warning
#   kinds: [role]
#   remediation: Remove pods/exec, pods/attach and pods/portforward from roles that do not need interactive access, and grant it for debugging through a separate, audited role.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#     - https://github.com/kubernetes/enhancements/tree/master/keps/sig-auth/4006-transition-spdy-to-websockets
#   peers:
#     kubescape: [exec-into-container-v1, rule-can-portforward-v1]
#     polaris: [clusterrolePodExecAttach, rolePodExecAttach]
package kubeward.rules.rbac.rbac_pod_exec

import data.kubeward.lib.rbac
import rego.v1

# WebSocket upgrades are authorized as `create` from Kubernetes 1.30 on.
verbs := ["create"] if {
	version := data.kubeward.kube_version
	[version.major, version.minor] >= [1, 30]
}

else := ["create", "get"]

targets := [{"group": "", "resource": resource, "verbs": verbs} |
	some resource in ["pods/exec", "pods/attach", "pods/portforward"]
]

deny contains finding if {
	some grant in rbac.grants(input, targets, true)
	finding := {
		"msg": sprintf("%s grants %s", [rbac.input_title, rbac.grant_text(grant)]),
		"path": grant.path,
		"related": rbac.input_binding_labels,
	}
}
