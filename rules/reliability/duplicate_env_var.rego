# METADATA
# title: Container defines an environment variable twice
# description: |
#   When a container's `env` lists the same name twice, the later entry silently replaces the
#   earlier one. Whoever edits the first entry (a new password, a feature switch, a Helm value
#   merged into a list) sees no effect, and a patch or overlay that appends to the list can
#   override a setting without anyone noticing. Every repeated entry is reported, pointing at
#   the first one; init and ephemeral containers are checked too.
# custom:
#   id: KW613
#   name: duplicate-env-var
#   severity: warning
#   kinds: [workload]
#   remediation: Keep one entry per variable name in the container's env.
#   references:
#     - https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
#     - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#environment-variables
#   peers:
#     kube-linter: [duplicate-env-var]
#     kubescape: [duplicate-env-var]
package kubeward.rules.reliability.duplicate_env_var

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.input_containers
	env := data.kubeward.lib.list(object.get(entry.container, "env", []))
	# Fewer distinct names than entries: most containers have none twice and skip the search
	# below, which compares every pair of entries.
	count({v.name | some v in env}) < count(env)
	some j, variable in env
	is_string(variable.name)
	first := min({i | some i, other in env; other.name == variable.name})
	first < j
	finding := {
		"msg": sprintf("container %q defines environment variable %s again; this later entry silently wins", [data.kubeward.lib.container_name(entry.container), variable.name]),
		"path": array.concat(entry.path, ["env", j, "name"]),
		"related": [{"path": array.concat(entry.path, ["env", first, "name"]), "msg": "first defined here"}],
	}
}
