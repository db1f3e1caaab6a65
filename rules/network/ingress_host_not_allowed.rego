# METADATA
# title: Ingress claims a host outside the allowed domains
# description: |
#   Ingress controllers shared by several teams route a host name to whichever Ingress
#   claims it, often merging rules across namespaces. A team that can create an Ingress can
#   then take over another team's host, or publish a service under a domain the organisation
#   does not control. `allowed_domains` lists the domains Ingresses may use (a host matches a
#   domain when it is the domain or one of its subdomains); the rule is off while the list is
#   empty.
# custom:
#   id: KW216
#   name: ingress-host-not-allowed
#   severity: warning
#   kinds: [Ingress]
#   remediation: Use a host under one of the allowed domains, or add the domain to allowed_domains after review.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/ingress/#name-based-virtual-hosting
#     - https://kubernetes.github.io/ingress-nginx/faq/#multi-tenant-kubernetes
#   params:
#     type: object
#     properties:
#       allowed_domains:
#         type: array
#         items: {type: string}
#         default: []
#         description: Domains whose names and subdomains Ingress hosts may use; empty turns the rule off.
package kubeward.rules.network.ingress_host_not_allowed

import rego.v1

allowed := data.kubeward.params.ingress_host_not_allowed.allowed_domains

deny contains finding if {
	count(allowed) > 0
	some i, rule in data.kubeward.lib.list(object.get(input, ["spec", "rules"], []))
	host := rule.host
	is_string(host)
	host != ""
	not permitted(lower(trim_prefix(host, "*.")))
	finding := {
		"msg": sprintf("Ingress %q claims host %q, outside the allowed domains (%s)", [data.kubeward.lib.input_name, host, concat(", ", allowed)]),
		"path": ["spec", "rules", i, "host"],
	}
}

permitted(host) if {
	some domain in allowed
	host == lower(domain)
}

permitted(host) if {
	some domain in allowed
	endswith(host, concat("", [".", lower(domain)]))
}
