# PostgreSQL for tests: use the server at $TEST_POSTGRES_URL (default 127.0.0.1:5432) when it
# answers, else start a throwaway cluster from the PostgreSQL binaries on port 55432 and stop it
# when the calling script exits. Sourced, not run.

pg_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
  else
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
  fi
}

pg_answers() {
  psql "$1/postgres" -qtAc 'select 1' >/dev/null 2>&1
}

# The server binaries (initdb, pg_ctl): the fault tests run clusters of their own.
ensure_pg_binaries() {
  local bin
  bin=$(pg_bindir)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    step "installing PostgreSQL (Debian packages)" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  fi
}

# start_throwaway_postgres PORT: prints the data directory.
start_throwaway_postgres() {
  local port=$1 bin dir
  ensure_pg_binaries
  bin=$(pg_bindir)
  dir=$(mktemp -d /tmp/registry-pg.XXXXXX)
  chown postgres "$dir"
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  echo "$dir"
}

stop_throwaway_postgres() {
  local dir=$1
  runuser -u postgres -- "$(pg_bindir)/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

ensure_postgres() {
  local url=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
  if pg_answers "$url"; then
    export TEST_POSTGRES_URL=$url
    return
  fi
  step "no PostgreSQL at $url: starting a throwaway cluster on 127.0.0.1:55432"
  PG_THROWAWAY_DIR=$(start_throwaway_postgres 55432)
  trap 'stop_throwaway_postgres "$PG_THROWAWAY_DIR"' EXIT
  export TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:55432
}
