#!/usr/bin/env bash
# Before/after of a change to the hot path: two server binaries, alternated (A B A B) on the
# same SQLite database, each measured with wrk on a cached `GET /schemas/ids/1` with an API key.
# Prints one Markdown row per run: compare rows of the same run, not across runs.
#
#   git stash && cargo build --release --bin schema-registry-server && cp target/release/schema-registry-server /tmp/before
#   git stash pop && cargo build --release --bin schema-registry-server
#   scripts/bench-ab.sh /tmp/before target/release/schema-registry-server [--duration S] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
. scripts/lib/origin.sh
. scripts/lib/bench.sh

a=$1 b=$2 duration=8 rounds=2
shift 2
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
ensure_debian_packages wrk=wrk
cargo build --release --bin schema-registry 2>&1 | tail -n 1
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && stop_origin "$pid"; rm -rf "$work"' EXIT
db="sqlite://$work/registry.db"
key=$(DATABASE_URL="$db" target/release/schema-registry keys create --role admin 2>/dev/null)
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$key" >"$work/auth.lua"
echo "| binary | req/s | p50 ms | p99 ms | p99.9 ms | errors | RSS KiB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for ((round = 0; round < rounds; round++)); do
  for bin in "$a" "$b"; do
    pid=$(start_origin "$bin" 18555 "$db" "$work/origin.log" AUTH_ENABLED=true RATE_LIMIT_READS_PER_SEC=0 RATE_LIMIT_WRITES_PER_SEC=0)
    wait_ready http://127.0.0.1:18555 30
    curl -fsS -H "Authorization: Bearer $key" -H 'content-type: application/json' \
      -d '{"schema": "{\"type\": \"string\"}"}' http://127.0.0.1:18555/subjects/ab/versions >/dev/null
    curl -fsS -H "Authorization: Bearer $key" http://127.0.0.1:18555/schemas/ids/1 >/dev/null
    read -r rps p50 p99 p999 errors < <(wrk_run "$duration" 32 http://127.0.0.1:18555/schemas/ids/1 "$work/auth.lua")
    echo "| $bin | $rps | $p50 | $p99 | $p999 | $errors | $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status") |"
    stop_origin "$pid"
    pid=
  done
done
