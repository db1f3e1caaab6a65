# METADATA
# title: Service selects no pod
# description: |
#   A Service sends its traffic to the pods of its namespace whose labels include all of its
#   `selector`. When a label was renamed, the selector has a typo or the Service sits in
#   another namespace than its pods, it has no endpoints: clients get connection errors, and
#   the outage shows up far from its cause. Only the workloads of the lint run are known, so
#   a Service is judged only when the run holds workloads of its namespace and no custom
#   resources there (an operator may make the selected pods from those, as
#   prometheus-operator does from a Prometheus), or workloads of another namespace that its
#   selector would match (they are shown), or always with `complete-inventory: true`.
#   Services without a selector (endpoints managed by hand) and ExternalName Services are
#   not checked.
# custom:
#   id: KW211
#   name: service-selects-nothing
#   severity: warning
#   kinds: [Service]
#   remediation: Make the Service's selector match the pod template labels of its workload, in the same namespace.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
#     - https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/#does-the-service-have-any-endpoints
#   peers:
#     kube-linter: [dangling-service]
#     kubescape: [service-with-no-workload]
package kubeward.rules.network.service_selects_nothing

import rego.v1

deny contains finding if {
	selector := data.kubeward.lib.network.input_service_selector
	ns := data.kubeward.lib.input_namespace
	count(data.kubeward.lib.network.selected_workloads(selector, ns)) == 0
	elsewhere := data.kubeward.lib.network.selected_elsewhere(selector, ns)
	judged(ns, elsewhere)
	finding := {
		"msg": sprintf("Service %q selects no pod of namespace %q%s", [data.kubeward.lib.input_name, ns, hint(elsewhere, ns)]),
		"path": ["spec", "selector"],
		"related": [{
			"path": array.concat(data.kubeward.lib.pod_metadata_path(obj), ["labels"]),
			"object": data.kubeward.lib.network.ref(obj),
			"msg": "selected in another namespace",
		} |
			some obj in elsewhere
		],
	}
}

judged(ns, _) if {
	data.kubeward.lib.network.has_workloads(ns)
	not data.kubeward.lib.network.custom_resources_in(ns)
}

judged(_, elsewhere) if count(elsewhere) > 0

hint(elsewhere, ns) := sprintf("; it would select %s", [data.kubeward.lib.network.describe(elsewhere[0], ns)]) if {
	count(elsewhere) > 0
} else := ""

# `complete-inventory`: the run holds every object of its namespaces.
judged(_, _) if data.kubeward.complete_inventory
