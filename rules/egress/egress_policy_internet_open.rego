# METADATA
# title: Egress policy opens the whole Internet
# description: |
#   Egress policies are what make the egress proxy mandatory: pods should be allowed to reach
#   the proxy and DNS, and the proxy alone reaches the Internet. An egress rule that allows
#   `0.0.0.0/0` or `::/0` (with or without `except` ranges: carving out private ranges still
#   leaves the whole Internet), or an egress rule without `to` (which allows every destination),
#   lets the selected pods connect anywhere directly: data can be sent out and tools downloaded
#   without passing the proxy's filter or audit log. The finding points at the rule's open
#   destination. Kubernetes NetworkPolicies (ignored when their `policyTypes` leave out `Egress`)
#   and Cilium policies (`toEntities: [world]` or `[all]`, `toCIDR`/`toCIDRSet` of `/0`) are
#   checked. This rule works without a proxy configuration; when a proxy is configured, it
#   checks the namespaces where the proxy is required, and not the proxy's own namespace, whose
#   pods must reach the Internet.
# custom:
#   id: KW407
#   name: egress-policy-internet-open
#   severity: warning
#   kinds: [NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy]
#   remediation: Allow egress only to the egress proxy and to DNS (podSelector/namespaceSelector or the proxy's address), and let the proxy reach the Internet.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic
#     - https://docs.cilium.io/en/stable/security/policy/language/#entities-based
package kubeward.rules.egress.egress_policy_internet_open

import rego.v1

# Kubernetes NetworkPolicy: an ipBlock of the whole address space.
deny contains finding if {
	startswith(input.apiVersion, "networking.k8s.io/")
	checked
	enforces_egress
	some i, rule in data.kubeward.lib.list(object.get(input, ["spec", "egress"], []))
	some j, peer in data.kubeward.lib.list(object.get(rule, "to", []))
	cidr := peer.ipBlock.cidr
	everything(cidr)
	finding := {
		"msg": sprintf("NetworkPolicy %q allows egress to the whole Internet (%s%s)%s", [
			data.kubeward.lib.input_name, cidr, excepted(peer.ipBlock), instead,
		]),
		"path": ["spec", "egress", i, "to", j, "ipBlock", "cidr"],
	}
}

# Kubernetes NetworkPolicy: an egress rule without destinations.
deny contains finding if {
	startswith(input.apiVersion, "networking.k8s.io/")
	checked
	enforces_egress
	some i, rule in data.kubeward.lib.list(object.get(input, ["spec", "egress"], []))
	count(data.kubeward.lib.list(object.get(rule, "to", []))) == 0
	finding := {
		"msg": sprintf("NetworkPolicy %q has an egress rule %s, which allows every destination%s", [
			data.kubeward.lib.input_name, without_to(rule), instead,
		]),
		"path": rule_path(i, rule),
	}
}

# An empty `to: []` is at fault itself; a missing one, at its rule.
rule_path(i, rule) := ["spec", "egress", i, "to"] if {
	"to" in object.keys(rule)
} else := ["spec", "egress", i]

without_to(rule) := "with an empty \"to\"" if {
	"to" in object.keys(rule)
} else := "without \"to\""

# policyTypes, when given, decides whether the egress rules apply.
enforces_egress if not input.spec.policyTypes

enforces_egress if "Egress" in input.spec.policyTypes

# Cilium: the `world` and `all` entities, or a /0 CIDR.
deny contains finding if {
	input.kind in {"CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"}
	checked
	some entry in cilium_specs
	some i, rule in data.kubeward.lib.list(object.get(entry.spec, "egress", []))
	some open in cilium_open(rule)
	finding := {
		"msg": sprintf("%s %q allows egress to the whole Internet (%s)%s", [input.kind, data.kubeward.lib.input_name, open.what, instead]),
		"path": array.concat(entry.path, array.concat(["egress", i], open.path)),
	}
}

# A Cilium policy has a `spec`, a list of `specs`, or both.
cilium_specs := array.concat(
	[{"path": ["spec"], "spec": s} | s := input.spec],
	[{"path": ["specs", k], "spec": s} | some k, s in data.kubeward.lib.list(object.get(input, "specs", []))],
)

cilium_open(rule) := {open |
	some k, entity in object.get(rule, "toEntities", [])
	entity in {"world", "all"}
	open := {"what": sprintf("entity %q", [entity]), "path": ["toEntities", k]}
} | {open |
	some k, cidr in object.get(rule, "toCIDR", [])
	everything(cidr)
	open := {"what": cidr, "path": ["toCIDR", k]}
} | {open |
	some k, set in object.get(rule, "toCIDRSet", [])
	everything(set.cidr)
	open := {"what": sprintf("%s%s", [set.cidr, excepted(set)]), "path": ["toCIDRSet", k, "cidr"]}
}

# A CIDR with a /0 prefix covers the whole IPv4 or IPv6 address space.
everything(cidr) if {
	is_string(cidr)
	endswith(trim_space(cidr), "/0")
}

excepted(block) := " except 1 range" if {
	count(object.get(block, "except", [])) == 1
} else := sprintf(" except %d ranges", [count(block.except)]) if {
	count(object.get(block, "except", [])) > 1
} else := ""

# Namespaces without the proxy requirement, and the proxy's own namespace, may reach the
# Internet when a proxy is configured; without one, every namespace is checked.
checked if not data.kubeward.lib.egress.configured

checked if data.kubeward.lib.egress.input_required

instead := sprintf(": only the egress proxy %s should reach it", [data.kubeward.lib.egress.proxy_display]) if {
	data.kubeward.lib.egress.configured
} else := ""
