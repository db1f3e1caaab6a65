//! `.helmignore` rules as Helm applies them when loading a chart directory, with Go's
//! `filepath.Match` glob syntax. Helm's semantics are kept even where they surprise: a
//! negated rule ignores every path it does NOT match, and `**` is an error.

/// The parsed rules of a `.helmignore` file, plus Helm's default (`templates/.?*`).
#[derive(Debug, Clone, Default)]
pub struct IgnoreRules {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    glob: String,
    negate: bool,
    must_dir: bool,
    kind: MatchKind,
}

#[derive(Debug, Clone, Copy)]
enum MatchKind {
    /// `/x`: the whole path, from the chart root.
    Rooted,
    /// `a/b`: the whole path.
    Path,
    /// `x`: the last path element.
    Base,
}

impl IgnoreRules {
    /// Rules from a `.helmignore` text (may be empty), with Helm's default added.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rules = IgnoreRules::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for line in text.lines() {
            rules.add(line)?;
        }
        rules.add("templates/.?*")?;
        Ok(rules)
    }

    fn add(&mut self, rule: &str) -> Result<(), String> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".to_owned());
        }
        if glob_match(rule, "abc").is_err() {
            return Err("syntax error in pattern".to_owned());
        }
        let (negate, rule) = match rule.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, rule),
        };
        let (must_dir, rule) = match rule.strip_suffix('/') {
            Some(rest) => (true, rest),
            None => (false, rule),
        };
        let (kind, glob) = if let Some(rest) = rule.strip_prefix('/') {
            (MatchKind::Rooted, rest)
        } else if rule.contains('/') {
            (MatchKind::Path, rule)
        } else {
            (MatchKind::Base, rule)
        };
        self.patterns.push(Pattern {
            glob: glob.to_owned(),
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Whether a path (relative, `/`-separated) is ignored; `is_dir` for directories.
    pub fn ignores(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for pattern in &self.patterns {
            let subject = match pattern.kind {
                MatchKind::Rooted | MatchKind::Path => path,
                MatchKind::Base => path.rsplit('/').next().unwrap_or(path),
            };
            let matches = glob_match(&pattern.glob, subject).unwrap_or(false);
            if pattern.negate {
                if pattern.must_dir && !is_dir {
                    return true;
                }
                if !matches {
                    return true;
                }
                continue;
            }
            if pattern.must_dir && !is_dir {
                continue;
            }
            if matches {
                return true;
            }
        }
        false
    }

    /// Whether a file is ignored, itself or through one of its directories (Helm skips an
    /// ignored directory without looking inside).
    pub fn ignores_file(&self, path: &str) -> bool {
        let mut prefix = String::new();
        let parts: Vec<&str> = path.split('/').collect();
        let dirs = parts.len().saturating_sub(1);
        for part in parts.iter().take(dirs) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if self.ignores(&prefix, true) {
                return true;
            }
        }
        self.ignores(path, false)
    }
}

/// A malformed glob pattern (`filepath.ErrBadPattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPattern;

/// Go's `filepath.Match` (with `/` as the separator).
pub fn glob_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> Result<bool, BadPattern> {
    let Some((&first, rest)) = p.split_first() else {
        return Ok(n.is_empty());
    };
    match first {
        '*' => {
            // `*` matches any run of non-separators.
            let mut i = 0;
            loop {
                if match_from(rest, n.get(i..).unwrap_or_default())? {
                    return Ok(true);
                }
                match n.get(i) {
                    Some('/') | None => {
                        // Go checks the rest of the pattern for syntax errors anyway.
                        check_syntax(rest)?;
                        return Ok(false);
                    }
                    Some(_) => i += 1,
                }
            }
        }
        '?' => match n.split_first() {
            Some((&c, n_rest)) if c != '/' => match_from(rest, n_rest),
            _ => {
                check_syntax(rest)?;
                Ok(false)
            }
        },
        '[' => {
            let (matched, consumed) = match_class(rest, n.first().copied())?;
            let after = rest.get(consumed..).unwrap_or_default();
            if matched {
                match_from(after, n.get(1..).unwrap_or_default())
            } else {
                check_syntax(after)?;
                Ok(false)
            }
        }
        '\\' => {
            let (&escaped, after) = rest.split_first().ok_or(BadPattern)?;
            match n.split_first() {
                Some((&c, n_rest)) if c == escaped => match_from(after, n_rest),
                _ => {
                    check_syntax(after)?;
                    Ok(false)
                }
            }
        }
        literal => match n.split_first() {
            Some((&c, n_rest)) if c == literal => match_from(rest, n_rest),
            _ => {
                check_syntax(rest)?;
                Ok(false)
            }
        },
    }
}

fn check_syntax(p: &[char]) -> Result<(), BadPattern> {
    let mut i = 0;
    while let Some(&c) = p.get(i) {
        match c {
            '\\' => {
                p.get(i + 1).ok_or(BadPattern)?;
                i += 2;
            }
            '[' => {
                let (_, consumed) = match_class(p.get(i + 1..).unwrap_or_default(), None)?;
                i += 1 + consumed;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// A `[...]` class after its `[`: whether `c` matches, and how many pattern chars it used.
fn match_class(p: &[char], c: Option<char>) -> Result<(bool, usize), BadPattern> {
    let mut i = 0;
    let negated = p.first() == Some(&'^');
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let &lo = p.get(i).ok_or(BadPattern)?;
        if lo == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let (lo, next) = class_char(p, i)?;
        i = next;
        let mut hi = lo;
        if p.get(i) == Some(&'-') && p.get(i + 1) != Some(&']') {
            let (h, next) = class_char(p, i + 1)?;
            hi = h;
            i = next;
        }
        if let Some(c) = c {
            if lo <= c && c <= hi {
                matched = true;
            }
        }
    }
    let matched = c.is_some_and(|c| c != '/') && matched != negated;
    Ok((matched, i))
}

fn class_char(p: &[char], i: usize) -> Result<(char, usize), BadPattern> {
    match p.get(i) {
        Some('\\') => p.get(i + 1).map(|&c| (c, i + 2)).ok_or(BadPattern),
        Some('-') | Some(']') | None => Err(BadPattern),
        Some(&c) => Ok((c, i + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_filepath_match() {
        assert_eq!(glob_match("*.txt", "a.txt"), Ok(true));
        assert_eq!(glob_match("*.txt", "dir/a.txt"), Ok(false));
        assert_eq!(glob_match("a?c", "abc"), Ok(true));
        assert_eq!(glob_match("[a-c]x", "bx"), Ok(true));
        assert_eq!(glob_match("[^a-c]x", "bx"), Ok(false));
        assert_eq!(glob_match("a\\*", "a*"), Ok(true));
        assert!(glob_match("[", "a").is_err());
    }

    #[test]
    fn helmignore_rules() {
        let rules =
            IgnoreRules::parse("# comment\n*.bak\n/secret.txt\ndocs/\nci/*.yaml\n").unwrap();
        assert!(rules.ignores_file("x.bak"));
        assert!(rules.ignores_file("templates/x.bak"));
        assert!(rules.ignores_file("secret.txt"));
        assert!(!rules.ignores_file("sub/secret.txt"));
        assert!(rules.ignores_file("docs/readme.md"));
        assert!(rules.ignores_file("ci/values.yaml"));
        assert!(rules.ignores_file("templates/.hidden"));
        assert!(!rules.ignores_file("templates/deployment.yaml"));
        assert!(IgnoreRules::parse("a/**/b").is_err());
    }
}
