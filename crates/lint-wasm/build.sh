#!/usr/bin/env bash
# Builds crates/lint-wasm/pkg/, the npm package @kubeward/wasm:
#   pkg/node/   CommonJS bindings for Node (`require`, and `import` through index.mjs)
#   pkg/web/    ES module bindings for browsers and bundlers (`await init()` first)
#   pkg/index.d.ts, pkg/package.json, pkg/README.md
# Tools are installed when missing: the wasm32 target (rustup), wasm-bindgen-cli at the
# exact version of the wasm-bindgen crate (cargo install, cached under ~/.cache/kubeward),
# and wasm-opt from the npm package binaryen (npm ci, from package-lock.json).
# Prints the gzipped size of the module and fails above the budget (2.5 MB).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

budget=2500000
cache="${KUBEWARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeward}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

step() { printf '\n==> %s\n' "$*"; }

# The version the workspace pins (`wasm-bindgen = "=X"`) is the one the CLI must have:
# the generated glue and the crate's ABI change between versions.
version="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' "$root/Cargo.toml")"
if [ -z "$version" ]; then
  echo "build.sh: no pinned wasm-bindgen version in Cargo.toml" >&2
  exit 1
fi
tools="$cache/wasm-bindgen-cli-$version"
bindgen="$tools/bin/wasm-bindgen"
if ! "$bindgen" --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
  step "cargo install wasm-bindgen-cli $version"
  cargo install --locked wasm-bindgen-cli --version "$version" --root "$tools"
fi

if command -v rustup >/dev/null 2>&1 &&
  ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci (binaryen, typescript)"
  npm ci --no-audit --no-fund --cache "$cache/npm"
fi

step "cargo build -p lint-wasm --target wasm32-unknown-unknown --profile wasm"
cargo build -p lint-wasm --target wasm32-unknown-unknown --profile wasm --locked
module="$target_dir/wasm32-unknown-unknown/wasm/lint_wasm.wasm"

step "wasm-bindgen $version"
out="$here/pkg"
rm -rf "$out"
mkdir -p "$out"
cp -R npm/. "$out/"
"$bindgen" --target nodejs --out-dir "$out/node" --out-name kubeward "$module"
"$bindgen" --target web --out-dir "$out/web" --out-name kubeward "$module"
crate_version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml")"
sed -i "s/@VERSION@/$crate_version/" "$out/package.json"
cp README.md "$out/README.md"

step "wasm-opt -O3"
# -O3, not -Oz: the same gzipped size here, and linting is faster. Rust's wasm32 target
# enables these features by default; wasm-opt must accept them.
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
opt="$here/node_modules/.bin/wasm-opt"
if ! cmp -s "$out/web/kubeward_bg.wasm" "$out/node/kubeward_bg.wasm"; then
  echo "build.sh: wasm-bindgen made different modules for node and web" >&2
  exit 1
fi
"$opt" -O3 "${features[@]}" "$out/web/kubeward_bg.wasm" -o "$out/web/kubeward_bg.wasm"
# The module is the same for both targets (checked above); only the glue differs.
cp "$out/web/kubeward_bg.wasm" "$out/node/kubeward_bg.wasm"

raw=$(wc -c <"$out/web/kubeward_bg.wasm")
gzipped=$(gzip -9 -c "$out/web/kubeward_bg.wasm" | wc -c)
printf '\nkubeward_bg.wasm: %s bytes, %s bytes gzipped (budget %s)\n' "$raw" "$gzipped" "$budget"
if [ "$gzipped" -gt "$budget" ]; then
  echo "build.sh: the gzipped module is over the budget of $budget bytes" >&2
  exit 1
fi
