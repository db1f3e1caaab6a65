# METADATA
# title: Pods run as the default ServiceAccount
# description: |
#   Every namespace has a `default` ServiceAccount, and every pod that names none runs as it.
#   Whatever anyone grants it, for one application's needs, every other pod of the namespace
#   gets too, and a token stolen from any of them cannot be told apart in the audit log. A
#   workload is reported when `serviceAccountName` (or the deprecated `serviceAccount`) is
#   missing or `"default"` and its pods get a token mounted (the pod does not set
#   `automountServiceAccountToken: false`, and no `default` ServiceAccount of the run disables
#   it): without a token, the identity is never used. The finding is at `serviceAccountName`,
#   or at the pod spec when it is missing; the bindings of the run that grant the namespace's
#   `default` ServiceAccount a role are shown as related labels.
# custom:
#   id: KW113
#   name: default-service-account-used
#   severity: warning
#   kinds: [workload]
#   remediation: Create a ServiceAccount for the workload and set serviceAccountName, or set automountServiceAccountToken to false when it does not call the Kubernetes API.
#   references:
#     - https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
#     - https://www.cisecurity.org/benchmark/kubernetes
#   peers:
#     kube-linter: [default-service-account]
package kubeward.rules.rbac.default_service_account_used

import data.kubeward.lib.rbac
import rego.v1

deny contains finding if {
	sa := rbac.input_service_account
	sa.name == "default"
	rbac.input_token_mounted
	finding := {
		"msg": sprintf("%s as the default ServiceAccount%s", [rbac.input_pods_run, how(sa)]),
		"path": sa.path,
		"related": [label |
			some entry in data.kubeward.lookup(["index", "service_account_bindings", data.kubeward.lib.input_namespace, "default"], set())
			binding := entry[3]
			label := {
				"path": ["roleRef", "name"],
				"object": rbac.ref(binding),
				"msg": sprintf("%s %q grants it %s %q", [binding.kind, binding.metadata.name, binding.roleRef.kind, binding.roleRef.name]),
			}
		],
	}
}

how(sa) := "" if sa.set

else := " (no serviceAccountName)"
