# METADATA
# title: Proxy URL carries credentials
# description: |
#   `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` values of the form
#   `http://user:password@proxy:3128` put the proxy password in the Pod spec (or ConfigMap),
#   where anyone who can read it (`get pods`, `get configmaps`, the audit log, a backup) finds
#   it, and every process of the container inherits it. Egress credentials let an attacker
#   impersonate the workload at the proxy.
# custom:
#   id: KW401
#   name: proxy-url-credentials
#   severity: error
#   kinds: [workload, ConfigMap]
#   remediation: Authenticate to the proxy without a password in the URL, or read the URL from a Secret with valueFrom.secretKeyRef.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
#     - https://everything.curl.dev/usingcurl/proxies/env.html
package kubeward.rules.egress.proxy_url_credentials

import rego.v1

proxy_variables := {"http_proxy", "https_proxy", "all_proxy", "ftp_proxy"}

# Containers' env entries.
deny contains finding if {
	some entry in data.kubeward.lib.input_containers
	some i, variable in data.kubeward.lib.list(object.get(entry.container, "env", []))
	lower(variable.name) in proxy_variables
	has_credentials(variable.value)
	finding := {
		"msg": sprintf("container %q sets %s to a URL with credentials (%s)", [data.kubeward.lib.container_name(entry.container), variable.name, redacted(variable.value)]),
		"path": array.concat(entry.path, ["env", i, "value"]),
	}
}

# ConfigMap keys named like proxy variables (used with envFrom).
deny contains finding if {
	input.kind == "ConfigMap"
	is_object(input.data)
	some key, value in input.data
	lower(key) in proxy_variables
	has_credentials(value)
	finding := {
		"msg": sprintf("ConfigMap %q sets %s to a URL with credentials (%s)", [data.kubeward.lib.input_name, key, redacted(value)]),
		"path": ["data", key],
	}
}

# user:password@ or user@ before the host, with or without a scheme.
has_credentials(url) if {
	is_string(url)
	regex.match(`^([a-zA-Z][a-zA-Z0-9+.-]*://)?[^/@\s]+@[^/@\s]+`, url)
}

# The URL with its user information replaced, so the message does not repeat the secret.
redacted(url) := regex.replace(url, `^([a-zA-Z][a-zA-Z0-9+.-]*://)?[^/@\s]+@`, "${1}***@")
