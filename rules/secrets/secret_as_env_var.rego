# METADATA
# title: Secret exposed as an environment variable
# description: |
#   `valueFrom.secretKeyRef` and `envFrom.secretRef` put Secret values into the environment
#   of the container's processes. The environment is inherited by every child process, shows up
#   in `/proc/<pid>/environ` to anything that can read it, in crash dumps and error reports
#   that print the environment, and in debugging sessions; the value also cannot change
#   without a restart. Secrets mounted as files avoid all of that, can be updated in place and
#   can be given restrictive file modes. The rule is informational: many applications only read
#   their configuration from the environment. Init and ephemeral containers are checked too.
# custom:
#   id: KW704
#   name: secret-as-env-var
#   severity: info
#   kinds: [workload]
#   remediation: Mount the Secret as a volume and read the value from its file.
#   references:
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
#     - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
#   peers:
#     kube-linter: [read-secret-from-env-var]
#     kubescape: [rule-secrets-in-env-var]
#     checkov: [CKV_K8S_35]
package kubeward.rules.secrets.secret_as_env_var

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.input_containers
	some i, variable in data.kubeward.lib.list(object.get(entry.container, "env", []))
	ref := variable.valueFrom.secretKeyRef
	finding := {
		"msg": sprintf("container %q reads key %q of Secret %q into environment variable %s", [data.kubeward.lib.container_name(entry.container), object.get(ref, "key", ""), object.get(ref, "name", ""), variable.name]),
		"path": array.concat(entry.path, ["env", i, "name"]),
	}
}

deny contains finding if {
	some entry in data.kubeward.lib.input_containers
	some i, source in data.kubeward.lib.list(object.get(entry.container, "envFrom", []))
	ref := source.secretRef
	finding := {
		"msg": sprintf("container %q loads every key of Secret %q into its environment", [data.kubeward.lib.container_name(entry.container), object.get(ref, "name", "")]),
		"path": array.concat(entry.path, ["envFrom", i, "secretRef"]),
	}
}
