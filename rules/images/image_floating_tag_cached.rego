# METADATA
# title: Moving image tag with a pull policy that keeps cached copies
# description: |
#   With `imagePullPolicy: IfNotPresent` (or `Never`) a node runs whatever copy of the image it
#   pulled first. For a tag that its publisher moves (`latest`, no tag at all, or a channel
#   such as `stable`, `alpine`, `edge`, `lts`), that copy can be months old on one node and
#   fresh on the next: replicas of one Deployment run different code, a security fix that was
#   pushed under the same tag never reaches the nodes that already have the tag, and whoever can
#   push to the node's cache (a pre-pulled image) decides what runs. Kubernetes defaults the pull
#   policy to `Always` for `:latest` and untagged images and to `IfNotPresent` for every other
#   tag, so channel tags are exposed by default. Version tags (`1.27.2`, `7.0-apache`) and
#   commit-hash tags are not reported, nor are images pinned by digest. More moving tags can be
#   listed in `floating_tags`.
# custom:
#   id: KW304
#   name: image-floating-tag-cached
#   severity: warning
#   kinds: [workload]
#   remediation: Pin the image by digest or to a release tag, or set imagePullPolicy to Always.
#   references:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
#     - https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting
#   params:
#     type: object
#     properties:
#       floating_tags:
#         type: array
#         items: {type: string}
#         default: []
#         description: >-
#           Tags that move besides `latest` and tags without a digit (for example a team's
#           `release-candidate` tag).
#   peers:
#     kubescape: [image-pull-policy-is-not-set-to-always]
package kubeward.rules.images.image_floating_tag_cached

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.supply.input_images
	entry.ref.digest == ""
	tag := effective_tag(entry.ref.tag)
	floating(tag)
	explicit := object.get(entry.container, "imagePullPolicy", null)
	policy := pull_policy(explicit, entry.ref)
	policy in {"IfNotPresent", "Never"}
	finding := {
		"msg": sprintf("container %q uses the moving tag %q of image %q with imagePullPolicy %s%s", [
			data.kubeward.lib.container_name(entry.container), tag, entry.image, policy, defaulted(explicit),
		]),
		"path": array.concat(entry.path, [field(explicit)]),
	}
}

effective_tag("") := "latest"

effective_tag(tag) := tag if tag != ""

floating("latest") := true

floating(tag) if data.kubeward.lib.supply.floating_tag(tag)

floating(tag) if tag in data.kubeward.params.image_floating_tag_cached.floating_tags

pull_policy(null, ref) := data.kubeward.lib.supply.default_pull_policy(ref)

pull_policy(explicit, _) := explicit if explicit != null

defaulted(null) := " (the default for this tag)"

defaulted(explicit) := "" if explicit != null

# The explicit policy is at fault; when it is defaulted, the tag is.
field(null) := "image"

field(explicit) := "imagePullPolicy" if explicit != null
