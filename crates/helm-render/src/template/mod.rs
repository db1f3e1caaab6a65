//! Go's text/template, written for Helm: parse a set of templates, execute one, and know for
//! every output byte which template position produced it.
//!
//! Existing Rust ports of text/template keep maps immutable (Sprig's `set` and `merge` must
//! mutate them in place, and charts rely on it) and have no hook to record where output comes
//! from, so this engine is kubeward's own.
//!
//! ```
//! use helm_render::template::{Funcs, TemplateSet, value::Value};
//!
//! let funcs = Funcs::builtin();
//! let mut set = TemplateSet::default();
//! set.parse("t", "{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}", &funcs).unwrap();
//! let mut data = std::collections::BTreeMap::new();
//! data.insert("b".to_owned(), Value::Float(2.0));
//! data.insert("a".to_owned(), Value::Int(1));
//! let out = set.execute("t", &Value::from(data), &funcs, 10_000).unwrap();
//! assert_eq!(out.text, "a=1;b=2;");
//! ```

pub(crate) mod builtins;
pub(crate) mod exec;
pub mod format;
mod lex;
mod parse;
pub mod value;

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

pub use exec::Exec;
use parse::List;
use value::Value;

/// A template function. It receives the execution (for `include`-like functions) and the
/// evaluated arguments.
pub type Func = Rc<dyn Fn(&mut Exec<'_>, &[Value]) -> Result<Value, FuncError>>;

/// How a function fails.
#[derive(Debug, Clone)]
pub enum FuncError {
    /// Reported as `error calling NAME: MESSAGE`.
    Message(String),
    /// Wrong number or type of arguments, reported as is.
    Args(String),
    /// An error of a nested template execution (`include`, `tpl`), passed through.
    Template(TemplateError),
    /// A deliberate failure (`fail`, `required`): reported as Helm reports them,
    /// `execution error at (FILE:LINE:COL): MESSAGE`.
    Fail(String),
}

impl From<String> for FuncError {
    fn from(message: String) -> Self {
        FuncError::Message(message)
    }
}

impl From<&str> for FuncError {
    fn from(message: &str) -> Self {
        FuncError::Message(message.to_owned())
    }
}

/// The functions templates may call.
#[derive(Clone, Default)]
pub struct Funcs {
    map: HashMap<String, Func>,
}

impl fmt::Debug for Funcs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Funcs")
            .field("count", &self.map.len())
            .finish()
    }
}

impl Funcs {
    /// text/template's own functions (`and`, `or`, `not`, `len`, `index`, `slice`, `print`,
    /// `printf`, `println`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `html`, `js`, `urlquery`,
    /// `call`).
    pub fn builtin() -> Self {
        let mut funcs = Funcs::default();
        builtins::register(&mut funcs);
        funcs
    }

    /// Adds or replaces a function.
    pub fn insert(
        &mut self,
        name: &str,
        func: impl Fn(&mut Exec<'_>, &[Value]) -> Result<Value, FuncError> + 'static,
    ) {
        self.map.insert(name.to_owned(), Rc::new(func));
    }

    /// Removes a function.
    pub fn remove(&mut self, name: &str) {
        self.map.remove(name);
    }

    /// The function with this name.
    pub fn get(&self, name: &str) -> Option<Func> {
        self.map.get(name).cloned()
    }

    /// Whether a function exists.
    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }
}

/// A named template: a file's body or a `define`.
#[derive(Debug)]
pub struct Template {
    /// The name it is executed by.
    pub name: String,
    /// The file it was parsed from (Go's `ParseName`).
    pub file: Rc<str>,
    /// That file's text.
    pub source: Rc<str>,
    list: List,
}

impl Template {
    fn pos_of_root(&self) -> usize {
        0
    }

    fn is_empty(&self) -> bool {
        self.list.iter().all(|node| match node {
            parse::Node::Text { text, .. } => text.trim().is_empty(),
            _ => false,
        })
    }
}

/// Templates by name.
#[derive(Debug, Default, Clone)]
pub struct TemplateSet {
    templates: HashMap<String, Rc<Template>>,
}

/// A byte range of the output and the template position that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpan {
    /// Output byte range.
    pub start: usize,
    /// End of the output byte range.
    pub end: usize,
    /// The template file.
    pub file: Rc<str>,
    /// Byte offset in the template file: of the text copied (`exact`), or of the action.
    pub offset: usize,
    /// Whether the output is a verbatim copy of template text starting at `offset`.
    pub exact: bool,
}

/// Rendered text with its provenance.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// The text.
    pub text: String,
    /// Where each part of it comes from, in output order.
    pub spans: Vec<OutputSpan>,
}

impl Output {
    pub(crate) fn write_text(&mut self, text: &str, template: &Template, pos: usize) {
        self.push(text, template, pos, true);
    }

    pub(crate) fn write_action(&mut self, text: &str, template: &Template, pos: usize) {
        self.push(text, template, pos, false);
    }

    fn push(&mut self, text: &str, template: &Template, pos: usize, exact: bool) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        self.spans.push(OutputSpan {
            start,
            end: self.text.len(),
            file: Rc::clone(&template.file),
            offset: pos,
            exact,
        });
    }

    /// Removes every occurrence of `pattern` (Helm strips `<no value>`), keeping the
    /// provenance of what remains.
    pub fn remove_all(&mut self, pattern: &str) {
        if pattern.is_empty() || !self.text.contains(pattern) {
            return;
        }
        let removed: Vec<usize> = self.text.match_indices(pattern).map(|(i, _)| i).collect();
        let shift = |offset: usize| -> usize {
            let before = removed.partition_point(|&r| r + pattern.len() <= offset);
            let inside = removed
                .get(before)
                .filter(|&&r| r < offset)
                .map_or(0, |&r| offset - r);
            offset - before * pattern.len() - inside
        };
        let mut spans = Vec::with_capacity(self.spans.len());
        for span in &self.spans {
            let (start, end) = (shift(span.start), shift(span.end));
            if start == end {
                continue;
            }
            let cut = removed
                .iter()
                .any(|&r| r < span.end && r + pattern.len() > span.start);
            spans.push(OutputSpan {
                start,
                end,
                file: Rc::clone(&span.file),
                offset: span.offset,
                exact: span.exact && !cut,
            });
        }
        self.text = self.text.replace(pattern, "");
        self.spans = spans;
    }

    /// The template position of an output byte: `(file, offset)`.
    pub fn origin(&self, offset: usize) -> Option<(&str, usize)> {
        let index = self.spans.partition_point(|span| span.end <= offset);
        let span = self.spans.get(index)?;
        if offset < span.start {
            return None;
        }
        let at = if span.exact {
            span.offset + (offset - span.start)
        } else {
            span.offset
        };
        Some((&span.file, at))
    }
}

/// Whether an error comes from parsing or from execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The template text is invalid.
    Parse,
    /// Execution failed.
    Exec,
    /// The chart failed on purpose (`fail`, `required`).
    Fail,
}

/// A template error, located in its template file (boxed: errors are the cold path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError(Box<ErrorDetail>);

impl std::ops::Deref for TemplateError {
    type Target = ErrorDetail;

    fn deref(&self) -> &ErrorDetail {
        &self.0
    }
}

/// What a [`TemplateError`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDetail {
    /// Parse or execution.
    pub kind: ErrorKind,
    /// The template file.
    pub file: String,
    /// The template being executed (for execution errors).
    pub executing: String,
    /// Byte offset in the file.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// Column as Go reports it: the 0-based byte offset in the line (execution errors).
    pub column: usize,
    /// The expression being evaluated.
    pub context: String,
    /// What went wrong.
    pub message: String,
}

/// 1-based line and Go's 0-based byte column of an offset.
fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = source.get(..offset.min(source.len())).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, str::len);
    (line, column)
}

impl TemplateError {
    pub(crate) fn parse(file: &str, source: &str, offset: usize, message: String) -> Self {
        let (line, column) = line_col(source, offset);
        TemplateError::new(ErrorDetail {
            kind: ErrorKind::Parse,
            file: file.to_owned(),
            executing: String::new(),
            offset,
            line,
            column,
            context: String::new(),
            message,
        })
    }

    pub(crate) fn new(detail: ErrorDetail) -> Self {
        TemplateError(Box::new(detail))
    }

    pub(crate) fn set_kind(&mut self, kind: ErrorKind) {
        self.0.kind = kind;
    }

    pub(crate) fn exec(template: &Template, offset: usize, context: &str, message: String) -> Self {
        let (line, column) = line_col(&template.source, offset);
        TemplateError::new(ErrorDetail {
            kind: ErrorKind::Exec,
            file: template.file.to_string(),
            executing: template.name.clone(),
            offset,
            line,
            column,
            context: context.to_owned(),
            message,
        })
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Parse => {
                write!(f, "template: {}:{}: {}", self.file, self.line, self.message)
            }
            ErrorKind::Fail => write!(
                f,
                "execution error at ({}:{}:{}): {}",
                self.file, self.line, self.column, self.message
            ),
            ErrorKind::Exec if self.context.is_empty() => write!(
                f,
                "template: {}:{}:{}: executing {:?}: {}",
                self.file, self.line, self.column, self.executing, self.message
            ),
            ErrorKind::Exec => write!(
                f,
                "template: {}:{}:{}: executing {:?} at <{}>: {}",
                self.file, self.line, self.column, self.executing, self.context, self.message
            ),
        }
    }
}

impl std::error::Error for TemplateError {}

/// The templates parsed from one text: its body and its `define`s.
pub(crate) struct ParsedTemplates {
    pub root: Rc<Template>,
    pub defines: Vec<Rc<Template>>,
}

/// Parses `text` as the file `name`.
pub(crate) fn parse_templates(
    name: &str,
    text: &str,
    funcs: &Funcs,
) -> Result<ParsedTemplates, TemplateError> {
    let parsed = parse::parse(text, &|f| funcs.contains(f))
        .map_err(|err| TemplateError::parse(name, text, err.pos, err.message))?;
    let file: Rc<str> = Rc::from(name);
    let source: Rc<str> = Rc::from(text);
    let make = |template_name: String, list: List| {
        Rc::new(Template {
            name: template_name,
            file: Rc::clone(&file),
            source: Rc::clone(&source),
            list,
        })
    };
    Ok(ParsedTemplates {
        root: make(name.to_owned(), parsed.root),
        defines: parsed
            .defines
            .into_iter()
            .map(|(define, list)| make(define, list))
            .collect(),
    })
}

impl TemplateSet {
    /// Parses a template file into the set: its body under `name`, its `define`s under
    /// theirs. A later non-empty definition replaces an earlier one, as in Go.
    pub fn parse(&mut self, name: &str, text: &str, funcs: &Funcs) -> Result<(), TemplateError> {
        let parsed = parse_templates(name, text, funcs)?;
        for template in std::iter::once(parsed.root).chain(parsed.defines) {
            self.add(template);
        }
        Ok(())
    }

    fn add(&mut self, template: Rc<Template>) {
        let keep_old = template.is_empty() && self.templates.contains_key(&template.name);
        if !keep_old {
            self.templates.insert(template.name.clone(), template);
        }
    }

    /// Whether a template exists.
    pub fn contains(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    /// Executes the template `name` with `data`, within `budget` units of work.
    pub fn execute(
        &self,
        name: &str,
        data: &Value,
        funcs: &Funcs,
        budget: u64,
    ) -> Result<Output, TemplateError> {
        let Some(template) = self.templates.get(name).cloned() else {
            return Err(TemplateError::new(ErrorDetail {
                kind: ErrorKind::Exec,
                file: name.to_owned(),
                executing: name.to_owned(),
                offset: 0,
                line: 1,
                column: 1,
                context: String::new(),
                message: format!("no template {name:?} associated with template"),
            }));
        };
        let budget = std::cell::Cell::new(budget);
        let mut exec = Exec::new(self, funcs, Rc::clone(&template), &budget);
        exec.run(template, data)?;
        Ok(exec.out)
    }
}
