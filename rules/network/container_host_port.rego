# METADATA
# title: Container binds a port of the node
# description: |
#   A `hostPort` opens the port on every address of the node the pod lands on, whatever the
#   NetworkPolicies say about the pod, and ties the pod to nodes where that port is free (two
#   replicas cannot share a node). Anyone who can reach the node reaches the container, which
#   is rarely what a Service-based design intends. The Pod Security Standards' baseline
#   profile allows only a known list of host ports; `allowed_ports` holds that list.
#   Init containers are checked too.
# custom:
#   id: KW206
#   name: container-host-port
#   severity: warning
#   kinds: [workload]
#   remediation: Remove hostPort and expose the container through a Service (ClusterIP, or NodePort/LoadBalancer when it must be reached from outside).
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/concepts/configuration/overview/#services
#   params:
#     type: object
#     properties:
#       allowed_ports:
#         type: array
#         items: {type: integer, minimum: 1, maximum: 65535}
#         default: []
#         description: Host ports that are accepted (for example 80 and 443 of an ingress controller).
#   peers:
#     kubescape: [container-hostPort]
#     trivy: [access_to_host_ports]
#     checkov: [CKV_K8S_26]
#     polaris: [hostPortSet]
package kubeward.rules.network.container_host_port

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.input_containers
	is_object(entry.container)
	some i, port in data.kubeward.lib.list(object.get(entry.container, "ports", []))
	is_object(port)
	host_port := port.hostPort
	is_number(host_port)
	host_port > 0
	not host_port in data.kubeward.params.container_host_port.allowed_ports
	finding := {
		"msg": sprintf("container %q binds port %v of the node (containerPort %v)", [data.kubeward.lib.container_name(entry.container), host_port, object.get(port, "containerPort", "unset")]),
		"path": array.concat(entry.path, ["ports", i, "hostPort"]),
	}
}
