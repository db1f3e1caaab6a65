//! Builds the spanned tree from granit-parser's events.
//!
//! The builder keeps an explicit stack (no recursion, so nesting cannot overflow the native
//! stack), applies merge keys and aliases as go-yaml v2 does, and recovers at the next
//! document after any error so one broken document never hides the others.

use std::collections::HashMap;

use granit_parser::{Event, Options, Parser, ScalarStyle, Span, Tag};

use super::scalar::{format_go_float, resolve_plain};
use super::{Entry, Node, Value};
use crate::TextRange;

/// Deepest nesting of collections accepted in a document.
pub const MAX_DEPTH: usize = 256;
/// Nodes that aliases may add to a document before it is rejected (at least this many,
/// and up to four times the nodes written in the document).
pub const MIN_ALIAS_BUDGET: usize = 100_000;

/// A parsed file: its documents, its comments and what went wrong.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// Every document of the stream, in order; a document that failed has no root.
    pub documents: Vec<Document>,
    /// Every comment, in order.
    pub comments: Vec<Comment>,
    /// Syntax and semantic errors, in order.
    pub errors: Vec<YamlError>,
}

/// One document of a stream.
#[derive(Debug, Clone)]
pub struct Document {
    /// The root node; `None` for an empty document or one that could not be read.
    pub root: Option<Node>,
    /// The bytes of the document.
    pub range: TextRange,
}

/// A comment: the text after `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The whole comment, `#` included.
    pub range: TextRange,
    /// The text after `#`.
    pub text: Box<str>,
}

/// Something wrong in the YAML itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What kind of problem.
    pub kind: YamlErrorKind,
    /// Where.
    pub range: TextRange,
    /// A sentence saying what is wrong.
    pub message: String,
    /// Index of the document in the stream.
    pub document: usize,
}

/// Kinds of YAML problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Invalid YAML syntax; the document is skipped.
    Syntax,
    /// A mapping key written twice; the later value wins, as in kubectl.
    DuplicateKey {
        /// Where the key was first written.
        first: TextRange,
    },
    /// Valid syntax that Kubernetes cannot read (bad tagged value, map key or merge, alias
    /// bomb, nesting too deep); the document is skipped.
    Invalid,
}

impl YamlErrorKind {
    /// Whether the document is still usable after this error.
    pub fn is_fatal(self) -> bool {
        !matches!(self, YamlErrorKind::DuplicateKey { .. })
    }
}

/// Parses a YAML stream.
///
/// ```
/// let file = kube_yaml::parse("a: yes\nb: 0755\n---\nc: [1, 2\n---\nd: ~\n");
/// assert_eq!(file.documents.len(), 3);
/// assert!(file.documents[1].root.is_none());
/// assert_eq!(file.errors.len(), 1);
/// ```
pub fn parse(text: &str) -> ParsedFile {
    let mut builder = Builder {
        text,
        out: ParsedFile::default(),
        doc: None,
        spare: Spare::default(),
    };
    if text.len() > crate::MAX_FILE_BYTES {
        builder.out.errors.push(YamlError {
            kind: YamlErrorKind::Invalid,
            range: TextRange::empty(0),
            message: "file is larger than 4 GiB".to_owned(),
            document: 0,
        });
        return builder.out;
    }
    builder.run();
    builder.out
}

struct Builder<'a> {
    text: &'a str,
    out: ParsedFile,
    doc: Option<DocState>,
    /// The vectors of closed collections, emptied, for the next ones to fill: a collection's
    /// node gets a vector of exactly its length. Filled by pushes, the vectors had room for
    /// up to twice their entries (4.2 entries' room for 2.3 entries on average in the 10k
    /// scale set), which the trees keep for the whole run.
    spare: Spare,
}

#[derive(Default)]
struct Spare {
    items: Vec<Vec<Node>>,
    entries: Vec<Vec<Entry>>,
    merged: Vec<Vec<bool>>,
}

/// `filled`'s elements in a vector of their number, and `filled`, emptied, back in `spare`.
fn exact<T>(mut filled: Vec<T>, spare: &mut Vec<Vec<T>>) -> Vec<T> {
    let mut exact = Vec::with_capacity(filled.len());
    exact.append(&mut filled);
    spare.push(filled);
    exact
}

struct DocState {
    start: u32,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, (Node, usize)>,
    parsed_nodes: usize,
    alias_nodes: usize,
}

enum Frame {
    Seq {
        start: u32,
        end: u32,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: u32,
        end: u32,
        anchor: usize,
        entries: Vec<Entry>,
        /// Whether each entry came from a merge key (those may be overridden silently).
        merged: Vec<bool>,
        pending: Option<PendingKey>,
        index: Option<HashMap<Box<str>, usize>>,
    },
}

struct PendingKey {
    key: Box<str>,
    range: TextRange,
    merge: bool,
}

/// A fatal problem in the current document.
struct Fatal(TextRange, String);

fn options() -> Options {
    let mut options = Options::default();
    // go-yaml is a libyaml port: a block scalar ending the file gets no extra line feed.
    options.block_scalar_eof_without_line_feed = true;
    options.emit_comments = true;
    options
}

fn range_of(span: &Span) -> TextRange {
    span.byte_range()
        .map(|r| TextRange::new(r.start as u32, r.end as u32))
        .unwrap_or_default()
}

impl Builder<'_> {
    fn run(&mut self) {
        let mut parser = Parser::new_from_str_with_options(self.text, options());
        while let Some(next) = parser.next_event() {
            let outcome = match next {
                Ok((event, span)) => self.event(event, &span),
                Err(err) => {
                    let offset = err
                        .marker()
                        .byte_offset()
                        .map_or(self.text.len() as u32, |o| o as u32);
                    Err((
                        Fatal(TextRange::empty(offset), syntax_message(&err.to_string())),
                        YamlErrorKind::Syntax,
                    ))
                }
            };
            if let Err((Fatal(range, message), kind)) = outcome {
                self.fail_document(kind, range, message);
                match parser.proceed_next_document() {
                    Ok(_) => continue,
                    Err(err) => {
                        let offset = err.marker().byte_offset().unwrap_or(self.text.len()) as u32;
                        self.fail_document(
                            YamlErrorKind::Syntax,
                            TextRange::empty(offset),
                            syntax_message(&err.to_string()),
                        );
                        break;
                    }
                }
            }
        }
        if let Some(doc) = self.doc.take() {
            self.push_document(doc, self.text.len() as u32);
        }
    }

    fn fail_document(&mut self, kind: YamlErrorKind, range: TextRange, message: String) {
        let document = self.out.documents.len();
        self.out.errors.push(YamlError {
            kind,
            range,
            message,
            document,
        });
        let start = self.doc.take().map_or(range.start, |doc| doc.start);
        self.out.documents.push(Document {
            root: None,
            range: TextRange::new(start, range.end.max(start)),
        });
    }

    fn push_document(&mut self, doc: DocState, end: u32) {
        let root = doc.root.filter(|root| root.value != Value::Null);
        self.out.documents.push(Document {
            root,
            range: TextRange::new(doc.start, end.max(doc.start)),
        });
    }

    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), (Fatal, YamlErrorKind)> {
        let range = range_of(span);
        let invalid = |fatal| (fatal, YamlErrorKind::Invalid);
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => {
                if let Some(doc) = self.doc.take() {
                    self.push_document(doc, range.start);
                }
                self.doc = Some(DocState {
                    start: range.start,
                    stack: Vec::new(),
                    root: None,
                    anchors: HashMap::new(),
                    parsed_nodes: 0,
                    alias_nodes: 0,
                });
            }
            Event::DocumentEnd => {
                if let Some(doc) = self.doc.take() {
                    self.push_document(doc, range.end);
                }
            }
            Event::Comment(text, _) => self.out.comments.push(Comment {
                range,
                text: text.into_owned().into_boxed_str(),
            }),
            Event::Scalar(value, style, anchor, tag) => {
                let range = self.scalar_range(range, style);
                let (value, merge) = resolve_scalar(&value, style, tag.as_deref())
                    .map_err(|m| invalid(Fatal(range, m)))?;
                self.complete(Node::new(range, value), anchor, merge)
                    .map_err(invalid)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                let items = self.spare.items.pop().unwrap_or_default();
                self.open(
                    Frame::Seq {
                        start: range.start,
                        end: range.end,
                        anchor,
                        items,
                    },
                    range,
                )
                .map_err(invalid)?;
            }
            Event::MappingStart(_, anchor, _) => {
                let entries = self.spare.entries.pop().unwrap_or_default();
                let merged = self.spare.merged.pop().unwrap_or_default();
                self.open(
                    Frame::Map {
                        start: range.start,
                        end: range.end,
                        anchor,
                        entries,
                        merged,
                        pending: None,
                        index: None,
                    },
                    range,
                )
                .map_err(invalid)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(doc) = self.doc.as_mut() else {
                    return Ok(());
                };
                let Some(frame) = doc.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = match frame {
                    Frame::Seq {
                        start,
                        end,
                        anchor,
                        items,
                    } => (
                        Node::new(
                            TextRange::new(start, end.max(flow_end(self.text, range))),
                            Value::Seq(exact(items, &mut self.spare.items)),
                        ),
                        anchor,
                    ),
                    Frame::Map {
                        start,
                        end,
                        anchor,
                        entries,
                        mut merged,
                        ..
                    } => {
                        merged.clear();
                        self.spare.merged.push(merged);
                        (
                            Node::new(
                                TextRange::new(start, end.max(flow_end(self.text, range))),
                                Value::Map(exact(entries, &mut self.spare.entries)),
                            ),
                            anchor,
                        )
                    }
                };
                self.complete(node, anchor, false).map_err(invalid)?;
            }
            Event::Alias(id) => {
                let Some(doc) = self.doc.as_mut() else {
                    return Ok(());
                };
                let Some((target, count)) = doc.anchors.get(&id) else {
                    return Err(invalid(Fatal(range, "unknown anchor".to_owned())));
                };
                doc.alias_nodes = doc.alias_nodes.saturating_add(*count);
                let budget = MIN_ALIAS_BUDGET.max(doc.parsed_nodes.saturating_mul(4));
                if doc.alias_nodes > budget {
                    return Err(invalid(Fatal(
                        range,
                        format!(
                            "aliases expand to more than {budget} nodes; refusing to expand further (an alias bomb?)"
                        ),
                    )));
                }
                let node = target.clone();
                self.complete(node, 0, false).map_err(invalid)?;
            }
            // Anchor and unresolved-alias events are only emitted with options left off here;
            // the event enum is non-exhaustive.
            _ => {}
        }
        Ok(())
    }

    /// Block scalars' spans run over the trailing indentation; keep only the content.
    fn scalar_range(&self, range: TextRange, style: ScalarStyle) -> TextRange {
        if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            return range;
        }
        let slice = self
            .text
            .get(range.start as usize..range.end as usize)
            .unwrap_or("");
        TextRange::new(range.start, range.start + slice.trim_end().len() as u32)
    }

    fn open(&mut self, frame: Frame, range: TextRange) -> Result<(), Fatal> {
        let Some(doc) = self.doc.as_mut() else {
            return Ok(());
        };
        if doc.stack.len() >= MAX_DEPTH {
            return Err(Fatal(
                range,
                format!("collections are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        doc.stack.push(frame);
        Ok(())
    }

    /// Places a finished node: as the root, a sequence item, a mapping key or a mapping value.
    fn complete(&mut self, node: Node, anchor: usize, merge_key: bool) -> Result<(), Fatal> {
        let Some(doc) = self.doc.as_mut() else {
            return Ok(());
        };
        doc.parsed_nodes += 1;
        if anchor != 0 {
            let count = node.node_count();
            doc.anchors.insert(anchor, (node.clone(), count));
        }
        let mut errors = Vec::new();
        match doc.stack.last_mut() {
            None => doc.root = Some(node),
            Some(Frame::Seq { end, items, .. }) => {
                *end = (*end).max(node.range.end);
                items.push(node);
            }
            Some(Frame::Map {
                end,
                entries,
                merged,
                pending,
                index,
                ..
            }) => {
                *end = (*end).max(node.range.end);
                match pending.take() {
                    None => {
                        let key = if merge_key {
                            "<<".into()
                        } else {
                            key_string(&node)?
                        };
                        *pending = Some(PendingKey {
                            key,
                            range: node.range,
                            merge: merge_key,
                        });
                    }
                    Some(key) if key.merge => {
                        let mut map = MapBuilder {
                            entries,
                            merged,
                            index,
                            errors: &mut errors,
                        };
                        map.merge(node, key.range)?;
                    }
                    Some(key) => {
                        let mut map = MapBuilder {
                            entries,
                            merged,
                            index,
                            errors: &mut errors,
                        };
                        map.insert(
                            Entry {
                                key: key.key,
                                key_range: key.range,
                                value: node,
                            },
                            false,
                        );
                    }
                }
            }
        }
        let document = self.out.documents.len();
        self.out
            .errors
            .extend(errors.into_iter().map(|(kind, range, message)| YamlError {
                kind,
                range,
                message,
                document,
            }));
        Ok(())
    }
}

/// A flow collection's end event covers its closing bracket; a block one's is empty and sits
/// at the next token, which is not part of the collection.
fn flow_end(text: &str, range: TextRange) -> u32 {
    match text.get(range.start as usize..range.end as usize) {
        Some("]" | "}") => range.end,
        _ => 0,
    }
}

struct MapBuilder<'m> {
    entries: &'m mut Vec<Entry>,
    merged: &'m mut Vec<bool>,
    index: &'m mut Option<HashMap<Box<str>, usize>>,
    errors: &'m mut Vec<(YamlErrorKind, TextRange, String)>,
}

/// Mappings up to this size are searched linearly; larger ones get a hash index.
const LINEAR_SEARCH_MAX: usize = 16;

impl MapBuilder<'_> {
    fn position(&mut self, key: &str) -> Option<usize> {
        if self.entries.len() <= LINEAR_SEARCH_MAX {
            return self.entries.iter().position(|entry| &*entry.key == key);
        }
        let index = self.index.get_or_insert_with(|| {
            self.entries
                .iter()
                .enumerate()
                .map(|(i, entry)| (entry.key.clone(), i))
                .collect()
        });
        index.get(key).copied()
    }

    /// Later entries win, as in go-yaml; two explicit entries with one key are reported.
    fn insert(&mut self, entry: Entry, from_merge: bool) {
        match self.position(&entry.key) {
            Some(i) => {
                let (Some(existing), Some(was_merged)) =
                    (self.entries.get_mut(i), self.merged.get_mut(i))
                else {
                    return;
                };
                if !*was_merged && !from_merge {
                    self.errors.push((
                        YamlErrorKind::DuplicateKey {
                            first: existing.key_range,
                        },
                        entry.key_range,
                        format!("duplicate key \"{}\"", entry.key),
                    ));
                }
                *existing = entry;
                *was_merged = from_merge;
            }
            None => {
                if let Some(index) = self.index.as_mut() {
                    index.insert(entry.key.clone(), self.entries.len());
                }
                self.entries.push(entry);
                self.merged.push(from_merge);
            }
        }
    }

    /// `<<: *base` or `<<: [*a, *b]` (earlier maps take precedence).
    fn merge(&mut self, value: Node, key_range: TextRange) -> Result<(), Fatal> {
        let want_map = || {
            Fatal(
                key_range.cover(value.range),
                "map merge requires a map or a sequence of maps as the value".to_owned(),
            )
        };
        match value.value {
            Value::Map(entries) => {
                for entry in entries {
                    self.insert(entry, true);
                }
                Ok(())
            }
            Value::Seq(ref items) => {
                if items
                    .iter()
                    .any(|item| !matches!(item.value, Value::Map(_)))
                {
                    return Err(want_map());
                }
                let Value::Seq(items) = value.value else {
                    return Ok(());
                };
                for item in items.into_iter().rev() {
                    if let Value::Map(entries) = item.value {
                        for entry in entries {
                            self.insert(entry, true);
                        }
                    }
                }
                Ok(())
            }
            _ => Err(want_map()),
        }
    }
}

/// A key as sigs.k8s.io/yaml turns it into a JSON object key.
fn key_string(node: &Node) -> Result<Box<str>, Fatal> {
    Ok(match &node.value {
        Value::Str(text) => text.clone(),
        Value::Int(int) => int.to_string().into(),
        Value::Float(float) => match format_go_float(*float, true).as_str() {
            "+Inf" => ".inf".into(),
            "-Inf" => "-.inf".into(),
            "NaN" => ".nan".into(),
            other => other.into(),
        },
        Value::Bool(b) => b.to_string().into(),
        Value::Null | Value::Seq(_) | Value::Map(_) => {
            let what = match node.value {
                Value::Null => "null",
                Value::Seq(_) => "sequence",
                _ => "mapping",
            };
            return Err(Fatal(
                node.range,
                format!("a {what} cannot be a mapping key in Kubernetes YAML"),
            ));
        }
    })
}

/// Resolves a scalar; the flag says whether it is the merge key `<<`.
fn resolve_scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<(Value, bool), String> {
    let Some(tag) = tag else {
        return Ok(if style == ScalarStyle::Plain {
            (resolve_plain(text), text == "<<")
        } else {
            (Value::Str(text.into()), false)
        });
    };
    // Custom tags are not resolvable in go-yaml v2: the text stays a string.
    let Some(suffix) = tag.suffix_in_namespace("tag:yaml.org,2002:") else {
        return Ok((Value::Str(text.into()), false));
    };
    let suffix = suffix.as_ref();
    let value = match suffix {
        "merge" => return Ok((Value::Str("<<".into()), true)),
        "binary" => {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = data_encoding::BASE64
                .decode(compact.as_bytes())
                .map_err(|_| "!!binary value contains invalid base64 data".to_owned())?;
            Value::Str(String::from_utf8_lossy(&bytes).into())
        }
        "null" | "bool" | "int" | "float" => {
            let resolved = resolve_plain(text);
            match (suffix, resolved) {
                ("null", v @ Value::Null)
                | ("bool", v @ Value::Bool(_))
                | ("int", v @ Value::Int(_))
                | ("float", v @ Value::Float(_)) => v,
                ("float", Value::Int(int)) => Value::Float(int as f64),
                (_, other) => {
                    let found = match other {
                        Value::Null => "null",
                        Value::Bool(_) => "bool",
                        Value::Int(_) => "int",
                        Value::Float(_) => "float",
                        _ => "str",
                    };
                    return Err(format!("cannot decode !!{found} `{text}` as a !!{suffix}"));
                }
            }
        }
        // !!str, !!timestamp (go-yaml keeps timestamps as strings in untyped data), others.
        _ => Value::Str(text.into()),
    };
    Ok((value, false))
}

/// granit-parser messages end with "at char N line L column C"; kubeward prints positions
/// itself.
fn syntax_message(message: &str) -> String {
    let trimmed = match message.find(" at char ") {
        Some(i) => message.get(..i).unwrap_or(message),
        None => message,
    };
    trimmed.trim().to_owned()
}
