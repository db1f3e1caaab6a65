# METADATA
# title: Value looks like a random secret
# description: |
#   Generated credentials (API keys, client secrets, signing keys) are long random strings,
#   whatever the variable is called. A container `env` value or ConfigMap value is reported
#   when it contains a token of at least `min_length` base64 or base64url characters that mixes
#   upper case, lower case and digits and whose Shannon entropy reaches `min_entropy` bits per
#   character (short tokens cannot reach it; for them the bar is log2(length) - 0.6, what random
#   base64 of that length usually reaches). Hex strings (image digests, commit ids, checksums,
#   UUIDs), references such as `$(VAR)`, certificates, public keys and integrity hashes are not
#   reported, and neither are values that secret-hardcoded-in-env or
#   secret-hardcoded-in-configmap already report. Annotations are not scanned: they hold
#   checksums and generated ids. This is a heuristic: raise the parameters if it reports
#   identifiers of your own.
# custom:
#   id: KW703
#   name: secret-high-entropy-value
#   severity: warning
#   kinds: [workload, ConfigMap]
#   remediation: If the value is a credential, move it into a Secret and rotate it; otherwise suppress the finding with a reason.
#   references:
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
#     - https://en.wikipedia.org/wiki/Entropy_(information_theory)
#   params:
#     type: object
#     properties:
#       min_length:
#         type: integer
#         minimum: 8
#         default: 20
#         description: Shortest token (run of base64 characters) that is checked.
#       min_entropy:
#         type: number
#         minimum: 1
#         default: 4.5
#         description: Shannon entropy, in bits per character, at which a long token counts as random.
#     additionalProperties: false
package kubeward.rules.secrets.secret_high_entropy_value

import rego.v1

params := data.kubeward.params.secret_high_entropy_value

deny contains finding if {
	some entry in data.kubeward.lib.input_containers
	some i, variable in data.kubeward.lib.list(object.get(entry.container, "env", []))
	is_string(variable.value)
	random(variable.value)
	not data.kubeward.lib.secrets.hardcoded(object.get(variable, "name", ""), variable.value)
	finding := {
		"msg": sprintf("container %q sets environment variable %s to a value that looks like a random secret (value redacted)", [data.kubeward.lib.container_name(entry.container), variable.name]),
		"path": array.concat(entry.path, ["env", i, "value"]),
	}
}

deny contains finding if {
	input.kind == "ConfigMap"
	is_object(input.data)
	some key, value in input.data
	is_string(value)
	random(value)
	not reported_as_hardcoded(key, value)
	finding := {
		"msg": sprintf("ConfigMap %q has a value that looks like a random secret in key %q (value redacted)", [data.kubeward.lib.input_name, key]),
		"path": ["data", key],
	}
}

random(value) if {
	count(value) >= params.min_length
	not data.kubeward.lib.secrets.reference(value)
	not data.kubeward.lib.secrets.public_material(value)
	some token in data.kubeward.lib.secrets.tokens(value, params.min_length)
	data.kubeward.lib.secrets.random_token(token, params.min_entropy)
}

# What secret-hardcoded-in-configmap reports.
reported_as_hardcoded(key, value) if data.kubeward.lib.secrets.hardcoded(key, value)

reported_as_hardcoded(_, value) if {
	some assignment in data.kubeward.lib.secrets.assignments(value)
	data.kubeward.lib.secrets.sensitive_name(assignment.name)
	data.kubeward.lib.secrets.literal(assignment.value)
}
