//! Semantic versions and constraints with the rules of Masterminds/semver v3, which Helm uses
//! for chart versions, `kubeVersion` ranges and `semverCompare`: loose versions (`v1.2`,
//! `1`), `||` alternatives, comma- or space-separated conjunctions, `~`, `^`, wildcards and
//! hyphen ranges, and prereleases matched only by constraints that mention a prerelease.

use std::cmp::Ordering;
use std::fmt;

/// A version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
    /// Prerelease identifiers (`rc.1`), empty if none.
    pub pre: String,
    /// Build metadata, ignored in comparisons.
    pub metadata: String,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

impl Version {
    /// `NewVersion`: `v` prefix, missing minor/patch default to 0.
    pub fn parse(text: &str) -> Result<Version, String> {
        let invalid = || "Invalid Semantic Version".to_owned();
        let body = text.strip_prefix('v').unwrap_or(text);
        let (body, metadata) = match body.split_once('+') {
            Some((b, m)) => (b, m),
            None => (body, ""),
        };
        let (core, pre) = match body.split_once('-') {
            Some((c, p)) => (c, p),
            None => (body, ""),
        };
        if (!pre.is_empty() || body.contains('-')) && !is_ident(pre) {
            return Err(invalid());
        }
        if (!metadata.is_empty() || text.contains('+')) && !is_ident(metadata) {
            return Err(invalid());
        }
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return Err(invalid());
        }
        let mut numbers = [0u64; 3];
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            *slot = part.parse().map_err(|_| invalid())?;
        }
        let [major, minor, patch] = numbers;
        Ok(Version {
            major,
            minor,
            patch,
            pre: pre.to_owned(),
            metadata: metadata.to_owned(),
        })
    }

    fn core(&self) -> (u64, u64, u64) {
        (self.major, self.minor, self.patch)
    }
}

fn compare_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.core()
            .cmp(&other.core())
            .then_with(|| compare_pre(&self.pre, &other.pre))
    }
}

/// A constraint such as `>=1.21.0-0 <2.0.0 || ~3.1`.
#[derive(Debug, Clone)]
pub struct Constraint {
    /// Alternatives; each is a conjunction.
    alternatives: Vec<Vec<Term>>,
}

#[derive(Debug, Clone)]
struct Term {
    op: Op,
    version: Version,
    /// Which of minor and patch were written (`1.x` has neither; wildcards count as missing).
    minor_set: bool,
    patch_set: bool,
    /// The written version had a prerelease (such constraints match prereleases).
    has_pre: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

impl Constraint {
    /// `NewConstraint`.
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let mut alternatives = Vec::new();
        for alternative in text.split("||") {
            let mut terms = Vec::new();
            let tokens = tokenize(alternative.trim());
            let mut i = 0;
            while let Some(token) = tokens.get(i) {
                // Hyphen range: `1.2 - 1.4.5`.
                if tokens.get(i + 1).map(String::as_str) == Some("-") {
                    let upper = tokens
                        .get(i + 2)
                        .ok_or_else(|| format!("improper constraint: {text}"))?;
                    terms.push(term(Op::Ge, token)?);
                    terms.push(term(Op::Le, upper)?);
                    i += 3;
                    continue;
                }
                let (op, rest) = split_op(token);
                let rest = if rest.is_empty() {
                    i += 1;
                    tokens
                        .get(i)
                        .ok_or_else(|| format!("improper constraint: {text}"))?
                        .as_str()
                } else {
                    rest
                };
                terms.push(term(op, rest)?);
                i += 1;
            }
            if terms.is_empty() {
                return Err(format!("improper constraint: {text}"));
            }
            alternatives.push(terms);
        }
        Ok(Constraint { alternatives })
    }

    /// Whether a version satisfies the constraint.
    pub fn check(&self, version: &Version) -> bool {
        self.alternatives
            .iter()
            .any(|terms| terms.iter().all(|t| t.check(version)))
    }
}

/// Splits on commas and spaces, keeping an operator glued to its version.
fn tokenize(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for raw in text.split([',', ' ']).filter(|t| !t.is_empty()) {
        // An operator written apart from its version (`>= 1.2`) joins the next token.
        if let Some(last) = tokens.last_mut() {
            if !last.is_empty() && last.chars().all(|c| "=<>!~^".contains(c)) {
                last.push_str(raw);
                continue;
            }
        }
        tokens.push(raw.to_owned());
    }
    tokens
}

fn split_op(token: &str) -> (Op, &str) {
    for (prefix, op) in [
        (">=", Op::Ge),
        ("=>", Op::Ge),
        ("<=", Op::Le),
        ("=<", Op::Le),
        ("!=", Op::Ne),
        ("~>", Op::Tilde),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("=", Op::Eq),
        ("~", Op::Tilde),
        ("^", Op::Caret),
    ] {
        if let Some(rest) = token.strip_prefix(prefix) {
            return (op, rest.trim());
        }
    }
    (Op::Eq, token)
}

fn term(op: Op, text: &str) -> Result<Term, String> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let core = text.split(['-', '+']).next().unwrap_or(text);
    let parts: Vec<&str> = core.split('.').collect();
    let wild = |p: Option<&&str>| p.is_none_or(|p| matches!(*p, "x" | "X" | "*"));
    let major_wild = wild(parts.first());
    let minor_set = !wild(parts.get(1));
    let patch_set = !wild(parts.get(2));
    let mut normalized: Vec<String> = parts
        .iter()
        .map(|p| {
            if matches!(*p, "x" | "X" | "*") {
                "0".to_owned()
            } else {
                (*p).to_owned()
            }
        })
        .collect();
    while normalized.len() < 3 {
        normalized.push("0".to_owned());
    }
    let rest = text.get(core.len()..).unwrap_or("");
    let version = Version::parse(&format!("{}{rest}", normalized.join(".")))
        .map_err(|_| format!("improper constraint: {text}"))?;
    let has_pre = !version.pre.is_empty();
    if major_wild {
        // `*` alone matches every release.
        return Ok(Term {
            op: if op == Op::Ne { Op::Lt } else { Op::Ge },
            version: Version::parse("0.0.0").map_err(|e| e.to_string())?,
            minor_set: false,
            patch_set: false,
            has_pre,
        });
    }
    Ok(Term {
        op,
        version,
        minor_set,
        patch_set,
        has_pre,
    })
}

impl Term {
    fn check(&self, v: &Version) -> bool {
        // A prerelease only satisfies constraints that mention a prerelease.
        if !v.pre.is_empty() && !self.has_pre {
            return false;
        }
        let c = &self.version;
        match self.op {
            Op::Eq => {
                if !self.minor_set {
                    v.major == c.major
                } else if !self.patch_set {
                    v.major == c.major && v.minor == c.minor
                } else {
                    v == c
                }
            }
            Op::Ne => {
                if !self.minor_set {
                    v.major != c.major
                } else if !self.patch_set {
                    !(v.major == c.major && v.minor == c.minor)
                } else {
                    v != c
                }
            }
            Op::Gt => {
                if !self.minor_set {
                    v.major > c.major
                } else if !self.patch_set {
                    (v.major, v.minor) > (c.major, c.minor)
                } else {
                    v > c
                }
            }
            Op::Lt => v < c,
            Op::Ge => v >= c,
            Op::Le => {
                if !self.minor_set {
                    v.major <= c.major
                } else if !self.patch_set {
                    (v.major, v.minor) <= (c.major, c.minor)
                } else {
                    v <= c
                }
            }
            Op::Tilde => {
                if v < c {
                    return false;
                }
                if !self.minor_set {
                    v.major == c.major
                } else {
                    v.major == c.major && v.minor == c.minor
                }
            }
            Op::Caret => {
                if v < c {
                    return false;
                }
                if c.major > 0 {
                    v.major == c.major
                } else if c.minor > 0 || !self.patch_set {
                    v.major == 0 && v.minor == c.minor
                } else {
                    v.major == 0 && v.minor == 0 && v.patch == c.patch
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(constraint: &str, version: &str) -> bool {
        Constraint::parse(constraint)
            .unwrap()
            .check(&Version::parse(version).unwrap())
    }

    #[test]
    fn versions() {
        assert_eq!(Version::parse("v1.2").unwrap().to_string(), "1.2.0");
        assert!(Version::parse("1.2.3-rc.1+build").is_ok());
        assert!(Version::parse("1.2.3.4").is_err());
        assert!(Version::parse("abc").is_err());
        assert!(Version::parse("1.0.0-alpha").unwrap() < Version::parse("1.0.0").unwrap());
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
    }
}
