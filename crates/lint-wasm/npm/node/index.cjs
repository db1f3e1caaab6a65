// Node, CommonJS: the module is compiled when this file is required.
"use strict";
const wasm = require("./kubeward.js");

module.exports = {
  lint: wasm.lint,
  renderChart: wasm.renderChart,
  rules: wasm.rules,
  format: wasm.format,
  formats: wasm.formats,
  kubeVersions: wasm.kubeVersions,
  version: wasm.version,
  init: () => Promise.resolve(),
  initSync: () => {},
};
