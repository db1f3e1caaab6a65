# METADATA
# title: Container has no memory limit
# description: |
#   Memory cannot be throttled: a container without a memory limit that leaks or meets a
#   large request grows until the node runs out of memory. The kernel's OOM killer and the
#   kubelet's evictions then take down other pods of the node, often ones that did nothing
#   wrong, and a node can become unresponsive. With a limit, only the offending container is
#   OOM-killed and restarted. A limit is not reported missing when a LimitRange of the
#   namespace in the same lint run or pod-level resources supply one. Init containers are
#   checked too; ephemeral containers cannot have resources.
# custom:
#   id: KW604
#   name: memory-limit-missing
#   severity: error
#   kinds: [workload]
#   remediation: Set resources.limits.memory, usually equal to or a little above the memory request.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
#     - https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/
#     - https://kubernetes.io/docs/concepts/policy/limit-range/
#   peers:
#     kube-linter: [unset-memory-requirements]
#     kubescape: [resources-memory-limits]
#     trivy: [memory_not_limited]
#     checkov: [CKV_K8S_13]
#     polaris: [memoryLimitsMissing]
package kubeward.rules.reliability.memory_limit_missing

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.reliability.input_resourced_containers
	not entry.container.resources.limits.memory
	not data.kubeward.lib.reliability.limit_supplied(input, entry.container, "memory")
	finding := {
		"msg": sprintf("container %q has no memory limit", [data.kubeward.lib.container_name(entry.container)]),
		"path": array.concat(entry.path, ["resources", "limits", "memory"]),
	}
}
