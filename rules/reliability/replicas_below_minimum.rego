# METADATA
# title: Deployment or StatefulSet runs fewer replicas than the minimum
# description: |
#   A single pod is a single point of failure: every rollout, node drain, eviction or crash
#   takes the service down until a new pod is scheduled and ready. With at least two replicas
#   (spread over nodes) one keeps serving. A Deployment or StatefulSet without `replicas` runs
#   one pod. When a HorizontalPodAutoscaler of the same lint run scales the workload, its
#   `minReplicas` (default 1) counts instead and is reported on the autoscaler. `replicas: 0`
#   and `minReplicas: 0` are deliberate (a parked workload, scale to zero) and not reported.
#   kube-linter's `minimum-three-replicas` and `hpa-minimum-three-replicas` are this check with
#   `min_replicas: 3`.
# custom:
#   id: KW608
#   name: replicas-below-minimum
#   severity: warning
#   kinds: [Deployment, StatefulSet, HorizontalPodAutoscaler]
#   remediation: Run at least `min_replicas` replicas (set spec.replicas, or the autoscaler's minReplicas), spread over nodes.
#   references:
#     - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas
#     - https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
#     - https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
#   params:
#     type: object
#     properties:
#       min_replicas:
#         type: integer
#         minimum: 1
#         default: 2
#         description: The smallest number of replicas a workload should run.
#     additionalProperties: false
package kubeward.rules.reliability.replicas_below_minimum

import rego.v1

minimum := data.kubeward.params.replicas_below_minimum.min_replicas

deny contains finding if {
	input.kind in {"Deployment", "StatefulSet"}
	count(data.kubeward.lib.reliability.input_autoscalers) == 0
	replicas := object.get(input, ["spec", "replicas"], 1)
	is_number(replicas)
	replicas > 0
	replicas < minimum
	finding := {
		"msg": sprintf("%s %q %s, fewer than %d", [input.kind, data.kubeward.lib.input_name, runs(replicas), minimum]),
		"path": ["spec", "replicas"],
	}
}

deny contains finding if {
	input.kind == "HorizontalPodAutoscaler"
	replicas := object.get(input, ["spec", "minReplicas"], 1)
	is_number(replicas)
	replicas > 0
	replicas < minimum
	finding := {
		"msg": sprintf("HorizontalPodAutoscaler %q scales down to %d %s, fewer than %d", [data.kubeward.lib.input_name, replicas, plural(replicas), minimum]),
		"path": ["spec", "minReplicas"],
	}
}

runs(replicas) := "sets no replicas and runs 1" if {
	not input.spec.replicas
} else := sprintf("runs %d %s", [replicas, plural(replicas)])

plural(1) := "replica"

plural(n) := "replicas" if n != 1
