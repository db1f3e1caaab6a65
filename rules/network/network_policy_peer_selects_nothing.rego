# METADATA
# title: NetworkPolicy peer selects no pod
# description: |
#   A `from` or `to` peer with a `podSelector` and no `namespaceSelector` means pods of the
#   policy's own namespace with those labels. When no pod has them (a renamed label, a typo,
#   or pods that live in another namespace and need a `namespaceSelector`), the rule allows
#   nothing: the traffic it was written for is dropped, and the usual reaction to the
#   outage is a broader rule. Only the workloads of the lint run are known, so a peer is
#   judged only when the run holds workloads of the policy's namespace, or workloads of
#   another namespace that it would match (they are shown), or always with
#   `complete-inventory: true`. An empty `podSelector` means every pod and is never reported.
# custom:
#   id: KW210
#   name: network-policy-peer-selects-nothing
#   severity: warning
#   kinds: [NetworkPolicy]
#   remediation: Make the peer's podSelector match the labels of the pods to allow, and add a namespaceSelector when they live in another namespace.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
#   peers:
#     kube-linter: [dangling-networkpolicypeer-podselector]
package kubeward.rules.network.network_policy_peer_selects_nothing

import rego.v1

peers := {"ingress": "from", "egress": "to"}

deny contains finding if {
	data.kubeward.lib.network.input_kubernetes_policy
	ns := data.kubeward.lib.input_namespace
	some direction, field in peers
	some i, rule in data.kubeward.lib.list(object.get(input, ["spec", direction], []))
	is_object(rule)
	some j, peer in data.kubeward.lib.list(object.get(rule, field, []))
	is_object(peer)
	not "namespaceSelector" in object.keys(peer)
	selector := peer.podSelector
	is_object(selector)
	not data.kubeward.lib.network.empty_selector(selector)
	count(data.kubeward.lib.network.selected_workloads(selector, ns)) == 0
	elsewhere := data.kubeward.lib.network.selected_elsewhere(selector, ns)
	judged(ns, elsewhere)
	finding := {
		"msg": sprintf("NetworkPolicy %q: %s[%d].%s[%d] selects no pod of namespace %q%s", [data.kubeward.lib.input_name, direction, i, field, j, ns, hint(elsewhere, ns)]),
		"path": ["spec", direction, i, field, j, "podSelector"],
		"related": [{
			"path": array.concat(data.kubeward.lib.pod_metadata_path(obj), ["labels"]),
			"object": data.kubeward.lib.network.ref(obj),
			"msg": "matching pods in another namespace",
		} |
			some obj in elsewhere
		],
	}
}

judged(ns, _) if data.kubeward.lib.network.has_workloads(ns)

judged(_, elsewhere) if count(elsewhere) > 0

hint(elsewhere, ns) := sprintf("; %s matches it, which needs a namespaceSelector", [data.kubeward.lib.network.describe(elsewhere[0], ns)]) if {
	count(elsewhere) > 0
} else := ""

# `complete-inventory`: the run holds every object of its namespaces.
judged(_, _) if data.kubeward.complete_inventory
