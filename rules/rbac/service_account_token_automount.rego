# METADATA
# title: Pods get a ServiceAccount token they may not need
# description: |
#   Unless told otherwise, Kubernetes mounts a token of the pod's ServiceAccount into every
#   container, at `/var/run/secrets/kubernetes.io/serviceaccount`. Most applications never call
#   the Kubernetes API; for them the token only serves an attacker who gets code execution or a
#   file read in the container, who then acts with every permission of the account. The token is
#   mounted when the pod sets `automountServiceAccountToken: true`, or leaves it unset and its
#   ServiceAccount (looked up in the lint run, in the pod's namespace; `default` when unnamed)
#   does not set it to false; the pod's setting overrides the ServiceAccount's. The finding is at
#   the pod's `automountServiceAccountToken`, or at the pod spec when it is unset, with a
#   related label at the ServiceAccount when the run has it.
# custom:
#   id: KW114
#   name: service-account-token-automount
#   severity: warning
#   kinds: [workload]
#   remediation: Set automountServiceAccountToken to false in the pod spec, or on its ServiceAccount, unless the pod calls the Kubernetes API.
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
#     - https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token
#     - https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF
#   peers:
#     kubescape: [automount-service-account]
#     trivy: [protecting_pod_service_account_tokens]
#     checkov: [CKV_K8S_38]
package kubeward.rules.rbac.service_account_token_automount

import data.kubeward.lib.rbac
import rego.v1

deny contains finding if {
	ps := data.kubeward.lib.input_pod_spec
	ps.spec.automountServiceAccountToken == true
	finding := {
		"msg": sprintf("%s with a token of ServiceAccount %q mounted (automountServiceAccountToken: true)", [rbac.input_pods_run, rbac.input_service_account.name]),
		"path": array.concat(ps.path, ["automountServiceAccountToken"]),
	}
}

deny contains finding if {
	ps := data.kubeward.lib.input_pod_spec
	object.get(ps.spec, "automountServiceAccountToken", null) == null
	rbac.input_token_mounted
	finding := {
		"msg": sprintf("%s with a token of ServiceAccount %q mounted (automountServiceAccountToken is not set)", [rbac.input_pods_run, rbac.input_service_account.name]),
		"path": array.concat(ps.path, ["automountServiceAccountToken"]),
		"related": [label |
			some sa in rbac.input_service_accounts_of
			label := service_account_label(sa)
		],
	}
}

service_account_label(sa) := {
	"path": ["automountServiceAccountToken"],
	"object": rbac.ref(sa),
	"msg": "the ServiceAccount enables automounting",
} if {
	sa.automountServiceAccountToken == true
} else := {
	"path": ["metadata", "name"],
	"object": rbac.ref(sa),
	"msg": "the ServiceAccount does not disable automounting",
}
