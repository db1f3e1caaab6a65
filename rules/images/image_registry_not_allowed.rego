# METADATA
# title: Image comes from a registry outside the allow-list
# description: |
#   Every registry a cluster pulls from is part of its supply chain: whoever controls an
#   unvetted registry or repository (a typo-squatted name, an abandoned namespace, a personal
#   account) decides what code runs in the pods. Listing the allowed registries, or repository
#   prefixes within them, makes a pull from anywhere else a review-time error instead of a
#   surprise. The rule is off until `allowed_registries` is set. Short names are read as the
#   runtime reads them: `nginx` is `docker.io/library/nginx`, `acme/app` is
#   `docker.io/acme/app`. Entries match whole registry hosts (with their port) and whole path
#   components, so `ghcr.io/acme` allows `ghcr.io/acme/app` but not `ghcr.io/acme-evil/app`,
#   and `gcr.io` allows neither `gcr.io:5000/app` nor `gcrXio/app`.
# custom:
#   id: KW303
#   name: image-registry-not-allowed
#   severity: error
#   kinds: [workload]
#   remediation: Pull the image from an allowed registry (mirror it there), or add its registry or repository prefix to allowed_registries after vetting it.
#   references:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-names
#     - https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
#     - https://slsa.dev/spec/v1.0/threats
#   params:
#     type: object
#     properties:
#       allowed_registries:
#         type: array
#         items: {type: string}
#         default: []
#         description: >-
#           Registry hosts (`registry.internal:5000`, `docker.io`) or repository prefixes
#           (`ghcr.io/acme/`) images may come from. Empty turns the rule off.
#   peers:
#     checkov: [CKV_K8S_44]
package kubeward.rules.images.image_registry_not_allowed

import rego.v1

deny contains finding if {
	allowed := data.kubeward.params.image_registry_not_allowed.allowed_registries
	count(allowed) > 0
	some entry in data.kubeward.lib.supply.input_images
	not allowed_name(entry.name, allowed)
	finding := {
		"msg": sprintf("container %q uses image %q%s, outside allowed_registries", [data.kubeward.lib.container_name(entry.container), entry.image, spelled_out(entry)]),
		"path": array.concat(entry.path, ["image"]),
	}
}

allowed_name(name, allowed) if {
	some prefix in allowed
	data.kubeward.lib.supply.matches_entry(name, prefix)
}

# Short names and aliases get their full name spelled out, so the reader sees why they fail.
spelled_out(entry) := "" if {
	startswith(entry.image, entry.name)
} else := sprintf(" (%s)", [entry.name])
