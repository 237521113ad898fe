#!/usr/bin/env bash
# Copies the npm package's browser build (core/wasm/pkg, from scripts/build-npm.sh) into
# origin/ui/pkg, which the origin embeds for the console's in-browser validation. The copy is
# committed so `cargo run` needs no wasm toolchain; the test command checks it is current.
#   scripts/build-console.sh          build the package and refresh the copy
#   scripts/build-console.sh --check  fail if the committed copy differs from a fresh build
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f core/wasm/pkg/browser.js ] || scripts/build-npm.sh
files=(browser.js core.js module.js client.js wasm/llm_schema_registry_wasm.js wasm/llm_schema_registry_wasm_bg.wasm)
if [ "${1:-}" = --check ]; then
  for f in "${files[@]}"; do
    cmp -s "core/wasm/pkg/$f" "origin/ui/pkg/$f" || {
      echo "origin/ui/pkg/$f differs from the npm package build: run scripts/build-console.sh and commit origin/ui/pkg" >&2
      exit 1
    }
  done
  echo "the console's copy of the npm package is current"
  exit 0
fi
mkdir -p origin/ui/pkg/wasm
for f in "${files[@]}"; do cp "core/wasm/pkg/$f" "origin/ui/pkg/$f"; done
echo "copied the npm package's browser build into origin/ui/pkg"
