# METADATA
# title: hostPath volume is mounted writable
# description: |
#   A container that can write to a node directory can plant files the node or other pods will
#   trust: cron jobs, systemd units, kubelet configuration, binaries on the node's PATH, or
#   symlinks that make the kubelet follow them (the `/var/log` escape). Each `volumeMount` of a
#   hostPath volume is writable unless it says `readOnly: true`; it is reported at the mount,
#   for every container (init and ephemeral included) that mounts it.
# custom:
#   id: KW515
#   name: host-path-writable
#   severity: warning
#   kinds: [workload]
#   remediation: Set readOnly to true on the volumeMount, or replace the hostPath volume.
#   references:
#     - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   peers:
#     kube-linter: [writable-host-mount]
#     kubescape: [alert-rw-hostpath]
#     checkov: [CKV_K8S_27]
package kubeward.rules.hardening.host_path_writable

import data.kubeward.lib.hardening
import rego.v1

deny contains finding if {
	some volume in hardening.input_host_path_volumes
	some mount in hardening.mounts_of(input, volume.name)
	not mount.mount.readOnly == true
	finding := {
		"msg": sprintf("container %q mounts hostPath volume %q (%s) writable", [mount.entry.name, volume.name, volume.value]),
		"path": array.concat(mount.path, ["readOnly"]),
	}
}
