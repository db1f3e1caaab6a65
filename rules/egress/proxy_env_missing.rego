# METADATA
# title: Container does not send its traffic through the egress proxy
# description: |
#   The project routes outbound HTTP(S) through one egress proxy (`proxy.url` in
#   `.kubeward.yaml`), where requests are logged, filtered and allowed by destination. HTTP
#   clients find the proxy only through the `HTTPS_PROXY` and `HTTP_PROXY` variables (or their
#   lower-case forms): a container that sets neither connects directly, so its traffic is not
#   filtered or audited, and where the NetworkPolicy only allows the proxy its calls simply time
#   out. The variables count from `env` (literal values, `configMapKeyRef`, `secretKeyRef`) and
#   from `envFrom` ConfigMaps and Secrets of the same lint run; a container with an `envFrom`
#   source that is not in the run is not reported, since it may provide them. Only reported
#   where the proxy is required: a proxy is configured, the namespace is in `proxy.namespaces`
#   (every namespace when empty), and it is not the proxy's own namespace.
# custom:
#   id: KW402
#   name: proxy-env-missing
#   severity: warning
#   kinds: [workload]
#   remediation: Set HTTPS_PROXY and HTTP_PROXY to the egress proxy URL (with NO_PROXY for cluster-internal names), for example from a shared ConfigMap with envFrom.
#   references:
#     - https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/#configure-all-key-value-pairs-in-a-configmap-as-container-environment-variables
#     - https://everything.curl.dev/usingcurl/proxies/env.html
package kubeward.rules.egress.proxy_env_missing

import rego.v1

deny contains finding if {
	data.kubeward.lib.egress.input_required
	some c in data.kubeward.lib.input_containers
	not data.kubeward.lib.egress.unresolved(input, c)
	vars := [v | some v in data.kubeward.lib.egress.effective(data.kubeward.lib.egress.variables(input, c))]
	missing := [name | some name in ["HTTPS_PROXY", "HTTP_PROXY"]; not data.kubeward.lib.egress.defined(vars, name)]
	count(missing) > 0
	finding := {
		"msg": sprintf("container %q %s, so its %s traffic bypasses the egress proxy %s", [
			data.kubeward.lib.container_name(c.container), what(missing), traffic(missing), data.kubeward.lib.egress.proxy_display,
		]),
		"path": array.concat(c.path, ["env"]),
	}
}

what(missing) := "sets neither HTTPS_PROXY nor HTTP_PROXY" if count(missing) == 2

what(["HTTPS_PROXY"]) := "sets HTTP_PROXY but not HTTPS_PROXY"

what(["HTTP_PROXY"]) := "sets HTTPS_PROXY but not HTTP_PROXY"

traffic(missing) := "outbound HTTP(S)" if count(missing) == 2

traffic(["HTTPS_PROXY"]) := "HTTPS"

traffic(["HTTP_PROXY"]) := "plain-HTTP"
