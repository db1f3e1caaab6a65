# METADATA
# title: Long-running container has no liveness probe
# description: |
#   Without a liveness probe the kubelet restarts a container only when its process exits. A
#   process that deadlocks, or hangs on a lost connection, keeps running and keeps failing
#   requests until someone restarts it by hand. Liveness probes are double-edged, though: one
#   that checks dependencies, or times out under load, restarts healthy containers in a
#   cascade. The rule is therefore informational. It applies to the regular containers of
#   workloads that keep running (Deployments, StatefulSets, DaemonSets, ReplicaSets,
#   ReplicationControllers, and Pods or PodTemplates with restartPolicy Always); init
#   containers, ephemeral containers, Jobs and CronJobs run to completion and are not checked.
# custom:
#   id: KW605
#   name: liveness-probe-missing
#   severity: info
#   opt-in: true
#   kinds: [workload]
#   remediation: Add a livenessProbe that checks the process itself (not its dependencies), with a timeout and failure threshold that tolerate load.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
#   peers:
#     kube-linter: [no-liveness-probe]
#     kubescape: [configured-liveness-probe]
#     checkov: [CKV_K8S_8]
#     polaris: [livenessProbeMissing]
package kubeward.rules.reliability.liveness_probe_missing

import rego.v1

deny contains finding if {
	data.kubeward.lib.reliability.input_long_running
	some entry in data.kubeward.lib.reliability.input_app_containers
	not entry.container.livenessProbe
	finding := {
		"msg": sprintf("container %q has no liveness probe", [data.kubeward.lib.container_name(entry.container)]),
		"path": array.concat(entry.path, ["livenessProbe"]),
	}
}
