// The built playground in a real browser: Debian's Chromium driven by playwright-core.
// Types a manifest and checks the finding on the right line, its squiggle and hover, the
// problems list's jump; then lints the example chart and checks findings reported in its
// templates and values, and the rendered output. Screenshots go to test-results/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { serve } from "./serve.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const results = join(root, "test-results");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

let server;
let browser;
let page;

before(async () => {
  assert.ok(existsSync(join(root, "dist", "index.html")), "build the playground first: npm run build");
  assert.ok(existsSync(executablePath), `no Chromium at ${executablePath}`);
  mkdirSync(results, { recursive: true });
  server = await serve(join(root, "dist"));
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const failures = [];
  page.on("pageerror", (err) => failures.push(err.message));
  page.on("console", (message) => message.type() === "error" && failures.push(message.text()));
  page.failures = failures;
  // Offline: the page may load nothing but what the server has.
  await page.route("**/*", (route) =>
    route.request().url().startsWith(server.url) ? route.continue() : route.abort(),
  );
  await page.goto(server.url);
  await page.waitForSelector("#status.ready", { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A file of the example chart the playground starts from. */
const chart = (path) => readFileSync(join(root, "..", "examples", "charts", "checkout", path), "utf8");
/** The 1-based line of the first line of `text` that holds `needle`. */
const lineOf = (text, needle) => text.split("\n").findIndex((line) => line.includes(needle)) + 1;

const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: typed
spec:
  containers:
  - name: web
`;

test("a typed manifest gets its finding on the right line, with a squiggle and hover docs", async () => {
  const editor = page.locator("#editor .cm-content");
  await editor.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  // The block goes in as one insertion (typing newlines would auto-indent it); the line
  // with the image is typed key by key.
  await page.keyboard.insertText(MANIFEST);
  await page.keyboard.press("Home");
  await page.keyboard.press("Shift+End");
  await page.keyboard.type("    image: nginx:latest", { delay: 15 });
  const line = MANIFEST.split("\n").length; // the image is on the line after the block
  const problem = page.locator(`#problems .problem[data-rule="image-latest-tag"]`);
  await problem.first().waitFor({ timeout: 30_000 });
  assert.equal(await problem.count(), 1);
  assert.equal(await problem.getAttribute("data-line"), String(line));
  assert.equal(await problem.getAttribute("data-file"), "manifest.yaml");
  assert.match(await problem.locator(".message").textContent(), /nginx:latest/);

  // The squiggle covers the image on that line.
  const squiggle = page.locator(".cm-lintRange-warning", { hasText: "nginx:latest" });
  await squiggle.first().waitFor();
  const lineText = await squiggle.first().evaluate((node) => node.closest(".cm-line").textContent);
  assert.equal(lineText, "    image: nginx:latest");
  const lines = await page.locator("#editor .cm-line").allTextContents();
  assert.equal(lines.indexOf("    image: nginx:latest") + 1, line);

  // Hovering shows the message, the rule and its remediation.
  await squiggle.first().hover();
  const tooltip = page.locator(".cm-tooltip .hover").filter({ hasText: "image-latest-tag" });
  await tooltip.first().waitFor({ timeout: 10_000 });
  const text = await tooltip.first().textContent();
  assert.match(text, /KW301 image-latest-tag/);
  assert.match(text, /Fix: Reference the image by a version tag/);
  await page.screenshot({ path: join(results, "manifest.png") });

  // Clicking a problem puts the cursor on its line.
  await page.locator("#problems .problem").first().click();
  await problem.click();
  assert.equal(await page.locator("#editor .cm-activeLine").textContent(), "    image: nginx:latest");
});

test("rule selection and the Kubernetes version change what is reported", async () => {
  await page.locator("[data-panel=rules]").click();
  await page.locator(`input[data-rule="image-latest-tag"]`).uncheck();
  await page.locator("[data-panel=problems]").click();
  await page.waitForFunction(() => !document.querySelector(`#problems .problem[data-rule="image-latest-tag"]`));
  await page.locator("[data-panel=rules]").click();
  await page.locator(`input[data-rule="image-latest-tag"]`).check();
  await page.locator("[data-panel=problems]").click();
  await page.locator(`#problems .problem[data-rule="image-latest-tag"]`).waitFor();
});

test("chart mode: findings in the templates and values, and the rendered output", async () => {
  await page.locator('[data-set-mode="chart"]').click();
  // The checkout chart's sidecar runs privileged: reported at the template line.
  const privileged = page.locator(`#problems .problem[data-rule="privileged-container"]`);
  await privileged.first().waitFor({ timeout: 30_000 });
  assert.equal(await privileged.count(), 1);
  assert.equal(await privileged.getAttribute("data-file"), "templates/deployment.yaml");
  assert.equal(await privileged.getAttribute("data-line"), String(lineOf(chart("templates/deployment.yaml"), "privileged: true")));
  // Clicking it shows that line of the template in the editor.
  await privileged.click();
  assert.equal((await page.locator("#editor .cm-activeLine").textContent()).trim(), "privileged: true");

  // The untagged sidecar image is written by .Values.sidecar.image: reported in values.yaml.
  const untagged = page.locator(`#problems .problem[data-rule="image-latest-tag"]`);
  await untagged.first().waitFor();
  assert.equal(await untagged.count(), 1);
  assert.equal(await untagged.getAttribute("data-file"), "values.yaml");
  assert.equal(await untagged.getAttribute("data-line"), String(lineOf(chart("values.yaml"), "image: envoyproxy/envoy")));
  await untagged.click();
  assert.equal((await page.locator("#values-editor .cm-activeLine").textContent()).trim(), "image: envoyproxy/envoy");

  // Editing the values editor re-renders: a tag on the sidecar image ends that finding.
  await page.locator("#values-editor .cm-line", { hasText: "envoyproxy/envoy" }).click();
  await page.keyboard.press("End");
  await page.keyboard.type(":v1.31.0", { delay: 10 });
  await page.waitForFunction(() => !document.querySelector(`#problems .problem[data-rule="image-latest-tag"]`));

  await page.locator("[data-panel=rendered]").click();
  const rendered = page.locator(".rendered-file", { hasText: "templates/deployment.yaml (rendered)" });
  await rendered.waitFor();
  assert.match(await rendered.textContent(), /name: release-name-checkout/);
  // The view draws the lines in sight: scroll to the end of the rendered Deployment.
  await rendered.locator(".cm-editor").evaluate((node) => node.scrollIntoView({ block: "end" }));
  await rendered.locator(".cm-line", { hasText: "image: envoyproxy/envoy:v1.31.0" }).waitFor();
  await page.locator("[data-panel=problems]").click();
  await page.screenshot({ path: join(results, "chart.png") });
});

test("a shared link restores the editors", async () => {
  await page.locator("#share").click();
  await page.waitForFunction(() => document.querySelector("#share-url").value !== "");
  const url = await page.locator("#share-url").inputValue();
  assert.match(url, /#s=/);
  const other = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await other.goto(url);
  await other.waitForSelector("#status.ready", { timeout: 60_000 });
  assert.equal(await other.locator("body").getAttribute("data-mode"), "chart");
  const values = (await other.locator("#values-editor .cm-line").allTextContents()).join("\n");
  assert.match(values, /envoyproxy\/envoy:v1\.31\.0/);
  await other.close();
});

test("the JSON and SARIF reports download", async () => {
  const saved = async (button) => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(button).click()]);
    return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
  };
  const json = await saved("#download-json");
  assert.equal(json.name, "kubeward.json");
  const report = JSON.parse(json.text);
  assert.equal(report.version, 1);
  assert.ok(report.diagnostics.some((d) => d.rule.name === "privileged-container"));

  const sarif = await saved("#download-sarif");
  assert.equal(sarif.name, "kubeward.sarif");
  const log = JSON.parse(sarif.text);
  assert.equal(log.version, "2.1.0");
  const results = log.runs[0].results;
  assert.equal(results.length, report.diagnostics.length);
  const privileged = results.find((r) => r.ruleId === report.diagnostics.find((d) => d.rule.name === "privileged-container").rule.id);
  assert.equal(privileged.locations[0].physicalLocation.artifactLocation.uri, "templates/deployment.yaml");
  assert.deepEqual(page.failures, []);
});
