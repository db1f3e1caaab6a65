# METADATA
# title: Long-running container has no readiness probe
# description: |
#   Without a readiness probe a pod counts as ready as soon as its containers start: Services
#   send it traffic while it is still loading, and a rolling update replaces working pods with
#   ones that fail every request, at full speed, because nothing tells the controller to wait.
#   A readiness probe also takes an overloaded or disconnected pod out of the load balancer
#   without restarting it. The rule applies to the regular containers of workloads that keep
#   running (Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, and
#   Pods or PodTemplates with restartPolicy Always); init containers, ephemeral containers,
#   Jobs and CronJobs are not checked.
# custom:
#   id: KW606
#   name: readiness-probe-missing
#   severity: warning
#   kinds: [workload]
#   remediation: Add a readinessProbe that succeeds only when the container can serve requests.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes
#   peers:
#     kube-linter: [no-readiness-probe]
#     kubescape: [configured-readiness-probe]
#     checkov: [CKV_K8S_9]
#     polaris: [readinessProbeMissing]
package kubeward.rules.reliability.readiness_probe_missing

import rego.v1

deny contains finding if {
	data.kubeward.lib.reliability.input_long_running
	some entry in data.kubeward.lib.reliability.input_app_containers
	not entry.container.readinessProbe
	finding := {
		"msg": sprintf("container %q has no readiness probe", [data.kubeward.lib.container_name(entry.container)]),
		"path": array.concat(entry.path, ["readinessProbe"]),
	}
}
