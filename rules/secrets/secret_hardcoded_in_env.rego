# METADATA
# title: Secret hardcoded in a container's environment
# description: |
#   A credential written into `env[].value` is stored in plain text wherever the manifest
#   goes: the git history, the chart, every ReplicaSet revision, `kubectl get -o yaml`,
#   `kubectl describe`, backups of etcd, and the logs of CI. Anyone with read access to pods or
#   to the repository has it, and rotating it means a new commit. A value is reported when it
#   has a known credential format (AWS access key ids, private key blocks, GitHub, GitLab,
#   Slack, Google and Stripe tokens, Slack webhook URLs, JSON Web Tokens, HTTP authorization
#   headers, URLs with a password), or when the variable's name announces a secret (password,
#   passwd, pwd, pass, secret, token, credentials, api key, a final KEY, ...; SECRET_NAME,
#   TOKEN_PATH or AWS_ACCESS_KEY_ID only describe one) and the value is a literal: not empty,
#   not a reference such as `$(VAR)` or `${VAR}`, not a placeholder such as `xxxx` or
#   `<password>`, not an absolute path, a URL without a password, a number or a switch. Proxy
#   URLs are left to proxy-url-credentials. The message never repeats the value. Init and
#   ephemeral containers are checked too.
# custom:
#   id: KW701
#   name: secret-hardcoded-in-env
#   severity: error
#   kinds: [workload]
#   remediation: Move the value into a Secret (or an external secret store), mount it as a file, and rotate the exposed credential.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/secret/
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
#     - https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
#   peers:
#     kube-linter: [env-var-secret]
package kubeward.rules.secrets.secret_hardcoded_in_env

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.input_containers
	some i, variable in data.kubeward.lib.list(object.get(entry.container, "env", []))
	is_string(variable.name)
	reason := data.kubeward.lib.secrets.hardcoded(variable.name, variable.value)
	finding := {
		"msg": sprintf("container %q has a hardcoded secret in environment variable %s (%s; value redacted)", [data.kubeward.lib.container_name(entry.container), variable.name, describe(reason)]),
		"path": array.concat(entry.path, ["env", i, "value"]),
	}
}

describe("its name says it holds a secret") := "its name says it holds a secret"

describe(kind) := sprintf("the value is %s", [kind]) if kind != "its name says it holds a secret"
