# METADATA
# title: Objects carry a team label
# description: Every object names the team that owns it.
# custom:
#   id: ACME100
#   name: team-label-missing
#   severity: error
#   kinds: ["*"]
#   remediation: Add a team label.
package kubeward.rules.acme.team_label_missing

import rego.v1

deny contains {"msg": sprintf("%s %q has no team label", [input.kind, input.metadata.name]), "path": ["metadata"]} if {
	not input.metadata.labels.team
}
