#!/usr/bin/env bash
# The registration function on PostgreSQL alone, without the server: pgbench calls
# registry_register for new subjects (scripts/pgbench/register.sql) with 32 clients on a fresh,
# migrated database, for each variant of the function in turn, alternated over the rounds, and
# prints one Markdown row per run: as migrated; with the in-transaction pg_notify it had before
# migration 0016; without its search document insert.
#   scripts/bench-register-sql.sh [--seconds N] [--rounds N]   (PostgreSQL as the test command finds it)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/origin.sh
. scripts/lib/postgres.sh
seconds=12 rounds=2
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
export PGOPTIONS=${PGOPTIONS:--c client_min_messages=warning}
ensure_postgres
db=$(create_pg_database bench_register_sql)
variants=$(mktemp -d)
trap 'drop_pg_database bench_register_sql; rm -rf "$variants"' EXIT
for f in origin/migrations/postgres/*.sql; do psql "$db" -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null; done
latest=$(grep -l 'FUNCTION registry_register' origin/migrations/postgres/*.sql | tail -1)
sed 's/^CREATE FUNCTION/CREATE OR REPLACE FUNCTION/' "$latest" > "$variants/as-migrated.sql"
sed "s/^END\$/    PERFORM pg_notify('registry_events', '');\nEND/" "$variants/as-migrated.sql" > "$variants/with-notify.sql"
sed '/INSERT INTO search_docs/,/ON CONFLICT DO NOTHING;/d' "$variants/as-migrated.sql" > "$variants/without-search-document.sql"
echo "| function | round | registrations/s | latency ms |"
echo "|---|---:|---:|---:|"
for round in $(seq "$rounds"); do
  for v in as-migrated with-notify without-search-document; do
    psql "$db" -q -v ON_ERROR_STOP=1 -f "$variants/$v.sql" >/dev/null
    out=$(pgbench -n -f scripts/pgbench/register.sql -c 32 -j 2 -T "$seconds" "$db" 2>&1) || { echo "$out" >&2; exit 1; }
    tps=$(awk '/^tps/ {printf "%.0f", $3}' <<< "$out")
    lat=$(awk '/latency average/ {print $4}' <<< "$out")
    echo "| $v | $round | $tps | $lat |"
  done
done
