//! Value sources as Helm merges them: `cases/values.yaml` (inputs include Helm's strvals
//! tests; expectations come from the real helm binary, see `scripts/helm-oracle`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use helm_render::chart::Chart;
use helm_render::template::value::Value;
use helm_render::values::{ValueOptions, coalesce_values};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    flags: Vec<(String, String)>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    values: Option<serde_json::Value>,
    #[serde(default)]
    error: Option<String>,
}

#[test]
fn value_cases() {
    let text = include_str!("cases/values.yaml");
    let parsed = kube_yaml::parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let cases: Vec<Case> =
        kube_yaml::from_node(parsed.documents[0].root.as_ref().unwrap()).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let mut options = ValueOptions::default();
        for (flag, value) in &case.flags {
            match flag.as_str() {
                "--set" => options.set.push(value.clone()),
                "--set-string" => options.set_string.push(value.clone()),
                "--set-json" => options.set_json.push(value.clone()),
                "--set-literal" => options.set_literal.push(value.clone()),
                "-f" | "--values" => options
                    .files
                    .push((value.clone(), case.files[value].clone())),
                "--set-file" => options.set_file.push((value.clone(), case.files.clone())),
                other => panic!("{}: unknown flag {other}", case.name),
            }
        }
        let result = options
            .merge()
            .map(|merged| coalesce_values(&Chart::default(), &merged));
        match (&result, &case.values, &case.error) {
            (Ok(values), Some(expected), None) => {
                let got = Value::from(values.clone()).to_json().unwrap();
                if &got != expected {
                    failures.push(format!("{}: got {got}, expected {expected}", case.name));
                }
            }
            (Err(err), None, Some(expected)) => {
                if !expected.starts_with(err.as_str()) && !expected.contains(err.as_str()) {
                    failures.push(format!(
                        "{}: error {err:?}, helm says {expected:?}",
                        case.name
                    ));
                }
            }
            (Ok(values), _, _) => failures.push(format!(
                "{}: got {:?}, expected error {:?}",
                case.name,
                Value::from(values.clone()).to_json(),
                case.error
            )),
            (Err(err), _, _) => failures.push(format!(
                "{}: got error {err}, expected {:?}",
                case.name, case.values
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
