//! Source files as the core sees them: a path and its text, nothing read from disk.
//!
//! Positions inside the core are byte offsets. Lines and columns are computed only when a
//! diagnostic is rendered, from the line index kept here.

use std::sync::Arc;

pub use kube_yaml::{MAX_FILE_BYTES, TextRange};

/// Index of a file in a [`SourceSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// A byte range in a known file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file.
    pub source: SourceId,
    /// The bytes.
    pub range: TextRange,
}

/// A rendered position: 1-based line, 1-based column in characters, and the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Position {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in Unicode scalar values.
    pub column: u32,
    /// 0-based byte offset in the file.
    pub offset: u32,
}

/// What the linter does with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Manifests: parsed, and their objects linted.
    Manifest,
    /// A file of a Helm chart (template, values, helper): not parsed as manifests; findings
    /// in its rendered output are reported here.
    Chart,
    /// The output of a chart template, with the template position of every byte.
    Rendered,
}

/// Where the bytes of a rendered file come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// In rendered-text order.
    pub segments: Vec<OriginSegment>,
}

/// One stretch of rendered text and the template text that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginSegment {
    /// The rendered bytes.
    pub rendered: TextRange,
    /// The template file.
    pub source: SourceId,
    /// The template bytes: the copied text when `exact`, otherwise the whole action
    /// (`{{ ... }}`) whose value was written.
    pub template: TextRange,
    /// Whether the rendered bytes are a verbatim copy of the template bytes.
    pub exact: bool,
}

impl Origin {
    /// The template span of a rendered range: the copied text itself, or the action that
    /// wrote it. A range across several segments maps to where it starts, extended to where
    /// it ends when both are copied text of the same file.
    pub fn map(&self, range: TextRange) -> Option<Span> {
        let first = self.segment_at(range.start)?;
        let start = self.template_offset(first, range.start);
        let mut span = if first.exact {
            let end = self.template_offset(first, range.end.min(first.rendered.end));
            TextRange::new(start, end.max(start))
        } else {
            first.template
        };
        if range.end > first.rendered.end {
            if let Some(last) = self.segment_at(range.end.saturating_sub(1)) {
                if last.source == first.source && last.exact && first.exact {
                    let end = self.template_offset(last, range.end);
                    if end >= span.start {
                        span = TextRange::new(span.start, end);
                    }
                }
            }
        }
        Some(Span {
            source: first.source,
            range: span,
        })
    }

    /// The segment holding a rendered byte.
    pub fn segment_at(&self, offset: u32) -> Option<&OriginSegment> {
        let index = self
            .segments
            .partition_point(|segment| segment.rendered.end <= offset);
        self.segments
            .get(index)
            .filter(|segment| segment.rendered.start <= offset)
    }

    fn template_offset(&self, segment: &OriginSegment, offset: u32) -> u32 {
        if segment.exact {
            segment.template.start + (offset.saturating_sub(segment.rendered.start))
        } else {
            segment.template.start
        }
    }
}

/// One input file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: String,
    text: Arc<str>,
    line_starts: Vec<u32>,
    reported: bool,
    invalid_utf8_at: Option<u32>,
    /// The original bytes, kept only when they are not UTF-8 (a packaged chart).
    bytes: Option<Arc<[u8]>>,
    role: Role,
    origin: Option<Arc<Origin>>,
}

impl SourceFile {
    /// A file from its path and text.
    ///
    /// ```
    /// let file = lint_core::SourceFile::new("pod.yaml", "kind: Pod\nmetadata: {}\n");
    /// assert_eq!(file.position(10).line, 2);
    /// ```
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let line_starts = line_starts(&text);
        Self {
            path: path.into(),
            text,
            line_starts,
            reported: true,
            invalid_utf8_at: None,
            bytes: None,
            role: Role::Manifest,
            origin: None,
        }
    }

    /// A rendered chart template, with the provenance of its bytes.
    pub fn rendered(path: impl Into<String>, text: impl Into<Arc<str>>, origin: Origin) -> Self {
        let mut file = Self::new(path, text);
        file.role = Role::Rendered;
        file.origin = Some(Arc::new(origin));
        file
    }

    /// A file from raw bytes. Invalid UTF-8 is replaced (and reported by the linter at the
    /// first bad byte) so the rest of the file is still linted.
    pub fn from_bytes(path: impl Into<String>, bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::new(path, text),
            Err(err) => {
                let mut file = Self::new(path, String::from_utf8_lossy(bytes).into_owned());
                file.invalid_utf8_at = Some(u32::try_from(err.valid_up_to()).unwrap_or(u32::MAX));
                file.bytes = Some(Arc::from(bytes));
                file
            }
        }
    }

    /// Marks the file as context only: its objects take part in cross-resource rules, but no
    /// finding is reported in it.
    #[must_use]
    pub fn context_only(mut self) -> Self {
        self.reported = false;
        self
    }

    /// The original bytes: the text, or the raw bytes when they are not UTF-8.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_deref().unwrap_or(self.text.as_bytes())
    }

    /// What the linter does with this file.
    pub fn role(&self) -> Role {
        self.role
    }

    /// For rendered templates: where their bytes come from.
    pub fn origin(&self) -> Option<&Origin> {
        self.origin.as_deref()
    }

    /// The path as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared.
    pub fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// Whether findings in this file are reported.
    pub fn is_reported(&self) -> bool {
        self.reported
    }

    /// Byte offset (in the original bytes) of the first invalid UTF-8 sequence, if any.
    pub fn invalid_utf8_at(&self) -> Option<u32> {
        self.invalid_utf8_at
    }

    /// Number of lines (a final line without newline counts).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> u32 {
        let index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(index + 1).unwrap_or(u32::MAX)
    }

    /// Byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: u32) -> TextRange {
        let index = (line as usize).saturating_sub(1);
        let start = self.line_starts.get(index).copied().unwrap_or(0);
        let next = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len() as u32);
        let bytes = self.text.as_bytes();
        let mut end = next;
        while end > start {
            match bytes.get(end as usize - 1) {
                Some(b'\n' | b'\r') => end -= 1,
                _ => break,
            }
        }
        TextRange::new(start, end)
    }

    /// Text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        self.slice(self.line_range(line))
    }

    /// The text of a range (empty if the range is not on character boundaries).
    pub fn slice(&self, range: TextRange) -> &str {
        self.text
            .get(range.start as usize..range.end as usize)
            .unwrap_or("")
    }

    /// The rendered position of a byte offset (clamped to the text).
    pub fn position(&self, offset: u32) -> Position {
        let offset = offset.min(self.text.len() as u32);
        let line = self.line_of(offset);
        let start = self.line_range(line).start;
        let prefix = self.text.get(start as usize..offset as usize).unwrap_or("");
        Position {
            line,
            column: u32::try_from(prefix.chars().count() + 1).unwrap_or(u32::MAX),
            offset,
        }
    }

    /// 1-based column of a byte offset in UTF-16 code units, as editors count.
    pub fn utf16_column(&self, offset: u32) -> u32 {
        let offset = offset.min(self.text.len() as u32);
        let start = self.line_range(self.line_of(offset)).start;
        let prefix = self.text.get(start as usize..offset as usize).unwrap_or("");
        u32::try_from(prefix.encode_utf16().count() + 1).unwrap_or(u32::MAX)
    }
}

fn line_starts(text: &str) -> Vec<u32> {
    let mut starts = Vec::with_capacity(text.len() / 32 + 1);
    starts.push(0);
    for (i, byte) in text.bytes().enumerate() {
        if byte == b'\n' {
            starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
        }
    }
    starts
}

/// The files of one lint run.
#[derive(Debug, Clone, Default)]
pub struct SourceSet {
    files: Vec<SourceFile>,
    chart_problems: Vec<ChartProblem>,
}

impl SourceSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> SourceId {
        let id = SourceId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    /// The file with this id.
    pub fn get(&self, id: SourceId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// All files with their ids, in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (SourceId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, file)| (SourceId(u32::try_from(i).unwrap_or(u32::MAX)), file))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the set has no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The id of the file with this path.
    pub fn find(&self, path: &str) -> Option<SourceId> {
        self.iter()
            .find(|(_, file)| file.path() == path)
            .map(|(id, _)| id)
    }

    pub(crate) fn set_role(&mut self, id: SourceId, role: Role) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            file.role = role;
        }
    }

    /// Problems found while rendering the set's charts.
    pub fn chart_problems(&self) -> &[ChartProblem] {
        &self.chart_problems
    }

    pub(crate) fn push_chart_problem(&mut self, problem: ChartProblem) {
        self.chart_problems.push(problem);
    }
}

/// A chart that could not be rendered (or not completely), at the position at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartProblem {
    /// Where: the template action, the values file, or `Chart.yaml`.
    pub span: Span,
    /// What went wrong, as Helm says it.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let file = SourceFile::new("a.yaml", "a: 1\nname: \"é\" x\n");
        assert_eq!(
            file.position(0),
            Position {
                line: 1,
                column: 1,
                offset: 0
            }
        );
        let x = file.text().find('x').unwrap() as u32;
        assert_eq!(file.position(x).line, 2);
        assert_eq!(file.position(x).column, 11);
        assert_eq!(file.utf16_column(x), 11);
        assert_eq!(file.line_text(2), "name: \"é\" x");
        assert_eq!(file.line_count(), 3);
    }

    #[test]
    fn crlf_lines_drop_the_carriage_return() {
        let file = SourceFile::new("a.yaml", "a: 1\r\nb: 2\r\n");
        assert_eq!(file.line_text(1), "a: 1");
        assert_eq!(file.line_text(2), "b: 2");
    }

    #[test]
    fn invalid_utf8_is_replaced_and_located() {
        let file = SourceFile::from_bytes("a.yaml", b"a: 1\nb: \xff\n");
        assert_eq!(file.invalid_utf8_at(), Some(8));
        assert!(file.text().contains('\u{FFFD}'));
    }
}
