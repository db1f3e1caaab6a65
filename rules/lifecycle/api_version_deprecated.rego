# METADATA
# title: API version is deprecated at the target Kubernetes version
# description: |
#   The target Kubernetes version (`kube-version`, default 1.37, the newest with embedded
#   schemas) still serves this apiVersion, but it is deprecated and a later release removes it:
#   the API server answers with a warning today, and after the upgrade that removes it the
#   manifest can no longer be applied. Beta APIs are removed three releases after their
#   deprecation, so there is usually one upgrade left to migrate. The table follows the
#   Kubernetes Deprecated API Migration Guide and the embedded schemas; versions already removed
#   at the target are reported by `api-version-removed` instead.
# custom:
#   id: KW802
#   name: api-version-deprecated
#   severity: warning
#   kinds: ["*"]
#   remediation: Migrate the manifest to the replacement apiVersion named in the message before upgrading to the release that removes it.
#   references:
#     - https://kubernetes.io/docs/reference/using-api/deprecation-guide/
#     - https://kubernetes.io/docs/reference/using-api/deprecation-policy/
package kubeward.rules.lifecycle.api_version_deprecated

import rego.v1

deny contains finding if {
	entry := data.kubeward.lib.lifecycle.input_lifecycle
	entry.deprecated <= data.kubeward.lib.lifecycle.target_minor
	data.kubeward.lib.lifecycle.target_minor < entry.removed
	finding := {
		"msg": sprintf("%s %q uses %s, deprecated since Kubernetes 1.%d and removed in 1.%d (target %s): %s", [
			input.kind, data.kubeward.lib.input_name, input.apiVersion, entry.deprecated, entry.removed,
			data.kubeward.lib.lifecycle.target, data.kubeward.lib.lifecycle.replacement(input.kind, entry),
		]),
		"path": ["apiVersion"],
	}
}
