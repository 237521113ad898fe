#!/usr/bin/env bash
# The benchmark regression gate: instructions per operation of the hot paths (fingerprint,
# compile + validate, compatibility, the cached GET /schemas/ids/{id} handler) counted by
# callgrind and compared with benches/callgrind-baseline.json; more than 5% over fails.
#
#   scripts/bench-gate.sh            check (what the test suite runs)
#   scripts/bench-gate.sh --update   record a new baseline after a deliberate change; commit it
#
# BENCH_GATE_BASELINE=FILE compares with another baseline file.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
ensure_debian_packages valgrind=valgrind
# Its own profile (Cargo.toml [profile.gate]: one codegen unit per crate) keeps the counts
# from moving when unrelated code is added.
cargo build --quiet --profile gate -p llm-schema-registry-benches --bin callgrind-gate
exec target/gate/callgrind-gate "$@"
