# METADATA
# title: Pods share the node's network namespace
# description: |
#   With `hostNetwork: true` the pod uses the node's network stack: it can bind any port of
#   the node's addresses, observe the traffic of other pods on the node's interfaces, reach
#   services that listen only on the node's loopback, and it falls outside most CNI plugins'
#   enforcement of NetworkPolicies, so the isolation built with them does not apply. A
#   compromise of the pod is a foothold on the node's network. The Pod Security Standards'
#   baseline profile forbids it; node agents that really need it belong in a namespace of
#   their own.
# custom:
#   id: KW205
#   name: pod-host-network
#   severity: error
#   kinds: [workload]
#   remediation: Remove hostNetwork (or set it to false) and expose the pod through a Service.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#what-you-can-t-do-with-network-policies-at-least-not-yet
#     - https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
#   peers:
#     kube-linter: [host-network]
#     kubescape: [host-network-access]
#     trivy: [host_network]
#     checkov: [CKV_K8S_19]
#     polaris: [hostNetworkSet]
package kubeward.rules.network.pod_host_network

import rego.v1

deny contains finding if {
	ps := data.kubeward.lib.input_pod_spec
	ps.spec.hostNetwork == true
	finding := {
		"msg": sprintf("hostNetwork: true puts %s in the node's network namespace", [data.kubeward.lib.network.input_pods_of]),
		"path": array.concat(ps.path, ["hostNetwork"]),
	}
}
