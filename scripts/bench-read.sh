#!/usr/bin/env bash
# Throughput and latency of a cached `GET /schemas/ids/{id}` on loopback, with wrk, beside
# nginx serving the same body as a static file in the same run (the practical ceiling for a
# cached read on this machine). Prints a Markdown table.
#
# With --edge, also an edge Worker in workerd (wrangler dev) in front of the origin, read from
# its KV (after one miss), in the same run.
#
# Usage: scripts/bench-read.sh [--duration SECONDS] [--connections N] [--backend sqlite|postgres] [--edge]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
. scripts/lib/origin.sh
. scripts/lib/bench.sh

duration=10 connections=32 backend=sqlite with_edge=false
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --backend) backend=$2; shift 2 ;;
    --edge) with_edge=true; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
ensure_debian_packages wrk=wrk nginx=nginx-light

step "building the release server"
cargo build --release --bin schema-registry-server 2>&1 | tail -n 1
work=$(mktemp -d)
cleanup() { [ -n "${edge_pid:-}" ] && kill "$edge_pid" 2>/dev/null; [ -n "${pid:-}" ] && stop_origin "$pid"; stop_nginx "$work"; [ "$backend" = postgres ] && drop_pg_database registry_bench_read; rm -rf "$work"; }
trap cleanup EXIT

if [ "$backend" = postgres ]; then
  . scripts/lib/postgres.sh
  ensure_postgres
  db=$(create_pg_database registry_bench_read)
else
  db="sqlite://$work/registry.db"
fi
# The benchmark is one client at tens of thousands of reads a second: no per-client limit.
pid=$(start_origin target/release/schema-registry-server 18281 "$db" "$work/origin.log" RATE_LIMIT_READS_PER_SEC=0)
wait_ready http://127.0.0.1:18281 60

schema='{"type":"record","name":"ChatCompletion","namespace":"llm","fields":[{"name":"id","type":"string"},{"name":"model","type":"string"},{"name":"created","type":"long"},{"name":"choices","type":{"type":"array","items":{"type":"record","name":"Choice","fields":[{"name":"index","type":"int"},{"name":"text","type":"string"},{"name":"finish_reason","type":["null","string"],"default":null}]}}},{"name":"usage","type":["null",{"type":"record","name":"Usage","fields":[{"name":"prompt_tokens","type":"int"},{"name":"completion_tokens","type":"int"}]}],"default":null}]}'
body=$(python3 -c 'import json,sys; print(json.dumps({"schema": sys.argv[1]}))' "$schema")
id=$(curl -fsS -H 'content-type: application/json' -d "$body" http://127.0.0.1:18281/subjects/bench-value/versions | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
mkdir -p "$work/www/schemas/ids"
curl -fsS "http://127.0.0.1:18281/schemas/ids/$id" >"$work/www/schemas/ids/$id"
start_nginx "$work" 18282

run() { wrk_run "$duration" "$connections" "$1" | cut -d" " -f1,2,3,5; } # URL -> "rps p50 p99 non2xx"
curl -fsS "http://127.0.0.1:18281/schemas/ids/$id" >/dev/null
read -r o_rps o_p50 o_p99 o_err < <(run "http://127.0.0.1:18281/schemas/ids/$id")
cmp -s <(curl -fsS "http://127.0.0.1:18282/schemas/ids/$id") "$work/www/schemas/ids/$id" || { echo "nginx does not serve the body" >&2; exit 1; }
read -r n_rps n_p50 n_p99 n_err < <(run "http://127.0.0.1:18282/schemas/ids/$id")
if $with_edge; then
  scripts/build-edge.sh >/dev/null
  WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false CI=true \
    edge/test/node_modules/.bin/wrangler dev --local --ip 127.0.0.1 --port 18283 --inspector-port 19283 \
    --persist-to "$work/edge" --show-interactive-dev-session=false --log-level warn \
    --var "ORIGIN_URL:http://127.0.0.1:18281" >"$work/edge.log" 2>&1 &
  edge_pid=$!
  for _ in $(seq 150); do curl -fsS "http://127.0.0.1:18283/schemas/ids/$id" >/dev/null 2>&1 && break; sleep 0.2; done
  read -r e_rps e_p50 e_p99 e_err < <(run "http://127.0.0.1:18283/schemas/ids/$id")
fi
ratio=$(python3 -c "print(f'{$o_rps / $n_rps * 100:.0f}%')")
echo
echo "GET /schemas/ids/$id, wrk -t2 -c$connections -d${duration}s, $(nproc) cores shared by client and server, origin on $backend"
echo
echo "| server | requests/s | p50 ms | p99 ms | non-2xx | vs nginx |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| origin (cached read) | $o_rps | $o_p50 | $o_p99 | $o_err | $ratio |"
echo "| nginx static file | $n_rps | $n_p50 | $n_p99 | $n_err | 100% |"
if $with_edge; then
  echo "| edge (workerd via wrangler dev, KV hit) | $e_rps | $e_p50 | $e_p99 | $e_err | $(python3 -c "print(f'{$e_rps / $n_rps * 100:.0f}%')") |"
fi
