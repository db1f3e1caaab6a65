# METADATA
# title: Pod sets an unsafe sysctl
# description: |
#   Pods may set only namespaced kernel parameters that Kubernetes knows to be isolated from the
#   node and other pods (the safe set, which grows with the version: `kernel.shm_rmid_forced`,
#   `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
#   `net.ipv4.ip_unprivileged_port_start`, then `net.ipv4.ip_local_reserved_ports` (1.27), the
#   TCP keepalive and `tcp_fin_timeout` settings (1.29), `tcp_rmem` and `tcp_wmem` (1.32)).
#   Any other sysctl can starve or destabilise the node's kernel for every pod on it; the
#   kubelet rejects such pods unless it allows that sysctl explicitly. Each unsafe name is
#   reported in the pod's `sysctls` list; list the sysctls your kubelets allow in `allowed`.
# custom:
#   id: KW520
#   name: unsafe-sysctl
#   severity: warning
#   kinds: [workload]
#   remediation: Remove the sysctl, or run the workload on dedicated nodes whose kubelet allows it with --allowed-unsafe-sysctls and list it in this rule's allowed parameter.
#   references:
#     - https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#   params:
#     type: object
#     properties:
#       allowed:
#         type: array
#         items: {type: string}
#         description: Sysctls the cluster's kubelets allow beyond the safe set (--allowed-unsafe-sysctls).
#         default: []
#   peers:
#     kube-linter: [unsafe-sysctls]
#     kubescape: [set-sysctls-params]
#     trivy: [unsafe_sysctl_options_set]
package kubeward.rules.hardening.unsafe_sysctl

import data.kubeward.lib.hardening
import rego.v1

safe_since := {
	"kernel.shm_rmid_forced": [1, 0],
	"net.ipv4.ip_local_port_range": [1, 0],
	"net.ipv4.tcp_syncookies": [1, 0],
	"net.ipv4.ping_group_range": [1, 0],
	"net.ipv4.ip_unprivileged_port_start": [1, 22],
	"net.ipv4.ip_local_reserved_ports": [1, 27],
	"net.ipv4.tcp_keepalive_time": [1, 29],
	"net.ipv4.tcp_fin_timeout": [1, 29],
	"net.ipv4.tcp_keepalive_intvl": [1, 29],
	"net.ipv4.tcp_keepalive_probes": [1, 29],
	"net.ipv4.tcp_rmem": [1, 32],
	"net.ipv4.tcp_wmem": [1, 32],
}

safe(name) if {
	since := safe_since[name]
	not hardening.kube_older_than(since[0], since[1])
}

# Sysctl names may use / as the separator.
normalized(name) := replace(name, "/", ".")

allowed := {normalized(name) | some name in data.kubeward.params.unsafe_sysctl.allowed}

deny contains finding if {
	pod := hardening.input_pod_security_context
	some i, sysctl in data.kubeward.lib.list(object.get(pod.context, "sysctls", []))
	name := sysctl.name
	is_string(name)
	not safe(normalized(name))
	not normalized(name) in allowed
	finding := {
		"msg": sprintf("%s sets the unsafe sysctl %q for Kubernetes %s", [hardening.input_describe, name, data.kubeward.kube_version.string]),
		"path": array.concat(pod.path, ["sysctls", i, "name"]),
	}
}
