# METADATA
# title: A rule failed to evaluate
# description: |
#   A rule raised an error or returned a finding that is not `{"msg", "path"}`. The object was
#   not checked by that rule; this is a bug in the rule, reported so it is not silently lost.
# custom:
#   id: KW005
#   name: rule-evaluation-error
#   severity: error
#   kinds: ["*"]
#   remediation: Fix the rule so that it returns findings of the documented shape.
#   references: [https://github.com/kubeward/kubeward#writing-rules]
package kubeward.rules.core.rule_evaluation_error
