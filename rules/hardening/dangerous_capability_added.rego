# METADATA
# title: Container adds a dangerous capability
# description: |
#   Some capabilities hand a container the node: `NET_ADMIN` rewrites the node's firewall and
#   routes when the pod shares its network, `SYS_PTRACE` reads the memory (and secrets) of other
#   processes, `SYS_MODULE` loads kernel code, `DAC_READ_SEARCH` opens any file by handle (the
#   "shocker" escape), `BPF` and `PERFMON` load and read kernel programs, `SYS_RAWIO` and
#   `SYS_BOOT` touch devices and reboot the node, `ALL` grants everything. Each one added is
#   reported at its item of `capabilities.add`. `SYS_ADMIN` is reported by
#   `privileged-container` and `NET_RAW` by `net-raw-capability-kept`, not here. Names are read
#   as runtimes read them: case-insensitive, with or without `CAP_`.
# custom:
#   id: KW509
#   name: dangerous-capability-added
#   severity: error
#   kinds: [workload]
#   remediation: Remove the capability from securityContext.capabilities.add, or move the privileged task to a separate, tightly controlled workload.
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://man7.org/linux/man-pages/man7/capabilities.7.html
#     - https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
#   params:
#     type: object
#     properties:
#       capabilities:
#         type: array
#         items: {type: string}
#         description: Capabilities reported when added, without the CAP_ prefix.
#         default: [ALL, NET_ADMIN, SYS_PTRACE, SYS_MODULE, SYS_RAWIO, SYS_BOOT, SYS_TIME, SYS_RESOURCE, DAC_READ_SEARCH, BPF, PERFMON, MAC_ADMIN, MAC_OVERRIDE, SYSLOG, LINUX_IMMUTABLE]
#   peers:
#     kubescape: [insecure-capabilities]
#     checkov: [CKV_K8S_39]
#     polaris: [dangerousCapabilities]
package kubeward.rules.hardening.dangerous_capability_added

import data.kubeward.lib.hardening
import rego.v1

dangerous := {hardening.capability(name) | some name in data.kubeward.params.dangerous_capability_added.capabilities} - {"SYS_ADMIN", "NET_RAW"}

deny contains finding if {
	some entry in hardening.input_linux_containers
	some cap in hardening.added_capabilities(entry)
	cap.name in dangerous
	finding := {
		"msg": sprintf("container %q adds capability %s", [entry.name, cap.value]),
		"path": cap.path,
	}
}
