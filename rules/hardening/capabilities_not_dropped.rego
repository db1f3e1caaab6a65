# METADATA
# title: Container does not drop all capabilities
# description: |
#   Container runtimes grant a default set of Linux capabilities (`CHOWN`, `DAC_OVERRIDE`,
#   `FOWNER`, `SETUID`, `SETGID`, `NET_RAW`, `NET_BIND_SERVICE`, `KILL`, `MKNOD`, ...), which
#   most applications never use and which an intruder uses to bypass file permissions, change
#   identities or craft packets. Dropping `ALL` and adding back only what the application needs
#   is what the restricted Pod Security Standard requires. Capabilities are set per container;
#   the pod's securityContext has none. Privileged containers hold every capability whatever
#   the lists say; they are reported by `privileged-container`. `NET_RAW`, the riskiest of the
#   default set, has its own rule, `net-raw-capability-kept`. Windows pods are not concerned.
# custom:
#   id: KW508
#   name: capabilities-not-dropped
#   severity: info
#   kinds: [workload]
#   remediation: Add ALL to securityContext.capabilities.drop and list the capabilities the container needs under add.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container
#     - https://man7.org/linux/man-pages/man7/capabilities.7.html
#   peers:
#     trivy: [capabilities_no_drop_all]
#     checkov: [CKV_K8S_37]
package kubeward.rules.hardening.capabilities_not_dropped

import data.kubeward.lib.hardening
import rego.v1

deny contains finding if {
	some entry in hardening.input_linux_containers
	not entry.settings.privileged.value == true
	not "ALL" in hardening.dropped_capabilities(entry)
	finding := {"msg": message(entry), "path": hardening.drop_path(entry)}
}

message(entry) := sprintf("container %q drops %s but not ALL capabilities", [entry.name, concat(", ", sort(dropped))]) if {
	dropped := hardening.dropped_capabilities(entry)
	count(dropped) > 0
} else := sprintf("container %q does not drop ALL capabilities", [entry.name])
