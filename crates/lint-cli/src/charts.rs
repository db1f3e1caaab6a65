//! Charts from disk, for every command that renders them: a chart directory (every file,
//! hidden ones included, `.helmignore` applied as Helm applies it) or a packaged `.tgz`,
//! turned into a [`helm_render::Chart`]. helm-render does no I/O; this module is the part
//! that does, so it owns the bounds a directory walk needs (sizes, symbolic-link loops).

use std::io::Read as _;
use std::path::Path;

use helm_render::chart::{IgnoreRules, MAX_ARCHIVE_BYTES, MAX_FILE_BYTES};
use helm_render::{Chart, ChartError, ChartFile};

/// A chart's bytes as read from disk, not yet loaded.
#[derive(Debug)]
pub enum ChartSource {
    /// The files of a chart directory.
    Directory(Vec<ChartFile>),
    /// A packaged chart.
    Archive {
        /// The path it was read from, for messages.
        path: String,
        /// Its bytes.
        bytes: Vec<u8>,
    },
}

impl ChartSource {
    /// The chart, loaded as Helm loads it.
    pub fn load(self) -> Result<Chart, ChartError> {
        match self {
            ChartSource::Directory(files) => Chart::from_files(files),
            ChartSource::Archive { path, bytes } => {
                Chart::from_archive(&bytes).map_err(|err| match err.file {
                    // Nothing inside the archive is at fault: the file is not a chart archive.
                    None => ChartError {
                        message: format!("{path}: {}", err.message),
                        file: None,
                    },
                    Some(_) => err,
                })
            }
        }
    }
}

/// Reads the chart at `path`: a directory, or any other file as a packaged chart (as Helm
/// does, whatever its extension). Errors name the path.
pub fn read(path: &Path) -> Result<ChartSource, String> {
    let metadata = std::fs::metadata(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => {
            format!("path {:?} not found", path.display().to_string())
        }
        _ => format!("cannot read {}: {}", display(path), io_reason(&err)),
    })?;
    if metadata.is_dir() {
        read_dir(path).map(ChartSource::Directory)
    } else {
        Ok(ChartSource::Archive {
            path: display(path),
            bytes: read_bounded(path, MAX_ARCHIVE_BYTES)?,
        })
    }
}

/// Every file of a chart directory that its `.helmignore` keeps, with `/`-separated paths
/// relative to the chart root, in path order. Ignored directories are not entered.
/// Symbolic links are followed, as Helm follows them; a loop, a dangling link or anything
/// but a regular file (a socket, a device) is an error naming the path.
fn read_dir(root: &Path) -> Result<Vec<ChartFile>, String> {
    let chart_yaml = root.join("Chart.yaml");
    if !chart_yaml.is_file() {
        return Err(format!(
            "{} is not a chart: it has no Chart.yaml",
            display(root)
        ));
    }
    // An unparsable .helmignore prunes nothing here; `Chart::from_files` reports it.
    let rules = match std::fs::read(root.join(".helmignore")) {
        Ok(bytes) => IgnoreRules::parse(&String::from_utf8_lossy(&bytes)).ok(),
        Err(_) => IgnoreRules::parse("").ok(),
    };
    let ignored = |relative: &str, is_dir: bool| {
        rules
            .as_ref()
            .is_some_and(|rules| rules.ignores(relative, is_dir))
    };
    let walk = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !ignored(&relative(root, entry.path()), entry.file_type().is_dir())
        });
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for entry in walk {
        let entry = entry.map_err(|err| {
            let at = display(err.path().unwrap_or(root));
            match err.loop_ancestor() {
                Some(ancestor) => {
                    format!("{at}: symbolic link loop back to {}", display(ancestor))
                }
                None => format!("cannot read {at}: {}", io_reason(&err.into())),
            }
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.path();
        if !entry.file_type().is_file() {
            return Err(format!("cannot load {}: not a regular file", display(path)));
        }
        let data = read_bounded(path, MAX_FILE_BYTES)?;
        total += data.len() as u64;
        if total > MAX_ARCHIVE_BYTES {
            return Err(format!(
                "{}: chart is larger than {MAX_ARCHIVE_BYTES} bytes",
                display(root)
            ));
        }
        files.push(ChartFile::new(relative(root, path), data));
    }
    Ok(files)
}

/// A file's bytes, refusing files larger than `limit`.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let unreadable =
        |err: std::io::Error| format!("cannot read {}: {}", display(path), io_reason(&err));
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut data = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut data)
        .map_err(unreadable)?;
    if data.len() as u64 > limit {
        return Err(format!("{} is larger than {limit} bytes", display(path)));
    }
    Ok(data)
}

/// `path` relative to `root`, `/`-separated.
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A path as the user wrote it, without a leading `./`.
fn display(path: &Path) -> String {
    let text = path.display().to_string();
    match text.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => text,
    }
}

/// An I/O error as Go words it (`no such file or directory`), which is how Helm's messages
/// read; other errors keep the system's wording.
pub fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ => err.to_string(),
    }
}
