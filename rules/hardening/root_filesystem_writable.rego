# METADATA
# title: Container root filesystem is writable
# description: |
#   A writable root filesystem lets an intruder download tools, replace binaries and libraries
#   the application loads, and persist until the container is replaced; it also hides drift
#   from what the image says. With `readOnlyRootFilesystem: true`, the places the application
#   really writes to are explicit `emptyDir` or volume mounts. The field belongs to each
#   container (the pod's securityContext has none) and defaults to `false`. Windows pods are
#   not concerned.
# custom:
#   id: KW507
#   name: root-filesystem-writable
#   severity: info
#   kinds: [workload]
#   remediation: Set securityContext.readOnlyRootFilesystem to true and mount an emptyDir where the container needs to write.
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
#     - https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
#   peers:
#     kube-linter: [no-read-only-root-fs]
#     kubescape: [immutable-container-filesystem]
#     trivy: [file_system_not_read_only]
#     checkov: [CKV_K8S_22]
#     polaris: [notReadOnlyRootFilesystem]
package kubeward.rules.hardening.root_filesystem_writable

import data.kubeward.lib.hardening
import rego.v1

deny contains finding if {
	some entry in hardening.input_linux_containers
	setting := entry.settings.readOnlyRootFilesystem
	setting.value != true
	finding := {
		"msg": sprintf("container %q sets readOnlyRootFilesystem: %v", [entry.name, setting.value]),
		"path": setting.path,
	}
}

deny contains finding if {
	some entry in hardening.input_linux_containers
	not entry.settings.readOnlyRootFilesystem
	finding := {
		"msg": sprintf("container %q has a writable root filesystem (no readOnlyRootFilesystem: true)", [entry.name]),
		"path": hardening.missing_path(entry, "readOnlyRootFilesystem"),
	}
}
