# METADATA
# title: Service is reachable from outside the cluster
# description: |
#   A `NodePort` Service opens its port on every node of the cluster, and a `LoadBalancer`
#   Service asks the cloud for a load balancer, often with a public address, in front of
#   those node ports. Either way, clients outside the cluster reach the pods directly,
#   without the authentication, TLS and rate limits an Ingress or gateway would add, and
#   NetworkPolicies see the traffic as coming from node or external addresses. Exposure
#   should be a deliberate, reviewed choice; `allowed_types` accepts types a team has
#   decided to allow.
# custom:
#   id: KW207
#   name: service-exposed-outside-cluster
#   severity: warning
#   kinds: [Service]
#   remediation: Use a ClusterIP Service behind an Ingress or gateway, or restrict a LoadBalancer with loadBalancerSourceRanges or an internal load balancer and suppress the finding.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
#     - https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
#   params:
#     type: object
#     properties:
#       allowed_types:
#         type: array
#         items: {type: string, enum: [NodePort, LoadBalancer]}
#         default: []
#         description: Service types that are accepted.
#   peers:
#     kube-linter: [exposed-services]
package kubeward.rules.network.service_exposed_outside_cluster

import rego.v1

reach := {
	"NodePort": "opens its ports on every node of the cluster",
	"LoadBalancer": "puts an external load balancer in front of its ports",
}

deny contains finding if {
	type := input.spec.type
	description := reach[type]
	not type in data.kubeward.params.service_exposed_outside_cluster.allowed_types
	finding := {
		"msg": sprintf("Service %q of type %s %s", [data.kubeward.lib.input_name, type, description]),
		"path": ["spec", "type"],
	}
}
