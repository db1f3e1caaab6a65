//! YAML read the way Kubernetes reads it, into a tree where every node keeps its byte range.
//!
//! Parsing is done by granit-parser's event stream (it gives exact byte spans and comments);
//! this module builds kubeward's own tree from it and resolves scalars with go-yaml v2's rules,
//! which sigs.k8s.io/yaml (kubectl, Helm) applies: `yes`/`on` are booleans, `0755` is octal,
//! merge keys apply, anchors expand within a budget.

mod de;
mod range;
mod scalar;
mod tree;

pub use de::{DeError, from_node};
pub use range::{MAX_FILE_BYTES, TextRange};
pub use scalar::{format_go_float, resolve_plain};
pub use tree::{Comment, Document, ParsedFile, YamlError, YamlErrorKind, parse};

/// A YAML node: a value and the bytes it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node is written. Aliased and merged nodes keep the range of their definition.
    pub range: TextRange,
    /// The resolved value.
    pub value: Value,
}

/// A resolved YAML value, with JSON's shapes (keys are strings, as sigs.k8s.io/yaml makes them).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// A boolean (YAML 1.1 words included).
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(Box<str>),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order, keys unique.
    Map(Vec<Entry>),
}

/// One key/value pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as a string.
    pub key: Box<str>,
    /// Where the key is written.
    pub key_range: TextRange,
    /// The value.
    pub value: Node,
}

/// One step of a path into a node: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathSegment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

impl std::fmt::Display for PathSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathSegment::Key(key) => f.write_str(key),
            PathSegment::Index(index) => write!(f, "{index}"),
        }
    }
}

/// The result of following a path as far as it exists.
#[derive(Debug, Clone, Copy)]
pub struct Lookup<'a> {
    /// The deepest node reached.
    pub node: &'a Node,
    /// The range of the key that led to `node`, if it was reached through a mapping key.
    pub key_range: Option<TextRange>,
    /// How many segments of the path exist.
    pub matched: usize,
}

impl Node {
    /// A node from a value and a range.
    pub fn new(range: TextRange, value: Value) -> Self {
        Self { range, value }
    }

    /// The value of a mapping key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|entry| &entry.value)
    }

    /// The entry of a mapping key.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|entry| &*entry.key == key),
            _ => None,
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(text) => Some(text),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// Whether this is a mapping or a sequence.
    pub fn is_collection(&self) -> bool {
        matches!(self.value, Value::Map(_) | Value::Seq(_))
    }

    /// Follows `path` as far as it exists: a missing key or index stops at the deepest node.
    ///
    /// ```
    /// use kube_yaml::{parse, PathSegment};
    /// let file = parse("spec:\n  containers:\n  - image: nginx\n");
    /// let root = file.documents[0].root.as_ref().unwrap();
    /// let path = [
    ///     PathSegment::Key("spec".into()),
    ///     PathSegment::Key("containers".into()),
    ///     PathSegment::Index(0),
    ///     PathSegment::Key("image".into()),
    /// ];
    /// let found = root.lookup(&path);
    /// assert_eq!(found.matched, 4);
    /// assert_eq!(found.node.as_str(), Some("nginx"));
    /// ```
    pub fn lookup(&self, path: &[PathSegment]) -> Lookup<'_> {
        let mut found = Lookup {
            node: self,
            key_range: None,
            matched: 0,
        };
        for segment in path {
            let next = match (segment, &found.node.value) {
                (PathSegment::Key(key), Value::Map(entries)) => entries
                    .iter()
                    .find(|entry| *entry.key == **key)
                    .map(|entry| (&entry.value, Some(entry.key_range))),
                (PathSegment::Index(index), Value::Seq(items)) => {
                    items.get(*index).map(|item| (item, None))
                }
                // Rego paths may spell indexes as strings and keys as numbers.
                (PathSegment::Key(key), Value::Seq(items)) => key
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|item| (item, None)),
                (PathSegment::Index(index), Value::Map(entries)) => {
                    let key = index.to_string();
                    entries
                        .iter()
                        .find(|entry| *entry.key == *key)
                        .map(|entry| (&entry.value, Some(entry.key_range)))
                }
                _ => None,
            };
            match next {
                Some((node, key_range)) => {
                    found = Lookup {
                        node,
                        key_range,
                        matched: found.matched + 1,
                    };
                }
                None => break,
            }
        }
        found
    }

    /// Number of nodes in this subtree (itself included).
    pub fn node_count(&self) -> usize {
        match &self.value {
            Value::Seq(items) => 1 + items.iter().map(Node::node_count).sum::<usize>(),
            Value::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|entry| 1 + entry.value.node_count())
                    .sum::<usize>()
            }
            _ => 1,
        }
    }
}

impl Lookup<'_> {
    /// The range a diagnostic should underline for this node: a scalar itself; a collection
    /// by the key that names it, or else by its first entry, so that a finding about a whole
    /// container or object does not underline forty lines.
    pub fn label_range(&self) -> TextRange {
        match self.key_range {
            Some(key_range) if self.node.is_collection() => key_range,
            _ => self.node.label_range(),
        }
    }
}

impl Node {
    /// The range to underline for this node on its own: a scalar itself, a mapping its first
    /// entry (`key: value` when the value is a scalar, else the key), a sequence its first
    /// item's label.
    pub fn label_range(&self) -> TextRange {
        match &self.value {
            Value::Map(entries) => match entries.first() {
                Some(entry)
                    if !entry.value.is_collection()
                        && entry.value.range.start >= entry.key_range.end =>
                {
                    entry.key_range.cover(entry.value.range)
                }
                Some(entry) => entry.key_range,
                None => self.range,
            },
            Value::Seq(items) => items.first().map_or(self.range, Node::label_range),
            _ => self.range,
        }
    }
}

/// The part of `range` on its first line, trailing blanks removed.
pub fn first_line(text: &str, range: TextRange) -> TextRange {
    let start = range.start as usize;
    let end = (range.end as usize).min(text.len());
    let slice = text.get(start..end).unwrap_or("");
    let line = slice.split(['\n', '\r']).next().unwrap_or("");
    let trimmed = line.trim_end();
    TextRange::new(range.start, range.start + trimmed.len() as u32)
}

impl Node {
    /// The node as JSON, as sigs.k8s.io/yaml converts YAML for the API server. Non-finite
    /// floats, which JSON cannot hold, become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Str(s) => serde_json::Value::String(s.to_string()),
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|entry| (entry.key.to_string(), entry.value.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}
