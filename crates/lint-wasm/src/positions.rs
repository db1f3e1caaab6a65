//! Positions as editors count them. The JSON report gives lines, columns in characters and
//! byte offsets; Monaco, CodeMirror and VS Code count UTF-16 code units, so on request every
//! position also gets `utf16Column` (1-based) and `utf16Offset` (0-based).

use std::collections::BTreeMap;

use lint_core::{SourceFile, SourceId, SourceSet};
use serde_json::{Map, Value, json};

/// How positions are counted, besides lines and byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Columns in characters, offsets in bytes: the JSON report as the CLI prints it.
    Utf8,
    /// Also UTF-16 columns and offsets.
    Utf16,
}

/// Writes positions of the files of a set, with the UTF-16 line index of each file built
/// when first needed.
#[derive(Debug)]
pub struct PositionWriter<'a> {
    sources: &'a SourceSet,
    encoding: Encoding,
    by_path: BTreeMap<&'a str, SourceId>,
    utf16_line_starts: BTreeMap<SourceId, Vec<u32>>,
}

impl<'a> PositionWriter<'a> {
    /// A writer for the files of `sources`.
    pub fn new(sources: &'a SourceSet, encoding: Encoding) -> Self {
        let mut by_path = BTreeMap::new();
        for (id, file) in sources.iter() {
            by_path.entry(file.path()).or_insert(id);
        }
        Self {
            sources,
            encoding,
            by_path,
            utf16_line_starts: BTreeMap::new(),
        }
    }

    /// `{start, end}` of a byte range of a file.
    pub fn range_in(&mut self, id: SourceId, start: u32, end: u32) -> Value {
        json!({ "start": self.position(id, start), "end": self.position(id, end) })
    }

    /// `{line, column, offset}` of a byte offset, with the UTF-16 fields when asked for.
    pub fn position(&mut self, id: SourceId, offset: u32) -> Value {
        let Some(file) = self.sources.get(id) else {
            return Value::Null;
        };
        let position = file.position(offset);
        let mut value = json!({
            "line": position.line,
            "column": position.column,
            "offset": position.offset,
        });
        if let (Encoding::Utf16, Value::Object(fields)) = (self.encoding, &mut value) {
            self.add_utf16_fields(id, fields);
        }
        value
    }

    /// Adds the UTF-16 fields to every position of a JSON report (diagnostics and their
    /// related places).
    pub fn add_utf16(&mut self, report: &mut Value) {
        let Some(diagnostics) = report.get_mut("diagnostics").and_then(Value::as_array_mut) else {
            return;
        };
        for diagnostic in diagnostics {
            self.add_utf16_located(diagnostic);
            if let Some(related) = diagnostic.get_mut("related").and_then(Value::as_array_mut) {
                for place in related {
                    self.add_utf16_located(place);
                }
            }
        }
    }

    /// `{file, start, end}`: the UTF-16 fields of `start` and `end`.
    fn add_utf16_located(&mut self, located: &mut Value) {
        let Some(id) = located
            .get("file")
            .and_then(Value::as_str)
            .and_then(|path| self.by_path.get(path).copied())
        else {
            return;
        };
        for key in ["start", "end"] {
            if let Some(Value::Object(fields)) = located.get_mut(key) {
                self.add_utf16_fields(id, fields);
            }
        }
    }

    fn add_utf16_fields(&mut self, id: SourceId, fields: &mut Map<String, Value>) {
        let Some(file) = self.sources.get(id) else {
            return;
        };
        let offset = fields
            .get("offset")
            .and_then(Value::as_u64)
            .and_then(|o| u32::try_from(o).ok())
            .unwrap_or(0);
        let column = file.utf16_column(offset);
        let line = file.line_of(offset.min(file.text().len() as u32));
        let starts = self
            .utf16_line_starts
            .entry(id)
            .or_insert_with(|| utf16_line_starts(file));
        let line_start = starts
            .get((line as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0);
        fields.insert("utf16Column".to_owned(), Value::from(column));
        fields.insert(
            "utf16Offset".to_owned(),
            Value::from(line_start + column.saturating_sub(1)),
        );
    }
}

/// The UTF-16 offset of the start of each line.
fn utf16_line_starts(file: &SourceFile) -> Vec<u32> {
    let mut starts = Vec::with_capacity(file.line_count());
    starts.push(0);
    let mut units: u32 = 0;
    for c in file.text().chars() {
        units = units.saturating_add(u32::try_from(c.len_utf16()).unwrap_or(2));
        if c == '\n' {
            starts.push(units);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_core::SourceFile;

    #[test]
    fn utf16_positions_count_surrogate_pairs_and_multibyte_characters() {
        let mut set = SourceSet::new();
        // "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units.
        let id = set.add(SourceFile::new("a.yaml", "é: 😀\nkey: 😀x\n"));
        let mut writer = PositionWriter::new(&set, Encoding::Utf16);
        let x = "é: 😀\nkey: 😀".len() as u32;
        let position = writer.position(id, x);
        assert_eq!(position["line"], 2);
        assert_eq!(position["column"], 7);
        assert_eq!(position["utf16Column"], 8);
        // Line 1 is "é: 😀\n": 1 + 2 + 2 + 1 = 6 units.
        assert_eq!(position["utf16Offset"], 6 + 7);
        let text: Vec<u16> = set.get(id).unwrap().text().encode_utf16().collect();
        assert_eq!(text[13], u16::from(b'x'));
    }

    #[test]
    fn utf8_positions_are_the_reports() {
        let mut set = SourceSet::new();
        let id = set.add(SourceFile::new("a.yaml", "é: 1\n"));
        let mut writer = PositionWriter::new(&set, Encoding::Utf8);
        assert_eq!(
            writer.position(id, 3),
            json!({"line": 1, "column": 3, "offset": 3})
        );
    }
}
