//! The registry's schema model: a type, a text, its references, and what identifies it.
//!
//! A [`Schema`] is parsed once; its canonical form and SHA-256 [`Fingerprint`] over (type,
//! canonical form, references) make its identity: the same content gets the same global id in
//! any subject.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::avro::model::{AvroSchema, ParseOptions as AvroParseOptions};
use crate::error::SchemaError;
use crate::json::{JsonSchemaDoc, ReferenceSet};

/// The kinds of schema the registry stores. Protobuf is reserved for later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum SchemaType {
    #[default]
    Avro,
    Json,
}

impl SchemaType {
    pub const ALL: [SchemaType; 2] = [SchemaType::Avro, SchemaType::Json];

    /// The name used by the REST API (`AVRO`, `JSON`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Avro => "AVRO",
            Self::Json => "JSON",
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
            "PROTOBUF" => Err(SchemaError::new(
                "schema type PROTOBUF is not supported yet",
                "",
            )),
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

/// The parsed content of a schema.
#[derive(Debug, Clone)]
pub enum ParsedSchema {
    Avro(AvroSchema),
    Json(JsonSchemaDoc, ReferenceSet),
}

/// A parsed schema with its identity.
#[derive(Debug, Clone)]
pub struct Schema {
    pub schema_type: SchemaType,
    /// The text to store and return: the submitted document without insignificant white space.
    pub text: String,
    pub references: Vec<SchemaReference>,
    pub parsed: ParsedSchema,
    pub canonical: String,
    pub fingerprint: Fingerprint,
}

impl Schema {
    /// Parses `text` of `schema_type`, with its references resolved by the caller (dependencies
    /// first: each reference's own references come before it).
    ///
    /// # Errors
    /// A [`SchemaError`] saying what is wrong and where (a JSON pointer into the document). A JSON
    /// Schema is also compiled here, so an invalid one or an unresolvable `$ref` is reported at
    /// registration rather than at first use.
    ///
    /// # Examples
    /// ```
    /// use registry_core::{Schema, SchemaType, ParseOptions};
    /// let a = Schema::parse(SchemaType::Json, r#"{"type":"object","title":"t"}"#, &[], ParseOptions::default()).unwrap();
    /// let b = Schema::parse(SchemaType::Json, r#"{ "title": "t", "type": "object" }"#, &[], ParseOptions::default()).unwrap();
    /// assert_eq!(a.fingerprint, b.fingerprint);
    /// ```
    pub fn parse(
        schema_type: SchemaType,
        text: &str,
        references: &[ResolvedReference],
        options: ParseOptions,
    ) -> Result<Self, SchemaError> {
        let (parsed, canonical, compact) = match schema_type {
            SchemaType::Avro => {
                let texts: Vec<&str> = references.iter().map(|r| r.schema.as_str()).collect();
                let avro = AvroSchema::parse(text, &texts, options.avro)?;
                let document: serde_json::Value =
                    serde_json::from_str(text).map_err(|e| SchemaError::new(e.to_string(), ""))?;
                let canonical = if options.normalize {
                    crate::json::canonical::to_canonical_string(
                        &crate::avro::canonical::normalized(&avro),
                    )
                } else {
                    crate::json::canonical::to_canonical_string(&document)
                };
                (ParsedSchema::Avro(avro), canonical, document.to_string())
            }
            SchemaType::Json => {
                let doc = JsonSchemaDoc::parse(text)?;
                let mut set = ReferenceSet::new();
                for r in references {
                    let value = serde_json::from_str(&r.schema).map_err(|e| {
                        SchemaError::new(
                            format!("reference \"{}\" is not JSON: {e}", r.reference.name),
                            "",
                        )
                    })?;
                    set.insert(r.reference.name.clone(), value);
                }
                doc.compile(&set, false)?;
                let canonical = if options.normalize {
                    crate::json::canonical::to_canonical_string(&crate::json::canonical::normalize(
                        &doc.value,
                    ))
                } else {
                    crate::json::canonical::to_canonical_string(&doc.value)
                };
                let compact = doc.value.to_string();
                (ParsedSchema::Json(doc, set), canonical, compact)
            }
        };
        let references: Vec<SchemaReference> =
            references.iter().map(|r| r.reference.clone()).collect();
        let fingerprint = fingerprint(schema_type, &canonical, &references);
        Ok(Self {
            schema_type,
            text: compact,
            references,
            parsed,
            canonical,
            fingerprint,
        })
    }
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

    fn parse(ty: SchemaType, text: &str, normalize: bool) -> Schema {
        Schema::parse(
            ty,
            text,
            &[],
            ParseOptions {
                normalize,
                ..ParseOptions::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn avro_identity_ignores_formatting_but_not_content() {
        let a = parse(
            SchemaType::Avro,
            r#"{"type":"record","name":"R","fields":[]}"#,
            false,
        );
        let b = parse(
            SchemaType::Avro,
            "{ \"name\" : \"R\",\n \"fields\": [], \"type\": \"record\" }",
            false,
        );
        let c = parse(
            SchemaType::Avro,
            r#"{"type":"record","name":"R","doc":"d","fields":[]}"#,
            false,
        );
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_ne!(a.fingerprint, c.fingerprint);
        let j = parse(
            SchemaType::Json,
            r#"{"type":"object","name":"R","fields":[]}"#,
            false,
        );
        let a2 = parse(
            SchemaType::Avro,
            r#"{"type":"object","name":"R","fields":[]}"#.replace("object", "record").as_str(),
            false,
        );
        assert_eq!(a.fingerprint, a2.fingerprint);
        assert_ne!(
            a.fingerprint, j.fingerprint,
            "the type is part of the identity"
        );
    }

    #[test]
    fn normalize_folds_equivalent_avro() {
        let a = parse(
            SchemaType::Avro,
            r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"int"}}]}"#,
            true,
        );
        let b = parse(
            SchemaType::Avro,
            r#"{"type":"record","name":"n.R","fields":[{"name":"a","type":"int"}]}"#,
            true,
        );
        assert_eq!(a.fingerprint, b.fingerprint);
        let a = parse(
            SchemaType::Avro,
            r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"int"}}]}"#,
            false,
        );
        assert_ne!(a.fingerprint, b.fingerprint);
    }

    #[test]
    fn references_are_part_of_the_identity() {
        let dep = r#"{"type":"record","name":"A","fields":[]}"#;
        let text = r#"{"type":"record","name":"B","fields":[{"name":"a","type":"A"}]}"#;
        let reference = |v| ResolvedReference {
            reference: SchemaReference {
                name: "A".into(),
                subject: "a".into(),
                version: v,
            },
            schema: dep.into(),
        };
        let one = Schema::parse(
            SchemaType::Avro,
            text,
            &[reference(1)],
            ParseOptions::default(),
        )
        .unwrap();
        let two = Schema::parse(
            SchemaType::Avro,
            text,
            &[reference(2)],
            ParseOptions::default(),
        )
        .unwrap();
        assert_ne!(one.fingerprint, two.fingerprint);
        assert!("protobuf".parse::<SchemaType>().is_err());
    }
}
