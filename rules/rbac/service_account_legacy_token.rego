# METADATA
# title: Secret holds a long-lived ServiceAccount token
# description: |
#   A Secret of type `kubernetes.io/service-account-token` makes the control plane write a token
#   for the named ServiceAccount into it. Unlike the tokens pods receive, which expire within
#   hours and are bound to the pod, it never expires and stays valid until the Secret is
#   deleted; anyone who can read Secrets of the namespace, or finds it in a backup, acts as the
#   ServiceAccount for good. Kubernetes stopped creating these automatically in 1.24 and cleans
#   up unused ones. The finding is at the Secret's `type`.
# custom:
#   id: KW117
#   name: service-account-legacy-token
#   severity: warning
#   kinds: [Secret]
#   remediation: Obtain short-lived tokens through the TokenRequest API (kubectl create token, projected volumes) instead of a service-account-token Secret.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets
#     - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#auto-generated-legacy-serviceaccount-token-clean-up
package kubeward.rules.rbac.service_account_legacy_token

import rego.v1

deny contains finding if {
	input.type == "kubernetes.io/service-account-token"
	account := object.get(input, ["metadata", "annotations", "kubernetes.io/service-account.name"], "<unnamed>")
	finding := {
		"msg": sprintf("Secret %q holds a long-lived token of ServiceAccount %q", [data.kubeward.lib.input_name, account]),
		"path": ["type"],
	}
}
