//! Semantic versions and constraints with the rules of Masterminds/semver v3.4.0, the one
//! implementation behind chart versions, `kubeVersion` ranges, dependency constraints and
//! Sprig's `semver`/`semverCompare`. Versions are parsed loosely (`v1`, `1.2` and leading
//! zeros are accepted, as Helm's build does); constraints support `=`, `!=`, `>`, `<`, `>=`,
//! `<=`, `~`, `^`, wildcards (`1.2.x`), hyphen ranges (`1 - 2`), `,`/space for "and" and
//! `||` for "or". A prerelease version only satisfies a constraint group that itself names a
//! prerelease.

use std::cmp::Ordering;
use std::sync::OnceLock;

use regex::Regex;

const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
const LOOSE: &str = r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$";

/// A compiled pattern, kept for the process (the patterns are constants).
fn pattern(
    cell: &'static OnceLock<Option<Regex>>,
    source: impl FnOnce() -> String,
) -> &'static Option<Regex> {
    cell.get_or_init(|| Regex::new(&source()).ok())
}

fn loose() -> &'static Option<Regex> {
    static CELL: OnceLock<Option<Regex>> = OnceLock::new();
    pattern(&CELL, || LOOSE.to_owned())
}

fn single_constraint() -> &'static Option<Regex> {
    static CELL: OnceLock<Option<Regex>> = OnceLock::new();
    pattern(&CELL, || format!(r"^\s*({OPS})\s*({CV})\s*$"))
}

fn range_constraint() -> &'static Option<Regex> {
    static CELL: OnceLock<Option<Regex>> = OnceLock::new();
    pattern(&CELL, || format!(r"\s*({CV})\s+-\s+({CV})\s*"))
}

fn find_constraint() -> &'static Option<Regex> {
    static CELL: OnceLock<Option<Regex>> = OnceLock::new();
    pattern(&CELL, || format!(r"({OPS})\s*({CV})"))
}

fn valid_constraint() -> &'static Option<Regex> {
    static CELL: OnceLock<Option<Regex>> = OnceLock::new();
    pattern(&CELL, || {
        format!(r"^(\s*({OPS})\s*({CV})\s*)((?:\s+|,\s*)({OPS})\s*({CV})\s*)*$")
    })
}

/// A semantic version (`*semver.Version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor (0 when not written).
    pub minor: u64,
    /// Patch (0 when not written).
    pub patch: u64,
    /// Prerelease identifiers (`rc.1`), empty if none.
    pub pre: String,
    /// Build metadata, ignored in comparisons.
    pub metadata: String,
    /// The text it was parsed from.
    pub original: String,
}

const INVALID: &str = "invalid semantic version";

fn parse_segment(digits: &str) -> Result<u64, String> {
    digits.parse().map_err(|_| {
        format!(
            "error parsing version segment: strconv.ParseUint: parsing {}: value out of range",
            crate::template::format::quote(digits)
        )
    })
}

fn only(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(allowed)
}

fn is_allowed(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

impl Version {
    /// Masterminds' `NewVersion` (with `CoerceNewVersion`, as Helm uses it).
    pub fn parse(text: &str) -> Result<Version, String> {
        let Some(re) = loose() else {
            return Err(INVALID.into());
        };
        let Some(m) = re.captures(text) else {
            return Err(INVALID.into());
        };
        let group = |i: usize| m.get(i).map_or("", |g| g.as_str());
        let version = Version {
            major: parse_segment(group(1))?,
            minor: match group(2) {
                "" => 0,
                g => parse_segment(g.trim_start_matches('.'))?,
            },
            patch: match group(3) {
                "" => 0,
                g => parse_segment(g.trim_start_matches('.'))?,
            },
            pre: group(5).to_owned(),
            metadata: group(8).to_owned(),
            original: text.to_owned(),
        };
        if !version.pre.is_empty() {
            for part in version.pre.split('.') {
                if part.is_empty() {
                    return Err("invalid prerelease string".into());
                } else if only(part, |b| b.is_ascii_digit()) {
                    if part.len() > 1 && part.starts_with('0') {
                        return Err("version segment starts with 0".into());
                    }
                } else if !only(part, is_allowed) {
                    return Err("invalid prerelease string".into());
                }
            }
        }
        if !version.metadata.is_empty()
            && version
                .metadata
                .split('.')
                .any(|part| part.is_empty() || !only(part, is_allowed))
        {
            return Err("invalid metadata string".into());
        }
        Ok(version)
    }

    /// `Compare`: by major, minor, patch, then prerelease (a release is greater).
    pub fn compare(&self, other: &Version) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            })
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (
            pa.get(i).copied().unwrap_or(""),
            pb.get(i).copied().unwrap_or(""),
        );
        let order = compare_pre_part(x, y);
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(a), Ok(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

/// One `OP VERSION` term.
#[derive(Debug)]
struct Constraint {
    op: String,
    version: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

/// `||`-separated groups of terms that must all hold (`*semver.Constraints`).
#[derive(Debug)]
pub struct Constraints {
    groups: Vec<(Vec<Constraint>, bool)>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

impl Constraints {
    /// `NewConstraint`.
    pub fn parse(text: &str) -> Result<Constraints, String> {
        let (Some(valid), Some(find)) = (valid_constraint(), find_constraint()) else {
            return Err(format!("improper constraint: {text}"));
        };
        let rewritten = rewrite_range(text);
        let mut groups = Vec::new();
        for part in rewritten.split("||") {
            if !valid.is_match(part) {
                return Err(format!("improper constraint: {part}"));
            }
            let mut terms: Vec<&str> = find.find_iter(part).map(|m| m.as_str()).collect();
            if terms.is_empty() {
                terms.push(part);
            }
            let mut group = Vec::new();
            let mut has_pre = false;
            for term in terms {
                let constraint = parse_constraint(term)?;
                has_pre |= !constraint.version.pre.is_empty();
                group.push(constraint);
            }
            groups.push((group, has_pre));
        }
        Ok(Constraints { groups })
    }

    /// `Check`: whether a version satisfies some group.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|(group, has_pre)| group.iter().all(|c| c.check(v, *has_pre)))
    }
}

/// `1.2 - 1.4` becomes `>= 1.2, <= 1.4 `.
fn rewrite_range(text: &str) -> String {
    let Some(re) = range_constraint() else {
        return text.to_owned();
    };
    let mut out = text.to_owned();
    for m in re.captures_iter(text) {
        let (Some(all), Some(from), Some(to)) = (m.get(0), m.get(1), m.get(11)) else {
            continue;
        };
        let replacement = format!(">= {}, <= {} ", from.as_str(), to.as_str());
        out = out.replacen(all.as_str(), &replacement, 1);
    }
    out
}

fn parse_constraint(term: &str) -> Result<Constraint, String> {
    let Some(re) = single_constraint() else {
        return Err(format!("improper constraint: {term}"));
    };
    let Some(m) = re.captures(term) else {
        return Err(format!("improper constraint: {term}"));
    };
    let group = |i: usize| m.get(i).map_or("", |g| g.as_str());
    let (major, minor, patch, pre) = (group(3), group(4), group(5), group(6));
    let mut text = group(2).to_owned();
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    if is_x(major) || major.is_empty() {
        text = format!("0.0.0{pre}");
        dirty = true;
    } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
        minor_dirty = true;
        dirty = true;
        text = format!("{major}.0.0{pre}");
    } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
        dirty = true;
        patch_dirty = true;
        text = format!("{major}{minor}.0{pre}");
    }
    let version = Version::parse(&text).map_err(|_| "constraint parser error".to_owned())?;
    Ok(Constraint {
        op: group(1).to_owned(),
        version,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.version;
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            "!=" => self.not_equal(v),
            ">" => self.greater(v),
            "<" => v.compare(c) == Ordering::Less,
            ">=" | "=>" => v.compare(c) != Ordering::Less,
            "<=" | "=<" => self.less_equal(v),
            "~" | "~>" => self.tilde(v),
            _ => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.version;
        if self.dirty {
            if c.major != v.major {
                return true;
            }
            if c.minor != v.minor && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch != v.patch && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                if !v.pre.is_empty() || !c.pre.is_empty() {
                    return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                }
                return false;
            }
        }
        v.compare(c) != Ordering::Equal
    }

    fn greater(&self, v: &Version) -> bool {
        let c = &self.version;
        if !self.dirty {
            return v.compare(c) == Ordering::Greater;
        }
        if v.major > c.major {
            true
        } else if v.major < c.major || self.minor_dirty {
            false
        } else if self.patch_dirty {
            v.minor > c.minor
        } else {
            v.compare(c) == Ordering::Greater
        }
    }

    fn less_equal(&self, v: &Version) -> bool {
        let c = &self.version;
        if !self.dirty {
            return v.compare(c) != Ordering::Greater;
        }
        !(v.major > c.major || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.version;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.version;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        c.patch == v.patch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(constraint: &str, version: &str) -> bool {
        Constraints::parse(constraint)
            .unwrap()
            .check(&Version::parse(version).unwrap())
    }

    #[test]
    fn versions() {
        assert_eq!(Version::parse("v1.2").unwrap().to_string(), "1.2.0");
        assert!(Version::parse("1.2.3-rc.1+build").is_ok());
        assert!(Version::parse("1.2.3.4").is_err());
        assert!(Version::parse("abc").is_err());
        let order = Version::parse("1.0.0-alpha")
            .unwrap()
            .compare(&Version::parse("1.0.0").unwrap());
        assert_eq!(order, Ordering::Less);
    }

    #[test]
    fn constraints() {
        assert!(check(">=1.21.0-0", "1.35.0"));
        assert!(check(">=1.21.0-0", "1.22.0-gke.1"));
        assert!(!check(">=1.21.0", "1.22.0-gke.1"));
        assert!(check(">= 1.19, < 2", "1.30.1"));
        assert!(check("~1.2", "1.2.9"));
        assert!(!check("~1.2", "1.3.0"));
        assert!(check("^1.2", "1.9.0"));
        assert!(!check("^0.2.3", "0.3.0"));
        assert!(check("1.2 - 1.4", "1.3.0"));
        assert!(check("<1.20 || >=1.25", "1.26.0"));
        assert!(check("1.x", "1.7.0"));
        assert!(check("*", "3.0.0"));
        assert!(check("0.12.*", "0.12.3"));
    }
}
