# METADATA
# title: Container has no CPU request
# description: |
#   The scheduler places pods by their requests. A container without a CPU request counts as
#   needing nothing, so nodes get overcommitted and the container gets only a minimal share of
#   CPU when the node is busy: latency spikes and failing probes under load. A pod with no
#   request at all has the BestEffort QoS class and is the first to be evicted. A request is
#   not reported missing when Kubernetes supplies one: from the container's own CPU limit (the
#   request defaults to it), from a LimitRange of the namespace in the same lint run, or from
#   pod-level resources. Init containers are checked too; ephemeral containers cannot have
#   resources.
# custom:
#   id: KW601
#   name: cpu-request-missing
#   severity: warning
#   kinds: [workload]
#   remediation: Set resources.requests.cpu to the CPU the container needs under normal load.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
#     - https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/
#     - https://kubernetes.io/docs/concepts/policy/limit-range/
#   peers:
#     kube-linter: [unset-cpu-requirements]
#     kubescape: [resources-cpu-requests]
#     trivy: [CPU_requests_not_specified]
#     checkov: [CKV_K8S_10]
#     polaris: [cpuRequestsMissing]
package kubeward.rules.reliability.cpu_request_missing

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.reliability.input_resourced_containers
	not entry.container.resources.requests.cpu
	not data.kubeward.lib.reliability.request_supplied(input, entry.container, "cpu")
	finding := {
		"msg": sprintf("container %q has no CPU request", [data.kubeward.lib.container_name(entry.container)]),
		"path": array.concat(entry.path, ["resources", "requests", "cpu"]),
	}
}
