# METADATA
# title: ClusterRole can approve certificate signing requests
# description: |
#   Approving a CertificateSigningRequest makes the cluster sign a client certificate for the
#   name and groups the requester chose: with the `kubernetes.io/kube-apiserver-client` signer
#   that is a credential for any user, `system:masters` included, valid until it expires and
#   impossible to revoke. Approval takes `update` or `patch` on
#   `certificatesigningrequests/approval` together with `approve` on the signer; the finding is
#   at the `certificatesigningrequests/approval` item (or the `*` or `*/approval` that includes
#   it) of a ClusterRole, whether or not the lint run binds it; the bindings of the run are shown
#   as related labels. Roles are not looked at: CertificateSigningRequests are cluster-scoped.
# custom:
#   id: KW110
#   name: rbac-csr-approval
#   severity: error
#   kinds: [ClusterRole]
#   remediation: Leave certificate approval to the cluster's own approvers, or narrow approve on signers with resourceNames to a signer that cannot issue user credentials.
#   references:
#     - https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#certificate-signing-requests
#   peers:
#     kubescape: [rule-can-approve-cert-signing-request]
package kubeward.rules.rbac.rbac_csr_approval

import data.kubeward.lib.rbac
import rego.v1

targets := [{"group": "certificates.k8s.io", "resource": "certificatesigningrequests/approval", "verbs": ["update", "patch"]}]

deny contains finding if {
	some grant in rbac.grants(input, targets, true)
	finding := {
		"msg": sprintf("%s grants %s", [rbac.input_title, rbac.grant_text(grant)]),
		"path": grant.path,
		"related": rbac.input_binding_labels,
	}
}
