# METADATA
# title: YAML cannot be parsed
# description: |
#   The document is not valid YAML, or is not valid UTF-8, so Kubernetes would reject the
#   whole file. kubeward reports the first error of the document with its position and still
#   lints the other documents of the file.
# custom:
#   id: KW001
#   name: yaml-syntax-error
#   severity: error
#   kinds: ["*"]
#   remediation: Fix the YAML syntax at the reported position.
#   references: [https://yaml.org/spec/1.2.2/]
package kubeward.rules.core.yaml_syntax_error
