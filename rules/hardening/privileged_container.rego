# METADATA
# title: Container runs privileged or with CAP_SYS_ADMIN
# description: |
#   A privileged container sees every device of the node, runs without seccomp, AppArmor or
#   SELinux confinement and holds every capability: whoever executes code in it can mount the
#   host's disk, load kernel modules and take over the node and every pod on it. Adding
#   `SYS_ADMIN` comes close (mount, namespaces, BPF, cgroup release agents) and is reported
#   here too, at the capability; Kubernetes itself treats both alike (neither allows
#   `allowPrivilegeEscalation: false`). Init and ephemeral containers count: a debug container
#   started privileged is as dangerous as any other.
# custom:
#   id: KW501
#   name: privileged-container
#   severity: error
#   kinds: [workload]
#   remediation: Remove privileged and SYS_ADMIN, and grant only the specific capabilities or device access the container needs.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
#     - https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
#   peers:
#     kube-linter: [privileged-container]
#     kubescape: [rule-privileged-container]
#     trivy: [privileged, SYS_ADMIN_capability]
#     checkov: [CKV_K8S_16, CKV_K8S_39]
#     polaris: [runAsPrivileged]
package kubeward.rules.hardening.privileged_container

import data.kubeward.lib.hardening
import rego.v1

deny contains finding if {
	some entry in hardening.input_containers
	setting := entry.settings.privileged
	setting.value == true
	finding := {
		"msg": sprintf("container %q runs privileged", [entry.name]),
		"path": setting.path,
	}
}

deny contains finding if {
	some entry in hardening.input_containers
	some cap in hardening.added_capabilities(entry)
	cap.name == "SYS_ADMIN"
	finding := {
		"msg": sprintf("container %q adds capability %s, which is nearly as powerful as privileged", [entry.name, cap.value]),
		"path": cap.path,
	}
}
