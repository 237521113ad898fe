# Load-generation helpers shared by the benchmark scripts: nginx as the static-file reference
# and wrk runs summarised on one line. Sourced, not run.

# start_nginx DIR PORT: serves DIR/www on 127.0.0.1:PORT (config, pid and log under DIR).
start_nginx() {
  local dir=$1 port=$2
  chmod 755 "$dir" && chmod -R a+rX "$dir/www"   # nginx workers run unprivileged
  cat >"$dir/nginx.conf" <<NGINX
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$port;
    root $dir/www;
    default_type application/vnd.schemaregistry.v1+json;
  }
}
NGINX
  nginx -c "$dir/nginx.conf"
}

stop_nginx() {
  [ -f "$1/nginx.pid" ] && nginx -c "$1/nginx.conf" -s stop 2>/dev/null || true
}

# wrk_run SECONDS CONNECTIONS URL [LUA_FILE] -> "rps p50_ms p99_ms p999_ms non2xx"
# (2 threads; LUA_FILE may set headers or a request() function; the percentiles come from
# wrk's own histogram through a done() hook appended here).
wrk_run() {
  local secs=$1 conns=$2 url=$3 lua=${4:-} script out
  script=$(mktemp --suffix .lua) out=$(mktemp)
  { [ -n "$lua" ] && cat "$lua"; cat <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("WRK_SUMMARY %.0f %.3f %.3f %.3f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
  } >"$script"
  wrk -t2 -c"$conns" -d"${secs}s" -s "$script" "$url" >"$out"
  grep '^WRK_SUMMARY ' "$out" | cut -d' ' -f2-
  rm -f "$script" "$out"
}
