//! Go text/template semantics, as data: `cases/template.yaml` lists templates, their data
//! (numbers in data are float64, as in Helm values) and the exact output or the error Go
//! gives. Cases follow Go's own exec tests where the data types allow it, plus the value
//! semantics Helm relies on (`missingkey=zero`, shared maps).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use helm_render::template::value::Value;
use helm_render::template::{Funcs, TemplateSet};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    template: String,
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    output: Option<String>,
    /// A substring of the expected error.
    #[serde(default)]
    error: Option<String>,
    /// Extra named templates.
    #[serde(default)]
    defines: Vec<(String, String)>,
    /// `false` for output helm cannot reproduce (the deterministic stand-ins for clock and
    /// randomness); `scripts/helm-oracle` skips such cases.
    #[serde(default)]
    #[allow(dead_code)]
    oracle: Option<bool>,
    /// Why a case is not checked against helm.
    #[serde(default)]
    #[allow(dead_code)]
    reason: Option<String>,
}

/// Go's text/template semantics as helm runs templates: with helm's whole function set
/// (Sprig's `slice` replaces Go's, as in helm), so that every case is a fact
/// `scripts/helm-oracle` checks against helm.
#[test]
fn template_cases() {
    run_cases(
        include_str!("cases/template.yaml"),
        &helm_render::funcs::helm_funcs(),
    );
}

/// Sprig's functions: `cases/sprig.yaml`, with outputs as Helm gives them.
#[test]
fn sprig_cases() {
    run_cases(
        include_str!("cases/sprig.yaml"),
        &helm_render::funcs::sprig_funcs(),
    );
}

/// Helm's serialization functions: `cases/serialize.yaml`, with outputs as Helm gives them.
#[test]
fn serialize_cases() {
    run_cases(
        include_str!("cases/serialize.yaml"),
        &helm_render::funcs::helm_funcs(),
    );
}

/// Every Sprig function, called with every combination of up to three hostile arguments
/// (nil, extreme integers, NaN, huge floats, strings, lists, nested maps), returns or fails
/// without panicking and without unbounded work. Key, certificate and password functions
/// are left out: their inputs are checked by the cases, and each call costs a key or a
/// scrypt derivation.
#[test]
fn sprig_functions_never_panic() {
    let funcs = helm_render::funcs::sprig_funcs();
    let expensive = ["bcrypt", "htpasswd", "derivePassword", "genPrivateKey"];
    let pool = [
        ".nope",
        "-1",
        "9223372036854775807",
        "-9223372036854775808",
        ".nan",
        "1e300",
        "\"\"",
        "\"a,b\"",
        ".list",
        ".map",
    ];
    let mut data = std::collections::BTreeMap::new();
    data.insert("nan".to_owned(), Value::Float(f64::NAN));
    data.insert(
        "list".to_owned(),
        Value::from(vec![Value::Int(1), Value::Nil, Value::from("x")]),
    );
    let mut inner = std::collections::BTreeMap::new();
    inner.insert("b".to_owned(), Value::new_map());
    let mut outer = std::collections::BTreeMap::new();
    outer.insert("a".to_owned(), Value::from(inner));
    data.insert("map".to_owned(), Value::from(outer));
    let data = Value::from(data);
    let names: Vec<&str> = include_str!("cases/sprig_functions.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter(|name| !name.starts_with("gen") && !expensive.contains(name))
        .collect();
    let mut calls = 0;
    for name in names {
        let mut combos: Vec<Vec<&str>> = vec![vec![]];
        for _ in 0..3 {
            let longer: Vec<Vec<&str>> = combos
                .iter()
                .filter(|c| c.len() == combos.last().map_or(0, Vec::len))
                .flat_map(|c| {
                    pool.iter().map(move |arg| {
                        let mut next = c.clone();
                        next.push(arg);
                        next
                    })
                })
                .collect();
            combos.extend(longer);
        }
        for args in combos {
            let template = format!("{{{{ {name} {} }}}}", args.join(" "));
            let mut set = TemplateSet::default();
            set.parse("t", &template, &funcs).unwrap();
            let _ = set.execute("t", &data, &funcs, 1_000_000);
            calls += 1;
        }
    }
    assert!(calls > 10_000);
}

fn run_cases(text: &str, funcs: &Funcs) {
    let parsed = kube_yaml::parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let cases: Vec<Case> =
        kube_yaml::from_node(parsed.documents[0].root.as_ref().unwrap()).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let mut set = TemplateSet::default();
        let mut result = Ok(());
        for (name, body) in &case.defines {
            result = result.and_then(|()| set.parse(name, body, funcs));
        }
        let result = result
            .and_then(|()| set.parse("t", &case.template, funcs))
            .and_then(|()| {
                // Nil data reaches Go's template as no value at all.
                let data = match &case.data {
                    None | Some(serde_json::Value::Null) => Value::Missing,
                    Some(data) => Value::from_json(data),
                };
                set.execute("t", &data, funcs, 1_000_000)
            });
        match (&result, &case.output, &case.error) {
            (Ok(out), Some(expected), None) if &out.text == expected => {}
            (Err(err), None, Some(expected)) if err.to_string().contains(expected.as_str()) => {}
            (Ok(out), _, _) => failures.push(format!(
                "{}: got output {:?}, expected {:?} / error {:?}",
                case.name, out.text, case.output, case.error
            )),
            (Err(err), _, _) => failures.push(format!(
                "{}: got error {err}, expected {:?} / error {:?}",
                case.name, case.output, case.error
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn output_records_where_each_byte_comes_from() {
    let funcs = Funcs::builtin();
    let mut set = TemplateSet::default();
    set.parse("t.yaml", "a: 1\nb: {{ .x }}\n{{- /* c */}}\nc: 3\n", &funcs)
        .unwrap();
    let mut data = std::collections::BTreeMap::new();
    data.insert("x".to_owned(), Value::from("two"));
    let out = set
        .execute("t.yaml", &Value::from(data), &funcs, 1000)
        .unwrap();
    assert_eq!(out.text, "a: 1\nb: two\nc: 3\n");
    let template = "a: 1\nb: {{ .x }}\n{{- /* c */}}\nc: 3\n";
    let at = |needle: &str| out.origin(out.text.find(needle).unwrap()).unwrap();
    assert_eq!(at("b:"), ("t.yaml", template.find("b:").unwrap()));
    assert_eq!(at("two"), ("t.yaml", template.find("{{ .x").unwrap()));
    assert_eq!(at("c: 3"), ("t.yaml", template.find("c: 3").unwrap()));
}

#[test]
fn runaway_templates_stop() {
    let funcs = Funcs::builtin();
    let mut set = TemplateSet::default();
    set.parse(
        "t",
        r#"{{ define "loop" }}{{ template "loop" . }}{{ end }}{{ template "loop" . }}"#,
        &funcs,
    )
    .unwrap();
    let err = set
        .execute("t", &Value::Nil, &funcs, 1_000_000)
        .unwrap_err();
    assert!(err.to_string().contains("maximum template depth"), "{err}");
    let mut set = TemplateSet::default();
    set.parse(
        "t",
        "{{ range 100000 }}{{ range 100000 }}x{{ end }}{{ end }}",
        &funcs,
    )
    .unwrap();
    let err = set.execute("t", &Value::Nil, &funcs, 100_000).unwrap_err();
    assert!(err.to_string().contains("work limit"), "{err}");
}
