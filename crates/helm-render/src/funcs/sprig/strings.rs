//! Sprig's string functions.

use crate::funcs::args::{arity, arity_min, string, strval};
use crate::template::Funcs;
use crate::template::value::Value;

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("upper", |_, args| {
        arity("upper", args, 1)?;
        Ok(Value::from(string("upper", args, 0)?.to_uppercase()))
    });
    funcs.insert("lower", |_, args| {
        arity("lower", args, 1)?;
        Ok(Value::from(string("lower", args, 0)?.to_lowercase()))
    });
    funcs.insert("trim", |_, args| {
        arity("trim", args, 1)?;
        Ok(Value::from(
            string("trim", args, 0)?
                .trim_matches(is_go_space)
                .to_owned(),
        ))
    });
    // quote and squote skip nil arguments and join the others with spaces.
    funcs.insert("quote", |_, args| {
        let quoted: Vec<String> = args
            .iter()
            .filter(|a| !matches!(a, Value::Nil))
            .map(|a| crate::template::format::quote(&strval(a)))
            .collect();
        Ok(Value::from(quoted.join(" ")))
    });
    funcs.insert("squote", |_, args| {
        let quoted: Vec<String> = args
            .iter()
            .filter(|a| !matches!(a, Value::Nil))
            .map(|a| format!("'{}'", strval(a)))
            .collect();
        Ok(Value::from(quoted.join(" ")))
    });
    funcs.insert("toString", |_, args| {
        arity("toString", args, 1)?;
        Ok(Value::from(strval(args.first().unwrap_or(&Value::Nil))))
    });
    funcs.insert("indent", |_, args| {
        arity("indent", args, 2)?;
        let spaces = indent_width(args.first())?;
        Ok(Value::from(indent(spaces, &string("indent", args, 1)?)))
    });
    funcs.insert("nindent", |_, args| {
        arity("nindent", args, 2)?;
        let spaces = indent_width(args.first())?;
        Ok(Value::from(format!(
            "\n{}",
            indent(spaces, &string("nindent", args, 1)?)
        )))
    });
    funcs.insert("cat", |_, args| {
        arity_min("cat", args, 0)?;
        let parts: Vec<String> = args
            .iter()
            .filter(|a| !matches!(a, Value::Nil))
            .map(strval)
            .collect();
        Ok(Value::from(parts.join(" ")))
    });
}

/// Go's `unicode.IsSpace` for `strings.TrimSpace`.
pub(crate) fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c != '\u{feff}' && c.is_whitespace())
}

fn indent_width(value: Option<&Value>) -> Result<usize, crate::template::FuncError> {
    match value {
        Some(Value::Int(i)) => Ok(usize::try_from(*i).unwrap_or(0)),
        Some(other) => Err(crate::template::FuncError::Args(format!(
            "wrong type for value; expected int; got {}",
            other.type_name()
        ))),
        None => Ok(0),
    }
}

/// Sprig's `indent`: the pad before the text and after every newline.
fn indent(spaces: usize, text: &str) -> String {
    let pad = " ".repeat(spaces);
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}
