//! Avro binary encoding and decoding with writer -> reader schema resolution, through
//! `apache-avro`. Data is given and returned as plain JSON values (a union's value bare, bytes as
//! arrays of numbers).

use serde_json::Value as Json;

use apache_avro::Schema;
use apache_avro::types::Value;

use crate::error::SchemaError;

/// Why a datum could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    #[error("invalid schema: {0}")]
    Schema(String),
    #[error("the datum does not fit the writer schema: {0}")]
    Encode(String),
    #[error("cannot read the data with the reader schema: {0}")]
    Decode(String),
}

impl From<CodecError> for SchemaError {
    fn from(e: CodecError) -> Self {
        SchemaError::new(e.to_string(), "")
    }
}

/// A writer schema, and optionally a reader schema, ready to encode and decode.
#[derive(Debug, Clone)]
pub struct AvroCodec {
    writer: Schema,
    reader: Option<Schema>,
}

impl AvroCodec {
    /// # Errors
    /// [`CodecError::Schema`] when either text is not a schema `apache-avro` accepts, or has a
    /// record with no finite value.
    pub fn new(writer: &str, reader: Option<&str>) -> Result<Self, CodecError> {
        let parse = |t: &str| {
            // A record that only contains itself has no finite value; decoding one would
            // recurse until the stack overflows.
            if let Ok(model) =
                super::model::AvroSchema::parse(t, &[], super::model::ParseOptions::default())
                && let Some(name) = model.uninhabited_record()
            {
                return Err(CodecError::Schema(format!(
                    "record {name} contains itself through required fields and has no finite value"
                )));
            }
            Schema::parse_str(t).map_err(|e| CodecError::Schema(e.to_string()))
        };
        Ok(Self {
            writer: parse(writer)?,
            reader: reader.map(parse).transpose()?,
        })
    }

    /// Encodes `datum` with the writer schema.
    pub fn encode(&self, datum: &Json) -> Result<Vec<u8>, CodecError> {
        let value = Value::try_from(datum.clone())
            .and_then(|v| v.resolve(&self.writer))
            .map_err(|e| CodecError::Encode(e.to_string()))?;
        apache_avro::writer::datum::GenericDatumWriter::builder(&self.writer)
            .build()
            .and_then(|w| w.write_value_to_vec(value))
            .map_err(|e| CodecError::Encode(e.to_string()))
    }

    /// Decodes `bytes` written with the writer schema, resolved to the reader schema if there is one.
    pub fn decode(&self, mut bytes: &[u8]) -> Result<Json, CodecError> {
        self.read(&mut bytes).and_then(to_json)
    }

    /// One value, checked against the schema it was read with: `apache-avro` reads a string
    /// cut short as a null rather than failing, so what it returns is not trusted as is.
    fn read(&self, bytes: &mut &[u8]) -> Result<Value, CodecError> {
        let value = self
            .datum_reader()?
            .read_value(bytes)
            .map_err(|e| CodecError::Decode(e.to_string()))?;
        if !value.validate(self.reader.as_ref().unwrap_or(&self.writer)) {
            return Err(CodecError::Decode(
                "the data ends before the datum does or does not match the schema".into(),
            ));
        }
        Ok(value)
    }

    fn datum_reader(
        &self,
    ) -> Result<apache_avro::reader::datum::GenericDatumReader<'_>, CodecError> {
        apache_avro::reader::datum::GenericDatumReader::builder(&self.writer)
            .maybe_reader_schema(self.reader.as_ref())
            .build()
            .map_err(|e| CodecError::Decode(e.to_string()))
    }

    /// [`Self::decode`] of exactly one datum: bytes left after it are an error.
    pub fn decode_exact(&self, bytes: &[u8]) -> Result<Json, CodecError> {
        let mut rest = bytes;
        let value = self.read(&mut rest)?;
        if !rest.is_empty() {
            return Err(CodecError::Decode(format!(
                "{} bytes left after the datum",
                rest.len()
            )));
        }
        to_json(value)
    }
}

fn to_json(value: Value) -> Result<Json, CodecError> {
    let value = match value {
        Value::Union(_, inner) => *inner,
        Value::Enum(_, symbol) => Value::String(symbol),
        Value::Record(fields) => {
            let mut obj = serde_json::Map::new();
            for (name, v) in fields {
                obj.insert(name, to_json(v)?);
            }
            return Ok(Json::Object(obj));
        }
        Value::Array(items) => {
            return items
                .into_iter()
                .map(to_json)
                .collect::<Result<_, _>>()
                .map(Json::Array);
        }
        Value::Map(map) => {
            let mut obj = serde_json::Map::new();
            for (k, v) in map {
                obj.insert(k, to_json(v)?);
            }
            return Ok(Json::Object(obj));
        }
        other => other,
    };
    Json::try_from(value).map_err(|e| CodecError::Decode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cut_short_is_refused_not_read_as_null() {
        let schema = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}"#;
        let codec = AvroCodec::new(schema, None).unwrap();
        let datum = codec
            .encode(&serde_json::json!({"a": 7, "b": "seven"}))
            .unwrap();
        assert_eq!(
            codec.decode_exact(&datum).unwrap(),
            serde_json::json!({"a": 7, "b": "seven"})
        );
        assert!(codec.decode(&datum[..datum.len() - 2]).is_err());
        assert!(
            codec
                .decode_exact(&[datum.as_slice(), &[0]].concat())
                .is_err()
        );
    }
}
