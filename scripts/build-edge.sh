#!/usr/bin/env bash
# Builds the edge Worker into edge/build/ (index.js + the wasm module) with worker-build,
# pointing it at locally installed tools so nothing is downloaded: wasm-bindgen (cargo, pinned
# to the version in Cargo.lock) and esbuild (from wrangler's npm install in edge/test).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh

ensure_wasm_target
ensure_cargo_tool wasm-bindgen-cli wasm-bindgen "$(wasm_bindgen_version)"
ensure_cargo_tool worker-build worker-build 0.8.7
if [ ! -x edge/test/node_modules/.bin/esbuild ]; then
  step "installing wrangler (miniflare, workerd, esbuild) for the edge"
  (cd edge/test && npm ci --no-audit --no-fund --loglevel=error)
fi

step "building the edge Worker"
export WASM_BINDGEN_BIN
WASM_BINDGEN_BIN=$(command -v wasm-bindgen)
export ESBUILD_BIN=$PWD/edge/test/node_modules/.bin/esbuild
(cd edge && worker-build --release)
ls -l edge/build/index.js edge/build/*.wasm | awk '{print $5, $9}'
