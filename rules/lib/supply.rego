# Helpers of the image supply-chain rules: where an image comes from, whether it is pinned,
# whether its tag is a channel that its publisher moves.
package kubeward.lib.supply

import rego.v1

# Every container image of a workload, parsed:
# {"container": ..., "path": [..., "containers", 0], "image": "...", "ref": {...}, "name": "..."}.
# `name` is the fully qualified repository (`docker.io/library/nginx`).
images(obj) := {entry |
	some c in data.kubeward.lib.containers(obj)
	image := c.container.image
	is_string(image)
	image != ""
	ref := data.kubeward.lib.image_reference(image)
	entry := {
		"container": c.container,
		"path": c.path,
		"image": image,
		"ref": ref,
		"name": qualified_name(ref),
	}
}

# The registry host as the runtime contacts it: lower case, Docker Hub's aliases folded.
registry_host(ref) := host if {
	lowered := lower(ref.registry)
	host := _docker_hub_alias(lowered)
}

_docker_hub_alias(host) := "docker.io" if {
	host in {"index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
} else := host

# `nginx` → `docker.io/library/nginx`, `ghcr.io/acme/app` → `ghcr.io/acme/app`.
qualified_name(ref) := sprintf("%s/%s", [registry_host(ref), _docker_library(registry_host(ref), _path(ref))])

# The repository path without its registry.
_path(ref) := substring(ref.repository, count(ref.registry) + 1, -1) if {
	startswith(ref.repository, concat("", [ref.registry, "/"]))
} else := ref.repository

# Official Docker Hub images live under `library/`.
_docker_library(host, path) := concat("/", ["library", path]) if {
	host == "docker.io"
	not contains(path, "/")
} else := path

# An allow-list or exemption entry: a registry host (`ghcr.io`, `registry.local:5000`),
# optionally followed by a repository prefix (`ghcr.io/acme/`). An entry whose first component
# is not a host names a Docker Hub namespace, as the runtime would read it (`acme` = `docker.io/acme`).
# Matching is by whole path components, so `ghcr.io/acme` does not match `ghcr.io/acme-evil/x`.
matches_entry(name, entry) if {
	pattern := normalized_entry(entry)
	pattern != ""
	component_prefix(name, pattern)
}

# Whether a pattern (as `normalized_entry` gives it) is the name or a prefix of it that ends
# at a "/".
component_prefix(name, pattern) if name == pattern

component_prefix(name, pattern) if startswith(name, concat("", [pattern, "/"]))

normalized_entry(entry) := pattern if {
	trimmed := trim_right(trim_space(entry), "/")
	parts := split(trimmed, "/")
	_is_host(parts[0])
	host := _docker_hub_alias(lower(parts[0]))
	pattern := concat("/", array.concat([host], array.slice(parts, 1, count(parts))))
} else := pattern if {
	trimmed := trim_right(trim_space(entry), "/")
	trimmed != ""
	pattern := concat("/", ["docker.io", trimmed])
}

_is_host(component) if contains(component, ".")

_is_host(component) if contains(component, ":")

_is_host("localhost") := true

# Whether a digest is a well-formed content address (OCI image spec, "Digests"):
# `algorithm:encoded`; the registered algorithms have a fixed length of lower-case hex.
# Unregistered algorithms are accepted when well formed: a runtime that does not know them
# refuses to pull, it does not fall back to a tag.
digest_pinned(digest) if {
	[algorithm, encoded] := _split_digest(digest)
	registered := _registered_algorithms[algorithm]
	regex.match(sprintf("^[a-f0-9]{%d}$", [registered]), encoded)
}

digest_pinned(digest) if {
	[algorithm, encoded] := _split_digest(digest)
	not _registered_algorithms[algorithm]
	regex.match(`^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$`, algorithm)
	regex.match(`^[a-zA-Z0-9=_-]+$`, encoded)
}

_registered_algorithms := {"sha256": 64, "sha384": 96, "sha512": 128, "blake3": 64}

_split_digest(digest) := [substring(digest, 0, i), substring(digest, i + 1, -1)] if {
	i := indexof(digest, ":")
	i > 0
}

# A tag that names a channel rather than a release: `latest`, `stable`, `alpine`, `edge`,
# `mainline`, `lts`... Publishers move these to every new release. A tag with a digit in it
# is a version (`1.27.2`, `7.0-apache`), and a tag of seven or more hex digits is a commit.
floating_tag(tag) if {
	tag != ""
	not regex.match(`[0-9]`, tag)
	not regex.match(`^[a-f]{7,}$`, tag)
}

# The pull policy the API server gives a container that sets none.
default_pull_policy(ref) := "Always" if {
	ref.digest == ""
	ref.tag in {"", "latest"}
} else := "IfNotPresent"

# --- The object being linted ----------------------------------------------------------------

# The helpers above applied to `input`, as rules: a rule's value is computed once per
# evaluation and shared by every rule that reads it, where a function runs at every call.
input_images := images(input)
