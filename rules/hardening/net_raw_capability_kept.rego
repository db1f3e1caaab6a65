# METADATA
# title: Container keeps the NET_RAW capability
# description: |
#   `NET_RAW` is in every runtime's default capability set. It lets a process open raw and
#   packet sockets: forge ARP and DNS replies to hijack its neighbours' traffic, spoof source
#   addresses and sniff the pod network (CVE-2020-14386 used it to escape the container).
#   Almost no application needs it; `ping` works without it on current kernels. It is kept
#   unless the container drops `NET_RAW` or `ALL`, and it comes back when added. Reported at
#   the `add` item, or at the drop list (or where it belongs). Privileged containers are
#   reported by `privileged-container`; adding `ALL` by `dangerous-capability-added`. Windows
#   pods are not concerned.
# custom:
#   id: KW510
#   name: net-raw-capability-kept
#   severity: warning
#   kinds: [workload]
#   remediation: Add NET_RAW (or ALL) to securityContext.capabilities.drop and do not add it back.
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container
#     - https://nvd.nist.gov/vuln/detail/CVE-2020-14386
#     - https://man7.org/linux/man-pages/man7/capabilities.7.html
#   peers:
#     kube-linter: [drop-net-raw-capability]
#     kubescape: [drop-capability-netraw]
#     checkov: [CKV_K8S_28]
package kubeward.rules.hardening.net_raw_capability_kept

import data.kubeward.lib.hardening
import rego.v1

deny contains finding if {
	some entry in hardening.input_linux_containers
	some cap in hardening.added_capabilities(entry)
	cap.name == "NET_RAW"
	finding := {
		"msg": sprintf("container %q adds capability %s", [entry.name, cap.value]),
		"path": cap.path,
	}
}

deny contains finding if {
	some entry in hardening.input_linux_containers
	not entry.settings.privileged.value == true
	not adds_net_raw(entry)
	hardening.not_dropped(entry, "NET_RAW")
	finding := {
		"msg": sprintf("container %q keeps NET_RAW: it drops neither NET_RAW nor ALL", [entry.name]),
		"path": hardening.drop_path(entry),
	}
}

adds_net_raw(entry) if {
	some cap in hardening.added_capabilities(entry)
	cap.name in {"NET_RAW", "ALL"}
}
