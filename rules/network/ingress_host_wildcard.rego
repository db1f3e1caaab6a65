# METADATA
# title: Ingress answers for every host name
# description: |
#   A rule with a `*.example.com` host routes every subdomain, including names later meant
#   for other services, to one backend; a rule without a host routes every host name the
#   controller receives, so anything that points DNS at the controller (a stale record, a
#   typo domain) reaches the backend, and on shared controllers the catch-all competes with
#   other teams' Ingresses. Name the hosts the service answers for.
# custom:
#   id: KW217
#   name: ingress-host-wildcard
#   severity: info
#   kinds: [Ingress]
#   remediation: List the exact host names the service answers for instead of a wildcard or no host.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards
#     - https://kubernetes.io/docs/concepts/services-networking/ingress/#name-based-virtual-hosting
package kubeward.rules.network.ingress_host_wildcard

import rego.v1

deny contains finding if {
	some i, rule in data.kubeward.lib.list(object.get(input, ["spec", "rules"], []))
	is_object(rule)
	host := object.get(rule, "host", "")
	is_string(host)
	startswith(host, "*")
	finding := {
		"msg": sprintf("Ingress %q answers for every subdomain of %q (host %q)", [data.kubeward.lib.input_name, trim_prefix(host, "*."), host]),
		"path": ["spec", "rules", i, "host"],
	}
}

deny contains finding if {
	some i, rule in data.kubeward.lib.list(object.get(input, ["spec", "rules"], []))
	is_object(rule)
	object.get(rule, "host", "") in {"", null}
	finding := {
		"msg": sprintf("Ingress %q: rules[%d] has no host and answers for every host name", [data.kubeward.lib.input_name, i]),
		"path": ["spec", "rules", i, "host"],
	}
}
