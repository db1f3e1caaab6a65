# METADATA
# title: NetworkPolicy allows ingress from anywhere
# description: |
#   Some ingress rules look restrictive and are not. A rule without `from` (or with an empty
#   `from`) admits every source, inside and outside the cluster; a peer with
#   `namespaceSelector: {}` admits pods of every namespace, so anyone who can start a pod
#   anywhere, with the right labels if the peer also has a `podSelector`, reaches the
#   selected pods; an `ipBlock` of `0.0.0.0/0` or `::/0` admits every address. Each is
#   reported at its node. Rules of a policy whose `policyTypes` leave out Ingress are
#   ignored by Kubernetes, and here too.
# custom:
#   id: KW214
#   name: network-policy-ingress-from-anywhere
#   severity: warning
#   kinds: [NetworkPolicy]
#   remediation: Name the sources that need access, with a podSelector, a namespaceSelector that matches specific namespaces, or a narrow ipBlock.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic
package kubeward.rules.network.network_policy_ingress_from_anywhere

import rego.v1

everywhere := {"0.0.0.0/0", "::/0"}

rules contains [i, rule] if {
	data.kubeward.lib.network.input_kubernetes_policy
	"Ingress" in data.kubeward.lib.network.input_policy_types
	some i, rule in data.kubeward.lib.list(object.get(input, ["spec", "ingress"], []))
	is_object(rule)
}

# A rule without sources.
deny contains finding if {
	some [i, rule] in rules
	count(data.kubeward.lib.list(object.get(rule, "from", []))) == 0
	finding := {
		"msg": sprintf("NetworkPolicy %q allows ingress from any source%s: ingress[%d] lists no source", [data.kubeward.lib.input_name, ports(rule), i]),
		"path": ["spec", "ingress", i, "from"],
	}
}

# A peer of every namespace.
deny contains finding if {
	some [i, rule] in rules
	some j, peer in data.kubeward.lib.list(object.get(rule, "from", []))
	is_object(peer)
	is_object(peer.namespaceSelector)
	data.kubeward.lib.network.empty_selector(peer.namespaceSelector)
	finding := {
		"msg": sprintf("NetworkPolicy %q allows ingress from %s of every namespace in ingress[%d].from[%d]", [data.kubeward.lib.input_name, pods(peer), i, j]),
		"path": ["spec", "ingress", i, "from", j, "namespaceSelector"],
	}
}

# An address block of the whole internet.
deny contains finding if {
	some [i, rule] in rules
	some j, peer in data.kubeward.lib.list(object.get(rule, "from", []))
	is_object(peer)
	peer.ipBlock.cidr in everywhere
	finding := {
		"msg": sprintf("NetworkPolicy %q allows ingress from every address (%s) in ingress[%d].from[%d]", [data.kubeward.lib.input_name, peer.ipBlock.cidr, i, j]),
		"path": ["spec", "ingress", i, "from", j, "ipBlock", "cidr"],
	}
}

ports(rule) := " on every port" if {
	count(data.kubeward.lib.list(object.get(rule, "ports", []))) == 0
} else := ""

pods(peer) := "every pod" if {
	data.kubeward.lib.network.empty_selector(object.get(peer, "podSelector", {}))
} else := "the matching pods"
