# METADATA
# title: hostPath volume exposes the container runtime socket
# description: |
#   The Docker, containerd, CRI-O and Podman sockets (and the directories holding them) accept
#   commands from whoever can open them, with no further authentication: start a privileged
#   container with the node's root filesystem mounted, read every container's environment, and
#   the node is taken. Read-only mounts do not help, since connecting to a socket is not a
#   write. Only the runtime's own components should reach it.
# custom:
#   id: KW516
#   name: host-path-runtime-socket
#   severity: error
#   kinds: [workload]
#   remediation: Remove the volume; build images with a daemonless builder and query containers through the Kubernetes API.
#   references:
#     - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
#     - https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
#   peers:
#     kube-linter: [docker-sock]
#     kubescape: [containers-mounting-docker-socket]
#     trivy: [mounts_docker_socket]
package kubeward.rules.hardening.host_path_runtime_socket

import data.kubeward.lib.hardening
import rego.v1

deny contains finding if {
	some volume in hardening.input_host_path_volumes
	hardening.runtime_socket(volume.host_path)
	finding := {
		"msg": sprintf("volume %q mounts the container runtime socket %q", [volume.name, volume.value]),
		"path": array.concat(volume.path, ["hostPath", "path"]),
	}
}
