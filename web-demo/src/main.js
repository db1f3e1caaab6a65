// The kubeward playground: CodeMirror editors whose text is linted by kubeward's
// WebAssembly build in a Web Worker on every change. Findings are squiggles at their exact
// ranges (positions in UTF-16, as CodeMirror counts), with the rule's documentation on
// hover, and a problems list; a chart mode lints a Helm chart given as files.
import { EditorState } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter, setDiagnostics } from "@codemirror/lint";

import { chartExample, manifests } from "./examples.js";
import { decodeState, encodeState } from "./share.js";
import "./style.css";

const MANIFEST_PATH = "manifest.yaml";
const VALUES_PATH = "values.yaml";

const $ = (selector) => document.querySelector(selector);
const element = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

// ---------------------------------------------------------------------------------------
// State: what is edited and how it is linted. It is also what a shared link holds.

const state = {
  mode: "manifest",
  manifest: manifests[0].content,
  chart: chartExample.files.map((f) => ({ ...f })),
  active: "templates/deployment.yaml",
  kubeVersion: "",
  ignored: [],
  /** Opt-in rules turned on (the others are on unless ignored). */
  enabled: [],
  severities: {},
  params: {},
};

let catalogue = [];
let lastReport = null;

function files() {
  return state.mode === "manifest" ? [{ path: MANIFEST_PATH, content: state.manifest }] : state.chart;
}

function options() {
  const rules = {};
  for (const [id, severity] of Object.entries(state.severities)) {
    if (severity) rules[id] = { ...rules[id], severity };
  }
  for (const [id, text] of Object.entries(state.params)) {
    if (!text.trim()) continue;
    try {
      rules[id] = { ...rules[id], params: JSON.parse(text) };
    } catch {
      // An unfinished edit: linted without it until it parses.
    }
  }
  return {
    ...(state.ignored.length ? { ignore: state.ignored } : {}),
    ...(state.enabled?.length ? { enable: state.enabled } : {}),
    ...(state.kubeVersion ? { "kube-version": state.kubeVersion } : {}),
    ...(Object.keys(rules).length ? { rules } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// The worker: one request at a time; while one runs, only the newest edit waits.

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let nextId = 0;
const waiting = new Map();
worker.onmessage = ({ data }) => {
  const done = waiting.get(data.id);
  waiting.delete(data.id);
  if (data.error !== undefined) done?.reject(new Error(data.error));
  else done?.resolve(data);
};
function ask(message) {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, ...message });
  });
}

let linting = false;
let pending = false;
function scheduleLint() {
  if (linting) {
    pending = true;
    return;
  }
  linting = true;
  const linted = files().map((f) => ({ ...f }));
  ask({ kind: "lint", files: linted, options: options() })
    .then(({ result, ms }) => show(result, linted, ms))
    .catch((err) => showError(err.message))
    .finally(() => {
      linting = false;
      if (pending) {
        pending = false;
        scheduleLint();
      }
    });
}

// ---------------------------------------------------------------------------------------
// Editors.

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "13px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" },
});

function extensions(path) {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    highlightActiveLine(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    yaml(),
    lintGutter(),
    keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
    theme,
    EditorView.updateListener.of((update) => {
      if (update.docChanged) edited(path, update.state.doc.toString());
    }),
  ];
}

const states = new Map();
function stateFor(path, content) {
  if (!states.has(path)) states.set(path, EditorState.create({ doc: content, extensions: extensions(path) }));
  return states.get(path);
}

const editor = new EditorView({ parent: $("#editor"), state: stateFor(MANIFEST_PATH, state.manifest) });
let editorPath = MANIFEST_PATH;
const valuesEditor = new EditorView({ parent: $("#values-editor"), state: EditorState.create({ doc: "" }) });

function edited(path, content) {
  if (path === MANIFEST_PATH) state.manifest = content;
  else {
    const file = state.chart.find((f) => f.path === path);
    if (file) file.content = content;
  }
  scheduleLint();
}

function open(path) {
  states.set(editorPath, editor.state);
  const content = path === MANIFEST_PATH ? state.manifest : (state.chart.find((f) => f.path === path)?.content ?? "");
  editor.setState(stateFor(path, content));
  editorPath = path;
  if (path !== MANIFEST_PATH) state.active = path;
  renderTabs();
  if (lastReport) applyDiagnostics(lastReport.report, lastReport.files);
}

function resetEditors() {
  states.clear();
  editorPath = "";
  if (state.mode === "manifest") {
    editor.setState(stateFor(MANIFEST_PATH, state.manifest));
    editorPath = MANIFEST_PATH;
  } else {
    const values = state.chart.find((f) => f.path === VALUES_PATH);
    if (!values) state.chart.push({ path: VALUES_PATH, content: "" });
    valuesEditor.setState(stateFor(VALUES_PATH, state.chart.find((f) => f.path === VALUES_PATH).content));
    if (!state.chart.some((f) => f.path === state.active && f.path !== VALUES_PATH)) {
      state.active = state.chart.find((f) => f.path !== VALUES_PATH)?.path ?? "Chart.yaml";
    }
    editor.setState(stateFor(state.active, state.chart.find((f) => f.path === state.active)?.content ?? ""));
    editorPath = state.active;
  }
  document.body.dataset.mode = state.mode;
  for (const button of document.querySelectorAll("[data-set-mode]")) {
    button.setAttribute("aria-pressed", String(button.dataset.setMode === state.mode));
  }
  renderTabs();
  renderExamples();
  scheduleLint();
}

function renderTabs() {
  const tabs = $("#tabs");
  tabs.replaceChildren();
  if (state.mode === "manifest") {
    tabs.append(element("span", { className: "tab active", textContent: MANIFEST_PATH }));
    return;
  }
  for (const file of state.chart) {
    if (file.path === VALUES_PATH) continue;
    const tab = element("button", {
      className: `tab${file.path === editorPath ? " active" : ""}`,
      textContent: file.path,
      title: file.path,
    });
    tab.dataset.path = file.path;
    tab.onclick = () => open(file.path);
    tabs.append(tab);
  }
  const add = element("button", { className: "tab add", textContent: "+ template", title: "Add a template" });
  add.onclick = () => {
    const name = prompt("New file in the chart", "templates/new.yaml");
    if (!name || state.chart.some((f) => f.path === name)) return;
    state.chart.push({ path: name, content: "" });
    open(name);
    scheduleLint();
  };
  tabs.append(add);
}

// ---------------------------------------------------------------------------------------
// Findings: squiggles, hover documentation, the problems list, the rendered chart.

function ruleOf(diagnostic) {
  return catalogue.find((rule) => rule.id === diagnostic.rule.id);
}

function hover(diagnostic) {
  const rule = ruleOf(diagnostic);
  const box = element("div", { className: "hover" });
  box.append(
    element("div", { className: "hover-message", textContent: diagnostic.message }),
    element("div", {
      className: `hover-rule ${diagnostic.severity}`,
      textContent: `${diagnostic.rule.id} ${diagnostic.rule.name} · ${diagnostic.severity}`,
    }),
  );
  if (diagnostic.help) box.append(element("div", { className: "hover-help" }, element("strong", { textContent: "Fix: " }), diagnostic.help));
  if (rule) {
    box.append(element("div", { className: "hover-title", textContent: rule.title }));
    box.append(element("div", { className: "hover-doc", textContent: rule.description.split("\n\n")[0].replaceAll("\n", " ") }));
  }
  if (diagnostic.url) box.append(element("a", { href: diagnostic.url, target: "_blank", rel: "noopener", textContent: "Rule documentation" }));
  return box;
}

function applyDiagnostics(report, linted) {
  const views = state.mode === "manifest" ? [[editor, MANIFEST_PATH]] : [[editor, editorPath], [valuesEditor, VALUES_PATH]];
  for (const [view, path] of views) {
    const file = linted.find((f) => f.path === path);
    // A result for text that has changed since is not shown: a newer one is coming.
    if (!file || file.content !== view.state.doc.toString()) continue;
    const length = view.state.doc.length;
    const diagnostics = report.diagnostics
      .filter((d) => d.file === path)
      .map((d) => {
        const from = Math.min(d.start.utf16Offset, length);
        return {
          from,
          to: Math.max(from, Math.min(d.end.utf16Offset, length)),
          severity: d.severity,
          source: d.rule.name,
          message: d.message,
          renderMessage: () => hover(d),
        };
      });
    view.dispatch(setDiagnostics(view.state, diagnostics));
  }
}

function show(result, linted, ms) {
  lastReport = { report: result.report, files: linted };
  applyDiagnostics(result.report, linted);
  renderProblems(result.report);
  renderRendered(result.rendered);
  const { errors, warnings, infos } = result.report.summary;
  $("#status").textContent = `linted in ${ms.toFixed(1)} ms · ${errors} errors, ${warnings} warnings, ${infos} infos`;
  $("#status").className = "ready";
  $("#problems-count").textContent = String(result.report.diagnostics.length);
}

function showError(message) {
  $("#status").textContent = `error: ${message}`;
  $("#status").className = "failed";
}

function jump(diagnostic) {
  const path = diagnostic.file;
  if (path === VALUES_PATH && state.mode === "chart") {
    select(valuesEditor, diagnostic);
    return;
  }
  if (path !== editorPath) {
    if (state.mode !== "chart" || !state.chart.some((f) => f.path === path)) {
      showPanel("rendered");
      return;
    }
    open(path);
  }
  select(editor, diagnostic);
}

function select(view, diagnostic) {
  const length = view.state.doc.length;
  const anchor = Math.min(diagnostic.start.utf16Offset, length);
  const head = Math.min(diagnostic.end.utf16Offset, length);
  view.dispatch({ selection: { anchor, head }, scrollIntoView: true });
  view.focus();
}

function renderProblems(report) {
  const list = $("#problems");
  list.replaceChildren();
  if (report.diagnostics.length === 0) {
    list.append(element("li", { className: "empty", textContent: "No problems." }));
    return;
  }
  for (const d of report.diagnostics) {
    const item = element(
      "li",
      { className: `problem ${d.severity}`, tabIndex: 0, title: d.help ?? "" },
      element("span", { className: "severity", textContent: d.severity }),
      element("span", { className: "message", textContent: d.message }),
      element("span", { className: "where", textContent: `${d.file}:${d.start.line}:${d.start.column}` }),
      element("span", { className: "rule", textContent: `${d.rule.id} ${d.rule.name}` }),
    );
    item.dataset.rule = d.rule.name;
    item.dataset.file = d.file;
    item.dataset.line = String(d.start.line);
    item.onclick = () => jump(d);
    item.onkeydown = (event) => event.key === "Enter" && jump(d);
    list.append(item);
  }
}

function renderRendered(rendered) {
  const panel = $("#rendered");
  panel.replaceChildren();
  if (!rendered) {
    panel.append(element("p", { className: "empty", textContent: "Switch to chart mode to see a chart rendered." }));
    return;
  }
  for (const problem of rendered.problems) {
    panel.append(element("p", { className: "render-problem", textContent: `${problem.file}:${problem.start.line}: ${problem.message}` }));
  }
  for (const file of rendered.files) {
    const section = element("section", { className: "rendered-file" }, element("h3", { textContent: file.path }));
    const view = element("div", { className: "rendered-view" });
    section.append(view);
    panel.append(section);
    new EditorView({
      parent: view,
      state: EditorState.create({
        doc: file.content,
        extensions: [lineNumbers(), yaml(), syntaxHighlighting(defaultHighlightStyle), EditorState.readOnly.of(true), EditorView.editable.of(false), theme],
      }),
    });
  }
}

// ---------------------------------------------------------------------------------------
// Rules: selection, severities and parameters, with each rule's documentation.

function renderRules() {
  const panel = $("#rules");
  panel.replaceChildren();
  const categories = [...new Set(catalogue.map((rule) => rule.category))];
  for (const category of categories) {
    const rules = catalogue.filter((rule) => rule.category === category);
    const group = element("section", { className: "category" });
    const all = element("input", { type: "checkbox", checked: rules.every(isOn) });
    all.onchange = () => {
      for (const rule of rules) toggle(rule, all.checked);
      renderRules();
      scheduleLint();
    };
    group.append(element("h3", {}, element("label", {}, all, ` ${category}`)));
    for (const rule of rules) group.append(ruleEntry(rule));
    panel.append(group);
  }
}

/** Whether a rule runs: opt-in rules when enabled, the others unless ignored. */
function isOn(rule) {
  return rule.opt_in ? (state.enabled ?? []).includes(rule.id) : !state.ignored.includes(rule.id);
}

function toggle(rule, on) {
  if (rule.opt_in) {
    state.enabled = (state.enabled ?? []).filter((x) => x !== rule.id);
    if (on) state.enabled.push(rule.id);
  } else {
    state.ignored = state.ignored.filter((x) => x !== rule.id);
    if (!on) state.ignored.push(rule.id);
  }
}

function ruleEntry(rule) {
  const title = rule.opt_in ? "Run this rule (opt-in: off by default)" : "Run this rule";
  const on = element("input", { type: "checkbox", checked: isOn(rule), title });
  on.dataset.rule = rule.name;
  on.onchange = () => {
    toggle(rule, on.checked);
    scheduleLint();
  };
  const severity = element("select", { title: "Severity" });
  for (const value of ["", "error", "warning", "info"]) {
    severity.append(element("option", { value, textContent: value || `${rule.severity} (default)`, selected: state.severities[rule.id] === value }));
  }
  severity.onchange = () => {
    state.severities[rule.id] = severity.value;
    scheduleLint();
  };
  const details = element(
    "details",
    { className: "rule" },
    element(
      "summary",
      {},
      on,
      element("code", { textContent: rule.id }),
      ` ${rule.name} `,
      ...(rule.opt_in ? [element("span", { className: "opt-in", textContent: "opt-in" }), " "] : []),
      element("span", { className: "title", textContent: rule.title }),
    ),
    element("div", { className: "rule-settings" }, element("label", {}, "Severity ", severity)),
  );
  const properties = rule.params?.properties;
  if (properties) {
    const defaults = Object.fromEntries(Object.entries(properties).filter(([, p]) => "default" in p).map(([k, p]) => [k, p.default]));
    const params = element("textarea", {
      className: "params",
      rows: 3,
      spellcheck: false,
      value: state.params[rule.id] ?? JSON.stringify(defaults),
      title: "Parameters (JSON), validated against the rule's schema",
    });
    params.oninput = () => {
      state.params[rule.id] = params.value;
      scheduleLint();
    };
    details.append(element("label", { className: "params-label" }, "Parameters (JSON)", params));
  }
  details.append(element("div", { className: "docs" }, ...markdown(rule.docs)));
  return details;
}

/** Enough Markdown for the rules' documentation: headings, code blocks, paragraphs. */
function markdown(text) {
  const nodes = [];
  text.split(/^```.*$/m).forEach((part, i) => {
    if (i % 2 === 1) {
      nodes.push(element("pre", { textContent: part.replace(/^\n/, "").replace(/\n$/, "") }));
      return;
    }
    for (const paragraph of part.split(/\n{2,}/)) {
      const trimmed = paragraph.trim();
      if (!trimmed) continue;
      const heading = /^#+ (.*)$/.exec(trimmed);
      if (heading) nodes.push(element("h4", { textContent: heading[1] }));
      else nodes.push(element("p", { textContent: trimmed.replaceAll("`", "").replaceAll("**", "") }));
    }
  });
  return nodes;
}

// ---------------------------------------------------------------------------------------
// Toolbar: modes, examples, Kubernetes version, sharing, downloads, panels.

function renderExamples() {
  const select = $("#examples");
  select.replaceChildren(element("option", { value: "", textContent: "Examples…" }));
  if (state.mode === "manifest") {
    manifests.forEach((example, i) => select.append(element("option", { value: String(i), textContent: example.name })));
  } else {
    select.append(element("option", { value: "chart", textContent: chartExample.name }));
  }
}

$("#examples").onchange = (event) => {
  const value = event.target.value;
  if (value === "") return;
  if (state.mode === "manifest") state.manifest = manifests[Number(value)].content;
  else {
    state.chart = chartExample.files.map((f) => ({ ...f }));
    state.active = "templates/deployment.yaml";
  }
  resetEditors();
};

for (const button of document.querySelectorAll("[data-set-mode]")) {
  button.onclick = () => {
    if (state.mode === button.dataset.setMode) return;
    state.mode = button.dataset.setMode;
    resetEditors();
  };
}

const kube = $("#kube-version");
function renderKubeVersions(versions) {
  kube.replaceChildren(element("option", { value: "", textContent: `Kubernetes ${versions.at(-1)} (newest)` }));
  for (const version of [...versions].reverse()) kube.append(element("option", { value: version, textContent: `Kubernetes ${version}` }));
  kube.value = state.kubeVersion;
}
kube.onchange = () => {
  state.kubeVersion = kube.value;
  scheduleLint();
};

function showPanel(name) {
  for (const tab of document.querySelectorAll("[data-panel]")) tab.setAttribute("aria-selected", String(tab.dataset.panel === name));
  for (const panel of document.querySelectorAll(".panel")) panel.hidden = panel.id !== `${name}-panel`;
}
for (const tab of document.querySelectorAll("[data-panel]")) tab.onclick = () => showPanel(tab.dataset.panel);

$("#share").onclick = async () => {
  const url = new URL(location.href);
  url.hash = `s=${await encodeState(state)}`;
  window.history.replaceState(null, "", url);
  $("#share-url").value = url.href;
  $("#share-url").hidden = false;
  $("#share-url").select();
  try {
    await navigator.clipboard.writeText(url.href);
    $("#status").textContent = "Link copied.";
  } catch {
    $("#status").textContent = "Link in the address bar.";
  }
};

async function download(name, filename, type) {
  const { result } = await ask({ kind: "format", name, files: files(), options: options() });
  const link = element("a", { href: URL.createObjectURL(new Blob([result], { type })), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
$("#download-json").onclick = () => download("json", "kubeward.json", "application/json").catch((e) => showError(e.message));
$("#download-sarif").onclick = () => download("sarif", "kubeward.sarif", "application/sarif+json").catch((e) => showError(e.message));

// ---------------------------------------------------------------------------------------
// Start: restore a shared state, load the catalogue, lint.

async function start() {
  const shared = /^#s=(.+)$/.exec(location.hash);
  if (shared) {
    try {
      Object.assign(state, await decodeState(shared[1]));
    } catch (err) {
      showError(`the shared link cannot be read: ${err.message}`);
    }
  }
  const { result } = await ask({ kind: "info" });
  catalogue = result.rules;
  $("#version").textContent = `kubeward ${result.version}`;
  renderKubeVersions(result.kubeVersions);
  renderRules();
  resetEditors();
}

showPanel("problems");
start().catch((err) => showError(err.message));
