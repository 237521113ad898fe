#!/usr/bin/env bash
# Builds the npm package `llm-schema-registry` into core/wasm/pkg/: wasm-pack builds the
# bindings crate for wasm32 (profile wasm-release) twice, and runs the installed wasm-bindgen
# (web target, loaded by every entry point, dropping the name section), downloading nothing:
#   wasm/       the full core (the Rust JSON Schema validator, Protobuf): `llm-schema-registry/full`
#   wasm-slim/  without them (`--no-default-features`): the default entry point, which
#               validates JSON Schema with generated JavaScript only
# then the generated validators of the drafts' meta-schemas (meta/, with which the slim entry
# checks schemas) and the package's JavaScript.
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
for build in wasm wasm-slim; do
  features=()
  [ "$build" = wasm-slim ] && features=(-- --no-default-features)
  PATH="$tools:$PATH" wasm-pack --quiet build core/wasm --target web --profile wasm-release \
    --mode no-install --no-pack --no-gitignore --out-dir "pkg/$build" --out-name llm_schema_registry_wasm \
    "${features[@]}"
done
rm -rf "$tools"
cargo run --quiet -p llm-schema-registry-core --example meta_validators -- "$out/meta"
cp core/wasm/js/*.js core/wasm/js/index.d.ts core/wasm/js/module.d.ts core/wasm/js/package.json core/wasm/js/README.md "$out/"
for build in wasm wasm-slim; do
  raw=$(stat -c %s "$out/$build/llm_schema_registry_wasm_bg.wasm")
  gz=$(gzip -9 -c "$out/$build/llm_schema_registry_wasm_bg.wasm" | wc -c)
  echo "built $out/$build: $raw bytes, $gz gzipped"
done
