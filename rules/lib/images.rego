# Container image references, parsed the way container runtimes read them.
package kubeward.lib

import rego.v1

# {"registry", "repository", "tag", "digest"} of an image reference; missing parts are "".
# The registry is "docker.io" when the first path component is not a host.
image_reference(image) := {
	"registry": _registry(name),
	"repository": name,
	"tag": tag,
	"digest": digest,
} if {
	[name_tag, digest] := _split_last(image, "@", "")
	[name, tag] := _split_tag(name_tag)
}

_split_last(s, separator, _) := [substring(s, 0, i), substring(s, i + 1, -1)] if {
	i := _last_index(s, separator)
	i >= 0
} else := [s, ""]

# A ":" names a tag only after the last "/" (before it, it is a registry port).
_split_tag(name_tag) := [substring(name_tag, 0, i), substring(name_tag, i + 1, -1)] if {
	i := _last_index(name_tag, ":")
	i > _last_index(name_tag, "/")
} else := [name_tag, ""]

_last_index(s, sub) := max(indexes) if {
	indexes := indexof_n(s, sub)
	count(indexes) > 0
} else := -1

_registry(name) := first if {
	parts := split(name, "/")
	count(parts) > 1
	first := parts[0]
	_is_host(first)
} else := "docker.io"

_is_host(component) if contains(component, ".")

_is_host(component) if contains(component, ":")

_is_host("localhost") := true
