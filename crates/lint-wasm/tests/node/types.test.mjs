// The TypeScript types of the package: a program using them type-checks (and the misuses in
// it are refused), and every value the functions return matches its declared type exactly,
// read from the package's declarations with the TypeScript compiler.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

import ts from "typescript";

import { configOptions, crate, kubeward, pkg, readTree, repo } from "./helpers.mjs";

test("a TypeScript program using the package type-checks", async () => {
  const tsc = join(crate, "node_modules", "typescript", "bin", "tsc");
  const run = promisify(execFile);
  try {
    await run(process.execPath, [tsc, "--project", join(crate, "tests", "types")]);
  } catch (err) {
    assert.fail(`tsc: ${err.stdout}${err.stderr}`);
  }
});

/** The declarations of pkg/node/kubeward.d.ts: interfaces, aliases and functions by name. */
function declarations() {
  const path = join(pkg, "node", "kubeward.d.ts");
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const types = new Map();
  const functions = new Map();
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      types.set(statement.name.text, statement);
    } else if (ts.isFunctionDeclaration(statement) && statement.name) {
      functions.set(statement.name.text, statement);
    }
  }
  return { types, functions };
}

const { types, functions } = declarations();

/** Checks `value` against a type node; returns the problems found, with their paths. */
function check(value, node, path, problems) {
  const fail = (what) => problems.push(`${path}: ${what}, got ${JSON.stringify(value)?.slice(0, 80)}`);
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      if (typeof value !== "string") fail("expected a string");
      return;
    case ts.SyntaxKind.NumberKeyword:
      if (typeof value !== "number") fail("expected a number");
      return;
    case ts.SyntaxKind.BooleanKeyword:
      if (typeof value !== "boolean") fail("expected a boolean");
      return;
    case ts.SyntaxKind.UnknownKeyword:
      return;
    case ts.SyntaxKind.LiteralType:
      if (node.literal.kind === ts.SyntaxKind.NullKeyword) {
        if (value !== null) fail("expected null");
      } else if (value !== node.literal.text) {
        fail(`expected ${node.literal.getText()}`);
      }
      return;
    case ts.SyntaxKind.ArrayType:
      if (!Array.isArray(value)) return fail("expected an array");
      value.forEach((item, i) => check(item, node.elementType, `${path}[${i}]`, problems));
      return;
    case ts.SyntaxKind.UnionType: {
      const attempts = node.types.map((member) => {
        const found = [];
        check(value, member, path, found);
        return found;
      });
      if (!attempts.some((found) => found.length === 0)) {
        problems.push(...attempts.sort((a, b) => a.length - b.length)[0]);
      }
      return;
    }
    case ts.SyntaxKind.TypeLiteral:
      return checkMembers(value, node.members, path, problems);
    case ts.SyntaxKind.TypeReference: {
      const name = node.typeName.getText();
      if (name === "Record") {
        if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("expected an object");
        for (const [key, item] of Object.entries(value)) check(item, node.typeArguments[1], `${path}.${key}`, problems);
        return;
      }
      if (name === "Uint8Array") {
        if (!(value instanceof Uint8Array)) fail("expected a Uint8Array");
        return;
      }
      const declaration = types.get(name);
      if (!declaration) return fail(`no declaration of ${name}`);
      if (ts.isTypeAliasDeclaration(declaration)) return check(value, declaration.type, path, problems);
      return checkMembers(value, declaration.members, path, problems);
    }
    default:
      fail(`unsupported type syntax ${ts.SyntaxKind[node.kind]}`);
  }
}

/** An object with exactly the declared properties: required ones present, no others. */
function checkMembers(value, members, path, problems) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected an object`);
    return;
  }
  const declared = new Map();
  for (const member of members) {
    const name = member.name.text;
    declared.set(name, member);
    if (!(name in value)) {
      if (!member.questionToken) problems.push(`${path}: missing ${name}`);
      continue;
    }
    check(value[name], member.type, `${path}.${name}`, problems);
  }
  for (const key of Object.keys(value)) {
    if (!declared.has(key)) problems.push(`${path}: ${key} is not declared`);
  }
}

function conforms(value, typeText) {
  const node = ts.createSourceFile("t.ts", `type T = ${typeText};`, ts.ScriptTarget.Latest, true).statements[0].type;
  const problems = [];
  check(value, node, typeText, problems);
  assert.deepEqual(problems.slice(0, 20), []);
}

test("the functions are declared with the value types", () => {
  const signature = (name) => {
    const fn = functions.get(name);
    assert.ok(fn, `${name} is declared`);
    return `(${fn.parameters.map((p) => p.getText()).join(", ")}) => ${fn.type.getText()}`;
  };
  assert.equal(signature("lint"), "(files: InputFile[], options?: LintOptions | null) => LintReport");
  assert.equal(signature("renderChart"), "(files: InputFile[], options?: LintOptions | null) => RenderResult");
  assert.equal(signature("rules"), "() => RuleDoc[]");
  assert.equal(signature("version"), "() => string");
});

test("reports match LintReport, in both position encodings", () => {
  const files = readTree(join(repo, "examples"), repo);
  const unicode = readTree(join(crate, "tests", "cases", "unicode"));
  for (const options of [{}, { "position-encoding": "utf-16" }]) {
    const report = kubeward.lint([...files, ...unicode], options);
    assert.ok(report.diagnostics.some((d) => d.related.length > 0 && d.object !== null));
    assert.ok(report.diagnostics.some((d) => d.object === null || d.help === null || d.object.namespace === undefined));
    conforms(report, "LintReport");
  }
  const broken = readTree(join(crate, "tests", "cases", "core"));
  conforms(kubeward.lint(broken, configOptions(join(crate, "tests", "cases", "core", ".kubeward.yaml"))), "LintReport");
});

test("rendered charts match RenderResult, problems included", () => {
  const files = readTree(join(repo, "examples"), repo);
  const rendered = kubeward.renderChart(files, { "position-encoding": "utf-16" });
  assert.ok(rendered.files.length > 0);
  conforms(rendered, "RenderResult");
  const failing = files.map((f) =>
    f.path.endsWith("service.yaml") ? { ...f, content: f.content + '\n{{ fail "no port" }}\n' } : f,
  );
  const withProblems = kubeward.renderChart(failing);
  assert.ok(withProblems.problems.length > 0);
  conforms(withProblems, "RenderResult");
});

test("the catalogue matches RuleDoc[]", () => {
  const catalogue = kubeward.rules();
  assert.ok(catalogue.some((rule) => rule.params !== null) && catalogue.some((rule) => rule.params === null));
  conforms(catalogue, "RuleDoc[]");
});

test("the configurations of the test cases are LintOptions", () => {
  for (const name of ["chart-values", "core", "policies"]) {
    conforms(configOptions(join(crate, "tests", "cases", name, ".kubeward.yaml")), "LintOptions");
  }
});
