# Indexes of the run's inventory, so that cross-resource rules look up the few objects that
# can matter instead of scanning a namespace, or every namespace, for each object they lint.
#
# Should this package fail, no rule could run: it must take any shape of object in its stride.
# Every rule of this package depends on data.kubeward only, never on `input`: the engine
# evaluates the package once per run, after the inventory is known, and gives its value to
# the rules as data.kubeward.index (a rule's value would otherwise be computed again for
# every object). Entries are `[position, value]` pairs, the position in a scan of the
# inventory (kind, namespace, name): a set of them iterates in scan order, so a lookup
# yields what the scan it replaces would have, in the same order.
#
# This package defines the indexes and is their reference; kubeward builds them in Rust
# (crates/lint-core/src/rules/index.rs; evaluating the package took 120-150 ms of a
# 10,000-object run), and a test requires the two to be equal on the shared manifests and
# every rule fixture. Should a user's file add to these packages, the interpreter evaluates this one
# instead: with this library, kubeward.rego and network.rego only (INDEX_LIBRARIES in
# crates/lint-core/src/rules/engine.rs), a helper of another library being out of its reach,
# and its rules in groups, one per thread, found by their heads, which start their lines here
# (see `rule_names` there).
package kubeward.lib.index

import rego.v1

# Every workload of the run, in scan order.
_workloads := [{"namespace": ns, "object": obj} |
	some kind, _ in data.kubeward.lib.pod_spec_paths
	some ns, by_name in object.get(data.kubeward.inventory, kind, {})
	some objs in by_name
	some obj in objs
]

# Namespace → its workloads: [position, object].
workloads[ns] contains [i, w.object] if {
	some i, w in _workloads
	ns := w.namespace
}

# Namespace → true, for the namespaces holding a workload: what a rule that only asks whether
# there is one looks up, so that editing a workload does not change its answer.
namespaces_with_workloads[ns] := true if some ns, _ in workloads

# Namespace → pod label → value → the workloads of the namespace whose pods carry it.
workloads_by_label[ns][key][value] contains [i, w.object] if {
	some i, w in _workloads
	ns := w.namespace
	some key, value in _pod_labels(w.object)
}

# Pod labels (a whole label set) → the workloads of every namespace whose pods carry exactly
# those: [position, {"namespace", "object"}]. A selector is matched against each label set
# once rather than against each workload: an application deployed to many namespaces has
# one label set for all of them.
workloads_by_labels[labels] contains [i, w] if {
	some i, w in _workloads
	labels := _pod_labels(w.object)
}

# Pod label → value → the label sets of workloads_by_labels that hold it.
label_sets_by_label[key][value] contains labels if {
	some labels, _ in workloads_by_labels
	some key, value in labels
}

_pod_labels(obj) := labels if {
	labels := data.kubeward.lib.pod_labels(obj)
	is_object(labels)
} else := {}

# The namespaces holding custom resources (see data.kubeward.lib.network.custom_resources_in).
namespaces_with_custom_resources contains ns if {
	some by_namespace in data.kubeward.inventory
	some ns, by_name in by_namespace
	some objs in by_name
	some obj in objs
	data.kubeward.lib.network.custom_group(obj.apiVersion)
	not is_object(object.get(obj, ["spec", "template"], null))
}

# Every binding of the run, ClusterRoleBindings first, in scan order.
_bindings := [{"kind": kind, "namespace": ns, "binding": binding} |
	some kind in ["ClusterRoleBinding", "RoleBinding"]
	some ns, by_name in object.get(data.kubeward.inventory, kind, {})
	some same in by_name
	some binding in same
]

# ClusterRole name → the bindings (of either kind) that grant it: [position, binding].
cluster_role_bindings[name] contains [i, b.binding] if {
	some i, b in _bindings
	b.binding.roleRef.kind == "ClusterRole"
	name := b.binding.roleRef.name
}

# Namespace → Role name → the RoleBindings of the namespace that grant it.
role_bindings[ns][name] contains [i, b.binding] if {
	some i, b in _bindings
	b.kind == "RoleBinding"
	b.binding.roleRef.kind == "Role"
	ns := b.namespace
	name := b.binding.roleRef.name
}

# Namespace → ServiceAccount name → the bindings whose subjects name it, RoleBindings first:
# [kind order, position, subject position, binding].
service_account_bindings[ns][name] contains [order, i, j, b.binding] if {
	some i, b in _bindings
	order := {"RoleBinding": 0, "ClusterRoleBinding": 1}[b.kind]
	some j, subject in data.kubeward.lib.list(object.get(b.binding, "subjects", []))
	subject.kind == "ServiceAccount"
	name := subject.name
	ns := object.get(subject, "namespace", data.kubeward.lib.namespace(b.binding))
}

# ServiceAccount name → the ServiceAccounts of that name in every namespace:
# [namespace, position, object].
service_accounts_by_name[name] contains [ns, j, obj] if {
	some ns, by_name in object.get(data.kubeward.inventory, "ServiceAccount", {})
	some name, objs in by_name
	some j, obj in objs
}
