# METADATA
# title: Container runs without AppArmor confinement
# description: |
#   On nodes with AppArmor (Ubuntu, Debian, SUSE and others), the runtime confines every
#   container with its default profile, which denies writes to `/proc` and `/sys`, mounts and
#   raw access the kernel would otherwise allow a root process. `Unconfined` turns that off for
#   the container, removing a layer that stopped several published escapes. The
#   `appArmorProfile` of a container overrides the pod's, which the others inherit; the
#   annotation `container.apparmor.security.beta.kubernetes.io/<container>` still applies on
#   every version and is reported too, also when its value is not a profile at all. A missing
#   profile is not reported: the runtime default applies. Windows pods are not concerned.
# custom:
#   id: KW518
#   name: apparmor-unconfined
#   severity: warning
#   kinds: [workload]
#   remediation: Remove the Unconfined AppArmor profile, or set appArmorProfile.type to RuntimeDefault or Localhost.
#   references:
#     - https://kubernetes.io/docs/tutorials/security/apparmor/
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   peers:
#     trivy: [apparmor_policy_disabled]
#     checkov: [CKV_K8S_12]
package kubeward.rules.hardening.apparmor_unconfined

import data.kubeward.lib.hardening
import rego.v1

annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

annotations := hardening.input_pod_annotations

# Field profiles: the container's, or the pod's when neither the container's field nor its
# annotation says otherwise.
unconfined contains {"entry": entry, "setting": setting} if {
	some entry in hardening.input_linux_containers
	setting := entry.settings.appArmorProfile
	setting.value.type == "Unconfined"
	not overridden_by_annotation(entry, setting)
}

overridden_by_annotation(entry, setting) if {
	setting.from == "pod"
	annotations.annotations[concat("", [annotation_prefix, entry.name])]
}

deny contains finding if {
	some path in {u.setting.path | some u in unconfined}
	group := [u | some u in unconfined; u.setting.path == path]
	names := [u.entry.name | some u in group]
	finding := {"msg": message(group[0].setting, names), "path": array.concat(path, ["type"])}
}

message(setting, names) := sprintf("%s runs with AppArmor profile Unconfined", [hardening.containers_phrase(names)]) if {
	setting.from == "container"
} else := sprintf("the pod securityContext sets AppArmor profile Unconfined, inherited by %s", [hardening.containers_phrase(names)])

# The annotation, for each container it names.
deny contains finding if {
	not hardening.input_windows
	some key, value in annotations.annotations
	startswith(key, annotation_prefix)
	is_string(value)
	not confining(value)
	finding := {
		"msg": annotation_message(substring(key, count(annotation_prefix), -1), value),
		"path": array.concat(annotations.path, [key]),
	}
}

confining("runtime/default") := true

confining(value) if startswith(value, "localhost/")

annotation_message(name, "unconfined") := sprintf("container %q runs with AppArmor profile unconfined (annotation)", [name])

annotation_message(name, value) := sprintf("the AppArmor annotation of container %q names %q, which is neither runtime/default nor localhost/<profile>", [name, value]) if {
	value != "unconfined"
}
