#!/usr/bin/env bash
# Runs every test of the LLM Schema Registry. Installs what it needs (the wasm32 target, pinned
# tool versions), skipping whatever is already present. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
. scripts/lib/postgres.sh
. scripts/lib/origin.sh
. scripts/lib/clients.sh
export CARGO_TERM_COLOR=never

ensure_wasm_target
ensure_cargo_tool wasm-bindgen-cli wasm-bindgen "$(wasm_bindgen_version)"
ensure_postgres
ensure_pg_binaries
ensure_python_clients
ensure_node_clients
ensure_llm_sdks
ensure_schemathesis
ensure_chromium

step "format and lints"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
# The npm package's slim build: the core without the Rust JSON Schema validator and Protobuf.
cargo clippy -p llm-schema-registry-core -p llm-schema-registry-wasm --no-default-features -- -D warnings

step "native tests (unit, conformance, CLI, HTTP API on SQLite and PostgreSQL, doc tests)"
cargo test

step "core on wasm32 (wasm-bindgen-test under Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown -p llm-schema-registry-core --test wasm

step "npm package build"
scripts/build-npm.sh
scripts/build-console.sh --check
ensure_package_test_deps

step "real clients (confluent-kafka sync and async, @confluentinc/schemaregistry, @kafkajs/confluent-schema-registry) and the npm package against the origin"
cargo build --bin schema-registry-server --bin schema-registry
work=$(mktemp -d)
for backend in sqlite postgres; do
  # SQLite as the embedded default (no auth); PostgreSQL with API keys on, the clients sending
  # a write key made by the CLI as HTTP Basic.
  auth=()
  if [ "$backend" = sqlite ]; then db="sqlite://$work/registry.db"; else db=$(create_pg_database registry_clients_test); auth=(AUTH_ENABLED=true); fi
  pid=$(start_origin target/debug/schema-registry-server 18181 "$db" "$work/origin-$backend.log" "${auth[@]}")
  wait_ready http://127.0.0.1:18181 60 || { cat "$work/origin-$backend.log"; exit 1; }
  user_info= admin_info=
  if [ "$backend" = postgres ]; then
    key=$(DATABASE_URL="$db" target/debug/schema-registry keys create --role write --name clients 2>/dev/null)
    user_info=$(echo "$key" | sed -E 's/^lsr_([^_]+)_(.*)$/\1:\2/')
    key=$(DATABASE_URL="$db" target/debug/schema-registry keys create --role admin --name kek-admin 2>/dev/null)
    admin_info=$(echo "$key" | sed -E 's/^lsr_([^_]+)_(.*)$/\1:\2/')
  fi
  echo "-- clients against the $backend origin${user_info:+ (API keys on)}"
  REGISTRY_USER_INFO=$user_info REGISTRY_ADMIN_USER_INFO=$admin_info run_client_tests http://127.0.0.1:18181 || { stop_origin "$pid"; cat "$work/origin-$backend.log"; exit 1; }
  echo "-- LLM exports against the providers' SDKs (OpenAI, Anthropic, Gemini, MCP; offline)"
  REGISTRY_USER_INFO=$user_info run_llm_sdk_tests http://127.0.0.1:18181 || { stop_origin "$pid"; cat "$work/origin-$backend.log"; exit 1; }
  if [ "$backend" = sqlite ]; then
    echo "-- the npm package (Node, and the browser build in headless Chromium)"
    run_package_tests http://127.0.0.1:18181 || { stop_origin "$pid"; exit 1; }
    echo "-- schemathesis: the OpenAPI document against the live server"
    run_schemathesis http://127.0.0.1:18181 || { stop_origin "$pid"; cat "$work/origin-$backend.log"; exit 1; }
  fi
  stop_origin "$pid"
done
drop_pg_database registry_clients_test
rm -rf "$work"

step "web console (/ui) in headless Chromium against the origin"
ensure_console_test_deps
(cd origin/ui/test && node --test ./*.test.mjs)

step "edge: lints on wasm32 and the Worker build"
cargo clippy -p llm-schema-registry-edge --target wasm32-unknown-unknown -- -D warnings
scripts/build-edge.sh

step "edge in workerd: two edges, origin on PostgreSQL, signed invalidations"
(cd edge/test && ORIGIN_BIN="$PWD/../../target/debug/schema-registry-server" node --test edge.test.mjs)

step "benchmark gate: callgrind instruction counts of the hot paths against benches/callgrind-baseline.json"
scripts/bench-gate.sh
echo "-- the gate fails, saying why, when a path is more than 5% over its baseline"
gate_dir=$(mktemp -d)
python3 - "$gate_dir/lowered.json" <<'PY'
import json, sys
doc = json.load(open("benches/callgrind-baseline.json"))
doc["paths"]["fingerprint"]["instructions_per_op"] = int(doc["paths"]["fingerprint"]["instructions_per_op"] * 0.9)
json.dump(doc, open(sys.argv[1], "w"))
PY
if BENCH_GATE_BASELINE="$gate_dir/lowered.json" target/gate/callgrind-gate >"$gate_dir/out" 2>&1; then
  cat "$gate_dir/out"; echo "the gate passed a path 11% over its baseline"; exit 1
fi
grep -q "benchmark gate FAILED: fingerprint" "$gate_dir/out" || { cat "$gate_dir/out"; exit 1; }
rm -rf "$gate_dir"

step "all tests passed"
