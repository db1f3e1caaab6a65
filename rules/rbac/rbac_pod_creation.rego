# METADATA
# title: Role can create pods
# description: |
#   Creating a pod, or a workload whose controller creates pods (Deployment, DaemonSet,
#   StatefulSet, ReplicaSet, ReplicationController, Job, CronJob), is indirect privilege: the pod
#   can run as any ServiceAccount of the namespace and mount any Secret, ConfigMap or volume of
#   it, so the subject gains everything those accounts and Secrets can do; where Pod Security
#   admission does not stop it, it can also run privileged on a node. `update` and `patch` of a
#   workload count too, since a changed pod template creates new pods. The finding is at the
#   resource item (or the `*` that includes it) of each granting rule, whether or not the lint
#   run binds the role; the bindings of the run are shown as related labels.
# custom:
#   id: KW104
#   name: rbac-pod-creation
#   severity: warning
#   kinds: [role]
#   remediation: Let a deployment pipeline or GitOps controller create workloads, and grant people and applications only the read access they need.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation
#     - https://kubernetes.io/docs/reference/access-authn-authz/authorization/#privilege-escalation-via-workload-creation-or-edits
#   peers:
#     kube-linter: [access-to-create-pods]
#     kubescape: [rule-can-create-pod]
package kubeward.rules.rbac.rbac_pod_creation

import data.kubeward.lib.rbac
import rego.v1

workload_verbs := ["create", "update", "patch"]

targets := [
	{"group": "", "resource": "pods", "verbs": ["create"]},
	{"group": "", "resource": "replicationcontrollers", "verbs": workload_verbs},
	{"group": "apps", "resource": "deployments", "verbs": workload_verbs},
	{"group": "apps", "resource": "daemonsets", "verbs": workload_verbs},
	{"group": "apps", "resource": "statefulsets", "verbs": workload_verbs},
	{"group": "apps", "resource": "replicasets", "verbs": workload_verbs},
	{"group": "batch", "resource": "jobs", "verbs": workload_verbs},
	{"group": "batch", "resource": "cronjobs", "verbs": workload_verbs},
]

deny contains finding if {
	some grant in rbac.grants(input, targets, false)
	finding := {
		"msg": sprintf("%s grants %s", [rbac.input_title, rbac.grant_text(grant)]),
		"path": grant.path,
		"related": rbac.input_binding_labels,
	}
}
