//! The origin: the Confluent-compatible registry server that owns the database, and the
//! `schema-registry` command-line tool for pipelines.
//!
//! Layers, outside in: `http` (extract, call, respond; the router from the route table),
//! `service` (the operations and their rules), `store` (one trait per concern, PostgreSQL and
//! SQLite). See `docs/ARCHITECTURE.md`.

mod admission;
pub mod auth;
pub mod cli;
pub mod config;
pub mod dispatch;
pub mod http;
mod listener;
mod request_id;
pub mod server;
pub mod service;
pub mod store;
pub mod telemetry;
pub mod upkeep;
