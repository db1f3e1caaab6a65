//! Sprig's `urlParse` and `urlJoin`, with Go's `net/url` parsing and printing: the parts
//! are unescaped when parsed (path, fragment, user) and escaped again when joined.

use std::collections::BTreeMap;

use crate::funcs::args::{arity, map, string};
use crate::template::format::quote;
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("urlParse", |_, args| {
        arity("urlParse", args, 1)?;
        let raw = string("urlParse", args, 0)?;
        let url = parse(&raw).map_err(|err| {
            FuncError::Message(format!("unable to parse url: parse {}: {err}", quote(&raw)))
        })?;
        let mut out = BTreeMap::new();
        let hostname = hostname(&url.host);
        for (key, value) in [
            ("scheme", url.scheme),
            ("host", url.host),
            ("hostname", hostname),
            ("path", url.path),
            ("query", url.query),
            ("opaque", url.opaque),
            ("fragment", url.fragment),
            (
                "userinfo",
                url.user.map(|u| u.escaped()).unwrap_or_default(),
            ),
        ] {
            out.insert(key.to_owned(), Value::from(value));
        }
        Ok(Value::from(out))
    });
    funcs.insert("urlJoin", |_, args| {
        arity("urlJoin", args, 1)?;
        let d = map("urlJoin", args, 0)?;
        let d = d.borrow();
        let get = |key: &str| -> Result<String, FuncError> {
            match d.get(key) {
                None => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.to_string()),
                Some(Value::Nil) => Err(super::lists::NIL_DEREF.into()),
                Some(other) => Err(format!(
                    "unable to parse {key} key, must be of type string, but {} found",
                    super::reflect::kind_of(other)
                )
                .into()),
            }
        };
        let userinfo = get("userinfo")?;
        let user = if userinfo.is_empty() {
            None
        } else {
            let raw = format!("proto://{userinfo}@host");
            let parsed = parse(&raw).map_err(|err| {
                FuncError::Message(format!(
                    "unable to parse userinfo in dict: parse {}: {err}",
                    quote(&raw)
                ))
            })?;
            parsed.user
        };
        let url = Url {
            scheme: get("scheme")?,
            host: get("host")?,
            path: get("path")?,
            query: get("query")?,
            opaque: get("opaque")?,
            fragment: get("fragment")?,
            user,
            force_query: false,
        };
        Ok(Value::from(url.to_string()))
    });
}

#[derive(Default)]
struct User {
    name: String,
    password: Option<String>,
}

impl User {
    fn escaped(&self) -> String {
        let mut out = escape(&self.name, Mode::UserPassword);
        if let Some(password) = &self.password {
            out.push(':');
            out.push_str(&escape(password, Mode::UserPassword));
        }
        out
    }
}

#[derive(Default)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<User>,
    host: String,
    path: String,
    query: String,
    fragment: String,
    force_query: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::Fragment => false,
                Mode::Host => true,
            };
        }
        _ => {}
    }
    !(mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
}

/// `url.escape`.
fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if should_escape(b, mode) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(char::from(b));
        }
    }
    out
}

/// `url.unescape`: `%XX` decoded; a bad escape is an error.
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).unwrap_or_default();
            let decoded = std::str::from_utf8(hex)
                .ok()
                .filter(|h| h.len() == 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            let Some(decoded) = decoded else {
                let end = (i + 3).min(bytes.len());
                let bad = String::from_utf8_lossy(bytes.get(i..end).unwrap_or_default());
                return Err(format!("invalid URL escape {}", quote(&bad)));
            };
            if mode == Mode::Host && decoded < 0x80 && decoded != b' ' && hex != b"25" {
                // Go accepts only %25 (and non-ASCII) escapes in a host.
                let bad = String::from_utf8_lossy(bytes.get(i..i + 3).unwrap_or_default());
                return Err(format!("invalid URL escape {}", quote(&bad)));
            }
            out.push(decoded);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `url.Parse`.
fn parse(raw: &str) -> Result<Url, String> {
    let (rest, fragment) = match raw.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (raw, None),
    };
    let mut url = parse_reference(rest)?;
    if let Some(fragment) = fragment {
        url.fragment = unescape(fragment, Mode::Fragment)?;
    }
    Ok(url)
}

fn parse_reference(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_owned());
    }
    let mut url = Url::default();
    if raw.is_empty() {
        return Ok(url);
    }
    if raw == "*" {
        url.path = "*".to_owned();
        return Ok(url);
    }
    let (scheme, mut rest) = scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest = rest.get(..rest.len() - 1).unwrap_or("");
    } else if let Some((before, query)) = rest.split_once('?') {
        url.query = query.to_owned();
        rest = before;
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest.to_owned();
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_owned());
        }
    }
    if rest.starts_with("//") && (!url.scheme.is_empty() || !rest.starts_with("///")) {
        let after = rest.get(2..).unwrap_or("");
        let (authority, path) = match after.find('/') {
            Some(i) => (after.get(..i).unwrap_or(""), after.get(i..).unwrap_or("")),
            None => (after, ""),
        };
        let (user, host) = authority_parts(authority)?;
        url.user = user;
        url.host = host;
        rest = path;
    }
    url.path = unescape(rest, Mode::Path)?;
    Ok(url)
}

fn scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, b) in raw.bytes().enumerate() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".to_owned()),
            b':' => {
                return Ok((raw.get(..i).unwrap_or(""), raw.get(i + 1..).unwrap_or("")));
            }
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

fn authority_parts(authority: &str) -> Result<(Option<User>, String), String> {
    let Some(at) = authority.rfind('@') else {
        return Ok((None, host(authority)?));
    };
    let host = host(authority.get(at + 1..).unwrap_or(""))?;
    let userinfo = authority.get(..at).unwrap_or("");
    let valid = userinfo.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b':'
                    | b'~'
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
                    | b'%'
                    | b'@'
            )
    });
    if !valid {
        return Err("net/url: invalid userinfo".to_owned());
    }
    let user = match userinfo.split_once(':') {
        Some((name, password)) => User {
            name: unescape(name, Mode::UserPassword)?,
            password: Some(unescape(password, Mode::UserPassword)?),
        },
        None => User {
            name: unescape(userinfo, Mode::UserPassword)?,
            password: None,
        },
    };
    Ok((Some(user), host))
}

/// Go's `parseHost`: a port must be digits; IPv6 literals stay in brackets.
fn host(host: &str) -> Result<String, String> {
    let port_of = |s: &str| -> Result<(), String> {
        if let Some(port) = s.strip_prefix(':') {
            if !port.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("invalid port {} after host", quote(s)));
            }
        }
        Ok(())
    };
    if host.starts_with('[') {
        let Some(close) = host.rfind(']') else {
            return Err("missing ']' in host".to_owned());
        };
        let after = host.get(close + 1..).unwrap_or("");
        if !after.is_empty() && !after.starts_with(':') {
            return Err(format!("invalid port {} after host", quote(after)));
        }
        port_of(after)?;
    } else if let Some(colon) = host.rfind(':') {
        port_of(host.get(colon..).unwrap_or(""))?;
    }
    unescape(host, Mode::Host)
}

/// `URL.Hostname`: the host without its port or IPv6 brackets.
fn hostname(host: &str) -> String {
    let without_port = match host.rfind(':') {
        Some(i) if !host.get(i..).unwrap_or("").contains(']') => host.get(..i).unwrap_or(host),
        _ => host,
    };
    let trimmed = without_port
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'));
    trimmed.unwrap_or(without_port).to_owned()
}

impl std::fmt::Display for Url {
    /// `URL.String`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::new();
        if !self.scheme.is_empty() {
            out.push_str(&self.scheme);
            out.push(':');
        }
        if !self.opaque.is_empty() {
            out.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    out.push_str("//");
                }
                if let Some(user) = &self.user {
                    out.push_str(&user.escaped());
                    out.push('@');
                }
                out.push_str(&escape(&self.host, Mode::Host));
            }
            let path = escape(&self.path, Mode::Path);
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                out.push('/');
            }
            if out.is_empty() && path.split('/').next().unwrap_or("").contains(':') {
                out.push_str("./");
            }
            out.push_str(&path);
        }
        if self.force_query || !self.query.is_empty() {
            out.push('?');
            out.push_str(&self.query);
        }
        if !self.fragment.is_empty() {
            out.push('#');
            out.push_str(&escape(&self.fragment, Mode::Fragment));
        }
        f.write_str(&out)
    }
}
