# Container image references, parsed the way container runtimes read them.
package kubeward.lib

import rego.v1

# {"registry", "repository", "tag", "digest"} of an image reference; missing parts are "".
# The digest follows the last "@"; the tag follows the last ":" before it, unless a "/" comes
# after that ":" (which then separates a registry's port). The registry is "docker.io" when the
# first path component is not a host.
#
# One pattern does the split (searching the string for the last "@", ":" and "/" took 2% of
# all rules' work); a test compares it with the split written out with indexof_n on tricky
# references.
image_reference(image) := {
	"registry": _registry(parts[1]),
	"repository": parts[1],
	"tag": parts[2],
	"digest": parts[3],
} if {
	some parts in regex.find_all_string_submatch_n(`^(?s)(.*?)(?::([^:/]*?))?(?:@([^@]*))?$`, image, 1)
}

_registry(name) := first if {
	parts := split(name, "/")
	count(parts) > 1
	first := parts[0]
	_is_host(first)
} else := "docker.io"

_is_host(component) if contains(component, ".")

_is_host(component) if contains(component, ":")

_is_host("localhost") := true
