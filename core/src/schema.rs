//! The registry's schema model: a type, a text, its references, and what identifies it.
//!
//! A [`Schema`] is parsed once by its format ([`crate::format`]); its canonical form and
//! SHA-256 [`Fingerprint`] over (type, canonical form, references) make its identity: the same
//! content gets the same global id in any subject. Nothing here knows a format's syntax.

use std::sync::Arc;

pub use crate::types::{
    Fingerprint, ParseOptions, ResolvedReference, SchemaReference, SchemaType, fingerprint,
};

use crate::error::SchemaError;
use crate::format::SchemaModel;
use crate::formats::format_of;

/// A parsed schema with its identity.
#[derive(Debug, Clone)]
pub struct Schema {
    pub schema_type: SchemaType,
    /// The text to store and return: the submitted document without insignificant white space.
    pub text: String,
    pub references: Vec<SchemaReference>,
    /// The format's parsed form (see [`crate::format::SchemaModel`]).
    pub model: Arc<dyn SchemaModel>,
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
        let parsed = format_of(schema_type).parse(text, references, options)?;
        let references: Vec<SchemaReference> =
            references.iter().map(|r| r.reference.clone()).collect();
        let fingerprint = fingerprint(schema_type, &parsed.canonical, &references);
        Ok(Self {
            schema_type,
            text: parsed.text,
            references,
            model: parsed.model,
            canonical: parsed.canonical,
            fingerprint,
        })
    }

    /// The parsed form as a format's own type (`None` when it is another format's).
    pub fn model_as<T: SchemaModel>(&self) -> Option<&T> {
        crate::format::downcast(self.model.as_ref())
    }
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
        assert_eq!(
            "protobuf".parse::<SchemaType>().unwrap(),
            SchemaType::Protobuf
        );
        assert!("thrift".parse::<SchemaType>().is_err());
    }
}
