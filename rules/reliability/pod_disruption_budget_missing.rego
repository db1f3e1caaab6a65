# METADATA
# title: Replicated workload has no PodDisruptionBudget
# description: |
#   Node drains (cluster upgrades, autoscaler scale-downs, maintenance) evict pods through the
#   eviction API, which respects PodDisruptionBudgets. Without one, a drain may evict every
#   replica of a Deployment or StatefulSet at once when they share nodes, or drain nodes one
#   after the other faster than new pods become ready, and the service is down although it
#   runs several replicas. A budget selects the workload's pods when it is in the same
#   namespace and its selector matches the pod template's labels (in policy/v1 an empty
#   selector selects every pod of the namespace). Only workloads that run at least two pods
#   (replicas, or an autoscaler's minReplicas) are checked, and only the budgets of the same
#   lint run are known.
# custom:
#   id: KW609
#   name: pod-disruption-budget-missing
#   severity: warning
#   kinds: [Deployment, StatefulSet]
#   remediation: Add a PodDisruptionBudget that selects the pods, for example with maxUnavailable of 1.
#   references:
#     - https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
#     - https://kubernetes.io/docs/tasks/run-application/configure-pdb/
package kubeward.rules.reliability.pod_disruption_budget_missing

import rego.v1

deny contains finding if {
	replicas := data.kubeward.lib.reliability.input_min_replicas
	is_number(replicas)
	replicas >= 2
	ns := data.kubeward.lib.input_namespace
	labels := data.kubeward.lib.input_pod_labels
	count(data.kubeward.lib.reliability.disruption_budgets(ns, labels)) == 0
	finding := {
		"msg": sprintf("no PodDisruptionBudget in namespace %q selects the pods of %s %q", [ns, input.kind, data.kubeward.lib.input_name]),
		"path": array.concat(data.kubeward.lib.pod_metadata_path(input), ["labels"]),
	}
}
