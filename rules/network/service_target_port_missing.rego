# METADATA
# title: Service targets a port its pods do not have
# description: |
#   A Service forwards each port to the `targetPort` of its pods (the `port` itself when
#   `targetPort` is omitted). A named target port must be the name of a container port of
#   the same protocol, or the pods get no endpoint for it and clients see connection
#   refusals; a numeric one that none of the declared container ports carries usually means
#   the application moved to another port. Only the Service's workloads in the lint run are
#   checked, numeric ports only when those workloads declare ports at all (declaring them is
#   optional), and init containers count (sidecars serve ports too).
# custom:
#   id: KW212
#   name: service-target-port-missing
#   severity: warning
#   kinds: [Service]
#   remediation: Point targetPort at a port the selected containers declare, by number or by its name.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
#     - https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/#does-the-service-have-any-endpoints
package kubeward.rules.network.service_target_port_missing

import rego.v1

deny contains finding if {
	selector := data.kubeward.lib.network.input_service_selector
	ns := data.kubeward.lib.input_namespace
	workloads := data.kubeward.lib.network.selected_workloads(selector, ns)
	count(workloads) > 0
	some i, port in data.kubeward.lib.list(object.get(input, ["spec", "ports"], []))
	is_object(port)
	target := target_port(port)
	protocol := object.get(port, "protocol", "TCP")
	judged(workloads, target)
	not provided(workloads, target, protocol)
	finding := {
		"msg": sprintf("Service %q targets port %s (%s), which no container of %s %s", [data.kubeward.lib.input_name, format(target), protocol, concat(", ", [data.kubeward.lib.network.describe(w, ns) | some w in workloads]), verb(target)]),
		"path": ["spec", "ports", i, target_field(port)],
		"related": [{
			"path": array.concat(data.kubeward.lib.pod_spec(w).path, ["containers"]),
			"object": data.kubeward.lib.network.ref(w),
			"msg": "the selected containers",
		} |
			some w in workloads
		],
	}
}

# A port name is always judged; a number only when the workloads declare ports.
judged(_, target) if is_string(target)

judged(workloads, target) if {
	is_number(target)
	some w in workloads
	some entry in data.kubeward.lib.containers(w)
	count(data.kubeward.lib.list(object.get(data.kubeward.lib.network.object_of(entry.container), "ports", []))) > 0
}

provided(workloads, target, protocol) if {
	some w in workloads
	some entry in data.kubeward.lib.containers(w)
	some p in data.kubeward.lib.list(object.get(data.kubeward.lib.network.object_of(entry.container), "ports", []))
	is_object(p)
	object.get(p, "protocol", "TCP") == protocol
	matches(p, target)
}

matches(p, target) if {
	is_string(target)
	p.name == target
}

matches(p, target) if {
	is_number(target)
	p.containerPort == target
}

format(target) := sprintf("%q", [target]) if is_string(target)

else := sprintf("%v", [target])

verb(target) := "names" if is_string(target)

else := "declares"

# The target is the port itself when targetPort is missing (or null, or 0).
target_port(port) := port.targetPort if {
	port.targetPort != null
	port.targetPort != 0
} else := port.port

target_field(port) := "targetPort" if {
	port.targetPort != null
	port.targetPort != 0
}

else := "port"
