//! Agreement with the peers' own fixtures (`../shared/conformance/rules/`). A rule names the
//! checks of other tools that mean the same thing in its METADATA (`custom.peers`); this test
//! runs the rule over those tools' fixtures:
//!
//! - kube-linter: every object of a kind the rule looks at is a case; objects named
//!   `dont-fire*` must give no finding, the others must.
//! - Kubescape: every `test/<case>/` is a case; a non-empty `expected.json` must give a
//!   finding, on one of its `failedPaths` when it names some.
//! - Trivy: every `good` example must give no finding, every `bad` one must.
//!
//! A disagreement must be listed, with its reason, in `rules/<category>/<rule>/conformance.yaml`
//! (a quirk of the peer, or a known limit of ours). Unlisted disagreements and listed ones that
//! no longer disagree fail the test, and so does agreement below 95%. That file is either the
//! list of disagreements, or a map with `disagreements` and `settings`: per tool, the kubeward
//! configuration that matches the peer's assumptions (say `complete-inventory: true` for a
//! scanner of live clusters), with its reason; the rule runs with it over that tool's fixtures. `docs/conformance.md` is
//! generated from the results (`UPDATE_GENERATED=1` rewrites it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lint_core::yaml::{self, PathSegment};
use lint_core::{Catalog, Config, Linter, Rule, SourceFile, SourceSet, Span};

/// The bar: share of cases where kubeward and the peer agree.
const REQUIRED_AGREEMENT: f64 = 0.95;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/rules")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Disagreement {
    tool: String,
    case: String,
    reason: String,
}

/// The kubeward configuration a peer's fixtures are linted with.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Setting {
    config: serde_json::Value,
    reason: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Listed {
    #[serde(default)]
    settings: BTreeMap<String, Setting>,
    #[serde(default)]
    disagreements: Vec<Disagreement>,
}

/// `conformance.yaml`: a map, or just the list of disagreements.
fn read_listed(path: &Path) -> Listed {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Listed::default();
    };
    let parsed = yaml::parse(&text);
    let Some(root) = parsed.documents.first().and_then(|d| d.root.as_ref()) else {
        return Listed::default();
    };
    let listed = if matches!(root.value, yaml::Value::Seq(_)) {
        yaml::from_node::<Vec<Disagreement>>(root).map(|disagreements| Listed {
            settings: BTreeMap::new(),
            disagreements,
        })
    } else {
        yaml::from_node::<Listed>(root)
    };
    listed.unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(Debug)]
struct Outcome {
    tool: &'static str,
    case: String,
    expected: bool,
    found: bool,
    /// For expected findings with peer paths: whether one of ours is on one of them.
    on_path: Option<bool>,
}

impl Outcome {
    fn agrees(&self) -> bool {
        self.expected == self.found && self.on_path != Some(false)
    }

    fn describe(&self) -> String {
        match (self.expected, self.found, self.on_path) {
            (true, false, _) => "peer reports it, kubeward does not".to_owned(),
            (false, true, _) => "kubeward reports it, the peer does not".to_owned(),
            (true, true, Some(false)) => "both report it, at different nodes".to_owned(),
            _ => "agree".to_owned(),
        }
    }
}

struct Runner {
    linter: Linter,
    rule: Rule,
}

impl Runner {
    fn new(rule: &Rule, setting: Option<&Setting>) -> Self {
        let base = match setting {
            Some(setting) => serde_json::from_value(setting.config.clone())
                .unwrap_or_else(|e| panic!("{}: settings: {e}", rule.meta.name)),
            None => Config::default(),
        };
        let config = Config {
            select: Some(vec![rule.meta.id.clone()]),
            ..base
        };
        Runner {
            linter: Linter::new(Catalog::builtin().unwrap(), &config).unwrap(),
            rule: rule.clone(),
        }
    }

    /// Primary spans of this rule's findings.
    fn findings(&self, sources: &SourceSet) -> Vec<Span> {
        self.linter
            .lint(sources)
            .reported()
            .filter(|d| d.rule.id == self.rule.meta.id)
            .map(|d| d.primary.span)
            .collect()
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn kube_linter(runner: &Runner, check: &str, out: &mut Vec<Outcome>) {
    let dir = shared().join("kube-linter");
    let path = ["yml", "yaml"]
        .iter()
        .map(|ext| dir.join(format!("{check}.{ext}")))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("no kube-linter fixture for check {check}"));
    let text = read(&path);
    let mut sources = SourceSet::new();
    sources.add(SourceFile::new(check, text.clone()));
    let findings = runner.findings(&sources);
    let parsed = yaml::parse(&text);
    for (index, document) in parsed.documents.iter().enumerate() {
        let Some(root) = &document.root else { continue };
        let (Some(kind), name) = (
            root.get("kind").and_then(|k| k.as_str()),
            root.get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(|n| n.as_str())
                .unwrap_or(""),
        ) else {
            continue;
        };
        if !runner.rule.kinds.matches(kind) {
            continue;
        }
        let found = findings.iter().any(|span| {
            span.range.start >= document.range.start && span.range.start <= document.range.end
        });
        out.push(Outcome {
            tool: "kube-linter",
            case: format!("{check}#{index} ({kind} {name})"),
            expected: !name.starts_with("dont-fire"),
            found,
            on_path: None,
        });
    }
}

fn kubescape(runner: &Runner, check: &str, out: &mut Vec<Outcome>) {
    let tests = shared().join("kubescape").join(check).join("test");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&tests)
        .unwrap_or_else(|e| panic!("{}: {e}", tests.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    for case in cases {
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(case.join("input"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        inputs.sort();
        let mut sources = SourceSet::new();
        for input in &inputs {
            sources.add(SourceFile::new(
                input.file_name().unwrap().to_string_lossy(),
                read(input),
            ));
        }
        let expected: serde_json::Value =
            serde_json::from_str(&read(&case.join("expected.json"))).unwrap();
        let alerts = expected.as_array().cloned().unwrap_or_default();
        let findings = runner.findings(&sources);
        let failed_paths: Vec<String> = alerts
            .iter()
            .flat_map(|alert| alert["failedPaths"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| p.as_str().map(str::to_owned))
            .filter(|p| !p.starts_with("relatedObjects"))
            .collect();
        let on_path = (!alerts.is_empty() && !findings.is_empty() && !failed_paths.is_empty())
            .then(|| {
                findings
                    .iter()
                    .any(|span| on_any_path(&sources, *span, &failed_paths))
            });
        out.push(Outcome {
            tool: "kubescape",
            case: format!("{check}/{}", case.file_name().unwrap().to_string_lossy()),
            expected: !alerts.is_empty(),
            found: !findings.is_empty(),
            on_path,
        });
    }
}

/// `spec.containers[0].securityContext.privileged` → path segments.
fn parse_path(path: &str) -> Vec<PathSegment> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                segments.push(PathSegment::Key(rest[..open].to_owned()));
            }
            rest = &rest[open..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let close = stripped.find(']').unwrap_or(stripped.len());
                segments.push(PathSegment::Index(stripped[..close].parse().unwrap_or(0)));
                rest = stripped.get(close + 1..).unwrap_or("");
            }
        } else {
            segments.push(PathSegment::Key(rest.to_owned()));
        }
    }
    segments
}

/// Whether a finding lies on (or inside, or around) the node of one of the peer's paths.
fn on_any_path(sources: &SourceSet, span: Span, paths: &[String]) -> bool {
    let file = sources.get(span.source).unwrap();
    let parsed = yaml::parse(file.text());
    let Some(root) = parsed
        .documents
        .iter()
        .find(|d| span.range.start >= d.range.start && span.range.start <= d.range.end)
        .and_then(|d| d.root.as_ref())
    else {
        return false;
    };
    paths.iter().any(|path| {
        let found = root.lookup(&parse_path(path));
        let node = found.node.range;
        let label = found.label_range();
        let overlaps = |r: lint_core::TextRange| {
            span.range.start < r.end.max(r.start + 1)
                && r.start < span.range.end.max(span.range.start + 1)
        };
        overlaps(node) || overlaps(label)
    })
}

#[derive(serde::Deserialize)]
struct TrivyFile {
    kubernetes: TrivyExamples,
}

#[derive(serde::Deserialize)]
struct TrivyExamples {
    #[serde(default)]
    good: Vec<String>,
    #[serde(default)]
    bad: Vec<String>,
}

fn trivy(runner: &Runner, check: &str, out: &mut Vec<Outcome>) {
    let path = shared().join("trivy").join(format!("{check}.yaml"));
    let text = read(&path);
    let parsed = yaml::parse(&text);
    let examples: TrivyFile = yaml::from_node(parsed.documents[0].root.as_ref().unwrap()).unwrap();
    for (label, list, expected) in [
        ("good", &examples.kubernetes.good, false),
        ("bad", &examples.kubernetes.bad, true),
    ] {
        for (i, example) in list.iter().enumerate() {
            let mut sources = SourceSet::new();
            sources.add(SourceFile::new(
                format!("{check}-{label}-{i}.yaml"),
                example.clone(),
            ));
            out.push(Outcome {
                tool: "trivy",
                case: format!("{check}#{label}[{i}]"),
                expected,
                found: !runner.findings(&sources).is_empty(),
                on_path: None,
            });
        }
    }
}

#[test]
fn rules_agree_with_the_peers_fixtures() {
    assert!(shared().is_dir(), "missing {}", shared().display());
    let catalog = Catalog::builtin().unwrap();
    let mut problems = Vec::new();
    let mut report = String::from(
        "# Conformance with peers' fixtures\n\nGenerated by `crates/lint-core/tests/conformance.rs` \
         (`UPDATE_GENERATED=1 cargo test -p lint-core --test conformance` rewrites it). Each rule \
         runs over the fixtures of the checks that mean the same thing in kube-linter, Kubescape \
         and Trivy; disagreements are listed with their reasons.\n\n",
    );
    let mut rows = String::new();
    let mut listed_reasons = String::new();
    let mut setting_rows = String::new();
    let (mut total, mut agreeing) = (0usize, 0usize);
    for rule in catalog.rules() {
        let tested: BTreeMap<&str, &Vec<String>> = rule
            .meta
            .peers
            .iter()
            .filter(|(tool, _)| matches!(tool.as_str(), "kube-linter" | "kubescape" | "trivy"))
            .map(|(tool, checks)| (tool.as_str(), checks))
            .collect();
        if tested.is_empty() {
            continue;
        }
        let listed_path = root()
            .join("rules")
            .join(rule.meta.path.trim_end_matches(".rego"))
            .join("conformance.yaml");
        let Listed {
            settings,
            disagreements: listed,
        } = read_listed(&listed_path);
        for (tool, setting) in &settings {
            assert!(
                tested.contains_key(tool.as_str()),
                "{}: settings for {tool}, which the rule does not name as a peer",
                listed_path.display()
            );
            assert!(
                !setting.reason.trim().is_empty(),
                "{}: the settings for {tool} have no reason",
                listed_path.display()
            );
            let _ = writeln!(
                setting_rows,
                "| `{}` | {tool} | `{}` | {} |",
                rule.meta.name,
                setting.config,
                setting.reason.trim().replace('\n', " ")
            );
        }
        let mut outcomes = Vec::new();
        for (tool, checks) in &tested {
            let runner = Runner::new(rule, settings.get(*tool));
            for check in *checks {
                match *tool {
                    "kube-linter" => kube_linter(&runner, check, &mut outcomes),
                    "kubescape" => kubescape(&runner, check, &mut outcomes),
                    _ => trivy(&runner, check, &mut outcomes),
                }
            }
        }
        let mut listed_cases: BTreeSet<(String, String)> = BTreeSet::new();
        for entry in &listed {
            assert!(
                !entry.reason.trim().is_empty(),
                "{}: {} has no reason",
                listed_path.display(),
                entry.case
            );
            listed_cases.insert((entry.tool.clone(), entry.case.clone()));
        }
        let mut seen = BTreeSet::new();
        let mut rule_agree = 0;
        for outcome in &outcomes {
            total += 1;
            let key = (outcome.tool.to_owned(), outcome.case.clone());
            seen.insert(key.clone());
            let is_listed = listed_cases.contains(&key);
            if outcome.agrees() {
                agreeing += 1;
                rule_agree += 1;
                if is_listed {
                    problems.push(format!(
                        "{}: listed disagreement now agrees: {} {}",
                        rule.meta.name, outcome.tool, outcome.case
                    ));
                }
            } else if !is_listed {
                problems.push(format!(
                    "{}: unlisted disagreement with {} on {}: {}",
                    rule.meta.name,
                    outcome.tool,
                    outcome.case,
                    outcome.describe()
                ));
            }
        }
        for (tool, case) in &listed_cases {
            if !seen.contains(&(tool.clone(), case.clone())) {
                problems.push(format!(
                    "{}: listed case {tool} {case} does not exist",
                    rule.meta.name
                ));
            }
        }
        let checks: Vec<String> = tested
            .iter()
            .flat_map(|(tool, checks)| checks.iter().map(move |c| format!("{tool} `{c}`")))
            .collect();
        let _ = writeln!(
            rows,
            "| [`{}`](rules/{}.md) | {} | {}/{} |",
            rule.meta.name,
            rule.meta.name,
            checks.join(", "),
            rule_agree,
            outcomes.len()
        );
        for entry in &listed {
            let _ = writeln!(
                listed_reasons,
                "| `{}` | {} | `{}` | {} |",
                rule.meta.name,
                entry.tool,
                entry.case,
                entry.reason.trim().replace('\n', " ")
            );
        }
    }
    let ratio = if total == 0 {
        1.0
    } else {
        agreeing as f64 / total as f64
    };
    let _ = write!(
        report,
        "Agreement: **{agreeing} of {total} cases ({:.1}%)**; the bar is {:.0}%.\n\n| rule | peer checks | agreeing cases |\n| --- | --- | --- |\n{rows}",
        ratio * 100.0,
        REQUIRED_AGREEMENT * 100.0
    );
    if !setting_rows.is_empty() {
        let _ = write!(
            report,
            "\n## Settings\n\nThese rules run over a peer's fixtures with the configuration that \
             matches the peer's assumptions.\n\n| rule | tool | configuration | reason |\n\
             | --- | --- | --- | --- |\n{setting_rows}"
        );
    }
    if !listed_reasons.is_empty() {
        let _ = write!(
            report,
            "\n## Disagreements\n\n| rule | tool | case | reason |\n| --- | --- | --- | --- |\n{listed_reasons}"
        );
    }
    let doc = root().join("docs/conformance.md");
    if std::fs::read_to_string(&doc).unwrap_or_default() != report {
        if std::env::var_os("UPDATE_GENERATED").is_some() {
            std::fs::write(&doc, &report).unwrap();
        } else {
            problems.push("docs/conformance.md is stale (UPDATE_GENERATED=1 cargo test -p lint-core --test conformance)".to_owned());
        }
    }
    if ratio < REQUIRED_AGREEMENT {
        problems.push(format!(
            "agreement {:.1}% is below {:.0}%",
            ratio * 100.0,
            REQUIRED_AGREEMENT * 100.0
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
