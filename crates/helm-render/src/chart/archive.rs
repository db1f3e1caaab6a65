//! Packaged charts: a gzip-compressed tar whose entries sit under the chart's directory.
//! Sizes are bounded as Helm bounds them, so a hostile archive cannot exhaust memory.

use std::io::Read;

use super::ChartFile;

/// Largest decompressed chart Helm accepts.
pub const MAX_ARCHIVE_BYTES: u64 = 100 * 1024 * 1024;
/// Largest decompressed file Helm accepts.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// The files of a `.tgz` chart, paths relative to the chart root.
pub fn unpack(bytes: &[u8]) -> Result<Vec<ChartFile>, String> {
    let decoder = flate2::read::GzDecoder::new(bytes);
    let mut archive = tar::Archive::new(decoder.take(MAX_ARCHIVE_BYTES + 1));
    let entries = archive
        .entries()
        .map_err(|e| format!("invalid archive: {e}"))?;
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("invalid archive: {e}"))?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        let path = entry
            .path()
            .map_err(|e| format!("invalid archive entry name: {e}"))?
            .to_string_lossy()
            .replace('\\', "/");
        if path.starts_with('/') || path.split('/').any(|p| p == "..") {
            return Err(format!(
                "chart illegally contains content outside the base directory: {path:?}"
            ));
        }
        // The first path element is the chart's directory.
        let Some((_, name)) = path.split_once('/') else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let size = entry.header().size().unwrap_or(0);
        if size > MAX_FILE_BYTES {
            return Err(format!(
                "decompressed chart file {name:?} is larger than the maximum file size {MAX_FILE_BYTES}"
            ));
        }
        total += size;
        if total > MAX_ARCHIVE_BYTES {
            return Err(format!(
                "decompressed chart is larger than the maximum size {MAX_ARCHIVE_BYTES}"
            ));
        }
        let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        entry
            .read_to_end(&mut data)
            .map_err(|e| format!("invalid archive entry {name:?}: {e}"))?;
        if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
            data.drain(..3);
        }
        files.push(ChartFile::new(name, data));
    }
    if files.is_empty() {
        return Err("no files in chart archive".to_owned());
    }
    Ok(files)
}
