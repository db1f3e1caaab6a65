# METADATA
# title: Workload updates are not rolled out gradually
# description: |
#   A Deployment with `strategy.type: Recreate` stops every pod before it starts the new
#   version: each rollout, including a configuration change, is an outage, and a new version
#   that fails to start leaves nothing running. A StatefulSet or DaemonSet with
#   `updateStrategy.type: OnDelete` does not update its pods at all until someone deletes them
#   by hand, so the cluster silently keeps running the old spec (a security fix included).
#   Recreate is sometimes required (a ReadWriteOnce volume, an application that cannot run two
#   versions at once): suppress the finding with that reason. A missing strategy means
#   RollingUpdate and is not reported.
# custom:
#   id: KW614
#   name: update-strategy-not-rolling
#   severity: info
#   opt-in: true
#   kinds: [Deployment, StatefulSet, DaemonSet]
#   remediation: Use the RollingUpdate strategy, with maxUnavailable and maxSurge that keep enough pods serving.
#   references:
#     - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
#     - https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies
#     - https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/#daemonset-update-strategy
#   peers:
#     kubescape: [no-rolling-update-strategy]
package kubeward.rules.reliability.update_strategy_not_rolling

import rego.v1

deny contains finding if {
	input.kind == "Deployment"
	type := input.spec.strategy.type
	type != "RollingUpdate"
	finding := {
		"msg": sprintf("Deployment %q uses the %s strategy: every rollout stops all pods before new ones start", [data.kubeward.lib.input_name, type]),
		"path": ["spec", "strategy", "type"],
	}
}

deny contains finding if {
	input.kind in {"StatefulSet", "DaemonSet"}
	type := input.spec.updateStrategy.type
	type == "OnDelete"
	finding := {
		"msg": sprintf("%s %q uses the OnDelete update strategy: changes reach its pods only when they are deleted by hand", [input.kind, data.kubeward.lib.input_name]),
		"path": ["spec", "updateStrategy", "type"],
	}
}
