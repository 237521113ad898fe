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
