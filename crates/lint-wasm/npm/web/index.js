// Browsers and bundlers: `await init()` fetches and instantiates the module.
import load, { initSync as loadSync, format, formats, kubeVersions, lint, renderChart, rules, version } from "./kubeward.js";

export { format, formats, kubeVersions, lint, renderChart, rules, version };

export async function init(input) {
  await load(input === undefined ? undefined : { module_or_path: await input });
}

export function initSync(module) {
  loadSync({ module });
}
