//! kubeward's core: lints Kubernetes manifests given as `(path, text)` pairs and returns
//! diagnostics. No file system, network, clock or environment access happens here, so the
//! same code runs in the CLI and in the browser.

pub mod source;
pub mod yaml;

pub use source::{Position, SourceFile, SourceId, SourceSet, Span, TextRange};
