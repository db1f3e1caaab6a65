# METADATA
# title: Object is placed in the default namespace
# description: |
#   Namespaces are the unit of isolation in Kubernetes: ResourceQuotas, LimitRanges, default
#   NetworkPolicies, RBAC grants and Pod Security admission levels are set per namespace. The
#   `default` namespace usually has none of them, is shared by everything nobody placed
#   elsewhere, and anyone granted access to it sees all of it. Only an explicit
#   `namespace: default` is reported: an object without a namespace lands in whatever
#   namespace `kubectl` or Helm targets at apply time, and is reported only when the
#   configuration names `default` as that namespace (`namespace: default` or
#   `--namespace default`). Charts that write
#   `namespace: {{ .Release.Namespace }}` show the namespace they were rendered for.
#   Cluster-scoped kinds have no namespace, and the API server's own Service, Endpoints and
#   EndpointSlice `kubernetes` belong in `default`; they are not reported.
# custom:
#   id: KW612
#   name: object-in-default-namespace
#   severity: info
#   opt-in: true
#   kinds: ["*"]
#   remediation: Put the object in a namespace of its own application or team.
#   references:
#     - https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
#     - https://kubernetes.io/docs/concepts/security/multi-tenancy/
#   peers:
#     kube-linter: [use-namespace]
#     kubescape:
#       - pods-in-default-namespace
#       - configmap-in-default-namespace
#       - csistoragecapacity-in-default-namespace
#       - endpoints-in-default-namespace
#       - endpointslice-in-default-namespace
#       - horizontalpodautoscaler-in-default-namespace
#       - ingress-in-default-namespace
#       - lease-in-default-namespace
#       - persistentvolumeclaim-in-default-namespace
#       - poddisruptionbudget-in-default-namespace
#       - podtemplate-in-default-namespace
#       - replicationcontroller-in-default-namespace
#       - resources-secret-in-default-namespace
#       - role-in-default-namespace
#       - rolebinding-in-default-namespace
#       - service-in-default-namespace
#       - serviceaccount-in-default-namespace
package kubeward.rules.reliability.object_in_default_namespace

import rego.v1

deny contains finding if {
	input.metadata.namespace == "default"
	not data.kubeward.cluster_scoped[input.kind]
	not api_server_object(input)
	finding := {
		"msg": sprintf("%s %q is placed in the default namespace", [input.kind, data.kubeward.lib.input_name]),
		"path": ["metadata", "namespace"],
	}
}

# Without a namespace the object goes where it is applied: into `default` only when the
# configuration says so (`namespace: default`, or `--namespace default`).
deny contains finding if {
	not has_namespace(input)
	data.kubeward.namespace_configured
	data.kubeward.default_namespace == "default"
	not data.kubeward.cluster_scoped[input.kind]
	not api_server_object(input)
	finding := {
		"msg": sprintf("%s %q names no namespace, so it is placed in the configured namespace \"default\"", [input.kind, data.kubeward.lib.input_name]),
		"path": ["metadata"],
	}
}

has_namespace(obj) if obj.metadata.namespace != ""

# The API server publishes itself as Service, Endpoints and EndpointSlice "kubernetes" in the
# default namespace; they belong there.
api_server_object(obj) if {
	obj.kind in {"Service", "Endpoints", "EndpointSlice"}
	obj.metadata.name == "kubernetes"
}
