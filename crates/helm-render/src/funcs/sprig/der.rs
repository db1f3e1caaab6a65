//! Just enough ASN.1 DER and PEM for Sprig's keys and certificates: writing the few types
//! X.509 uses, reading a TLV tree back, and PEM armor as Go's `encoding/pem` writes it.

/// A DER element: its tag and encoded contents.
pub(crate) fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(contents);
    out
}

pub(crate) fn sequence(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

pub(crate) fn set(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x31, &parts.concat())
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub(crate) fn unsigned(bytes: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut contents = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        contents.push(0);
    }
    contents.extend_from_slice(&trimmed);
    tlv(0x02, &contents)
}

pub(crate) fn small_int(value: u8) -> Vec<u8> {
    unsigned(&[value])
}

pub(crate) fn boolean(value: bool) -> Vec<u8> {
    tlv(0x01, &[if value { 0xff } else { 0 }])
}

pub(crate) fn null() -> Vec<u8> {
    tlv(0x05, &[])
}

pub(crate) fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

/// A BIT STRING of whole bytes.
pub(crate) fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut contents = vec![0u8];
    contents.extend_from_slice(bytes);
    tlv(0x03, &contents)
}

/// An OBJECT IDENTIFIER from its arcs.
pub(crate) fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut contents = Vec::new();
    let (first, rest) = match arcs {
        [a, b, rest @ ..] => (a * 40 + b, rest),
        _ => (0, &[][..]),
    };
    for arc in std::iter::once(first).chain(rest.iter().copied()) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut value = arc >> 7;
        while value > 0 {
            groups.push(((value & 0x7f) as u8) | 0x80);
            value >>= 7;
        }
        groups.reverse();
        contents.extend(groups);
    }
    tlv(0x06, &contents)
}

/// A context-specific tag: constructed (explicit) or primitive (implicit).
pub(crate) fn context(number: u8, constructed: bool, contents: &[u8]) -> Vec<u8> {
    let tag = 0x80 | number | if constructed { 0x20 } else { 0 };
    tlv(tag, contents)
}

/// A string as Go's asn1 marshals it: PrintableString when it can be one, else UTF8String.
pub(crate) fn text(s: &str) -> Vec<u8> {
    let printable = s.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b'\''
                    | b'('
                    | b')'
                    | b'+'
                    | b','
                    | b'-'
                    | b'.'
                    | b'/'
                    | b':'
                    | b'='
                    | b'?'
                    | b'*'
                    | b'&'
            )
    });
    tlv(if printable { 0x13 } else { 0x0c }, s.as_bytes())
}

/// A read element: tag, contents, and the whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element<'a> {
    pub(crate) tag: u8,
    pub(crate) contents: &'a [u8],
    pub(crate) raw: &'a [u8],
}

/// Reads one element from the front of `input`; the rest follows.
pub(crate) fn read(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let bytes = input.get(2..2 + count)?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2 + count)
    };
    let end = header.checked_add(len)?;
    let contents = input.get(header..end)?;
    Some((
        Element {
            tag,
            contents,
            raw: input.get(..end)?,
        },
        input.get(end..)?,
    ))
}

/// The elements inside a constructed element's contents.
pub(crate) fn children(contents: &[u8]) -> Option<Vec<Element<'_>>> {
    let mut out = Vec::new();
    let mut rest = contents;
    while !rest.is_empty() {
        let (element, after) = read(rest)?;
        out.push(element);
        rest = after;
    }
    Some(out)
}

/// Go's `pem.EncodeToMemory`: base64 in lines of 64.
pub(crate) fn pem(kind: &str, der: &[u8]) -> String {
    let body = data_encoding::BASE64.encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// The first PEM block of a text: its type and bytes (Go's `pem.Decode`, without headers).
pub(crate) fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let after = text.get(start + 11..)?;
    let type_end = after.find("-----")?;
    let kind = after.get(..type_end)?.to_owned();
    let body_start = after.get(type_end + 5..)?;
    let end_marker = format!("-----END {kind}-----");
    let body_end = body_start.find(&end_marker)?;
    let body: String = body_start
        .get(..body_end)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bytes = data_encoding::BASE64.decode(body.as_bytes()).ok()?;
    Some((kind, bytes))
}
