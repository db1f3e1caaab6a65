# METADATA
# title: Container sets custom SELinux options
# description: |
#   On SELinux nodes (RHEL, Fedora, OpenShift), containers run as type `container_t` with a
#   unique level, which keeps them out of the node's files and each other's. Choosing another
#   type (`spc_t`, the "super privileged container", is unconfined; `unconfined_t` too) or a
#   user or role lifts that confinement; only the container types (`container_t`,
#   `container_init_t`, `container_kvm_t`, `container_engine_t`) and a level are safe to set.
#   The container's `seLinuxOptions` replace the pod's, which the others inherit; the finding
#   is reported where the option is written. Windows pods are not concerned.
# custom:
#   id: KW522
#   name: selinux-custom-options
#   severity: warning
#   kinds: [workload]
#   remediation: Remove seLinuxOptions type, user and role, keeping at most a level, so that the runtime's container type applies.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container
#   peers:
#     trivy: [selinux_custom_options_set]
package kubeward.rules.hardening.selinux_custom_options

import data.kubeward.lib.hardening
import rego.v1

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

custom contains {"entry": entry, "setting": setting, "option": option, "value": value} if {
	some entry in hardening.input_linux_containers
	setting := entry.settings.seLinuxOptions
	is_object(setting.value)
	some option, value in setting.value
	problem(option, value)
}

problem("type", value) if not value in allowed_types

problem("user", value) if value != ""

problem("role", value) if value != ""

deny contains finding if {
	some path in {array.concat(c.setting.path, [c.option]) | some c in custom}
	group := [c | some c in custom; array.concat(c.setting.path, [c.option]) == path]
	names := [c.entry.name | some c in group]
	finding := {"msg": message(group[0], names), "path": path}
}

message(c, names) := sprintf("%s sets SELinux %s %q", [hardening.containers_phrase(names), c.option, c.value]) if {
	c.setting.from == "container"
} else := sprintf("the pod securityContext sets SELinux %s %q, inherited by %s", [c.option, c.value, hardening.containers_phrase(names)])
