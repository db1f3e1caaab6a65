//! Every rule's fixtures, discovered by glob: `rules/<category>/<rule>/pass*.yaml` must give
//! no finding of the rule; `fail*.yaml` must give findings exactly on the lines marked
//! `# fail`, and their rendered diagnostics are snapshotted under `snapshots/rules/`.
//! A `.kubeward.yaml` beside the fixtures configures them (rule parameters, kube version), and
//! `<fixture>.kubeward.yaml` configures one fixture.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::Path;

use lint_core::report::{HumanOptions, human};
use lint_core::{Catalog, Config, Linter, SourceFile, SourceSet};

fn fixture(path: &Path, text: String) -> datatest_stable::Result<()> {
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../rules")
        .canonicalize()?;
    let absolute = path.canonicalize()?;
    let relative = absolute.strip_prefix(&rules_dir).unwrap_or(path);
    let relative = relative.to_string_lossy().replace('\\', "/");
    let parts: Vec<&str> = relative.split('/').collect();
    let [category, rule_dir, file] = parts[..] else {
        return Err(format!("fixture {relative} is not at <category>/<rule>/<file>").into());
    };
    let rule_name = rule_dir.replace('_', "-");
    let catalog = Catalog::builtin().map_err(|e| format!("{e:?}"))?;
    let rule = catalog
        .find(&rule_name)
        .ok_or_else(|| format!("{relative}: no rule `{rule_name}` for this fixture folder"))?
        .clone();
    if rule.meta.category != category {
        return Err(format!(
            "{relative}: rule `{rule_name}` is in category `{}`",
            rule.meta.category
        )
        .into());
    }

    // A fixture's own `<stem>.kubeward.yaml`, else the folder's `.kubeward.yaml`.
    let own_config = path.with_extension("kubeward.yaml");
    let config_path = if own_config.is_file() {
        own_config
    } else {
        path.with_file_name(".kubeward.yaml")
    };
    let mut config = match std::fs::read_to_string(&config_path) {
        Ok(text) => Config::from_yaml(&config_path.display().to_string(), &text)?,
        Err(_) => Config::default(),
    };
    config.select = Some(vec![rule.meta.id.clone()]);
    // Custom resources without their CRD are common in fixtures: that they are not validated
    // says nothing about the fixture's validity.
    if rule.meta.name != "schema-not-found" {
        config.ignore.push("schema-not-found".to_owned());
    }
    let linter = Linter::new(catalog, &config)?;
    let mut sources = SourceSet::new();
    sources.add(SourceFile::new(relative.clone(), text.clone()));
    let report = linter.lint(&sources);

    let own: Vec<_> = report
        .reported()
        .filter(|d| d.rule.id == rule.meta.id)
        .collect();
    let others: Vec<_> = report
        .reported()
        .filter(|d| d.rule.id != rule.meta.id)
        .collect();
    if !others.is_empty() {
        let list: Vec<_> = others
            .iter()
            .map(|d| format!("{} {}", d.rule.name, d.message))
            .collect();
        return Err(format!(
            "{relative}: fixtures must be valid apart from their rule; also found: {list:#?}"
        )
        .into());
    }
    let file_ref = sources.iter().next().unwrap().1;
    let found: BTreeSet<u32> = own
        .iter()
        .map(|d| file_ref.position(d.primary.span.range.start).line)
        .collect();
    if file.starts_with("pass") {
        if !own.is_empty() {
            let list: Vec<_> = own
                .iter()
                .map(|d| {
                    format!(
                        "line {}: {}",
                        file_ref.position(d.primary.span.range.start).line,
                        d.message
                    )
                })
                .collect();
            return Err(format!("{relative}: a pass fixture gave findings: {list:#?}").into());
        }
        return Ok(());
    }
    let marked: BTreeSet<u32> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim_end().ends_with("# fail"))
        .map(|(i, _)| i as u32 + 1)
        .collect();
    if marked.is_empty() {
        return Err(format!(
            "{relative}: a fail fixture must mark its offending lines with `# fail`"
        )
        .into());
    }
    if found != marked {
        let list: Vec<_> = own
            .iter()
            .map(|d| {
                format!(
                    "line {}: {}",
                    file_ref.position(d.primary.span.range.start).line,
                    d.message
                )
            })
            .collect();
        return Err(format!(
            "{relative}: findings on lines {found:?}, `# fail` marks on lines {marked:?}\n{list:#?}"
        )
        .into());
    }
    let rendered = human(
        &report,
        &sources,
        HumanOptions {
            color: false,
            width: 100,
        },
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../snapshots/rules"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let name = format!(
        "{category}__{rule_dir}__{}",
        file.trim_end_matches(".yaml").trim_end_matches(".yml")
    );
    settings.bind(|| insta::assert_snapshot!(name, rendered));
    Ok(())
}

datatest_stable::harness! {
    { test = fixture, root = "../../rules", pattern = r"^[a-z0-9_]+/[a-z0-9_]+/(pass|fail)[^/.]*\.ya?ml$" },
}
