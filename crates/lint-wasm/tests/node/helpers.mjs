// Shared by the Node tests: the built package, the real `kubeward` binary, and reading a
// directory the way `kubeward lint DIR` reads it.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import YAML from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
export const crate = join(here, "..", "..");
export const repo = join(crate, "..", "..");
export const pkg = join(crate, "pkg");

/** The package as Node's `require` loads it. */
export const kubeward = createRequire(import.meta.url)(join(pkg, "node", "index.cjs"));

/** The CLI binary: $KUBEWARD_BIN, else the debug build of the target directory. */
export const cli =
  process.env.KUBEWARD_BIN ??
  join(process.env.CARGO_TARGET_DIR ?? join(repo, "target"), "debug", "kubeward");
if (!existsSync(cli)) {
  throw new Error(`no kubeward binary at ${cli}: build it (cargo build -p lint-cli) or set KUBEWARD_BIN`);
}

const run = promisify(execFile);

/** Runs the CLI; its stdout. Exit codes 0 and 1 (findings) are success. */
export async function runCli(args, cwd) {
  try {
    const { stdout } = await run(cli, args, { cwd, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1" } });
    return stdout;
  } catch (err) {
    if (err.code === 1) return err.stdout;
    throw new Error(`kubeward ${args.join(" ")} (in ${cwd}) exited ${err.code}: ${err.stderr}`);
  }
}

const MANIFEST = /\.(ya?ml|json)$/i;

/**
 * The files `kubeward lint DIR` reads, as `{path, content}` with the paths it prints:
 * manifests (.yaml, .yml, .json) outside hidden directories, and every file of a chart
 * directory (one holding Chart.yaml). `base` is the directory the paths are relative to.
 */
export function readTree(dir, base = dir) {
  const charts = [];
  const manifests = [];
  const name = (path) => relative(base, path).split(sep).join("/");
  const walk = (current) => {
    if (existsSync(join(current, "Chart.yaml"))) {
      readChart(current);
      return;
    }
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) {
        if (!entry.startsWith(".")) walk(path);
      } else if (MANIFEST.test(entry)) {
        manifests.push({ path: name(path), content: readFileSync(path, "utf8") });
      }
    }
  };
  const readChart = (current) => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) readChart(path);
      else charts.push({ path: name(path), content: readFileSync(path, "utf8") });
    }
  };
  walk(dir);
  // The CLI adds the charts' files first, then the other files in path order.
  const components = (file) => file.path.split("/");
  manifests.sort((a, b) => {
    const [x, y] = [components(a), components(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return x.length - y.length;
  });
  return [...charts, ...manifests];
}

/** A configuration file's keys, as options of the WebAssembly API. */
export function configOptions(path) {
  return existsSync(path) ? (YAML.parse(readFileSync(path, "utf8")) ?? {}) : {};
}
