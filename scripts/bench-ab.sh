#!/usr/bin/env bash
# Before/after of a change to the hot path: two server binaries, alternated (A B A B), each on a
# SQLite database of its own, measured with wrk on a cached `GET /schemas/ids/1` with an API key.
# Prints one Markdown row per run: compare rows of the same run, not across runs. A binary's
# database and key are made by the `schema-registry` CLI beside it (else this tree's), since an
# older build cannot open a database a newer one migrated.
#
#   git worktree add /tmp/old REV && (cd /tmp/old && cargo build --release --bins)
#   cargo build --release --bin schema-registry-server
#   scripts/bench-ab.sh /tmp/old/target/release/schema-registry-server target/release/schema-registry-server [--duration S] [--rounds N]
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
# Each binary gets a database of its own, made by the CLI beside it (an older build may not
# know a newer one's migrations), and a key made there.
declare -A db key
n=0
for bin in "$a" "$b"; do
  cli=$(cli_beside "$bin")
  n=$((n + 1))
  db[$bin]="sqlite://$work/db-$n.db"
  key[$bin]=$(DATABASE_URL="${db[$bin]}" "$cli" keys create --role admin 2>/dev/null)
done
echo "| binary | req/s | p50 ms | p99 ms | p99.9 ms | errors | RSS KiB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for ((round = 0; round < rounds; round++)); do
  for bin in "$a" "$b"; do
    pid=$(start_origin "$bin" 18555 "${db[$bin]}" "$work/origin.log" AUTH_ENABLED=true RATE_LIMIT_READS_PER_SEC=0 RATE_LIMIT_WRITES_PER_SEC=0)
    wait_ready http://127.0.0.1:18555 30
    curl -fsS -H "Authorization: Bearer ${key[$bin]}" -H 'content-type: application/json' \
      -d '{"schema": "{\"type\": \"string\"}"}' http://127.0.0.1:18555/subjects/ab/versions >/dev/null
    curl -fsS -H "Authorization: Bearer ${key[$bin]}" http://127.0.0.1:18555/schemas/ids/1 >/dev/null
    printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "${key[$bin]}" >"$work/auth.lua"
    read -r rps p50 p99 p999 errors < <(wrk_run "$duration" 32 http://127.0.0.1:18555/schemas/ids/1 "$work/auth.lua")
    echo "| $bin | $rps | $p50 | $p99 | $p999 | $errors | $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status") |"
    stop_origin "$pid"
    pid=
  done
done
