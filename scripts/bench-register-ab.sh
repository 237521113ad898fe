#!/usr/bin/env bash
# Before/after of a change to the write path: two server binaries, alternated (A B A B), each on
# a fresh PostgreSQL database of its own, measured with k6 registering one Avro version under each
# of COUNT distinct subjects (k6/seed.js, 32 clients). Prints one Markdown row per run: compare
# rows of the same run, not across runs. A binary's key is made by the `schema-registry` CLI
# beside it (else this tree's), since an older build cannot open a database a newer one migrated.
#
#   git worktree add /tmp/old REV && (cd /tmp/old && cargo build --release --bin schema-registry-server --bin schema-registry)
#   cargo build --release --bin schema-registry-server --bin schema-registry
#   scripts/bench-register-ab.sh /tmp/old/target/release/schema-registry-server target/release/schema-registry-server [--count N] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
. scripts/lib/origin.sh
. scripts/lib/postgres.sh

a=$1 b=$2 count=10000 rounds=2
shift 2
while [ $# -gt 0 ]; do
  case $1 in
    --count) count=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
ensure_perf_tools
export PGOPTIONS=${PGOPTIONS:--c client_min_messages=warning}
ensure_postgres
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && stop_origin "$pid"; drop_pg_database registry_register_ab; rm -rf "$work"' EXIT
port=18556
echo "| binary | registrations | seconds | registrations/s | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for ((round = 0; round < rounds; round++)); do
  for bin in "$a" "$b"; do
    cli=$(cli_beside "$bin")
    db=$(create_pg_database registry_register_ab)
    pid=$(start_origin "$bin" "$port" "$db" "$work/origin.log" AUTH_ENABLED=true RATE_LIMIT_READS_PER_SEC=0 RATE_LIMIT_WRITES_PER_SEC=0)
    wait_ready "http://127.0.0.1:$port" 60
    key=$(DATABASE_URL="$db" "$cli" keys create --role admin --name ab 2>/dev/null)
    API_URL="http://127.0.0.1:$port" API_KEY=$key RUN_ID=$round FROM=0 TO=$count VUS=32 \
      "$PERF_VENV/bin/k6" run -q --summary-export "$work/k6.json" k6/seed.js >"$work/k6.log" 2>&1 \
      || { cat "$work/k6.log"; exit 1; }
    python3 - "$work/k6.json" "$bin" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
n, rate = m["op_register_count"]["count"], m["op_register_count"]["rate"]
lat = m["op_register_ms"]
errors = m.get("op_register_errors", {}).get("passes", 0)
print(f"| {sys.argv[2]} | {n} | {n / rate:.1f} | {rate:.0f} | {lat['med']:.1f} | {lat['p(99)']:.1f} | {errors} |")
PY
    stop_origin "$pid"
    pid=
    drop_pg_database registry_register_ab
  done
done
