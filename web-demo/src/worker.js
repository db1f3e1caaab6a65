// The linter runs here, off the page's thread, so typing never waits for it. Requests are
// answered in order; the page sends only the newest edit while one is being linted.
import { format, init, kubeVersions, lint, renderChart, rules, version } from "@kubeward/wasm";

const ready = init().then(() => ({ version: version(), rules: rules(), kubeVersions: kubeVersions() }));

self.onmessage = async ({ data }) => {
  const { id, kind, files, options, name } = data;
  try {
    const info = await ready;
    const started = performance.now();
    let result;
    switch (kind) {
      case "info":
        result = info;
        break;
      case "lint":
        result = {
          report: lint(files, { ...options, "position-encoding": "utf-16" }),
          rendered: files.some((f) => f.path.endsWith("Chart.yaml"))
            ? renderChart(files, { ...options, "position-encoding": "utf-16" })
            : null,
        };
        break;
      case "format":
        result = format(files, options, name);
        break;
      default:
        throw new Error(`unknown request ${kind}`);
    }
    self.postMessage({ id, result, ms: performance.now() - started });
  } catch (err) {
    self.postMessage({ id, error: String(err?.message ?? err) });
  }
};
