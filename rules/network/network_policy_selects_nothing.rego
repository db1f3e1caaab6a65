# METADATA
# title: NetworkPolicy selects no pod
# description: |
#   A NetworkPolicy applies only to the pods of its own namespace that its `podSelector`
#   matches. When a label changed, the selector has a typo or the policy sits in the wrong
#   namespace, it protects nothing, while everyone believes the pods are isolated. Only the
#   workloads of the lint run are known, so a policy is judged only when the run holds
#   workloads of its namespace, or workloads of another namespace that its selector would
#   match (then the policy is most likely in the wrong namespace, and they are shown), or
#   always with `complete-inventory: true`. An
#   empty `podSelector` selects every pod and is never reported.
# custom:
#   id: KW209
#   name: network-policy-selects-nothing
#   severity: warning
#   kinds: [NetworkPolicy]
#   remediation: Make the podSelector match the labels of the pods to protect, in the policy's namespace, or remove the policy.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
#     - https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
#   peers:
#     kube-linter: [dangling-networkpolicy]
#     kubescape: [dangling-networkpolicy]
package kubeward.rules.network.network_policy_selects_nothing

import rego.v1

deny contains finding if {
	data.kubeward.lib.network.input_kubernetes_policy
	ns := data.kubeward.lib.input_namespace
	selector := object.get(input, ["spec", "podSelector"], {})
	not data.kubeward.lib.network.empty_selector(selector)
	count(data.kubeward.lib.network.selected_workloads(selector, ns)) == 0
	elsewhere := data.kubeward.lib.network.selected_elsewhere(selector, ns)
	judged(ns, elsewhere)
	finding := {
		"msg": sprintf("NetworkPolicy %q selects no pod of namespace %q%s", [data.kubeward.lib.input_name, ns, hint(elsewhere, ns)]),
		"path": ["spec", "podSelector"],
		"related": [{
			"path": array.concat(data.kubeward.lib.pod_metadata_path(obj), ["labels"]),
			"object": data.kubeward.lib.network.ref(obj),
			"msg": "selected in another namespace",
		} |
			some obj in elsewhere
		],
	}
}

judged(ns, _) if data.kubeward.lib.network.has_workloads(ns)

judged(_, elsewhere) if count(elsewhere) > 0

hint(elsewhere, ns) := sprintf("; it would select %s", [data.kubeward.lib.network.describe(elsewhere[0], ns)]) if {
	count(elsewhere) > 0
} else := ""

# `complete-inventory`: the run holds every object of its namespaces.
judged(_, _) if data.kubeward.complete_inventory
