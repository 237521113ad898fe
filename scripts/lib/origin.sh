# Start and stop an origin server for script-driven tests. Sourced, not run.

# wait_ready URL SECONDS
wait_ready() {
  local url=$1 secs=${2:-30} i
  for ((i = 0; i < secs * 10; i++)); do
    curl -fsS "$url/ready" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "origin at $url did not become ready" >&2
  return 1
}

# start_origin BINARY PORT DATABASE_URL LOG [extra env...]: prints the pid.
start_origin() {
  local bin=$1 port=$2 db=$3 log=$4
  shift 4
  env "$@" DATABASE_URL="$db" LISTEN_ADDR="127.0.0.1:$port" RUST_LOG="${RUST_LOG:-warn}" "$bin" >"$log" 2>&1 &
  echo $!
}

# cli_beside BINARY: the `schema-registry` CLI built with a server binary (else this tree's
# release one). An older build cannot open a database a newer one migrated, so a database and
# its keys are made by the CLI of the server that will use them.
cli_beside() {
  local cli
  cli="$(dirname "$1")/schema-registry"
  [ -x "$cli" ] || cli=target/release/schema-registry
  echo "$cli"
}

stop_origin() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# create_pg_database NAME (on $TEST_POSTGRES_URL): prints its URL.
create_pg_database() {
  psql "$TEST_POSTGRES_URL/postgres" -qtAc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null
  psql "$TEST_POSTGRES_URL/postgres" -qtAc "CREATE DATABASE $1" >/dev/null
  echo "$TEST_POSTGRES_URL/$1"
}

drop_pg_database() {
  psql "$TEST_POSTGRES_URL/postgres" -qtAc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1 || true
}
