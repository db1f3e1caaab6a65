# METADATA
# title: Pod shares the node's IPC namespace
# description: |
#   With `hostIPC: true` the pod's containers share System V and POSIX shared memory, semaphores
#   and message queues with every process of the node: they read and corrupt what other
#   workloads exchange through `/dev/shm` and shared memory segments. Almost nothing outside
#   some HPC and database setups needs it.
# custom:
#   id: KW512
#   name: host-ipc
#   severity: error
#   kinds: [workload]
#   remediation: Remove hostIPC from the pod spec.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
#   peers:
#     kube-linter: [host-ipc]
#     kubescape: [host-ipc-privileges]
#     trivy: [host_ipc]
#     checkov: [CKV_K8S_18]
#     polaris: [hostIPCSet]
package kubeward.rules.hardening.host_ipc

import rego.v1

deny contains finding if {
	ps := data.kubeward.lib.input_pod_spec
	ps.spec.hostIPC == true
	finding := {
		"msg": sprintf("%s %q shares the node's IPC namespace (hostIPC: true)", [input.kind, data.kubeward.lib.input_name]),
		"path": array.concat(ps.path, ["hostIPC"]),
	}
}
