/** A file to lint: its path (`/`-separated) and its text, or its bytes (a packaged chart). */
export interface InputFile {
  path: string;
  content: string | Uint8Array;
}

/** How serious a finding is. */
export type Severity = "error" | "warning" | "info";

/**
 * Options: the keys of `.kubeward.yaml` (see the README's configuration section), plus
 * `position-encoding`. Paths (`policies`, chart keys, chart `values`) name input files.
 */
export interface LintOptions {
  /**
   * Rules to run: ids, names, categories, `default` (every rule that is not opt-in) or `all`
   * (default: `default`).
   */
  select?: string[];
  /** Rules to run besides the selection, e.g. opt-in rules. */
  enable?: string[];
  /** Rules not to run, in the same terms. */
  ignore?: string[];
  /** Lowest severity that fails a run: what `format(..., "junit")` counts as failures. */
  "fail-on"?: Severity;
  /** Kubernetes version the manifests target, e.g. `1.31` (one of `kubeVersions()`). */
  "kube-version"?: string;
  /** Namespace assumed for objects that name none (default `default`). */
  namespace?: string;
  /** The files hold every object of their namespaces. */
  "complete-inventory"?: boolean;
  /** Directories of user rules: `.rego` files among the input files under them. */
  policies?: string[];
  /**
   * Directories of JSON schemas for custom resources (kubeconform's
   * `{group}/{kind}_{version}.json` layout): `.json` files among the input files under them.
   */
  "schema-dirs"?: string[];
  /** The egress proxy workloads must use. */
  proxy?: ProxySettings;
  /** Per-rule severity and parameters, by id or name. */
  rules?: Record<string, RuleSettings>;
  /** How charts are rendered, by chart directory. */
  charts?: Record<string, ChartSettings>;
  /** `"utf-16"` adds `utf16Column` and `utf16Offset` to every position. */
  "position-encoding"?: "utf-8" | "utf-16";
}

export interface RuleSettings {
  severity?: Severity;
  params?: Record<string, unknown>;
}

export interface ProxySettings {
  url: string;
  "no-proxy"?: string[];
  namespaces?: string[];
}

/** The flags `helm template` would be given for one chart. */
export interface ChartSettings {
  "release-name"?: string;
  namespace?: string;
  /** Values files (`-f`): paths of input files, applied in order. */
  values?: string[];
  set?: string[];
  "set-string"?: string[];
  "set-json"?: string[];
  "set-literal"?: string[];
  "api-versions"?: string[];
  "skip-schema-validation"?: boolean;
}

/** A position: 1-based line, 1-based column in characters, 0-based byte offset. */
export interface Position {
  line: number;
  column: number;
  offset: number;
  /** 1-based column in UTF-16 code units (with `"position-encoding": "utf-16"`). */
  utf16Column?: number;
  /** 0-based offset in UTF-16 code units (with `"position-encoding": "utf-16"`). */
  utf16Offset?: number;
}

export interface RuleRef {
  id: string;
  name: string;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
}

export interface RelatedLocation {
  file: string;
  start: Position;
  end: Position;
  message: string | null;
}

/** A finding, as in `kubeward lint --format json` (docs/json-format.md). */
export interface Diagnostic {
  rule: RuleRef;
  severity: Severity;
  message: string;
  file: string;
  start: Position;
  end: Position;
  object: ObjectRef | null;
  help: string | null;
  url: string | null;
  related: RelatedLocation[];
}

export interface Summary {
  files: number;
  objects: number;
  errors: number;
  warnings: number;
  infos: number;
  suppressed: number;
  /** Findings recorded in a baseline (the CLI's `--baseline`; always 0 here). */
  baselined: number;
}

/** The JSON report, version 1. */
export interface LintReport {
  version: number;
  tool: { name: string; version: string };
  diagnostics: Diagnostic[];
  summary: Summary;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A stretch of rendered text and the template text that produced it. */
export interface OriginSegment {
  /** The rendered text. */
  rendered: Range;
  /** The template file. */
  file: string;
  /** The copied template text when `exact`, otherwise the action (`{{ ... }}`) that wrote it. */
  template: Range;
  exact: boolean;
}

/** A rendered template. */
export interface RenderedFile {
  /** `<template path> (rendered)`: the name findings in it would carry. */
  path: string;
  /** The template it was rendered from. */
  template: string;
  content: string;
  origin: OriginSegment[];
}

/** A chart, or a template of it, that could not be rendered. */
export interface ChartProblem {
  file: string;
  start: Position;
  end: Position;
  message: string;
}

export interface RenderResult {
  files: RenderedFile[];
  problems: ChartProblem[];
}

/** A rule of the catalogue, as `kubeward rules --format json` prints it, with its docs. */
export interface RuleDoc {
  id: string;
  name: string;
  title: string;
  description: string;
  severity: Severity;
  category: string;
  kinds: string[];
  remediation: string;
  references: string[];
  /** JSON Schema of the rule's parameters, with defaults. */
  params: Record<string, unknown> | null;
  aliases: string[];
  /** Off unless enabled (`enable`) or named by `select`. */
  opt_in: boolean;
  url: string | null;
  builtin: boolean;
  /** The rule's documentation in Markdown (what `kubeward explain` prints). */
  docs: string;
}
