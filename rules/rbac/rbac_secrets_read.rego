# METADATA
# title: Role can read Secrets
# description: |
#   `get`, `list` or `watch` on `secrets` reads every Secret in reach: database passwords, TLS
#   keys, registry credentials and the long-lived tokens of ServiceAccounts, which turn a
#   read-only foothold into the permissions of whatever those accounts can do. `list` and
#   `watch` return the values too, not only the names. A ClusterRole bound by a
#   ClusterRoleBinding reads the Secrets of every namespace. The finding is at the `secrets`
#   item (or the `*` that includes it) of the rule, in API group `""` or `*`, and is reported
#   whether or not the lint run binds the role, since the binding may live elsewhere; the
#   bindings of the run are shown as related labels. Rules narrowed by `resourceNames` are not
#   reported: reading named Secrets is the least-privilege form.
# custom:
#   id: KW103
#   name: rbac-secrets-read
#   severity: warning
#   kinds: [role]
#   remediation: Grant access to the named Secrets the subject needs with resourceNames, or mount them into the pod instead of reading them through the API.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
#     - https://kubernetes.io/docs/concepts/configuration/secret/#least-privilege-access-to-secrets
#   peers:
#     kube-linter: [access-to-secrets]
#     kubescape: [rule-can-list-get-secrets-v1]
package kubeward.rules.rbac.rbac_secrets_read

import data.kubeward.lib.rbac
import rego.v1

targets := [{"group": "", "resource": "secrets", "verbs": ["get", "list", "watch"]}]

deny contains finding if {
	some grant in rbac.grants(input, targets, false)
	finding := {
		"msg": sprintf("%s grants %s", [rbac.input_title, rbac.grant_text(grant)]),
		"path": grant.path,
		"related": rbac.input_binding_labels,
	}
}
