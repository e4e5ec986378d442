#!/usr/bin/env bash
# Measures the playground in Debian's chromium: page ready, re-lint of a
# ~10 KB post, and the .wasm's size (BENCHMARKS.md, "The web playground").
# Builds web/dist and the post (bench/gen_corpus.py) first.
#
#   bash web/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
bash web/build.sh
python3 bench/gen_corpus.py target/bench-corpus --sizes 1 --single 0 > /dev/null
(cd web && npm ci --no-audit --no-fund --loglevel=error)
cd web && node bench/bench.mjs ../target/bench-corpus/1MB/post-00001.md "${1:-10}"
