#!/usr/bin/env bash
# The performance report: builds release, starts the PostgreSQL-backed origin (API keys on,
# rate limits off), seeds it, measures against nginx serving the same body as a static file in
# the same run, grows the registry, runs the criterion suites and the k6 scenarios, samples the
# origin's memory and CPU, and writes perf-results/<timestamp>/REPORT.md with PNG plots.
#
# Usage: scripts/perf.sh [--quick|--full] [--schemas N] [--edges] [--profile]
#   --quick      (default) k6 scenarios of about 35 s each, short criterion runs, growth to
#                100k schemas; about 5 minutes after the build (which takes 7 from a fresh
#                clone on 2 cores: the server, then three LTO-linked benchmark binaries)
#   --full       the plan's durations (12 min baseline, 30 min stress, 2 h soak), growth to 1M
#                schemas, full criterion runs, and the multi-region scenario with two edges
#   --schemas N  schemas seeded for the k6 scenarios (default 10000)
#   --scale N    quick mode, with the growth going on to N schemas (registered through the API,
#                as the growth before it): `--scale 1000000` is the million-schema run
#   --edges      the multi-region scenario (two edges in workerd) in quick mode too
#   --profile    also record the origin with perf during the cached-read run (top symbols)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools.sh
. scripts/lib/origin.sh
. scripts/lib/postgres.sh
. scripts/lib/bench.sh
export CARGO_TERM_COLOR=never

mode=quick schemas=10000 edges=false profile=false scale=
while [ $# -gt 0 ]; do
  case $1 in
    --quick) mode=quick; shift ;;
    --scale) mode=quick; scale=$2; shift 2 ;;
    --full) mode=full; edges=true; shift ;;
    --schemas) schemas=$2; shift 2 ;;
    --edges) edges=true; shift ;;
    --profile) profile=true; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ "$mode" = quick ]; then
  growth=(1000 "$schemas" 100000 $scale)
  scale_baseline=0.045 scale_stress=0.016 scale_soak=0.005 read_secs=4
  criterion_args=(--warm-up-time 0.2 --measurement-time 0.5 --noplot)
  bench_subjects=1000,10000
else
  growth=(1000 "$schemas" 100000 1000000)
  scale_baseline=1 scale_stress=1 scale_soak=1 read_secs=30
  criterion_args=(--noplot)
  bench_subjects=1000,10000,100000
fi
readarray -t growth < <(printf '%s\n' "${growth[@]}" | sort -n | uniq)

started=$(date +%s)
out="perf-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
out=$(cd "$out" && pwd)
printf 'mode=%s\nschemas=%s\ngrowth=%s\nedges=%s\n' "$mode" "$schemas" "${growth[*]}" "$edges" >"$out/settings.txt"

ensure_perf_tools
ensure_postgres
k6() { "$PERF_VENV/bin/k6" "$@"; }

step "building release (server, CLI, benchmarks)"
cargo build --release --bin schema-registry-server --bin schema-registry 2>&1 | tail -n 1
cargo bench -p llm-schema-registry-benches --no-run 2>&1 | tail -n 1

work=$(mktemp -d)
port=18381 nginx_port=18382 api=http://127.0.0.1:18381
db=$(create_pg_database registry_perf)
pid= sampler= edge_pids=()
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  for p in "${edge_pids[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "$pid" ] && stop_origin "$pid"
  stop_nginx "$work"
  drop_pg_database registry_perf
  rm -rf "$work"
}
trap cleanup EXIT

secret=perf-secret-$RANDOM$RANDOM
origin_env=(AUTH_ENABLED=true RATE_LIMIT_READS_PER_SEC=0 RATE_LIMIT_WRITES_PER_SEC=0 INVALIDATION_SECRET="$secret" DISPATCH_POLL_MS=500)

# start_timed LABEL: starts the origin, records the milliseconds from spawn to ready.
start_timed() {
  local t0 t1
  t0=$(date +%s%N)
  pid=$(start_origin target/release/schema-registry-server "$port" "$db" "$work/origin.log" "${origin_env[@]}")
  for _ in $(seq 3000); do curl -fsS "$api/ready" >/dev/null 2>&1 && break; sleep 0.01; done
  t1=$(date +%s%N)
  curl -fsS "$api/ready" >/dev/null || { cat "$work/origin.log"; exit 1; }
  echo "$1,$(( (t1 - t0) / 1000000 ))" >>"$out/startup.csv"
  # Memory and CPU of the origin, once a second: epoch seconds, RSS KiB, CPU ticks (user+sys).
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  (
    tick=$(getconf CLK_TCK)
    while kill -0 "$pid" 2>/dev/null; do
      rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
      echo "$(date +%s.%N),$rss,$cpu,$tick"
      sleep 1
    done
  ) >>"$out/samples.csv" &
  sampler=$!
}
restart_origin() { kill "$sampler" 2>/dev/null; sampler=; stop_origin "$pid"; start_timed "$1"; }

# phase NAME COMMAND...: runs COMMAND, recording its start and end time and the origin's cache
# counters before and after (for the hit rate).
phase() {
  local name=$1 t0
  shift
  step "$name"
  curl -fsS -H "$auth" "$api/metrics" >"$out/metrics-$name-before.txt"
  t0=$(date +%s.%N)
  "$@"
  echo "$name,$t0,$(date +%s.%N)" >>"$out/phases.csv"
  curl -fsS -H "$auth" "$api/metrics" >"$out/metrics-$name-after.txt"
}

echo "label,ms" >"$out/startup.csv"
echo "t,rss_kib,cpu_ticks,clk_tck" >"$out/samples.csv"
echo "phase,start,end" >"$out/phases.csv"
echo "size,what,rps,p50,p99,p999,errors" >"$out/reads.csv"
echo "size,registrations,seconds,rps" >"$out/registrations.csv"

start_timed "empty database"
key=$(DATABASE_URL="$db" target/release/schema-registry keys create --role admin --name perf 2>/dev/null)
auth="Authorization: Bearer $key"
export API_URL=$api API_KEY=$key RUN_ID=$(date +%s)

# seed FROM TO: registers subjects FROM..TO-1 with k6; the last batch (at most 2,000) is timed
# on its own as the registration throughput at TO schemas.
seeded=0
seed() {
  local from=$1 to=$2 measured
  measured=$((to - from < 2000 ? to - from : 2000))
  if [ $((to - measured)) -gt "$from" ]; then
    FROM=$from TO=$((to - measured)) VUS=32 k6 run -q --no-summary k6/seed.js >"$work/seed.log" 2>&1 || { cat "$work/seed.log"; exit 1; }
  fi
  FROM=$((to - measured)) TO=$to VUS=32 k6 run -q --summary-export "$out/k6-seed-$to.json" k6/seed.js >"$work/seed.log" 2>&1 || { cat "$work/seed.log"; exit 1; }
  python3 - "$out/k6-seed-$to.json" "$to" "$measured" >>"$out/registrations.csv" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
rate = m["op_register_count"]["rate"]
print(f"{sys.argv[2]},{sys.argv[3]},{int(sys.argv[3]) / rate:.2f},{rate:.0f}")
PY
  seeded=$to
}

# reads SIZE: cached-read throughput with SIZE schemas: a hot set of 1,000 ids spread over all
# of them, and (up to the cache's 100k entries) every id; each warmed by one sequential pass.
warm() { # warm N STRIDE
  seq 0 $(($1 - 1)) | awk -v s="$2" -v api="$api" '{print api "/schemas/ids/" (1 + $1 * s)}' \
    | xargs -P 4 -n 200 curl -fsS -H "$auth" >/dev/null
}
reads() {
  local size=$1 n stride
  for what in hot all; do
    if [ "$what" = hot ]; then n=$((size < 1000 ? size : 1000)) stride=$((size / n)); else n=$size stride=1; fi
    [ "$what" = all ] && [ "$size" -gt 100000 ] && continue
    warm "$n" "$stride"
    echo "$size,$what,$(IDS=$n STRIDE=$stride AUTHORIZATION="Bearer $key" wrk_run "$read_secs" 32 "$api" scripts/lib/ids.lua | tr ' ' ',')" >>"$out/reads.csv"
  done
}

# The reference: nginx serving schema 1's body as a static file, against the origin's cached
# read of the same id, in the same run.
reference() {
  mkdir -p "$work/www/schemas/ids"
  curl -fsS -H "$auth" "$api/schemas/ids/1" >"$work/www/schemas/ids/1"
  start_nginx "$work" "$nginx_port"
  printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$key" >"$work/auth.lua"
  local profiler=
  if $profile; then
    perf record -F 999 -g -p "$pid" -o "$work/perf.data" -- sleep "$read_secs" >/dev/null 2>&1 &
    profiler=$!
  fi
  echo "origin,$(wrk_run "$read_secs" 32 "$api/schemas/ids/1" "$work/auth.lua" | tr ' ' ',')" >"$out/reference.csv"
  # Below saturation: two connections, one request in flight each.
  echo "origin-half,$(wrk_run "$read_secs" 2 "$api/schemas/ids/1" "$work/auth.lua" | tr ' ' ',')" >>"$out/reference.csv"
  if [ -n "$profiler" ]; then
    wait "$profiler" || true
    perf report -i "$work/perf.data" --no-children --stdio --percent-limit 1.5 2>/dev/null | grep -v '^$' | head -n 80 >"$out/profile.txt" || true
  fi
  cmp -s <(curl -fsS "http://127.0.0.1:$nginx_port/schemas/ids/1") "$work/www/schemas/ids/1" || { echo "nginx does not serve the body" >&2; exit 1; }
  echo "nginx,$(wrk_run "$read_secs" 32 "http://127.0.0.1:$nginx_port/schemas/ids/1" | tr ' ' ',')" >>"$out/reference.csv"
  stop_nginx "$work"
}

# k6_scenario NAME SCALE [VAR=VALUE...]: the summary as JSON; for the stress and soak tests
# also every sample (CSV), for the plots over time.
k6_scenario() {
  local name=$1 scale=$2 samples=()
  shift 2
  case $name in stress_test | soak_test) samples=(--out "csv=$out/k6-$name.csv.gz") ;; esac
  env "$@" SEEDED="$schemas" DURATION_SCALE="$scale" \
    "$PERF_VENV/bin/k6" run -q --summary-export "$out/k6-$name.json" \
    "${samples[@]}" "k6/$name.js" >"$out/k6-$name.log" 2>&1 \
    || echo "k6 $name exited $? (99: a threshold was crossed, listed under its table; else see k6-$name.log)" | tee -a "$out/notes.txt"
}

for size in "${growth[@]}"; do
  phase "seed-$size" seed "$seeded" "$size"
  phase "reads-$size" reads "$size"
  if [ "$size" = "$schemas" ]; then
    phase reference reference
    phase baseline_load k6_scenario baseline_load "$scale_baseline"
    phase stress_test k6_scenario stress_test "$scale_stress"
    restart_origin "$size schemas"  # the soak starts from a fresh process: memory over time
    phase soak_test k6_scenario soak_test "$scale_soak" RATE=400
  fi
  restart_origin "$size schemas"
done

if $edges; then
  step "multi-region: two edges in workerd (wrangler dev)"
  scripts/build-edge.sh >/dev/null
  edge_urls=()
  for i in 0 1; do
    eport=$((18390 + i))
    edge_urls+=("http://127.0.0.1:$eport")
    WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false CI=true \
      edge/test/node_modules/.bin/wrangler dev --local --ip 127.0.0.1 --port "$eport" \
      --persist-to "$work/edge-$i" --inspector-port $((eport + 1000)) \
      --show-interactive-dev-session=false --log-level warn \
      --var "ORIGIN_URL:$api" --var "INVALIDATION_SECRET:$secret" >"$work/edge-$i.log" 2>&1 &
    edge_pids+=($!)
    for _ in $(seq 150); do curl -fsS "http://127.0.0.1:$eport/_registry/status" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -fsS -X POST -H "$auth" -H 'content-type: application/json' \
      -d "{\"url\": \"http://127.0.0.1:$eport\"}" "$api/admin/edges" >/dev/null
  done
  IFS=, ; EDGE_URLS="${edge_urls[*]}"; unset IFS
  phase multi_region k6_scenario multi_region "$([ "$mode" = quick ] && echo 0.25 || echo 1)" EDGE_URLS="$EDGE_URLS"
fi

kill "$sampler" 2>/dev/null; sampler=
stop_origin "$pid"; pid=

step "criterion: schema_operations, database_operations (subjects $bench_subjects), cache_operations"
rm -rf target/criterion
for bench in schema_operations database_operations cache_operations; do
  BENCH_SUBJECTS=$bench_subjects cargo bench -p llm-schema-registry-benches --bench "$bench" -- "${criterion_args[@]}" \
    >"$out/criterion-$bench.log" 2>&1 || { tail -n 30 "$out/criterion-$bench.log"; exit 1; }
done
cp -r target/criterion "$out/criterion"

step "report"
echo "elapsed_seconds=$(( $(date +%s) - started ))" >>"$out/settings.txt"
"$PERF_VENV/bin/python" scripts/perf_report.py "$out"
echo
echo "report: $out/REPORT.md"
