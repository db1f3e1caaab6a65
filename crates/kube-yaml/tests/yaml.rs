//! YAML semantics: the scalar, merge, alias and error tables in `cases/yaml.json`, plus the
//! limits that keep hostile input bounded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use kube_yaml::{TextRange, YamlErrorKind, parse};
use serde_json::Value;

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: u32) -> (u64, u64) {
    let before = &text[..offset as usize];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1;
    (line, column)
}

#[test]
fn yaml_cases() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("cases/yaml.json")).expect("cases parse");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let text = case["yaml"].as_str().unwrap();
        let parsed = parse(text);
        if let Some(expected) = case.get("json") {
            let root = parsed.documents.first().and_then(|d| d.root.as_ref());
            let got = root.map_or(Value::Null, |r| r.to_json());
            if &got != expected {
                failures.push(format!("{name}: expected {expected}, got {got}"));
            }
            let fatal: Vec<_> = parsed.errors.iter().filter(|e| e.kind.is_fatal()).collect();
            if !fatal.is_empty() {
                failures.push(format!("{name}: unexpected errors {fatal:?}"));
            }
        }
        if let Some(expected) = case.get("errors") {
            let expected = expected.as_array().unwrap();
            if parsed.errors.len() != expected.len() {
                failures.push(format!(
                    "{name}: expected {} errors, got {:?}",
                    expected.len(),
                    parsed.errors
                ));
                continue;
            }
            for (error, want) in parsed.errors.iter().zip(expected) {
                let kind = match error.kind {
                    YamlErrorKind::Syntax => "syntax",
                    YamlErrorKind::DuplicateKey { .. } => "duplicate-key",
                    YamlErrorKind::Invalid => "invalid",
                };
                let at = position(text, error.range.start);
                let got = (kind, at.0, at.1);
                let want_tuple = (
                    want["kind"].as_str().unwrap(),
                    want["line"].as_u64().unwrap(),
                    want["column"].as_u64().unwrap(),
                );
                if got != want_tuple {
                    failures.push(format!(
                        "{name}: expected {want_tuple:?}, got {got:?} ({})",
                        error.message
                    ));
                }
                if let Some(message) = want.get("message") {
                    if message.as_str().unwrap() != error.message {
                        failures.push(format!(
                            "{name}: message {:?}, expected {message}",
                            error.message
                        ));
                    }
                }
                if let (Some(first_line), YamlErrorKind::DuplicateKey { first }) =
                    (want.get("first_line"), error.kind)
                {
                    assert_eq!(
                        position(text, first.start).0,
                        first_line.as_u64().unwrap(),
                        "{name}"
                    );
                }
            }
            if let Some(documents) = case.get("documents") {
                assert_eq!(
                    parsed.documents.len() as u64,
                    documents.as_u64().unwrap(),
                    "{name}: documents"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn documents_after_a_syntax_error_are_still_read() {
    let parsed = parse("a: 1\n---\nb: [1, 2\n---\nc: 3\n");
    let roots: Vec<_> = parsed
        .documents
        .iter()
        .map(|d| d.root.as_ref().map(|r| r.to_json()))
        .collect();
    assert_eq!(
        roots,
        vec![
            Some(serde_json::json!({"a": 1})),
            None,
            Some(serde_json::json!({"c": 3}))
        ]
    );
}

#[test]
fn empty_and_comment_only_streams_have_no_objects() {
    for text in [
        "",
        "# just a comment\n",
        "---\n",
        "---\n---\n# c\n...\n",
        "\n\n",
    ] {
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{text:?}: {:?}", parsed.errors);
        assert!(
            parsed.documents.iter().all(|d| d.root.is_none()),
            "{text:?}"
        );
    }
}

#[test]
fn alias_bombs_are_refused_not_expanded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    text.push_str("---\nok: true\n");
    let parsed = parse(&text);
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert!(parsed.errors[0].message.contains("alias bomb"));
    assert!(parsed.documents[0].root.is_none());
    assert_eq!(
        parsed.documents[1].root.as_ref().unwrap().to_json(),
        serde_json::json!({"ok": true})
    );
}

#[test]
fn deep_nesting_is_refused() {
    let depth = 10_000;
    let text = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
    let parsed = parse(&text);
    assert_eq!(parsed.errors.len(), 1);
    assert!(parsed.documents.iter().all(|d| d.root.is_none()));
}

#[test]
fn spans_cover_the_written_text() {
    let text = "kind: Pod\nspec:\n  containers:\n  - name: web\n    image: \"nginx:1.25\"\n    args: [a, b]\n";
    let parsed = parse(text);
    let root = parsed.documents[0].root.as_ref().unwrap();
    let slice = |r: TextRange| &text[r.start as usize..r.end as usize];
    let containers = root.get("spec").unwrap().get("containers").unwrap();
    let container = &containers.as_seq().unwrap()[0];
    assert_eq!(
        slice(container.get("image").unwrap().range),
        "\"nginx:1.25\""
    );
    assert_eq!(slice(container.get("args").unwrap().range), "[a, b]");
    assert_eq!(slice(container.entry("image").unwrap().key_range), "image");
    assert_eq!(
        slice(container.range),
        "name: web\n    image: \"nginx:1.25\"\n    args: [a, b]"
    );
    assert_eq!(slice(root.range), text.trim_end());
}

#[test]
fn comments_are_collected_with_positions() {
    let text = "a: 1 # kubeward:ignore KW101\n# above\nb: 2\n";
    let parsed = parse(text);
    let comments: Vec<_> = parsed
        .comments
        .iter()
        .map(|c| {
            (
                &text[c.range.start as usize..c.range.end as usize],
                &*c.text,
            )
        })
        .collect();
    assert_eq!(
        comments,
        vec![
            ("# kubeward:ignore KW101", " kubeward:ignore KW101"),
            ("# above", " above")
        ]
    );
}
