//! The built-in rules give the same findings on regorus's bytecode virtual machine as on its
//! tree-walking interpreter, Rego's reference here: on every rule's fixtures, on the peers'
//! conformance fixtures and on the shared manifests (beside the repository, as for the
//! conformance test), with every rule on. A lint of many objects runs on the machine, an editor's relint and a
//! small lint on the interpreter (`RuleEngine::Auto`), so a rule that differs would report
//! differently depending on how many files were linted.
//!
//! The machine is regorus's, patched (vendor/regorus/PATCHES.md); the last tests are the
//! patches' reproductions, which fail on the unpatched 0.14.1.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lint_core::{Catalog, Config, Diagnostic, Linter, RuleEngine, SourceFile, SourceSet};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::RegoVM;
use regorus::{Engine, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// YAML files under `dir`, sorted, without kubeward's own configuration files.
fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if (name.ends_with(".yaml") || name.ends_with(".yml"))
            && !name.ends_with("kubeward.yaml")
            && name != "conformance.yaml"
        {
            out.push(path);
        }
    }
}

/// The same linter on each engine.
fn linters(config: &Config) -> (Linter, Linter) {
    let mut config = config.clone();
    config.select = Some(vec!["all".to_owned()]);
    let linter = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
    (
        linter.clone().with_rule_engine(RuleEngine::VirtualMachine),
        linter.with_rule_engine(RuleEngine::Interpreter),
    )
}

/// Where the two engines' reports of `sources` differ, rule by rule.
fn differences(pair: &(Linter, Linter), sources: &SourceSet, label: &str) -> Vec<String> {
    let by_rule = |diagnostics: &[Diagnostic]| {
        let mut rules: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for d in diagnostics {
            rules
                .entry(d.rule.name.clone())
                .or_default()
                .push(format!("{:?} {:?} {}", d.primary, d.related, d.message));
        }
        rules
    };
    let machine = by_rule(&pair.0.lint(sources).diagnostics);
    let interpreter = by_rule(&pair.1.lint(sources).diagnostics);
    let mut rules: Vec<&String> = machine.keys().chain(interpreter.keys()).collect();
    rules.sort();
    rules.dedup();
    rules
        .into_iter()
        .filter(|rule| machine.get(*rule) != interpreter.get(*rule))
        .map(|rule| {
            format!(
                "{label}: {rule}\n  machine:     {:?}\n  interpreter: {:?}",
                machine.get(rule),
                interpreter.get(rule)
            )
        })
        .collect()
}

fn one_file(path: &Path) -> SourceSet {
    let mut sources = SourceSet::new();
    let bytes = std::fs::read(path).unwrap();
    sources.add(SourceFile::from_bytes(path.display().to_string(), &bytes));
    sources
}

#[test]
fn every_rule_fixture_gives_the_same_findings_on_both_engines() {
    let mut fixtures = Vec::new();
    yaml_files(&root().join("rules"), &mut fixtures);
    assert!(fixtures.len() > 200, "rule fixtures not found");
    // One pair of linters per configuration.
    let mut pairs: BTreeMap<PathBuf, (Linter, Linter)> = BTreeMap::new();
    let mut differ = Vec::new();
    for path in &fixtures {
        let own = path.with_extension("kubeward.yaml");
        let config_path = if own.is_file() {
            own
        } else {
            path.with_file_name(".kubeward.yaml")
        };
        let pair = pairs.entry(config_path.clone()).or_insert_with(|| {
            let config = match std::fs::read_to_string(&config_path) {
                Ok(text) => Config::from_yaml(&config_path.display().to_string(), &text).unwrap(),
                Err(_) => Config::default(),
            };
            linters(&config)
        });
        differ.extend(differences(
            pair,
            &one_file(path),
            &path.display().to_string(),
        ));
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn peer_fixtures_give_the_same_findings_on_both_engines() {
    let mut files = Vec::new();
    yaml_files(&root().join("../shared/conformance/rules"), &mut files);
    assert!(
        files.len() > 1000,
        "the peers' fixtures (../shared/conformance/rules) are missing"
    );
    let pair = linters(&Config::default());
    let differ: Vec<String> = files
        .iter()
        .flat_map(|path| differences(&pair, &one_file(path), &path.display().to_string()))
        .collect();
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn shared_manifests_give_the_same_findings_on_both_engines() {
    let mut files = Vec::new();
    yaml_files(&root().join("../shared/corpus/manifests"), &mut files);
    assert!(
        files.len() > 200,
        "the shared manifests (../shared/corpus/manifests) are missing"
    );
    let mut sources = SourceSet::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        sources.add(SourceFile::from_bytes(path.display().to_string(), &bytes));
    }
    let differ = differences(&linters(&Config::default()), &sources, "shared manifests");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// Each rule of `policy` (package `t`) on the interpreter and on the virtual machine.
fn on_both(policy: &str, rules: &[&str]) -> Vec<(String, Value, Value)> {
    let mut engine = Engine::new();
    engine.set_rego_v0(false);
    // As kubeward evaluates rules: a built-in's error makes its value undefined.
    engine.set_strict_builtin_errors(false);
    engine
        .add_policy("t.rego".to_owned(), policy.to_owned())
        .unwrap();
    engine.set_input(Value::new_object());
    let entries: Vec<String> = rules.iter().map(|r| format!("data.t.{r}")).collect();
    let entry_refs: Vec<&str> = entries.iter().map(String::as_str).collect();
    let compiled = engine
        .clone()
        .compile_with_entrypoint(&entry_refs[0].into())
        .unwrap();
    let mut vm = RegoVM::new();
    vm.load_program(Compiler::compile_from_policy(&compiled, &entry_refs).unwrap());
    vm.set_data(Value::new_object()).unwrap();
    vm.set_input(Value::new_object());
    entries
        .iter()
        .map(|entry| {
            let interpreted = engine.eval_rule(entry.clone()).unwrap();
            let machine = vm.execute_entry_point_by_name(entry).unwrap();
            (entry.clone(), interpreted, machine)
        })
        .collect()
}

fn assert_agree(policy: &str, rules: &[&str], expected: &[&str]) {
    for ((entry, interpreted, machine), want) in on_both(policy, rules).into_iter().zip(expected) {
        let want = Value::from_json_str(want).unwrap();
        assert_eq!(interpreted, want, "{entry} on the interpreter");
        assert_eq!(machine, want, "{entry} on the virtual machine");
    }
}

#[test]
fn an_assignment_of_an_undefined_value_fails_the_body() {
    assert_agree(
        r#"package t
import rego.v1
obj := {"a": 1}
f(x) := 1 if x == 1
called := [v | some k in [1, 2]; v := f(k)]
looked_up := [v | some k in ["a", "b"]; v := obj[k]]
negated := [k | some k in ["a", "b"]; v := obj[k]; not v == 2]
"#,
        &["called", "looked_up", "negated"],
        &["[1]", "[1]", r#"["a"]"#],
    );
}

#[test]
fn comprehensions_skip_undefined_terms() {
    assert_agree(
        r#"package t
import rego.v1
f(x) := 1 if x == "a"
array := [f(k) | some k in ["a", "b"]]
object := {k: f(k) | some k in ["a", "b"]}
"#,
        &["array", "object"],
        &["[1]", r#"{"a": 1}"#],
    );
}

#[test]
fn built_ins_the_machine_evaluates_itself_have_their_values() {
    // The machine evaluates these on its registers (`BuiltinKind`); the interpreter calls the
    // built-ins. Every type of argument, and the cases the machine leaves to the built-in.
    assert_agree(
        r#"package t
import rego.v1
values := [null, true, 1, 2.5, "", "x😀", [1], set(), {1}, {}, {"a": {"b": 1}}]
types := [[is_null(v), is_boolean(v), is_number(v), is_string(v), is_array(v), is_set(v), is_object(v)] | some v in values]
counts := [[i, count(v)] | some i, v in values]
gets := [
	object.get({"a": 1}, "a", 0),
	object.get({"a": 1}, "b", 0),
	object.get({"a": null}, "a", 0),
	object.get({1: "one"}, 1, 0),
	object.get({"a": {"b": 1}}, ["a", "b"], 0),
	object.get({"a": {"b": 1}}, ["a", "c"], 0),
	object.get({"a": 1}, [], 0),
	[x | x := object.get("not an object", "a", 0)],
	[x | x := object.get({"a": 1}, input.missing, 0)],
	[x | x := object.get({"a": 1}, "b", input.missing)],
	[x | x := count(input.missing)],
	[x | x := is_string(input.missing)],
]
others := [
	array.concat([1, 2], [3]),
	array.concat([], []),
	[startswith("abc", "ab"), startswith("abc", "b")],
	[endswith("abc", "bc"), endswith("abc", "b")],
	[contains("abc", "b"), contains("abc", "d")],
	[lower("ÀbC"), upper("àBc ß")],
	[x | x := array.concat([1], "no")],
	[x | x := startswith(1, "a")],
	[x | x := endswith("a", null)],
	[x | x := lower(1)],
]
"#,
        &["types", "counts", "gets", "others"],
        &[
            "[[true, false, false, false, false, false, false], \
              [false, true, false, false, false, false, false], \
              [false, false, true, false, false, false, false], \
              [false, false, true, false, false, false, false], \
              [false, false, false, true, false, false, false], \
              [false, false, false, true, false, false, false], \
              [false, false, false, false, true, false, false], \
              [false, false, false, false, false, true, false], \
              [false, false, false, false, false, true, false], \
              [false, false, false, false, false, false, true], \
              [false, false, false, false, false, false, true]]",
            "[[4, 0], [5, 3], [6, 1], [7, 0], [8, 1], [9, 0], [10, 1]]",
            r#"[1, 0, null, "one", 1, 0, {"a": 1}, [], [], [], [], []]"#,
            r#"[[1, 2, 3], [], [true, false], [true, false], [true, false], ["àbc", "ÀBC SS"], [], [], [], []]"#,
        ],
    );
}

#[test]
fn sprintf_formats_as_go_does() {
    // `%q` quotes as Go's strconv.Quote; the text between verbs is copied as it is.
    let policy = r#"package t
import rego.v1
quoted := sprintf("%q", ["plain"])
escaped := sprintf("<%q>", ["a\"b\\c é\u0007\n\t\u0000 ~"])
mixed := sprintf("%s has %d of %v, 100%% ✓ %q", ["pod", 2, ["a"], ""])
padded := sprintf("[%8q][%.2q][%05d]", ["ab", "abc", 42])
"#;
    let expected = [
        r#""plain""#,
        r#"<"a\"b\\c é\a\n\t\x00 ~">"#,
        r#"pod has 2 of ["a"], 100% ✓ """#,
        r#"[    "ab"]["ab"][00042]"#,
    ];
    let rules = ["quoted", "escaped", "mixed", "padded"];
    for ((entry, interpreted, machine), want) in on_both(policy, &rules).into_iter().zip(expected) {
        let want = Value::from(want);
        assert_eq!(interpreted, want, "{entry} on the interpreter");
        assert_eq!(machine, want, "{entry} on the virtual machine");
    }
}

#[test]
fn else_follows_a_body_whose_loop_had_nothing_to_iterate() {
    assert_agree(
        r#"package t
import rego.v1
empty := {}
rule := 1 if {
	some k, _ in empty
	startswith(k, "x")
} else := 2
function(x) := 1 if {
	some k in x
	k == 1
} else := 2
called := function([])
"#,
        &["rule", "called"],
        &["2", "2"],
    );
}

/// Iterating a set or an object: small sets go by position and large ones by range probes,
/// frozen objects by position; every element is visited once, in order, also while a rule
/// called in the loop body iterates sets of its own.
#[test]
fn iterations_visit_every_element_once_in_order() {
    let large = format!(
        "[{}]",
        (1..=40)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert_agree(
        r#"package t
import rego.v1
small := {{"k": i, "v": [i]} | some i in numbers.range(1, 5)}
large := {{"k": i, "v": [i]} | some i in numbers.range(1, 40)}
obj := {sprintf("%02d", [i]): i | some i in numbers.range(1, 30)}
inner(x) := count([e | some e in small; e.k <= x])
from_small := [[e.k, inner(e.k)] | some e in small]
from_large := [e.k | some e in large]
from_object := [[k, v] | some k, v in obj; v % 10 == 0]
mixed := [x | some x in {{"a": 1}, [1], "s", 1, true, null}]
distinct := count({x | some x in [{"a": [1]}, {"a": [1]}, {"a": [2]}]})
"#,
        &[
            "from_small",
            "from_large",
            "from_object",
            "mixed",
            "distinct",
        ],
        &[
            "[[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]",
            &large,
            r#"[["10", 10], ["20", 20], ["30", 30]]"#,
            r#"[null, true, 1, "s", [1], {"a": 1}]"#,
            "2",
        ],
    );
}

/// A function called again with the same arguments in one evaluation has the same value,
/// whether it was remembered or not: calls with equal scalars, with the same object, with
/// objects equal in content but built apart, more distinct calls than are remembered, and
/// functions of `input`.
#[test]
fn functions_called_again_have_the_same_values() {
    assert_agree(
        r#"package t
import rego.v1
f(x) := count([y | some y in numbers.range(1, x)])
g(o) := o.a + count(object.keys(o))
h(n) := object.get(input, "base", 10) + n
obj := {"a": 1, "b": 2}
same := [f(3) | some _ in numbers.range(1, 20)]
distinct := [f(i) | some i in numbers.range(1, 12)]
shared := [g(obj) | some _ in [1, 2, 3]]
built_apart := [g({"a": i, "b": 2}) | some i in [1, 1, 2, 2]]
undefined := [x | some i in [1, 2, 1, 2]; x := object.get({"1": "one"}, sprintf("%d", [i]), "none")]
of_input := [h(1), h(1), h(2)]
"#,
        &[
            "same",
            "distinct",
            "shared",
            "built_apart",
            "undefined",
            "of_input",
        ],
        &[
            &format!("[{}]", ["3"; 20].join(", ")),
            "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]",
            "[3, 3, 3]",
            "[3, 3, 4, 4]",
            r#"["one", "none", "one", "none"]"#,
            "[11, 11, 12]",
        ],
    );
}

/// The machine computes a function once per evaluation for the same arguments: 500 calls of
/// a function that loops over 200 numbers fit in an instruction budget that two of them
/// would nearly use up.
#[test]
fn a_function_called_again_is_not_computed_again() {
    let policy = r#"package t
import rego.v1
expensive(x) := count([y | some y in numbers.range(1, 200); y > x])
calls := [expensive(input.n) | some _ in numbers.range(1, 500)]
"#;
    let mut engine = Engine::new();
    engine.set_rego_v0(false);
    engine
        .add_policy("t.rego".to_owned(), policy.to_owned())
        .unwrap();
    let compiled = engine
        .compile_with_entrypoint(&"data.t.calls".into())
        .unwrap();
    let mut vm = RegoVM::new();
    vm.load_program(Compiler::compile_from_policy(&compiled, &["data.t.calls"]).unwrap());
    vm.set_data(Value::new_object()).unwrap();
    vm.set_input(Value::from_json_str(r#"{"n": 150}"#).unwrap());
    vm.set_max_instructions(20_000);
    let calls = vm.execute_entry_point_by_name("data.t.calls").unwrap();
    let want = format!("[{}]", ["50"; 500].join(", "));
    assert_eq!(calls, Value::from_json_str(&want).unwrap());
}

/// A rule named through an import (`import data.lib.h` then `h.rule`) is called directly:
/// regorus 0.14.1's compiler evaluated the whole imported package, every rule in it, and then
/// picked the one named, on every reference (a fifth of the run's time at 10k objects).
#[test]
fn a_rule_named_through_an_import_is_called_directly() {
    let library = r#"package lib.h
import rego.v1
names contains name if some name in ["a", "b"]
other := count(names)
f(x) := x + 1
"#;
    let policy = r#"package t
import rego.v1
import data.lib.h
import data.lib.h as alias
direct := sort(h.names)
aliased := alias.other
indexed := h.names["a"]
called := h.f(1)
whole := h
"#;
    let mut engine = Engine::new();
    engine.set_rego_v0(false);
    engine
        .add_policy("h.rego".to_owned(), library.to_owned())
        .unwrap();
    engine
        .add_policy("t.rego".to_owned(), policy.to_owned())
        .unwrap();
    engine.set_input(Value::new_object());
    let compile = |entries: &[&str]| {
        let compiled = engine
            .clone()
            .compile_with_entrypoint(&entries[0].into())
            .unwrap();
        Compiler::compile_from_policy(&compiled, entries).unwrap()
    };
    let lookups = |program: &regorus::rvm::program::Program| {
        program
            .instructions
            .iter()
            .filter(|i| {
                matches!(
                    i,
                    regorus::rvm::Instruction::VirtualDataDocumentLookup { .. }
                )
            })
            .count()
    };
    let named = [
        "data.t.direct",
        "data.t.aliased",
        "data.t.indexed",
        "data.t.called",
    ];
    assert_eq!(
        lookups(&compile(&named)),
        0,
        "a named rule went through a lookup"
    );
    // The whole package is still a lookup: the test can tell the two apart.
    assert_eq!(lookups(&compile(&["data.t.whole"])), 1);

    let mut vm = RegoVM::new();
    vm.load_program(compile(&named));
    vm.set_data(Value::new_object()).unwrap();
    vm.set_input(Value::new_object());
    for (entry, want) in named.iter().zip([r#"["a", "b"]"#, "2", r#""a""#, "2"]) {
        let want = Value::from_json_str(want).unwrap();
        assert_eq!(
            engine.eval_rule((*entry).to_owned()).unwrap(),
            want,
            "{entry}"
        );
        assert_eq!(
            vm.execute_entry_point_by_name(entry).unwrap(),
            want,
            "{entry}"
        );
    }
}

/// regorus 0.14.1's virtual machine compiles a rule whose head has a variable key and
/// `contains` (`workloads[ns] contains w`) as a plain set, and refuses a head with two
/// variable keys (`apis[version][kind] := entry`: then no rule could run on the machine). The
/// libraries that use them are evaluated on the interpreter only: the run's indexes
/// (rules/lib/index.rego) and the API lifecycle table (`apis` in rules/lib/lifecycle.rego),
/// which the rules read as data. Nothing that runs on the machine may use such a head or
/// reach those rules.
#[test]
fn rules_on_the_machine_avoid_heads_its_compiler_gets_wrong() {
    let mut files = Vec::new();
    let mut stack = vec![root().join("rules")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rego") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 90, "rules not found");
    let head =
        regex::Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]+\]\s+contains\b|\[[^\]]+\]\[[^\]]+\])")
            .unwrap();
    let mut offending = Vec::new();
    for path in &files {
        let name = path.strip_prefix(root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let interpreted_only =
            name.ends_with("lib/index.rego") || name.ends_with("lib/lifecycle.rego");
        for (number, line) in text.lines().enumerate() {
            if !interpreted_only && head.is_match(line) {
                offending.push(format!("{name}:{}: {line}", number + 1));
            }
            if !name.ends_with("lib/index.rego") && line.contains("kubeward.lib.index") {
                offending.push(format!(
                    "{name}:{}: reads the index library: {line}",
                    number + 1
                ));
            }
            if !name.ends_with("lib/lifecycle.rego") && line.contains("lifecycle.apis") {
                offending.push(format!("{name}:{}: reads `apis`: {line}", number + 1));
            }
        }
    }
    assert!(offending.is_empty(), "{}", offending.join("\n"));
    // The pattern finds what it is for.
    assert!(head.is_match("workloads_by_label[ns][key][value] contains [i, w.object] if {"));
    assert!(head.is_match("workloads[ns] contains [i, w.object] if {"));
    assert!(head.is_match("apis[api_version][kind] := {} if {"));
    assert!(!head.is_match("fields[field] := {key: text |"));
    assert!(!head.is_match("deny contains finding if {"));
}
