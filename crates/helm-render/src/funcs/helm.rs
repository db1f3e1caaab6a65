//! Helm's own template functions: `include`, `tpl`, `required`, `fail`, and the offline
//! `lookup` and `getHostByName` (no cluster, no DNS: an empty result, as `helm template`
//! gives without a cluster).

use crate::funcs::args::{arity, string};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

pub(crate) fn register(funcs: &mut Funcs) {
    funcs.insert("include", |exec, args| {
        arity("include", args, 2)?;
        let name = string("include", args, 0)?;
        let data = args.get(1).cloned().unwrap_or_default();
        let Some(template) = exec.lookup(&name) else {
            return Err(FuncError::Message(format!(
                "template: no template {name:?} associated with template \"gotpl\""
            )));
        };
        exec.execute_to_string(template, &data)
            .map(Value::from)
            .map_err(FuncError::Template)
    });
    funcs.insert("tpl", |exec, args| {
        arity("tpl", args, 2)?;
        let text = string("tpl", args, 0)?;
        let data = args.get(1).cloned().unwrap_or_default();
        let out = exec.execute_text(&text, &data)?;
        Ok(Value::from(out.replace("<no value>", "")))
    });
    funcs.insert("required", |_, args| {
        arity("required", args, 2)?;
        let message = string("required", args, 0)?;
        match args.get(1) {
            None | Some(Value::Nil | Value::Missing) => Err(FuncError::Fail(message)),
            Some(Value::String(s)) if s.is_empty() => Err(FuncError::Fail(message)),
            Some(value) => Ok(value.clone()),
        }
    });
    funcs.insert("fail", |_, args| {
        arity("fail", args, 1)?;
        Err(FuncError::Fail(string("fail", args, 0)?))
    });
    funcs.insert("lookup", |_, args| {
        arity("lookup", args, 4)?;
        Ok(Value::new_map())
    });
    funcs.insert("getHostByName", |_, args| {
        arity("getHostByName", args, 1)?;
        Ok(Value::from(""))
    });
}
