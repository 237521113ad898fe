//! The platform-free core of the LLM Schema Registry, shared by the origin server, the edge
//! Worker and the npm package.
//!
//! It owns the schema model (Avro and JSON Schema), canonical forms and fingerprints, validation
//! of data, compatibility between versions, the REST API's types and error codes, the cache-key
//! scheme and the signed invalidation messages. It does no I/O and needs no async runtime, so it
//! builds for the host and for `wasm32-unknown-unknown` alike.

pub mod api;
pub mod avro;
pub mod cache_key;
pub mod compat;
pub mod error;
pub mod invalidation;
pub mod json;
pub mod schema;
pub mod search;
pub mod validate;

pub use compat::{CompatibilityLevel, CompatibilityReport, Incompatibility};
pub use error::SchemaError;
pub use schema::{
    Fingerprint, ParseOptions, ResolvedReference, Schema, SchemaReference, SchemaType,
};
pub use validate::{ValidationIssue, Validator};
