# METADATA
# title: Image is not pinned by digest
# description: |
#   A tag is a pointer that whoever can push to the repository (or compromise the registry)
#   can move: the next node that pulls it runs different code under the same manifest, with no
#   change in git and no review. A digest (`name@sha256:...`) names the content itself, so a
#   rollout, a rollback and a node replacement all run the bytes that were reviewed. A reference
#   with both a tag and a digest is pinned: the runtime pulls by digest. A malformed digest
#   (wrong length, upper-case hex) pins nothing and is reported. Repositories whose tags are
#   immutable (a registry that refuses to overwrite tags) can be exempted with the
#   `exempt_repositories` parameter. Reported as `info`: moving a release tag takes control of
#   the repository, while `:latest` (`image-latest-tag`) moves by design.
# custom:
#   id: KW302
#   name: image-digest-missing
#   severity: info
#   opt-in: true
#   kinds: [workload]
#   remediation: Reference the image by digest (name:tag@sha256:<digest>), and let a tool such as Renovate keep the digest current.
#   references:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-names
#     - https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
#     - https://slsa.dev/spec/v1.0/threats
#   params:
#     type: object
#     properties:
#       exempt_repositories:
#         type: array
#         items: {type: string}
#         default: []
#         description: >-
#           Registries or repository prefixes whose images need no digest, matched by whole
#           path components (`registry.internal`, `ghcr.io/acme/`).
#   peers:
#     kubescape: [image-not-pinned-to-digest]
#     checkov: [CKV_K8S_43]
package kubeward.rules.images.image_digest_missing

import rego.v1

deny contains finding if {
	some entry in data.kubeward.lib.supply.input_images
	not data.kubeward.lib.supply.digest_pinned(entry.ref.digest)
	not exempt(entry.name)
	finding := {
		"msg": sprintf("container %q uses image %q %s", [data.kubeward.lib.container_name(entry.container), entry.image, problem(entry.ref)]),
		"path": array.concat(entry.path, ["image"]),
	}
}

exempt(name) if {
	some prefix in data.kubeward.params.image_digest_missing.exempt_repositories
	data.kubeward.lib.supply.matches_entry(name, prefix)
}

problem(ref) := "without a digest" if {
	ref.digest == ""
} else := sprintf("with a malformed digest %q", [ref.digest])
