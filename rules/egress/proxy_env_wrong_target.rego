# METADATA
# title: Proxy variable points somewhere else than the egress proxy
# description: |
#   `HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY` (either case) is set, but not to the project's
#   egress proxy (`proxy.url` in `.kubeward.yaml`): the container's traffic goes to another
#   proxy, one that does not enforce the project's egress policy, may not exist any more (calls
#   fail), or belongs to someone else and sees every request. URLs are compared as clients read
#   them: scheme (default `http`), host (case-insensitive; `proxy.egress.svc` and
#   `proxy.egress.svc.cluster.local` are the same Service) and port (default of the scheme);
#   user information is ignored (see `proxy-url-credentials`). Values from ConfigMaps of the run
#   (`envFrom`, `configMapKeyRef`) are checked too. Only reported where the proxy is required.
# custom:
#   id: KW403
#   name: proxy-env-wrong-target
#   severity: error
#   kinds: [workload]
#   remediation: Point the variable at the egress proxy URL configured for the project.
#   references:
#     - https://everything.curl.dev/usingcurl/proxies/env.html
#     - https://pkg.go.dev/golang.org/x/net/http/httpproxy#FromEnvironment
package kubeward.rules.egress.proxy_env_wrong_target

import rego.v1

deny contains finding if {
	data.kubeward.lib.egress.input_required
	some c in data.kubeward.lib.input_containers
	some v in data.kubeward.lib.egress.effective(data.kubeward.lib.egress.variables(input, c))
	lower(v.name) in {"http_proxy", "https_proxy", "all_proxy"}
	is_string(v.value)
	v.value != ""
	not data.kubeward.lib.egress.same_proxy(v.value, data.kubeward.proxy.url)
	finding := {
		"msg": sprintf("container %q sets %s to %s, not to the egress proxy %s", [
			data.kubeward.lib.container_name(c.container), v.name,
			data.kubeward.lib.egress.display(v.value), data.kubeward.lib.egress.proxy_display,
		]),
		"path": v.path,
		"related": data.kubeward.lib.egress.related(v, sprintf("%s is set here", [v.name])),
	}
}
