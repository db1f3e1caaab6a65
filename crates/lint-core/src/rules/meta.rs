//! The `# METADATA` block above a rule's package: the single source of truth for its id,
//! name, severity, documentation and parameters. regorus drops comments, so it is read here.

use serde::Deserialize;

use super::block::metadata_block;
use crate::diagnostic::Severity;
use crate::yaml::{self, from_node};

/// Everything a rule says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleMeta {
    /// Stable id, e.g. `KW301`.
    pub id: String,
    /// Stable kebab-case name, e.g. `image-latest-tag`.
    pub name: String,
    /// One line.
    pub title: String,
    /// Why it matters (Markdown).
    pub description: String,
    /// Default severity.
    pub severity: Severity,
    /// Object kinds or kind groups (`workload`, `rbac`, `*`) the rule looks at.
    pub kinds: Vec<String>,
    /// How to fix a finding: an imperative sentence.
    pub remediation: String,
    /// Links.
    pub references: Vec<String>,
    /// JSON Schema of the rule's parameters, with defaults.
    pub params: Option<serde_json::Value>,
    /// Former ids and names that still select the rule.
    pub aliases: Vec<String>,
    /// Off by default: the rule runs only when the selection names it (by id, name, category or
    /// `all`) or `enable` adds it. For checks that encode one policy among several reasonable
    /// ones (pinning by digest, CPU limits), which would be noise in most repositories.
    pub opt_in: bool,
    /// The same check in other tools: tool name → check names (`kube-linter`, `kubescape`,
    /// `trivy` are verified against their fixtures; others are documentation).
    pub peers: std::collections::BTreeMap<String, Vec<String>>,
    /// The folder the rule lives in (`rbac`, `images`, ...).
    pub category: String,
    /// Path of the rule file, relative to its rules directory.
    pub path: String,
}

/// A broken rule file: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The rule file as the user knows it.
    pub path: String,
    /// 1-based line, if known.
    pub line: Option<u32>,
    /// 1-based column, if known.
    pub column: Option<u32>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for RuleError {}

impl RuleError {
    /// An error as regorus reports it: `--> path:line:col`, a snippet, then `error: ...`.
    pub(crate) fn from_regorus(path: &str, message: &str) -> Self {
        let location = message
            .lines()
            .find_map(|line| line.trim().strip_prefix("--> "))
            .and_then(|location| {
                let mut parts = location.rsplitn(3, ':');
                let column = parts.next()?.trim().parse().ok()?;
                let line = parts.next()?.trim().parse().ok()?;
                Some((line, column))
            });
        let summary = message
            .lines()
            .rev()
            .find_map(|line| line.trim().strip_prefix("error: "))
            .unwrap_or(message.trim());
        Self {
            path: path.to_owned(),
            line: location.map(|l| l.0),
            column: location.map(|l| l.1),
            message: summary.to_owned(),
        }
    }

    pub(crate) fn new(path: &str, line: Option<u32>, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            line,
            column: None,
            message: message.into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    title: String,
    description: String,
    custom: RawCustom,
    // Standard OPA annotation keys, accepted and unused.
    #[serde(default)]
    #[allow(dead_code)]
    scope: Option<serde_json::Value>,
    #[serde(default)]
    #[allow(dead_code)]
    authors: Option<serde_json::Value>,
    #[serde(default)]
    #[allow(dead_code)]
    organizations: Option<serde_json::Value>,
    #[serde(default)]
    #[allow(dead_code)]
    related_resources: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustom {
    id: String,
    name: String,
    severity: Severity,
    kinds: Vec<String>,
    remediation: String,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    params: Option<serde_json::Value>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default, rename = "opt-in")]
    opt_in: bool,
    #[serde(default)]
    peers: std::collections::BTreeMap<String, Vec<String>>,
}

/// Reads and validates the METADATA of a rule file. `path` is relative to the rules
/// directory (`<category>/<rule_name>.rego`); `display` is how errors name the file.
pub fn parse_metadata(path: &str, display: &str, text: &str) -> Result<RuleMeta, RuleError> {
    let block = metadata_block(text)
        .ok_or_else(|| RuleError::new(display, None, "rule has no `# METADATA` block"))?;
    let error_at = |offset: u32, message: String| {
        let (line, column) = block.locate(offset);
        RuleError {
            path: display.to_owned(),
            line,
            column,
            message,
        }
    };
    let parsed = yaml::parse(&block.yaml);
    if let Some(err) = parsed.errors.first() {
        return Err(error_at(
            err.range.start,
            format!("METADATA is not valid YAML: {}", err.message),
        ));
    }
    let root = parsed
        .documents
        .into_iter()
        .find_map(|doc| doc.root)
        .ok_or_else(|| {
            RuleError::new(
                display,
                block.lines.first().map(|l| l.0),
                "METADATA is empty",
            )
        })?;
    let raw: RawMeta = from_node(&root).map_err(|err| {
        error_at(
            err.range.map_or(0, |r| r.start),
            format!("invalid METADATA: {}", err.message),
        )
    })?;
    let located = |key: &str| {
        root.get("custom")
            .and_then(|custom| custom.get(key))
            .map_or(0, |node| node.range.start)
    };
    checked(raw, path, display, true, |key, message| {
        error_at(located(key), message)
    })
}

/// The METADATA of a built-in rule, as JSON: the build script (build.rs) reads each built-in
/// rule's block as YAML when the crate is built, since parsing the catalogue's YAML was most
/// of every run's start-up. The same checks apply, except that the parameters' schema is not
/// checked against the JSON Schema meta-schema here (building that validator took a few
/// milliseconds of every run): the test `builtin_parameter_schemas_and_defaults_are_valid`
/// does it for every built-in rule.
pub(crate) fn builtin_metadata(
    path: &str,
    display: &str,
    json: &str,
) -> Result<RuleMeta, RuleError> {
    let raw: RawMeta = serde_json::from_str(json)
        .map_err(|err| RuleError::new(display, None, format!("invalid METADATA: {err}")))?;
    checked(raw, path, display, false, |_, message| {
        RuleError::new(display, None, message)
    })
}

/// Checks what a rule says about itself; `error_at` makes an error at a key of `custom`.
fn checked(
    raw: RawMeta,
    path: &str,
    display: &str,
    check_params_meta_schema: bool,
    error_at: impl Fn(&str, String) -> RuleError,
) -> Result<RuleMeta, RuleError> {
    let (category, stem) = split_rule_path(path).ok_or_else(|| {
        RuleError::new(
            display,
            None,
            "a rule file must be at `<category>/<rule_name>.rego`",
        )
    })?;
    let custom = raw.custom;
    if !is_kebab(&custom.name) {
        return Err(error_at(
            "name",
            format!("rule name `{}` must be kebab-case", custom.name),
        ));
    }
    if custom.name.replace('-', "_") != stem {
        return Err(error_at(
            "name",
            format!(
                "rule name `{}` does not match its file name `{stem}.rego` (expected `{}`)",
                custom.name,
                stem.replace('_', "-")
            ),
        ));
    }
    if !is_rule_id(&custom.id) {
        return Err(error_at(
            "id",
            format!(
                "rule id `{}` must be letters followed by digits, like KW301",
                custom.id
            ),
        ));
    }
    if custom.kinds.is_empty() {
        return Err(error_at(
            "kinds",
            "`kinds` must name at least one kind or group".to_owned(),
        ));
    }
    if !custom.remediation.trim_end().ends_with('.') {
        return Err(error_at(
            "remediation",
            "`remediation` must be a sentence ending with a period".to_owned(),
        ));
    }
    if let Some(params) = &custom.params {
        if let Err(message) = check_params_schema(params, check_params_meta_schema) {
            return Err(error_at("params", message));
        }
    }
    Ok(RuleMeta {
        id: custom.id,
        name: custom.name,
        title: raw.title.trim().to_owned(),
        description: raw.description.trim().to_owned(),
        severity: custom.severity,
        kinds: custom.kinds,
        remediation: custom.remediation.trim().to_owned(),
        references: custom.references,
        params: custom.params,
        aliases: custom.aliases,
        opt_in: custom.opt_in,
        peers: custom.peers,
        category: category.to_owned(),
        path: path.to_owned(),
    })
}

/// `<category>/<stem>.rego` → (category, stem).
pub(crate) fn split_rule_path(path: &str) -> Option<(&str, &str)> {
    let (category, file) = path.split_once('/')?;
    let stem = file.strip_suffix(".rego")?;
    let valid = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
    };
    (valid(category) && valid(stem)).then_some((category, stem))
}

fn is_kebab(name: &str) -> bool {
    name.split('-').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    }) && name.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

fn is_rule_id(id: &str) -> bool {
    let letters = id.bytes().take_while(u8::is_ascii_uppercase).count();
    let rest = id.get(letters..).unwrap_or("");
    letters > 0 && !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
}

/// A parameter schema must describe an object, and must itself be a valid JSON Schema (checked
/// against the meta-schema when `meta_schema`).
fn check_params_schema(schema: &serde_json::Value, meta_schema: bool) -> Result<(), String> {
    if schema.get("type").and_then(serde_json::Value::as_str) != Some("object") {
        return Err("`params` must be a JSON Schema with `type: object`".to_owned());
    }
    if meta_schema {
        jsonschema::meta::validate(schema)
            .map_err(|err| format!("`params` is not a valid JSON Schema: {err}"))?;
    }
    Ok(())
}

/// The parameters' defaults, as the schema's `properties.*.default` give them.
pub fn default_params(
    schema: Option<&serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut params = serde_json::Map::new();
    let Some(properties) = schema
        .and_then(|s| s.get("properties"))
        .and_then(serde_json::Value::as_object)
    else {
        return params;
    };
    for (key, property) in properties {
        if let Some(default) = property.get("default") {
            params.insert(key.clone(), default.clone());
        }
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = "# METADATA\n# title: Something\n# description: |\n#   Why.\n# custom:\n#   id: KW999\n#   name: some-rule\n#   severity: warning\n#   kinds: [Pod]\n#   remediation: Do it.\npackage kubeward.rules.test.some_rule\n";

    #[test]
    fn reads_metadata() {
        let meta = parse_metadata("test/some_rule.rego", "test/some_rule.rego", RULE).unwrap();
        assert_eq!(meta.id, "KW999");
        assert_eq!(meta.severity, Severity::Warning);
        assert_eq!(meta.description, "Why.");
        assert_eq!(meta.category, "test");
    }

    #[test]
    fn errors_name_the_rule_file_line() {
        let broken = RULE.replace("severity: warning", "severity: fatal");
        let err =
            parse_metadata("test/some_rule.rego", "x/test/some_rule.rego", &broken).unwrap_err();
        assert_eq!(err.line, Some(8));
        assert_eq!(err.column, Some(15));
        assert!(
            err.message.contains("unknown variant `fatal`"),
            "{}",
            err.message
        );

        let renamed = RULE.replace("name: some-rule", "name: other-rule");
        let err =
            parse_metadata("test/some_rule.rego", "test/some_rule.rego", &renamed).unwrap_err();
        assert_eq!(err.line, Some(7));
        assert!(err.message.contains("does not match its file name"));

        let typo = RULE.replace("kinds:", "kind:");
        let err = parse_metadata("test/some_rule.rego", "test/some_rule.rego", &typo).unwrap_err();
        assert!(
            err.message.contains("unknown field `kind`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn params_must_be_an_object_schema() {
        let with_params = RULE.replace(
            "#   remediation: Do it.\n",
            "#   remediation: Do it.\n#   params:\n#     type: object\n#     properties:\n#       limit: {type: integer, default: 3}\n",
        );
        let meta =
            parse_metadata("test/some_rule.rego", "test/some_rule.rego", &with_params).unwrap();
        assert_eq!(default_params(meta.params.as_ref())["limit"], 3);
        let bad = RULE.replace(
            "#   remediation: Do it.\n",
            "#   remediation: Do it.\n#   params: {type: string}\n",
        );
        assert!(parse_metadata("test/some_rule.rego", "test/some_rule.rego", &bad).is_err());
    }
}
