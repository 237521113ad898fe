//! Protobuf, the format: `.proto` texts (proto2, proto3 and editions, as far as `protox`
//! supports them) or base64 `FileDescriptorProto`s compiled with their imports, identity over the
//! compiled descriptor, Confluent's compatibility rules, validation of JSON or binary payloads,
//! and search terms.
//!
//! References are imports: a reference's `name` is the import path (`"other.proto"`), its text
//! one registered version. The well-known types and Confluent's own files are built in.

//!
//! Without the `protobuf` feature (the npm package's slim build) only the kinds of difference
//! remain, which the compatibility reports name.

#[cfg(feature = "protobuf")]
pub mod canonical;
#[cfg(feature = "protobuf")]
pub mod compile;
#[cfg(feature = "protobuf")]
pub mod datum;
#[cfg(feature = "protobuf")]
pub mod diff;
pub mod kind;
#[cfg(feature = "protobuf")]
mod model;
#[cfg(feature = "protobuf")]
pub mod print;
#[cfg(feature = "protobuf")]
mod terms;
#[cfg(feature = "protobuf")]
pub mod wire;

pub use kind::ProtobufDifference;
#[cfg(feature = "protobuf")]
pub use model::*;
