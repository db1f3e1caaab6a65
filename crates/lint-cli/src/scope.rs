//! Which files a run reports on, when that is not simply "the paths given": the files a
//! pre-commit hook passes (`--context`), the charts those files belong to (`--charts-of`),
//! and the files changed since a git revision (`--changed-since`).
//!
//! In these modes the given files are reported, and the rest of the tree (by default the
//! repository root, found from the nearest `.git`) is read as context, so cross-resource
//! rules (a NetworkPolicy in another file, the ServiceAccount a Deployment names) see the
//! whole picture without reporting on files nobody touched. Files of a Helm chart (a
//! directory with `Chart.yaml`) are linted as part of their chart, never as manifests.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use lint_core::SourceSet;
use lint_core::report::PathBase;

use crate::Failure;
use crate::args::LintArgs;
use crate::files::{self, Excludes, Inputs};

/// The chart manifest that makes a directory a Helm chart.
const CHART_FILE: &str = "Chart.yaml";

/// What to lint and what to read around it.
#[derive(Debug, Default)]
pub struct Scope {
    /// Paths to lint and report on.
    pub paths: Vec<PathBuf>,
    /// A directory whose manifests are read as context only.
    pub context: Option<PathBuf>,
    /// Set when the selection came out empty, to say why instead of linting `.`.
    pub empty_reason: Option<String>,
}

/// The repository root: the nearest directory from `dir` up that has a `.git`.
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|ancestor| ancestor.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Paths relative to the repository root, for the CI formats and baselines.
pub fn path_base(cwd: &Path) -> PathBase {
    let root = repository_root(cwd).unwrap_or_else(|| cwd.to_path_buf());
    PathBase::new(&root.display().to_string(), &cwd.display().to_string())
}

impl Scope {
    /// Works out the scope from the command line.
    pub fn resolve(args: &LintArgs, cwd: &Path, excludes: &Excludes) -> Result<Self, Failure> {
        let hook_mode = args.context.is_some() || args.charts_of || args.changed_since.is_some();
        if !hook_mode {
            return Ok(Scope {
                paths: args.paths.clone(),
                ..Scope::default()
            });
        }
        let root = repository_root(cwd).unwrap_or_else(|| cwd.to_path_buf());
        let context = match &args.context {
            Some(Some(dir)) => Some(dir.clone()),
            Some(None) => Some(relative_to(&root, cwd)),
            None if args.changed_since.is_some() => Some(relative_to(&root, cwd)),
            None => None,
        };
        if let Some(dir) = &context
            && !dir.is_dir()
        {
            return Err(format!(
                "error: --context {}: not a directory",
                dir.display()
            ));
        }
        let files: Vec<PathBuf> = match &args.changed_since {
            Some(revision) => changed_files(revision, cwd, &root, &args.paths)?,
            None => args.paths.clone(),
        };
        let files: Vec<PathBuf> = files
            .into_iter()
            .filter(|file| !excludes.matches(file, cwd))
            .collect();
        let mut manifests = Vec::new();
        let mut charts = BTreeSet::new();
        for file in files {
            match chart_of(&cwd.join(&file), &root) {
                Some(chart) => {
                    charts.insert(relative_to(&chart, cwd));
                }
                None => manifests.push(file),
            }
        }
        let paths: Vec<PathBuf> = if args.charts_of {
            charts.into_iter().collect()
        } else if args.changed_since.is_some() {
            manifests
                .into_iter()
                .filter(|file| files::has_manifest_extension(file))
                .chain(charts)
                .collect()
        } else {
            if !charts.is_empty() {
                eprintln!(
                    "note: files of Helm charts are linted with their chart (`kubeward lint --charts-of`), skipped here: {}",
                    charts
                        .iter()
                        .map(|c| c.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            manifests
        };
        let empty_reason = paths.is_empty().then(|| match &args.changed_since {
            Some(revision) => format!("no manifest or chart changed since {revision}"),
            None if args.charts_of => "none of the files belongs to a Helm chart".to_owned(),
            None => "no manifest among the files".to_owned(),
        });
        Ok(Scope {
            paths,
            context,
            empty_reason,
        })
    }
}

/// The outermost directory from `path` (a file, or a directory itself) up to `root`
/// (inclusive) that holds a `Chart.yaml`: a subchart's files belong to the chart that
/// includes it.
pub(crate) fn chart_of(path: &Path, root: &Path) -> Option<PathBuf> {
    let path = lexical(path);
    let root = lexical(root);
    let mut found = None;
    for dir in path.ancestors() {
        if !dir.starts_with(&root) {
            break;
        }
        if dir.join(CHART_FILE).is_file() {
            found = Some(dir.to_path_buf());
        }
    }
    found
}

/// `path` (absolute) as seen from `cwd`: relative when it is `cwd` or below or above it.
pub(crate) fn relative_to(path: &Path, cwd: &Path) -> PathBuf {
    let path = lexical(path);
    let cwd = lexical(cwd);
    let common = path
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return path;
    }
    let mut relative = PathBuf::new();
    for _ in cwd.components().skip(common) {
        relative.push("..");
    }
    for component in path.components().skip(common) {
        relative.push(component);
    }
    if relative.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        relative
    }
}

/// Resolves `.` and `..` without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Files changed since the merge base of `revision` and `HEAD` (committed, staged,
/// unstaged and untracked; deleted ones left out), under `paths`, relative to `cwd`.
fn changed_files(
    revision: &str,
    cwd: &Path,
    root: &Path,
    paths: &[PathBuf],
) -> Result<Vec<PathBuf>, Failure> {
    let git = |args: &[&str]| -> Result<String, Failure> {
        let output = Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .map_err(|err| format!("error: --changed-since needs git: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "error: git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let base = match git(&["merge-base", revision, "HEAD"]) {
        Ok(base) => base.trim().to_owned(),
        Err(err) => {
            // A shallow clone may lack the merge base; the revision itself is the next best.
            eprintln!("warning: {err}; comparing with {revision} itself");
            revision.to_owned()
        }
    };
    let mut names: BTreeSet<String> = BTreeSet::new();
    let diff = git(&["diff", "--name-only", "--diff-filter=d", "-z", &base, "--"])?;
    let untracked = git(&["ls-files", "--others", "--exclude-standard", "-z"])?;
    names.extend(
        diff.split('\0')
            .chain(untracked.split('\0'))
            .filter(|name| !name.is_empty())
            .map(str::to_owned),
    );
    let scopes: Vec<PathBuf> = paths.iter().map(|p| lexical(&cwd.join(p))).collect();
    Ok(names
        .into_iter()
        .map(|name| root.join(name))
        .filter(|path| path.is_file())
        .filter(|path| scopes.iter().any(|scope| path.starts_with(scope)))
        .map(|path| relative_to(&path, cwd))
        .collect())
}

/// Adds the manifests under `dir` that are not already in the run, as context only.
pub fn add_context(inputs: &mut Inputs, dir: &Path, excludes: &Excludes) -> Result<(), Failure> {
    let context = files::collect(&[dir.to_path_buf()], excludes, None)?;
    for problem in &context.unreadable {
        eprintln!("warning: context: {problem}");
    }
    let known: BTreeSet<PathBuf> = inputs
        .sources
        .iter()
        .filter_map(|(_, file)| std::fs::canonicalize(file.path()).ok())
        .collect();
    for (_, file) in context.sources.iter() {
        let canonical = std::fs::canonicalize(file.path()).ok();
        if canonical.is_some_and(|c| known.contains(&c)) {
            continue;
        }
        inputs.sources.add(file.clone().context_only());
    }
    Ok(())
}

/// An empty source set, for runs whose scope selected nothing.
pub fn nothing() -> Inputs {
    Inputs {
        sources: SourceSet::new(),
        unreadable: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_and_descend() {
        assert_eq!(
            relative_to(Path::new("/r"), Path::new("/r/a/b")),
            PathBuf::from("../..")
        );
        assert_eq!(
            relative_to(Path::new("/r/c"), Path::new("/r/a")),
            PathBuf::from("../c")
        );
        assert_eq!(
            relative_to(Path::new("/r"), Path::new("/r")),
            PathBuf::from(".")
        );
        assert_eq!(
            relative_to(Path::new("/r/x/./y/../z"), Path::new("/r")),
            PathBuf::from("x/z")
        );
    }
}
