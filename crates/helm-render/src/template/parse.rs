//! The parser of Go's text/template: pipelines, variables, control structures and
//! `define`d templates, with the checks Go makes at parse time (undefined functions and
//! variables, `break` outside `range`, unbalanced `end`).

use std::fmt;
use std::rc::Rc;

use super::lex::{Item, Token, lex};

/// A list of nodes.
pub(crate) type List = Vec<Node>;

/// A node of a parsed template. Positions are byte offsets in the template source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Text {
        pos: usize,
        text: Rc<str>,
    },
    Action {
        pos: usize,
        pipe: Pipe,
    },
    If(Branch),
    Range(Branch),
    With(Branch),
    Template {
        pos: usize,
        name: String,
        pipe: Option<Pipe>,
    },
    Break {
        pos: usize,
    },
    Continue {
        pos: usize,
    },
}

/// `if`, `range` and `with`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Branch {
    pub pos: usize,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

/// A pipeline, with the variables it declares or assigns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pipe {
    pub pos: usize,
    pub decl: Vec<String>,
    pub is_assign: bool,
    pub cmds: Vec<Command>,
}

/// One stage of a pipeline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Dot {
        pos: usize,
    },
    Nil {
        pos: usize,
    },
    Bool {
        pos: usize,
        value: bool,
    },
    Number {
        pos: usize,
        number: Number,
    },
    String {
        pos: usize,
        value: Rc<str>,
    },
    /// `.a.b.c`
    Field {
        pos: usize,
        names: Vec<String>,
    },
    /// `$x.a.b`
    Variable {
        pos: usize,
        name: String,
        fields: Vec<String>,
    },
    /// A function name.
    Function {
        pos: usize,
        name: String,
    },
    /// `(pipeline).a.b`
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Vec<String>,
    },
    /// `(pipeline)`
    Pipe {
        pos: usize,
        pipe: Box<Pipe>,
    },
}

impl Arg {
    pub(crate) fn pos(&self) -> usize {
        match self {
            Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::String { pos, .. }
            | Arg::Field { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Function { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Pipe { pos, .. } => *pos,
        }
    }
}

/// A number constant, with every type it can be.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Number {
    pub text: String,
    pub int: Option<i64>,
    pub float: Option<f64>,
    /// Written as a float (`1.0`, `1e3`): Go gives it to functions as float64.
    pub float_syntax: bool,
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            let vars: Vec<&str> = self.decl.iter().map(String::as_str).collect();
            write!(
                f,
                "{} {} ",
                vars.join(", "),
                if self.is_assign { "=" } else { ":=" }
            )?;
        }
        for (i, cmd) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{cmd}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            match arg {
                Arg::Pipe { pipe, .. } => write!(f, "({pipe})")?,
                other => write!(f, "{other}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Bool { value, .. } => write!(f, "{value}"),
            Arg::Number { number, .. } => f.write_str(&number.text),
            Arg::String { value, .. } => write!(f, "{}", super::format::quote(value)),
            Arg::Field { names, .. } => {
                for name in names {
                    write!(f, ".{name}")?;
                }
                Ok(())
            }
            Arg::Variable { name, fields, .. } => {
                f.write_str(name)?;
                for field in fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
            Arg::Function { name, .. } => f.write_str(name),
            Arg::Chain { node, fields, .. } => {
                match node.as_ref() {
                    Arg::Pipe { pipe, .. } => write!(f, "({pipe})")?,
                    other => write!(f, "{other}")?,
                }
                for field in fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
            Arg::Pipe { pipe, .. } => write!(f, "({pipe})"),
        }
    }
}

/// A parse error, at a byte offset of the template source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParseError {
    pub pos: usize,
    pub message: String,
}

/// A parsed template file: its main body and the templates it `define`s.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parsed {
    pub root: List,
    pub defines: Vec<(String, List)>,
}

/// Parses a template. `is_function` says which identifiers are functions.
pub(crate) fn parse(src: &str, is_function: &dyn Fn(&str) -> bool) -> Result<Parsed, ParseError> {
    let items = lex(src).map_err(|e| ParseError {
        pos: e.pos,
        message: e.message,
    })?;
    let mut parser = Parser {
        items,
        index: 0,
        vars: vec!["$".to_owned()],
        range_depth: 0,
        is_function,
        defines: Vec::new(),
        end_pos: src.len(),
    };
    let root = parser.top()?;
    Ok(Parsed {
        root,
        defines: parser.defines,
    })
}

struct Parser<'f> {
    items: Vec<Item>,
    index: usize,
    /// Variables in scope (a stack; scopes are restored by truncation).
    vars: Vec<String>,
    range_depth: usize,
    is_function: &'f dyn Fn(&str) -> bool,
    defines: Vec<(String, List)>,
    end_pos: usize,
}

/// What ended an item list.
enum Stop {
    End,
    Else,
}

/// What `text_or_action` found.
enum Step {
    Node(Node),
    Stop(Stop),
}

impl Parser<'_> {
    fn error<T>(&self, pos: usize, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            pos,
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<&Item> {
        self.items.get(self.index)
    }

    fn next(&mut self) -> Option<Item> {
        let item = self.items.get(self.index).cloned();
        if item.is_some() {
            self.index += 1;
        }
        item
    }

    /// The next token that is not a space.
    fn next_non_space(&mut self) -> Option<Item> {
        loop {
            let item = self.next()?;
            if item.token != Token::Space {
                return Some(item);
            }
        }
    }

    fn peek_non_space(&mut self) -> Option<Item> {
        let saved = self.index;
        let item = self.next_non_space();
        self.index = saved;
        item
    }

    fn eof_pos(&self) -> usize {
        self.end_pos
    }

    fn top(&mut self) -> Result<List, ParseError> {
        let mut list = Vec::new();
        while let Some(item) = self.peek().cloned() {
            if item.token == Token::Comment {
                self.index += 1;
                continue;
            }
            if item.token == Token::LeftDelim {
                let saved = self.index;
                self.index += 1;
                if let Some(next) = self.peek_non_space() {
                    if next.token == Token::Keyword && next.text == "define" {
                        self.next_non_space();
                        self.definition(next.pos)?;
                        continue;
                    }
                }
                self.index = saved;
            }
            match self.text_or_action()? {
                Step::Node(node) => list.push(node),
                Step::Stop(stop) => {
                    let pos = self
                        .items
                        .get(self.index.saturating_sub(1))
                        .map_or(0, |i| i.pos);
                    let what = if matches!(stop, Stop::End) {
                        "{{end}}"
                    } else {
                        "{{else}}"
                    };
                    return self.error(pos, format!("unexpected {what}"));
                }
            }
        }
        Ok(list)
    }

    /// `{{define "name"}} ... {{end}}`
    fn definition(&mut self, pos: usize) -> Result<(), ParseError> {
        let name_item = self.next_non_space();
        let name = match name_item {
            Some(item) if matches!(item.token, Token::String | Token::RawString) => {
                unquote(&item.text).map_err(|m| ParseError {
                    pos: item.pos,
                    message: m,
                })?
            }
            _ => return self.error(pos, "unexpected token in define clause"),
        };
        self.expect_right_delim("define clause")?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".to_owned()]);
        let (list, stop) = self.item_list()?;
        self.vars = saved_vars;
        if !matches!(stop, Stop::End) {
            return self.error(pos, "unexpected {{else}} in define clause");
        }
        self.defines.push((name, list));
        Ok(())
    }

    fn expect_right_delim(&mut self, context: &str) -> Result<(), ParseError> {
        match self.next_non_space() {
            Some(item) if item.token == Token::RightDelim => Ok(()),
            Some(item) => self.error(
                item.pos,
                format!("unexpected {} in {context}", describe(&item)),
            ),
            None => self.error(self.eof_pos(), format!("unexpected EOF in {context}")),
        }
    }

    /// Nodes until `{{end}}` or `{{else}}`.
    fn item_list(&mut self) -> Result<(List, Stop), ParseError> {
        let mut list = Vec::new();
        loop {
            if self.peek().is_none() {
                return self.error(self.eof_pos(), "unexpected EOF");
            }
            match self.text_or_action()? {
                Step::Node(node) => list.push(node),
                Step::Stop(stop) => return Ok((list, stop)),
            }
        }
    }

    /// A node, or the `{{end}}` / `{{else}}` that stops a list (the caller decides).
    fn text_or_action(&mut self) -> Result<Step, ParseError> {
        loop {
            let Some(item) = self.next() else {
                return self.error(self.eof_pos(), "unexpected EOF");
            };
            match item.token {
                Token::Text => {
                    return Ok(Step::Node(Node::Text {
                        pos: item.pos,
                        text: item.text.into(),
                    }));
                }
                Token::Comment => continue,
                Token::LeftDelim => return self.action(item.pos),
                _ => return self.error(item.pos, format!("unexpected {:?}", item.text)),
            }
        }
    }

    fn action(&mut self, pos: usize) -> Result<Step, ParseError> {
        let Some(item) = self.peek_non_space() else {
            return self.error(self.eof_pos(), "unexpected EOF");
        };
        if item.token == Token::Keyword {
            self.next_non_space();
            return match item.text.as_str() {
                "end" => {
                    self.expect_right_delim("end")?;
                    Ok(Step::Stop(Stop::End))
                }
                // `{{else}}`, `{{else if ...}}` and `{{else with ...}}`: the caller reads on.
                "else" => Ok(Step::Stop(Stop::Else)),
                "if" => self
                    .control(item.pos, "if")
                    .map(|b| Step::Node(Node::If(b))),
                "with" => self
                    .control(item.pos, "with")
                    .map(|b| Step::Node(Node::With(b))),
                "range" => {
                    self.range_depth += 1;
                    let branch = self.control(item.pos, "range");
                    self.range_depth -= 1;
                    branch.map(|b| Step::Node(Node::Range(b)))
                }
                "template" => self.template(item.pos).map(Step::Node),
                "block" => self.block(item.pos).map(Step::Node),
                "break" | "continue" => {
                    if self.range_depth == 0 {
                        return self.error(
                            item.pos,
                            format!("{{{{{}}}}} outside {{{{range}}}}", item.text),
                        );
                    }
                    self.expect_right_delim(&item.text)?;
                    Ok(Step::Node(if item.text == "break" {
                        Node::Break { pos: item.pos }
                    } else {
                        Node::Continue { pos: item.pos }
                    }))
                }
                "define" => self.error(item.pos, "unexpected <define> in command"),
                other => self.error(item.pos, format!("unexpected {other:?}")),
            };
        }
        let pipe = self.pipeline("command", Token::RightDelim)?;
        Ok(Step::Node(Node::Action { pos, pipe }))
    }

    /// `if`, `with`, `range`: pipeline, body, optional else (with `else if` chains).
    fn control(&mut self, pos: usize, context: &str) -> Result<Branch, ParseError> {
        let saved_vars = self.vars.len();
        let pipe = self.pipeline(context, Token::RightDelim)?;
        let (list, stop) = self.item_list()?;
        let mut else_list = None;
        if let Stop::Else = stop {
            // `{{else if ...}}` / `{{else with ...}}` chain into a nested branch that shares
            // the single `{{end}}`.
            let chained = self.peek_non_space().filter(|item| {
                item.token == Token::Keyword
                    && ((context == "if" && item.text == "if")
                        || (context == "with" && item.text == "with"))
            });
            if let Some(item) = chained {
                self.next_non_space();
                let nested = self.control(item.pos, context)?;
                let node = if context == "if" {
                    Node::If(nested)
                } else {
                    Node::With(nested)
                };
                else_list = Some(vec![node]);
            } else {
                self.expect_right_delim("else")?;
                let (list, stop) = self.item_list()?;
                if let Stop::Else = stop {
                    return self.error(pos, "expected end; found {{else}}");
                }
                else_list = Some(list);
            }
        }
        self.vars.truncate(saved_vars);
        Ok(Branch {
            pos,
            pipe,
            list,
            else_list,
        })
    }

    /// `{{template "name" pipeline}}`
    fn template(&mut self, pos: usize) -> Result<Node, ParseError> {
        let name = self.template_name("template clause")?;
        let pipe = match self.peek_non_space() {
            Some(item) if item.token == Token::RightDelim => {
                self.next_non_space();
                None
            }
            _ => Some(self.pipeline("template clause", Token::RightDelim)?),
        };
        Ok(Node::Template { pos, name, pipe })
    }

    /// `{{block "name" pipeline}} default {{end}}` = define + template.
    fn block(&mut self, pos: usize) -> Result<Node, ParseError> {
        let name = self.template_name("block clause")?;
        let pipe = self.pipeline("block clause", Token::RightDelim)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".to_owned()]);
        let (list, stop) = self.item_list()?;
        self.vars = saved_vars;
        if !matches!(stop, Stop::End) {
            return self.error(pos, "unexpected {{else}} in block clause");
        }
        self.defines.push((name.clone(), list));
        Ok(Node::Template {
            pos,
            name,
            pipe: Some(pipe),
        })
    }

    fn template_name(&mut self, context: &str) -> Result<String, ParseError> {
        match self.next_non_space() {
            Some(item) if matches!(item.token, Token::String | Token::RawString) => {
                unquote(&item.text).map_err(|m| ParseError {
                    pos: item.pos,
                    message: m,
                })
            }
            Some(item) => self.error(
                item.pos,
                format!("unexpected {} in {context}", describe(&item)),
            ),
            None => self.error(self.eof_pos(), format!("unexpected EOF in {context}")),
        }
    }

    /// A pipeline ending at `end`, with optional `$x :=`, `$x =` or `$i, $v :=` in front.
    fn pipeline(&mut self, context: &str, end: Token) -> Result<Pipe, ParseError> {
        let pos = self.peek_non_space().map_or(self.eof_pos(), |i| i.pos);
        let mut decl = Vec::new();
        let mut is_assign = false;
        if let Some(first) = self.peek_non_space().filter(|i| i.token == Token::Variable) {
            let saved = self.index;
            self.next_non_space();
            match self.peek_non_space().map(|i| i.token) {
                Some(Token::Declare) | Some(Token::Assign) => {
                    let op = self.next_non_space().map(|i| i.token);
                    is_assign = op == Some(Token::Assign);
                    decl.push(first.text.clone());
                }
                Some(Token::Char(',')) if context == "range" => {
                    self.next_non_space();
                    match self.next_non_space() {
                        Some(second) if second.token == Token::Variable => {
                            let op = self.next_non_space().map(|i| i.token);
                            match op {
                                Some(Token::Declare) => {}
                                Some(Token::Assign) => is_assign = true,
                                _ => {
                                    return self.error(
                                        second.pos,
                                        "missing := or = after range variables",
                                    );
                                }
                            }
                            decl.push(first.text.clone());
                            decl.push(second.text);
                        }
                        _ => return self.error(first.pos, "range can only initialize variables"),
                    }
                }
                _ => self.index = saved,
            }
            for name in &decl {
                if is_assign {
                    if !self.vars.contains(name) {
                        return self.error(first.pos, format!("undefined variable {name:?}"));
                    }
                } else {
                    self.vars.push(name.clone());
                }
            }
        }
        let mut cmds = Vec::new();
        loop {
            let Some(item) = self.peek_non_space() else {
                return self.error(self.eof_pos(), format!("unclosed action in {context}"));
            };
            if item.token == end {
                self.next_non_space();
                break;
            }
            if item.token == Token::RightDelim || item.token == Token::RightParen {
                return self.error(
                    item.pos,
                    format!("unexpected {} in {context}", describe(&item)),
                );
            }
            cmds.push(self.command(&end)?);
        }
        if cmds.is_empty() {
            return self.error(pos, format!("missing value for {context}"));
        }
        for (i, cmd) in cmds.iter().enumerate().skip(1) {
            if let Some(first) = cmd.args.first() {
                if matches!(
                    first,
                    Arg::Bool { .. }
                        | Arg::Dot { .. }
                        | Arg::Nil { .. }
                        | Arg::Number { .. }
                        | Arg::String { .. }
                ) {
                    return self.error(
                        cmd.pos,
                        format!("non executable command in pipeline stage {}", i + 1),
                    );
                }
            }
        }
        Ok(Pipe {
            pos,
            decl,
            is_assign,
            cmds,
        })
    }

    fn command(&mut self, end: &Token) -> Result<Command, ParseError> {
        let pos = self.peek_non_space().map_or(self.eof_pos(), |i| i.pos);
        let mut args = Vec::new();
        loop {
            // Operands are separated by spaces; a pipe ends the command.
            match self.peek().map(|i| i.token.clone()) {
                Some(Token::Space) => {
                    self.next();
                    continue;
                }
                Some(Token::Pipe) => {
                    self.next();
                    if args.is_empty() {
                        return self.error(pos, "missing command");
                    }
                    break;
                }
                Some(ref t) if t == end => break,
                Some(Token::RightDelim) | Some(Token::RightParen) => break,
                None => return self.error(self.eof_pos(), "unclosed action"),
                _ => {}
            }
            let operand = self.operand()?;
            // Operands must be separated by space.
            if let Some(next) = self.peek() {
                if !matches!(
                    next.token,
                    Token::Space | Token::Pipe | Token::RightDelim | Token::RightParen
                ) {
                    return self.error(next.pos, format!("unexpected {:?} in operand", next.text));
                }
            }
            args.push(operand);
        }
        if args.is_empty() {
            return self.error(pos, "empty command");
        }
        if let Some(Arg::Nil { pos }) = args.first() {
            return self.error(*pos, "nil is not a command");
        }
        Ok(Command { pos, args })
    }

    fn operand(&mut self) -> Result<Arg, ParseError> {
        let term = self.term()?;
        // As in Go, a node with fields after its term is placed at the first of those fields.
        let chain_pos = self
            .peek()
            .filter(|i| i.token == Token::Field)
            .map(|i| i.pos);
        let mut fields = Vec::new();
        while let Some(item) = self.peek().filter(|i| i.token == Token::Field) {
            fields.push(item.text.trim_start_matches('.').to_owned());
            self.index += 1;
        }
        let Some(chain_pos) = chain_pos else {
            return Ok(term);
        };
        Ok(match term {
            Arg::Field { mut names, .. } => {
                names.extend(fields);
                Arg::Field {
                    pos: chain_pos,
                    names,
                }
            }
            Arg::Variable {
                name,
                fields: mut own,
                ..
            } => {
                own.extend(fields);
                Arg::Variable {
                    pos: chain_pos,
                    name,
                    fields: own,
                }
            }
            Arg::Bool { pos, .. }
            | Arg::String { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::Nil { pos }
            | Arg::Dot { pos } => {
                return self.error(pos, format!("unexpected . after term {term:?}"));
            }
            other => Arg::Chain {
                pos: chain_pos,
                node: Box::new(other),
                fields,
            },
        })
    }

    fn term(&mut self) -> Result<Arg, ParseError> {
        let Some(item) = self.next() else {
            return self.error(self.eof_pos(), "unexpected EOF");
        };
        let pos = item.pos;
        Ok(match item.token {
            Token::Identifier => {
                if !(self.is_function)(&item.text) {
                    return self.error(pos, format!("function {:?} not defined", item.text));
                }
                Arg::Function {
                    pos,
                    name: item.text,
                }
            }
            Token::Dot => Arg::Dot { pos },
            Token::Nil => Arg::Nil { pos },
            Token::Variable => {
                if !self.vars.contains(&item.text) {
                    return self.error(pos, format!("undefined variable {:?}", item.text));
                }
                Arg::Variable {
                    pos,
                    name: item.text,
                    fields: Vec::new(),
                }
            }
            Token::Field => Arg::Field {
                pos,
                names: vec![item.text.trim_start_matches('.').to_owned()],
            },
            Token::Bool => Arg::Bool {
                pos,
                value: item.text == "true",
            },
            Token::Number => Arg::Number {
                pos,
                number: number(&item.text).map_err(|m| ParseError { pos, message: m })?,
            },
            Token::CharConstant => {
                let text = unquote_char(&item.text).map_err(|m| ParseError { pos, message: m })?;
                Arg::Number {
                    pos,
                    number: Number {
                        text: item.text.clone(),
                        int: Some(i64::from(u32::from(text))),
                        float: Some(f64::from(u32::from(text))),
                        float_syntax: false,
                    },
                }
            }
            Token::String | Token::RawString => Arg::String {
                pos,
                value: unquote(&item.text)
                    .map_err(|m| ParseError { pos, message: m })?
                    .into(),
            },
            Token::LeftParen => {
                let pipe = self.pipeline("parenthesized pipeline", Token::RightParen)?;
                Arg::Pipe {
                    pos,
                    pipe: Box::new(pipe),
                }
            }
            _ => return self.error(pos, format!("unexpected {:?} in operand", item.text)),
        })
    }
}

/// A Go number literal: integer (decimal, `0x`, `0o`, `0b`, leading-zero octal, `_`
/// separators) or float.
fn number(text: &str) -> Result<Number, String> {
    let bad = || format!("illegal number syntax: {text:?}");
    if text.ends_with('i') {
        return Err("complex numbers are not supported".to_owned());
    }
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, body) = match clean.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let parse_int = |body: &str| -> Option<i128> {
        let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
            (16, d)
        } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
            (8, d)
        } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
            (2, d)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, body.get(1..)?)
        } else {
            (10, body)
        };
        if digits.is_empty() {
            return None;
        }
        u64::from_str_radix(digits, radix).ok().map(i128::from)
    };
    let is_hex = body.starts_with("0x") || body.starts_with("0X");
    let float_syntax =
        !is_hex && body.contains(['.', 'e', 'E']) || is_hex && body.contains(['p', 'P']);
    if !float_syntax {
        let magnitude = parse_int(body).ok_or_else(bad)?;
        let value = if negative { -magnitude } else { magnitude };
        let int = i64::try_from(value).ok();
        return Ok(Number {
            text: text.to_owned(),
            int,
            float: Some(value as f64),
            float_syntax: false,
        });
    }
    let float: f64 = if is_hex {
        hex_float(body.get(2..).unwrap_or("")).ok_or_else(bad)?
    } else {
        clean.parse().map_err(|_| bad())?
    };
    let float = if negative && is_hex { -float } else { float };
    // An integral float constant is also an int (Go's parser does the same).
    let int = (float.fract() == 0.0 && float.abs() < 9.2e18).then_some(float as i64);
    Ok(Number {
        text: text.to_owned(),
        int,
        float: Some(float),
        float_syntax: true,
    })
}

/// Go's `strconv.Unquote` for `"..."` and `` `...` `` literals.
pub(crate) fn unquote(text: &str) -> Result<String, String> {
    if let Some(raw) = text.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
        return Ok(raw.replace('\r', ""));
    }
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(|| format!("invalid syntax: {text}"))?;
    unescape(inner, '"')
}

fn unquote_char(text: &str) -> Result<char, String> {
    let inner = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .ok_or_else(|| format!("malformed character constant: {text}"))?;
    let value = unescape(inner, '\'')?;
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("malformed character constant: {text}")),
    }
}

fn unescape(inner: &str, quote: char) -> Result<String, String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    let invalid = || "invalid syntax".to_owned();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escape = chars.next().ok_or_else(invalid)?;
        match escape {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            c if c == quote => out.push(c),
            'x' | 'u' | 'U' => {
                let len = match escape {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let digits: String = (0..len).filter_map(|_| chars.next()).collect();
                if digits.len() != len {
                    return Err(invalid());
                }
                let value = u32::from_str_radix(&digits, 16).map_err(|_| invalid())?;
                if escape == 'x' {
                    // A byte; Go strings are bytes, kubeward's are UTF-8.
                    out.push(char::from_u32(value).ok_or_else(invalid)?);
                } else {
                    out.push(char::from_u32(value).ok_or_else(invalid)?);
                }
            }
            '0'..='7' => {
                let mut digits = String::from(escape);
                for _ in 0..2 {
                    digits.push(chars.next().ok_or_else(invalid)?);
                }
                let value = u32::from_str_radix(&digits, 8).map_err(|_| invalid())?;
                out.push(char::from_u32(value).ok_or_else(invalid)?);
            }
            _ => return Err(invalid()),
        }
    }
    Ok(out)
}

/// An item as Go's parse errors show it: a keyword as `<name>`, other text quoted (cut
/// after ten characters).
fn describe(item: &Item) -> String {
    if item.token == Token::Keyword {
        return format!("<{}>", item.text);
    }
    if item.text.chars().count() > 10 {
        let head: String = item.text.chars().take(10).collect();
        return format!("{head:?}...");
    }
    format!("{:?}", item.text)
}

/// A hexadecimal float's value after `0x`: hex digits with an optional point, then a
/// binary exponent (`1.8p-3`).
fn hex_float(text: &str) -> Option<f64> {
    let (mantissa, exponent) = text.split_once(['p', 'P'])?;
    let exponent: i32 = exponent.parse().ok()?;
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.len() + fraction.len() == 0 || whole.len() + fraction.len() > 30 {
        return None;
    }
    let mut value: f64 = 0.0;
    for c in whole.chars().chain(fraction.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let shift = exponent.checked_sub(i32::try_from(fraction.len() * 4).ok()?)?;
    Some(value * 2f64.powi(shift))
}
