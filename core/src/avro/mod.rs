//! Avro: the schema model and parser, canonical forms, datum validation and binary decoding.

pub mod binary;
pub mod canonical;
pub mod datum;
pub mod model;

pub use model::{AvroSchema, ParseOptions};
