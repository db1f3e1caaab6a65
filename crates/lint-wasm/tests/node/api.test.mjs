// The rest of the API: the catalogue and version against the CLI, UTF-16 positions against
// JavaScript's own string indexing, errors, the compiled-rules cache, and every entry point
// of the package (require, import, and the browser build under Node).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

import { crate, kubeward, pkg, repo, runCli } from "./helpers.mjs";

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx:latest
`;

describe("catalogue", () => {
  test("rules() is `kubeward rules --format json` with each rule's docs", async () => {
    const expected = JSON.parse(await runCli(["rules", "--format", "json"], repo));
    const actual = kubeward.rules();
    assert.deepEqual(
      actual.map(({ docs, ...rule }) => rule),
      expected,
    );
    const markdown = await runCli(["rules", "--format", "markdown"], repo);
    assert.equal(actual.map((rule) => rule.docs).join("\n"), markdown);
    assert.ok(actual.length > 50);
  });

  test("version() is the CLI's", async () => {
    const printed = await runCli(["--version"], repo);
    assert.equal(printed.trim(), `kubeward ${kubeward.version()}`);
    assert.equal(kubeward.lint([]).tool.version, kubeward.version());
  });
});

describe("positions", () => {
  const content = readFileSync(join(crate, "tests", "cases", "unicode", "pods.yaml"), "utf8");
  const bytes = Buffer.from(content, "utf8");

  test("UTF-16 columns and offsets index the JavaScript string", () => {
    const utf8 = kubeward.lint([{ path: "pods.yaml", content }]);
    const utf16 = kubeward.lint([{ path: "pods.yaml", content }], { "position-encoding": "utf-16" });
    assert.ok(utf16.diagnostics.length >= 3);
    assert.equal(utf16.diagnostics.length, utf8.diagnostics.length);
    let differ = 0;
    utf16.diagnostics.forEach((d, i) => {
      const plain = utf8.diagnostics[i];
      for (const key of ["start", "end"]) {
        const p = d[key];
        // Lines, characters and bytes are the plain report's.
        assert.deepEqual({ line: p.line, column: p.column, offset: p.offset }, plain[key]);
        // The UTF-16 offset is where the byte offset is in the JavaScript string.
        assert.equal(Buffer.byteLength(content.slice(0, p.utf16Offset), "utf8"), p.offset);
        // The UTF-16 column counts from the start of the line.
        const lineStart = content.lastIndexOf("\n", p.utf16Offset - 1) + 1;
        assert.equal(p.utf16Column, p.utf16Offset - lineStart + 1);
        if (p.utf16Column !== p.column) differ++;
      }
      assert.equal(
        content.slice(d.start.utf16Offset, d.end.utf16Offset),
        bytes.subarray(d.start.offset, d.end.offset).toString("utf8"),
      );
    });
    assert.ok(differ > 0, "the case has positions after characters outside the BMP");
  });

  test("the image of a container after an emoji is found where the editor has it", () => {
    const report = kubeward.lint([{ path: "pods.yaml", content }], {
      select: ["image-latest-tag"],
      "position-encoding": "utf-16",
    });
    const [finding] = report.diagnostics;
    assert.equal(finding.rule.name, "image-latest-tag");
    assert.equal(content.slice(finding.start.utf16Offset, finding.end.utf16Offset), '"nginx:latest"');
  });
});

describe("errors", () => {
  const files = [{ path: "pod.yaml", content: POD }];
  const throws = (fn, pattern) => assert.throws(fn, (err) => err instanceof Error && pattern.test(err.message));

  test("invalid options throw and say why", () => {
    throws(() => kubeward.lint(files, { "kube-version": "banana" }), /`banana` is not a Kubernetes version/);
    throws(() => kubeward.lint(files, { selct: ["rbac"] }), /unknown field `selct`/);
    throws(() => kubeward.lint(files, { select: ["no-such-rule"] }), /`no-such-rule` is not a rule/);
    throws(
      () => kubeward.lint(files, { rules: { "replicas-below-minimum": { params: { min_replicas: 0 } } } }),
      /invalid parameter for `replicas-below-minimum`/,
    );
    throws(() => kubeward.lint(files, { exclude: ["*.yaml"] }), /`exclude` is not supported/);
    throws(() => kubeward.lint(files, { "position-encoding": "utf-32" }), /position-encoding/);
    throws(() => kubeward.lint(files, { charts: { c: { values: ["missing.yaml"] } } }), /not among the files/);
  });

  test("invalid files throw and say which", () => {
    throws(() => kubeward.lint("pod.yaml"), /files must be an array/);
    throws(() => kubeward.lint([{ path: "a.yaml", content: 42 }]), /files\[0\]\.content/);
    throws(() => kubeward.lint([{ content: POD }]), /files\[0\]\.path/);
    throws(() => kubeward.lint([...files, ...files]), /two files are named "pod.yaml"/);
  });

  test("bytes that are not UTF-8 are reported as the CLI reports them", async () => {
    const content = Buffer.concat([Buffer.from(POD), Buffer.from([0xff, 0x0a])]);
    const dir = mkdtempSync(join(tmpdir(), "kubeward-utf8-"));
    try {
      writeFileSync(join(dir, "pod.yaml"), content);
      const expected = await runCli(["lint", "--format", "json", "--no-config", "--select", "yaml-syntax-error", "pod.yaml"], dir);
      const report = kubeward.lint([{ path: "pod.yaml", content: new Uint8Array(content) }], { select: ["yaml-syntax-error"] });
      assert.deepEqual(report, JSON.parse(expected));
      assert.match(report.diagnostics[0].message, new RegExp(`not valid UTF-8 \\(invalid byte at offset ${Buffer.byteLength(POD)}\\)`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("options may change between calls: each call lints with its own", () => {
  const files = [{ path: "pod.yaml", content: POD }];
  const names = (options) => [...new Set(kubeward.lint(files, options).diagnostics.map((d) => d.rule.name))];
  const images = names({ select: ["images"] });
  const hardening = names({ select: ["hardening"] });
  assert.ok(images.includes("image-latest-tag"));
  assert.ok(!hardening.includes("image-latest-tag"));
  assert.deepEqual(names({ select: ["images"] }), images);
  const severity = kubeward.lint(files, { select: ["image-latest-tag"], rules: { KW301: { severity: "error" } } });
  assert.equal(severity.diagnostics[0].severity, "error");
  assert.equal(kubeward.lint(files, { select: ["image-latest-tag"] }).diagnostics[0].severity, "warning");
});

describe("entry points", () => {
  const node = promisify(execFile);
  const script = (load) => `${load}
const report = lint([{ path: "pod.yaml", content: ${JSON.stringify(POD)} }], { select: ["images"] });
console.log(JSON.stringify(report));`;
  const expected = JSON.stringify(kubeward.lint([{ path: "pod.yaml", content: POD }], { select: ["images"] }));

  test("require()", async () => {
    const { stdout } = await node(process.execPath, ["-e", script(`const { lint } = require(${JSON.stringify(pkg)});`)]);
    assert.equal(stdout.trim(), expected);
  });

  test("import", async () => {
    const load = `import { lint, init } from ${JSON.stringify(pathToFileURL(join(pkg, "node", "index.mjs")).href)}; await init();`;
    const { stdout } = await node(process.execPath, ["--input-type=module", "-e", script(load)]);
    assert.equal(stdout.trim(), expected);
  });

  test("package.json resolves require and import to the Node build", () => {
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
    assert.equal(manifest.exports["."].node.require, "./node/index.cjs");
    assert.equal(manifest.exports["."].node.import, "./node/index.mjs");
    assert.equal(manifest.exports["."].default, "./web/index.js");
    assert.equal(manifest.version, kubeward.version());
  });

  test("the browser build, instantiated from bytes", async () => {
    const web = await import(pathToFileURL(join(pkg, "web", "index.js")).href);
    web.initSync(readFileSync(join(pkg, "web", "kubeward_bg.wasm")));
    const report = web.lint([{ path: "pod.yaml", content: POD }], { select: ["images"] });
    assert.equal(JSON.stringify(report), expected);
  });

  test("the browser build, loaded by init()", async () => {
    // Node's fetch does not read file: URLs; init() also takes a Response, as from fetch().
    const web = JSON.stringify(pathToFileURL(join(pkg, "web", "index.js")).href);
    const wasm = JSON.stringify(join(pkg, "web", "kubeward_bg.wasm"));
    const load = `import { init, lint } from ${web};
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
await init(new Response(readFileSync(${wasm}), { headers: { "content-type": "application/wasm" } }));`;
    const { stdout } = await node(process.execPath, ["--input-type=module", "-e", script(load)]);
    assert.equal(stdout.trim(), expected);
  });
});

test("kubeVersions() lists the versions with schemas; the newest is the default", () => {
  const versions = kubeward.kubeVersions();
  assert.ok(versions.length > 5, versions.join(" "));
  versions.forEach((version, i) => assert.equal(version, `1.${Number(versions[0].slice(2)) + i}`));
  // FlowSchema flowcontrol.apiserver.k8s.io/v1beta3 was served until 1.31.
  const flow = `apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: FlowSchema
metadata:
  name: old
spec: {}
`;
  const files = [{ path: "flow.yaml", content: flow }];
  const removed = (options) =>
    kubeward.lint(files, { select: ["api-version-removed"], ...options }).diagnostics.map((d) => d.rule.name);
  assert.deepEqual(removed({}), ["api-version-removed"]);
  assert.deepEqual(removed({ "kube-version": versions.at(-1) }), ["api-version-removed"]);
  assert.deepEqual(removed({ "kube-version": versions[0] }), []);
});
