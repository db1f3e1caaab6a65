#!/usr/bin/env bash
# Builds crates/lint-wasm/pkg/, the npm package @kubeward/wasm:
#   pkg/node/   CommonJS bindings for Node (`require`, and `import` through index.mjs)
#   pkg/web/    ES module bindings for browsers and bundlers (`await init()` first)
#   pkg/index.d.ts, pkg/package.json, pkg/README.md
# Tools are installed when missing by scripts/wasm-tools: the wasm32 target (rustup),
# wasm-bindgen-cli at the exact version of the wasm-bindgen crate in Cargo.lock (cargo
# install, cached under ~/.cache/kubeward), and wasm-opt from the npm package binaryen (npm
# ci, from package-lock.json; Debian's binaryen makes modules that fail to load).
# Prints the gzipped size of the module and fails above the budget (2.5 MB).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

budget=2500000
target_dir="${CARGO_TARGET_DIR:-$root/target}"

step() { printf '\n==> %s\n' "$*"; }

step "scripts/wasm-tools (installs what is missing)"
bindgen="$("$root/scripts/wasm-tools" --print-bindgen | tail -n 1)"
version="$("$bindgen" --version | cut -d' ' -f2)"

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
