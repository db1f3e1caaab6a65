# METADATA
# title: NO_PROXY exempts every destination
# description: |
#   `NO_PROXY=*` (or a `*` entry in the list) tells HTTP clients to bypass the proxy for every
#   host: the proxy variables beside it do nothing, and every request leaves the pod directly,
#   unfiltered and unaudited. It is reported where the egress proxy is required (see
#   `proxy-env-missing`), and, without any proxy configuration, in every container that sets a
#   proxy variable itself, since the wildcard contradicts it.
# custom:
#   id: KW405
#   name: no-proxy-wildcard
#   severity: error
#   kinds: [workload]
#   remediation: List only the destinations that must not go through the proxy in NO_PROXY (cluster-internal suffixes and ranges).
#   references:
#     - https://everything.curl.dev/usingcurl/proxies/env.html
#     - https://pkg.go.dev/golang.org/x/net/http/httpproxy#Config
package kubeward.rules.egress.no_proxy_wildcard

import rego.v1

deny contains finding if {
	some c in data.kubeward.lib.input_containers
	vars := [v | some v in data.kubeward.lib.egress.effective(data.kubeward.lib.egress.variables(input, c))]
	applies(vars)
	some v in vars
	lower(v.name) == "no_proxy"
	is_string(v.value)
	"*" in data.kubeward.lib.egress.no_proxy_entries(v.value)
	finding := {
		"msg": sprintf("container %q sets %s to %q, which sends every request around %s", [
			data.kubeward.lib.container_name(c.container), v.name, v.value, proxy_name,
		]),
		"path": v.path,
		"related": data.kubeward.lib.egress.related(v, sprintf("%s is set here", [v.name])),
	}
}

applies(_) if data.kubeward.lib.egress.input_required

applies(vars) if data.kubeward.lib.egress.sets_proxy(vars)

proxy_name := sprintf("the egress proxy %s", [data.kubeward.lib.egress.proxy_display]) if {
	data.kubeward.lib.egress.input_required
} else := "the container's own proxy"
