# METADATA
# title: ClusterRole can create PersistentVolumes
# description: |
#   A PersistentVolume can be of type `hostPath` or `local`: whoever creates one, then claims it
#   from a pod, mounts any directory of a node (`/`, the kubelet's credentials, the container
#   runtime's socket) even where Pod Security admission forbids hostPath volumes in pods, since
#   the pod only names a claim. The finding is at the `persistentvolumes` item (or the `*` that
#   includes it) of a ClusterRole rule granting `create`, whether or not the lint run binds it;
#   the bindings of the run are shown as related labels. Roles are not looked at:
#   PersistentVolumes are cluster-scoped. Dynamic provisioning through a StorageClass needs no
#   such grant.
# custom:
#   id: KW111
#   name: rbac-persistent-volume-creation
#   severity: warning
#   kinds: [ClusterRole]
#   remediation: Provision storage through StorageClasses and PersistentVolumeClaims, and keep create on persistentvolumes for storage provisioners and administrators.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#persistent-volume-creation
#     - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
#   peers:
#     kubescape: [rule-can-create-pv]
package kubeward.rules.rbac.rbac_persistent_volume_creation

import data.kubeward.lib.rbac
import rego.v1

targets := [{"group": "", "resource": "persistentvolumes", "verbs": ["create"]}]

deny contains finding if {
	some grant in rbac.grants(input, targets, false)
	finding := {
		"msg": sprintf("%s grants %s", [rbac.input_title, rbac.grant_text(grant)]),
		"path": grant.path,
		"related": rbac.input_binding_labels,
	}
}
