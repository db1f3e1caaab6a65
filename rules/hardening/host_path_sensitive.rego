# METADATA
# title: hostPath volume exposes a sensitive node path
# description: |
#   Some node paths are the node: `/etc` and `/root` hold its configuration, credentials and
#   SSH keys, `/proc` and `/sys` its kernel and every process, `/var/lib/kubelet` every pod's
#   Secrets and service account tokens, `/var/log` every pod's logs, `/run` the runtime and
#   kubelet sockets, `/` all of it. Mounting one of them, or a directory that contains one
#   (`/var` contains `/var/log`), or a file inside one, hands the node to whoever controls the
#   container, and even read-only mounts leak credentials. Container runtime sockets are
#   reported by `host-path-runtime-socket` instead.
# custom:
#   id: KW514
#   name: host-path-sensitive
#   severity: error
#   kinds: [workload]
#   remediation: Do not mount this node path; get the data through the Kubernetes API, a Secret or ConfigMap, or a purpose-built agent.
#   references:
#     - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   params:
#     type: object
#     properties:
#       paths:
#         type: array
#         items: {type: string}
#         description: Node paths that must not be mounted, nor any path inside them or above them.
#         default: [/, /bin, /boot, /dev, /etc, /home, /lib, /lib64, /proc, /root, /run, /sbin, /sys, /usr, /var/lib/containerd, /var/lib/docker, /var/lib/etcd, /var/lib/kubelet, /var/log]
#   peers:
#     kube-linter: [sensitive-host-mounts]
package kubeward.rules.hardening.host_path_sensitive

import data.kubeward.lib.hardening
import rego.v1

sensitive := {hardening.normalized_path(p) | some p in data.kubeward.params.host_path_sensitive.paths}

deny contains finding if {
	some volume in hardening.input_host_path_volumes
	not hardening.runtime_socket(volume.host_path)
	msg := message(volume)
	finding := {"msg": msg, "path": array.concat(volume.path, ["hostPath", "path"])}
}

message(volume) := sprintf("volume %q mounts the sensitive node path %q", [volume.name, volume.value]) if {
	volume.host_path in sensitive
} else := sprintf("volume %q mounts %q, inside the sensitive node path %q", [volume.name, volume.value, outer]) if {
	some outer in sensitive
	hardening.within(volume.host_path, outer)
} else := sprintf("volume %q mounts %q, which contains the sensitive node %s", [volume.name, volume.value, listed(inner)]) if {
	inner := {s | some s in sensitive; hardening.within(s, volume.host_path)}
	count(inner) > 0
}

listed(paths) := sprintf("path %q", [p]) if {
	count(paths) == 1
	some p in paths
} else := sprintf("paths %s", [concat(", ", [sprintf("%q", [p]) | some p in sort(paths)])])
