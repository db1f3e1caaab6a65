//! Round trips through the serializers on generated values full of awkward characters: what
//! `toYaml`, `toYamlPretty` and `toJson` write must read back as the same value, and nothing
//! may panic. The exact bytes are checked against Helm by `cases/serialize.yaml`; this checks
//! the many strings no case file lists.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use helm_render::funcs::json::{Style, to_json};
use helm_render::funcs::serialize::Work;
use helm_render::funcs::yaml::{from_yaml, to_yaml, to_yaml_pretty};
use helm_render::template::value::Value;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// String pieces. U+2028 and NEL are left out: go-yaml writes them as YAML 1.1 line breaks,
/// which kubeward's YAML 1.2 reader takes as content. So is `<<`, which go-yaml writes plain
/// and reads as a merge key. Helm's bytes for all three are in the case file.
const PIECES: &[&str] = &[
    "a",
    "b",
    "z",
    " ",
    "  ",
    "\n",
    "\t",
    ":",
    ": ",
    "#",
    " #",
    "-",
    "- ",
    "?",
    "'",
    "\"",
    "\\",
    "é",
    "日",
    "😀",
    "\u{feff}",
    "\u{a0}",
    "0",
    "1",
    "0x1",
    "1.5",
    "1e3",
    ".",
    "e",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "true",
    "\r",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "---",
    "...",
    "12:30",
    "2021-01-01",
    "\u{1b}",
    "\u{0}",
    "<",
    "&",
];

fn string(rng: &mut Rng) -> String {
    let pieces = match rng.below(10) {
        0 => 0,
        1 => 40 + rng.below(20),
        _ => rng.below(6),
    };
    let s: String = (0..pieces)
        .map(|_| PIECES[rng.below(PIECES.len())])
        .collect();
    if s == "<<" { s + "x" } else { s }
}

fn value(rng: &mut Rng, depth: usize) -> Value {
    let choice = if depth >= 4 {
        rng.below(6)
    } else {
        rng.below(9)
    };
    match choice {
        0 => Value::Nil,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::Int(rng.next() as i64 >> rng.below(64)),
        3 => {
            let x = f64::from_bits(rng.next());
            Value::Float(if x.is_finite() {
                x
            } else {
                rng.below(1000) as f64 / 8.0
            })
        }
        4 | 5 => Value::from(string(rng)),
        6 | 7 => {
            let mut map = BTreeMap::new();
            for _ in 0..rng.below(5) {
                map.insert(string(rng), value(rng, depth + 1));
            }
            Value::from(map)
        }
        _ => Value::from(
            (0..rng.below(5))
                .map(|_| value(rng, depth + 1))
                .collect::<Vec<_>>(),
        ),
    }
}

/// The value as reading its JSON gives it back: numbers are float64.
fn as_json(value: &Value) -> Value {
    match value {
        Value::Int(i) => Value::Float(*i as f64),
        Value::List(items) => Value::from(items.iter().map(as_json).collect::<Vec<_>>()),
        Value::Map(map) => Value::from(
            map.borrow()
                .iter()
                .map(|(k, v)| (k.clone(), as_json(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
        other => other.clone(),
    }
}

#[test]
fn yaml_and_json_read_back_what_they_write() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..3000 {
        let original = value(&mut rng, 0);
        let expected = as_json(&original);
        let json = to_json(&original, Style::GO, &mut Work::default()).unwrap();
        let decoded = helm_render::funcs::json::from_json(&json).unwrap();
        assert_eq!(decoded, expected, "round {round}: JSON {json}");
        for (name, text) in [
            ("toYaml", to_yaml(&original, &mut Work::default())),
            (
                "toYamlPretty",
                to_yaml_pretty(&original, &mut Work::default()),
            ),
        ] {
            let text = text.unwrap_or_else(|err| panic!("round {round}: {name} fails: {err}"));
            let read = from_yaml(&text)
                .unwrap_or_else(|err| panic!("round {round}: {name} wrote {text:?}: {err}"));
            assert_eq!(read, expected, "round {round}: {name} wrote {text:?}");
        }
    }
}

#[test]
fn hostile_json_never_panics() {
    let mut rng = Rng(42);
    let bytes = [
        "{", "}", "[", "]", "\"", "\\", "u", "d8", "00", ":", ",", "1", "-", "e", ".", "t", "n",
        " ", "é", "\u{85}",
    ];
    for _ in 0..20_000 {
        let text: String = (0..rng.below(30))
            .map(|_| bytes[rng.below(bytes.len())])
            .collect();
        let _ = helm_render::funcs::json::from_json(&text);
        let _ = from_yaml(&text);
    }
}
