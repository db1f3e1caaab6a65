# METADATA
# title: Pod mounts a hostPath volume
# description: |
#   A hostPath volume puts a directory or file of the node inside the pod. It ties the pod to
#   one node's disk, bypasses storage quotas and isolation, and is the usual first step of a
#   container escape: a writable mount of the wrong path (or a symlink race on it) reaches the
#   node's configuration, logs, kubelet credentials and other pods' secrets. The baseline Pod
#   Security Standard forbids hostPath altogether; node agents that need one should be the
#   documented exception. Sensitive paths, runtime sockets and writable mounts have their own,
#   stronger rules.
# custom:
#   id: KW513
#   name: host-path-volume
#   severity: warning
#   kinds: [workload]
#   remediation: Replace the hostPath volume with an emptyDir, a ConfigMap or Secret, or a PersistentVolumeClaim.
#   references:
#     - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   peers:
#     kubescape: [alert-any-hostpath]
#     trivy: [hostpath_volumes_mounted]
#     polaris: [hostPathSet]
package kubeward.rules.hardening.host_path_volume

import data.kubeward.lib.hardening
import rego.v1

deny contains finding if {
	some volume in hardening.input_host_path_volumes
	finding := {
		"msg": sprintf("volume %q mounts the node's %q (hostPath)", [volume.name, volume.value]),
		"path": array.concat(volume.path, ["hostPath"]),
	}
}
