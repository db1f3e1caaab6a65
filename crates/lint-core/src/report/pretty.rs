//! JSON text written directly, byte for byte as `serde_json::to_writer_pretty` writes it.
//!
//! The JSON report is the largest output of a large run (66 MB at 10,000 objects). Through
//! serde, most of its time went to escaping strings one byte at a time and to the formatter's
//! calls; here clean runs of a string are found eight bytes at a time and copied whole. The
//! report module's test checks the result against serde_json's own text.

/// Pretty-printed JSON being written into `out`, `level` containers deep (two spaces each).
pub(super) struct Pretty<'a> {
    out: &'a mut Vec<u8>,
    level: usize,
}

impl<'a> Pretty<'a> {
    /// A writer whose first value is nested `level` deep.
    pub(super) fn new(out: &'a mut Vec<u8>, level: usize) -> Self {
        Pretty { out, level }
    }

    /// `{` or `[`.
    #[inline]
    pub(super) fn open(&mut self, bracket: u8) {
        self.level = self.level.saturating_add(1);
        self.out.push(bracket);
    }

    /// `}` or `]`, on a line of its own if the container has members.
    #[inline]
    pub(super) fn close(&mut self, bracket: u8, has_members: bool) {
        self.level = self.level.saturating_sub(1);
        if has_members {
            self.newline(true);
        }
        self.out.push(bracket);
    }

    /// Starts an array's element.
    #[inline]
    pub(super) fn element(&mut self, first: bool) {
        self.newline(first);
    }

    /// Starts an object's member: `"name": `. Names are the report's own field names, which
    /// need no escaping.
    #[inline]
    pub(super) fn key(&mut self, first: bool, name: &str) {
        self.newline(first);
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    #[inline]
    pub(super) fn string(&mut self, value: &str) {
        string(self.out, value);
    }

    #[inline]
    pub(super) fn optional_string(&mut self, value: Option<&str>) {
        match value {
            Some(value) => self.string(value),
            None => self.null(),
        }
    }

    #[inline]
    pub(super) fn number(&mut self, value: u32) {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    #[inline]
    pub(super) fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    #[inline]
    fn newline(&mut self, first: bool) {
        // `,` or not, a line feed and the indentation, in one copy.
        const LINE: &[u8] = b",\n                                                                ";
        let start = usize::from(first);
        let end = 2 + 2 * self.level;
        match LINE.get(start..end) {
            Some(line) => self.out.extend_from_slice(line),
            None => {
                self.out
                    .extend_from_slice(LINE.get(start..2).unwrap_or_default());
                for _ in 0..self.level {
                    self.out.extend_from_slice(b"  ");
                }
            }
        }
    }
}

/// `value` as a JSON string, escaped as serde_json escapes it: `"`, `\` and the control
/// characters below U+0020 (short forms where JSON has them, `\u00xx` otherwise), nothing
/// else.
pub(super) fn string(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // `bytes[written..at]` needs no escaping and is not written yet.
    let mut written = 0;
    let mut at = 0;
    while at < bytes.len() {
        let clean = bytes
            .get(at..)
            .unwrap_or_default()
            .chunks_exact(8)
            .take_while(|word| {
                !needs_escape(u64::from_le_bytes((*word).try_into().unwrap_or_default()))
            })
            .count();
        at += clean * 8;
        // The last few bytes are clean if the last eight are (or the string, spaces added).
        if bytes.len() - at < 8 {
            let last = match bytes.last_chunk::<8>() {
                Some(last) => *last,
                None => {
                    let mut word = [b' '; 8];
                    if let Some(start) = word.get_mut(..bytes.len()) {
                        start.copy_from_slice(bytes);
                    }
                    word
                }
            };
            if !needs_escape(u64::from_le_bytes(last)) {
                break;
            }
        }
        // A word with a byte to escape, or the last few bytes: one at a time.
        let end = bytes.len().min(at + 8);
        for (at, &byte) in bytes.iter().enumerate().take(end).skip(at) {
            let Some(escape) = escape(byte) else {
                continue;
            };
            out.extend_from_slice(bytes.get(written..at).unwrap_or_default());
            match escape {
                Escape::Short(letter) => out.extend_from_slice(&[b'\\', letter]),
                Escape::Unicode => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let digit = |nibble: u8| HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
                    out.extend_from_slice(&[
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        digit(byte >> 4),
                        digit(byte & 0xf),
                    ]);
                }
            }
            written = at + 1;
        }
        at = end;
    }
    out.extend_from_slice(bytes.get(written..).unwrap_or_default());
    out.push(b'"');
}

enum Escape {
    /// `\` and a letter.
    Short(u8),
    /// `\u00xx`.
    Unicode,
}

fn escape(byte: u8) -> Option<Escape> {
    Some(match byte {
        b'"' => Escape::Short(b'"'),
        b'\\' => Escape::Short(b'\\'),
        0x08 => Escape::Short(b'b'),
        0x09 => Escape::Short(b't'),
        0x0a => Escape::Short(b'n'),
        0x0c => Escape::Short(b'f'),
        0x0d => Escape::Short(b'r'),
        0x00..0x20 => Escape::Unicode,
        _ => return None,
    })
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes of `word` needs escaping: one below 0x20, a `"` or a `\`.
/// (A byte below `n` leaves its high bit set in `word - n` and clear in `word`; bytes equal to
/// `c` are the zero bytes of `word ^ c`, that is those below 1.)
fn needs_escape(word: u64) -> bool {
    let below = |word: u64, n: u64| word.wrapping_sub(ONES * n) & !word & HIGH_BITS;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    (below(word, 0x20) | below(quote, 1) | below(backslash, 1)) != 0
}

#[cfg(test)]
mod tests {
    use super::{needs_escape, string};

    fn escaped(value: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, value);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_character_class_is_escaped_as_serde_json_escapes_it() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é€𝄞\u{2028}\u{7f}\u{80}");
        for value in [
            all.as_str(),
            "",
            "plain",
            "exactly8",
            "sixteen bytes ok",
            "Deployment \"tf-serving\" runs 1 replica",
            "C:\\path\\to\\file",
            "tab\there, line\nfeed\r\n",
            "\u{1}\u{1f}",
            "ünïcödé and \"quotes\" past the eighth byte\\",
        ] {
            assert_eq!(
                escaped(value),
                serde_json::to_string(value).unwrap(),
                "{value:?}"
            );
        }
        // Every byte needing escape, at every position of a word and past it.
        for byte in (0u8..0x20).chain([b'"', b'\\']) {
            for at in 0..20 {
                let mut value = "x".repeat(20);
                value.replace_range(at..=at, &char::from(byte).to_string());
                assert_eq!(escaped(&value), serde_json::to_string(&value).unwrap());
            }
        }
    }

    #[test]
    fn a_word_needs_escape_exactly_when_one_of_its_bytes_does() {
        let needs = |byte: u8| byte < 0x20 || byte == b'"' || byte == b'\\';
        for byte in 0..=u8::MAX {
            for at in 0..8 {
                // The other bytes are clean, around the byte and far from it.
                for filler in [b'a', b' ', b'#', b']', 0x7f, 0xff] {
                    let mut word = [filler; 8];
                    if let Some(slot) = word.get_mut(at) {
                        *slot = byte;
                    }
                    assert_eq!(
                        needs_escape(u64::from_le_bytes(word)),
                        needs(byte),
                        "{word:?}"
                    );
                }
            }
        }
    }
}
