# METADATA
# title: Helm chart cannot be rendered
# description: |
#   `helm template` would fail on this chart: a template has a syntax error, an action fails
#   (`fail`, `required`, a nil pointer, a wrong argument), the values do not meet the chart's
#   `values.schema.json`, or the chart itself cannot be loaded (a missing dependency, an
#   invalid `Chart.yaml`). The finding is at the template action, or at `Chart.yaml` when no
#   template is at fault, with Helm's message. A template that fails on its own is left out
#   and the rest of the chart is rendered and linted without it.
# custom:
#   id: KW006
#   name: helm-render-error
#   severity: error
#   kinds: ["*"]
#   remediation: Fix the template or the values so that `helm template` succeeds.
#   references: [https://helm.sh/docs/chart_template_guide/debugging/]
package kubeward.rules.core.helm_render_error
