# METADATA
# title: Pods not selected by any NetworkPolicy
# description: |
#   Pods that no NetworkPolicy selects accept traffic from every pod in the cluster and can
#   reach every destination: one compromised pod anywhere can talk to them. A policy selects a
#   pod when it is in the pod's namespace and its `podSelector` matches the pod's labels; an
#   empty `podSelector: {}` selects every pod of the namespace. Cilium policies count too:
#   a `CiliumNetworkPolicy` of the namespace or a `CiliumClusterwideNetworkPolicy` whose
#   `endpointSelector` (in `spec` or any of `specs`) matches. Only the policies in the same lint
#   run are known, so lint the workloads together with their policies.
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
#     kubescape: [ensure_network_policy_configured_in_labels]
#     polaris: [missingNetworkPolicy]
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

# A Kubernetes NetworkPolicy of the namespace.
selected(ns, labels) if {
	some policy in data.kubeward.lib.objects("NetworkPolicy", ns)
	startswith(policy.apiVersion, "networking.k8s.io/")
	data.kubeward.lib.selector_matches(object.get(policy, ["spec", "podSelector"], {}), labels)
}

# A CiliumNetworkPolicy of the namespace.
selected(ns, labels) if {
	some policy in data.kubeward.lib.objects("CiliumNetworkPolicy", ns)
	some spec in cilium_specs(policy)
	data.kubeward.lib.selector_matches(cilium_selector(spec), labels)
}

# A CiliumClusterwideNetworkPolicy: it sees the namespace as a label.
selected(ns, labels) if {
	some policy in data.kubeward.lib.objects("CiliumClusterwideNetworkPolicy", "")
	some spec in cilium_specs(policy)
	with_namespace := object.union(labels, {"io.kubernetes.pod.namespace": ns})
	data.kubeward.lib.selector_matches(cilium_selector(spec), with_namespace)
}

cilium_specs(policy) := array.concat([s | s := policy.spec], object.get(policy, "specs", []))

# Cilium label keys may carry a source prefix (`k8s:app`, `any:app`).
cilium_selector(spec) := {
	"matchLabels": {_cilium_key(k): v | some k, v in object.get(spec, ["endpointSelector", "matchLabels"], {})},
	"matchExpressions": [object.union(e, {"key": _cilium_key(e.key)}) | some e in object.get(spec, ["endpointSelector", "matchExpressions"], [])],
} if {
	spec.endpointSelector
}

_cilium_key(key) := substring(key, 4, -1) if {
	some prefix in ["k8s:", "any:"]
	startswith(key, prefix)
} else := key
