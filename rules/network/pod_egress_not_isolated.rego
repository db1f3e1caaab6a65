# METADATA
# title: Pods selected by policies that do not restrict egress
# description: |
#   A pod is isolated for egress only when a policy that selects it lists `Egress` in its
#   `policyTypes`. A NetworkPolicy without `policyTypes` restricts egress only when it has
#   `egress` rules, so the common ingress-only policy leaves egress open, and a Cilium rule
#   restricts it only with an `egress` or `egressDeny` section. A pod that can open
#   connections anywhere can exfiltrate data, reach the cloud metadata service and the API
#   server, pull tooling from the internet and bypass the egress proxy. Pods that no policy
#   selects at all are reported by `network-policy-missing` instead. Only the policies in the
#   same lint run are known.
# custom:
#   id: KW203
#   name: pod-egress-not-isolated
#   severity: warning
#   kinds: [workload]
#   remediation: Select these pods with a NetworkPolicy whose policyTypes include Egress, such as a namespace default-deny policy, and allow the destinations they need.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic
#     - https://docs.cilium.io/en/stable/security/policy/intro/
package kubeward.rules.network.pod_egress_not_isolated

import rego.v1

deny contains finding if {
	data.kubeward.lib.input_pod_spec
	ns := data.kubeward.lib.input_namespace
	policies := data.kubeward.lib.network.selecting_policies(ns, data.kubeward.lib.network.input_labels_of)
	count(policies) > 0
	every policy in policies {
		not policy.egress
	}
	finding := {
		"msg": sprintf("the pods of %s %q are selected only by policies that do not restrict egress", [input.kind, data.kubeward.lib.input_name]),
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

restricts(policy) := "restricts ingress only" if policy.ingress

else := "restricts neither ingress nor egress"
