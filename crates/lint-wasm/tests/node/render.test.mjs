// renderChart() renders what `kubeward template` renders (the CLI's helm-identical output),
// and the provenance it gives points at the template text that produced each byte.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";

import { configOptions, crate, kubeward, readTree, repo, runCli } from "./helpers.mjs";

/** `helm template` output as {source path: [documents]}, documents trimmed. */
function bySource(output) {
  const documents = new Map();
  for (const part of output.split(/^---\n/m)) {
    const source = /^# Source: (.*)\n/.exec(part);
    if (!source) continue;
    const body = part.slice(source[0].length).trim();
    if (!documents.has(source[1])) documents.set(source[1], []);
    documents.get(source[1]).push(body);
  }
  return documents;
}

/** renderChart's files as {source path: [documents]}, as helm names sources. */
function rendered(result, chart, root) {
  const documents = new Map();
  for (const file of result.files) {
    const source = `${chart}/${file.template.slice(root.length)}`;
    const parts = file.content.split(/^---\s*$/m).map((d) => d.trim()).filter(Boolean);
    documents.set(source, parts);
  }
  return documents;
}

function sorted(map) {
  return [...map.entries()].map(([k, v]) => [k, [...v].sort()]).sort(([a], [b]) => (a < b ? -1 : 1));
}

test("the example chart renders as `kubeward template` renders it", async () => {
  const output = await runCli(["template", "examples/charts/checkout"], repo);
  const result = kubeward.renderChart(readTree(join(repo, "examples", "charts"), repo));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(sorted(rendered(result, "checkout", "examples/charts/checkout/")), sorted(bySource(output)));
});

test("chart settings are the flags of `kubeward template`", async () => {
  const dir = join(crate, "tests", "cases", "chart-values");
  const output = await runCli(
    ["template", "storefront", "shop", "-n", "prod", "-f", "prod-values.yaml", "--set", "hostNetwork=true", "--set", "replicas=3"],
    dir,
  );
  const result = kubeward.renderChart(readTree(dir), configOptions(join(dir, ".kubeward.yaml")));
  assert.deepEqual(sorted(rendered(result, "shop", "shop/")), sorted(bySource(output)));
  assert.match(result.files[0].content, /image: "nginx:latest"/);
});

test("provenance: copied text is the template's text, actions point at `{{ ... }}`", () => {
  const files = readTree(join(repo, "examples", "charts"), repo);
  const result = kubeward.renderChart(files, { "position-encoding": "utf-16" });
  const text = (path) => files.find((f) => f.path === path).content;
  let exact = 0;
  let actions = 0;
  for (const file of result.files) {
    for (const segment of file.origin) {
      const out = file.content.slice(segment.rendered.start.utf16Offset, segment.rendered.end.utf16Offset);
      const source = text(segment.file).slice(segment.template.start.utf16Offset, segment.template.end.utf16Offset);
      if (segment.exact) {
        assert.equal(out, source);
        exact++;
      } else {
        assert.match(source, /^\{\{.*\}\}$/s);
        actions++;
      }
    }
  }
  assert.ok(exact > 10 && actions > 5, `${exact} copied, ${actions} written by actions`);
});

test("a packaged chart given as bytes renders like its directory", async () => {
  const { execFileSync } = await import("node:child_process");
  const tgz = execFileSync("tar", ["-czf", "-", "-C", join(repo, "examples", "charts"), "checkout"]);
  const fromArchive = kubeward.renderChart([{ path: "checkout-0.3.0.tgz", content: new Uint8Array(tgz) }]);
  const fromDirectory = kubeward.renderChart(readTree(join(repo, "examples", "charts"), repo));
  assert.deepEqual(
    fromArchive.files.map((f) => f.content),
    fromDirectory.files.map((f) => f.content),
  );
  const report = kubeward.lint([{ path: "checkout-0.3.0.tgz", content: new Uint8Array(tgz) }]);
  assert.ok(report.diagnostics.some((d) => d.rule.name === "privileged-container"));
});

test("a template that fails is a problem at its action", () => {
  const files = readTree(join(repo, "examples", "charts"), repo).map((f) =>
    f.path.endsWith("templates/service.yaml") ? { ...f, content: `${f.content}{{ required "service.name is required" .Values.service.name }}\n` } : f,
  );
  const result = kubeward.renderChart(files);
  assert.equal(result.problems.length, 1);
  const [problem] = result.problems;
  assert.equal(problem.file, "examples/charts/checkout/templates/service.yaml");
  assert.match(problem.message, /service\.name is required/);
  const content = files.find((f) => f.path === problem.file).content;
  assert.equal(Buffer.from(content).subarray(problem.start.offset, problem.end.offset).toString(), '{{ required "service.name is required" .Values.service.name }}');
  assert.ok(result.files.some((f) => f.template.endsWith("deployment.yaml")), "the other templates still render");
});
