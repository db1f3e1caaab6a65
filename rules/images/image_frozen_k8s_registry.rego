# METADATA
# title: Image comes from the frozen k8s.gcr.io registry
# description: |
#   The Kubernetes project moved its images from `k8s.gcr.io` (an alias of
#   `gcr.io/google-containers`) to `registry.k8s.io` and froze the old registry in April 2023:
#   it receives no new images, so no new releases and no security fixes, and the redirect that
#   keeps it working is not guaranteed to last. A node that cannot pull the image any more cannot
#   restart the pod. The same images, and every newer version, are at `registry.k8s.io` under
#   the same path.
# custom:
#   id: KW305
#   name: image-frozen-k8s-registry
#   severity: warning
#   kinds: [workload]
#   remediation: Pull the image from registry.k8s.io under the same path, and update it to a maintained version.
#   references:
#     - https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/
#     - https://kubernetes.io/blog/2023/03/10/image-registry-redirect/
#   peers:
#     kubescape: [rule-identify-old-k8s-registry]
package kubeward.rules.images.image_frozen_k8s_registry

import rego.v1

# Written as `data.kubeward.lib.supply.normalized_entry` gives them, so that they are not
# normalized again for every image (a test checks that they are).
frozen_prefixes := ["k8s.gcr.io", "gcr.io/google-containers", "gcr.io/google_containers"]

deny contains finding if {
	some entry in data.kubeward.lib.supply.input_images
	some prefix in frozen_prefixes
	startswith(entry.name, prefix) # implied by the next line, and cheaper
	data.kubeward.lib.supply.component_prefix(entry.name, prefix)
	path := substring(entry.name, count(prefix) + 1, -1)
	finding := {
		"msg": sprintf("container %q uses image %q from the frozen %s registry: use registry.k8s.io/%s", [
			data.kubeward.lib.container_name(entry.container), entry.image, prefix, replacement(entry, path),
		]),
		"path": array.concat(entry.path, ["image"]),
	}
}

# The new name keeps the tag and digest.
replacement(entry, path) := concat("", [path, suffix(entry.ref)])

suffix(ref) := concat("", [tag_part(ref.tag), digest_part(ref.digest)])

tag_part("") := ""

tag_part(tag) := concat("", [":", tag]) if tag != ""

digest_part("") := ""

digest_part(digest) := concat("", ["@", digest]) if digest != ""
