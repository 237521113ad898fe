//! The platform-free core of the LLM Schema Registry, shared by the origin server, the edge
//! Worker and the npm package.
//!
//! It owns the schema formats (Avro, JSON Schema and Protobuf, each behind [`format::SchemaFormat`]),
//! canonical forms and fingerprints, validation of data, compatibility between versions, the
//! REST API's types, error codes and route table, the cache-key scheme and the signed
//! invalidation messages. It does no I/O and needs no async runtime, so it builds for the host
//! and for `wasm32-unknown-unknown` alike.

pub mod api;
pub mod association;
pub mod avro;
pub mod budget;
pub mod cache_key;
pub mod change;
pub mod compat;
pub mod config;
pub mod context_path;
pub mod credentials;
pub mod dek;
pub mod error;
pub mod format;
pub mod formats;
pub mod incompatibility;
pub mod invalidation;
pub mod issue;
pub mod json;
pub mod limits;
pub mod llm;
pub mod media;
pub mod pointer;
pub mod protobuf;
pub mod qualified;
pub mod reserved;
pub mod routes;
pub mod schema;
pub mod search;
pub mod tags;
pub mod terms;
pub mod types;
pub mod validate;

pub use compat::{CompatibilityLevel, CompatibilityReport, Incompatibility, IncompatibilityKind};
pub use error::SchemaError;
pub use schema::{
    Fingerprint, ParseOptions, ResolvedReference, Schema, SchemaReference, SchemaType,
};
pub use validate::{ValidationIssue, Validator};
