# METADATA
# title: Container runs without a seccomp profile
# description: |
#   seccomp filters the system calls a container may make. Without a profile (the default
#   unless the kubelet runs with `--seccomp-default`) or with `Unconfined`, a compromised
#   process can call the whole kernel API, including the rarely used calls behind most
#   container escapes (`unshare`, `keyctl`, `bpf`, `userfaultfd`; CVE-2022-0185 needed
#   `unshare`). `RuntimeDefault` blocks them at no cost for almost every application;
#   `Localhost` loads a custom profile. The container's `seccompProfile` overrides the pod's,
#   which every other container inherits: a problem is reported where it is written, a missing
#   profile at the container. The alpha annotations (`seccomp.security.alpha.kubernetes.io/pod`,
#   `container.seccomp.security.alpha.kubernetes.io/<name>`) count for target versions before
#   1.27, which ignore them. Windows pods are not concerned.
# custom:
#   id: KW517
#   name: seccomp-unconfined
#   severity: warning
#   kinds: [workload]
#   remediation: Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a profile) in the pod's securityContext.
#   references:
#     - https://kubernetes.io/docs/tutorials/security/seccomp/
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://nvd.nist.gov/vuln/detail/CVE-2022-0185
#   peers:
#     kubescape: [set-seccomp-profile]
#     trivy: [runtime_default_seccomp_profile_not_set]
#     checkov: [CKV_K8S_31]
package kubeward.rules.hardening.seccomp_unconfined

import data.kubeward.lib.hardening
import rego.v1

confining := {"RuntimeDefault", "Localhost"}

container_annotation := "container.seccomp.security.alpha.kubernetes.io/"

pod_annotation := "seccomp.security.alpha.kubernetes.io/pod"

annotations := hardening.input_pod_annotations

# The alpha annotations work only before 1.27.
legacy if hardening.kube_older_than(1, 27)

# The profile a container runs with: {"type", "shown", "path", "from"}; container field, then
# container annotation, then pod field, then pod annotation.
profile(entry) := field_profile(setting) if {
	setting := entry.settings.seccompProfile
	setting.from == "container"
} else := annotation_profile(key, "container") if {
	legacy
	key := concat("", [container_annotation, entry.name])
	annotations.annotations[key]
} else := field_profile(setting) if {
	setting := entry.settings.seccompProfile
	setting.from == "pod"
} else := annotation_profile(pod_annotation, "pod annotation") if {
	legacy
	annotations.annotations[pod_annotation]
}

field_profile(setting) := {
	"type": object.get(setting.value, "type", ""),
	"shown": object.get(setting.value, "type", "<none>"),
	"path": path_of(setting),
	"from": setting.from,
}

path_of(setting) := array.concat(setting.path, ["type"]) if is_object(setting.value)

path_of(setting) := setting.path if not is_object(setting.value)

annotation_profile(key, from) := {
	"type": annotation_type(value),
	"shown": value,
	"path": array.concat(annotations.path, [key]),
	"from": from,
} if {
	value := annotations.annotations[key]
	is_string(value)
}

annotation_type(value) := "RuntimeDefault" if value in {"runtime/default", "docker/default"}

annotation_type(value) := "Localhost" if startswith(value, "localhost/")

annotation_type(value) := "Unconfined" if value == "unconfined"

annotation_type(value) := "" if {
	not value in {"runtime/default", "docker/default", "unconfined"}
	not startswith(value, "localhost/")
}

weak contains {"entry": entry, "profile": p} if {
	some entry in hardening.input_linux_containers
	p := profile(entry)
	not p.type in confining
}

deny contains finding if {
	some path in {w.profile.path | some w in weak}
	group := [w | some w in weak; w.profile.path == path]
	names := [w.entry.name | some w in group]
	finding := {"msg": message(group[0].profile, names), "path": path}
}

message(p, names) := sprintf("%s runs with seccomp profile %q", [hardening.containers_phrase(names), p.shown]) if {
	p.from == "container"
} else := sprintf("the pod securityContext sets seccomp profile %q, inherited by %s", [p.shown, hardening.containers_phrase(names)]) if {
	p.from == "pod"
} else := sprintf("the pod annotation sets seccomp profile %q, inherited by %s", [p.shown, hardening.containers_phrase(names)])

deny contains finding if {
	some entry in hardening.input_linux_containers
	not profile(entry)
	finding := {
		"msg": sprintf("container %q runs without a seccomp profile (none on it or its pod%s)", [entry.name, ignored_note]),
		"path": hardening.missing_path(entry, "seccompProfile"),
	}
}

ignored_note := "; the seccomp annotations are ignored since Kubernetes 1.27" if {
	not legacy
	some key, _ in annotations.annotations
	startswith(key, container_annotation)
} else := "; the seccomp annotations are ignored since Kubernetes 1.27" if {
	not legacy
	annotations.annotations[pod_annotation]
} else := ""
