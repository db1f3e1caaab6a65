# METADATA
# title: Container may run as root
# description: |
#   Without `runAsNonRoot: true` or a non-zero `runAsUser`, the container runs as whatever user
#   its image names, which is root for most images. Root in a container is root on the node's
#   kernel: one runtime or kernel escape (CVE-2019-5736, CVE-2022-0185) away from the node, and
#   it can read every file of mounted volumes. Both fields are inherited from the pod's
#   securityContext, and a container's own value overrides the pod's, so a pod-level
#   `runAsNonRoot: true` protects every container unless one sets `runAsNonRoot: false`.
#   An explicit `runAsUser: 0` is reported by `run-as-user-root` instead. Windows pods are not
#   concerned.
# custom:
#   id: KW503
#   name: run-as-root-possible
#   severity: warning
#   kinds: [workload]
#   remediation: Set runAsNonRoot to true in the pod's securityContext (or the container's) and run the image as a non-root user.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
#     - https://nvd.nist.gov/vuln/detail/CVE-2019-5736
#   peers:
#     kube-linter: [run-as-non-root]
#     kubescape: [non-root-containers]
#     trivy: [runs_as_root]
#     checkov: [CKV_K8S_23]
#     polaris: [runAsRootAllowed]
package kubeward.rules.hardening.run_as_root_possible

import data.kubeward.lib.hardening
import rego.v1

# Containers whose user is not known to be non-root, and not explicitly root either.
exposed contains entry if {
	some entry in hardening.input_linux_containers
	not object.get(entry.settings, ["runAsNonRoot", "value"], null) == true
	not entry.settings.runAsUser
}

# runAsNonRoot: false, where it is written.
deny contains finding if {
	some path in {entry.settings.runAsNonRoot.path | some entry in exposed}
	settings := [entry.settings.runAsNonRoot | some entry in exposed; entry.settings.runAsNonRoot.path == path]
	names := [entry.name | some entry in exposed; entry.settings.runAsNonRoot.path == path]
	finding := {"msg": message(settings[0], names), "path": path}
}

message(setting, names) := sprintf("%s sets runAsNonRoot: %v and no runAsUser, so it may run as root", [hardening.containers_phrase(names), setting.value]) if {
	setting.from == "container"
} else := sprintf("the pod securityContext sets runAsNonRoot: %v and no runAsUser, inherited by %s, which may run as root", [setting.value, hardening.containers_phrase(names)])

# Neither field set anywhere: the image decides.
deny contains finding if {
	some entry in exposed
	not entry.settings.runAsNonRoot
	finding := {
		"msg": sprintf("container %q may run as root: neither it nor its pod sets runAsNonRoot: true or a non-zero runAsUser", [entry.name]),
		"path": hardening.missing_path(entry, "runAsNonRoot"),
	}
}
