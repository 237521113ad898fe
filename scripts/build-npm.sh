#!/usr/bin/env bash
# Builds the npm package `llm-schema-registry` into core/wasm/pkg/: the bindings crate for
# wasm32, wasm-bindgen (web target, loaded by both entry points), the package's JavaScript.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh

ensure_wasm_target
ensure_cargo_tool wasm-bindgen-cli wasm-bindgen "$(wasm_bindgen_version)"

step "building the npm package"
cargo build -p llm-schema-registry-wasm --target wasm32-unknown-unknown --profile wasm-release
out=core/wasm/pkg
rm -rf "$out"
mkdir -p "$out/wasm"
wasm-bindgen --target web --remove-name-section --out-dir "$out/wasm" \
  target/wasm32-unknown-unknown/wasm-release/llm_schema_registry_wasm.wasm
cp core/wasm/js/*.js core/wasm/js/index.d.ts core/wasm/js/module.d.ts core/wasm/js/package.json core/wasm/js/README.md "$out/"
raw=$(stat -c %s "$out/wasm/llm_schema_registry_wasm_bg.wasm")
gz=$(gzip -9 -c "$out/wasm/llm_schema_registry_wasm_bg.wasm" | wc -c)
echo "built $out: wasm $raw bytes, $gz gzipped"
