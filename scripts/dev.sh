#!/usr/bin/env bash
# Runs the whole system locally: an origin (SQLite under ./data, or PostgreSQL with --postgres)
# and N edges in workerd (wrangler dev, each with its own KV store), wired with a shared
# invalidation secret. Prints the URLs; Ctrl-C stops everything.
#
# Usage: scripts/dev.sh [--edges N] [--postgres] [--origin-port P] [--edge-port P]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
. scripts/lib/origin.sh

edges=1 postgres=false origin_port=8081 edge_port=8787
while [ $# -gt 0 ]; do
  case $1 in
    --edges) edges=$2; shift 2 ;;
    --postgres) postgres=true; shift ;;
    --origin-port) origin_port=$2; shift 2 ;;
    --edge-port) edge_port=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

secret=${INVALIDATION_SECRET:-dev-secret-$RANDOM$RANDOM}
cargo build --release --bin schema-registry-server
scripts/build-edge.sh >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

mkdir -p data .wrangler
edge_urls=()
for ((i = 0; i < edges; i++)); do
  port=$((edge_port + i))
  edge_urls+=("http://127.0.0.1:$port")
  WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false CI=true \
    edge/test/node_modules/.bin/wrangler dev --local --ip 127.0.0.1 --port "$port" \
    --persist-to ".wrangler/edge-$i" --inspector-port $((port + 1000)) \
    --show-interactive-dev-session=false --log-level warn \
    --var "ORIGIN_URL:http://127.0.0.1:$origin_port" --var "INVALIDATION_SECRET:$secret" \
    --var "BUILD_VERSION:dev-edge-$i" >"data/edge-$i.log" 2>&1 &
  pids+=($!)
done

if $postgres; then
  . scripts/lib/postgres.sh
  ensure_postgres
  psql "$TEST_POSTGRES_URL/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = 'registry_dev'" | grep -q 1 \
    || psql "$TEST_POSTGRES_URL/postgres" -qtAc "CREATE DATABASE registry_dev"
  db="$TEST_POSTGRES_URL/registry_dev"
else
  db="sqlite://data/dev.db"
fi
IFS=, ; edge_list="${edge_urls[*]}" ; unset IFS
pid=$(start_origin target/release/schema-registry-server "$origin_port" "$db" data/origin.log \
  EDGE_URLS="$edge_list" INVALIDATION_SECRET="$secret" DISPATCH_POLL_MS=500 RUST_LOG=info)
pids+=("$pid")
wait_ready "http://127.0.0.1:$origin_port" 60
for url in "${edge_urls[@]}"; do
  for _ in $(seq 100); do curl -fsS "$url/_registry/status" >/dev/null 2>&1 && break; sleep 0.2; done
done

echo
echo "origin:  http://127.0.0.1:$origin_port   (database: $db; log: data/origin.log)"
for ((i = 0; i < edges; i++)); do echo "edge $i:  ${edge_urls[$i]}   (log: data/edge-$i.log)"; done
echo "edge status: curl ${edge_urls[0]}/_registry/status; delivery state: curl http://127.0.0.1:$origin_port/admin/edges"
echo "Ctrl-C stops everything."
wait
