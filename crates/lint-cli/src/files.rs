//! Which files a run lints: explicit files as given, directories walked recursively for
//! `.yaml`, `.yml` and `.json` (hidden directories and excluded paths skipped), `-` for
//! standard input. A directory holding `Chart.yaml` is a Helm chart: it is read whole, as
//! `kubeward template` reads it (hidden files included, `.helmignore` applied), for the core to
//! render. Files are read in path order so output never depends on the walk.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use lint_core::{SourceFile, SourceSet};
use rayon::prelude::*;

use crate::Failure;

/// Extensions of manifest files found in directories.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Exclude patterns, each set relative to the directory it was written for.
#[derive(Default)]
pub struct Excludes {
    sets: Vec<(PathBuf, GlobSet, GlobSet)>,
}

impl Excludes {
    /// Adds patterns relative to `base`: with a `/` they match the relative path, without one
    /// any file or directory name.
    pub fn add(&mut self, base: &Path, patterns: &[String]) -> Result<(), globset::Error> {
        if patterns.is_empty() {
            return Ok(());
        }
        let mut paths = GlobSetBuilder::new();
        let mut names = GlobSetBuilder::new();
        for pattern in patterns {
            let trimmed = pattern.trim_end_matches('/');
            if trimmed.contains('/') {
                paths.add(Glob::new(trimmed.trim_start_matches("./"))?);
            } else {
                names.add(Glob::new(trimmed)?);
            }
        }
        self.sets
            .push((base.to_path_buf(), paths.build()?, names.build()?));
        Ok(())
    }

    /// Whether a path (relative to `cwd` or absolute) is excluded.
    pub fn matches(&self, path: &Path, cwd: &Path) -> bool {
        if self.sets.is_empty() {
            return false;
        }
        let absolute = cwd.join(path);
        self.sets.iter().any(|(base, paths, names)| {
            let named = path.file_name().is_some_and(|name| names.is_match(name));
            let relative = absolute.strip_prefix(base).ok();
            named || relative.is_some_and(|r| paths.is_match(r))
        })
    }
}

/// The files of a run.
pub struct Inputs {
    pub sources: SourceSet,
    /// Paths that could not be read, with the reason.
    pub unreadable: Vec<String>,
}

/// Reads the given paths.
pub fn collect(
    paths: &[PathBuf],
    excludes: &Excludes,
    stdin_name: Option<&str>,
) -> Result<Inputs, Failure> {
    let cwd =
        std::env::current_dir().map_err(|err| format!("error: no current directory: {err}"))?;
    let mut found: Vec<PathBuf> = Vec::new();
    let mut charts: Vec<PathBuf> = Vec::new();
    let mut stdin = None;
    let mut unreadable = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|err| format!("error: cannot read standard input: {err}"))?;
            stdin = Some(bytes);
            continue;
        }
        // A file of a chart (a template, values.yaml) stands for its chart.
        let chart = path
            .is_file()
            .then(|| crate::scope::chart_of(&cwd.join(path), Path::new("/")))
            .flatten()
            .map(|chart| crate::scope::relative_to(&chart, &cwd));
        if path.is_file() && chart.is_none() {
            found.push(path.clone());
            continue;
        }
        let path = chart.as_ref().unwrap_or(path);
        if !path.is_dir() {
            return Err(format!(
                "error: {}: no such file or directory",
                path.display()
            ));
        }
        // Chart directories are read whole, as `kubeward template` reads them, not walked.
        let walked = if is_chart(path) {
            Walked {
                charts: vec![path.to_path_buf()],
                ..Walked::default()
            }
        } else {
            walk(path, 0, excludes, &cwd)
        };
        found.extend(walked.files);
        charts.extend(walked.charts);
        unreadable.extend(walked.errors);
    }
    found.sort();
    found.dedup();
    charts.sort();
    charts.dedup();
    let mut sources = SourceSet::new();
    for chart in charts {
        match crate::charts::read(&chart) {
            Ok(crate::charts::ChartSource::Directory(files)) => {
                let root = display(&chart);
                for file in files {
                    let path = if root == "." {
                        file.name.clone()
                    } else {
                        format!("{root}/{}", file.name)
                    };
                    sources.add(SourceFile::from_bytes(path, &file.data));
                }
            }
            Ok(crate::charts::ChartSource::Archive { .. }) => {}
            Err(message) => unreadable.push(message),
        }
    }
    // Read (and checked as UTF-8, lines indexed) on every thread, added in order.
    let read: Vec<Result<SourceFile, String>> = found
        .par_iter()
        .map(|path| match std::fs::read(path) {
            Ok(bytes) => Ok(SourceFile::from_bytes(display(path), &bytes)),
            Err(err) => Err(format!("{}: {err}", path.display())),
        })
        .collect();
    for file in read {
        match file {
            Ok(file) => {
                sources.add(file);
            }
            Err(message) => unreadable.push(message),
        }
    }
    if let Some(bytes) = stdin {
        sources.add(SourceFile::from_bytes(
            stdin_name.unwrap_or("<stdin>"),
            &bytes,
        ));
    }
    Ok(Inputs {
        sources,
        unreadable,
    })
}

/// What a directory walk found, in walk order.
#[derive(Default)]
struct Walked {
    files: Vec<PathBuf>,
    charts: Vec<PathBuf>,
    errors: Vec<String>,
}

/// What the walk does with a directory entry.
enum Entry {
    File,
    Chart,
    Directory,
    Skipped,
}

/// Below this depth, subdirectories are walked on every thread: listing a directory and
/// looking for its `Chart.yaml` are system calls, as many as the files' reads in a tree of
/// small files. Deeper trees are walked on one thread each, without recursion, so that no
/// depth of directories exhausts a thread's stack.
const PARALLEL_DEPTH: usize = 8;

/// Walks a directory for manifest files and charts, skipping hidden directories (but not
/// charts in them) and excluded paths. The order is the sorted walk's whatever the
/// threads do.
fn walk(dir: &Path, depth: usize, excludes: &Excludes, cwd: &Path) -> Walked {
    let mut walked = Walked::default();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            walked.errors.push(format!("{}: {err}", dir.display()));
            return walked;
        }
    };
    let mut subdirs = Vec::new();
    for entry in entries {
        let (path, file_type) = match entry.and_then(|entry| Ok((entry.path(), entry.file_type()?)))
        {
            Ok(found) => found,
            Err(err) => {
                walked.errors.push(format!("{}: {err}", dir.display()));
                continue;
            }
        };
        match classify(&path, file_type, excludes, cwd) {
            Entry::File => walked.files.push(path),
            Entry::Chart => walked.charts.push(path),
            Entry::Directory => subdirs.push(path),
            Entry::Skipped => {}
        }
    }
    walked.files.sort();
    walked.charts.sort();
    subdirs.sort();
    let nested: Vec<Walked> = if depth < PARALLEL_DEPTH {
        subdirs
            .into_par_iter()
            .map(|subdir| walk(&subdir, depth + 1, excludes, cwd))
            .collect()
    } else {
        subdirs
            .iter()
            .map(|subdir| walk_deep(subdir, excludes, cwd))
            .collect()
    };
    for inner in nested {
        walked.files.extend(inner.files);
        walked.charts.extend(inner.charts);
        walked.errors.extend(inner.errors);
    }
    walked
}

/// [`walk`] on one thread, for trees below [`PARALLEL_DEPTH`].
fn walk_deep(dir: &Path, excludes: &Excludes, cwd: &Path) -> Walked {
    let mut walked = Walked::default();
    let mut entries = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                walked.errors.push(err.to_string());
                continue;
            }
        };
        match classify(entry.path(), entry.file_type(), excludes, cwd) {
            Entry::File => walked.files.push(entry.into_path()),
            Entry::Chart => {
                entries.skip_current_dir();
                walked.charts.push(entry.into_path());
            }
            Entry::Directory => {}
            Entry::Skipped => {
                if entry.file_type().is_dir() {
                    entries.skip_current_dir();
                }
            }
        }
    }
    walked
}

/// A directory holding `Chart.yaml` is a chart, found even in a hidden directory; other
/// hidden directories and excluded paths are skipped; files count by their extension.
fn classify(path: &Path, file_type: std::fs::FileType, excludes: &Excludes, cwd: &Path) -> Entry {
    if excludes.matches(path, cwd) {
        Entry::Skipped
    } else if file_type.is_dir() {
        if is_chart(path) {
            Entry::Chart
        } else if path.file_name().is_some_and(is_hidden) {
            Entry::Skipped
        } else {
            Entry::Directory
        }
    } else if file_type.is_file() && has_manifest_extension(path) {
        Entry::File
    } else {
        Entry::Skipped
    }
}

/// Whether a directory is a Helm chart (holds `Chart.yaml`).
fn is_chart(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.') && name != "." && name != ".."
}

/// Whether the file has a manifest extension (`.yaml`, `.yml`, `.json`).
pub fn has_manifest_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// Paths as the user wrote them, without a leading `./`.
fn display(path: &Path) -> String {
    let text = path.display().to_string();
    match text.strip_prefix("./") {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}
