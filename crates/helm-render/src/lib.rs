//! Renders Helm charts from in-memory files, as `helm template` does, with no helm binary,
//! no file system and no network. Every rendered byte knows the template position that
//! produced it, so findings in rendered manifests can be reported in the chart's sources.

pub mod chart;
pub mod funcs;
pub mod semver;
pub mod template;
pub mod values;
