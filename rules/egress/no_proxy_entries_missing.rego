# METADATA
# title: NO_PROXY lacks the cluster-internal entries
# description: |
#   A container that sends its traffic through the egress proxy must still reach cluster
#   Services directly: NO_PROXY has to list the cluster-internal suffixes and ranges (the
#   `proxy.no-proxy` entries of `.kubeward.yaml`, such as `.svc`, `.cluster.local` and the
#   pod and service CIDRs). Without them, calls to other Services go to the proxy, which cannot
#   resolve or reach them (the calls fail) or, worse, forwards internal traffic and tokens
#   through a component that logs it. An entry is covered by the same entry with or without a
#   leading `.` or `*.`, by a parent domain, or by a CIDR range that contains it. Reported for
#   containers that set a proxy variable, where the proxy is required; a container without proxy
#   variables is `proxy-env-missing`'s finding.
# custom:
#   id: KW406
#   name: no-proxy-entries-missing
#   severity: warning
#   kinds: [workload]
#   remediation: Add the missing entries to NO_PROXY (and no_proxy), for example from the ConfigMap that sets the proxy variables.
#   references:
#     - https://everything.curl.dev/usingcurl/proxies/env.html
#     - https://about.gitlab.com/blog/2021/01/27/we-need-to-talk-no-proxy/
package kubeward.rules.egress.no_proxy_entries_missing

import rego.v1

required_entries := object.get(data.kubeward.proxy, "no_proxy", [])

deny contains finding if {
	data.kubeward.lib.egress.input_required
	count(required_entries) > 0
	some c in data.kubeward.lib.input_containers
	vars := [v | some v in data.kubeward.lib.egress.effective(data.kubeward.lib.egress.variables(input, c))]
	data.kubeward.lib.egress.sets_proxy(vars)
	some v in vars
	lower(v.name) == "no_proxy"
	is_string(v.value)
	entries := data.kubeward.lib.egress.no_proxy_entries(v.value)
	not "*" in entries
	missing := [r | some r in required_entries; not data.kubeward.lib.egress.covers(entries, r)]
	count(missing) > 0
	finding := {
		"msg": sprintf("container %q sets %s without %s, so its calls to cluster Services go to the egress proxy", [
			data.kubeward.lib.container_name(c.container), v.name, concat(", ", missing),
		]),
		"path": v.path,
		"related": data.kubeward.lib.egress.related(v, sprintf("%s is set here", [v.name])),
	}
}

# No NO_PROXY at all.
deny contains finding if {
	data.kubeward.lib.egress.input_required
	count(required_entries) > 0
	some c in data.kubeward.lib.input_containers
	not data.kubeward.lib.egress.unresolved(input, c)
	vars := [v | some v in data.kubeward.lib.egress.effective(data.kubeward.lib.egress.variables(input, c))]
	data.kubeward.lib.egress.sets_proxy(vars)
	not has_no_proxy(vars)
	finding := {
		"msg": sprintf("container %q sets a proxy but no NO_PROXY, so its calls to cluster Services (%s) go to the egress proxy", [
			data.kubeward.lib.container_name(c.container), concat(", ", required_entries),
		]),
		"path": array.concat(c.path, ["env"]),
	}
}

has_no_proxy(vars) if {
	some v in vars
	lower(v.name) == "no_proxy"
}
