# METADATA
# title: Container allows privilege escalation
# description: |
#   Unless `allowPrivilegeEscalation` is `false`, a process of the container can gain more
#   privileges than its parent through setuid binaries (`sudo`, `su`, `ping` on older images)
#   and file capabilities: an attacker who lands as a non-root user becomes root inside the
#   container, one step closer to the node. The default is `true`, so the field must be set on
#   every container (it is not inherited from the pod). Privileged containers and containers
#   adding `SYS_ADMIN` always allow escalation and cannot set it to `false`; they are reported
#   once, by `privileged-container`. Windows pods are not concerned.
# custom:
#   id: KW502
#   name: privilege-escalation-allowed
#   severity: warning
#   kinds: [workload]
#   remediation: Set securityContext.allowPrivilegeEscalation to false on every container.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
#     - https://www.kernel.org/doc/html/latest/userspace-api/no_new_privs.html
#   peers:
#     kube-linter: [privilege-escalation-container]
#     kubescape: [rule-allow-privilege-escalation]
#     trivy: [can_elevate_its_own_privileges]
#     checkov: [CKV_K8S_20]
#     polaris: [privilegeEscalationAllowed]
package kubeward.rules.hardening.privilege_escalation_allowed

import data.kubeward.lib.hardening
import rego.v1

deny contains finding if {
	some entry in hardening.input_linux_containers
	not hardening.privileged(entry)
	setting := entry.settings.allowPrivilegeEscalation
	setting.value != false
	finding := {
		"msg": sprintf("container %q sets allowPrivilegeEscalation: %v", [entry.name, setting.value]),
		"path": setting.path,
	}
}

deny contains finding if {
	some entry in hardening.input_linux_containers
	not hardening.privileged(entry)
	not entry.settings.allowPrivilegeEscalation
	finding := {
		"msg": sprintf("container %q does not set allowPrivilegeEscalation: false", [entry.name]),
		"path": hardening.missing_path(entry, "allowPrivilegeEscalation"),
	}
}
