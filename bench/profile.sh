#!/usr/bin/env bash
# Where claimlint's time goes, by pipeline stage: `perf record` with DWARF call
# graphs over a corpus, one thread, and bench/stages.py over the samples.
#
#   bash bench/profile.sh [CORPUS] [RUNS]
#
# CORPUS defaults to target/bench-corpus/10MB (`bash bench/run.sh` generates it),
# RUNS to 3. Needs `perf` (Debian's linux-perf) with sampling allowed. Builds a
# release binary with line tables into target/profile (so inlined frames have
# names) and prints a Markdown table of each stage's share of the samples.
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS="${1:-target/bench-corpus/10MB}"
RUNS="${2:-3}"
command -v perf >/dev/null || { echo "profile.sh: perf is not installed" >&2; exit 2; }
[ -e "$CORPUS" ] || { echo "profile.sh: $CORPUS is missing (bash bench/run.sh makes it)" >&2; exit 2; }

CARGO_TARGET_DIR=target/profile CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
  cargo build --release --locked --quiet
BIN=target/profile/release/claimlint
OUT=target/profile/samples
mkdir -p "$OUT"
rm -f "$OUT"/*.txt
for i in $(seq "$RUNS"); do
  perf record --quiet -F 4000 --call-graph dwarf,16384 -o "$OUT/perf.data" \
    "$BIN" --format json --threads 1 "$CORPUS" >/dev/null 2>"$OUT/run.err" || [ $? = 1 ]
  perf script -i "$OUT/perf.data" 2>/dev/null >"$OUT/run-$i.txt"
done
python3 bench/stages.py "$OUT"/run-*.txt
