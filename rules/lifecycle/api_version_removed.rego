# METADATA
# title: API version is no longer served at the target Kubernetes version
# description: |
#   The API server of the target Kubernetes version (`kube-version`, default 1.37, the newest
#   with embedded schemas) does not serve this apiVersion of the kind any more: `kubectl apply`
#   fails with `no matches for kind`, a Helm upgrade stops half-way, and a GitOps controller
#   reports the application as broken. Objects created before the upgrade live on under the new
#   version, but the manifest in git can no longer be applied. The table follows the Kubernetes
#   Deprecated API Migration Guide, from the removals of 1.16 (`extensions/v1beta1` and
#   `apps/v1beta1`/`v1beta2` workloads) to those of 1.32 (`flowcontrol.apiserver.k8s.io/v1beta3`),
#   and adds the alpha and beta APIs that the embedded schemas (1.25 to 1.37) show removed.
#   Conversion often needs more than a new apiVersion (Ingress backends, CRD schemas, HPA
#   metrics): the guide lists the changes. Schema validation skips these objects.
# custom:
#   id: KW801
#   name: api-version-removed
#   severity: error
#   kinds: ["*"]
#   remediation: Migrate the manifest to the replacement apiVersion named in the message, applying the field changes the deprecation guide lists (kubectl convert can help).
#   references:
#     - https://kubernetes.io/docs/reference/using-api/deprecation-guide/
#     - https://kubernetes.io/docs/reference/using-api/deprecation-policy/
package kubeward.rules.lifecycle.api_version_removed

import rego.v1

deny contains finding if {
	entry := data.kubeward.lib.lifecycle.input_lifecycle
	entry.removed <= data.kubeward.lib.lifecycle.target_minor
	finding := {
		"msg": sprintf("%s %q uses %s, which Kubernetes stopped serving in 1.%d (target %s): %s", [
			input.kind, data.kubeward.lib.input_name, input.apiVersion, entry.removed,
			data.kubeward.lib.lifecycle.target, data.kubeward.lib.lifecycle.replacement(input.kind, entry),
		]),
		"path": ["apiVersion"],
	}
}
