# METADATA
# title: PodDisruptionBudget allows no disruption
# description: |
#   A PodDisruptionBudget with `maxUnavailable: 0` (or "0%"), `minAvailable: 100%`, or a
#   `minAvailable` at least as large as the number of pods it selects never lets the eviction
#   API remove a pod. `kubectl drain` then waits forever, and cluster upgrades and node
#   autoscaling stall on the nodes these pods run on, until someone deletes the budget or the
#   pods by hand. The number of pods is the sum of the replicas of the Deployments,
#   StatefulSets, ReplicaSets and ReplicationControllers of the same lint run whose pods the
#   budget selects (an autoscaler's minReplicas when one scales them); a budget that selects
#   none of them is not judged by its minAvailable.
# custom:
#   id: KW610
#   name: pod-disruption-budget-blocks-eviction
#   severity: warning
#   kinds: [PodDisruptionBudget]
#   remediation: Allow at least one disruption, for example maxUnavailable of 1, or a minAvailable below the number of replicas.
#   references:
#     - https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions
#     - https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/
#   peers:
#     kube-linter: [pdb-max-unavailable, pdb-min-available]
package kubeward.rules.reliability.pod_disruption_budget_blocks_eviction

import rego.v1

deny contains finding if {
	value := input.spec.maxUnavailable
	value in {0, "0%"}
	finding := {
		"msg": sprintf("PodDisruptionBudget %q allows no pod to be unavailable (maxUnavailable %v)", [data.kubeward.lib.input_name, value]),
		"path": ["spec", "maxUnavailable"],
	}
}

deny contains finding if {
	input.spec.minAvailable == "100%"
	finding := {
		"msg": sprintf("PodDisruptionBudget %q requires every pod to stay available (minAvailable 100%%)", [data.kubeward.lib.input_name]),
		"path": ["spec", "minAvailable"],
	}
}

deny contains finding if {
	value := input.spec.minAvailable
	is_number(value)
	workloads := data.kubeward.lib.reliability.input_selected_workloads
	count(workloads) > 0
	replicas := [r | some w in workloads; r := data.kubeward.lib.reliability.min_replicas(w)]
	every r in replicas {
		is_number(r)
	}
	total := sum(replicas)
	value >= total
	finding := {
		"msg": sprintf("PodDisruptionBudget %q requires %d of the %d %s of %s to stay available", [data.kubeward.lib.input_name, value, total, pods(total), describe(workloads)]),
		"path": ["spec", "minAvailable"],
		"related": [related(w) | some w in workloads],
	}
}

# The replica count of a workload, or the autoscaler that decides it.
related(w) := {
	"path": ["spec", "minReplicas"],
	"object": {"kind": hpa.kind, "namespace": data.kubeward.lib.namespace(hpa), "name": data.kubeward.lib.name(hpa)},
	"msg": sprintf("HorizontalPodAutoscaler %q scales %s %q down to %d", [data.kubeward.lib.name(hpa), w.kind, data.kubeward.lib.name(w), data.kubeward.lib.reliability.min_replicas(w)]),
} if {
	some hpa in data.kubeward.lib.reliability.autoscalers(w)
	object.get(hpa, ["spec", "minReplicas"], 1) == data.kubeward.lib.reliability.min_replicas(w)
} else := {
	"path": ["spec", "replicas"],
	"object": {"kind": w.kind, "namespace": data.kubeward.lib.namespace(w), "name": data.kubeward.lib.name(w)},
	"msg": sprintf("%s %q runs %d", [w.kind, data.kubeward.lib.name(w), data.kubeward.lib.reliability.min_replicas(w)]),
}

describe(workloads) := sprintf("%s %q", [w.kind, data.kubeward.lib.name(w)]) if {
	count(workloads) == 1
	w := workloads[0]
} else := sprintf("%d workloads", [count(workloads)])

pods(1) := "pod"

pods(n) := "pods" if n != 1
