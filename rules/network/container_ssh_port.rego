# METADATA
# title: Container exposes an SSH port
# description: |
#   A container that declares TCP port 22, or a port named `ssh`, runs an SSH server: a
#   second way in that bypasses `kubectl exec` and its RBAC and audit trail, usually with
#   long-lived keys or passwords baked into the image, and a favourite target of credential
#   brute-forcing once the port is reachable. Containers are debugged with `kubectl exec`
#   or ephemeral containers instead. Init containers are checked too.
# custom:
#   id: KW218
#   name: container-ssh-port
#   severity: warning
#   kinds: [workload]
#   remediation: Remove the SSH server from the image and the port from the container; use kubectl exec or kubectl debug for access.
#   references:
#     - https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#exec
#   peers:
#     kube-linter: [ssh-port]
package kubeward.rules.network.container_ssh_port

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.input_containers
	is_object(entry.container)
	some i, port in data.kubeward.lib.list(object.get(entry.container, "ports", []))
	is_object(port)
	object.get(port, "protocol", "TCP") == "TCP"
	some field in ssh_fields(port)
	finding := {
		"msg": sprintf("container %q exposes SSH (%s)", [data.kubeward.lib.container_name(entry.container), describe(port)]),
		"path": array.concat(entry.path, ["ports", i, field]),
	}
}

# The field that makes the port an SSH port: the number, else the name.
ssh_fields(port) := ["containerPort"] if {
	port.containerPort == 22
} else := ["name"] if {
	is_string(port.name)
	lower(port.name) == "ssh"
} else := []

describe(port) := sprintf("containerPort %v", [port.containerPort]) if {
	port.containerPort == 22
} else := sprintf("port %q, containerPort %v", [port.name, object.get(port, "containerPort", "unset")])
