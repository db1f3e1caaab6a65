//! File paths as CI systems want them: relative to the repository root, whatever directory
//! kubeward ran in. GitHub resolves annotation and SARIF paths against the checkout, and a
//! baseline must name the same file whether it was written from the root or a subdirectory.
//!
//! The core does no I/O, so the caller says where the root is and where it ran; everything
//! here is string work on `/`-separated paths.

/// Where the repository root is, relative to the directory the paths were given in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathBase {
    /// Absolute path of the root (`/home/me/repo`), if known: absolute input paths under it
    /// become relative, and SARIF records it as the `SRCROOT` base.
    pub root: Option<String>,
    /// The working directory relative to the root (`apps/web`), empty at the root itself.
    pub cwd: String,
}

impl PathBase {
    /// Paths are used as given (they are already relative to the root).
    pub fn identity() -> Self {
        Self::default()
    }

    /// A base for a working directory `cwd` inside the repository `root` (both absolute).
    /// A `cwd` outside `root` keeps paths as given.
    ///
    /// ```
    /// use lint_core::report::PathBase;
    /// let base = PathBase::new("/repo", "/repo/apps");
    /// assert_eq!(base.relative("web/pod.yaml").as_deref(), Some("apps/web/pod.yaml"));
    /// assert_eq!(base.relative("../ops/rbac.yaml").as_deref(), Some("ops/rbac.yaml"));
    /// assert_eq!(base.relative("/repo/x.yaml").as_deref(), Some("x.yaml"));
    /// assert_eq!(base.relative("../../etc/passwd"), None);
    /// ```
    pub fn new(root: &str, cwd: &str) -> Self {
        let root = slashes(root);
        let root = root.trim_end_matches('/');
        let cwd = slashes(cwd);
        let inside = cwd
            .strip_prefix(root)
            .filter(|rest| rest.is_empty() || rest.starts_with('/'));
        Self {
            root: Some(if root.is_empty() { "/" } else { root }.to_owned()),
            cwd: inside
                .map(|rest| rest.trim_matches('/').to_owned())
                .unwrap_or_default(),
        }
    }

    /// The path relative to the root, normalized (`./` and `..` resolved, `/` separators);
    /// `None` for a path outside the root or an absolute path when the root is unknown.
    pub fn relative(&self, path: &str) -> Option<String> {
        let path = slashes(path);
        let joined = if is_absolute(&path) {
            let root = self.root.as_deref()?;
            let rest = if root == "/" {
                path.as_str()
            } else {
                path.strip_prefix(root)
                    .filter(|rest| rest.is_empty() || rest.starts_with('/'))?
            };
            rest.to_owned()
        } else if self.cwd.is_empty() {
            path
        } else {
            format!("{}/{path}", self.cwd)
        };
        normalize(&joined)
    }

    /// The absolute, normalized path (`/`-separated), if the root is known.
    pub fn absolute(&self, path: &str) -> Option<String> {
        let path = slashes(path);
        let joined = if is_absolute(&path) {
            path
        } else {
            let root = self.root.as_deref()?;
            format!("{root}/{}/{path}", self.cwd)
        };
        // Keep a Windows drive (`C:`) as the first segment; a Unix path starts with `/`.
        let normalized = normalize(&joined)?;
        Some(if joined.starts_with('/') {
            format!("/{normalized}")
        } else {
            normalized
        })
    }

    /// The root as a `file:` URI ending in `/`, for SARIF's `originalUriBaseIds`.
    pub fn root_uri(&self) -> Option<String> {
        let mut uri = file_uri(self.root.as_deref()?);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        Some(uri)
    }
}

/// A `file:` URI for an absolute path (`/srv/x` or `C:/x`).
pub fn file_uri(absolute: &str) -> String {
    let path = slashes(absolute);
    let mut uri = String::from("file://");
    if !path.starts_with('/') {
        // A Windows drive path: file:///C:/...
        uri.push('/');
    }
    uri.push_str(&encode(&path, true));
    uri
}

fn slashes(path: &str) -> String {
    path.replace('\\', "/")
}

fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || (bytes.len() >= 3
            && bytes.first().is_some_and(u8::is_ascii_alphabetic)
            && bytes.get(1) == Some(&b':')
            && bytes.get(2) == Some(&b'/'))
}

/// Resolves `.` and `..` lexically; `None` if the path climbs above its start.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Percent-encodes a `/`-separated path for use as a relative URI reference: everything but
/// RFC 3986's unreserved characters, `/`, and the sub-delimiters and `@` that a path segment
/// may hold. `:` is encoded too, since in a first segment it would read as a scheme.
pub fn encode_uri_path(path: &str) -> String {
    encode(path, false)
}

fn encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            )
            || (keep_colon && byte == b':');
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_to_the_root() {
        let base = PathBase::new("/repo/", "/repo");
        assert_eq!(base.cwd, "");
        assert_eq!(base.relative("./a/./b.yaml").as_deref(), Some("a/b.yaml"));
        assert_eq!(base.relative("/elsewhere/b.yaml"), None);
        assert_eq!(base.relative("/repository/b.yaml"), None);
        assert_eq!(base.root_uri().as_deref(), Some("file:///repo/"));
        let outside = PathBase::new("/repo", "/tmp");
        assert_eq!(outside.relative("a.yaml").as_deref(), Some("a.yaml"));
        assert_eq!(PathBase::identity().relative("/abs.yaml"), None);
        assert_eq!(
            PathBase::new("/repo", "/repo/a")
                .absolute("../../x.yaml")
                .as_deref(),
            Some("/x.yaml")
        );
        let windows = PathBase::new(r"C:\src\repo", r"C:\src\repo\k8s");
        assert_eq!(
            windows.relative(r"apps\pod.yaml").as_deref(),
            Some("k8s/apps/pod.yaml")
        );
        assert_eq!(windows.root_uri().as_deref(), Some("file:///C:/src/repo/"));
    }

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(
            encode_uri_path("a b/c#d%e/é.yaml"),
            "a%20b/c%23d%25e/%C3%A9.yaml"
        );
        assert_eq!(encode_uri_path("k8s/pod-1_x.yaml"), "k8s/pod-1_x.yaml");
        assert_eq!(encode_uri_path("a:b.yaml"), "a%3Ab.yaml");
    }
}
