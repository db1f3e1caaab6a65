# METADATA
# title: Upper- and lower-case proxy variables disagree
# description: |
#   HTTP clients do not agree on which spelling of a proxy variable wins: curl reads `http_proxy`
#   and ignores `HTTP_PROXY`, Python's urllib and requests prefer the lower-case variables, Go
#   prefers the upper-case ones. A container that sets `HTTPS_PROXY` and `https_proxy` (or
#   `NO_PROXY` and `no_proxy`) to different values sends the traffic of one program through the
#   egress proxy and that of the next one around it, or through another proxy. This rule needs no
#   proxy configuration: the two values contradict each other whatever the intended proxy.
#   Proxy URLs are compared as clients read them, NO_PROXY lists as sets of entries.
# custom:
#   id: KW404
#   name: proxy-env-case-conflict
#   severity: warning
#   kinds: [workload]
#   remediation: Give both spellings the same value, or set both from one ConfigMap.
#   references:
#     - https://everything.curl.dev/usingcurl/proxies/env.html
#     - https://about.gitlab.com/blog/2021/01/27/we-need-to-talk-no-proxy/
package kubeward.rules.egress.proxy_env_case_conflict

import rego.v1

deny contains finding if {
	some c in data.kubeward.lib.input_containers
	vars := data.kubeward.lib.egress.effective(data.kubeward.lib.egress.variables(input, c))
	some family in ["http_proxy", "https_proxy", "all_proxy", "no_proxy"]
	lower_case := vars[family]
	upper_case := vars[upper(family)]
	is_string(lower_case.value)
	is_string(upper_case.value)
	not same(family, lower_case.value, upper_case.value)
	finding := {
		"msg": sprintf("container %q sets %s to %q but %s to %q: curl and Python read one, Go the other", [
			data.kubeward.lib.container_name(c.container), family, shown(family, lower_case.value),
			upper(family), shown(family, upper_case.value),
		]),
		"path": lower_case.path,
		"related": array.concat(
			[{"path": upper_case.path, "msg": sprintf("%s is set here", [upper(family)])}],
			data.kubeward.lib.egress.related(lower_case, sprintf("%s is set here", [family])),
		),
	}
}

same("no_proxy", a, b) if data.kubeward.lib.egress.no_proxy_entries(a) == data.kubeward.lib.egress.no_proxy_entries(b)

same(family, a, b) if {
	family != "no_proxy"
	data.kubeward.lib.egress.same_proxy(a, b)
}

same(family, "", "") if family != "no_proxy"

# Proxy URLs are shown without user information.
shown("no_proxy", value) := value

shown(family, value) := data.kubeward.lib.egress.display(value) if family != "no_proxy"
