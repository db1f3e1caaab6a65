# Helpers of the reliability rules: which containers run for long, what Kubernetes fills in
# for resources, replica counts as the controllers see them, and disruption budgets.
package kubeward.lib.reliability

import rego.v1

# Controllers that keep their pods running (restartPolicy is always Always).
long_running_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"}

# Kinds whose replica count is `spec.replicas` (default 1).
replicated_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}

# Whether the pods of a workload are meant to keep running: controllers, and bare pods (or pod
# templates) whose restartPolicy is Always, the default. Jobs and CronJobs run to completion.
long_running(obj) if obj.kind in long_running_kinds

long_running(obj) if {
	obj.kind in {"Pod", "PodTemplate"}
	ps := data.kubeward.lib.pod_spec(obj)
	object.get(ps.spec, "restartPolicy", "Always") == "Always"
}

# The regular containers of a workload (not init or ephemeral ones).
app_containers(obj) := {entry |
	some entry in data.kubeward.lib.containers(obj)
	entry.field == "containers"
}

# The containers that carry resources: regular and init containers. Ephemeral containers
# cannot have resources.
resourced_containers(obj) := {entry |
	some entry in data.kubeward.lib.containers(obj)
	entry.field in {"containers", "initContainers"}
}

# Whether Kubernetes gives a container a request for `resource` ("cpu" or "memory") although
# the container does not set one: the request defaults to the container's own limit, to a
# LimitRange of the namespace, or the pod-level resources cover the whole pod.
request_supplied(obj, container, resource) if container.resources.limits[resource]

request_supplied(obj, _, resource) if limit_range_supplies(obj, resource, {"defaultRequest", "default", "max"})

request_supplied(obj, _, resource) if pod_level(obj, "requests", resource)

request_supplied(obj, _, resource) if pod_level(obj, "limits", resource)

# The same for a limit.
limit_supplied(obj, _, resource) if limit_range_supplies(obj, resource, {"default", "max"})

limit_supplied(obj, _, resource) if pod_level(obj, "limits", resource)

# A LimitRange of the object's namespace gives containers a value for the resource (its
# `default` limit, `defaultRequest`, or `max`, from which both are defaulted).
limit_range_supplies(obj, resource, fields) if {
	ns := data.kubeward.lib.namespace(obj)
	some range in data.kubeward.lib.objects("LimitRange", ns)
	some limit in data.kubeward.lib.list(object.get(range, ["spec", "limits"], []))
	limit.type == "Container"
	some field in fields
	limit[field][resource]
}

# Pod-level resources (`spec.resources`), which bound all containers of the pod together.
pod_level(obj, which, resource) if {
	ps := data.kubeward.lib.pod_spec(obj)
	ps.spec.resources[which][resource]
}

# HorizontalPodAutoscalers of the run that scale the object.
autoscalers(obj) := [hpa |
	some hpa in data.kubeward.lib.objects("HorizontalPodAutoscaler", data.kubeward.lib.namespace(obj))
	ref := object.get(hpa, ["spec", "scaleTargetRef"], {})
	ref.kind == obj.kind
	ref.name == data.kubeward.lib.name(obj)
]

# The smallest number of pods the workload runs: the lowest minReplicas of an autoscaler that
# scales it (default 1), else `spec.replicas` (default 1).
min_replicas(obj) := min({object.get(hpa, ["spec", "minReplicas"], 1) | some hpa in autoscalers(obj)}) if {
	count(autoscalers(obj)) > 0
} else := object.get(obj, ["spec", "replicas"], 1)

# PodDisruptionBudgets of the namespace whose selector matches a set of pod labels. In
# policy/v1 an empty selector selects every pod of the namespace; a missing one selects none.
disruption_budgets(ns, labels) := [pdb |
	some pdb in data.kubeward.lib.objects("PodDisruptionBudget", ns)
	budget_selects(pdb, labels)
]

budget_selects(pdb, labels) if {
	selector := pdb.spec.selector
	not empty_selector(selector)
	data.kubeward.lib.selector_matches(selector, labels)
}

budget_selects(pdb, _) if {
	pdb.apiVersion == "policy/v1"
	empty_selector(pdb.spec.selector)
}

empty_selector(selector) if {
	count(object.get(selector, "matchLabels", {})) == 0
	count(object.get(selector, "matchExpressions", [])) == 0
}

# Workloads of a namespace (with a replica count) whose pods a budget selects.
selected_workloads(pdb) := [obj |
	ns := data.kubeward.lib.namespace(pdb)
	some kind in replicated_kinds
	some obj in data.kubeward.lib.objects(kind, ns)
	budget_selects(pdb, data.kubeward.lib.pod_labels(obj))
]

# --- The object being linted ----------------------------------------------------------------

# The helpers above applied to `input`, as rules: a rule's value is computed once per
# evaluation and shared by every rule that reads it, where a function runs at every call.
input_app_containers := app_containers(input)
input_autoscalers := autoscalers(input)
input_long_running := long_running(input)
input_min_replicas := min_replicas(input)
input_resourced_containers := resourced_containers(input)
input_selected_workloads := selected_workloads(input)
