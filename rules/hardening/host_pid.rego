# METADATA
# title: Pod shares the node's process namespace
# description: |
#   With `hostPID: true` the pod's containers see every process of the node: they read other
#   pods' environment variables and command lines (secrets included) through `/proc`, and with
#   `SYS_PTRACE` or as root they attach to, inject into or kill processes of the node and other
#   pods, a direct path out of the container. Only node agents that inspect processes need it.
# custom:
#   id: KW511
#   name: host-pid
#   severity: error
#   kinds: [workload]
#   remediation: Remove hostPID from the pod spec.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
#   peers:
#     kube-linter: [host-pid]
#     kubescape: [host-pid-privileges]
#     trivy: [host_pid]
#     checkov: [CKV_K8S_17]
#     polaris: [hostPIDSet]
package kubeward.rules.hardening.host_pid

import rego.v1

deny contains finding if {
	ps := data.kubeward.lib.input_pod_spec
	ps.spec.hostPID == true
	finding := {
		"msg": sprintf("%s %q shares the node's process namespace (hostPID: true)", [input.kind, data.kubeward.lib.input_name]),
		"path": array.concat(ps.path, ["hostPID"]),
	}
}
