#!/usr/bin/env bash
# A long run of core's property-based fuzzing (core/tests/fuzz.rs): CASES generated inputs per
# target (default 20000), release build. Prints, per target, how many inputs ran without a
# panic and how many were valid schemas. A failure is shrunk and its seed saved in
# core/tests/fuzz-regressions/seeds.txt (commit it; every later run replays it).
# Usage: scripts/fuzz.sh [CASES]
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_CASES=${1:-20000} cargo test --release -p llm-schema-registry-core --test fuzz -- --nocapture 2>&1 |
  grep -E '^fuzz |panicked|test result'
