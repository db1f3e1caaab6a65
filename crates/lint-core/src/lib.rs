//! kubeward's core: lints Kubernetes manifests given as `(path, text)` pairs and returns
//! diagnostics. No file system, network, clock or environment access happens here, so the
//! same code runs in the CLI and in the browser.
//!
//! ```
//! use lint_core::{Catalog, Config, Linter, SourceFile, SourceSet, report};
//!
//! let config = Config { select: Some(vec!["rbac-wildcard".into()]), ..Config::default() };
//! let linter = Linter::new(Catalog::builtin().unwrap(), &config).unwrap();
//! let mut sources = SourceSet::new();
//! sources.add(SourceFile::new("role.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: all\nrules:\n- apiGroups: [\"\"]\n  resources: [\"*\"]\n  verbs: [get]\n"));
//! let report = linter.lint(&sources);
//! let compact = report::compact(&report, &sources);
//! assert_eq!(compact, "role.yaml:7:15: error [KW101/rbac-wildcard] Role \"all\" grants every resource (\"*\") in rules[0]\n");
//! ```

pub mod charts;
pub mod config;
pub mod diagnostic;
mod lint;
pub mod objects;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;
/// Helm charts rendered as `helm template` renders them (the `helm-render` crate).
pub use helm_render as helm;
/// YAML read the way Kubernetes reads it, with byte ranges (the `kube-yaml` crate).
pub use kube_yaml as yaml;
mod suppress;

pub use charts::ChartSettings;
pub use config::{ChartConfig, Config, ConfigError, ProxyConfig, RuleConfig};
pub use diagnostic::{
    Diagnostic, Label, ObjectRef, RuleRef, Severity, Suppression, SuppressionKind,
};
pub use lint::{
    DEFAULT_KUBE_VERSION, DEFAULT_NAMESPACE, LintCache, Linter, SetupError, parse_kube_version,
};
pub use report::{Report, Summary};
pub use rules::{Catalog, PolicyFile, Rule, RuleEngine, RuleError, RuleMeta};
pub use schema::{SchemaFile, SchemaFileError};
pub use source::{
    ChartProblem, Origin, OriginSegment, Position, Role, SourceFile, SourceId, SourceSet, Span,
    TextRange,
};
pub use suppress::{ANNOTATION as SUPPRESSION_ANNOTATION, COMMENT_MARKER as SUPPRESSION_MARKER};
