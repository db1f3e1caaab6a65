# METADATA
# title: Container has no CPU limit
# description: |
#   Without a CPU limit a container can use every idle CPU of its node, and a runaway process
#   slows down its neighbours until the kernel's fair sharing by requests kicks in. CPU limits
#   are debated: they throttle a container even when the node is idle, which can hurt latency,
#   and many teams rely on requests alone. This rule is therefore informational; disable it
#   if your platform does not use CPU limits. A limit is not reported missing when a LimitRange
#   of the namespace in the same lint run or pod-level resources supply one. Init containers
#   are checked too; ephemeral containers cannot have resources.
# custom:
#   id: KW602
#   name: cpu-limit-missing
#   severity: info
#   opt-in: true
#   kinds: [workload]
#   remediation: Set resources.limits.cpu, or disable this rule if your platform deliberately runs without CPU limits.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
#     - https://kubernetes.io/docs/tasks/configure-pod-container/assign-cpu-resource/
#     - https://kubernetes.io/docs/concepts/policy/limit-range/
#   peers:
#     kube-linter: [unset-cpu-requirements]
#     kubescape: [resources-cpu-limits]
#     trivy: [CPU_not_limited]
#     checkov: [CKV_K8S_11]
#     polaris: [cpuLimitsMissing]
package kubeward.rules.reliability.cpu_limit_missing

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.reliability.input_resourced_containers
	not entry.container.resources.limits.cpu
	not data.kubeward.lib.reliability.limit_supplied(input, entry.container, "cpu")
	finding := {
		"msg": sprintf("container %q has no CPU limit", [data.kubeward.lib.container_name(entry.container)]),
		"path": array.concat(entry.path, ["resources", "limits", "cpu"]),
	}
}
