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

# schemathesis (PyPI), pinned, in a venv of its own (its dependencies differ from the clients').
SCHEMATHESIS_VENV=${SCHEMATHESIS_VENV:-$HOME/.cache/llm-schema-registry/schemathesis-venv}
SCHEMATHESIS_VERSION=4.32.5

ensure_schemathesis() {
  if [ "$("$SCHEMATHESIS_VENV/bin/schemathesis" --version 2>/dev/null)" = "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
    return
  fi
  step "installing schemathesis $SCHEMATHESIS_VERSION into $SCHEMATHESIS_VENV"
  python3 -m venv "$SCHEMATHESIS_VENV"
  "$SCHEMATHESIS_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}

# run_schemathesis URL: the OpenAPI document the server serves, exercised against it: every
# operation through the coverage phase, then generated requests for a bounded time. Fails on
# any 5xx, or a response whose body or content type the document does not allow. One worker:
# with several threads, hypothesis's lambda-source parsing on Python 3.11 can fail inside
# schemathesis itself ("AST constructor recursion depth mismatch"), a tool error, not ours.
# hypothesis's filter_too_much health check is off: it judges the generator (too many drawn
# path values unusable in a URL, e.g. for DELETE /contexts/{context}), not the API, and which
# operation trips it moves with the seed as operations are added.
run_schemathesis() {
  local url=$1 out phase
  out=$(mktemp)
  for phase in coverage fuzzing; do
    if ! "$SCHEMATHESIS_VENV/bin/schemathesis" run "$url/openapi.json" \
      --checks not_a_server_error,response_schema_conformance,content_type_conformance \
      --phases "$phase" --max-examples 25 --max-time 90 --workers 1 --seed 1 \
      --generation-database none --suppress-health-check=filter_too_much --no-color >"$out" 2>&1; then
      cat "$out"
      rm -f "$out"
      return 1
    fi
    grep -E 'generated|passed|failed' "$out" | tail -n 2
  done
  rm -f "$out"
}

ensure_node_clients() {
  if [ -d tests/clients/node/node_modules/@kafkajs/confluent-schema-registry ] && [ -d tests/clients/node/node_modules/@confluentinc/schemaregistry ]; then
    return
  fi
  step "installing the npm registry clients"
  (cd tests/clients/node && npm ci --no-audit --no-fund --loglevel=error)
}

# The LLM providers' SDKs (offline: their types and conversion helpers), pinned: a Python venv
# (openai, anthropic, pydantic) and tests/llm/node (openai, @anthropic-ai/sdk, @google/genai,
# @modelcontextprotocol/sdk, typescript).
LLM_SDK_VENV=${LLM_SDK_VENV:-$HOME/.cache/llm-schema-registry/llm-sdk-venv}

ensure_llm_sdks() {
  local req=tests/llm/python/requirements.txt stamp
  stamp="$LLM_SDK_VENV/.requirements.sha256"
  if ! [ -x "$LLM_SDK_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum "$req" | cut -d' ' -f1)" ]; then
    step "installing the LLM providers' Python SDKs into $LLM_SDK_VENV"
    python3 -m venv "$LLM_SDK_VENV"
    "$LLM_SDK_VENV/bin/pip" install -q --disable-pip-version-check -r "$req"
    sha256sum "$req" | cut -d' ' -f1 >"$stamp"
  fi
  if ! [ -d tests/llm/node/node_modules/@modelcontextprotocol/sdk ]; then
    step "installing the LLM providers' npm SDKs"
    (cd tests/llm/node && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# run_llm_sdk_tests URL: the registry's exports against the providers' SDKs.
run_llm_sdk_tests() {
  REGISTRY_URL=$1 "$LLM_SDK_VENV/bin/python" -m pytest -q -p no:warnings -p no:cacheprovider tests/llm/python
  (cd tests/llm/node && REGISTRY_URL=$1 node --test)
}

# run_client_tests URL: both clients against the registry at URL.
run_client_tests() {
  REGISTRY_URL=$1 "$CLIENT_VENV/bin/python" -m pytest -q -p no:warnings -p no:cacheprovider tests/clients/python
  (cd tests/clients/node && REGISTRY_URL=$1 PYTHON_CLIENT="$CLIENT_VENV/bin/python" node --test)
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
ensure_console_test_deps() {
  [ -d origin/ui/test/node_modules/playwright-core ] && return
  step "installing the console tests' dependencies"
  (cd origin/ui/test && npm ci --no-audit --no-fund --loglevel=error)
}

run_package_tests() {
  (cd core/wasm/js/test && REGISTRY_URL=$1 node --test ./*.test.mjs)
}
