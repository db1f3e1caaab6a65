# METADATA
# title: Namespace without a default-deny network policy
# description: |
#   Policies that select some pods leave every other pod of the namespace open, including the
#   ones added next month. A default-deny baseline, a NetworkPolicy with `podSelector: {}`
#   whose `policyTypes` include Ingress and Egress (one policy, or one per direction), makes
#   isolation the default: new workloads start closed and need an explicit allow rule. A
#   policy whose rules allow every source (or destination) on every port is not a baseline.
#   Cilium baselines count too: a `CiliumNetworkPolicy` with an empty `endpointSelector`, or a
#   `CiliumClusterwideNetworkPolicy` that selects the whole namespace, with an ingress
#   (egress) section. Namespace objects of the run are checked against the policies of the
#   same run.
# custom:
#   id: KW204
#   name: namespace-default-deny-missing
#   severity: warning
#   kinds: [Namespace]
#   remediation: Add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] to the namespace, then allow the traffic each workload needs.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
#     - https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
#     - https://docs.cilium.io/en/stable/security/policy/language/
package kubeward.rules.network.namespace_default_deny_missing

import rego.v1

deny contains finding if {
	ns := input.metadata.name
	missing := [lower(direction) |
		some direction in ["Ingress", "Egress"]
		not data.kubeward.lib.network.default_deny(ns, direction)
	]
	count(missing) > 0
	finding := {
		"msg": sprintf("Namespace %q has no default-deny policy for %s", [ns, concat(" and ", missing)]),
		"path": ["metadata", "name"],
	}
}
