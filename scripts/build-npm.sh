#!/usr/bin/env bash
# Builds the npm package `llm-schema-registry` into core/wasm/pkg/: wasm-pack builds the
# bindings crate for wasm32 (profile wasm-release) and runs the installed wasm-bindgen (web
# target, loaded by both entry points, dropping the name section), downloading nothing; then
# the package's JavaScript.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh

ensure_wasm_target
ensure_cargo_tool wasm-bindgen-cli wasm-bindgen "$(wasm_bindgen_version)"
ensure_cargo_tool wasm-pack wasm-pack 0.15.1

step "building the npm package"
out=core/wasm/pkg
rm -rf "$out"
mkdir -p "$out/wasm"
# --mode no-install: the wasm-bindgen first on PATH, or fail; nothing is fetched.
tools=$(mktemp -d)
bindgen_dropping_names "$tools"
PATH="$tools:$PATH" wasm-pack --quiet build core/wasm --target web --profile wasm-release \
  --mode no-install --no-pack --no-gitignore --out-dir pkg/wasm --out-name llm_schema_registry_wasm
rm -rf "$tools"
cp core/wasm/js/*.js core/wasm/js/index.d.ts core/wasm/js/module.d.ts core/wasm/js/package.json core/wasm/js/README.md "$out/"
raw=$(stat -c %s "$out/wasm/llm_schema_registry_wasm_bg.wasm")
gz=$(gzip -9 -c "$out/wasm/llm_schema_registry_wasm_bg.wasm" | wc -c)
echo "built $out: wasm $raw bytes, $gz gzipped"
