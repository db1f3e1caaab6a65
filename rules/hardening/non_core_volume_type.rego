# METADATA
# title: Pod uses a volume type outside the core set
# description: |
#   The restricted Pod Security Standard allows only `configMap`, `csi`, `downwardAPI`,
#   `emptyDir`, `ephemeral`, `persistentVolumeClaim`, `projected` and `secret` volumes. The
#   other in-tree types mount network or block storage from the node itself (`nfs`, `iscsi`,
#   `rbd`, `cephfs`, `glusterfs`, `fc`, `flexVolume`, cloud disks), bypassing PersistentVolume
#   access control and often carrying credentials in the pod spec; `gitRepo` runs `git` on the
#   node as root (CVE-2024-10220 turned it into code execution on the node). Use a
#   PersistentVolumeClaim or a CSI driver instead. hostPath volumes are reported by
#   `host-path-volume`.
# custom:
#   id: KW523
#   name: non-core-volume-type
#   severity: info
#   kinds: [workload]
#   remediation: Use a PersistentVolumeClaim (or a CSI volume) instead of the in-tree volume type.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://kubernetes.io/docs/concepts/storage/volumes/
#     - https://nvd.nist.gov/vuln/detail/CVE-2024-10220
#   peers:
#     trivy: [non_core_volume_types]
package kubeward.rules.hardening.non_core_volume_type

import rego.v1

core := {"name", "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret", "hostPath"}

deny contains finding if {
	ps := data.kubeward.lib.input_pod_spec
	some i, volume in data.kubeward.lib.list(object.get(ps.spec, "volumes", []))
	is_object(volume)
	some kind, _ in volume
	not kind in core
	finding := {
		"msg": sprintf("volume %q uses the %s volume type", [object.get(volume, "name", "<unnamed>"), kind]),
		"path": array.concat(ps.path, ["volumes", i, kind]),
	}
}
