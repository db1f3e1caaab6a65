// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.
use crate::builtins::aggregates::count_of;
use crate::builtins::arrays::concat_arrays;
use crate::builtins::objects::object_get;
use crate::rvm::program::{BuiltinKind, Program};
use crate::value::Value;

use super::errors::{Result, VmError};
use super::execution_model::ExecutionMode;
use super::machine::RegoVM;

impl RegoVM {
    pub(super) fn execute_function_call(
        &mut self,
        program: &Program,
        params_index: u16,
    ) -> Result<()> {
        // Borrowed from the program (which the dispatch loop holds), not cloned.
        let params = program
            .instruction_data
            .get_function_call_params(params_index)
            .ok_or_else(|| VmError::InvalidFunctionCallParamsIndex {
                index: params_index,
                pc: self.pc,
                available: program.instruction_data.function_call_params.len(),
            })?;
        let call_result = match self.execution_mode {
            ExecutionMode::RunToCompletion => self.execute_call_rule_common(
                program,
                params.dest,
                params.func_rule_index,
                Some(params),
            ),
            ExecutionMode::Suspendable => self.execute_call_rule_suspendable(
                params.dest,
                params.func_rule_index,
                Some(params),
            ),
        };

        call_result?;

        self.memory_check()?;
        Ok(())
    }

    pub(super) fn execute_builtin_call(
        &mut self,
        program: &Program,
        params_index: u16,
    ) -> Result<()> {
        let params = program
            .instruction_data
            .get_builtin_call_params(params_index)
            .ok_or_else(|| VmError::InvalidBuiltinCallParamsIndex {
                index: params_index,
                pc: self.pc,
                available: program.instruction_data.builtin_call_params.len(),
            })?;
        let builtin_info = program
            .get_builtin_info(params.builtin_index)
            .ok_or_else(|| VmError::InvalidBuiltinInfoIndex {
                index: params.builtin_index,
                pc: self.pc,
                available: program.builtin_info_table.len(),
            })?;

        let kind = program.builtin_kind(params.builtin_index);
        if let Some(value) = self.intrinsic(kind, params.arg_registers()) {
            self.set_register(params.dest, value)?;
            self.memory_check()?;
            return Ok(());
        }

        let mut args = core::mem::take(&mut self.cached_builtin_args);
        args.clear();
        for &arg_reg in params.arg_registers().iter() {
            let arg_value = self.get_register(arg_reg)?.clone();
            args.push(arg_value);
        }

        let expected_args = builtin_info.num_args;
        let actual_args = args.len();
        if u16::try_from(actual_args).unwrap_or(u16::MAX) != expected_args {
            self.cached_builtin_args = args;
            return Err(VmError::BuiltinArgumentMismatch {
                expected: expected_args,
                actual: actual_args,
                pc: self.pc,
            });
        }

        if args.iter().any(|a| matches!(a, Value::Undefined)) {
            self.cached_builtin_args = args;
            self.set_register(params.dest, Value::Undefined)?;
            self.memory_check()?;
            return Ok(());
        }

        // Extract everything we need from program before releasing the borrow.
        let builtin_fn = match program.get_resolved_builtin(params.builtin_index) {
            Some(fcn) => fcn.0,
            None => {
                self.cached_builtin_args = args;
                return Err(VmError::BuiltinNotResolved {
                    name: builtin_info.name.clone(),
                    pc: self.pc,
                });
            }
        };
        let cache_name = match kind {
            BuiltinKind::Cached(name) => Some(name),
            _ => None,
        };
        let dest = params.dest;

        if let Some(name) = cache_name {
            if let Some(entries) = self.builtins_cache.get(name) {
                for entry in entries {
                    if entry.0.as_slice() == args.as_slice() {
                        let cached = entry.1.clone();
                        self.cached_builtin_args = args;
                        self.set_register(dest, cached)?;
                        self.memory_check()?;
                        return Ok(());
                    }
                }
            }
        }

        self.ensure_dummy_exprs(args.len())?;
        self.get_dummy_span()?;
        // The dummy span and expressions are taken out of the machine for the call (and
        // put back after it), so that neither is cloned: a span's clone is a reference
        // count's increment and decrement.
        let dummy_span = self.dummy_span.take();
        let dummy_exprs = core::mem::take(&mut self.dummy_exprs);
        let called = match dummy_span.as_ref() {
            Some(span) => builtin_fn(
                span,
                dummy_exprs.get(..args.len()).unwrap_or(&[]),
                &args,
                self.strict_builtin_errors,
            ),
            None => Err(anyhow::anyhow!("dummy span not initialized")),
        };
        self.dummy_span = dummy_span;
        self.dummy_exprs = dummy_exprs;

        let result = match called {
            Ok(value) => value,
            // Resource-limit errors must always propagate, even in non-strict
            // mode, to prevent `not builtin(...)` from silently flipping to true.
            Err(e) if !self.strict_builtin_errors => {
                if e.downcast_ref::<crate::LimitError>().is_some() {
                    self.cached_builtin_args = args;
                    return Err(e.into());
                }
                Value::Undefined
            }
            Err(err) => {
                self.cached_builtin_args = args;
                return Err(err.into());
            }
        };

        if let Some(name) = cache_name {
            // Move args into the cache. The now-empty (zero-capacity) Vec is
            // stored back in cached_builtin_args; the next call will re-allocate.
            // This is acceptable because cache inserts are rare (once per unique
            // argument set) while the hot path (cache hit above) reuses the Vec.
            let cache_args = core::mem::take(&mut args);
            self.cached_builtin_args = args;
            self.builtins_cache
                .entry(name)
                .or_default()
                .push((cache_args, result.clone()));
            self.set_register(dest, result)?;
        } else {
            self.cached_builtin_args = args;
            self.set_register(dest, result)?;
        }

        self.memory_check()?;

        Ok(())
    }

    /// The value of a built-in that the machine evaluates itself (see `BuiltinKind`), read
    /// from the registers of its arguments; `None` when the built-in is to be called through
    /// `BUILTINS`: a generic one, or arguments that the call handles (a wrong number of them,
    /// an undefined one, a value of a type the built-in refuses). The value is the one the
    /// call gives.
    fn intrinsic(&self, kind: BuiltinKind, args: &[u8]) -> Option<Value> {
        let arg = |position: usize| {
            args.get(position)
                .and_then(|&reg| self.registers.get(usize::from(reg)))
                .filter(|value| !matches!(value, Value::Undefined))
        };
        let type_check = |is: fn(&Value) -> bool| match args {
            [_] => arg(0).map(|value| Value::Bool(is(value))),
            _ => None,
        };
        let string = |of: fn(&str) -> Value| match (args, arg(0)) {
            ([_], Some(Value::String(text))) => Some(of(text)),
            _ => None,
        };
        let strings = |of: fn(&str, &str) -> Value| match (args, arg(0), arg(1)) {
            ([_, _], Some(Value::String(text)), Some(Value::String(part))) => Some(of(text, part)),
            _ => None,
        };
        match kind {
            BuiltinKind::Generic | BuiltinKind::Cached(_) => None,
            BuiltinKind::ObjectGet => match (args, arg(0)?, arg(1)?, arg(2)?) {
                ([_, _, _], value @ Value::Object(_), key, default) => {
                    Some(object_get(value, key, default).clone())
                }
                _ => None,
            },
            BuiltinKind::ArrayConcat => match (args, arg(0)?, arg(1)?) {
                ([_, _], Value::Array(first), Value::Array(second)) => {
                    Some(concat_arrays(first, second))
                }
                _ => None,
            },
            BuiltinKind::StartsWith => strings(|text, part| Value::Bool(text.starts_with(part))),
            BuiltinKind::EndsWith => strings(|text, part| Value::Bool(text.ends_with(part))),
            BuiltinKind::Contains => strings(|text, part| Value::Bool(text.contains(part))),
            BuiltinKind::Lower => string(|text| Value::String(text.to_lowercase().into())),
            BuiltinKind::Upper => string(|text| Value::String(text.to_uppercase().into())),
            BuiltinKind::Count => match args {
                [_] => count_of(arg(0)?),
                _ => None,
            },
            BuiltinKind::IsArray => type_check(|value| matches!(value, Value::Array(_))),
            BuiltinKind::IsBoolean => type_check(|value| matches!(value, Value::Bool(_))),
            BuiltinKind::IsNull => type_check(|value| matches!(value, Value::Null)),
            BuiltinKind::IsNumber => type_check(|value| matches!(value, Value::Number(_))),
            BuiltinKind::IsObject => type_check(|value| matches!(value, Value::Object(_))),
            BuiltinKind::IsSet => type_check(|value| matches!(value, Value::Set(_))),
            BuiltinKind::IsString => type_check(|value| matches!(value, Value::String(_))),
        }
    }
}
