#!/usr/bin/env bash
# Runs every test of the LLM Schema Registry. Installs what it needs (the wasm32 target, pinned
# tool versions), skipping whatever is already present. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
. scripts/lib/postgres.sh
export CARGO_TERM_COLOR=never

ensure_wasm_target
ensure_cargo_tool wasm-bindgen-cli wasm-bindgen "$(wasm_bindgen_version)"
ensure_postgres

step "format and lints"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings

step "native tests (unit, conformance, CLI, HTTP API on SQLite and PostgreSQL, doc tests)"
cargo test

step "core on wasm32 (wasm-bindgen-test under Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown -p llm-schema-registry-core --test wasm

step "edge builds for wasm32"
cargo build -p llm-schema-registry-edge --target wasm32-unknown-unknown

step "all tests passed"
