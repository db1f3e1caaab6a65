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

use std::rc::Rc;

use crate::funcs::serialize::{SerializeError, Work};

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

/// Low-level writing: indentation, indicators and the scalar styles.
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

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        let v3_empty = self.dialect == Dialect::V3 && value.is_empty();
        if !self.whitespace && !v3_empty {
            self.put(' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ' ' {
                let next_is_space = chars.peek() == Some(&' ');
                if allow_breaks && !spaces && self.column > self.best_width && !next_is_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if !v3_empty {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let last = value.len().saturating_sub(1);
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == ' ' {
                let next_is_space = chars.peek().is_some_and(|&(_, n)| n == ' ');
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i < last
                    && !next_is_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        // libyaml checks for a byte order mark at the start of the value at every character,
        // so such a value is escaped entirely.
        let bom = value.starts_with('\u{FEFF}');
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let last = value.len().saturating_sub(1);
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if bom || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                self.write_escape(c);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && i > 0 && i < last {
                    self.write_indent();
                    if chars.peek().is_some_and(|&(_, n)| n == ' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// The escape after the backslash: a short one or `xXX`, `uXXXX`, `UXXXXXXXX`.
    fn write_escape(&mut self, c: char) {
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(short) = short {
            self.put(short);
            return;
        }
        let code = c as u32;
        let (letter, digits) = match code {
            0..=0xFF => ('x', 2),
            0x100..=0xFFFF => ('u', 4),
            _ => ('U', 8),
        };
        self.put(letter);
        for k in (0..digits).rev() {
            let digit = (code >> (k * 4)) & 0xF;
            self.put(char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase()));
        }
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        self.write_block_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }

    /// The indentation indicator (when the text starts with a space or a break) and the
    /// chomping indicator (`-` without a final break, `+` with several).
    fn write_block_hints(&mut self, value: &str) {
        let mut chars = value.chars();
        if chars.next().is_some_and(|c| c == ' ' || is_break(c)) {
            let hint = char::from_digit(self.best_indent as u32, 10).unwrap_or('2');
            self.write_indicator(&hint.to_string(), false, false, false);
        }
        let mut from_end = value.chars().rev();
        let chomp = match (from_end.next(), from_end.next()) {
            (None, _) => Some("-"),
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(before)) if is_break(before) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
    }
}

/// libyaml's printable set: LF, printable ASCII, U+00A0 to U+D7FF and U+E000 to U+FFFD but
/// the byte order mark. Characters beyond the BMP are escaped.
fn is_printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD) && c != '\u{FEFF}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's scalar analysis: which styles can carry the value.
fn analyze(value: &str, dialect: Dialect) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut tab_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;
    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut chars = value.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let is_last = chars.peek().is_none();
        let followed_by_whitespace = chars.peek().is_none_or(|&(_, n)| is_blank(n));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                '?' | ':' => {
                    flow_indicators = true;
                    block_indicators |= followed_by_whitespace;
                }
                '-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    block_indicators |= followed_by_whitespace;
                }
                '#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if c == '\t' && dialect == Dialect::V3 {
            tab_characters = true;
        } else if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= is_last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= is_last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tab_characters || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}
