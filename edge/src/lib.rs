//! The edge: a Cloudflare Worker (Rust compiled to wasm32, run locally by workerd) that serves
//! cached reads and validation from KV, forwards writes to the origin, and applies the origin's
//! signed invalidations.
//!
//! [`plan`] decides what a request is (platform-free, unit-tested natively); the Worker itself
//! (`worker_main`) only builds for wasm32.

pub mod plan;

#[cfg(target_arch = "wasm32")]
mod worker_main;
