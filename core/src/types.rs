//! The vocabulary of schemas every part of the core shares: the schema types, references,
//! parse options and the fingerprint that is a schema's identity.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::avro::model::ParseOptions as AvroParseOptions;
use crate::error::SchemaError;

/// The kinds of schema the registry stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum SchemaType {
    #[default]
    Avro,
    Json,
    Protobuf,
}

impl SchemaType {
    pub const ALL: [SchemaType; 3] = [SchemaType::Avro, SchemaType::Json, SchemaType::Protobuf];

    /// The name used by the REST API (`AVRO`, `JSON`, `PROTOBUF`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Avro => "AVRO",
            Self::Json => "JSON",
            Self::Protobuf => "PROTOBUF",
        }
    }
}

impl fmt::Display for SchemaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SchemaType {
    type Err = SchemaError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "AVRO" => Ok(Self::Avro),
            "JSON" | "JSONSCHEMA" => Ok(Self::Json),
            "PROTOBUF" => Ok(Self::Protobuf),
            _ => Err(SchemaError::new(format!("unknown schema type \"{s}\""), "")),
        }
    }
}

/// A reference from one schema to a registered one, as the REST API spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SchemaReference {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

/// A reference with the text it points to, supplied by the caller (never fetched by the core).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedReference {
    pub reference: SchemaReference,
    pub schema: String,
}

/// SHA-256 over (type, canonical form, references).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Self(out))
    }

    /// The schema's guid (Confluent's wire format v1 names schemas by it): a UUID made from the
    /// fingerprint, so the same content has the same guid in every registry. See [`guid_of`].
    pub fn guid(&self) -> String {
        guid_of(&self.to_hex())
    }
}

/// The guid of the schema whose fingerprint is `hex` (64 hex digits): its first 32 digits as a
/// UUID, with version 8 (custom) and the RFC variant written over digits 13 and 17, so that a
/// database can compute the same from the stored fingerprint (migration 0006).
pub fn guid_of(hex: &str) -> String {
    let d = |from: usize, to: usize| hex.get(from..to).unwrap_or_default();
    format!(
        "{}-{}-8{}-8{}-{}",
        d(0, 8),
        d(8, 12),
        d(13, 16),
        d(17, 20),
        d(20, 32)
    )
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.to_hex())
    }
}

/// How to parse a schema.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions {
    /// Confluent's `normalize=true`: identity over the normalized form (Avro: full names,
    /// simplified primitives, fixed attribute order; JSON: sorted `required` and `type` lists).
    pub normalize: bool,
    /// Relaxations for Avro (the registry keeps the defaults).
    pub avro: AvroParseOptions,
}

/// The registry identity: SHA-256 over the type, the canonical form and the references.
pub fn fingerprint(
    schema_type: SchemaType,
    canonical: &str,
    references: &[SchemaReference],
) -> Fingerprint {
    let mut hasher = Sha256::new();
    hasher.update(schema_type.as_str().as_bytes());
    hasher.update([0]);
    hasher.update(canonical.as_bytes());
    for r in references {
        hasher.update([0]);
        hasher.update(r.name.as_bytes());
        hasher.update([0]);
        hasher.update(r.subject.as_bytes());
        hasher.update([0]);
        hasher.update(r.version.to_string().as_bytes());
    }
    Fingerprint(hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_uuids_made_from_the_fingerprint() {
        let fp = Fingerprint::from_hex(&"0123456789abcdef".repeat(4)).unwrap();
        let guid = fp.guid();
        assert_eq!(guid, "01234567-89ab-8def-8123-456789abcdef");
        let parts: Vec<usize> = guid.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
    }
}
