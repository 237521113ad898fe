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
# Small and quick to start: the release profile for wasm32 as the npm package builds it (size
# over speed, one codegen unit, whole-program LTO), and wasm-bindgen dropping the name section
# (function names, about a fifth of the gzipped module). The host's release builds keep their
# own settings: these apply to this cargo run only.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=s CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
tools=$(mktemp -d)
bindgen_dropping_names "$tools"
export WASM_BINDGEN_BIN=$tools/wasm-bindgen
export ESBUILD_BIN=$PWD/edge/test/node_modules/.bin/esbuild
(cd edge && worker-build --release)
rm -rf "$tools"
ls -l edge/build/index.js edge/build/*.wasm | awk '{print $5, $9}'
