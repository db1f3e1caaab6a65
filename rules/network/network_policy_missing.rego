# METADATA
# title: Pods not selected by any NetworkPolicy
# description: |
#   Pods that no NetworkPolicy selects accept traffic from every pod in the cluster and can
#   reach every destination: one compromised pod anywhere can talk to them. A policy selects a
#   pod when it is in the pod's namespace and its `podSelector` matches the pod's labels; an
#   empty `podSelector: {}` selects every pod of the namespace. Only the NetworkPolicies in the
#   same lint run are known, so lint the workloads together with their policies.
# custom:
#   id: KW201
#   name: network-policy-missing
#   severity: warning
#   kinds: [workload]
#   remediation: Add a NetworkPolicy in the namespace that selects these pods, starting from a default-deny policy.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
package kubeward.rules.network.network_policy_missing

import rego.v1

deny contains finding if {
	data.kubeward.lib.pod_spec(input)
	ns := data.kubeward.lib.namespace(input)
	labels := data.kubeward.lib.pod_labels(input)
	not selected(ns, labels)
	finding := {
		"msg": sprintf("the pods of %s %q are not selected by any NetworkPolicy in namespace %q", [input.kind, data.kubeward.lib.name(input), ns]),
		"path": array.concat(data.kubeward.lib.pod_metadata_paths[input.kind], ["labels"]),
	}
}

selected(ns, labels) if {
	some policy in data.kubeward.lib.objects("NetworkPolicy", ns)
	data.kubeward.lib.selector_matches(object.get(policy, ["spec", "podSelector"], {}), labels)
}
