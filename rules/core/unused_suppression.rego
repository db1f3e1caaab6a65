# METADATA
# title: Suppression matches no finding
# description: |
#   A `# kubeward:ignore` comment or a `kubeward.io/ignore` annotation names a rule that has no
#   finding there, or a rule that does not exist. Stale suppressions hide the next real problem,
#   so they are reported like any other finding.
# custom:
#   id: KW004
#   name: unused-suppression
#   severity: warning
#   kinds: ["*"]
#   remediation: Remove the rule from the suppression, or the whole suppression.
#   references: [https://github.com/kubeward/kubeward#suppressing-findings]
package kubeward.rules.core.unused_suppression
