//! The flags that give a chart its values and shape what it renders, named and repeated as
//! `helm template` takes them, for every command that renders charts. Values files and
//! `--set-file` files are read here (relative to the current directory, `-` for standard
//! input); helm-render merges them in Helm's order.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Read as _;

use helm_render::values::Tree;
use helm_render::values::strvals::{self, Mode};
use helm_render::{TemplateOptions, ValueOptions};

use crate::charts::io_reason;

/// Values and render flags, as `helm template` has them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct HelmArgs {
    /// Values from a YAML file (repeatable, or comma-separated); `-` reads standard input.
    #[arg(
        short = 'f',
        long = "values",
        value_name = "FILE",
        value_delimiter = ','
    )]
    pub values: Vec<String>,
    /// Set values: key1=val1,key2=val2 (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Set values as strings: key1=val1,key2=val2 (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    pub set_string: Vec<String>,
    /// Set JSON values: key1=jsonval1,key2=jsonval2 or a JSON object (repeatable).
    #[arg(long, value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set values from the contents of files: key1=path1,key2=path2 (repeatable).
    #[arg(long, value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set one value to the literal text after the first `=` (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    pub set_literal: Vec<String>,
    /// Kubernetes API versions for .Capabilities.APIVersions (repeatable, or
    /// comma-separated).
    #[arg(short = 'a', long, value_name = "VERSION", value_delimiter = ',')]
    pub api_versions: Vec<String>,
    /// Set .Release.IsUpgrade instead of .Release.IsInstall.
    #[arg(long)]
    pub is_upgrade: bool,
    /// Do not validate the values against the charts' values.schema.json.
    #[arg(long)]
    pub skip_schema_validation: bool,
}

impl HelmArgs {
    /// Render options with these flags' values (files read) and the defaults for the rest
    /// (release name, namespace, Kubernetes version, what is printed), which the command
    /// sets. Errors are messages without `Error: `.
    pub fn template_options(&self) -> Result<TemplateOptions, String> {
        let mut files = Vec::new();
        for path in &self.values {
            files.push((path.clone(), read_input(path)?));
        }
        let mut set_file = Vec::new();
        for expression in &self.set_file {
            set_file.push((expression.clone(), set_file_contents(expression)?));
        }
        Ok(TemplateOptions {
            values: ValueOptions {
                files,
                set: self.set.clone(),
                set_string: self.set_string.clone(),
                set_json: self.set_json.clone(),
                set_file,
                set_literal: self.set_literal.clone(),
            },
            api_versions: self.api_versions.clone(),
            is_upgrade: self.is_upgrade,
            skip_schema_validation: self.skip_schema_validation,
            ..TemplateOptions::default()
        })
    }
}

/// The contents of every file a `--set-file` expression names. A file that does not exist
/// is left out: the merge then fails on it with Helm's message, in Helm's order.
fn set_file_contents(expression: &str) -> Result<BTreeMap<String, String>, String> {
    let named = RefCell::new(Vec::new());
    let record = |path: &str| -> Result<String, String> {
        named.borrow_mut().push(path.to_owned());
        Ok(String::new())
    };
    // Only the paths matter here; a syntax error is reported by the merge.
    let _ = strvals::parse_into(expression, &mut Tree::new(), Mode::Typed, Some(&record));
    let mut contents = BTreeMap::new();
    for path in named.into_inner() {
        if path.trim() != "-" && !std::path::Path::new(&path).exists() {
            continue;
        }
        let text = read_input(&path).map_err(|m| format!("failed parsing --set-file data: {m}"))?;
        contents.insert(path, text);
    }
    Ok(contents)
}

/// A file named on the command line, or standard input for `-`, as text.
fn read_input(path: &str) -> Result<String, String> {
    if path.trim() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|err| format!("cannot read standard input: {}", io_reason(&err)))?;
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    if path.contains("://") {
        return Err(format!(
            "{path}: kubeward reads values from files only, not from URLs"
        ));
    }
    std::fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|err| format!("open {path}: {}", io_reason(&err)))
}
