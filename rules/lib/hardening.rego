# Helpers of the pod-hardening rules: the security settings each container really runs with,
# and where they are written, so that a rule reports the node a reviewer has to change.
package kubeward.lib.hardening

import rego.v1

# Plain values of data.kubeward as rules of this package, for the helpers below: regorus looks
# up a reference to plain data by visiting every module of the policy, at every use, while it
# finds a rule's value directly once computed.
_kube_version := data.kubeward.kube_version

# Fields of the pod's securityContext that every container inherits unless its own
# securityContext sets them (the container's value replaces the pod's as a whole).
inherited_fields := {"runAsUser", "runAsGroup", "runAsNonRoot", "seccompProfile", "appArmorProfile", "seLinuxOptions"}

# Fields only the pod's securityContext has; they apply to every container.
pod_only_fields := {"fsGroup", "fsGroupChangePolicy", "sysctls", "supplementalGroups", "supplementalGroupsPolicy"}

# Fields only a container's securityContext has; the pod's settings do not reach them.
container_only_fields := {"privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities", "procMount"}

# The pod's securityContext and its path: {"context": {...}, "path": [...]}.
pod_security_context(obj) := {"context": context, "path": array.concat(ps.path, ["securityContext"])} if {
	ps := data.kubeward.lib.pod_spec(obj)
	context := _object_or_empty(object.get(ps.spec, "securityContext", {}))
}

# Every container (init and ephemeral included) with its effective security settings:
# {"container", "path", "field", "name", "settings"}, where settings maps a field name to
# {"value", "path", "from"} ("from" is "container" or "pod"); a field set nowhere is absent.
# windowsOptions is merged field by field, as the kubelet does, under "windowsOptions.<field>".
#
# Most rules of the workloads read it, so it is built for speed: each setting comes from
# iterating the fields that are set (the pod's once, then each container's) rather than from
# looking up every field the kubelet knows in both.
containers(obj) := {entry |
	pod := pod_security_context(obj)
	pod_only := {key: {"value": value, "path": array.concat(pod.path, [key]), "from": "pod"} |
		some key, value in pod.context
		pod_only_fields[key]
		value != null
	}
	pod_inherited := {key: {"value": value, "path": array.concat(pod.path, [key]), "from": "pod"} |
		some key, value in pod.context
		inherited_fields[key]
		value != null
	}
	pod_windows := _object_or_empty(object.get(pod.context, "windowsOptions", {}))
	pod_windows_path := array.concat(pod.path, ["windowsOptions"])
	pod_windows_inherited := {field: {"value": value, "path": array.concat(pod_windows_path, [field]), "from": "pod"} |
		some field, value in pod_windows
		windows_fields[field]
		value != null
	}
	some c in data.kubeward.lib.containers(obj)
	own := _object_or_empty(object.get(c.container, "securityContext", {}))
	own_path := array.concat(c.path, ["securityContext"])
	own_windows := _object_or_empty(object.get(own, "windowsOptions", {}))
	own_windows_path := array.concat(own_path, ["windowsOptions"])
	settings := object.union_n([
		pod_only,
		# The container's own value of an inherited or container-only field, else the pod's.
		{key: {"value": value, "path": array.concat(own_path, [key]), "from": "container"} |
			some key, value in own
			value != null
			container_fields[key]
		},
		{key: setting |
			some key, setting in pod_inherited
			object.get(own, key, null) == null
		},
		{concat(".", ["windowsOptions", field]): {"value": value, "path": array.concat(own_windows_path, [field]), "from": "container"} |
			some field, value in own_windows
			windows_fields[field]
			value != null
		},
		{concat(".", ["windowsOptions", field]): setting |
			some field, setting in pod_windows_inherited
			object.get(own_windows, field, null) == null
		},
	])
	entry := {
		"container": c.container,
		"path": c.path,
		"field": c.field,
		"name": data.kubeward.lib.container_name(c.container),
		"settings": settings,
	}
}

# The fields a container's securityContext sets for it.
container_fields := inherited_fields | container_only_fields

# The fields of windowsOptions, merged one by one.
windows_fields := {"hostProcess", "runAsUserName", "gmsaCredentialSpecName", "gmsaCredentialSpec"}

# The path where a setting missing everywhere belongs: the container's own securityContext.
missing_path(entry, field) := array.concat(entry.path, ["securityContext", field])

# `container "web"` or `containers "web", "sidecar"`, for messages.
containers_phrase(names) := sprintf("container %q", [names[0]]) if {
	count(names) == 1
} else := sprintf("containers %s", [concat(", ", [sprintf("%q", [n]) | some n in sort(names)])])

# The workload itself, for messages about pod-level fields: `Deployment "web"`.
describe(obj) := sprintf("%s %q", [obj.kind, data.kubeward.lib.name(obj)])

_object_or_empty(x) := x if is_object(x)

_object_or_empty(x) := {} if not is_object(x)

# --- Capabilities ---------------------------------------------------------------------------

# A capability as runtimes read it: case-insensitive, with or without the CAP_ prefix.
capability(name) := trim_prefix(upper(name), "CAP_") if is_string(name)

# The capabilities a container adds: [{"name", "path"}] with normalised names.
added_capabilities(entry) := [{"name": capability(name), "value": name, "path": array.concat(entry.path, ["securityContext", "capabilities", "add", i])} |
	some i, name in data.kubeward.lib.list(object.get(entry.container, ["securityContext", "capabilities", "add"], []))
	is_string(name)
]

# The normalised names a container drops.
dropped_capabilities(entry) := {capability(name) |
	some name in data.kubeward.lib.list(object.get(entry.container, ["securityContext", "capabilities", "drop"], []))
	is_string(name)
}

# Where a missing drop list belongs.
drop_path(entry) := array.concat(entry.path, ["securityContext", "capabilities", "drop"])

# Whether a capability of the runtime's default set survives the drop list: neither it nor ALL
# is dropped. (Adding it back is visible in added_capabilities.)
not_dropped(entry, cap) if {
	dropped := dropped_capabilities(entry)
	not cap in dropped
	not "ALL" in dropped
}

# privileged: true, or CAP_SYS_ADMIN added: both give the container the run of the node.
privileged(entry) if entry.settings.privileged.value == true

privileged(entry) if {
	some cap in added_capabilities(entry)
	cap.name == "SYS_ADMIN"
}

# --- Host paths -----------------------------------------------------------------------------

# hostPath volumes of a workload: {"name", "path" (of the volume), "host_path" (normalised),
# "value" (as written)}.
host_path_volumes(obj) := {volume |
	ps := data.kubeward.lib.pod_spec(obj)
	some i, v in data.kubeward.lib.list(object.get(ps.spec, "volumes", []))
	is_object(v.hostPath)
	value := v.hostPath.path
	is_string(value)
	volume := {
		"name": object.get(v, "name", "<unnamed>"),
		"path": array.concat(ps.path, ["volumes", i]),
		"host_path": normalized_path(value),
		"value": value,
	}
}

# Mounts of a volume by name: {"entry" (a container of containers(obj)), "mount", "path"}.
mounts_of(obj, volume_name) := {mount |
	some entry in containers(obj)
	some j, m in data.kubeward.lib.list(object.get(entry.container, "volumeMounts", []))
	m.name == volume_name
	mount := {"entry": entry, "mount": m, "path": array.concat(entry.path, ["volumeMounts", j])}
}

# A path without repeated or trailing slashes, and /var/run read as /run (a symlink on every
# current distribution).
normalized_path(p) := "/" if {
	regex.replace(p, `/+`, "/") == "/"
} else := result if {
	collapsed := trim_suffix(regex.replace(p, `/+`, "/"), "/")
	result := _var_run(collapsed)
}

_var_run(p) := concat("", ["/run", substring(p, 8, -1)]) if {
	p == "/var/run"
} else := concat("", ["/run", substring(p, 8, -1)]) if {
	startswith(p, "/var/run/")
} else := p

# Sockets and state directories of container runtimes: whoever reaches them starts privileged
# containers on the node.
runtime_socket_paths := [
	"/run/docker.sock",
	"/run/docker",
	"/run/containerd",
	"/run/crio",
	"/run/dockershim.sock",
	"/run/cri-dockerd.sock",
	"/run/podman",
	"/run/k3s/containerd",
]

runtime_socket_names := {"docker.sock", "containerd.sock", "crio.sock", "dockershim.sock", "cri-dockerd.sock", "podman.sock"}

# Whether a normalised host path is (or contains only) a container runtime's socket.
runtime_socket(p) if {
	some s in runtime_socket_paths
	within(p, s)
}

runtime_socket(p) if {
	parts := split(p, "/")
	parts[count(parts) - 1] in runtime_socket_names
}

# p is s or lies below it.
within(p, s) if p == s

within(p, s) if {
	s != "/"
	startswith(p, concat("", [s, "/"]))
}

# --- Operating system ------------------------------------------------------------------------

# Pods declared for Windows nodes (spec.os.name): the API rejects the Linux-only security
# fields for them, so the Linux hardening rules do not apply.
windows(obj) if {
	ps := data.kubeward.lib.pod_spec(obj)
	object.get(ps.spec, ["os", "name"], "") == "windows"
}

# The Linux hardening rules look at these containers.
linux_containers(obj) := containers(obj) if not windows(obj)

linux_containers(obj) := set() if windows(obj)

# --- Pod template annotations ----------------------------------------------------------------

# The annotations of the pod (template) and their path.
pod_annotations(obj) := {"annotations": annotations, "path": path} if {
	path := array.concat(data.kubeward.lib.pod_metadata_path(obj), ["annotations"])
	annotations := _object_or_empty(object.get(obj, path, {}))
}

# Whether the target Kubernetes version is older than major.minor.
kube_older_than(major, minor) if _kube_version.major < major

kube_older_than(major, minor) if {
	_kube_version.major == major
	_kube_version.minor < minor
}

# --- The object being linted ----------------------------------------------------------------

# The helpers above applied to `input`, as rules: a rule's value is computed once per
# evaluation and shared by every rule that reads it, where a function runs at every call.
input_containers := containers(input)
input_describe := describe(input)
input_host_path_volumes := host_path_volumes(input)
input_linux_containers := linux_containers(input)
input_pod_annotations := pod_annotations(input)
input_pod_security_context := pod_security_context(input)
input_windows := windows(input)
