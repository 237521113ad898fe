//! The identity of a Protobuf schema: its compiled `FileDescriptorProto` (with extension options)
//! in a canonical encoding. White space, comments, the order options are written in, relative
//! or fully-qualified type names and the form the text came in (`.proto` source or a base64
//! descriptor) all compile to the same descriptor, so they all get the same id. What goes: the
//! file's own name, source locations, `json_name`s a compiler derives from the field name, an
//! explicit `syntax = "proto2"`; fields of every message are put in field-number order.

use prost::encoding::{WireType, decode_key, decode_varint, encode_key, encode_varint};

/// What a length-delimited field of a descriptor message holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    File,
    Message,
    Field,
    Enum,
    EnumValue,
    Service,
    Method,
    Oneof,
    /// An options message: fields sorted, contents (extensions we do not know) kept as they are.
    Options,
}

impl Shape {
    /// The shape of field `number` inside a message of this shape, when it is a message.
    fn child(self, number: u32) -> Option<Shape> {
        use Shape::{Enum, EnumValue, Field, File, Message, Method, Oneof, Options, Service};
        Some(match (self, number) {
            (File, 4) | (Message, 3) => Message,
            (File, 5) | (Message, 4) => Enum,
            (File, 6) => Service,
            (File, 7) | (Message, 2 | 6) => Field,
            (Message, 8) => Oneof,
            (Enum, 2) => EnumValue,
            (Service, 2) => Method,
            (File | Field, 8)
            | (Message, 7)
            | (Enum | EnumValue | Service, 3)
            | (Method, 4)
            | (Oneof, 2) => Options,
            _ => return None,
        })
    }
}

/// The canonical encoding of `descriptor` (an encoded `FileDescriptorProto`), as hex.
pub fn canonical(descriptor: &[u8]) -> String {
    hex::encode(rewrite(descriptor, Shape::File))
}

struct RawField<'a> {
    number: u32,
    wire: WireType,
    /// The value's bytes as encoded (a length-delimited value without its length).
    value: &'a [u8],
}

fn parse(mut buf: &[u8]) -> Option<Vec<RawField<'_>>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let (number, wire) = decode_key(&mut buf).ok()?;
        let start = buf;
        let value = match wire {
            WireType::Varint => {
                decode_varint(&mut buf).ok()?;
                &start[..start.len() - buf.len()]
            }
            WireType::SixtyFourBit => take(&mut buf, 8)?,
            WireType::ThirtyTwoBit => take(&mut buf, 4)?,
            WireType::LengthDelimited => {
                let len = usize::try_from(decode_varint(&mut buf).ok()?).ok()?;
                take(&mut buf, len)?
            }
            WireType::StartGroup | WireType::EndGroup => return None,
        };
        out.push(RawField {
            number,
            wire,
            value,
        });
    }
    Some(out)
}

fn take<'a>(buf: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if buf.len() < n {
        return None;
    }
    let (head, tail) = buf.split_at(n);
    *buf = tail;
    Some(head)
}

fn rewrite(bytes: &[u8], shape: Shape) -> Vec<u8> {
    // Bytes that do not parse as a message are kept as they are (the compiler wrote them).
    let Some(mut fields) = parse(bytes) else {
        return bytes.to_vec();
    };
    let text = |f: &RawField| std::str::from_utf8(f.value).unwrap_or_default().to_owned();
    let derived_json = (shape == Shape::Field)
        .then(|| {
            fields
                .iter()
                .find(|f| f.number == 1)
                .map(|f| json_name(&text(f)))
        })
        .flatten();
    fields.retain(|f| match (shape, f.number) {
        (Shape::File, 1 | 9) => false,
        (Shape::File, 12) => f.value != b"proto2".as_slice(),
        (Shape::Field, 10) => derived_json.as_deref() != Some(&*text(f)),
        _ => true,
    });
    fields.sort_by_key(|f| f.number);
    let mut out = Vec::with_capacity(bytes.len());
    for f in fields {
        encode_key(f.number, f.wire, &mut out);
        match (f.wire, shape.child(f.number)) {
            (WireType::LengthDelimited, Some(child)) => {
                let inner = if shape == Shape::Options {
                    f.value.to_vec()
                } else {
                    rewrite(f.value, child)
                };
                encode_varint(inner.len() as u64, &mut out);
                out.extend_from_slice(&inner);
            }
            (WireType::LengthDelimited, None) => {
                encode_varint(f.value.len() as u64, &mut out);
                out.extend_from_slice(f.value);
            }
            _ => out.extend_from_slice(f.value),
        }
    }
    out
}

/// The JSON name a compiler derives from a field name (`foo_bar` -> `fooBar`).
pub(crate) fn json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::compile::compile;

    fn id(text: &str) -> String {
        canonical(&compile(text, &[]).unwrap().file.encode_to_vec())
    }

    #[test]
    fn formatting_comments_option_order_and_qualification_do_not_count() {
        let a = id(
            "syntax = \"proto3\";\npackage p;\noption java_package = \"x\";\noption java_multiple_files = true;\nmessage M { N n = 1; message N { string s = 1; } }",
        );
        let b = id(
            "// a comment\nsyntax = \"proto3\"; package p;\n\noption java_multiple_files = true;\noption java_package = \"x\";\nmessage M {\n  /* doc */ .p.M.N n = 1;\n  message N { string s = 1; }\n}\n",
        );
        assert_eq!(a, b);
        let c = id(
            "syntax = \"proto3\";\npackage p;\noption java_package = \"x\";\noption java_multiple_files = true;\nmessage M { N n = 2; message N { string s = 1; } }",
        );
        assert_ne!(a, c);
    }

    #[test]
    fn json_names_follow_the_compiler() {
        assert_eq!(json_name("foo_bar_baz"), "fooBarBaz");
        assert_eq!(json_name("already"), "already");
        let derived = id("syntax = \"proto3\"; message M { string foo_bar = 1; }");
        let custom =
            id("syntax = \"proto3\"; message M { string foo_bar = 1 [json_name = \"fb\"]; }");
        assert_ne!(derived, custom);
    }
}
