# METADATA
# title: Image uses the latest tag or no tag
# description: |
#   An image without a tag means `:latest`, and `:latest` moves: two nodes can run different
#   code under one Deployment, a rollback does not roll back, and whoever can push to the
#   repository changes what runs in the cluster at the next restart. Images pinned by digest
#   are not reported.
# custom:
#   id: KW301
#   name: image-latest-tag
#   severity: warning
#   kinds: [workload]
#   remediation: Reference the image by a version tag, or better by digest (name@sha256:...).
#   references:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-names
#     - https://kubernetes.io/docs/concepts/configuration/overview/#container-images
#   peers:
#     kube-linter: [latest-tag]
#     trivy: [uses_image_tag_latest]
#     checkov: [CKV_K8S_14]
#     polaris: [tagNotSpecified]
package kubeward.rules.images.image_latest_tag

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.input_containers
	image := entry.container.image
	is_string(image)
	ref := data.kubeward.lib.image_reference(image)
	ref.digest == ""
	problem := problem_of(ref.tag)
	finding := {
		"msg": sprintf("container %q uses image %q %s", [data.kubeward.lib.container_name(entry.container), image, problem]),
		"path": array.concat(entry.path, ["image"]),
	}
}

problem_of("") := "without a tag, which means :latest"

problem_of("latest") := "with the moving tag :latest"
