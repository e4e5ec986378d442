#!/usr/bin/env bash
# Builds the playground into web/dist/: index.html, its script and style,
# the example drafts, the service worker that keeps it working offline, and
# claimlint.wasm (crates/claimlint-wasm for wasm32-unknown-unknown). Publish
# web/dist/ as static files on any host.
#
#   bash web/build.sh                    # build (cargo, no Node needed)
#   CLAIMLINT_WASM_OPT=1 bash web/build.sh   # also run wasm-opt (binaryen), if installed
set -euo pipefail
cd "$(dirname "$0")/.."

out=web/dist
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
cargo build --locked -p claimlint-wasm --target wasm32-unknown-unknown --profile wasm
wasm=target/wasm32-unknown-unknown/wasm/claimlint_wasm.wasm

rm -rf "$out"
mkdir -p "$out/examples"
cp web/src/index.html web/src/style.css web/src/app.js web/src/claimlint.js web/src/icon.svg "$out/"
cp web/src/examples/honest.md web/src/examples/hype.md "$out/examples/"
if [[ "${CLAIMLINT_WASM_OPT:-0}" == 1 ]] && command -v wasm-opt > /dev/null; then
    # The features Rust's wasm32 target enables by default.
    wasm-opt -O3 --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
        --enable-nontrapping-float-to-int "$wasm" -o "$out/claimlint.wasm"
else
    cp "$wasm" "$out/claimlint.wasm"
fi
# The service worker's cache is named after the build, so a new build
# replaces what browsers cached of the old one.
digest=$(cd "$out" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
sed "s/__BUILD_DIGEST__/$digest/" web/src/sw.js > "$out/sw.js"

raw=$(wc -c < "$out/claimlint.wasm")
gz=$(gzip -9 -c "$out/claimlint.wasm" | wc -c)
echo "web/dist: claimlint.wasm $raw bytes ($gz gzipped), build $digest"
