# METADATA
# title: Probe targets a port that no container declares
# description: |
#   A probe that names a port (`port: http`) is resolved by the kubelet against the ports of
#   the probed container only: when the container declares no port of that name the probe
#   always fails, so a liveness probe restarts the container forever and a readiness probe
#   keeps the pod out of its Services. A probe on a port number that no container of the pod
#   declares usually means the port was changed in one place and not the other. Probes
#   connect over TCP, so a port declared only for UDP does not count. Probes that set their
#   own `host`, and numbered ports in pods that declare no port at all (declaring ports is
#   optional), are not reported.
# custom:
#   id: KW607
#   name: probe-port-undeclared
#   severity: warning
#   kinds: [workload]
#   remediation: Point the probe at a TCP port that the container declares in its ports, by name or number.
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port
#     - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
#   peers:
#     kube-linter: [liveness-port, readiness-port, startup-port]
package kubeward.rules.reliability.probe_port_undeclared

import rego.v1

probes := {"livenessProbe": "liveness", "readinessProbe": "readiness", "startupProbe": "startup"}

# The probes' handlers that target the pod itself (no `host`), found once for both rules
# below: [container entry, probe field, what it is called, handler, probe].
targets := [[entry, field, what, handler, probe] |
	some entry in data.kubeward.lib.input_containers
	some field, what in probes
	handlers := entry.container[field]
	some handler in ["httpGet", "tcpSocket", "grpc"]
	probe := handlers[handler]
	not probe.host
]

# A named port: resolved in the probed container.
deny contains finding if {
	some [entry, field, what, handler, probe] in targets
	is_string(probe.port)
	not regex.match(`^[0-9]+$`, probe.port)
	not tcp_port_named(entry.container, probe.port)
	finding := {
		"msg": sprintf("the %s probe of container %q targets port %q, %s", [what, data.kubeward.lib.container_name(entry.container), probe.port, named_problem(entry.container, probe.port)]),
		"path": array.concat(entry.path, [field, handler, "port"]),
	}
}

# A port number: any container of the pod may serve it.
deny contains finding if {
	some [entry, field, what, handler, probe] in targets
	number := port_number(probe.port)
	declared := declared_ports(input)
	count(declared) > 0
	not {"port": number, "protocol": "TCP"} in declared
	finding := {
		"msg": sprintf("the %s probe of container %q targets port %d, %s", [what, data.kubeward.lib.container_name(entry.container), number, numbered_problem(declared, number)]),
		"path": array.concat(entry.path, [field, handler, "port"]),
	}
}

protocol(port) := object.get(port, "protocol", "TCP")

tcp_port_named(container, name) if {
	some port in object.get(container, "ports", [])
	port.name == name
	protocol(port) == "TCP"
}

named_problem(container, name) := sprintf("which the container declares only for %s", [concat(", ", protocols)]) if {
	protocols := {protocol(port) | some port in object.get(container, "ports", []); port.name == name}
	count(protocols) > 0
} else := "which the container does not declare"

declared_ports(obj) := {{"port": port.containerPort, "protocol": protocol(port)} |
	some entry in data.kubeward.lib.containers(obj)
	some port in data.kubeward.lib.list(object.get(entry.container, "ports", []))
}

port_number(port) := port if is_number(port)

port_number(port) := to_number(port) if {
	is_string(port)
	regex.match(`^[0-9]+$`, port)
}

numbered_problem(declared, number) := sprintf("which the pod declares only for %s", [concat(", ", protocols)]) if {
	protocols := {entry.protocol | some entry in declared; entry.port == number}
	count(protocols) > 0
} else := "which no container of the pod declares"
