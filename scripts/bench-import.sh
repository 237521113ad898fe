#!/usr/bin/env bash
# Import throughput by concurrency, in one run: the same generated export (SCHEMAS schemas,
# default 5000) imported into fresh PostgreSQL origins, one at a time (--concurrency 1) and
# with CONCURRENCY subjects at once (default 8), alternating, ROUNDS rounds (default 2).
# Usage: scripts/bench-import.sh [--schemas N] [--concurrency N] [--rounds N] [--profile release|dev]
# Prints a table; the ratio compares runs of the same binaries on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
. scripts/lib/postgres.sh
. scripts/lib/origin.sh
SCHEMAS=5000 CONCURRENCY=8 ROUNDS=2 PROFILE=release
while [ $# -gt 0 ]; do
  case $1 in
    --schemas) SCHEMAS=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --profile) PROFILE=$2; shift 2 ;;
    *) echo "usage: $0 [--schemas N] [--concurrency N] [--rounds N] [--profile release|dev]" >&2; exit 2 ;;
  esac
done
export TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
ensure_postgres
cargo build --quiet --profile "$PROFILE" --bin schema-registry-server --bin schema-registry
dir=target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
out=$(mktemp -d)
pid= db=
cleanup() {
  [ -n "$pid" ] && stop_origin "$pid"
  [ -n "$db" ] && drop_pg_database "$db"
  rm -rf "$out"
}
trap cleanup EXIT
python3 scripts/gen-export.py "$SCHEMAS" "$out/export.jsonl" >/dev/null
echo "| round | concurrency | seconds | schemas/s |"
echo "|---|---:|---:|---:|"
declare -A total
for round in $(seq "$ROUNDS"); do
  for c in 1 "$CONCURRENCY"; do
    db=$(create_pg_database bench_import 2>/dev/null)
    pid=$(start_origin "$dir/schema-registry-server" 18401 "$db" "$out/origin.log" RATE_LIMIT_WRITES_PER_SEC=0)
    wait_ready http://127.0.0.1:18401 60
    t0=$(date +%s.%N)
    "$dir/schema-registry" import --restart --concurrency "$c" --url http://127.0.0.1:18401 "$out/export.jsonl" 2>"$out/import.log" \
      || { cat "$out/import.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    stop_origin "$pid"; pid=
    drop_pg_database bench_import; db=
    secs=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
    total[$c]=$(python3 -c "print(${total[$c]:-0} + $secs)")
    echo "| $round | $c | $secs | $(python3 -c "print(round($SCHEMAS / $secs))") |"
  done
done
echo
echo "concurrency $CONCURRENCY / 1, schemas per second over all rounds: $(python3 -c "print(f'{${total[1]} / ${total[$CONCURRENCY]}:.2f}x')")"
