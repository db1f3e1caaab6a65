# Helpers shared by the built-in rules, and available to user rules as data.kubeward.lib.
# They return values together with their paths, so that rules report the exact node.
package kubeward.lib

import rego.v1

# Plain values of data.kubeward as rules of this package, for the helpers below: regorus looks
# up a reference to plain data by visiting every module of the policy, at every use, while it
# finds a rule's value directly once computed.
_cluster_scoped := data.kubeward.cluster_scoped

_default_namespace := data.kubeward.default_namespace

# The kinds that carry a pod spec, and the path to it.
pod_spec_paths := {
	"Pod": ["spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
	"PodTemplate": ["template", "spec"],
}

# The path of the pod template's metadata (the pod's own for a Pod): each path above with
# "metadata" for its last step. Written out, since a rule's value is computed again for every
# object (a comprehension here took 4% of the rules' time); a test checks that the two agree.
pod_metadata_paths := {
	"Pod": ["metadata"],
	"Deployment": ["spec", "template", "metadata"],
	"StatefulSet": ["spec", "template", "metadata"],
	"DaemonSet": ["spec", "template", "metadata"],
	"ReplicaSet": ["spec", "template", "metadata"],
	"ReplicationController": ["spec", "template", "metadata"],
	"Job": ["spec", "template", "metadata"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "metadata"],
	"PodTemplate": ["template", "metadata"],
}

# The path of a workload's pod template metadata.
pod_metadata_path(obj) := pod_metadata_paths[obj.kind]

is_workload(obj) if pod_spec_paths[obj.kind]

# The pod spec of a workload: {"spec": ..., "path": [...]}.
pod_spec(obj) := {"spec": spec, "path": path} if {
	path := pod_spec_paths[obj.kind]
	spec := object.get(obj, path, null)
	is_object(spec)
}

# The labels its pods get.
pod_labels(obj) := object.get(obj, array.concat(pod_metadata_paths[obj.kind], ["labels"]), {})

# Every container of a workload, init and ephemeral containers included:
# {"container": ..., "path": [..., "containers", 0], "field": "containers"}.
containers(obj) := {entry |
	ps := pod_spec(obj)
	some field in ["initContainers", "containers", "ephemeralContainers"]
	some i, c in list(object.get(ps.spec, field, []))
	is_object(c)
	entry := {"container": c, "path": array.concat(ps.path, [field, i]), "field": field}
}

# A list field as rules iterate it: [] when it is missing, null or not a list (schema
# validation reports the wrong shape; rules skip it).
list(value) := value if {
	is_array(value)
} else := []

# A readable name for a container in messages.
container_name(c) := object.get(c, "name", "<unnamed>")

# The object's name, for messages.
name(obj) := object.get(obj, ["metadata", "name"], object.get(obj, ["metadata", "generateName"], "<unnamed>"))

# The namespace the object lands in: its own, "" when cluster-scoped, or the run's default.
namespace(obj) := ns if {
	ns := obj.metadata.namespace
} else := "" if {
	_cluster_scoped[obj.kind]
} else := _default_namespace

# The run's inventory or its indexes at a path (["inventory", kind, namespace, name] or a
# prefix of it, ["index", table, key...]), or `otherwise` when nothing is there. Helpers and
# rules look the run up through this rather than reading data.kubeward.inventory or
# data.kubeward.index whole: when an editor lints again after an edit, an object's findings
# are reused if every lookup its rules made returns what it returned before, while an object
# whose rules read either whole is evaluated again on every run. (The built-in libraries and
# rules call `data.kubeward.lookup`, which this names, directly: one function call fewer.)
run_lookup(path, otherwise) := data.kubeward.lookup(path, otherwise)

# Objects of a kind in a namespace ("" for cluster-scoped kinds), from the run's inventory.
objects(kind, ns) := [obj |
	some objs in data.kubeward.lookup(["inventory", kind, ns], {})
	some obj in objs
]

# Objects of a kind in a namespace with a given name.
objects_named(kind, ns, name) := data.kubeward.lookup(["inventory", kind, ns, name], [])

# Whether a LabelSelector selects a label set. An empty selector selects everything.
selector_matches(selector, labels) if {
	every key, value in object.get(selector, "matchLabels", {}) {
		labels[key] == value
	}
	every expression in object.get(selector, "matchExpressions", []) {
		expression_matches(expression, labels)
	}
}

expression_matches(expression, labels) if {
	expression.operator == "In"
	labels[expression.key] in expression.values
}

expression_matches(expression, labels) if {
	expression.operator == "NotIn"
	not labels[expression.key] in object.get(expression, "values", [])
}

expression_matches(expression, labels) if {
	expression.operator == "Exists"
	expression.key in object.keys(labels)
}

expression_matches(expression, labels) if {
	expression.operator == "DoesNotExist"
	not expression.key in object.keys(labels)
}

# --- The object being linted ----------------------------------------------------------------

# The helpers above applied to `input`, as rules: a rule's value is computed once per
# evaluation and shared by every rule that reads it, where a function runs at every call.
input_containers := containers(input)
input_name := name(input)
input_namespace := namespace(input)
input_pod_labels := pod_labels(input)
input_pod_spec := pod_spec(input)
