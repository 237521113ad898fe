#!/usr/bin/env bash
# Copies the npm package's full browser build (core/wasm/pkg, from scripts/build-npm.sh: its
# browser-full.js as browser.js, and the full wasm) into origin/ui/pkg, which the origin embeds
# for the console's in-browser validation (Protobuf included). The copy is
# committed so `cargo run` needs no wasm toolchain; the test command checks it is current.
#   scripts/build-console.sh          build the package and refresh the copy
#   scripts/build-console.sh --check  fail if the committed copy differs from a fresh build
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f core/wasm/pkg/browser-full.js ] || scripts/build-npm.sh
# SOURCE:COPY pairs.
files=(browser-full.js:browser.js full.js:full.js core.js:core.js module.js:module.js client.js:client.js
  wasm/llm_schema_registry_wasm.js:wasm/llm_schema_registry_wasm.js
  wasm/llm_schema_registry_wasm_bg.wasm:wasm/llm_schema_registry_wasm_bg.wasm)
if [ "${1:-}" = --check ]; then
  for pair in "${files[@]}"; do
    cmp -s "core/wasm/pkg/${pair%%:*}" "origin/ui/pkg/${pair#*:}" || {
      echo "origin/ui/pkg/${pair#*:} differs from the npm package build: run scripts/build-console.sh and commit origin/ui/pkg" >&2
      exit 1
    }
  done
  echo "the console's copy of the npm package is current"
  exit 0
fi
mkdir -p origin/ui/pkg/wasm
for pair in "${files[@]}"; do cp "core/wasm/pkg/${pair%%:*}" "origin/ui/pkg/${pair#*:}"; done
echo "copied the npm package's browser build into origin/ui/pkg"
