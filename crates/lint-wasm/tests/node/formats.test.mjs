// format() writes what `kubeward lint --format NAME` writes, for every name of formats(),
// on the bundled examples (manifests and a chart) and on a case with a configuration.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";

import { configOptions, crate, kubeward, readTree, repo, runCli } from "./helpers.mjs";

/**
 * The CLI's SARIF without its `SRCROOT` base: the CLI records the absolute `file:` URI of the
 * repository root it ran in, which files given as values do not have. Everything else,
 * paths relative to the root and fingerprints included, is the same.
 */
function withoutRoot(sarif) {
  const log = JSON.parse(sarif);
  for (const run of log.runs) delete run.originalUriBaseIds;
  return log;
}

/**
 * A copy of a test case outside the repository: the CI formats name files relative to the
 * repository root, so the CLI must run where the case directory is the root.
 */
const copies = [];
function outside(dir) {
  const copy = mkdtempSync(join(tmpdir(), "kubeward-case-"));
  cpSync(dir, copy, { recursive: true });
  copies.push(copy);
  return copy;
}
after(() => copies.forEach((copy) => rmSync(copy, { recursive: true, force: true })));

test("formats() names the report formats of the CLI but the terminal's", async () => {
  const help = await runCli(["lint", "--help"], repo);
  for (const name of kubeward.formats()) assert.match(help, new RegExp(`\\b${name}\\b`));
  assert.deepEqual([...kubeward.formats()].sort(), ["checkstyle", "compact", "github", "json", "junit", "sarif"]);
});

describe("format() is `kubeward lint --format NAME`", { concurrency: 2 }, () => {
  const cases = [
    { name: "examples/", cwd: repo, args: ["--no-config", "examples"], files: () => readTree(join(repo, "examples"), repo), options: {} },
    {
      name: "tests/cases/chart-values",
      cwd: outside(join(crate, "tests", "cases", "chart-values")),
      args: ["."],
      files: () => readTree(join(crate, "tests", "cases", "chart-values")),
      options: configOptions(join(crate, "tests", "cases", "chart-values", ".kubeward.yaml")),
    },
  ];
  for (const c of cases) {
    for (const name of kubeward.formats()) {
      test(`${name}: ${c.name}`, async () => {
        const expected = await runCli(["lint", "--format", name, ...c.args], c.cwd);
        const actual = kubeward.format(c.files(), c.options, name);
        assert.ok(actual.length > 0);
        if (name === "sarif") {
          const log = JSON.parse(actual);
          assert.equal(log.version, "2.1.0");
          assert.ok(log.runs[0].results.length > 0, "the examples have findings");
          assert.deepEqual(log, withoutRoot(expected));
        } else {
          assert.equal(actual, expected);
        }
      });
    }
  }
});

test("an unknown format throws and lists the formats", () => {
  assert.throws(() => kubeward.format([], {}, "human"), /no format `human` here \(formats: json, compact, sarif/);
});
