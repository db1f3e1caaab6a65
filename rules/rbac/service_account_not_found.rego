# METADATA
# title: Workload names a ServiceAccount that does not exist
# description: |
#   The API server refuses pods whose ServiceAccount does not exist, so a Deployment or Job that
#   names a missing one never gets a pod: an outage at the next rollout or schedule. Usually the
#   name is misspelt or the ServiceAccount was created in another namespace. A lint run does not
#   always hold every ServiceAccount (another chart or an operator may create it), so the
#   workload is judged only when the run defines ServiceAccounts in the workload's namespace,
#   or one of that name in another namespace, or always with `complete-inventory: true`; `default`, which Kubernetes creates in every
#   namespace, is never missing. The finding is at `serviceAccountName` (or the deprecated
#   `serviceAccount`); a ServiceAccount of that name in another namespace is shown as a related
#   label.
# custom:
#   id: KW116
#   name: service-account-not-found
#   severity: warning
#   kinds: [workload]
#   remediation: Create the ServiceAccount in the workload's namespace, or correct the name.
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
#     - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#serviceaccount
#   peers:
#     kube-linter: [non-existent-service-account]
#     kubescape: [non-existent-service-account]
package kubeward.rules.rbac.service_account_not_found

import data.kubeward.lib.rbac
import rego.v1

deny contains finding if {
	sa := rbac.input_service_account
	sa.set
	sa.name != "default"
	ns := data.kubeward.lib.input_namespace
	count(data.kubeward.lib.objects_named("ServiceAccount", ns, sa.name)) == 0
	elsewhere := [entry[2] |
		some entry in data.kubeward.lookup(["index", "service_accounts_by_name", sa.name], set())
		entry[0] != ns
	]
	judged(ns, elsewhere)
	finding := {
		"msg": sprintf("%s as ServiceAccount %q, which namespace %q does not define", [rbac.input_pods_run, sa.name, ns]),
		"path": sa.path,
		"related": [label |
			some other in elsewhere
			label := {
				"path": ["metadata", "namespace"],
				"object": rbac.ref(other),
				"msg": sprintf("a ServiceAccount %q exists in namespace %q", [sa.name, data.kubeward.lib.namespace(other)]),
			}
		],
	}
}

judged(ns, _) if count(data.kubeward.lib.objects("ServiceAccount", ns)) > 0

judged(_, elsewhere) if count(elsewhere) > 0

# `complete-inventory`: the run holds every object of its namespaces.
judged(_, _) if data.kubeward.complete_inventory
