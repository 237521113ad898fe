#!/usr/bin/env bash
# The npm package against ajv and @cfworker/json-schema (validations per second) and its size;
# then model outputs per second (parseModelOutput, StreamValidator) next to the plain validator.
# Usage: scripts/bench-npm.sh [--seconds N]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
. scripts/lib/clients.sh
scripts/build-npm.sh
ensure_package_test_deps
node core/wasm/js/test/bench.mjs "$@"
node core/wasm/js/test/llm-bench.mjs "$@"
