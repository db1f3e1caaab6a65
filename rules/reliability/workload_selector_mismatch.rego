# METADATA
# title: Workload selector does not match its pod template labels
# description: |
#   A controller finds its pods by its selector. When the selector requires a label that the
#   pod template does not carry (or carries with another value), the API server rejects the
#   Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController or Job, so the
#   rollout fails at apply time; and where a selector is not validated against the template it
#   would adopt or orphan the wrong pods. Each `matchLabels` entry and `matchExpressions` item
#   that the template's labels do not satisfy is reported at its own node. A
#   ReplicationController without a selector, and a Job without one (it is generated), take
#   the template's labels and are not reported.
# custom:
#   id: KW611
#   name: workload-selector-mismatch
#   severity: error
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   remediation: Make the selector and the pod template labels agree; the selector of an existing workload cannot change, so change the template.
#   references:
#     - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector
#     - https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
#   peers:
#     kube-linter: [mismatching-selector]
#     kubescape: [mismatching-selector]
package kubeward.rules.reliability.workload_selector_mismatch

import rego.v1

selector_paths := {
	"Deployment": ["spec", "selector"],
	"StatefulSet": ["spec", "selector"],
	"DaemonSet": ["spec", "selector"],
	"ReplicaSet": ["spec", "selector"],
	"Job": ["spec", "selector"],
	"CronJob": ["spec", "jobTemplate", "spec", "selector"],
}

labels_path := array.concat(data.kubeward.lib.pod_metadata_path(input), ["labels"])

labels := data.kubeward.lib.input_pod_labels

# matchLabels entries (or a ReplicationController's plain map).
deny contains finding if {
	[path, match_labels] := match_labels_of(input)
	is_object(match_labels)
	some key, value in match_labels
	not labels[key] == value
	finding := {
		"msg": sprintf("the selector of %s %q requires label %s=%v, but the pod template %s", [input.kind, data.kubeward.lib.input_name, key, value, has(key)]),
		"path": array.concat(path, [key]),
		"related": [{"path": labels_path, "msg": "the pod template's labels"}],
	}
}

deny contains finding if {
	path := selector_paths[input.kind]
	some i, expression in data.kubeward.lib.list(object.get(input, array.concat(path, ["matchExpressions"]), []))
	not data.kubeward.lib.expression_matches(expression, labels)
	finding := {
		"msg": sprintf("the selector of %s %q requires %s %s%s, which the pod template's labels do not satisfy", [input.kind, data.kubeward.lib.input_name, expression.key, expression.operator, values(expression)]),
		"path": array.concat(path, ["matchExpressions", i]),
		"related": [{"path": labels_path, "msg": "the pod template's labels"}],
	}
}

match_labels_of(obj) := [path, match_labels] if {
	selector_path := selector_paths[obj.kind]
	path := array.concat(selector_path, ["matchLabels"])
	match_labels := object.get(obj, path, {})
}

match_labels_of(obj) := [["spec", "selector"], obj.spec.selector] if {
	obj.kind == "ReplicationController"
	is_object(obj.spec.selector)
}

has(key) := sprintf("has %s=%v", [key, labels[key]]) if {
	labels[key]
} else := sprintf("has no label %s", [key])

values(expression) := sprintf(" %v", [expression.values]) if {
	expression.values
} else := ""
