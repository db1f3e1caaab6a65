# METADATA
# title: Container runs as root (runAsUser 0)
# description: |
#   `runAsUser: 0` runs the container's processes as root whatever the image says. Root in a
#   container shares the node's kernel and, without user namespaces, is the node's root for
#   every file it can reach through volumes and for any runtime or kernel escape. The field is
#   inherited from the pod's securityContext unless the container sets its own, so the finding
#   is reported where the 0 is written, naming the containers that run with it. Combined with
#   `runAsNonRoot: true`, the kubelet refuses to start the container.
# custom:
#   id: KW504
#   name: run-as-user-root
#   severity: warning
#   kinds: [workload]
#   remediation: Set runAsUser to a non-zero UID (and runAsNonRoot to true), and make the image work without root.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
#   peers:
#     checkov: [CKV_K8S_23]
#     polaris: [runAsRootAllowed]
package kubeward.rules.hardening.run_as_user_root

import data.kubeward.lib.hardening
import rego.v1

root contains entry if {
	some entry in hardening.input_linux_containers
	entry.settings.runAsUser.value == 0
}

deny contains finding if {
	some path in {entry.settings.runAsUser.path | some entry in root}
	settings := [entry.settings.runAsUser | some entry in root; entry.settings.runAsUser.path == path]
	names := [entry.name | some entry in root; entry.settings.runAsUser.path == path]
	finding := {"msg": message(settings[0], names), "path": path}
}

message(setting, names) := sprintf("%s runs as root (runAsUser: 0)", [hardening.containers_phrase(names)]) if {
	setting.from == "container"
} else := sprintf("the pod securityContext sets runAsUser: 0 (root), inherited by %s", [hardening.containers_phrase(names)])
