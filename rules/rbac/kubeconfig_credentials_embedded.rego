# METADATA
# title: Kubeconfig or cluster credentials in a Secret or ConfigMap
# description: |
#   A kubeconfig with a client key or a token, or a bare `client-key-data`, is a credential for
#   the API server: whoever reads it acts as that user, and a client certificate cannot be
#   revoked before it expires. Shipped in a manifest, it lives in the repository and every clone
#   of it (a Secret's `data` is only base64, not encryption), and in the cluster it is readable
#   by anyone who can read the Secrets (or, worse, the ConfigMaps) of the namespace. Secret
#   values are decoded before they are examined; a value counts as a kubeconfig when it has
#   `clusters` and `users` and carries `client-key-data`, `client-key`, `token` or `password`.
#   The finding is at the key; the value is never repeated.
# custom:
#   id: KW118
#   name: kubeconfig-credentials-embedded
#   severity: error
#   kinds: [Secret, ConfigMap]
#   remediation: Remove the credentials from the manifest, give the workload its own ServiceAccount with the permissions it needs, and create any external kubeconfig out of band or through a secret manager.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
#     - https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#normal-user
package kubeward.rules.rbac.kubeconfig_credentials_embedded

import rego.v1

deny contains finding if {
	some field, values in fields
	some key, value in values
	what := credentials(value)
	finding := {
		"msg": sprintf("%s %q holds %s in %s key %q", [input.kind, data.kubeward.lib.input_name, what, field, key]),
		"path": [field, key],
	}
}

# The values to examine, decoded: {"data": {key: text}, "stringData": {...}}.
fields[field] := {key: text |
	values := object.get(input, field, {})
	is_object(values)
	some key, value in values
	text := decoded(field, value)
} if {
	some field in ["data", "stringData", "binaryData"]
	is_object(object.get(input, field, null))
}

decoded(field, value) := base64.decode(value) if {
	field in {"binaryData", "data"}
	input.kind == "Secret"
	is_base64(value)
} else := base64.decode(value) if {
	field == "binaryData"
	is_base64(value)
} else := value if {
	field == "stringData"
	is_string(value)
} else := value if {
	field == "data"
	input.kind == "ConfigMap"
	is_string(value)
}

is_base64(value) if {
	is_string(value)
	regex.match(`^[A-Za-z0-9+/]*={0,2}$`, value)
	count(value) % 4 == 0
}

credential_field := `(?m)^\s*["']?(client-key-data|client-key|token|password)["']?\s*:\s*["']?[^\s"'#]`

credentials(text) := "a kubeconfig with credentials" if {
	regex.match(`(?m)^\s*["']?clusters["']?\s*:`, text)
	regex.match(`(?m)^\s*["']?users["']?\s*:`, text)
	regex.match(credential_field, text)
} else := "a client key (client-key-data)" if {
	regex.match(`(?m)^\s*["']?client-key-data["']?\s*:\s*["']?[A-Za-z0-9+/=]`, text)
}
