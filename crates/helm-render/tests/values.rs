//! Value sources as Helm merges and coalesces them: `cases/values.yaml` (inputs include
//! Helm's strvals and coalesce tests; expectations come from the real helm binary, see
//! `scripts/helm-oracle`). Each case is rendered as `helm template` would: a chart (the
//! case's, or an empty one) whose every chart prints its `.Values` as JSON, with the case's
//! flags; the printed values of the top chart and of each subchart are compared.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use helm_render::{Chart, ChartFile, TemplateOptions, ValueOptions, template};

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ChartSpec {
    #[serde(default)]
    values: Option<String>,
    #[serde(default)]
    metadata: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    dependencies: Vec<SubchartSpec>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SubchartSpec {
    name: String,
    #[serde(default)]
    values: Option<String>,
    #[serde(default)]
    metadata: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    dependencies: Vec<SubchartSpec>,
    #[serde(default)]
    requirement: serde_json::Map<String, serde_json::Value>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    flags: Vec<(String, String)>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    chart: ChartSpec,
    #[serde(default)]
    values: Option<serde_json::Value>,
    #[serde(default)]
    subcharts: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    error: Option<String>,
}

/// The files of a chart that prints its `.Values`, as `scripts/helm-oracle` writes it.
fn chart_files(
    dir: &str,
    name: &str,
    values: Option<&str>,
    fields: &serde_json::Map<String, serde_json::Value>,
    deps: &[SubchartSpec],
    out: &mut Vec<ChartFile>,
) {
    let mut requirements = Vec::new();
    for dep in deps {
        let mut requirement = dep.requirement.clone();
        let declared = requirement
            .remove("declared")
            .is_none_or(|d| d != serde_json::Value::Bool(false));
        if declared {
            let mut entry = serde_json::Map::new();
            entry.insert("name".into(), dep.name.clone().into());
            entry.insert("version".into(), "0.1.0".into());
            entry.extend(requirement);
            requirements.push(serde_json::Value::Object(entry));
        }
        chart_files(
            &format!("{dir}charts/{}/", dep.name),
            &dep.name,
            dep.values.as_deref(),
            &dep.metadata,
            &dep.dependencies,
            out,
        );
    }
    let mut metadata = serde_json::json!({"apiVersion": "v2", "name": name, "version": "0.1.0"});
    for (key, value) in fields {
        metadata[key] = value.clone();
    }
    if !requirements.is_empty() {
        metadata["dependencies"] = serde_json::Value::Array(requirements);
    }
    out.push(ChartFile::new(
        format!("{dir}Chart.yaml"),
        format!("{metadata}\n").into_bytes(),
    ));
    if let Some(values) = values {
        out.push(ChartFile::new(
            format!("{dir}values.yaml"),
            values.as_bytes().to_vec(),
        ));
    }
    out.push(ChartFile::new(
        format!("{dir}templates/out.yaml"),
        b"out: {{ .Values | toJson }}\n".to_vec(),
    ));
}

/// The `.Values` each chart printed, by chart path ("" for the top chart).
fn chart_values(output: &str) -> BTreeMap<String, serde_json::Value> {
    let mut found = BTreeMap::new();
    let mut source = String::new();
    for line in output.lines() {
        if let Some(path) = line.strip_prefix("# Source: ") {
            let parts: Vec<&str> = path.split('/').collect();
            let dirs = &parts[1..parts.len() - 2];
            source = dirs
                .iter()
                .skip(1)
                .step_by(2)
                .copied()
                .collect::<Vec<_>>()
                .join("/");
        } else if let Some(json) = line.strip_prefix("out: ") {
            found.insert(source.clone(), serde_json::from_str(json).unwrap());
        }
    }
    found
}

fn render(case: &Case) -> Result<BTreeMap<String, serde_json::Value>, String> {
    let mut values = ValueOptions::default();
    let mut kube_version = None;
    for (flag, value) in &case.flags {
        match flag.as_str() {
            "--kube-version" => kube_version = Some(value.clone()),
            "--set" => values.set.push(value.clone()),
            "--set-string" => values.set_string.push(value.clone()),
            "--set-json" => values.set_json.push(value.clone()),
            "--set-literal" => values.set_literal.push(value.clone()),
            "-f" | "--values" => values
                .files
                .push((value.clone(), case.files[value].clone())),
            "--set-file" => values.set_file.push((value.clone(), case.files.clone())),
            other => panic!("{}: unknown flag {other}", case.name),
        }
    }
    let mut files = Vec::new();
    chart_files(
        "",
        "oracle",
        case.chart.values.as_deref(),
        &case.chart.metadata,
        &case.chart.dependencies,
        &mut files,
    );
    let chart = Chart::from_files(files).map_err(|e| e.to_string())?;
    let options = TemplateOptions {
        release_name: "oracle".to_owned(),
        values,
        kube_version,
        ..TemplateOptions::default()
    };
    let release = template(chart, &options).map_err(|e| e.to_string())?;
    Ok(chart_values(&release.output))
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
        match (render(case), &case.values, &case.error) {
            (Ok(mut found), Some(expected), None) => {
                let top = found.remove("").unwrap_or_default();
                if &top != expected {
                    failures.push(format!("{}: got {top}, expected {expected}", case.name));
                }
                if found != case.subcharts {
                    failures.push(format!(
                        "{}: subcharts got {found:?}, expected {:?}",
                        case.name, case.subcharts
                    ));
                }
            }
            (Err(err), None, Some(expected)) => {
                if !expected.contains(err.as_str()) {
                    failures.push(format!(
                        "{}: error {err:?}, helm says {expected:?}",
                        case.name
                    ));
                }
            }
            (Ok(found), _, _) => failures.push(format!(
                "{}: got {found:?}, expected error {:?}",
                case.name, case.error
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
