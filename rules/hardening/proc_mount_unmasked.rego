# METADATA
# title: Container has an unmasked /proc
# description: |
#   The runtime masks and makes read-only the parts of `/proc` that describe or control the
#   node (`/proc/kcore`, `/proc/sys`, `/proc/sysrq-trigger`, ...). `procMount: Unmasked` removes
#   that protection: the container reads kernel memory and node information and, where it has
#   the privilege, changes kernel settings or triggers a crash of the node. It is meant only
#   for nested container runtimes inside user namespaces. The field belongs to each container.
#   Windows pods are not concerned.
# custom:
#   id: KW519
#   name: proc-mount-unmasked
#   severity: error
#   kinds: [workload]
#   remediation: Remove procMount from the container's securityContext (or set it to Default).
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1
#   peers:
#     kube-linter: [unsafe-proc-mount]
#     kubescape: [set-procmount-default]
#     trivy: [non_default_proc_masks_set]
package kubeward.rules.hardening.proc_mount_unmasked

import data.kubeward.lib.hardening
import rego.v1

deny contains finding if {
	some entry in hardening.input_linux_containers
	setting := entry.settings.procMount
	setting.value != "Default"
	finding := {
		"msg": sprintf("container %q sets procMount: %v, which unmasks the node's /proc", [entry.name, setting.value]),
		"path": setting.path,
	}
}
