# METADATA
# title: Windows container runs as a host process
# description: |
#   `windowsOptions.hostProcess: true` runs the container directly on the Windows node, outside
#   any container isolation, with the node's network and file system and as a node account
#   (often SYSTEM): it is the Windows equivalent of a privileged container, and whoever
#   controls it controls the node. Set on the pod it applies to every container (and they must
#   all agree); set on a container it overrides the pod's value. Reported where it is written.
# custom:
#   id: KW521
#   name: windows-host-process
#   severity: error
#   kinds: [workload]
#   remediation: Remove windowsOptions.hostProcess, or keep such pods to a dedicated, tightly controlled namespace.
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   peers:
#     kubescape: [set-hostprocess-true]
package kubeward.rules.hardening.windows_host_process

import data.kubeward.lib.hardening
import rego.v1

host contains entry if {
	some entry in hardening.input_containers
	entry.settings["windowsOptions.hostProcess"].value == true
}

deny contains finding if {
	some path in {entry.settings["windowsOptions.hostProcess"].path | some entry in host}
	group := [entry | some entry in host; entry.settings["windowsOptions.hostProcess"].path == path]
	names := [entry.name | some entry in group]
	finding := {"msg": message(group[0].settings["windowsOptions.hostProcess"], names), "path": path}
}

message(setting, names) := sprintf("%s runs as a Windows host process", [hardening.containers_phrase(names)]) if {
	setting.from == "container"
} else := sprintf("the pod securityContext sets hostProcess: true, inherited by %s", [hardening.containers_phrase(names)])
