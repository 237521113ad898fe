# The real registry clients: Python confluent-kafka (a venv kept per machine) and the npm
# clients (tests/clients/node). Installed once, skipped when present. Sourced, not run.

CLIENT_VENV=${CLIENT_VENV:-$HOME/.cache/llm-schema-registry/venv}

ensure_python_clients() {
  local req=tests/clients/python/requirements.txt stamp
  stamp="$CLIENT_VENV/.requirements.sha256"
  if [ -x "$CLIENT_VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$(sha256sum "$req" | cut -d' ' -f1)" ]; then
    return
  fi
  step "installing the Python registry clients (confluent-kafka) into $CLIENT_VENV"
  python3 -m venv "$CLIENT_VENV"
  "$CLIENT_VENV/bin/pip" install -q --disable-pip-version-check -r "$req"
  sha256sum "$req" | cut -d' ' -f1 >"$stamp"
}

ensure_node_clients() {
  if [ -d tests/clients/node/node_modules/@kafkajs/confluent-schema-registry ]; then
    return
  fi
  step "installing the npm registry clients"
  (cd tests/clients/node && npm ci --no-audit --no-fund --loglevel=error)
}

# run_client_tests URL: both clients against the registry at URL.
run_client_tests() {
  REGISTRY_URL=$1 "$CLIENT_VENV/bin/python" -m pytest -q -p no:warnings -p no:cacheprovider tests/clients/python
  (cd tests/clients/node && REGISTRY_URL=$1 node --test)
}

ensure_chromium() {
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
    return
  fi
  step "installing Chromium (Debian) for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

ensure_package_test_deps() {
  if [ -d core/wasm/js/test/node_modules/playwright-core ] && [ -e core/wasm/js/test/node_modules/llm-schema-registry ]; then
    return
  fi
  step "installing the npm package's test dependencies"
  (cd core/wasm/js/test && npm ci --no-audit --no-fund --loglevel=error)
}

# run_package_tests URL: the npm package as built, from Node and in headless Chromium.
run_package_tests() {
  (cd core/wasm/js/test && REGISTRY_URL=$1 node --test ./*.test.mjs)
}
