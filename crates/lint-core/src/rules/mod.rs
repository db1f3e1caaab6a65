//! The rule catalogue. The `rules/` folder is the registry: every `<category>/<rule>.rego`
//! file is a rule (embedded at build time), `lib/` holds shared Rego helpers, and user rule
//! directories follow the same layout.

mod block;
mod doc;
mod engine;
mod index;
mod lifecycle;
mod meta;
mod value;

pub use doc::{catalog_entry, markdown};
pub use engine::{MACHINE_THRESHOLD, RuleEngine};
pub(crate) use engine::{Outcomes, Program, ProgramId, RawFinding, RuleOutcome};
pub use meta::{RuleError, RuleMeta, default_params, parse_metadata};
pub(crate) use value::{Keys, to_rego};

use std::collections::HashMap;

use crate::objects::WORKLOAD_KINDS;

/// A Rego source file: a rule or a helper library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    /// Path relative to its rules directory, with `/` separators (`rbac/rbac_wildcard.rego`).
    pub path: String,
    /// How messages name the file (the path the user gave, or `rules/...` for built-ins).
    pub display: String,
    /// The Rego source.
    pub text: String,
}

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Shipped with kubeward.
    Builtin,
    /// Loaded from a `--policy` directory.
    User,
}

/// Which objects a rule looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindSet {
    /// Every object.
    All,
    /// Objects of these kinds.
    Kinds(Vec<String>),
}

impl KindSet {
    /// Whether a kind is selected.
    pub fn matches(&self, kind: &str) -> bool {
        match self {
            KindSet::All => true,
            KindSet::Kinds(kinds) => kinds.iter().any(|k| k == kind),
        }
    }
}

/// Kind groups rules may name instead of kinds.
pub const KIND_GROUPS: &[(&str, &[&str])] = &[
    ("workload", WORKLOAD_KINDS),
    (
        "rbac",
        &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
    ),
    ("role", &["Role", "ClusterRole"]),
    ("binding", &["RoleBinding", "ClusterRoleBinding"]),
];

fn kind_set(kinds: &[String]) -> Result<KindSet, String> {
    let mut expanded = Vec::new();
    for kind in kinds {
        if kind == "*" {
            return Ok(KindSet::All);
        }
        if let Some((_, members)) = KIND_GROUPS.iter().find(|(group, _)| group == kind) {
            expanded.extend(members.iter().map(|m| (*m).to_owned()));
        } else if kind.starts_with(|c: char| c.is_ascii_uppercase()) {
            expanded.push(kind.clone());
        } else {
            let groups: Vec<_> = KIND_GROUPS.iter().map(|(g, _)| *g).collect();
            return Err(format!(
                "unknown kind group `{kind}` (groups: {}, or `*`; kinds are CamelCase)",
                groups.join(", ")
            ));
        }
    }
    expanded.sort();
    expanded.dedup();
    Ok(KindSet::Kinds(expanded))
}

/// A rule of the catalogue.
#[derive(Debug, Clone)]
pub struct Rule {
    /// What the rule says about itself.
    pub meta: RuleMeta,
    /// Built-in or user.
    pub origin: Origin,
    /// Objects it looks at.
    pub kinds: KindSet,
    /// The Rego package (`kubeward.rules.<category>.<rule>`).
    pub package: String,
}

impl Rule {
    /// Core rules (YAML errors, invalid objects, unused suppressions) are checked by the
    /// core itself; their Rego file only carries the METADATA.
    pub fn is_core(&self) -> bool {
        self.origin == Origin::Builtin && self.meta.category == CORE_CATEGORY
    }

    /// Whether `key` (an id, name or alias) names this rule.
    pub fn is_named(&self, key: &str) -> bool {
        self.meta.id.eq_ignore_ascii_case(key)
            || self.meta.name == key
            || self.meta.aliases.iter().any(|alias| alias == key)
    }

    /// The key of this rule's parameters in `data.kubeward.params`.
    pub fn params_key(&self) -> String {
        self.meta.name.replace('-', "_")
    }

    /// Where the rule is documented.
    pub fn url(&self) -> Option<String> {
        (self.origin == Origin::Builtin).then(|| format!("{DOCS_URL}/{}.md", self.meta.name))
    }
}

/// Base of the built-in rules' documentation.
pub const DOCS_URL: &str = "https://github.com/kubeward/kubeward/blob/main/docs/rules";

/// The folder of rules the core checks itself.
pub const CORE_CATEGORY: &str = "core";
/// The folder of shared Rego helpers.
pub const LIB_FOLDER: &str = "lib";

/// Ids of the core rules, which the core emits by name.
pub(crate) mod core_ids {
    pub const YAML_SYNTAX: &str = "yaml-syntax-error";
    pub const DUPLICATE_KEY: &str = "yaml-duplicate-key";
    pub const INVALID_OBJECT: &str = "invalid-object";
    pub const UNUSED_SUPPRESSION: &str = "unused-suppression";
    pub const RULE_ERROR: &str = "rule-evaluation-error";
    pub const RENDER_ERROR: &str = "helm-render-error";
    pub const SCHEMA_VIOLATION: &str = "schema-violation";
    pub const SCHEMA_NOT_FOUND: &str = "schema-not-found";
}

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

/// The built-in Rego files, as `(path relative to rules/, text)`.
pub fn builtin_files() -> impl Iterator<Item = PolicyFile> {
    builtin::FILES.iter().map(|(path, text)| PolicyFile {
        path: (*path).to_owned(),
        display: format!("rules/{path}"),
        text: (*text).to_owned(),
    })
}

/// The text of the built-in file at `path` (relative to rules/).
fn builtin_file(path: &str) -> Option<&'static str> {
    by_path(builtin::FILES, path)
}

/// A built-in rule's METADATA as JSON, as the build script read it.
fn builtin_metadata_json(path: &str) -> Option<&'static str> {
    by_path(builtin::METADATA, path)
}

/// The entry for `path` in a table of the build script's, sorted by path.
fn by_path(table: &'static [(&str, &'static str)], path: &str) -> Option<&'static str> {
    let found = table.binary_search_by(|(entry, _)| (*entry).cmp(path));
    found
        .ok()
        .and_then(|at| table.get(at))
        .map(|(_, value)| *value)
}

/// The documentation examples of a built-in rule: `(is_failing, yaml)`, fail first.
pub fn examples(rule: &Rule) -> impl Iterator<Item = (bool, &'static str)> + '_ {
    builtin::EXAMPLES
        .iter()
        .filter(move |(path, _, _)| rule.origin == Origin::Builtin && *path == rule.meta.path)
        .map(|(_, kind, text)| (*kind == "fail", *text))
}

/// All rules, built-in and user, and the Rego files that implement them.
#[derive(Debug, Clone)]
pub struct Catalog {
    rules: Vec<Rule>,
    /// Rego source per rule (same order as `rules`).
    sources: Vec<PolicyFile>,
    libraries: Vec<PolicyFile>,
    /// Whether any rule or library came from the user.
    has_user_files: bool,
}

impl Catalog {
    /// The built-in catalogue.
    ///
    /// ```
    /// let catalog = lint_core::Catalog::builtin().unwrap();
    /// assert!(catalog.find("image-latest-tag").is_some());
    /// ```
    pub fn builtin() -> Result<Self, Vec<RuleError>> {
        Self::load(Vec::new())
    }

    /// The built-in catalogue plus user rule files (each with its path relative to its
    /// rules directory). Every broken file is reported.
    pub fn load(user_files: Vec<PolicyFile>) -> Result<Self, Vec<RuleError>> {
        let mut catalog = Catalog {
            rules: Vec::new(),
            sources: Vec::new(),
            libraries: Vec::new(),
            has_user_files: !user_files.is_empty(),
        };
        let mut errors = Vec::new();
        let files: Vec<(PolicyFile, Origin)> = builtin_files()
            .map(|f| (f, Origin::Builtin))
            .chain(user_files.into_iter().map(|f| (f, Origin::User)))
            .collect();
        // Reading a rule's metadata (YAML) is most of a catalogue's loading, which every run
        // does first: the files are read on every thread, and added in their order.
        for read in crate::lint::par_map(files, |(file, origin)| read_file(file, origin)) {
            match read {
                Ok(Entry::Library(file)) => catalog.libraries.push(file),
                Ok(Entry::Rule(rule, file)) => {
                    catalog.rules.push(*rule);
                    catalog.sources.push(file);
                }
                Err(err) => errors.push(err),
            }
        }
        catalog.check_unique(&mut errors);
        catalog.sort();
        if errors.is_empty() {
            Ok(catalog)
        } else {
            Err(errors)
        }
    }

    /// Built-in rules first, each group by id.
    fn sort(&mut self) {
        let mut pairs: Vec<(Rule, PolicyFile)> =
            self.rules.drain(..).zip(self.sources.drain(..)).collect();
        pairs.sort_by(|(a, _), (b, _)| {
            (a.origin == Origin::User, &a.meta.id).cmp(&(b.origin == Origin::User, &b.meta.id))
        });
        (self.rules, self.sources) = pairs.into_iter().unzip();
    }

    fn check_unique(&self, errors: &mut Vec<RuleError>) {
        let mut seen: HashMap<String, &Rule> = HashMap::new();
        for rule in &self.rules {
            let keys = [rule.meta.id.to_ascii_uppercase(), rule.meta.name.clone()]
                .into_iter()
                .chain(rule.meta.aliases.iter().cloned());
            for key in keys {
                if let Some(other) = seen.insert(key.clone(), rule) {
                    errors.push(RuleError::new(
                        &rule.meta.path,
                        None,
                        format!("`{key}` is already used by {}", other.meta.path),
                    ));
                }
            }
        }
    }

    /// Every rule: built-in ones first, each group by id.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule an id, name or alias designates.
    pub fn find(&self, key: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.is_named(key))
    }

    /// The rules a selector designates: `all`, a category, or an id, name or alias.
    pub fn resolve_selector(&self, token: &str) -> Vec<usize> {
        let matches = |rule: &Rule| match token {
            "all" => true,
            "default" => !rule.meta.opt_in,
            _ => rule.meta.category == token || rule.is_named(token),
        };
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| matches(rule))
            .map(|(i, _)| i)
            .collect()
    }

    pub(crate) fn source_of(&self, index: usize) -> Option<&PolicyFile> {
        self.sources.get(index)
    }

    pub(crate) fn libraries(&self) -> &[PolicyFile] {
        &self.libraries
    }

    /// Whether every rule and library is a built-in one.
    pub(crate) fn is_builtin_only(&self) -> bool {
        !self.has_user_files
    }
}

/// The package a Rego file declares (the first `package` line).
fn declared_package(text: &str) -> Option<&str> {
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("package ")?;
        rest.split_whitespace().next()
    })
}

/// A file of the catalogue, read and checked.
enum Entry {
    Library(PolicyFile),
    Rule(Box<Rule>, PolicyFile),
}

/// Reads one file of the catalogue: a library, or a rule with its metadata.
fn read_file(file: PolicyFile, origin: Origin) -> Result<Entry, RuleError> {
    let declared = declared_package(&file.text);
    if file.path.starts_with(&format!("{LIB_FOLDER}/")) {
        if declared.is_some_and(|p| p.starts_with("kubeward.rules.")) {
            return Err(RuleError::new(
                &file.display,
                None,
                "a library file must not declare a `kubeward.rules.*` package",
            ));
        }
        return Ok(Entry::Library(file));
    }
    let meta = match builtin_metadata_json(&file.path).filter(|_| origin == Origin::Builtin) {
        Some(json) => meta::builtin_metadata(&file.path, &file.display, json)?,
        None => meta::parse_metadata(&file.path, &file.display, &file.text)?,
    };
    if origin == Origin::User && meta.category == CORE_CATEGORY {
        return Err(RuleError::new(
            &file.display,
            None,
            "the `core` category is reserved for kubeward's own checks",
        ));
    }
    let expected = format!(
        "kubeward.rules.{}.{}",
        meta.category,
        meta.name.replace('-', "_")
    );
    if declared != Some(expected.as_str()) {
        return Err(RuleError::new(
            &file.display,
            None,
            format!(
                "the package must be `{expected}` (found {})",
                declared.map_or("none".to_owned(), |p| format!("`{p}`"))
            ),
        ));
    }
    let kinds = kind_set(&meta.kinds).map_err(|m| RuleError::new(&file.display, None, m))?;
    let rule = Rule {
        meta,
        origin,
        kinds,
        package: expected,
    };
    Ok(Entry::Rule(Box::new(rule), file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_loads_and_is_consistent() {
        let catalog = Catalog::builtin().unwrap();
        assert!(!catalog.rules().is_empty());
        for name in [
            core_ids::YAML_SYNTAX,
            core_ids::DUPLICATE_KEY,
            core_ids::INVALID_OBJECT,
            core_ids::UNUSED_SUPPRESSION,
            core_ids::RULE_ERROR,
            core_ids::RENDER_ERROR,
            core_ids::SCHEMA_VIOLATION,
            core_ids::SCHEMA_NOT_FOUND,
        ] {
            assert!(
                catalog
                    .rules()
                    .iter()
                    .any(|r| r.is_core() && r.meta.name == name),
                "core rule {name} missing"
            );
        }
        for rule in catalog.rules() {
            assert!(rule.meta.id.starts_with("KW"), "{}", rule.meta.id);
            assert!(
                !rule.meta.references.is_empty() || rule.is_core(),
                "{} has no references",
                rule.meta.name
            );
        }
    }

    /// The METADATA the build script read into JSON is what reading the rule's YAML gives,
    /// for every built-in rule, and every built-in rule has it.
    #[test]
    fn builtin_metadata_read_at_build_time_is_the_yaml_read_now() {
        let mut rules = 0;
        for file in builtin_files().filter(|f| !f.path.starts_with("lib/")) {
            let json = builtin_metadata_json(&file.path)
                .unwrap_or_else(|| panic!("no METADATA read at build time for {}", file.path));
            let from_yaml = meta::parse_metadata(&file.path, &file.display, &file.text).unwrap();
            let from_json = meta::builtin_metadata(&file.path, &file.display, json).unwrap();
            assert_eq!(from_json, from_yaml, "{}", file.path);
            rules += 1;
        }
        assert_eq!(rules, Catalog::builtin().unwrap().rules().len());
        assert_eq!(builtin::METADATA.len(), rules);
    }

    /// Built-in rules' parameter schemas are not checked against the meta-schema when the
    /// catalogue loads (`meta::builtin_metadata`), nor their defaults against the schema when
    /// a linter is made without parameters for them (`lint::setup`); both are checked here.
    #[test]
    fn builtin_parameter_schemas_and_defaults_are_valid() {
        let catalog = Catalog::builtin().unwrap();
        let schemas: Vec<_> = catalog
            .rules()
            .iter()
            .filter_map(|rule| Some((&rule.meta.name, rule.meta.params.as_ref()?)))
            .collect();
        assert!(
            schemas.len() >= 5,
            "{} rules with parameters",
            schemas.len()
        );
        for (name, schema) in schemas {
            if let Err(err) = jsonschema::meta::validate(schema) {
                panic!("{name}: `params` is not a valid JSON Schema: {err}");
            }
            let defaults = serde_json::Value::Object(default_params(Some(schema)));
            let validator = jsonschema::validator_for(schema).unwrap();
            if let Err(err) = validator.validate(&defaults) {
                panic!("{name}: the defaults {defaults} are not valid: {err}");
            }
        }
        // The checks do fail on an invalid schema, and on defaults the schema refuses.
        let invalid = serde_json::json!({"type": "object", "properties": {"n": {"type": 5}}});
        assert!(jsonschema::meta::validate(&invalid).is_err());
        let refused = serde_json::json!({"type": "object", "properties": {"n": {"type": "integer", "minimum": 1, "default": 0}}});
        let defaults = serde_json::Value::Object(default_params(Some(&refused)));
        assert!(
            !jsonschema::validator_for(&refused)
                .unwrap()
                .is_valid(&defaults)
        );
    }

    #[test]
    fn user_rules_are_validated_like_builtins() {
        let file = |path: &str, text: &str| PolicyFile {
            path: path.to_owned(),
            display: format!("policies/{path}"),
            text: text.to_owned(),
        };
        let good = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: ACME1\n#   name: no-foo\n#   severity: error\n#   kinds: [workload]\n#   remediation: Remove foo.\npackage kubeward.rules.acme.no_foo\n";
        let catalog = Catalog::load(vec![file("acme/no_foo.rego", good)]).unwrap();
        assert_eq!(catalog.find("ACME1").unwrap().origin, Origin::User);

        let wrong_package = good.replace("acme.no_foo", "acme.other");
        let errors = Catalog::load(vec![file("acme/no_foo.rego", &wrong_package)]).unwrap_err();
        assert!(
            errors[0].message.contains("package must be"),
            "{:?}",
            errors
        );

        let clash = good.replace("ACME1", "KW301");
        let errors = Catalog::load(vec![file("acme/no_foo.rego", &clash)]).unwrap_err();
        assert!(errors[0].message.contains("already used"), "{:?}", errors);
    }
}
