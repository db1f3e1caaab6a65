# METADATA
# title: Container runs with a low UID
# description: |
#   Without user namespaces, a container's UID is the node's UID. UIDs below 10000 are those of
#   the node's own users and system services (and of other workloads' images): a process that
#   escapes the container, or reaches a shared hostPath or NFS volume, acts with their file
#   permissions. A high, dedicated UID owns nothing outside the container. Reported where the
#   effective `runAsUser` is written (the container's, or the pod's it inherits), and at the
#   container when `runAsNonRoot: true` leaves the UID to the image. UID 0 is reported by
#   `run-as-user-root`, and a container with neither field by `run-as-root-possible`.
# custom:
#   id: KW505
#   name: low-user-id
#   severity: info
#   opt-in: true
#   kinds: [workload]
#   remediation: Set runAsUser to a UID of at least 10000 that no user of the node has.
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
#         description: The lowest UID accepted.
#   peers:
#     trivy: [runs_with_UID_le_10000]
#     checkov: [CKV_K8S_40]
package kubeward.rules.hardening.low_user_id

import data.kubeward.lib.hardening
import rego.v1

minimum := data.kubeward.params.low_user_id.min

low contains entry if {
	some entry in hardening.input_linux_containers
	value := entry.settings.runAsUser.value
	is_number(value)
	value > 0
	value < minimum
}

deny contains finding if {
	some path in {entry.settings.runAsUser.path | some entry in low}
	settings := [entry.settings.runAsUser | some entry in low; entry.settings.runAsUser.path == path]
	names := [entry.name | some entry in low; entry.settings.runAsUser.path == path]
	finding := {"msg": message(settings[0], names), "path": path}
}

message(setting, names) := sprintf("%s runs as UID %v, below %d", [hardening.containers_phrase(names), setting.value, minimum]) if {
	setting.from == "container"
} else := sprintf("the pod securityContext sets runAsUser: %v, below %d, inherited by %s", [setting.value, minimum, hardening.containers_phrase(names)])

# runAsNonRoot: true without a UID: the image's user, usually a low one.
deny contains finding if {
	some entry in hardening.input_linux_containers
	entry.settings.runAsNonRoot.value == true
	not entry.settings.runAsUser
	finding := {
		"msg": sprintf("container %q runs as its image's user, whose UID is not known to be at least %d", [entry.name, minimum]),
		"path": hardening.missing_path(entry, "runAsUser"),
	}
}
