//! go-yaml's emitter (a port of libyaml's), byte for byte, for the events a plain Go value
//! produces: block mappings and sequences, `{}` and `[]` for empty ones, and scalars in the
//! style the encoder asked for or the emitter falls back to (plain, single- or double-quoted,
//! literal). Quoting, escaping, line folding at the best width, `? ` keys for long keys and
//! block-scalar indicators (`|-`, `|+`, `|2`) all follow the original state machine.
//!
//! Two dialects: go-yaml v2 (what `toYaml` goes through: sequences not indented under their
//! key, lines folded at 80 columns, tabs quoted) and go-yaml v3 (`toYamlPretty`: sequences
//! indented, no folding). Anchors, tags, comments and flow styles for non-empty collections
//! never occur in Helm's output and are left out.

mod scalar;

use std::rc::Rc;

use crate::funcs::serialize::{SerializeError, Work};
use scalar::analyze;

/// A scalar style an encoder asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// One event of a single-document stream.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    Scalar(Rc<str>, ScalarStyle),
    SequenceStart,
    SequenceEnd,
    MappingStart,
    MappingEnd,
}

/// Which go-yaml the output must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// go-yaml v2 (`yaml.Marshal`): 2-space indent, compact sequences, 80-column folding.
    V2,
    /// go-yaml v3 with `SetIndent(2)`: indented sequences, no folding.
    V3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    DocumentContent,
    DocumentEnd,
    FlowSequenceFirstItem,
    FlowMappingFirstKey,
    BlockSequenceFirstItem,
    BlockSequenceItem,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingSimpleValue,
    BlockMappingValue,
}

/// What the analysis of a scalar allows.
#[derive(Debug, Default, Clone, Copy)]
struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// Emits the content events of one document as a go-yaml encoder of `dialect` writes the
/// whole stream (no `---`, no `...`).
pub(crate) fn emit(
    events: &[Event],
    dialect: Dialect,
    work: &mut Work,
) -> Result<String, SerializeError> {
    let mut emitter = Emitter {
        dialect,
        best_indent: 2,
        best_width: match dialect {
            Dialect::V2 => 80,
            Dialect::V3 => i64::from(i32::MAX),
        },
        state: State::DocumentContent,
        states: Vec::new(),
        indent: -1,
        indents: Vec::new(),
        flow_level: 0,
        root_context: false,
        mapping_context: false,
        simple_key_context: false,
        column: 0,
        whitespace: true,
        indention: true,
        analysis: Analysis::default(),
        out: String::new(),
    };
    let mut paid = 0;
    for (head, event) in events.iter().enumerate() {
        emitter.analysis = match event {
            Event::Scalar(value, _) => analyze(value, dialect),
            _ => Analysis::default(),
        };
        emitter.step(event, events.get(head + 1))?;
        work.spend_bytes(emitter.out.len() - paid)?;
        paid = emitter.out.len();
    }
    if emitter.state != State::DocumentEnd {
        return Err(SerializeError::Go("yaml: expected DOCUMENT-END".to_owned()));
    }
    // The implicit document end.
    emitter.write_indent();
    Ok(emitter.out)
}

struct Emitter {
    dialect: Dialect,
    best_indent: i64,
    best_width: i64,
    state: State,
    states: Vec<State>,
    indent: i64,
    indents: Vec<i64>,
    flow_level: usize,
    root_context: bool,
    mapping_context: bool,
    simple_key_context: bool,
    column: i64,
    whitespace: bool,
    indention: bool,
    analysis: Analysis,
    out: String,
}

fn unexpected(event: &Event) -> SerializeError {
    SerializeError::Go(format!("yaml: unexpected event {event:?}"))
}

impl Emitter {
    fn step(&mut self, event: &Event, next: Option<&Event>) -> Result<(), SerializeError> {
        match self.state {
            State::DocumentContent => {
                self.states.push(State::DocumentEnd);
                self.node(event, next, true, false, false)
            }
            State::FlowSequenceFirstItem => self.empty_flow(event, Event::SequenceEnd, "[", "]"),
            State::FlowMappingFirstKey => self.empty_flow(event, Event::MappingEnd, "{", "}"),
            State::BlockSequenceFirstItem => self.block_sequence_item(event, next, true),
            State::BlockSequenceItem => self.block_sequence_item(event, next, false),
            State::BlockMappingFirstKey => self.block_mapping_key(event, next, true),
            State::BlockMappingKey => self.block_mapping_key(event, next, false),
            State::BlockMappingSimpleValue => self.block_mapping_value(event, next, true),
            State::BlockMappingValue => self.block_mapping_value(event, next, false),
            State::DocumentEnd => Err(unexpected(event)),
        }
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::DocumentEnd);
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if !indentless {
            match self.dialect {
                Dialect::V2 => self.indent += self.best_indent,
                // v3 puts a sequence item's content just past its "- " and aligns everything
                // else to multiples of the indentation.
                Dialect::V3 if self.states.last() == Some(&State::BlockSequenceItem) => {
                    self.indent += 2;
                }
                Dialect::V3 => {
                    self.indent =
                        self.best_indent * ((self.indent + self.best_indent) / self.best_indent);
                }
            }
        }
    }

    fn node(
        &mut self,
        event: &Event,
        next: Option<&Event>,
        root: bool,
        mapping: bool,
        simple_key: bool,
    ) -> Result<(), SerializeError> {
        self.root_context = root;
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match event {
            Event::Scalar(value, style) => {
                let style = self.select_style(value, *style);
                self.increase_indent(true, false);
                self.scalar(value, style);
                self.pop_indent();
                self.pop_state();
            }
            // Empty collections are written in flow style.
            Event::SequenceStart if self.flow_level > 0 || next == Some(&Event::SequenceEnd) => {
                self.state = State::FlowSequenceFirstItem;
            }
            Event::MappingStart if self.flow_level > 0 || next == Some(&Event::MappingEnd) => {
                self.state = State::FlowMappingFirstKey;
            }
            Event::SequenceStart => self.state = State::BlockSequenceFirstItem,
            Event::MappingStart => self.state = State::BlockMappingFirstKey,
            Event::SequenceEnd | Event::MappingEnd => return Err(unexpected(event)),
        }
        Ok(())
    }

    /// The end of an empty flow collection: its brackets.
    fn empty_flow(
        &mut self,
        event: &Event,
        end: Event,
        open: &str,
        close: &str,
    ) -> Result<(), SerializeError> {
        if *event != end {
            return Err(unexpected(event));
        }
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
        self.pop_state();
        Ok(())
    }

    fn block_sequence_item(
        &mut self,
        event: &Event,
        next: Option<&Event>,
        first: bool,
    ) -> Result<(), SerializeError> {
        if first {
            // v2 writes a sequence that is a mapping value at the key's indentation.
            let indentless = self.dialect == Dialect::V2 && self.mapping_context && !self.indention;
            self.increase_indent(false, indentless);
        }
        if *event == Event::SequenceEnd {
            self.pop_indent();
            self.pop_state();
            return Ok(());
        }
        self.write_indent();
        self.write_indicator("-", true, false, true);
        self.states.push(State::BlockSequenceItem);
        self.node(event, next, false, false, false)
    }

    fn block_mapping_key(
        &mut self,
        event: &Event,
        next: Option<&Event>,
        first: bool,
    ) -> Result<(), SerializeError> {
        if first {
            self.increase_indent(false, false);
        }
        if *event == Event::MappingEnd {
            self.pop_indent();
            self.pop_state();
            return Ok(());
        }
        self.write_indent();
        if self.is_simple_key(event, next) {
            self.states.push(State::BlockMappingSimpleValue);
            self.node(event, next, false, true, true)
        } else {
            self.write_indicator("?", true, false, true);
            self.states.push(State::BlockMappingValue);
            self.node(event, next, false, true, false)
        }
    }

    fn block_mapping_value(
        &mut self,
        event: &Event,
        next: Option<&Event>,
        simple: bool,
    ) -> Result<(), SerializeError> {
        if simple {
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
        self.states.push(State::BlockMappingKey);
        self.node(event, next, false, true, false)
    }

    /// A key is written `key: value` when it is a one-line scalar of at most 128 bytes or an
    /// empty collection; otherwise as `? key` / `: value`.
    fn is_simple_key(&self, event: &Event, next: Option<&Event>) -> bool {
        match event {
            Event::Scalar(value, _) => !self.analysis.multiline && value.len() <= 128,
            Event::SequenceStart => next == Some(&Event::SequenceEnd),
            Event::MappingStart => next == Some(&Event::MappingEnd),
            Event::SequenceEnd | Event::MappingEnd => false,
        }
    }

    fn select_style(&self, value: &str, requested: ScalarStyle) -> ScalarStyle {
        let a = self.analysis;
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = ScalarStyle::DoubleQuoted;
        }
        if style == ScalarStyle::Plain {
            let flow = self.flow_level > 0;
            if (flow && !a.flow_plain_allowed) || (!flow && !a.block_plain_allowed) {
                style = ScalarStyle::SingleQuoted;
            }
            if value.is_empty() && (flow || self.simple_key_context) {
                style = ScalarStyle::SingleQuoted;
            }
        }
        if style == ScalarStyle::SingleQuoted && !a.single_quoted_allowed {
            style = ScalarStyle::DoubleQuoted;
        }
        if style == ScalarStyle::Literal
            && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = ScalarStyle::DoubleQuoted;
        }
        style
    }

    fn scalar(&mut self, value: &str, style: ScalarStyle) {
        let allow_breaks = !self.simple_key_context;
        match style {
            ScalarStyle::Plain => self.write_plain(value, allow_breaks),
            ScalarStyle::SingleQuoted => self.write_single_quoted(value, allow_breaks),
            ScalarStyle::DoubleQuoted => self.write_double_quoted(value, allow_breaks),
            ScalarStyle::Literal => self.write_literal(value),
        }
    }
}

/// Low-level writing: characters, line breaks, indentation and indicators.
impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        if self.dialect == Dialect::V3 {
            self.indention = true;
        }
    }

    /// Copies a line break of the value: `\n` as the output's line break, others as they are.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            if self.dialect == Dialect::V3 {
                self.indention = true;
            }
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }
}
