# METADATA
# title: Pods not selected by any NetworkPolicy
# description: |
#   Pods that no NetworkPolicy selects accept traffic from every pod in the cluster and can
#   reach every destination: one compromised pod anywhere can talk to them. A policy selects a
#   pod when it is in the pod's namespace and its `podSelector` matches the pod's labels; an
#   empty `podSelector: {}` selects every pod of the namespace. Cilium policies count too:
#   a `CiliumNetworkPolicy` of the namespace or a `CiliumClusterwideNetworkPolicy` whose
#   `endpointSelector` (in `spec` or any of `specs`) matches. Only the policies in the same lint
#   run are known, so lint the workloads together with their policies. Pods that policies
#   select without restricting ingress or egress are reported by `pod-ingress-not-isolated`
#   and `pod-egress-not-isolated`.
# custom:
#   id: KW201
#   name: network-policy-missing
#   severity: warning
#   kinds: [workload]
#   remediation: Add a NetworkPolicy in the namespace that selects these pods, starting from a default-deny policy.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
#   peers:
#     kube-linter: [non-isolated-pod]
#     kubescape: [ensure_network_policy_configured_in_labels, ingress-and-egress-blocked]
#     polaris: [missingNetworkPolicy]
package kubeward.rules.network.network_policy_missing

import rego.v1

deny contains finding if {
	data.kubeward.lib.input_pod_spec
	ns := data.kubeward.lib.input_namespace
	count(data.kubeward.lib.network.selecting_policies(ns, data.kubeward.lib.network.input_labels_of)) == 0
	finding := {
		"msg": sprintf("the pods of %s %q are not selected by any NetworkPolicy in namespace %q", [input.kind, data.kubeward.lib.input_name, ns]),
		"path": array.concat(data.kubeward.lib.pod_metadata_path(input), ["labels"]),
	}
}
