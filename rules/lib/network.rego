# Helpers of the network rules: which policies select a pod and what they isolate, which
# workloads a selector reaches, and how Services and Ingresses refer to each other.
package kubeward.lib.network

import rego.v1

# Plain values of data.kubeward as rules of this package, for the helpers below: regorus looks
# up a reference to plain data by visiting every module of the policy, at every use, while it
# finds a rule's value directly once computed.
_cluster_scoped := data.kubeward.cluster_scoped

# Whether a set holds a value, as a boolean.
member(set, value) := true if {
	value in set
} else := false

# An object, or {} for a missing or null field.
object_of(value) := value if is_object(value)

else := {}

# A LabelSelector with null fields and malformed expressions made harmless, for
# data.kubeward.lib.selector_matches (a null selector selects everything, as in the API).
selector_of(selector) := {
	"matchLabels": object_of(object.get(object_of(selector), "matchLabels", {})),
	"matchExpressions": [object.union(e, {"values": data.kubeward.lib.list(object.get(e, "values", []))}) |
		some e in data.kubeward.lib.list(object.get(object_of(selector), "matchExpressions", []))
		is_object(e)
	],
}

# Whether a LabelSelector selects a label set, tolerating null fields on both sides.
matches(selector, labels) if data.kubeward.lib.selector_matches(selector_of(selector), object_of(labels))

# The labels a workload's pods get ({} when missing or null).
labels_of(obj) := object_of(data.kubeward.lib.pod_labels(obj))

# Whether the namespace holds a workload.
has_workloads(ns) if data.kubeward.lookup(["index", "namespaces_with_workloads", ns], false)

# Whether the run holds custom resources in a namespace (kinds of a group outside Kubernetes'
# own: `monitoring.coreos.com`, not `apps` or `*.k8s.io`). Operators make pods from those
# (prometheus-operator turns a Prometheus into a StatefulSet) that the run does not show.
# A custom kind that carries its pod template itself (OpenShift's DeploymentConfig) is a
# workload written out, not an operator's input: it does not count.
custom_resources_in(ns) if ns in data.kubeward.lookup(["index", "namespaces_with_custom_resources"], set())

custom_group(api_version) if {
	parts := split(api_version, "/")
	count(parts) == 2
	contains(parts[0], ".")
	not endswith(parts[0], ".k8s.io")
}

# The workloads of a namespace whose pods a LabelSelector selects.
selected_workloads(selector, ns) := [obj |
	some entry in _candidates(selector_of(selector), ns)
	obj := entry[1]
	matches(selector, labels_of(obj))
]

# The workloads of OTHER namespaces whose pods the selector would select: a selector that
# matches nothing at home but something there usually sits in the wrong namespace. Only
# computed for selectors that select nothing at home.
selected_elsewhere(selector, ns) := [w.object |
	some entry in _selected_everywhere(selector_of(selector))
	w := entry[1]
	w.namespace != ns
]

# The workloads of every namespace whose pods a selector (made by selector_of) selects, as
# [position, {"namespace", "object"}] in scan order (a set of them iterates so). The selector
# is matched against the run's distinct label sets, not against each workload: the work stays
# proportional to the kinds of applications, not to the number of namespaces they run in.
_selected_everywhere(selector) := {entry |
	some labels in _label_sets(selector)
	data.kubeward.lib.selector_matches(selector, labels)
	some entry in data.kubeward.lookup(["index", "workloads_by_labels", labels], set())
}

# The label sets a selector can select: those holding the first of its matchLabels (all of
# them when it has none).
_label_sets(selector) := data.kubeward.lookup(["index", "label_sets_by_label", key, selector.matchLabels[key]], set()) if {
	count(selector.matchLabels) > 0
	key := sort(object.keys(selector.matchLabels))[0]
}

_label_sets(selector) := object.keys(data.kubeward.lookup(["index", "workloads_by_labels"], {})) if {
	count(selector.matchLabels) == 0
}

# The workloads a selector can select: those whose pods carry the first of its matchLabels
# (all of a namespace when it has none), as [position, object] in scan order.
_candidates(selector, ns) := data.kubeward.lookup(["index", "workloads_by_label", ns, key, selector.matchLabels[key]], set()) if {
	count(selector.matchLabels) > 0
	key := sort(object.keys(selector.matchLabels))[0]
}

_candidates(selector, ns) := data.kubeward.lookup(["index", "workloads", ns], set()) if {
	count(selector.matchLabels) == 0
}

# The pods a workload runs, in messages: `Pod "debug"`, `the pods of Deployment "web"`.
pods_of(obj) := sprintf("Pod %q", [data.kubeward.lib.name(obj)]) if {
	obj.kind == "Pod"
} else := sprintf("the pods of %s %q", [obj.kind, data.kubeward.lib.name(obj)])

# A reference to an object of the run, for `related`.
ref(obj) := {"kind": obj.kind, "namespace": data.kubeward.lib.namespace(obj), "name": data.kubeward.lib.name(obj)} if {
	not _cluster_scoped[obj.kind]
} else := {"kind": obj.kind, "name": data.kubeward.lib.name(obj)}

# A workload in messages: `Deployment "web"`, with its namespace when it differs.
describe(obj, ns) := sprintf("%s %q", [obj.kind, data.kubeward.lib.name(obj)]) if {
	data.kubeward.lib.namespace(obj) == ns
} else := sprintf("%s %q of namespace %q", [obj.kind, data.kubeward.lib.name(obj), data.kubeward.lib.namespace(obj)])

# Whether a LabelSelector is empty (selects everything).
empty_selector(selector) if {
	normalized := selector_of(selector)
	count(normalized.matchLabels) == 0
	count(normalized.matchExpressions) == 0
}

# --- Kubernetes NetworkPolicies ---------------------------------------------------------

# A Kubernetes NetworkPolicy (not a Calico or other CRD that reuses the kind).
kubernetes_policy(policy) if {
	policy.kind == "NetworkPolicy"
	is_string(policy.apiVersion)
	startswith(policy.apiVersion, "networking.k8s.io/")
}

kubernetes_policies(ns) := [policy |
	some policy in data.kubeward.lib.objects("NetworkPolicy", ns)
	kubernetes_policy(policy)
]

# The directions a policy isolates, as the API server defaults them: its `policyTypes`, or
# Ingress, plus Egress when it has egress rules.
policy_types(policy) := {t | some t in data.kubeward.lib.list(policy.spec.policyTypes)} if {
	count(data.kubeward.lib.list(policy.spec.policyTypes)) > 0
} else := {"Ingress", "Egress"} if {
	count(data.kubeward.lib.list(object.get(policy, ["spec", "egress"], []))) > 0
} else := {"Ingress"}

# Where to show what a policy isolates: its policyTypes, or its podSelector when they are
# implicit.
policy_types_path(policy) := ["spec", "policyTypes"] if {
	count(data.kubeward.lib.list(object.get(policy, ["spec", "policyTypes"], []))) > 0
} else := ["spec", "podSelector"]

# --- Cilium policies --------------------------------------------------------------------

# The rules of a Cilium policy (`spec` and every item of `specs`), with their paths.
cilium_specs(policy) := array.concat(
	[{"spec": s, "path": ["spec"]} | s := policy.spec; is_object(s)],
	[{"spec": s, "path": ["specs", i]} | some i, s in data.kubeward.lib.list(object.get(policy, "specs", [])); is_object(s)],
)

# A Cilium endpointSelector as a LabelSelector over pod labels: label keys may carry a
# source prefix (`k8s:app`, `any:app`).
cilium_selector(spec) := {
	"matchLabels": {cilium_key(k): v | some k, v in object_of(object.get(spec, ["endpointSelector", "matchLabels"], {}))},
	"matchExpressions": [object.union(e, {"key": cilium_key(e.key)}) |
		some e in data.kubeward.lib.list(object.get(spec, ["endpointSelector", "matchExpressions"], []))
		is_string(e.key)
	],
} if {
	is_object(spec.endpointSelector)
}

cilium_key(key) := substring(key, 4, -1) if {
	some prefix in ["k8s:", "any:"]
	startswith(key, prefix)
} else := key

# Cilium puts a selected endpoint in default-deny for a direction when a rule has an
# ingress (egress) section, allow or deny, unless `enableDefaultDeny` turns it off.
cilium_isolates(spec, "Ingress") if {
	some section in ["ingress", "ingressDeny"]
	spec[section] != null
	object.get(spec, ["enableDefaultDeny", "ingress"], true) != false
}

cilium_isolates(spec, "Egress") if {
	some section in ["egress", "egressDeny"]
	spec[section] != null
	object.get(spec, ["enableDefaultDeny", "egress"], true) != false
}

cilium_namespace_label := "io.kubernetes.pod.namespace"

# --- Which policies select a pod --------------------------------------------------------

# The policies that select a pod with these labels in namespace ns, one entry per selecting
# policy (or Cilium rule): {"object", "path", "ingress", "egress"}, where ingress/egress tell
# whether it isolates that direction and path is where a reader sees it.
selecting_policies(ns, labels) := kubernetes_selecting(ns, labels) | cilium_selecting(ns, labels)

kubernetes_selecting(ns, labels) := {entry |
	some policy in kubernetes_policies(ns)
	matches(object.get(policy, ["spec", "podSelector"], {}), labels)
	types := policy_types(policy)
	entry := {
		"object": ref(policy),
		"path": policy_types_path(policy),
		"ingress": member(types, "Ingress"),
		"egress": member(types, "Egress"),
	}
}

cilium_selecting(ns, labels) := {entry |
	some policy in data.kubeward.lib.objects("CiliumNetworkPolicy", ns)
	some rule in cilium_specs(policy)
	matches(cilium_selector(rule.spec), labels)
	entry := cilium_entry(policy, rule)
} | {entry |
	some policy in data.kubeward.lib.objects("CiliumClusterwideNetworkPolicy", "")
	some rule in cilium_specs(policy)
	with_namespace := object.union(object_of(labels), {cilium_namespace_label: ns})
	matches(cilium_selector(rule.spec), with_namespace)
	entry := cilium_entry(policy, rule)
}

cilium_entry(policy, rule) := {
	"object": ref(policy),
	"path": array.concat(rule.path, ["endpointSelector"]),
	"ingress": cilium_isolation(rule.spec, "Ingress"),
	"egress": cilium_isolation(rule.spec, "Egress"),
}

cilium_isolation(spec, direction) := true if {
	cilium_isolates(spec, direction)
} else := false

# Default-deny baselines: policies that select every pod of a namespace and isolate a
# direction without allowing all of it.
default_deny(ns, direction) if {
	some policy in kubernetes_policies(ns)
	empty_selector(object.get(policy, ["spec", "podSelector"], {}))
	direction in policy_types(policy)
	not allows_everything(policy, direction)
}

default_deny(ns, direction) if {
	some policy in data.kubeward.lib.objects("CiliumNetworkPolicy", ns)
	some rule in cilium_specs(policy)
	empty_selector(cilium_selector(rule.spec))
	cilium_isolates(rule.spec, direction)
}

default_deny(ns, direction) if {
	some policy in data.kubeward.lib.objects("CiliumClusterwideNetworkPolicy", "")
	some rule in cilium_specs(policy)
	selector := cilium_selector(rule.spec)
	every key, _ in selector.matchLabels {
		key == cilium_namespace_label
	}
	every expression in selector.matchExpressions {
		expression.key == cilium_namespace_label
	}
	matches(selector, {cilium_namespace_label: ns})
	cilium_isolates(rule.spec, direction)
}

peer_field := {"Ingress": "from", "Egress": "to"}

rules_field := {"Ingress": "ingress", "Egress": "egress"}

# A rule without peers and without ports allows every source (destination) on every port.
allows_everything(policy, direction) if {
	some rule in data.kubeward.lib.list(object.get(policy, ["spec", rules_field[direction]], []))
	is_object(rule)
	count(data.kubeward.lib.list(object.get(rule, peer_field[direction], []))) == 0
	count(data.kubeward.lib.list(object.get(rule, "ports", []))) == 0
}

# --- Services ---------------------------------------------------------------------------

# A Service's selector as a LabelSelector, when it selects pods at all (ExternalName
# Services and Services without a selector do not).
service_selector(service) := {"matchLabels": selector} if {
	object.get(service, ["spec", "type"], "ClusterIP") != "ExternalName"
	selector := object.get(service, ["spec", "selector"], {})
	is_object(selector)
	count(selector) > 0
}

# --- The object being linted ----------------------------------------------------------------

# The helpers above applied to `input`, as rules: a rule's value is computed once per
# evaluation and shared by every rule that reads it, where a function runs at every call.
input_kubernetes_policy := kubernetes_policy(input)
input_labels_of := labels_of(input)
input_pods_of := pods_of(input)
input_policy_types := policy_types(input)
input_service_selector := service_selector(input)
