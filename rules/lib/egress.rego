# Helpers of the egress proxy rules: the configured proxy (`data.kubeward.proxy`, from the
# `proxy` section of .kubeward.yaml), where it is required, proxy URLs and NO_PROXY lists as
# HTTP clients read them, and the environment a container really gets (env over envFrom,
# ConfigMaps resolved from the run's inventory).
package kubeward.lib.egress

import rego.v1

# Whether the project configured an egress proxy.
configured if is_object(data.kubeward.proxy)

# Whether the proxy is required for an object: a proxy is configured, the object's namespace is
# one of `proxy.namespaces` (all when empty), and it is not the proxy's own namespace (the proxy
# itself talks to the Internet directly).
required(obj) if {
	configured
	ns := data.kubeward.lib.namespace(obj)
	in_scope(ns)
	not proxy_namespace(ns)
}

in_scope(_) if count(object.get(data.kubeward.proxy, "namespaces", [])) == 0

in_scope(ns) if ns in data.kubeward.proxy.namespaces

# The namespace of the proxy when its URL names a cluster Service (`proxy.egress.svc:3128`).
proxy_namespace(ns) if {
	host := url_parts(data.kubeward.proxy.url).host
	parts := split(host, ".")
	count(parts) >= 3
	parts[2] == "svc"
	ns == parts[1]
}

# The configured proxy as `scheme://host:port`, for messages.
proxy_display := display(data.kubeward.proxy.url)

# {"scheme", "host", "port"} of a proxy URL as HTTP clients read it: the scheme defaults to
# http, the port to the scheme's, user information is ignored, host names are case-insensitive,
# and the names of a cluster Service (`name.ns.svc`, `name.ns.svc.cluster.local`) are one host.
url_parts(url) := {"scheme": scheme, "host": host, "port": port} if {
	matches := regex.find_all_string_submatch_n(`^\s*(?:([a-zA-Z][a-zA-Z0-9+.-]*)://)?(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#\s]*)(?::([0-9]+))?`, url, 1)
	count(matches) == 1
	groups := matches[0]
	scheme := _scheme(lower(groups[1]))
	host := _service_host(trim_right(lower(groups[2]), "."))
	port := _port(groups[3], scheme)
}

_scheme("") := "http"

_scheme(scheme) := scheme if scheme != ""

_port("", scheme) := _default_ports[scheme]

_port("", scheme) := "" if not _default_ports[scheme]

_port(port, _) := port if port != ""

_default_ports := {"http": "80", "https": "443", "socks4": "1080", "socks4a": "1080", "socks5": "1080", "socks5h": "1080"}

_service_host(host) := concat(".", array.slice(parts, 0, 3)) if {
	parts := split(host, ".")
	count(parts) >= 3
	parts[2] == "svc"
} else := host

display(url) := sprintf("%s://%s:%s", [p.scheme, p.host, p.port]) if {
	p := url_parts(url)
	p.host != ""
} else := url

same_proxy(a, b) if url_parts(a) == url_parts(b)

# NO_PROXY entries, normalized the way curl and Go match them: lower case, and a leading `*.` or
# `.` dropped (`.svc`, `*.svc` and `svc` all cover `svc` and its subdomains).
no_proxy_entries(value) := {e |
	some raw in split(value, ",")
	e := _no_proxy_entry(lower(trim_space(raw)))
	e != ""
}

_no_proxy_entry("*") := "*"

_no_proxy_entry(entry) := trim_left(trim_left(entry, "*"), ".") if entry != "*"

# Whether a NO_PROXY list covers a required entry: the same entry, a parent domain, or a CIDR
# range that contains it.
covers(entries, required) if {
	r := _no_proxy_entry(lower(trim_space(required)))
	some e in entries
	_covers(e, r)
}

_covers(e, r) if e == r

_covers(e, r) if endswith(r, concat("", [".", e]))

_covers(e, r) if {
	regex.match(`^[0-9a-f.:]+/[0-9]+$`, e)
	regex.match(`^[0-9a-f.:]+(/[0-9]+)?$`, r)
	contains(r, ".") == contains(e, ".")
	net.cidr_contains(e, r)
}

# Every environment variable a container gets, in the order Kubernetes applies them (envFrom
# sources, then env; a later definition wins):
# {"name", "value" (null when not knowable: Secrets, fieldRef, missing ConfigMaps), "path",
#  "origin" (the ConfigMap key it comes from, or null)}.
variables(obj, c) := array.concat(_env_from_variables(obj, c), _env_variables(obj, c))

# The variable that wins for each name.
effective(variables) := {v.name: v |
	some i, v in variables
	not _overridden(variables, i, v.name)
}

_overridden(variables, i, name) if {
	some j, w in variables
	j > i
	w.name == name
}

# Whether an envFrom source is not in the run, so the container may get variables we cannot see.
unresolved(obj, c) if {
	some source in object.get(c.container, "envFrom", [])
	not _source_found(obj, source)
}

_source_found(obj, source) if {
	count(data.kubeward.lib.objects_named("ConfigMap", data.kubeward.lib.namespace(obj), source.configMapRef.name)) > 0
}

_source_found(obj, source) if {
	count(data.kubeward.lib.objects_named("Secret", data.kubeward.lib.namespace(obj), source.secretRef.name)) > 0
}

_env_from_variables(obj, c) := [v |
	some j, source in data.kubeward.lib.list(object.get(c.container, "envFrom", []))
	some v in _source_variables(obj, source, array.concat(c.path, ["envFrom", j]))
]

_source_variables(obj, source, path) := [v |
	ns := data.kubeward.lib.namespace(obj)
	name := source.configMapRef.name
	some cm in data.kubeward.lib.objects_named("ConfigMap", ns, name)
	values := object.get(cm, "data", {})
	is_object(values)
	some key, value in values
	v := {
		"name": concat("", [object.get(source, "prefix", ""), key]),
		"value": value,
		"path": path,
		"origin": {"object": {"kind": "ConfigMap", "namespace": ns, "name": name}, "path": ["data", key]},
	}
] if {
	source.configMapRef
} else := [v |
	ns := data.kubeward.lib.namespace(obj)
	some secret in data.kubeward.lib.objects_named("Secret", ns, source.secretRef.name)
	some key in array.concat(object.keys(object.get(secret, "data", {})), object.keys(object.get(secret, "stringData", {})))
	v := {"name": concat("", [object.get(source, "prefix", ""), key]), "value": null, "path": path, "origin": null}
]

_env_variables(obj, c) := [v |
	some i, e in data.kubeward.lib.list(object.get(c.container, "env", []))
	is_string(e.name)
	v := _env_variable(obj, e, array.concat(c.path, ["env", i]))
]

_env_variable(obj, e, path) := {"name": e.name, "value": object.get(e, "value", ""), "path": _value_path(e, path), "origin": null} if {
	not e.valueFrom
} else := {"name": e.name, "value": value, "path": array.concat(path, ["valueFrom", "configMapKeyRef"]), "origin": origin} if {
	ref := e.valueFrom.configMapKeyRef
	ns := data.kubeward.lib.namespace(obj)
	# The first of that name, should the run hold several (overlays of one ConfigMap).
	cm := data.kubeward.lib.objects_named("ConfigMap", ns, ref.name)[0]
	value := cm.data[ref.key]
	origin := {"object": {"kind": "ConfigMap", "namespace": ns, "name": ref.name}, "path": ["data", ref.key]}
} else := {"name": e.name, "value": null, "path": path, "origin": null}

_value_path(e, path) := array.concat(path, ["value"]) if e.value

_value_path(e, path) := path if not e.value

# Whether a container has a variable (either case) that sets a non-empty value.
defined(vars, name) if {
	some v in vars
	lower(v.name) == lower(name)
	v.value != ""
}

# The container's proxy variables (HTTP_PROXY, https_proxy...).
proxy_variables := {"http_proxy", "https_proxy"}

sets_proxy(vars) if {
	some v in vars
	lower(v.name) in proxy_variables
	v.value != ""
}

# A related label pointing at the ConfigMap key a variable comes from, if any.
related(v, msg) := [{"path": v.origin.path, "object": v.origin.object, "msg": msg}] if {
	is_object(v.origin)
} else := []

# --- The object being linted ----------------------------------------------------------------

# The helpers above applied to `input`, as rules: a rule's value is computed once per
# evaluation and shared by every rule that reads it, where a function runs at every call.
input_required := required(input)
