# METADATA
# title: Pods selected by policies that do not restrict ingress
# description: |
#   A pod is isolated for ingress only when a policy that selects it lists `Ingress` in its
#   `policyTypes`. A NetworkPolicy that omits `policyTypes` isolates ingress; one with
#   `policyTypes: [Egress]` does not, and neither does a Cilium rule without an `ingress` or
#   `ingressDeny` section. When every policy selecting a pod restricts only egress, the pod
#   still accepts connections from every pod of the cluster: a compromised pod anywhere can
#   reach its ports. Pods that no policy selects at all are reported by
#   `network-policy-missing` instead. Only the policies in the same lint run are known.
# custom:
#   id: KW202
#   name: pod-ingress-not-isolated
#   severity: warning
#   kinds: [workload]
#   remediation: Select these pods with a NetworkPolicy whose policyTypes include Ingress, such as a namespace default-deny policy.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic
#     - https://docs.cilium.io/en/stable/security/policy/intro/
package kubeward.rules.network.pod_ingress_not_isolated

import rego.v1

deny contains finding if {
	data.kubeward.lib.input_pod_spec
	ns := data.kubeward.lib.input_namespace
	policies := data.kubeward.lib.network.selecting_policies(ns, data.kubeward.lib.network.input_labels_of)
	count(policies) > 0
	every policy in policies {
		not policy.ingress
	}
	finding := {
		"msg": sprintf("the pods of %s %q are selected only by policies that do not restrict ingress", [input.kind, data.kubeward.lib.input_name]),
		"path": array.concat(data.kubeward.lib.pod_metadata_path(input), ["labels"]),
		"related": [{
			"path": policy.path,
			"object": policy.object,
			"msg": sprintf("%s %q %s", [policy.object.kind, policy.object.name, restricts(policy)]),
		} |
			some policy in policies
		],
	}
}

restricts(policy) := "restricts egress only" if policy.egress

else := "restricts neither ingress nor egress"
