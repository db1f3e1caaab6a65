//! The compiled rules kept between runs: the selected built-in rules as regorus bytecode
//! (`Linter::compiled_rules`), one file per set of rules, named by what they are compiled
//! from. Parsing and compiling the rules is most of the start-up of a small lint (a
//! pre-commit hook runs one per commit); reading them back takes about a millisecond.
//!
//! The cache is an optimisation only: a file that cannot be read or written, or that was
//! written by another version or for other rules, is ignored and the rules are compiled.

use std::path::PathBuf;

use lint_core::Linter;

/// `$KUBEWARD_CACHE_DIR`, else `$XDG_CACHE_HOME/kubeward`, else `~/.cache/kubeward`.
fn dir() -> Option<PathBuf> {
    let set = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    if let Some(dir) = set("KUBEWARD_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = set("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("kubeward"));
    }
    set("HOME").map(|home| PathBuf::from(home).join(".cache").join("kubeward"))
}

/// The file of this linter's rules.
fn file(linter: &Linter) -> Option<PathBuf> {
    let key = linter.compiled_rules_key();
    let hash = key.rsplit(' ').next()?;
    Some(dir()?.join(format!("rules-{}.bin", hash.get(..32)?)))
}

/// Gives the linter its rules compiled by an earlier run; whether there were any.
pub fn load(linter: &mut Linter) -> bool {
    file(linter)
        .and_then(|path| std::fs::read(path).ok())
        .is_some_and(|bytes| linter.load_compiled_rules(&bytes))
}

/// Keeps the linter's compiled rules for later runs (compiling them if this run did not).
/// Written to a file of this process and renamed, so that runs at the same time (pre-commit
/// starts several) never read a partial file.
///
/// The file is opened before the rules are compiled: where the cache cannot be written (a
/// read-only home), a run does not compile them for nothing.
pub fn store(linter: &Linter) {
    use std::io::Write as _;
    let Some(path) = file(linter) else {
        return;
    };
    let Some(parent) = path.parent() else {
        return;
    };
    let partial = parent.join(format!(".rules-{}.tmp", std::process::id()));
    let Ok(mut out) =
        std::fs::create_dir_all(parent).and_then(|()| std::fs::File::create(&partial))
    else {
        return;
    };
    let written = match linter.compiled_rules() {
        Some(bytes) => out.write_all(&bytes).and_then(|()| {
            // Closed before it is renamed (some systems refuse to rename an open file).
            drop(out);
            std::fs::rename(&partial, &path)
        }),
        None => Err(std::io::ErrorKind::Unsupported.into()),
    };
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}
