// The WebAssembly API gives what the CLI gives: every case is linted by `lint()` and by the
// real `kubeward lint --format json`, and the reports must be equal.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";

import { configOptions, crate, kubeward, readTree, repo, runCli } from "./helpers.mjs";

const ids = new Map(kubeward.rules().map((rule) => [rule.name, rule.id]));

// The rule fixtures, as the native fixture test runs them (crates/lint-core/tests/fixtures.rs):
// each file alone, named by its path under rules/, with its own or its folder's
// configuration, and only its rule selected.
describe("rule fixtures", { concurrency: 4 }, () => {
  const rules = join(repo, "rules");
  for (const category of readdirSync(rules).sort()) {
    if (!existsSync(join(rules, category)) || category.endsWith(".rego")) continue;
    for (const folder of readdirSync(join(rules, category)).sort()) {
      const dir = join(rules, category, folder);
      if (folder.endsWith(".rego") || !existsSync(dir)) continue;
      for (const file of readdirSync(dir).sort()) {
        if (!/^(pass|fail).*\.yaml$/.test(file) || file.endsWith(".kubeward.yaml")) continue;
        const path = `${category}/${folder}/${file}`;
        test(path, async () => {
          const id = ids.get(folder.replaceAll("_", "-"));
          assert.ok(id, `no rule for the fixture folder ${folder}`);
          const own = `${category}/${folder}/${file.replace(/\.yaml$/, ".kubeward.yaml")}`;
          const shared = `${category}/${folder}/.kubeward.yaml`;
          const config = [own, shared].find((p) => existsSync(join(rules, p)));
          const expected = await runCli(
            ["lint", "--format", "json", "--select", id, ...(config ? ["--config", config] : ["--no-config"]), path],
            rules,
          );
          const options = { ...(config ? configOptions(join(rules, config)) : {}), select: [id] };
          const content = readFileSync(join(rules, path), "utf8");
          const actual = kubeward.lint([{ path, content }], options);
          assert.deepEqual(actual, JSON.parse(expected));
          if (file.startsWith("fail")) assert.ok(actual.diagnostics.length > 0, "a fail fixture gives findings");
        });
      }
    }
  }
});

describe("directories", { concurrency: 2 }, () => {
  test("examples/ (manifests and a Helm chart), all rules", async () => {
    const expected = await runCli(["lint", "--format", "json", "--no-config", "examples"], repo);
    const actual = kubeward.lint(readTree(join(repo, "examples"), repo));
    assert.deepEqual(actual, JSON.parse(expected));
    assert.ok(
      actual.diagnostics.some((d) => d.file === "examples/charts/checkout/templates/deployment.yaml"),
      "findings in the chart are reported at its templates",
    );
  });

  const cases = join(crate, "tests", "cases");
  for (const name of readdirSync(cases).sort()) {
    test(`tests/cases/${name}`, async () => {
      const dir = join(cases, name);
      const config = join(dir, ".kubeward.yaml");
      const args = existsSync(config) ? [] : ["--no-config"];
      const expected = await runCli(["lint", "--format", "json", ...args, "."], dir);
      const files = readTree(dir);
      // The CLI reads user rules from the policy directories; here they are input files.
      const options = configOptions(config);
      for (const policies of options.policies ?? []) {
        for (const file of readdirSync(join(dir, policies), { recursive: true })) {
          if (String(file).endsWith(".rego")) {
            const path = `${policies}/${String(file).split("\\").join("/")}`;
            files.push({ path, content: readFileSync(join(dir, path), "utf8") });
          }
        }
      }
      const actual = kubeward.lint(files, options);
      assert.deepEqual(actual, JSON.parse(expected));
      assert.ok(actual.diagnostics.length > 0, "every case has findings");
    });
  }
});
