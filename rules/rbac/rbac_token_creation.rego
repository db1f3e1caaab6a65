# METADATA
# title: Role can create ServiceAccount tokens
# description: |
#   `create` on `serviceaccounts/token` issues a token for a ServiceAccount, with a lifetime the
#   caller chooses up to the API server's maximum, so the subject acts with the permissions of
#   every ServiceAccount in reach, controllers' accounts included, from anywhere and without
#   running a pod. The finding is at the `serviceaccounts/token` item (or the `*` or `*/token`
#   that includes it), whether or not the lint run binds the role; the bindings of the run are
#   shown as related labels. Rules narrowed by `resourceNames` are reported too, as the named
#   accounts may be powerful.
# custom:
#   id: KW108
#   name: rbac-token-creation
#   severity: warning
#   kinds: [role]
#   remediation: Let pods receive their own tokens through projected volumes, and remove create on serviceaccounts/token from roles that do not issue tokens for others.
#   references:
#     - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#token-request-api
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#   peers:
#     kubescape: [rule-can-create-service-account-token]
package kubeward.rules.rbac.rbac_token_creation

import data.kubeward.lib.rbac
import rego.v1

targets := [{"group": "", "resource": "serviceaccounts/token", "verbs": ["create"]}]

deny contains finding if {
	some grant in rbac.grants(input, targets, true)
	finding := {
		"msg": sprintf("%s grants %s", [rbac.input_title, rbac.grant_text(grant)]),
		"path": grant.path,
		"related": rbac.input_binding_labels,
	}
}
