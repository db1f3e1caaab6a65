// Keystroke latency: lints a 1,000-line multi-document manifest through the WebAssembly API
// in Node, as an editor does on every keystroke (same options, text changed each time). The
// module keeps the linter and what the last lint found between calls, as it does for an
// editor: objects the edit leaves unchanged, whose rules' lookups of other objects return
// what they did before, are not evaluated again; the edited Deployment and the objects that
// look it up are.
// Prints the median and other statistics after warm-up; with --check, exits 1 when the
// median is over the budget.
//
//   node bench/keystroke.mjs [--runs N] [--lines N] [--check]
// (--lines: another size of manifest, to see how the time grows; the budget is for 1,000.)
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BUDGET_MS = 30;
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const runs = option("--runs", 100);
const LINES = option("--lines", 1000);
const check = args.includes("--check");

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..", "pkg");
const started = performance.now();
const kubeward = createRequire(import.meta.url)(join(pkg, "node", "index.cjs"));
const loaded = performance.now() - started;

/** One application's objects: a Deployment, its Service, ConfigMap, NetworkPolicy and RBAC. */
function app(i) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: shop
  labels: {app: app-${i}, team: payments}
spec:
  replicas: 2
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}, team: payments}
    spec:
      serviceAccountName: app-${i}
      securityContext: {runAsNonRoot: true, runAsUser: 10001}
      containers:
      - name: web
        image: ghcr.io/acme/app-${i}:1.${i}.0
        ports: [{name: http, containerPort: 8080}]
        env:
        - {name: LOG_LEVEL, value: info}
        - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: app-${i}, key: password}}}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {memory: 256Mi}
        readinessProbe: {httpGet: {path: /ready, port: http}}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}
      - name: sidecar
        image: nginx:latest
---
apiVersion: v1
kind: Service
metadata: {name: app-${i}, namespace: shop}
spec:
  selector: {app: app-${i}}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-${i}, namespace: shop}
data:
  settings.yaml: |
    feature: ${i % 2 === 0 ? "on" : "off"}
    url: http://app-${i}.shop.svc
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: app-${i}, namespace: shop}
spec:
  podSelector: {matchLabels: {app: app-${i}}}
  ingress: [{from: [{podSelector: {matchLabels: {app: gateway}}}]}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app-${i}, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app-${i}, namespace: shop}
rules:
- apiGroups: [""]
  resources: ["configmaps", "secrets"]
  verbs: ["get", "list"]
---
`;
}

/** Whole applications until the manifest has at least 1,000 lines, cut to exactly that. */
function manifest() {
  let text = "";
  for (let i = 0; text.split("\n").length <= LINES; i++) text += app(i);
  return text.split("\n").slice(0, LINES).join("\n") + "\n";
}

const base = manifest();
// A keystroke: the replica count of the first Deployment changes each time.
const edit = (n) => base.replace("replicas: 2", `replicas: ${2 + (n % 7)}`);
const lint = (n) => kubeward.lint([{ path: "apps.yaml", content: edit(n) }], { "position-encoding": "utf-16" });

const first = performance.now();
const report = lint(0);
const cold = performance.now() - first;
for (let n = 1; n <= 20; n++) lint(n);

const times = [];
for (let n = 0; n < runs; n++) {
  const t = performance.now();
  lint(n);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];

// For comparison, lints that can reuse nothing of the last one (every object renamed each
// time), as after pasting a new manifest: what every keystroke would cost without reuse.
const fresh = [];
for (let n = 0; n < 10; n++) {
  const text = base.replaceAll("app-", `app${n}-`);
  const t = performance.now();
  kubeward.lint([{ path: "apps.yaml", content: text }], { "position-encoding": "utf-16" });
  fresh.push(performance.now() - t);
}
fresh.sort((a, b) => a - b);
const result = {
  lines: base.split("\n").length - 1,
  documents: base.split("\n---\n").length,
  diagnostics: report.diagnostics.length,
  runs,
  loadMs: +loaded.toFixed(1),
  firstLintMs: +cold.toFixed(1),
  medianMs: +at(0.5).toFixed(2),
  p90Ms: +at(0.9).toFixed(2),
  minMs: +times[0].toFixed(2),
  maxMs: +times[times.length - 1].toFixed(2),
  nothingReusedMedianMs: +fresh[Math.floor(fresh.length / 2)].toFixed(1),
  budgetMs: BUDGET_MS,
  node: process.version,
};
console.log(JSON.stringify(result));
console.log(
  `keystroke lint of ${result.lines} lines (${result.documents} documents, ${result.diagnostics} findings): ` +
    `median ${result.medianMs} ms, p90 ${result.p90Ms} ms over ${runs} runs ` +
    `(module load ${result.loadMs} ms, first lint with rule compilation ${result.firstLintMs} ms; ` +
    `with nothing to reuse ${result.nothingReusedMedianMs} ms; budget ${BUDGET_MS} ms)`,
);
if (check && result.medianMs > BUDGET_MS) {
  console.error(`the median ${result.medianMs} ms is over the budget of ${BUDGET_MS} ms`);
  process.exit(1);
}
