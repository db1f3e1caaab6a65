//! The built-in objects templates see: `.Chart` (the metadata as a map, as Helm 4 gives
//! it), `.Release`, `.Capabilities` (with `KubeVersion` and `APIVersions.Has`), `.Files`
//! (`Get`, `GetBytes`, `Glob`, `Lines`, `AsConfig`, `AsSecrets`, confined to the chart's
//! own files) and `.Template`.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::chart::{ChartFile, Metadata};
use crate::template::value::{Object, Value, base64_encode};

/// Helm's built-in API versions at Kubernetes 1.35 (helm v4.1.4), in Helm's order.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// The Helm version templates see in `.Capabilities.HelmVersion`: the version whose output
/// kubeward reproduces.
pub const HELM_VERSION: &str = "v4.1.4";
const HELM_GIT_COMMIT: &str = "05fa37973dc9e42b76e1d2883494c87174b6074f";
const HELM_GO_VERSION: &str = "go1.25.9";
const HELM_KUBE_CLIENT_VERSION: &str = "v1.35";

/// The Kubernetes version `.Capabilities` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// As given (`v1.33.4-gke.1`), `v`-prefixed.
    pub version: String,
    /// `v1.33.4`.
    pub normalized: String,
    /// Major.
    pub major: String,
    /// Minor.
    pub minor: String,
}

impl KubeVersion {
    /// `ParseKubeVersion`: `1.29`, `v1.29.3`, `1.29.3-gke.1`.
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let bare = text.strip_prefix('v').unwrap_or(text);
        let release = bare.split(['-', '+']).next().unwrap_or(bare);
        let parts: Vec<&str> = release.split('.').collect();
        let number = |i: usize| -> Result<u64, String> {
            parts.get(i).map_or(Ok(0), |p| {
                p.parse()
                    .map_err(|_| format!("could not parse {text:?} as version"))
            })
        };
        if parts.len() < 2 || parts.len() > 3 {
            return Err(format!("could not parse {text:?} as version"));
        }
        let (major, minor, patch) = (number(0)?, number(1)?, number(2)?);
        Ok(KubeVersion {
            version: format!("v{bare}"),
            normalized: format!("v{major}.{minor}.{patch}"),
            major: major.to_string(),
            minor: minor.to_string(),
        })
    }

    /// Helm's default: Kubernetes 1.35.0.
    pub fn default_version() -> KubeVersion {
        KubeVersion {
            version: "v1.35.0".to_owned(),
            normalized: "v1.35.0".to_owned(),
            major: "1".to_owned(),
            minor: "35".to_owned(),
        }
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::from(match name {
            "Version" => self.version.as_str(),
            "Major" => self.major.as_str(),
            "Minor" => self.minor.as_str(),
            _ => return None,
        }))
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let value = match name {
            "String" => &self.normalized,
            "GitVersion" => &self.version,
            _ => return None,
        };
        Some(if args.is_empty() {
            Ok(Value::from(value.as_str()))
        } else {
            Err(format!(
                "wrong number of args for {name}: want 0 got {}",
                args.len()
            ))
        })
    }
    fn format(&self) -> String {
        self.normalized.clone()
    }
    fn to_json(&self) -> Result<serde_json::Value, String> {
        Ok(serde_json::json!({"Version": self.version, "Major": self.major, "Minor": self.minor}))
    }
}

/// `.Capabilities.APIVersions`: a list of group/versions with `Has`.
#[derive(Debug, Clone)]
pub struct VersionSet(pub Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if name != "Has" {
            return None;
        }
        Some(match args {
            [Value::String(version)] => Ok(Value::Bool(self.0.iter().any(|v| v == &**version))),
            [other] => Err(format!(
                "wrong type for value; expected string; got {}",
                other.type_name()
            )),
            _ => Err(format!(
                "wrong number of args for Has: want 1 got {}",
                args.len()
            )),
        })
    }
    fn format(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn underlying(&self) -> Option<Value> {
        Some(Value::from(
            self.0
                .iter()
                .map(|v| Value::from(v.as_str()))
                .collect::<Vec<_>>(),
        ))
    }
}

/// `.Capabilities`.
#[derive(Debug, Clone)]
pub struct Capabilities {
    /// The Kubernetes version.
    pub kube_version: Rc<KubeVersion>,
    /// The API versions.
    pub api_versions: Rc<VersionSet>,
}

impl Capabilities {
    /// Helm's defaults, with `--kube-version` and `--api-versions` applied.
    pub fn new(kube_version: Option<KubeVersion>, extra_api_versions: &[String]) -> Capabilities {
        let mut versions: Vec<String> = DEFAULT_API_VERSIONS
            .iter()
            .map(|v| (*v).to_owned())
            .collect();
        versions.extend(extra_api_versions.iter().cloned());
        Capabilities {
            kube_version: Rc::new(kube_version.unwrap_or_else(KubeVersion::default_version)),
            api_versions: Rc::new(VersionSet(versions)),
        }
    }

    fn helm_version() -> Value {
        let mut map = BTreeMap::new();
        for (key, value) in [
            ("Version", HELM_VERSION),
            ("GitCommit", HELM_GIT_COMMIT),
            ("GitTreeState", "clean"),
            ("GoVersion", HELM_GO_VERSION),
            ("KubeClientVersion", HELM_KUBE_CLIENT_VERSION),
        ] {
            map.insert(key.to_owned(), Value::from(value));
        }
        Value::Object(Rc::new(HelmVersion(map)))
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "KubeVersion" => Value::Object(Rc::clone(&self.kube_version) as Rc<dyn Object>),
            "APIVersions" => Value::Object(Rc::clone(&self.api_versions) as Rc<dyn Object>),
            "HelmVersion" => Capabilities::helm_version(),
            _ => return None,
        })
    }
    fn call(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }
    fn format(&self) -> String {
        let k = &self.kube_version;
        format!(
            "{{{{{} {} {} {}}} {} {{{HELM_VERSION} {HELM_GIT_COMMIT} clean {HELM_GO_VERSION} {HELM_KUBE_CLIENT_VERSION}}}}}",
            k.version,
            k.normalized,
            k.major,
            k.minor,
            self.api_versions.format()
        )
    }
    fn to_json(&self) -> Result<serde_json::Value, String> {
        Ok(serde_json::json!({
            "KubeVersion": self.kube_version.to_json()?,
            "APIVersions": self.api_versions.0,
            "HelmVersion": HelmVersion::json(),
        }))
    }
}

/// `.Capabilities.HelmVersion`.
#[derive(Debug, Clone)]
struct HelmVersion(BTreeMap<String, Value>);

impl HelmVersion {
    fn json() -> serde_json::Value {
        serde_json::json!({
            "version": HELM_VERSION,
            "git_commit": HELM_GIT_COMMIT,
            "git_tree_state": "clean",
            "go_version": HELM_GO_VERSION,
            "kube_client_version": HELM_KUBE_CLIENT_VERSION,
        })
    }
}

impl Object for HelmVersion {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.0.get(name).cloned()
    }
    fn call(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }
    fn format(&self) -> String {
        format!(
            "{{{HELM_VERSION} {HELM_GIT_COMMIT} clean {HELM_GO_VERSION} {HELM_KUBE_CLIENT_VERSION}}}"
        )
    }
    fn to_json(&self) -> Result<serde_json::Value, String> {
        Ok(HelmVersion::json())
    }
}

/// `.Files`: the chart's files other than templates, values and `Chart.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: BTreeMap<String, Rc<[u8]>>,
    to_yaml: Option<fn(&Value) -> String>,
}

impl Files {
    /// The files of a chart. `to_yaml` serialises `AsConfig` and `AsSecrets` like `toYaml`.
    pub fn new(files: &[ChartFile], to_yaml: Option<fn(&Value) -> String>) -> Files {
        Files {
            files: files
                .iter()
                .map(|f| (f.name.clone(), Rc::clone(&f.data)))
                .collect(),
            to_yaml,
        }
    }

    fn bytes(&self, name: &str) -> Rc<[u8]> {
        self.files
            .get(name)
            .cloned()
            .unwrap_or_else(|| Rc::from(Vec::new()))
    }

    fn base_map(&self, encode: impl Fn(&[u8]) -> String) -> Value {
        let map: BTreeMap<String, Value> = self
            .files
            .iter()
            .map(|(name, data)| {
                let base = name.rsplit('/').next().unwrap_or(name).to_owned();
                (base, Value::from(encode(data)))
            })
            .collect();
        Value::from(map)
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match self.files.get(name) {
            Some(data) => Value::Bytes(Rc::clone(data)),
            None => Value::Nil,
        })
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let arg = |n: usize| -> Result<String, String> {
            if args.len() != n {
                return Err(format!(
                    "wrong number of args for {name}: want {n} got {}",
                    args.len()
                ));
            }
            match args.first() {
                Some(Value::String(s)) => Ok(s.to_string()),
                Some(other) => Err(format!(
                    "wrong type for value; expected string; got {}",
                    other.type_name()
                )),
                None => Ok(String::new()),
            }
        };
        Some(match name {
            "Get" => {
                arg(1).map(|p| Value::from(String::from_utf8_lossy(&self.bytes(&p)).into_owned()))
            }
            "GetBytes" => arg(1).map(|p| Value::Bytes(self.bytes(&p))),
            "Glob" => arg(1).map(|pattern| {
                let matched = self
                    .files
                    .iter()
                    .filter(|(name, _)| gobwas_match(&pattern, name))
                    .map(|(name, data)| (name.clone(), Rc::clone(data)))
                    .collect();
                Value::Object(Rc::new(Files {
                    files: matched,
                    to_yaml: self.to_yaml,
                }))
            }),
            "Lines" => arg(1).map(|p| {
                let data = self.bytes(&p);
                if data.is_empty() {
                    return Value::from(Vec::new());
                }
                let text = String::from_utf8_lossy(&data);
                let text = text.strip_suffix('\n').unwrap_or(&text);
                Value::from(text.split('\n').map(Value::from).collect::<Vec<_>>())
            }),
            "AsConfig" | "AsSecrets" => {
                if !args.is_empty() {
                    return Some(Err(format!(
                        "wrong number of args for {name}: want 0 got {}",
                        args.len()
                    )));
                }
                let map = if name == "AsConfig" {
                    self.base_map(|d| String::from_utf8_lossy(d).into_owned())
                } else {
                    self.base_map(base64_encode)
                };
                Ok(Value::from(
                    self.to_yaml
                        .map_or_else(String::new, |to_yaml| to_yaml(&map)),
                ))
            }
            _ => return None,
        })
    }
    fn format(&self) -> String {
        let entries: Vec<String> = self
            .files
            .iter()
            .map(|(name, data)| {
                let bytes: Vec<String> = data.iter().map(u8::to_string).collect();
                format!("{name}:[{}]", bytes.join(" "))
            })
            .collect();
        format!("map[{}]", entries.join(" "))
    }
    fn underlying(&self) -> Option<Value> {
        let map: BTreeMap<String, Value> = self
            .files
            .iter()
            .map(|(name, data)| (name.clone(), Value::Bytes(Rc::clone(data))))
            .collect();
        Some(Value::from(map))
    }
}

/// gobwas/glob with `/` as separator: `*` within a path element, `**` across elements,
/// `?`, `[...]` / `[!...]` classes and `{a,b}` alternatives.
pub fn gobwas_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    glob(&p, &n, 0)
}

fn glob(p: &[char], n: &[char], depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    let Some((&c, rest)) = p.split_first() else {
        return n.is_empty();
    };
    match c {
        '*' => {
            let (any, rest) = match rest.split_first() {
                Some(('*', after)) => (true, after),
                _ => (false, rest),
            };
            (0..=n.len())
                .take_while(|&i| any || i == 0 || n.get(i - 1) != Some(&'/'))
                .any(|i| glob(rest, n.get(i..).unwrap_or_default(), depth + 1))
        }
        '?' => {
            matches!(n.first(), Some(&x) if x != '/')
                && glob(rest, n.get(1..).unwrap_or_default(), depth + 1)
        }
        '[' => {
            let Some(close) = rest.iter().position(|&x| x == ']') else {
                return false;
            };
            let (class, after) = (
                rest.get(..close).unwrap_or_default(),
                rest.get(close + 1..).unwrap_or_default(),
            );
            let (negated, class) = match class.split_first() {
                Some(('!', tail)) => (true, tail),
                _ => (false, class),
            };
            let Some(&x) = n.first() else { return false };
            let mut hit = false;
            let mut i = 0;
            while let Some(&lo) = class.get(i) {
                if class.get(i + 1) == Some(&'-') {
                    if let Some(&hi) = class.get(i + 2) {
                        hit |= lo <= x && x <= hi;
                        i += 3;
                        continue;
                    }
                }
                hit |= lo == x;
                i += 1;
            }
            hit != negated && glob(after, n.get(1..).unwrap_or_default(), depth + 1)
        }
        '{' => {
            let Some(close) = rest.iter().position(|&x| x == '}') else {
                return false;
            };
            let (inner, after) = (
                rest.get(..close).unwrap_or_default(),
                rest.get(close + 1..).unwrap_or_default(),
            );
            inner.split(|&x| x == ',').any(|alternative| {
                let mut candidate = alternative.to_vec();
                candidate.extend_from_slice(after);
                glob(&candidate, n, depth + 1)
            })
        }
        '\\' => match rest.split_first() {
            Some((&escaped, after)) => {
                n.first() == Some(&escaped)
                    && glob(after, n.get(1..).unwrap_or_default(), depth + 1)
            }
            None => false,
        },
        literal => {
            n.first() == Some(&literal) && glob(rest, n.get(1..).unwrap_or_default(), depth + 1)
        }
    }
}

/// `.Chart`: the metadata as a map of Go field names, plus `IsRoot`.
pub fn chart_map(metadata: &Metadata, is_root: bool) -> Value {
    let strings = |items: &[String]| {
        Value::from(
            items
                .iter()
                .map(|s| Value::from(s.as_str()))
                .collect::<Vec<_>>(),
        )
    };
    let mut map = BTreeMap::new();
    let mut put = |key: &str, value: Value| {
        map.insert(key.to_owned(), value);
    };
    put("APIVersion", Value::from(metadata.api_version.as_str()));
    put(
        "Annotations",
        match &metadata.annotations {
            None => Value::Nil,
            Some(annotations) => Value::from(
                annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                    .collect::<BTreeMap<_, _>>(),
            ),
        },
    );
    put("AppVersion", Value::from(metadata.app_version.as_str()));
    put("Condition", Value::from(metadata.condition.as_str()));
    put(
        "Dependencies",
        Value::from(
            metadata
                .dependencies
                .iter()
                .map(|d| {
                    let mut dep = BTreeMap::new();
                    dep.insert("Name".to_owned(), Value::from(d.name.as_str()));
                    dep.insert("Version".to_owned(), Value::from(d.version.as_str()));
                    dep.insert("Repository".to_owned(), Value::from(d.repository.as_str()));
                    dep.insert("Condition".to_owned(), Value::from(d.condition.as_str()));
                    dep.insert("Tags".to_owned(), strings(&d.tags));
                    dep.insert("Enabled".to_owned(), Value::Bool(d.enabled));
                    dep.insert(
                        "ImportValues".to_owned(),
                        Value::from(
                            d.import_values
                                .iter()
                                .map(Value::from_json)
                                .collect::<Vec<_>>(),
                        ),
                    );
                    dep.insert("Alias".to_owned(), Value::from(d.alias.as_str()));
                    Value::from(dep)
                })
                .collect::<Vec<_>>(),
        ),
    );
    put("Deprecated", Value::Bool(metadata.deprecated));
    put("Description", Value::from(metadata.description.as_str()));
    put("Home", Value::from(metadata.home.as_str()));
    put("Icon", Value::from(metadata.icon.as_str()));
    put("IsRoot", Value::Bool(is_root));
    put("Keywords", strings(&metadata.keywords));
    put("KubeVersion", Value::from(metadata.kube_version.as_str()));
    put(
        "Maintainers",
        Value::from(
            metadata
                .maintainers
                .iter()
                .map(|m| {
                    let mut maintainer = BTreeMap::new();
                    maintainer.insert("Name".to_owned(), Value::from(m.name.as_str()));
                    maintainer.insert("Email".to_owned(), Value::from(m.email.as_str()));
                    maintainer.insert("URL".to_owned(), Value::from(m.url.as_str()));
                    Value::from(maintainer)
                })
                .collect::<Vec<_>>(),
        ),
    );
    put("Name", Value::from(metadata.name.as_str()));
    put("Sources", strings(&metadata.sources));
    put("Tags", Value::from(metadata.tags.as_str()));
    put("Type", Value::from(metadata.chart_type.as_str()));
    put("Version", Value::from(metadata.version.as_str()));
    Value::from(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gobwas_globs() {
        assert!(gobwas_match("files/*.txt", "files/a.txt"));
        assert!(!gobwas_match("files/*.txt", "files/sub/a.txt"));
        assert!(gobwas_match("files/**.txt", "files/sub/a.txt"));
        assert!(gobwas_match("files/{a,b}.txt", "files/b.txt"));
        assert!(gobwas_match("f?les/[a-c].txt", "files/c.txt"));
        assert!(!gobwas_match("files/[!a-c].txt", "files/c.txt"));
    }

    #[test]
    fn kube_versions() {
        let v = KubeVersion::parse("1.29.3-gke.1").unwrap();
        assert_eq!(
            (v.version.as_str(), v.normalized.as_str(), v.minor.as_str()),
            ("v1.29.3-gke.1", "v1.29.3", "29")
        );
        assert!(KubeVersion::parse("banana").is_err());
    }
}
