# METADATA
# title: Ingress serves hosts without TLS
# description: |
#   An Ingress without a `tls` section serves its hosts over plain HTTP: credentials, session
#   cookies and data cross the network readable and modifiable by anyone on the path. With a
#   `tls` section, a host of the rules that no `tls` entry lists (exactly, or through a
#   `*.` wildcard one label deep) still gets no certificate and falls back to the
#   controller's default one or to plain HTTP. A `tls` entry without hosts covers every host.
# custom:
#   id: KW215
#   name: ingress-tls-missing
#   severity: warning
#   kinds: [Ingress]
#   remediation: Add a tls entry that lists every host of the Ingress, with the Secret of a certificate for them.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
#     - https://owasp.org/www-project-top-ten/2017/A3_2017-Sensitive_Data_Exposure
#   peers:
#     kubescape: [ingress-no-tls]
package kubeward.rules.network.ingress_tls_missing

import rego.v1

tls := data.kubeward.lib.list(object.get(input, ["spec", "tls"], []))

deny contains finding if {
	count(tls) == 0
	finding := {
		"msg": sprintf("Ingress %q has no tls section, so it serves %s over plain HTTP", [data.kubeward.lib.input_name, hosts]),
		"path": ["spec", "tls"],
	}
}

deny contains finding if {
	count(tls) > 0
	every entry in tls {
		count(data.kubeward.lib.list(object.get(data.kubeward.lib.network.object_of(entry), "hosts", []))) > 0
	}
	some i, rule in data.kubeward.lib.list(object.get(input, ["spec", "rules"], []))
	host := rule.host
	is_string(host)
	host != ""
	not covered(host)
	finding := {
		"msg": sprintf("Ingress %q serves host %q without TLS: no tls entry lists it", [data.kubeward.lib.input_name, host]),
		"path": ["spec", "rules", i, "host"],
	}
}

hosts := sprintf("host %q", [names[0]]) if {
	names := [rule.host | some rule in data.kubeward.lib.list(object.get(input, ["spec", "rules"], [])); is_string(rule.host); rule.host != ""]
	count(names) == 1
} else := "its hosts"

covered(host) if {
	some entry in tls
	some name in data.kubeward.lib.list(entry.hosts)
	name == host
}

# `*.example.com` covers `shop.example.com`, not `a.shop.example.com`.
covered(host) if {
	some entry in tls
	some name in data.kubeward.lib.list(entry.hosts)
	is_string(name)
	startswith(name, "*.")
	parts := split(host, ".")
	count(parts) > 2
	concat(".", array.slice(parts, 1, count(parts))) == substring(name, 2, -1)
}
