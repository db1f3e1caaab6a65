// Type-checked by tests/node/types.test.mjs (tsc --project tests/types): how a TypeScript
// program uses the package, and what the types must refuse.
import {
  init,
  lint,
  renderChart,
  rules,
  version,
  type Diagnostic,
  type InputFile,
  type LintOptions,
  type LintReport,
  type RenderResult,
  type RuleDoc,
  type Severity,
} from "@kubeward/wasm";

await init();

const files: InputFile[] = [
  { path: "pod.yaml", content: "apiVersion: v1\nkind: Pod\n" },
  { path: "chart.tgz", content: new Uint8Array([31, 139]) },
];
const options: LintOptions = {
  select: ["images", "KW101"],
  ignore: ["image-digest-missing"],
  "kube-version": "1.31",
  namespace: "shop",
  "complete-inventory": true,
  rules: { "replicas-below-minimum": { severity: "error", params: { min_replicas: 3 } } },
  charts: { "charts/shop": { "release-name": "web", values: ["prod.yaml"], set: ["a=b"] } },
  proxy: { url: "http://proxy:3128", "no-proxy": [".svc"] },
  "position-encoding": "utf-16",
};

const report: LintReport = lint(files, options);
lint(files);
const first: Diagnostic | undefined = report.diagnostics[0];
if (first) {
  const line: number = first.start.line;
  const column: number | undefined = first.start.utf16Column;
  const kind: string | undefined = first.object?.kind;
  const help: string | null = first.help;
  const related: string[] = first.related.map((r) => `${r.file}:${r.start.line} ${r.message ?? ""}`);
  void [line, column, kind, help, related];
}

function rank(severity: Severity): number {
  switch (severity) {
    case "error":
      return 2;
    case "warning":
      return 1;
    case "info":
      return 0;
  }
}
void rank(report.diagnostics[0]?.severity ?? "info");

const rendered: RenderResult = renderChart(files, { charts: { ".": { set: ["x=1"] } } });
const templates: string[] = rendered.files.map((f) => f.template);
const exact: boolean[] = rendered.files.flatMap((f) => f.origin.map((o) => o.exact));
const problems: string[] = rendered.problems.map((p) => `${p.file}:${p.start.line}: ${p.message}`);
const catalogue: RuleDoc[] = rules();
const docs: string = catalogue[0]?.docs ?? "";
const semver: string = version();
void [templates, exact, problems, docs, semver];

// @ts-expect-error: select is a list
lint(files, { select: "images" });
// @ts-expect-error: an unknown configuration key
lint(files, { selct: ["images"] });
// @ts-expect-error: severities are error, warning or info
lint(files, { rules: { KW301: { severity: "fatal" } } });
// @ts-expect-error: content is text or bytes
lint([{ path: "a.yaml", content: 1 }]);
// @ts-expect-error: positions are counted in UTF-8 or UTF-16
lint(files, { "position-encoding": "utf-32" });
// @ts-expect-error: the report is not a string
const text: string = lint(files);
void text;
