# METADATA
# title: Container runs with a low GID
# description: |
#   Without user namespaces, a container's primary GID is the node's GID. GID 0 is the root
#   group, which owns much of a node's (and an image's) files with group write access; other
#   GIDs below 10000 belong to the node's users and services. An escaped process, or one
#   writing to a shared hostPath or NFS volume, gets their group permissions. When no
#   `runAsGroup` is set, the runtime uses the image's group, which is GID 0 whenever the image
#   names only a UID. Reported where the effective `runAsGroup` is written (the container's,
#   or the pod's it inherits), or at the container when none is set.
# custom:
#   id: KW506
#   name: low-group-id
#   severity: info
#   opt-in: true
#   kinds: [workload]
#   remediation: Set runAsGroup to a GID of at least 10000 that no group of the node has.
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
#     - https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/
#   params:
#     type: object
#     properties:
#       min:
#         type: integer
#         minimum: 1
#         default: 10000
#         description: The lowest GID accepted.
#   peers:
#     trivy: [runs_with_GID_le_10000]
package kubeward.rules.hardening.low_group_id

import data.kubeward.lib.hardening
import rego.v1

minimum := data.kubeward.params.low_group_id.min

low contains entry if {
	some entry in hardening.input_linux_containers
	value := entry.settings.runAsGroup.value
	is_number(value)
	value < minimum
}

deny contains finding if {
	some path in {entry.settings.runAsGroup.path | some entry in low}
	settings := [entry.settings.runAsGroup | some entry in low; entry.settings.runAsGroup.path == path]
	names := [entry.name | some entry in low; entry.settings.runAsGroup.path == path]
	finding := {"msg": message(settings[0], names), "path": path}
}

message(setting, names) := sprintf("%s runs with GID %v, below %d", [hardening.containers_phrase(names), setting.value, minimum]) if {
	setting.from == "container"
} else := sprintf("the pod securityContext sets runAsGroup: %v, below %d, inherited by %s", [setting.value, minimum, hardening.containers_phrase(names)])

deny contains finding if {
	some entry in hardening.input_linux_containers
	not entry.settings.runAsGroup
	finding := {
		"msg": sprintf("container %q sets no runAsGroup, so it runs with its image's group (GID 0 unless the image names one)", [entry.name]),
		"path": hardening.missing_path(entry, "runAsGroup"),
	}
}
