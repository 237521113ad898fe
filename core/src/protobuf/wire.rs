//! Binary Protobuf payloads as Kafka serializers write them: Confluent's framing (a zero magic
//! byte, the 4-byte schema id, then the message indexes: a zigzag varint count and that many
//! zigzag varint indexes, or a single 0 for the first message) in front of the message bytes.

use prost::encoding::decode_varint;
use prost_reflect::{DynamicMessage, FileDescriptor, MessageDescriptor};

use crate::issue::ValidationIssue;

/// The schema id, the message the indexes name and the message bytes of a framed payload.
///
/// # Errors
/// What is wrong with the framing.
pub fn unframe<'a>(
    file: &FileDescriptor,
    bytes: &'a [u8],
) -> Result<(u32, MessageDescriptor, &'a [u8]), String> {
    let [0, a, b, c, d, rest @ ..] = bytes else {
        return Err("not framed: no zero magic byte and schema id".into());
    };
    let id = u32::from_be_bytes([*a, *b, *c, *d]);
    let mut buf = rest;
    let zigzag = |v: u64| ((v >> 1) as i64) ^ -((v & 1) as i64);
    let count = decode_varint(&mut buf).map_err(|e| format!("message indexes: {e}"))?;
    let count = zigzag(count);
    let indexes: Vec<i64> = if count == 0 {
        vec![0]
    } else {
        if !(1..=64).contains(&count) {
            return Err(format!("message indexes: a count of {count}"));
        }
        (0..count)
            .map(|_| decode_varint(&mut buf).map(zigzag))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("message indexes: {e}"))?
    };
    let message = by_indexes(file, &indexes)
        .ok_or_else(|| format!("no message at indexes {indexes:?} in the schema"))?;
    Ok((id, message, buf))
}

/// The message at `indexes` (a top-level message, then nested ones).
fn by_indexes(file: &FileDescriptor, indexes: &[i64]) -> Option<MessageDescriptor> {
    let (first, rest) = indexes.split_first()?;
    let mut message = file.messages().nth(usize::try_from(*first).ok()?)?;
    for i in rest {
        let next = message.child_messages().nth(usize::try_from(*i).ok()?)?;
        message = next;
    }
    Some(message)
}

/// Whether `bytes` decode as `message`: empty when they do.
pub fn decode_issues(message: MessageDescriptor, bytes: &[u8]) -> Vec<ValidationIssue> {
    let schema_path = format!("/{}", message.full_name());
    match DynamicMessage::decode(message, bytes) {
        Ok(_) => Vec::new(),
        Err(e) => vec![ValidationIssue {
            instance_path: String::new(),
            schema_path,
            message: e.to_string(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::compile::compile;

    #[test]
    fn framing_names_the_message_by_its_indexes() {
        let c = compile(
            "syntax = \"proto3\"; message A { string s = 1; message Inner { int32 n = 1; } } message B { int32 n = 1; }",
            &[],
        )
        .unwrap();
        let (id, m, rest) = unframe(&c.file, &[0, 0, 0, 0, 7, 0, 0x0a, 0x01, b'x']).unwrap();
        assert_eq!((id, m.full_name(), rest), (7, "A", &[0x0a, 0x01, b'x'][..]));
        // Two indexes (zigzag 2 = 4): [1] is B... [0, 0] is A.Inner.
        let (_, m, _) = unframe(&c.file, &[0, 0, 0, 0, 1, 2, 2]).unwrap();
        assert_eq!(m.full_name(), "B");
        let (_, m, _) = unframe(&c.file, &[0, 0, 0, 0, 1, 4, 0, 0]).unwrap();
        assert_eq!(m.full_name(), "A.Inner");
        assert!(unframe(&c.file, &[1, 2]).is_err());
        assert!(unframe(&c.file, &[0, 0, 0, 0, 1, 2, 8]).is_err());
        assert!(decode_issues(m, &[0x08, 0x01]).is_empty());
        let b = c.file.messages().nth(1).unwrap();
        assert_eq!(decode_issues(b, &[0x08]).len(), 1);
    }
}
