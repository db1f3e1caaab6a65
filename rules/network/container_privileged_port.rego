# METADATA
# title: Container listens on a privileged port
# description: |
#   Ports below 1024 are privileged on Linux: binding them takes root or the
#   `NET_BIND_SERVICE` capability, unless the runtime lowers
#   `net.ipv4.ip_unprivileged_port_start`. An image that listens on port 80 or 443 is
#   usually built to start as root, which stands in the way of `runAsNonRoot` and dropping
#   all capabilities. Inside a pod there is no reason for it: the Service maps its port 80
#   to any container port. Init containers are checked too.
# custom:
#   id: KW219
#   name: container-privileged-port
#   severity: info
#   kinds: [workload]
#   remediation: Make the application listen on a port of 1024 or above and map the well-known port in the Service.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://man7.org/linux/man-pages/man7/capabilities.7.html
#   peers:
#     kube-linter: [privileged-ports]
package kubeward.rules.network.container_privileged_port

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.input_containers
	is_object(entry.container)
	some i, port in data.kubeward.lib.list(object.get(entry.container, "ports", []))
	is_object(port)
	number := port.containerPort
	is_number(number)
	number > 0
	number < 1024
	finding := {
		"msg": sprintf("container %q listens on privileged port %v", [data.kubeward.lib.container_name(entry.container), number]),
		"path": array.concat(entry.path, ["ports", i, "containerPort"]),
	}
}
