//! The origin: the Confluent-compatible registry server that owns the database, and the
//! `schema-registry` command-line tool for pipelines.

pub mod auth;
pub mod cli;
pub mod dispatch;
pub mod http;
pub mod registry;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod upkeep;
