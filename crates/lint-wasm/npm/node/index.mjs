// Node, ES modules: the same instance as `require` gives.
import { createRequire } from "node:module";

const api = createRequire(import.meta.url)("./index.cjs");

export const { lint, renderChart, format, formats, kubeVersions, rules, version, init, initSync } = api;
