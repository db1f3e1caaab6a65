//! Sprig's path functions: Go's `path` (slash-separated) and `path/filepath` as it behaves
//! on Linux, where Helm runs (so the `os*` functions equal the plain ones).

use crate::funcs::args::{arity, string};
use crate::template::Funcs;
use crate::template::value::Value;

pub(super) fn register(funcs: &mut Funcs) {
    for (plain, os) in [
        ("base", "osBase"),
        ("dir", "osDir"),
        ("clean", "osClean"),
        ("ext", "osExt"),
    ] {
        let f: fn(&str) -> String = match plain {
            "base" => base,
            "dir" => dir,
            "clean" => clean,
            _ => ext,
        };
        for name in [plain, os] {
            funcs.insert(name, move |_, args| {
                arity(name, args, 1)?;
                Ok(Value::from(f(&string(name, args, 0)?)))
            });
        }
    }
    for name in ["isAbs", "osIsAbs"] {
        funcs.insert(name, move |_, args| {
            arity(name, args, 1)?;
            Ok(Value::Bool(string(name, args, 0)?.starts_with('/')))
        });
    }
}

/// `path.Clean`: the shortest equivalent path, lexically.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// `path.Base`: the last element, trailing slashes ignored.
fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_owned();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
}

/// `path.Dir`: everything but the last element, cleaned.
fn dir(path: &str) -> String {
    let cut = path.rfind('/').map_or(0, |i| i + 1);
    clean(path.get(..cut).unwrap_or(""))
}

/// `path.Ext`: from the last dot of the last element.
fn ext(path: &str) -> String {
    for (i, c) in path.char_indices().rev() {
        match c {
            '/' => return String::new(),
            '.' => return path.get(i..).unwrap_or("").to_owned(),
            _ => {}
        }
    }
    String::new()
}
