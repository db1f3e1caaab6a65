# Helpers of the RBAC and service-account rules: what a PolicyRule grants, who a role is bound
# to, which ServiceAccount a pod runs as. Matching follows the Kubernetes RBAC authorizer
# (pkg/apis/rbac/v1/evaluation_helpers.go): `*` matches every verb, API group or resource,
# subresources included; `*/<sub>` matches that subresource of every resource; nothing else is
# a pattern, so `pods/*` grants only a subresource literally named `*`.
package kubeward.lib.rbac

import rego.v1

# Plain values of data.kubeward as rules of this package, for the helpers below: regorus looks
# up a reference to plain data by visiting every module of the policy, at every use, while it
# finds a rule's value directly once computed.
_cluster_scoped := data.kubeward.cluster_scoped

# What a role grants of `targets` (a list of {"group", "resource", "verbs"}; `resource` is
# `pods` or `pods/exec`), one entry per item of a rule's `resources` that grants at least one:
# {"rule": i, "resource": item, "verbs": [granted verbs], "resources": [matched targets],
#  "path": ["rules", i, "resources", j]}. A `*` verb stands for every verb of the target.
# Rules limited by `resourceNames` count only when `named` is true: such a rule never grants
# the `create` of a new object nor an unfiltered `list`.
grants(role, targets, named) := {grant |
	some i, rule in data.kubeward.lib.list(object.get(role, "rules", []))
	is_object(rule)
	named_ok(rule, named)
	some j, item in data.kubeward.lib.list(object.get(rule, "resources", []))
	matched := [target |
		some target in targets
		group_matches(rule, target.group)
		resource_matches(item, target.resource)
		count(verbs_granted(rule, target.verbs)) > 0
	]
	count(matched) > 0
	verbs := sort({verb | some target in matched; some verb in verbs_granted(rule, target.verbs)})
	resources := sort({target.resource | some target in matched})
	grant := {"rule": i, "resource": item, "verbs": verbs, "resources": resources, "path": ["rules", i, "resources", j]}
}

named_ok(_, true) := true

named_ok(rule, false) if count(object.get(rule, "resourceNames", [])) == 0

group_matches(rule, group) if {
	some g in data.kubeward.lib.list(object.get(rule, "apiGroups", []))
	g in {"*", group}
}

# The verbs of `wanted` a rule grants.
verbs_granted(rule, wanted) := {verb | some verb in wanted; verb in object.get(rule, "verbs", [])} if {
	not "*" in object.get(rule, "verbs", [])
} else := {verb | some verb in wanted}

resource_matches("*", _) := true

resource_matches(item, resource) if item == resource

# `*/exec` matches `pods/exec`.
resource_matches(item, resource) if {
	startswith(item, "*/")
	parts := split(resource, "/")
	count(parts) == 2
	item == concat("/", ["*", parts[1]])
}

# `get, list on "secrets"`, or `get on "*" (secrets)` when the item is a wildcard.
grant_text(grant) := sprintf("%s on %q", [concat(", ", grant.verbs), grant.resource]) if {
	grant.resources == [grant.resource]
} else := sprintf("%s on %q (%s)", [concat(", ", grant.verbs), grant.resource, concat(", ", grant.resources)])

# `ClusterRole "x"` / `Role "x"`, for messages.
title(obj) := sprintf("%s %q", [obj.kind, data.kubeward.lib.name(obj)])

# A subject as messages name it: `group "dev"`, `user "jane"`, `ServiceAccount "ns/name"`.
# Malformed subjects (schema validation reports them) are named as well as they can be.
subject_text(subject) := sprintf("ServiceAccount %q", [sprintf("%v/%v", [object.get(subject, "namespace", "<no namespace>"), object.get(subject, "name", "")])]) if {
	subject.kind == "ServiceAccount"
} else := sprintf("%s %q", [lower(_string_or(object.get(subject, "kind", "subject"), "subject")), sprintf("%v", [object.get(subject, "name", "")])]) if {
	is_object(subject)
} else := sprintf("subject %v", [subject])

_string_or(value, fallback) := value if {
	is_string(value)
} else := fallback

subjects_text(binding) := concat(", ", [subject_text(s) | some s in _subjects(binding)])

# A binding's subjects, [] when missing or not a list.
_subjects(binding) := subjects if {
	subjects := object.get(binding, "subjects", [])
	is_array(subjects)
} else := []

# A reference to an object of the run, for related labels.
ref(obj) := {"kind": obj.kind, "name": obj.metadata.name} if {
	_cluster_scoped[obj.kind]
} else := {"kind": obj.kind, "namespace": data.kubeward.lib.namespace(obj), "name": obj.metadata.name}

# The bindings of the run that bind a role: RoleBindings of its namespace for a Role; every
# ClusterRoleBinding and RoleBinding that names it for a ClusterRole.
bindings_of(role) := [binding |
	some entry in data.kubeward.lookup(["index", "cluster_role_bindings", role.metadata.name], set())
	binding := entry[1]
] if {
	role.kind == "ClusterRole"
} else := [binding |
	role.kind == "Role"
	some entry in data.kubeward.lookup(["index", "role_bindings", data.kubeward.lib.namespace(role), role.metadata.name], set())
	binding := entry[1]
]

# Related labels at the bindings of a role, so a reviewer sees who gets the grant.
binding_labels(role) := [label |
	some binding in bindings_of(role)
	label := {
		"path": ["roleRef", "name"],
		"object": ref(binding),
		"msg": sprintf("bound to %s by %s", [subjects_text(binding), title(binding)]),
	}
]

# The roles of the run a binding refers to (a ClusterRoleBinding can refer only to a ClusterRole).
roles_of(binding) := data.kubeward.lib.objects_named("ClusterRole", "", binding.roleRef.name) if {
	binding.roleRef.kind == "ClusterRole"
} else := data.kubeward.lib.objects_named("Role", data.kubeward.lib.namespace(binding), binding.roleRef.name) if {
	binding.kind == "RoleBinding"
	binding.roleRef.kind == "Role"
} else := []

# The ServiceAccount a workload's pods run as: {"name", "path", "set"}. `serviceAccountName`
# wins; the deprecated `serviceAccount` is used when it is empty; "default" when neither is set
# (then `path` is where `serviceAccountName` belongs).
service_account(obj) := sa if {
	ps := data.kubeward.lib.pod_spec(obj)
	sa := _service_account(ps)
}

_service_account(ps) := {"name": name, "path": array.concat(ps.path, ["serviceAccountName"]), "set": true} if {
	name := object.get(ps.spec, "serviceAccountName", "")
	is_string(name)
	name != ""
} else := {"name": name, "path": array.concat(ps.path, ["serviceAccount"]), "set": true} if {
	name := object.get(ps.spec, "serviceAccount", "")
	is_string(name)
	name != ""
} else := {"name": "default", "path": array.concat(ps.path, ["serviceAccountName"]), "set": false}

# The ServiceAccounts of the run a workload's pods run as (same namespace, same name).
service_accounts_of(obj) := data.kubeward.lib.objects_named("ServiceAccount", data.kubeward.lib.namespace(obj), service_account(obj).name)

# Whether a workload's pods get a ServiceAccount token mounted: the pod's own
# `automountServiceAccountToken` decides when set; otherwise a ServiceAccount of the run that
# sets it to false prevents it. An unknown ServiceAccount mounts (the Kubernetes default).
token_mounted(obj) if {
	ps := data.kubeward.lib.pod_spec(obj)
	object.get(ps.spec, "automountServiceAccountToken", null) == true
}

token_mounted(obj) if {
	ps := data.kubeward.lib.pod_spec(obj)
	object.get(ps.spec, "automountServiceAccountToken", null) == null
	not service_account_disables_automount(obj)
}

service_account_disables_automount(obj) if {
	some sa in service_accounts_of(obj)
	sa.automountServiceAccountToken == false
}

# The start of a message about a workload's pods: `Pod "debug" runs` or
# `the pods of Deployment "web" run`.
pods_run(obj) := sprintf("Pod %q runs", [data.kubeward.lib.name(obj)]) if {
	obj.kind == "Pod"
} else := sprintf("the pods of %s %q run", [obj.kind, data.kubeward.lib.name(obj)])

# --- The object being linted ----------------------------------------------------------------

# The helpers above applied to `input`, as rules: a rule's value is computed once per
# evaluation and shared by every rule that reads it, where a function runs at every call.
input_binding_labels := binding_labels(input)
input_pods_run := pods_run(input)
input_roles_of := roles_of(input)
input_service_account := service_account(input)
input_service_accounts_of := service_accounts_of(input)
input_subjects_text := subjects_text(input)
input_title := title(input)
input_token_mounted := token_mounted(input)
