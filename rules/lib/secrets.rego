# Helpers of the secrets rules: credential formats, names that announce a secret, values that
# cannot be one (references, placeholders, paths, numbers), and Shannon entropy.
package kubeward.lib.secrets

import rego.v1

# Known credential formats, by what they are. Each pattern finds the credential anywhere in a
# value.
formats := {
	"an AWS access key id": `\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`,
	"a private key": `-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----`,
	"a GitHub token": `\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b`,
	"a GitLab token": `\bglpat-[A-Za-z0-9_-]{20,}`,
	"a Slack token": `\bxox[abposr]-[A-Za-z0-9-]{10,}`,
	"a Slack webhook URL": `hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]{8,}`,
	"a JSON Web Token": `\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}`,
	"a Google API key": `\bAIza[0-9A-Za-z_-]{35}\b`,
	"a Stripe secret key": `\b[rs]k_live_[0-9A-Za-z]{20,}\b`,
	"an HTTP authorization header": `^(?i)(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}$`,
}

# A URL whose user information carries a password (`scheme://user:password@host`); a
# reference such as `$(DB_PASSWORD)` in the password's place is not one.
url_with_password := `[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@`

# What a value is, when it has a known credential format (the first in alphabetical order
# when it has several).
credential_format(value) := sort(kinds)[0] if {
	kinds := [kind | some kind in credential_formats(value)]
	count(kinds) > 0
}

credential_formats(value) := {kind |
	is_string(value)
	_maybe_credential(value)
	some kind, pattern in formats
	regex.match(pattern, value)
} | {"a URL with a password" |
	is_string(value)
	contains(value, "://")
	some match in regex.find_all_string_submatch_n(url_with_password, value, -1)
	not reference(match[1])
}

# Every format above contains one of these (case-insensitively): a cheap test first, since
# most values have none. One pattern, which the regex engine searches for all the words at
# once (twenty `contains` calls were 2% of all rules' work); a test requires a sample of
# every format to pass it.
_credential_markers := `(?i)akia|asia|abia|acca|private key|gh[pousr]_|github_pat_|glpat-|xox|hooks\.slack\.com|eyj|aiza|_live_|bearer|basic|token`

_maybe_credential(value) if regex.match(_credential_markers, value)

# The words of a name: split at anything but letters and digits and at camelCase humps,
# lowercased (`dbPassword`, `DB_PASSWORD` and `db.password` are all [db, password]).
words(name) := [word |
	some word in regex.split(`[^a-z0-9]+`, lower(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}")))
	word != ""
]

# Words that say a value is a secret.
secret_words := {
	"password", "passwd", "pwd", "pass", "passphrase", "secret", "secrets", "token", "tokens",
	"credential", "credentials", "creds", "apikey", "accesskey", "secretkey", "privatekey",
}

# Run-together names (`DBPASSWORD`, `githubtoken`) end with one of these.
secret_endings := ["password", "passwd", "secret", "token", "apikey", "credentials"]

# A last word that makes the name describe a secret rather than hold it: SECRET_NAME,
# TOKEN_PATH, PASSWORD_MIN_LENGTH, TOKEN_TTL, AWS_ACCESS_KEY_ID.
qualifiers := {
	"name", "names", "path", "paths", "file", "files", "dir", "directory", "ref", "reference",
	"url", "uri", "endpoint", "host", "hostname", "port", "ttl", "timeout", "expiry",
	"expiration", "expires", "lifetime", "length", "len", "size", "min", "max", "count",
	"enabled", "enable", "disabled", "required", "type", "kind", "mode", "policy", "format",
	"version", "id", "ids", "header", "field", "store", "provider", "backend", "source", "issuer",
	"audience", "algorithm", "location", "prefix", "suffix", "label", "namespace", "mount",
	"volume", "rotation", "interval", "duration", "period", "limit", "retries", "strategy",
	"method", "scope", "scopes", "usage", "env", "var",
}

# Words before a final KEY that make it something other than a secret key.
plain_keys := {
	"public", "cache", "partition", "sort", "primary", "routing", "object", "idempotency",
	"foreign", "hot", "lookup", "hash", "range", "index", "label", "annotation", "node",
	"topology", "group", "map", "dedup", "unique", "shard", "bucket", "metric", "row", "column",
	"composite", "kms", "config", "cluster", "host",
}

# Whether a variable or key name announces a secret.
sensitive_name(name) if {
	maybe_sensitive(name)
	ws := words(name)
	count(ws) > 0
	last := ws[count(ws) - 1]
	not last in qualifiers
	_sensitive_words(ws)
}

_sensitive_words(ws) if {
	some word in ws
	word in secret_words
}

# Every name that announces a secret contains one of these words (case-insensitively), as
# one pattern like _credential_markers.
_name_markers := `(?i)pass|pwd|secret|token|cred|key`

maybe_sensitive(name) if regex.match(_name_markers, name)

_sensitive_words(ws) if {
	some word in ws
	some ending in secret_endings
	endswith(word, ending)
}

# A final KEY (API_KEY, SECRET_KEY, STRIPE_KEY), unless a plain key (PARTITION_KEY).
_sensitive_words(ws) if {
	ws[count(ws) - 1] == "key"
	not _plain_key(ws)
}

_plain_key(ws) if {
	count(ws) > 1
	ws[count(ws) - 2] in plain_keys
}

# Whether a value, set under a name that announces a secret, is a literal secret: not empty,
# not a reference to one, not a placeholder, path, URL without password, number or switch.
literal(value) if {
	is_string(value)
	v := trim_space(value)
	v != ""
	not reference(v)
	not placeholder(v)
	not plain_value(v)
}

# `$(VAR)` (Kubernetes), `${VAR}` and `$VAR` (shells, envsubst), `{{ ... }}` (templates), and
# references to secret stores.
reference(v) if regex.match(`^\s*(\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|%[A-Za-z_][A-Za-z0-9_]*%)\s*$`, v)

reference(v) if {
	some prefix in ["vault:", "ref+", "arn:", "secret://", "sm://", "awssm://", "gcpsm://", "azkv://", "file:", "env:", "k8s-secret:"]
	startswith(lower(v), prefix)
}

placeholder(v) if regex.match(`^(?i)(x{3,}|\*{3,}|\.{3,}|-+|<[^<>]*>|\[[^\[\]]*\]|redacted|changeme|change[-_ ]me|placeholder|todo|tbd|none|null|nil|undefined|(your|insert|replace|enter)[-_ ][^\s]*)$`, v)

# Switches, numbers with units (30s, 512Mi), absolute paths and URLs without a password.
plain_value(v) if regex.match(`^(?i)(true|false|yes|no|on|off|enabled|disabled)$`, v)

plain_value(v) if regex.match(`^-?[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h|d|w|k|K|M|G|T|Ki|Mi|Gi|Ti|KB|MB|GB|%)?$`, v)

plain_value(v) if regex.match(`^(/|~/|\./|\.\./)\S*$`, v)

plain_value(v) if {
	regex.match(`^[A-Za-z][A-Za-z0-9+.-]*://\S*$`, v)
	not credential_format(v)
}

# Environment variables whose URLs the egress rule proxy-url-credentials already checks.
proxy_variables := {"http_proxy", "https_proxy", "all_proxy", "ftp_proxy"}

# Why an env entry (name, value) or a ConfigMap key holds a hardcoded secret, if it does.
hardcoded(name, value) := kind if {
	kind := credential_format(value)
	not proxy_url(name, kind)
} else := "its name says it holds a secret" if {
	sensitive_name(name)
	literal(value)
}

proxy_url(name, "a URL with a password") if lower(name) in proxy_variables

# `NAME=value`, `name: value` and `"name": "value",` lines of a configuration file kept in a
# ConfigMap value: [{"line", "name", "value"}].
assignments(text) := [{"line": i + 1, "name": match[1], "value": _unquote(match[2])} |
	some i, line in split(text, "\n")
	maybe_sensitive(line)
	some match in regex.find_all_string_submatch_n(`^\s*(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*(.*?)\s*,?\s*$`, line, 1)
]

_unquote(v) := substring(v, 1, count(v) - 2) if {
	count(v) >= 2
	some quote in ["\"", "'"]
	startswith(v, quote)
	endswith(v, quote)
} else := v

# Shannon entropy in bits per character.
entropy(s) := h if {
	chars := regex.find_n(`(?s).`, s, -1)
	n := count(chars)
	n > 0
	distinct := {x | some x in chars}
	counts := [c |
		some ch in distinct
		c := count([x | some x in chars; x == ch])
	]
	terms := [t | some c in counts; t := c * log2(c)]
	h := log2(n) - (sum(terms) / n)
}

# log2 of a positive integer: 2^e × m with m in [1, 2), and ln(m) = 2 atanh((m-1)/(m+1)).
_powers := [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]

log2(k) := e + (_ln(k / _powers[e]) / 0.6931471805599453) if {
	e := max({i | some i, p in _powers; p <= k})
}

_ln(m) := 2 * (((((((y11 / 11) + (y9 / 9)) + (y7 / 7)) + (y5 / 5)) + (y3 / 3)) + y)) if {
	y := (m - 1) / (m + 1)
	y3 := (y * y) * y
	y5 := (y3 * y) * y
	y7 := (y5 * y) * y
	y9 := (y7 * y) * y
	y11 := (y9 * y) * y
}

# Candidate tokens of a value for the entropy check: runs of base64 / base64url characters
# with upper case, lower case and digits mixed, that are not hex (digests, commit ids, UUIDs).
tokens(value, min_length) := {token |
	some found in regex.find_n(`[A-Za-z0-9+/=_-]+`, value, -1)
	count(found) >= min_length
	token := substring(found, 0, 256)
	upper(token) != token
	lower(token) != token
	_has_digit(token)
	not regex.match(`^[0-9a-fA-F-]+$`, token)
}

_has_digit(token) if {
	some digit in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
	contains(token, digit)
}

# Whether a token looks random: its entropy reaches min_entropy, or for short tokens (which
# cannot reach it) what random base64 of that length usually reaches, log2(n) - 0.6.
random_token(token, min_entropy) if {
	h := entropy(token)
	h >= min([min_entropy, log2(count(token)) - 0.6])
}

# Values the entropy check skips as a whole: public keys and certificates, SSH public keys,
# integrity hashes.
public_material(value) if {
	contains(value, "-----BEGIN ")
	not contains(value, "PRIVATE KEY")
}

public_material(value) if regex.match(`^\s*(ssh-(rsa|dss|ed25519)|ecdsa-sha2-\S+|sk-ssh-\S+)\s`, value)

public_material(value) if regex.match(`^\s*(sha1|sha256|sha384|sha512)[-:]`, value)
