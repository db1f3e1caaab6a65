# METADATA
# title: Secret hardcoded in a ConfigMap
# description: |
#   ConfigMaps are not meant for secrets: they are readable by far more subjects (the `view`
#   role, many operators and dashboards), are not encrypted at rest by the usual EncryptionConfig
#   set-ups, and are printed in full by `kubectl describe`. A credential in one is as exposed as
#   the manifest that carries it. A key is reported when its value has a known credential
#   format (AWS access key ids, private key blocks, GitHub, GitLab, Slack, Google and Stripe
#   tokens, Slack webhook URLs, JSON Web Tokens, HTTP authorization headers, URLs with a
#   password), when the key's name announces a secret and its one-line value is a literal, or
#   when a line of a configuration file kept in the value (`NAME=value`, `name: value`,
#   `"name": "value"`) assigns a literal to a name that announces a secret. References
#   (`${VAR}`, `$(VAR)`, `{{ ... }}`), placeholders, absolute paths, URLs without a password,
#   numbers and switches are not literals. Proxy URLs are left to proxy-url-credentials. The
#   message never repeats the value.
# custom:
#   id: KW702
#   name: secret-hardcoded-in-configmap
#   severity: error
#   kinds: [ConfigMap]
#   remediation: Move the value into a Secret (or an external secret store), reference it from the configuration, and rotate the exposed credential.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/configmap/
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
#   peers:
#     kubescape: [rule-credentials-configmap]
#     trivy: [configMap_with_secrets]
package kubeward.rules.secrets.secret_hardcoded_in_configmap

import rego.v1

# A known format anywhere in the value, or a key that announces a secret with a one-line
# literal value.
deny contains finding if {
	is_object(input.data)
	some key, value in input.data
	reason := key_reason(key, value)
	finding := {
		"msg": sprintf("ConfigMap %q has a hardcoded secret in key %q (%s; value redacted)", [data.kubeward.lib.input_name, key, reason]),
		"path": ["data", key],
	}
}

# A line of a configuration file that assigns a literal to a name that announces a secret.
deny contains finding if {
	is_object(input.data)
	some key, value in input.data
	not key_reason(key, value)
	is_string(value)
	lines := {line |
		some assignment in data.kubeward.lib.secrets.assignments(value)
		data.kubeward.lib.secrets.sensitive_name(assignment.name)
		data.kubeward.lib.secrets.literal(assignment.value)
		line := sprintf("%s on line %d", [assignment.name, assignment.line])
	}
	count(lines) > 0
	finding := {
		"msg": sprintf("ConfigMap %q has a hardcoded secret in key %q: %s (value redacted)", [data.kubeward.lib.input_name, key, concat(", ", sort(lines))]),
		"path": ["data", key],
	}
}

key_reason(key, value) := sprintf("the value contains %s", [kind]) if {
	kind := data.kubeward.lib.secrets.credential_format(value)
	not data.kubeward.lib.secrets.proxy_url(key, kind)
} else := "its name says it holds a secret" if {
	is_string(value)
	not contains(value, "\n")
	data.kubeward.lib.secrets.sensitive_name(key)
	data.kubeward.lib.secrets.literal(value)
}
