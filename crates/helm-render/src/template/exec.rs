//! Execution of parsed templates with Go's semantics: field chains over maps and objects
//! (`missingkey=zero`, as Helm sets it), variables and their scopes, `if`/`with`/`range`
//! (maps in key order, `break`/`continue`), pipelines passing the previous result as the
//! last argument, lazy `and`/`or`, and `template`. Every byte written records the template
//! position that produced it.

use std::collections::HashMap;
use std::rc::Rc;

use super::format::format_value;
use super::parse::{Arg, Branch, Command, List, Node, Pipe};
use super::value::Value;
use super::{Func, Funcs, Output, Template, TemplateError, TemplateSet};

/// Deepest nesting of `template`, `include` and `tpl`.
pub const MAX_DEPTH: usize = 256;

/// Why execution stopped early.
pub(crate) enum Flow {
    Break,
    Continue,
    Error(TemplateError),
}

impl From<TemplateError> for Flow {
    fn from(err: TemplateError) -> Self {
        Flow::Error(err)
    }
}

type Result<T> = std::result::Result<T, Flow>;

/// The state of one execution: what functions see as their context.
#[allow(missing_debug_implementations)]
pub struct Exec<'a> {
    pub(crate) set: &'a TemplateSet,
    pub(crate) funcs: &'a Funcs,
    pub(crate) out: Output,
    vars: Vec<(String, Value)>,
    pub(crate) depth: usize,
    /// Work left before the render is stopped (every node and call costs one).
    pub(crate) budget: &'a std::cell::Cell<u64>,
    /// The template whose nodes are being executed (for positions).
    pub(crate) current: Rc<Template>,
    /// Templates defined by `tpl` text, visible only inside it.
    pub(crate) overlay: Rc<HashMap<String, Rc<Template>>>,
}

impl<'a> Exec<'a> {
    pub(crate) fn new(
        set: &'a TemplateSet,
        funcs: &'a Funcs,
        template: Rc<Template>,
        budget: &'a std::cell::Cell<u64>,
    ) -> Self {
        Exec {
            set,
            funcs,
            out: Output::default(),
            vars: Vec::new(),
            depth: 0,
            budget,
            current: template,
            overlay: Rc::new(HashMap::new()),
        }
    }

    /// The template with this name: `tpl`-local definitions first, then the set.
    pub fn lookup(&self, name: &str) -> Option<Rc<Template>> {
        self.overlay
            .get(name)
            .cloned()
            .or_else(|| self.set.templates.get(name).cloned())
    }

    /// The name of the template being executed (`.Template.Name` for `tpl`).
    pub fn current_name(&self) -> &str {
        &self.current.name
    }

    /// Runs a template with `dot` as data and `$`, writing into the current output.
    pub(crate) fn run(
        &mut self,
        template: Rc<Template>,
        dot: &Value,
    ) -> std::result::Result<(), TemplateError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_at(
                template.pos_of_root(),
                "",
                format!("exceeded maximum template depth ({MAX_DEPTH})"),
            ));
        }
        let saved_current = std::mem::replace(&mut self.current, Rc::clone(&template));
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$".to_owned(), dot.clone())]);
        self.depth += 1;
        let result = self.walk_list(&template.list, dot);
        self.depth -= 1;
        self.vars = saved_vars;
        self.current = saved_current;
        match result {
            Ok(()) => Ok(()),
            Err(Flow::Error(err)) => Err(err),
            // The parser rejects break and continue outside range.
            Err(Flow::Break | Flow::Continue) => Ok(()),
        }
    }

    /// Executes a template into a fresh buffer and returns its text (for `include`).
    pub fn execute_to_string(
        &mut self,
        template: Rc<Template>,
        dot: &Value,
    ) -> std::result::Result<String, TemplateError> {
        let saved = std::mem::take(&mut self.out);
        let result = self.run(template, dot);
        let out = std::mem::replace(&mut self.out, saved);
        result.map(|()| out.text)
    }

    /// Parses `text` (Helm's `tpl`) and executes it with `data`: its `define`s are visible
    /// to it and to what it includes, not to the rest of the chart.
    pub fn execute_text(
        &mut self,
        text: &str,
        data: &Value,
    ) -> std::result::Result<String, super::FuncError> {
        let name = self.current.name.clone();
        let parsed = super::parse_templates(&name, text, self.funcs).map_err(|err| {
            super::FuncError::Message(format!("cannot parse template {text:?}: {err}"))
        })?;
        let mut overlay = (*self.overlay).clone();
        for define in parsed.defines {
            overlay.insert(define.name.clone(), define);
        }
        let saved = std::mem::replace(&mut self.overlay, Rc::new(overlay));
        let result = self.execute_to_string(parsed.root, data);
        self.overlay = saved;
        result.map_err(|err| match err.kind {
            super::ErrorKind::Fail => super::FuncError::Template(err),
            _ => super::FuncError::Message(format!(
                "error during tpl function execution for {text:?}: {err}"
            )),
        })
    }

    /// An execution error at a position of the current template.
    pub(crate) fn error_at(&self, pos: usize, context: &str, message: String) -> TemplateError {
        TemplateError::exec(&self.current, pos, context, message)
    }

    fn spend(&self, pos: usize) -> Result<()> {
        let left = self.budget.get();
        if left == 0 {
            return Err(self
                .error_at(
                    pos,
                    "",
                    "rendering exceeded its work limit (a runaway loop or recursion?)".to_owned(),
                )
                .into());
        }
        self.budget.set(left - 1);
        Ok(())
    }

    fn walk_list(&mut self, list: &List, dot: &Value) -> Result<()> {
        for node in list {
            self.walk(node, dot)?;
        }
        Ok(())
    }

    fn walk(&mut self, node: &Node, dot: &Value) -> Result<()> {
        match node {
            Node::Text { pos, text } => {
                self.out.write_text(text, &self.current, *pos);
                Ok(())
            }
            Node::Action { pos, pipe } => {
                self.spend(*pos)?;
                let value = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    let text = self.printable(*pos, pipe, &value)?;
                    self.out.write_action(&text, &self.current, *pos);
                }
                Ok(())
            }
            Node::If(branch) => self.walk_if_with(branch, dot, false),
            Node::With(branch) => self.walk_if_with(branch, dot, true),
            Node::Range(branch) => self.walk_range(branch, dot),
            Node::Template { pos, name, pipe } => {
                self.spend(*pos)?;
                let Some(template) = self.lookup(name) else {
                    return Err(self
                        .error_at(
                            *pos,
                            &format!("template \"{name}\""),
                            format!("template {name:?} not defined"),
                        )
                        .into());
                };
                let data = match pipe {
                    Some(pipe) => self.eval_pipeline(dot, pipe)?,
                    None => Value::Missing,
                };
                self.run(template, &data).map_err(Flow::from)
            }
            Node::Break { .. } => Err(Flow::Break),
            Node::Continue { .. } => Err(Flow::Continue),
        }
    }

    /// How an action prints its value.
    fn printable(&self, pos: usize, pipe: &Pipe, value: &Value) -> Result<String> {
        match value {
            Value::Object(object) if object.is_nil() => Ok("<nil>".to_owned()),
            Value::Object(_) | Value::Map(_) | Value::List(_) => Ok(format_value(value)),
            Value::Missing => Ok("<no value>".to_owned()),
            other => {
                let _ = (pos, pipe);
                Ok(format_value(other))
            }
        }
    }

    fn mark(&self) -> usize {
        self.vars.len()
    }

    fn pop(&mut self, mark: usize) {
        self.vars.truncate(mark);
    }

    fn walk_if_with(&mut self, branch: &Branch, dot: &Value, with: bool) -> Result<()> {
        self.spend(branch.pos)?;
        let mark = self.mark();
        let value = self.eval_pipeline(dot, &branch.pipe)?;
        let result = if value.is_true() {
            if with {
                self.walk_list(&branch.list, &value)
            } else {
                self.walk_list(&branch.list, dot)
            }
        } else if let Some(else_list) = &branch.else_list {
            self.walk_list(else_list, dot)
        } else {
            Ok(())
        };
        self.pop(mark);
        result
    }

    fn walk_range(&mut self, branch: &Branch, dot: &Value) -> Result<()> {
        self.spend(branch.pos)?;
        let mark = self.mark();
        let value = self.eval_pipeline_no_decl(dot, &branch.pipe)?;
        let value = match &value {
            Value::Object(object) => object.underlying().unwrap_or(value),
            _ => value,
        };
        let items: Vec<(Value, Value)> = match &value {
            Value::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    (
                        Value::Int(i64::try_from(i).unwrap_or(i64::MAX)),
                        item.clone(),
                    )
                })
                .collect(),
            Value::Map(map) => map
                .borrow()
                .iter()
                .map(|(k, v)| (Value::from(k.as_str()), v.clone()))
                .collect(),
            Value::Bytes(bytes) => bytes
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    (
                        Value::Int(i64::try_from(i).unwrap_or(i64::MAX)),
                        Value::Int(i64::from(*b)),
                    )
                })
                .collect(),
            Value::Int(n) => {
                if branch.pipe.decl.len() > 1 {
                    return Err(self
                        .error_at(
                            branch.pos,
                            "",
                            format!("can't use {n} to iterate over more than one variable"),
                        )
                        .into());
                }
                (0..(*n).max(0))
                    .map(|i| (Value::Int(i), Value::Int(i)))
                    .collect()
            }
            Value::Nil | Value::Missing => Vec::new(),
            other => {
                return Err(self
                    .error_at(
                        branch.pos,
                        &branch.pipe.to_string(),
                        format!("range can't iterate over {}", format_value(other)),
                    )
                    .into());
            }
        };
        if items.is_empty() {
            let result = match &branch.else_list {
                Some(list) => self.walk_list(list, dot),
                None => Ok(()),
            };
            self.pop(mark);
            return result;
        }
        for (key, item) in items {
            self.spend(branch.pos)?;
            let iteration = self.mark();
            match branch.pipe.decl.as_slice() {
                [] => {}
                [value_var] => self.set_var(value_var, item.clone(), branch.pipe.is_assign),
                [key_var, value_var, ..] => {
                    self.set_var(key_var, key, branch.pipe.is_assign);
                    self.set_var(value_var, item.clone(), branch.pipe.is_assign);
                }
            }
            let result = self.walk_list(&branch.list, &item);
            self.pop(iteration);
            match result {
                Ok(()) | Err(Flow::Continue) => {}
                Err(Flow::Break) => break,
                Err(error) => {
                    self.pop(mark);
                    return Err(error);
                }
            }
        }
        self.pop(mark);
        Ok(())
    }

    fn set_var(&mut self, name: &str, value: Value, assign: bool) {
        if assign {
            if let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                slot.1 = value;
                return;
            }
        }
        self.vars.push((name.to_owned(), value));
    }

    fn var(&self, pos: usize, name: &str) -> Result<Value> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, value)) => Ok(value.clone()),
            None => Err(self
                .error_at(pos, name, format!("undefined variable: {name}"))
                .into()),
        }
    }

    /// A pipeline whose variables are declared by the caller (range).
    fn eval_pipeline_no_decl(&mut self, dot: &Value, pipe: &Pipe) -> Result<Value> {
        let mut value = Value::Missing;
        let mut first = true;
        for cmd in &pipe.cmds {
            value = self.eval_command(dot, cmd, if first { None } else { Some(value) })?;
            first = false;
            value = settle(value);
        }
        Ok(value)
    }

    fn eval_pipeline(&mut self, dot: &Value, pipe: &Pipe) -> Result<Value> {
        let value = self.eval_pipeline_no_decl(dot, pipe)?;
        for name in &pipe.decl {
            self.set_var(name, value.clone(), pipe.is_assign);
        }
        Ok(value)
    }

    fn eval_command(&mut self, dot: &Value, cmd: &Command, last: Option<Value>) -> Result<Value> {
        let Some(first) = cmd.args.first() else {
            return Err(self
                .error_at(cmd.pos, "", "empty command".to_owned())
                .into());
        };
        let rest = cmd.args.get(1..).unwrap_or_default();
        match first {
            Arg::Field { pos, names } => {
                self.spend(*pos)?;
                self.eval_field_chain(dot, dot.clone(), first, names, rest, last, *pos)
            }
            Arg::Variable { pos, name, fields } => {
                let value = self.var(*pos, name)?;
                if fields.is_empty() {
                    self.not_a_function(first, rest, &last)?;
                    return Ok(value);
                }
                self.eval_field_chain(dot, value, first, fields, rest, last, *pos)
            }
            Arg::Chain { pos, node, fields } => {
                let value = self.eval_arg(dot, node)?;
                self.eval_field_chain(dot, value, first, fields, rest, last, *pos)
            }
            Arg::Function { pos, name } => self.eval_function(dot, *pos, name, cmd, rest, last),
            Arg::Pipe { pipe, .. } => {
                self.not_a_function(first, rest, &last)?;
                let mark = self.mark();
                let value = self.eval_pipeline(dot, pipe);
                self.pop(mark);
                value
            }
            other => {
                self.not_a_function(other, rest, &last)?;
                self.eval_arg(dot, other)
            }
        }
    }

    fn not_a_function(&self, arg: &Arg, rest: &[Arg], last: &Option<Value>) -> Result<()> {
        if !rest.is_empty() || last.is_some() {
            return Err(self
                .error_at(
                    arg.pos(),
                    &arg.to_string(),
                    format!("can't give argument to non-function {arg}"),
                )
                .into());
        }
        Ok(())
    }

    /// `.a.b.c` from `receiver`; the last name may be a method called with the arguments.
    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain(
        &mut self,
        dot: &Value,
        receiver: Value,
        node: &Arg,
        names: &[String],
        args: &[Arg],
        last: Option<Value>,
        pos: usize,
    ) -> Result<Value> {
        let mut value = receiver;
        // What a map lookup yields has Go's static type `interface {}`, which errors name.
        let mut from_map = false;
        let count = names.len();
        for (i, name) in names.iter().enumerate() {
            let is_last = i + 1 == count;
            let call_args = if is_last {
                let mut values = Vec::with_capacity(args.len() + 1);
                for arg in args {
                    values.push(self.eval_arg(dot, arg)?);
                }
                if let Some(last) = last.clone() {
                    values.push(last);
                }
                values
            } else {
                Vec::new()
            };
            let has_args = is_last && (!args.is_empty() || last.is_some());
            let was_map = matches!(value, Value::Map(_));
            value = self.eval_field(value, name, node, pos, &call_args, has_args, from_map)?;
            from_map = was_map;
        }
        Ok(value)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field(
        &mut self,
        receiver: Value,
        name: &str,
        node: &Arg,
        pos: usize,
        args: &[Value],
        has_args: bool,
        from_map: bool,
    ) -> Result<Value> {
        let context = node.to_string();
        let type_name = |value: &Value| {
            if from_map {
                "interface {}".to_owned()
            } else {
                match value {
                    Value::Object(object) => object.type_name().to_owned(),
                    other => other.type_name().to_owned(),
                }
            }
        };
        match &receiver {
            // Nothing at all: its fields are nothing too (Go: invalid receiver, no error).
            Value::Missing => Ok(Value::Missing),
            Value::Nil => Err(self
                .error_at(
                    pos,
                    &context,
                    format!("nil pointer evaluating interface {{}}.{name}"),
                )
                .into()),
            Value::Object(object) => {
                if let Some(result) = object.call(name, args) {
                    return result.map(settle_object).map_err(|message| {
                        self.error_at(pos, &context, format!("error calling {name}: {message}"))
                            .into()
                    });
                }
                if let Some(field) = object.field(name) {
                    if has_args {
                        return Err(self
                            .error_at(
                                pos,
                                &context,
                                format!("{name} has arguments but cannot be invoked as function"),
                            )
                            .into());
                    }
                    return Ok(field);
                }
                Err(self
                    .error_at(
                        pos,
                        &context,
                        format!(
                            "can't evaluate field {name} in type {}",
                            type_name(&receiver)
                        ),
                    )
                    .into())
            }
            Value::Map(map) => {
                if has_args {
                    return Err(self
                        .error_at(
                            pos,
                            &context,
                            format!("{name} is not a method but has arguments"),
                        )
                        .into());
                }
                Ok(map.borrow().get(name).cloned().unwrap_or(Value::Nil))
            }
            other => Err(self
                .error_at(
                    pos,
                    &context,
                    format!("can't evaluate field {name} in type {}", type_name(other)),
                )
                .into()),
        }
    }

    fn eval_function(
        &mut self,
        dot: &Value,
        pos: usize,
        name: &str,
        cmd: &Command,
        args: &[Arg],
        last: Option<Value>,
    ) -> Result<Value> {
        self.spend(pos)?;
        // and/or evaluate their arguments lazily.
        if name == "and" || name == "or" {
            let want = name == "or";
            if args.is_empty() && last.is_none() {
                return Err(self
                    .error_at(
                        pos,
                        &cmd.to_string(),
                        format!("wrong number of args for {name}: want at least 1 got 0"),
                    )
                    .into());
            }
            let mut value = Value::Missing;
            for arg in args {
                value = settle(self.eval_arg(dot, arg)?);
                if value.is_true() == want {
                    return Ok(value);
                }
            }
            if let Some(last) = last {
                value = last;
            }
            return Ok(value);
        }
        let Some(func) = self.funcs.get(name) else {
            return Err(self
                .error_at(pos, name, format!("{name:?} is not a defined function"))
                .into());
        };
        let mut values = Vec::with_capacity(args.len() + 1);
        for arg in args {
            values.push(nil_for_missing(self.eval_arg(dot, arg)?));
        }
        if let Some(last) = last {
            values.push(nil_for_missing(last));
        }
        self.call(pos, name, cmd, &func, &values)
    }

    fn call(
        &mut self,
        pos: usize,
        name: &str,
        cmd: &Command,
        func: &Func,
        values: &[Value],
    ) -> Result<Value> {
        match func(self, values) {
            Ok(value) => Ok(value),
            Err(super::FuncError::Message(message)) => Err(self
                .error_at(
                    pos,
                    &cmd.to_string(),
                    format!("error calling {name}: {message}"),
                )
                .into()),
            Err(super::FuncError::Template(err)) => Err(Flow::Error(err)),
            Err(super::FuncError::Args(message)) => {
                Err(self.error_at(pos, &cmd.to_string(), message).into())
            }
            Err(super::FuncError::Fail(message)) => {
                let mut err = self.error_at(pos, &cmd.to_string(), message);
                err.set_kind(super::ErrorKind::Fail);
                Err(err.into())
            }
        }
    }

    fn eval_arg(&mut self, dot: &Value, arg: &Arg) -> Result<Value> {
        match arg {
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Ok(Value::Nil),
            Arg::Bool { value, .. } => Ok(Value::Bool(*value)),
            Arg::String { value, .. } => Ok(Value::String(Rc::clone(value))),
            Arg::Number { pos, number } => {
                if number.float_syntax {
                    Ok(Value::Float(number.float.unwrap_or(0.0)))
                } else if let Some(int) = number.int {
                    Ok(Value::Int(int))
                } else {
                    Err(self
                        .error_at(*pos, &number.text, format!("{} overflows int", number.text))
                        .into())
                }
            }
            Arg::Field { pos, names } => {
                self.eval_field_chain(dot, dot.clone(), arg, names, &[], None, *pos)
            }
            Arg::Variable { pos, name, fields } => {
                let value = self.var(*pos, name)?;
                if fields.is_empty() {
                    Ok(value)
                } else {
                    self.eval_field_chain(dot, value, arg, fields, &[], None, *pos)
                }
            }
            Arg::Chain { pos, node, fields } => {
                let value = self.eval_arg(dot, node)?;
                self.eval_field_chain(dot, value, arg, fields, &[], None, *pos)
            }
            Arg::Pipe { pipe, .. } => {
                let mark = self.mark();
                let value = self.eval_pipeline(dot, pipe);
                self.pop(mark);
                value
            }
            Arg::Function { pos, name } => {
                let cmd = Command {
                    pos: *pos,
                    args: vec![arg.clone()],
                };
                self.eval_function(dot, *pos, name, &cmd, &[], None)
            }
        }
    }
}

/// After a pipeline stage, a nil `interface{}` becomes "no value" (Go digs into interfaces).
fn settle(value: Value) -> Value {
    match value {
        Value::Nil => Value::Missing,
        other => other,
    }
}

fn settle_object(value: Value) -> Value {
    value
}

/// Functions receive Go nil where the template had no value.
fn nil_for_missing(value: Value) -> Value {
    match value {
        Value::Missing => Value::Nil,
        other => other,
    }
}
