# The Kubernetes API versions that were deprecated and then removed, from the Deprecated API
# Migration Guide (https://kubernetes.io/docs/reference/using-api/deprecation-guide/), with the
# releases in which each was deprecated and stopped being served (the `prerelease-lifecycle-gen`
# tags of k8s.io/api), and the alpha and beta APIs that the embedded schemas show removed.
# Versions are minor versions of Kubernetes 1.x. Schema validation reads this table too (a
# kind removed at the target is reported here, not validated), so it is the one source.
package kubeward.lib.lifecycle

import rego.v1

# Plain values of data.kubeward as rules of this package, for the helpers below: regorus looks
# up a reference to plain data by visiting every module of the policy, at every use, while it
# finds a rule's value directly once computed.
_api_lifecycle := data.kubeward.api_lifecycle

_kube_version := data.kubeward.kube_version

# [apiVersion, kinds, deprecated, removed, replacements]; a replacement is
# [apiVersion, minor version since which it is served].
_table := [
	# v1.16
	["extensions/v1beta1", ["Deployment", "DaemonSet", "ReplicaSet"], 8, 16, [["apps/v1", 9]]],
	["apps/v1beta1", ["Deployment", "StatefulSet", "ControllerRevision"], 8, 16, [["apps/v1", 9]]],
	["apps/v1beta2", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"], 9, 16, [["apps/v1", 9]]],
	["extensions/v1beta1", ["NetworkPolicy"], 9, 16, [["networking.k8s.io/v1", 8]]],
	["extensions/v1beta1", ["PodSecurityPolicy"], 11, 16, [["policy/v1beta1", 10]]],
	# v1.22
	["admissionregistration.k8s.io/v1beta1", ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], 16, 22, [["admissionregistration.k8s.io/v1", 16]]],
	["apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"], 16, 22, [["apiextensions.k8s.io/v1", 16]]],
	["apiregistration.k8s.io/v1beta1", ["APIService"], 19, 22, [["apiregistration.k8s.io/v1", 10]]],
	["authentication.k8s.io/v1beta1", ["TokenReview"], 19, 22, [["authentication.k8s.io/v1", 6]]],
	["authorization.k8s.io/v1beta1", ["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview", "SelfSubjectRulesReview"], 19, 22, [["authorization.k8s.io/v1", 6]]],
	["certificates.k8s.io/v1beta1", ["CertificateSigningRequest"], 19, 22, [["certificates.k8s.io/v1", 19]]],
	["coordination.k8s.io/v1beta1", ["Lease"], 19, 22, [["coordination.k8s.io/v1", 14]]],
	["extensions/v1beta1", ["Ingress"], 14, 22, [["networking.k8s.io/v1", 19], ["networking.k8s.io/v1beta1", 14]]],
	["networking.k8s.io/v1beta1", ["Ingress", "IngressClass"], 19, 22, [["networking.k8s.io/v1", 19]]],
	["rbac.authorization.k8s.io/v1beta1", ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"], 17, 22, [["rbac.authorization.k8s.io/v1", 8]]],
	["scheduling.k8s.io/v1beta1", ["PriorityClass"], 14, 22, [["scheduling.k8s.io/v1", 14]]],
	["storage.k8s.io/v1beta1", ["CSIDriver", "StorageClass", "VolumeAttachment"], 19, 22, [["storage.k8s.io/v1", 19]]],
	["storage.k8s.io/v1beta1", ["CSINode"], 17, 22, [["storage.k8s.io/v1", 17]]],
	# v1.25
	["batch/v1beta1", ["CronJob"], 21, 25, [["batch/v1", 21]]],
	["discovery.k8s.io/v1beta1", ["EndpointSlice"], 21, 25, [["discovery.k8s.io/v1", 21]]],
	["events.k8s.io/v1beta1", ["Event"], 19, 25, [["events.k8s.io/v1", 19]]],
	["autoscaling/v2beta1", ["HorizontalPodAutoscaler"], 22, 25, [["autoscaling/v2", 23], ["autoscaling/v2beta2", 12]]],
	["policy/v1beta1", ["PodDisruptionBudget"], 21, 25, [["policy/v1", 21]]],
	["policy/v1beta1", ["PodSecurityPolicy"], 21, 25, []],
	["node.k8s.io/v1beta1", ["RuntimeClass"], 22, 25, [["node.k8s.io/v1", 20]]],
	# v1.26
	["flowcontrol.apiserver.k8s.io/v1beta1", ["FlowSchema", "PriorityLevelConfiguration"], 23, 26, [["flowcontrol.apiserver.k8s.io/v1", 29], ["flowcontrol.apiserver.k8s.io/v1beta3", 26], ["flowcontrol.apiserver.k8s.io/v1beta2", 23]]],
	["autoscaling/v2beta2", ["HorizontalPodAutoscaler"], 23, 26, [["autoscaling/v2", 23]]],
	# v1.27
	["storage.k8s.io/v1beta1", ["CSIStorageCapacity"], 24, 27, [["storage.k8s.io/v1", 24]]],
	# v1.29
	["flowcontrol.apiserver.k8s.io/v1beta2", ["FlowSchema", "PriorityLevelConfiguration"], 26, 29, [["flowcontrol.apiserver.k8s.io/v1", 29], ["flowcontrol.apiserver.k8s.io/v1beta3", 26]]],
	# v1.32
	["flowcontrol.apiserver.k8s.io/v1beta3", ["FlowSchema", "PriorityLevelConfiguration"], 29, 32, [["flowcontrol.apiserver.k8s.io/v1", 29]]],
	# The other APIs that the embedded schemas (Kubernetes 1.25 on) stop serving: alpha APIs,
	# removed without a deprecation period (deprecated = removed), and betas deprecated when
	# their stable version arrived. A test checks this table against the schemas.
	["resource.k8s.io/v1alpha1", ["PodScheduling"], 27, 27, []],
	["resource.k8s.io/v1alpha1", ["ResourceClaim", "ResourceClaimTemplate"], 27, 27, [["resource.k8s.io/v1", 34], ["resource.k8s.io/v1beta2", 33], ["resource.k8s.io/v1beta1", 32], ["resource.k8s.io/v1alpha3", 31], ["resource.k8s.io/v1alpha2", 27]]],
	["resource.k8s.io/v1alpha1", ["ResourceClass"], 27, 27, [["resource.k8s.io/v1alpha2", 27]]],
	["networking.k8s.io/v1alpha1", ["ClusterCIDR"], 29, 29, []],
	["networking.k8s.io/v1alpha1", ["IPAddress", "ServiceCIDR"], 31, 31, [["networking.k8s.io/v1", 33], ["networking.k8s.io/v1beta1", 31]]],
	["resource.k8s.io/v1alpha2", ["PodSchedulingContext"], 31, 31, [["resource.k8s.io/v1alpha3", 31]]],
	["resource.k8s.io/v1alpha2", ["ResourceClaim", "ResourceClaimTemplate", "ResourceSlice"], 31, 31, [["resource.k8s.io/v1", 34], ["resource.k8s.io/v1beta2", 33], ["resource.k8s.io/v1beta1", 32], ["resource.k8s.io/v1alpha3", 31]]],
	["resource.k8s.io/v1alpha2", ["ResourceClaimParameters", "ResourceClass", "ResourceClassParameters"], 31, 31, []],
	["admissionregistration.k8s.io/v1alpha1", ["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"], 32, 32, [["admissionregistration.k8s.io/v1", 30], ["admissionregistration.k8s.io/v1beta1", 28]]],
	["authentication.k8s.io/v1alpha1", ["SelfSubjectReview"], 32, 32, [["authentication.k8s.io/v1", 28], ["authentication.k8s.io/v1beta1", 27]]],
	["coordination.k8s.io/v1alpha1", ["LeaseCandidate"], 32, 32, [["coordination.k8s.io/v1beta1", 33], ["coordination.k8s.io/v1alpha2", 32]]],
	["resource.k8s.io/v1alpha3", ["PodSchedulingContext"], 32, 32, []],
	["authentication.k8s.io/v1beta1", ["SelfSubjectReview"], 28, 33, [["authentication.k8s.io/v1", 28]]],
	["admissionregistration.k8s.io/v1beta1", ["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"], 30, 34, [["admissionregistration.k8s.io/v1", 30]]],
	["resource.k8s.io/v1alpha3", ["DeviceClass", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice"], 34, 34, [["resource.k8s.io/v1", 34], ["resource.k8s.io/v1beta2", 33], ["resource.k8s.io/v1beta1", 32]]],
	["certificates.k8s.io/v1alpha1", ["PodCertificateRequest"], 35, 35, [["certificates.k8s.io/v1", 37], ["certificates.k8s.io/v1beta1", 35]]],
	["storage.k8s.io/v1alpha1", ["VolumeAttributesClass"], 35, 35, [["storage.k8s.io/v1", 34], ["storage.k8s.io/v1beta1", 31]]],
	["storagemigration.k8s.io/v1alpha1", ["StorageVersionMigration"], 35, 35, [["storagemigration.k8s.io/v1", 37], ["storagemigration.k8s.io/v1beta1", 35]]],
	["scheduling.k8s.io/v1alpha1", ["Workload"], 36, 36, [["scheduling.k8s.io/v1beta1", 37], ["scheduling.k8s.io/v1alpha3", 37], ["scheduling.k8s.io/v1alpha2", 36]]],
	["certificates.k8s.io/v1alpha1", ["ClusterTrustBundle"], 37, 37, [["certificates.k8s.io/v1", 37], ["certificates.k8s.io/v1beta1", 33]]],
	["networking.k8s.io/v1beta1", ["IPAddress", "ServiceCIDR"], 33, 37, [["networking.k8s.io/v1", 33]]],
	["scheduling.k8s.io/v1alpha2", ["PodGroup", "Workload"], 37, 37, [["scheduling.k8s.io/v1beta1", 37], ["scheduling.k8s.io/v1alpha3", 37]]],
	["storage.k8s.io/v1beta1", ["VolumeAttributesClass"], 34, 37, [["storage.k8s.io/v1", 34]]],
]

# apiVersion → kind → {"deprecated", "removed", "replacements"}.
apis[api_version][kind] := {"deprecated": row[2], "removed": row[3], "replacements": row[4]} if {
	some row in _table
	api_version := row[0]
	some kind in row[1]
}

# The lifecycle of the object's apiVersion and kind, if it is in the table. The linter
# evaluates `apis` once and gives it back as data.kubeward.api_lifecycle, so that it is not
# rebuilt for every object.
lifecycle(obj) := _api_lifecycle[obj.apiVersion][obj.kind]

# The target Kubernetes version, as a minor version of 1.x (newer majors remove everything).
target_minor := _kube_version.minor if {
	_kube_version.major == 1
} else := 1000

target := _kube_version.string

# What to use instead at the target version: the first replacement served there, or a note.
replacement(kind, entry) := sprintf("use %s", [api_version]) if {
	served := [r[0] | some r in entry.replacements; r[1] <= target_minor; not removed_at_target(r[0], kind)]
	count(served) > 0
	api_version := served[0]
} else := "use Pod Security Admission (the pod-security.kubernetes.io labels on namespaces) instead" if {
	kind == "PodSecurityPolicy"
} else := "no replacement is served at the target version"

removed_at_target(api_version, kind) if {
	_api_lifecycle[api_version][kind].removed <= target_minor
}

# --- The object being linted ----------------------------------------------------------------

# The helpers above applied to `input`, as rules: a rule's value is computed once per
# evaluation and shared by every rule that reads it, where a function runs at every call.
input_lifecycle := lifecycle(input)
