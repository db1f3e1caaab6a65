# METADATA
# title: Kind has no schema, so it is not validated
# description: |
#   No schema describes this apiVersion and kind at the target Kubernetes version: it is
#   neither a built-in kind of that version, nor declared by a CustomResourceDefinition of the
#   run, nor found in a `--schema-dir` catalogue. Its objects are linted by the rules, but not
#   validated. Reported once per apiVersion and kind, at the first object. A built-in API that
#   the target version no longer serves is reported by `api-version-removed` instead.
# custom:
#   id: KW008
#   name: schema-not-found
#   severity: info
#   kinds: ["*"]
#   remediation: Add the kind's CustomResourceDefinition to the linted files, or its schema to a directory given with --schema-dir.
#   references:
#     - https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
package kubeward.rules.core.schema_not_found
