# METADATA
# title: Container has no memory request
# description: |
#   The scheduler places pods by their requests. A container without a memory request counts
#   as needing none, so nodes are packed beyond their memory and come under memory pressure;
#   the kubelet then evicts pods, starting with those that use more than they requested. A pod
#   with no request at all has the BestEffort QoS class and is evicted first. A request is not
#   reported missing when Kubernetes supplies one: from the container's own memory limit (the
#   request defaults to it), from a LimitRange of the namespace in the same lint run, or from
#   pod-level resources. Init containers are checked too; ephemeral containers cannot have
#   resources.
# custom:
#   id: KW603
#   name: memory-request-missing
#   severity: warning
#   kinds: [workload]
#   remediation: Set resources.requests.memory to the memory the container needs under normal load.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
#     - https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/
#     - https://kubernetes.io/docs/concepts/policy/limit-range/
#   peers:
#     kube-linter: [unset-memory-requirements]
#     kubescape: [resources-memory-requests]
#     trivy: [memory_requests_not_specified]
#     checkov: [CKV_K8S_12]
#     polaris: [memoryRequestsMissing]
package kubeward.rules.reliability.memory_request_missing

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.reliability.input_resourced_containers
	not entry.container.resources.requests.memory
	not data.kubeward.lib.reliability.request_supplied(input, entry.container, "memory")
	finding := {
		"msg": sprintf("container %q has no memory request", [data.kubeward.lib.container_name(entry.container)]),
		"path": array.concat(entry.path, ["resources", "requests", "memory"]),
	}
}
