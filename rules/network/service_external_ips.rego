# METADATA
# title: Service claims external IPs
# description: |
#   `spec.externalIPs` makes every node route traffic for those addresses to the Service's
#   pods, and nothing checks that the addresses belong to the Service's owner. Anyone who can
#   create or update a Service can claim the address of another service, inside the cluster
#   or on the internet, and intercept the traffic other pods send to it (CVE-2020-8554, which
#   has no fix in Kubernetes itself). Clusters should deny external IPs at admission
#   (`DenyServiceExternalIPs`), so a manifest that sets them is either an attack or a design
#   to revisit.
# custom:
#   id: KW208
#   name: service-external-ips
#   severity: warning
#   kinds: [Service]
#   remediation: Remove externalIPs and expose the Service through a LoadBalancer, an Ingress or a gateway.
#   references:
#     - https://www.cve.org/CVERecord?id=CVE-2020-8554
#     - https://github.com/kubernetes/kubernetes/issues/97076
#     - https://kubernetes.io/docs/concepts/services-networking/service/#external-ips
#     - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#denyserviceexternalips
package kubeward.rules.network.service_external_ips

import rego.v1

deny contains finding if {
	some i, ip in data.kubeward.lib.list(object.get(input, ["spec", "externalIPs"], []))
	finding := {
		"msg": sprintf("Service %q claims external IP %q (CVE-2020-8554)", [data.kubeward.lib.input_name, ip]),
		"path": ["spec", "externalIPs", i],
	}
}
