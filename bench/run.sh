#!/usr/bin/env bash
# Whole-process benchmark: claimlint against ripgrep (the floor), textlint + prh and
# proselint, on generated Markdown corpora. Writes target/bench-report.md.
#
#   bash bench/run.sh            10 MB corpus (plus 1 MB for the slow tools)
#   bash bench/run.sh --full     also 100 MB, the single 10 MB file, and 1,000 extra rules
#
# Options:
#   --full             scaling runs (corpus size, single large file, 1,000-rule pack)
#   --skip-claimlint   don't build or run claimlint (to test the rest of the harness)
#   --no-install       never install anything; fail if a tool is missing
#   -h, --help         this text
#
# Environment (all optional):
#   BENCH_MIN_RUNS=5         hyperfine --min-runs for the fast tools (>= 3)
#   BENCH_SLOW_RUNS=3        hyperfine --runs for textlint and proselint (>= 3)
#   BENCH_CLAIMLINT_BIN=PATH use this claimlint binary instead of building one
#   BENCH_TEXTLINT_LIMIT=300 seconds; if one textlint run on 10 MB is estimated to take
#                            longer, textlint is measured on 1 MB and scaled
#   TEXTLINT_VERSION, TEXTLINT_PRH_VERSION, PROSELINT_VERSION   pinned tool versions
#
# Needs: bash, python3 (with venv), node + npm, cargo; installs ripgrep, hyperfine and
# time from Debian (apt-get, as root or via sudo), textlint + textlint-rule-prh from npm
# into target/bench-tools/node_modules, proselint from PyPI into target/bench-tools/venv.
set -euo pipefail

DIED=0
die() { DIED=1; printf '\nbench: ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf 'bench: %s\n' "$*" >&2; }
trap 'rc=$?; [ $rc -eq 0 ] || [ "$DIED" = 1 ] || printf "bench: FAILED (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2' EXIT

FULL=0
SKIP_CLAIMLINT=0
NO_INSTALL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --full) FULL=1 ;;
    --skip-claimlint) SKIP_CLAIMLINT=1 ;;
    --no-install) NO_INSTALL=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ -f Cargo.toml ] || die "run from a claimlint checkout (no Cargo.toml in $ROOT)"

BENCH_MIN_RUNS="${BENCH_MIN_RUNS:-5}"
BENCH_SLOW_RUNS="${BENCH_SLOW_RUNS:-3}"
BENCH_TEXTLINT_LIMIT="${BENCH_TEXTLINT_LIMIT:-300}"
TEXTLINT_VERSION="${TEXTLINT_VERSION:-15.8.0}"
TEXTLINT_PRH_VERSION="${TEXTLINT_PRH_VERSION:-6.1.0}"
PROSELINT_VERSION="${PROSELINT_VERSION:-0.16.0}"
[ "$BENCH_MIN_RUNS" -ge 3 ] && [ "$BENCH_SLOW_RUNS" -ge 3 ] || die "BENCH_MIN_RUNS and BENCH_SLOW_RUNS must be >= 3"

CARGO_TARGET="${CARGO_TARGET_DIR:-target}"
TARGET="target"
CORPUS="$TARGET/bench-corpus"
TOOLS="$TARGET/bench-tools"
RESULTS="$TARGET/bench-results"
RULES1000="$TARGET/bench-rules-1000"
REPORT="$TARGET/bench-report.md"
HELPERS="python3 bench/helpers.py"
META="$RESULTS/runs.tsv"
INFO="$RESULTS/info.tsv"

command -v python3 >/dev/null || die "python3 is required"
mkdir -p "$TOOLS" "$RESULTS"
rm -f "$RESULTS"/*
printf 'id\tsection\tlabel\ttool\tcorpus\tcorpus_bytes\tthreads\thyperfine_json\ttimev\tout\toutkind\tbaseline\tnote\n' > "$META"
: > "$INFO"
info() { printf '%s\t%s\n' "$1" "$2" >> "$INFO"; }

load1="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
NPROC="$(nproc)"
CPU_MODEL="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
MEM="$(free -g 2>/dev/null | awk '/^Mem:/{print $2 " GiB"}' || true)"
info machine "$NPROC cores ${CPU_MODEL:+($CPU_MODEL)}, ${MEM:-? memory}, $(uname -sr)"
info load "1-minute load average at start: $load1"
if awk -v l="$load1" 'BEGIN{exit !(l+0 > 0.5)}' 2>/dev/null; then
  log "warning: load average is $load1; something else is running and timings will be noisy"
fi

# ----------------------------------------------------------------------------- seeds
if ! ls seeds/*.txt >/dev/null 2>&1; then
  if ls ../shared/seeds/*.txt >/dev/null 2>&1; then
    log "seeds/ is missing; copying ../shared/seeds/*.txt"
    mkdir -p seeds && cp ../shared/seeds/*.txt seeds/ && chmod u+w seeds/*.txt
  else
    die "no seed articles: seeds/*.txt is missing (and ../shared/seeds too)"
  fi
fi

# ----------------------------------------------------------------------------- build
BIN=""
if [ "$SKIP_CLAIMLINT" = 0 ] && [ -n "${BENCH_CLAIMLINT_BIN:-}" ]; then
  BIN="$BENCH_CLAIMLINT_BIN"
  log "using BENCH_CLAIMLINT_BIN=$BIN (no build)"
  [ -x "$BIN" ] || die "BENCH_CLAIMLINT_BIN=$BIN is not executable"
  "$BIN" --help >/dev/null 2>&1 || die "$BIN --help failed"
  info claimlint "$("$BIN" --version 2>/dev/null || echo 'version unknown') ($BIN, given by BENCH_CLAIMLINT_BIN, not built here)"
elif [ "$SKIP_CLAIMLINT" = 0 ]; then
  command -v cargo >/dev/null || die "cargo is required to build claimlint"
  log "building claimlint: cargo build --release --locked"
  cargo build --release --locked || die "cargo build --release --locked failed"
  BIN="$CARGO_TARGET/release/claimlint"
  [ -x "$BIN" ] || die "build finished but $BIN is missing"
  "$BIN" --help >/dev/null 2>&1 || die "$BIN --help failed"
  info claimlint "$("$BIN" --version 2>/dev/null || echo 'version unknown') ($BIN, release build)"
else
  log "skipping claimlint (--skip-claimlint)"
  info claimlint "not run (--skip-claimlint)"
fi

# ----------------------------------------------------------------------------- corpora
SIZES="1,10"
[ "$FULL" = 1 ] && SIZES="1,10,100"
SINGLE=0
[ "$FULL" = 1 ] && SINGLE=10
if python3 bench/gen_corpus.py "$CORPUS" --sizes "$SIZES" --single "$SINGLE" --check >/dev/null; then
  log "corpora in $CORPUS are current"
else
  log "generating corpora ($SIZES MB$([ "$SINGLE" != 0 ] && echo ", single ${SINGLE} MB file")) in $CORPUS"
  python3 bench/gen_corpus.py "$CORPUS" --sizes "$SIZES" --single "$SINGLE" || die "corpus generation failed"
fi
corpus_bytes() { find "$1" -type f -printf '%s\n' | awk '{s+=$1} END{print s+0}'; }
corpus_files() { find "$1" -type f | wc -l; }
info corpus "$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("generated from %s source articles (seeds/*.txt + tests/corpus/), input digest %s, seed %s" % (m.get("articles", "?"), m["digest"], m["seed"]))' "$CORPUS/10MB.manifest.json")"
for c in 1MB 10MB; do
  info corpus "$c: $CORPUS/$c, $(corpus_files "$CORPUS/$c") Markdown files, $(corpus_bytes "$CORPUS/$c") bytes"
done
if [ "$FULL" = 1 ]; then
  info corpus "100MB: $CORPUS/100MB, $(corpus_files "$CORPUS/100MB") Markdown files, $(corpus_bytes "$CORPUS/100MB") bytes"
  info corpus "single-10MB: $CORPUS/single-10MB/corpus.md, one file, $(corpus_bytes "$CORPUS/single-10MB") bytes"
fi

# ----------------------------------------------------------------------------- tools
APT_UPDATED=0
apt_install() {
  [ "$NO_INSTALL" = 0 ] || die "missing $* and --no-install was given"
  command -v apt-get >/dev/null || die "cannot install $*: apt-get not found (install them by hand)"
  local SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "cannot install $*: not root and no sudo (install them by hand)"
    SUDO="sudo"
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    $SUDO apt-get update -qq || die "apt-get update failed; cannot install $*"
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >&2 || die "apt-get install -y $* failed"
}
missing=()
command -v rg >/dev/null || missing+=(ripgrep)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
command -v rg >/dev/null || die "ripgrep (rg) is still missing after install"
command -v hyperfine >/dev/null || die "hyperfine is still missing after install"
[ -x /usr/bin/time ] || die "/usr/bin/time is still missing after install"
RG="$(command -v rg)"
info ripgrep "$("$RG" --version | sed -n 1p)"
info hyperfine "$(hyperfine --version)"

TEXTLINT="$TOOLS/node_modules/.bin/textlint"
if [ ! -x "$TEXTLINT" ] || [ ! -d "$TOOLS/node_modules/textlint-rule-prh" ]; then
  [ "$NO_INSTALL" = 0 ] || die "textlint is missing in $TOOLS and --no-install was given"
  command -v npm >/dev/null || die "cannot install textlint: npm not found (install node 20 + npm)"
  [ -f "$TOOLS/package.json" ] || printf '{"name":"claimlint-bench-tools","private":true}\n' > "$TOOLS/package.json"
  log "npm install textlint@$TEXTLINT_VERSION textlint-rule-prh@$TEXTLINT_PRH_VERSION into $TOOLS/node_modules"
  (cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error \
      "textlint@$TEXTLINT_VERSION" "textlint-rule-prh@$TEXTLINT_PRH_VERSION" >&2) \
    || die "npm install of textlint/textlint-rule-prh failed"
  [ -x "$TEXTLINT" ] || die "textlint is still missing after npm install"
fi
info textlint "$("$TEXTLINT" --version) (local, $TOOLS/node_modules)"
info textlint-rule-prh "$(node -p "require('./$TOOLS/node_modules/textlint-rule-prh/package.json').version" 2>/dev/null || echo '?'), prh $(node -p "require('./$TOOLS/node_modules/prh/package.json').version" 2>/dev/null || echo '?')"
info node "$(node --version 2>/dev/null || echo '?')"

PROSELINT="$TOOLS/venv/bin/proselint"
if ! "$PROSELINT" version >/dev/null 2>&1; then
  [ "$NO_INSTALL" = 0 ] || die "proselint is missing in $TOOLS/venv and --no-install was given"
  log "pip install proselint==$PROSELINT_VERSION into $TOOLS/venv"
  rm -rf "$TOOLS/venv"
  python3 -m venv "$TOOLS/venv" || die "python3 -m venv failed (install python3-venv)"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check "proselint==$PROSELINT_VERSION" >&2 \
    || die "pip install proselint==$PROSELINT_VERSION failed"
  "$PROSELINT" version >/dev/null 2>&1 || die "proselint is still not runnable after install"
fi
info proselint "$("$PROSELINT" version 2>&1 | sed -n 1p) (venv, $TOOLS/venv)"
info python "$(python3 --version 2>&1)"

# ----------------------------------------------------------------------------- phrases
PHRASES="$TOOLS/phrases.txt"
PHRASE_SRC=""
if [ -n "$BIN" ] && "$BIN" rules --export-phrases > "$RESULTS/exported-phrases.txt" 2>"$RESULTS/exported-phrases.err" \
   && grep -q '[^[:space:]]' "$RESULTS/exported-phrases.txt"; then
  PHRASE_SRC="exported by \`claimlint rules --export-phrases\`"
  n_phrases="$($HELPERS phrases "$RESULTS/exported-phrases.txt" --out "$PHRASES")"
else
  if [ -n "$BIN" ]; then
    log "warning: \`claimlint rules --export-phrases\` failed or printed nothing; using bench/phrases-fallback.txt"
  fi
  PHRASE_SRC="bench/phrases-fallback.txt (fallback: \`claimlint rules --export-phrases\` unavailable)"
  n_phrases="$($HELPERS phrases --comments bench/phrases-fallback.txt --out "$PHRASES")"
fi
info phrases "$n_phrases phrases, $PHRASE_SRC; copied to $PHRASES"
log "phrase list: $n_phrases phrases, $PHRASE_SRC"

# Every phrase the pack searches for: the trigger phrases with the lexicon
# terms and term groups the rules read context with. ripgrep on this list
# shows what matching that vocabulary alone costs (a second, informative
# floor; the targets use the trigger phrases above).
VOCAB="$TOOLS/vocabulary.txt"
if [ -n "$BIN" ] && "$BIN" rules --export-phrases --with-context > "$RESULTS/exported-vocabulary.txt" 2>"$RESULTS/exported-vocabulary.err" \
   && grep -q '[^[:space:]]' "$RESULTS/exported-vocabulary.txt"; then
  n_vocab="$($HELPERS phrases "$RESULTS/exported-vocabulary.txt" --out "$VOCAB")"
  info vocabulary "$n_vocab phrases, exported by \`claimlint rules --export-phrases --with-context\` (the trigger phrases, lexicon terms and term groups); copied to $VOCAB"
else
  log "warning: \`claimlint rules --export-phrases --with-context\` failed or printed nothing; no vocabulary row"
  VOCAB=""
fi

$HELPERS prh "$PHRASES" --yml "$TOOLS/prh.yml" --rc "$TOOLS/.textlintrc.json" >/dev/null
TEXTLINT_RC="$ROOT/$TOOLS/.textlintrc.json"

# ----------------------------------------------------------------------------- helpers
q() { local out="" a; for a in "$@"; do out+="$(printf '%q' "$a") "; done; printf '%s' "${out% }"; }

# check_run ID OUTKIND CMD...: one run under /usr/bin/time -v, output kept in RESULTS/ID.out.
# Exit 0 or 1 (findings) is fine; anything else stops the benchmark.
check_run() {
  local id="$1"; shift
  local rc=0
  /usr/bin/time -v -o "$RESULTS/$id.time" "$@" > "$RESULTS/$id.out" 2> "$RESULTS/$id.err" || rc=$?
  if [ "$rc" -gt 1 ]; then
    log "command failed with exit $rc: $(q "$@")"
    tail -n 20 "$RESULTS/$id.err" >&2 || true
    die "$id: exit status $rc (0 = clean, 1 = findings; anything else is an error)"
  fi
  [ -s "$RESULTS/$id.time" ] || die "$id: /usr/bin/time -v wrote no log"
  # Some tools report internal errors and still exit 0/1 (textlint does, for a rule
  # that fails to load); treat an error on stderr as fatal.
  if grep -Eq '(^|[^[:alnum:]])(Error|error:|Traceback|panicked)' "$RESULTS/$id.err"; then
    log "command reported an error on stderr: $(q "$@")"
    head -n 20 "$RESULTS/$id.err" >&2 || true
    die "$id: the tool reported an error (see $RESULTS/$id.err)"
  fi
  if [ -s "$RESULTS/$id.err" ]; then
    log "note: $id wrote to stderr: $(head -c 300 "$RESULTS/$id.err" | tr '\n' ' ')"
  fi
}

# check_claimlint_files ID DIR: the JSON summary must count every corpus file
# (guards against the walker skipping files, e.g. through an ignore file).
check_claimlint_files() {
  local id="$1" dir="$2" want got
  want="$(corpus_files "$dir")"
  got="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["files"])' "$RESULTS/$id.out" 2>/dev/null || echo '?')"
  if [ "$got" != "$want" ]; then
    log "WARNING: claimlint linted $got files in $dir, expected $want"
    info note "WARNING: claimlint's JSON summary counts $got files in $dir; the corpus has $want."
  fi
}

# add_row ID SECTION LABEL TOOL CORPUS_DIR THREADS HF_JSON OUTKIND BASELINE [NOTE]
add_row() {
  local id="$1" section="$2" label="$3" tool="$4" dir="$5" threads="$6" hf="$7" kind="$8" base="$9" note="${10:-}"
  local cname; cname="$(basename "$dir")"
  [ "$cname" = "corpus.md" ] && cname="$(basename "$(dirname "$dir")")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$id" "$section" "$label" "$tool" "$cname" "$(corpus_bytes "$dir")" "$threads" "$hf" \
    "$RESULTS/$id.time" "$RESULTS/$id.out" "$kind" "$base" "$note" >> "$META"
}

# bench GROUP RUNSPEC ID=CMDSTRING...: one hyperfine call, side by side.
bench() {
  local group="$1" runspec="$2"; shift 2
  local args=() spec
  for spec in "$@"; do args+=(-n "${spec%%=*}" "${spec#*=}"); done
  log "hyperfine [$group]"
  # shellcheck disable=SC2086
  hyperfine --style basic --warmup 1 $runspec --ignore-failure \
    --export-json "$RESULTS/$group.json" --export-markdown "$RESULTS/$group.md" "${args[@]}" >&2 \
    || die "hyperfine failed for group $group"
}

FAST="--min-runs $BENCH_MIN_RUNS"
SLOW="--runs $BENCH_SLOW_RUNS"
ALLT="all ($NPROC)"

# rg_cmd DIR THREADS(1|default) [PHRASEFILE]
rg_args() {
  local dir="$1" th="$2" ph="${3:-$PHRASES}"
  local a=("$RG" -i -w -F -f "$ph" -c)
  [ "$th" = 1 ] && a+=(--threads 1)
  a+=("$dir")
  printf '%s\n' "${a[@]}"
}
cl_args() {
  local dir="$1" th="$2"; shift 2
  local a=("$BIN" "$@" --format json)
  [ "$th" = 1 ] && a+=(--threads 1)
  a+=("$dir")
  printf '%s\n' "${a[@]}"
}
# Run one tool set on one corpus: sanity/time -v runs, then a hyperfine group.
run_floor_and_claimlint() {
  local group="$1" section="$2" dir="$3" runspec="$4"
  local -a r1 rN c1 cN specs=()
  mapfile -t r1 < <(rg_args "$dir" 1)
  mapfile -t rN < <(rg_args "$dir" default)
  check_run "$group-rg-1" "${r1[@]}"
  check_run "$group-rg-all" "${rN[@]}"
  if [ -n "$BIN" ]; then
    mapfile -t c1 < <(cl_args "$dir" 1)
    mapfile -t cN < <(cl_args "$dir" default)
    check_run "$group-claimlint-1" "${c1[@]}"
    check_run "$group-claimlint-all" "${cN[@]}"
    check_claimlint_files "$group-claimlint-all" "$dir"
    specs+=("$group-claimlint-1=$(q "${c1[@]}") > /dev/null" "$group-claimlint-all=$(q "${cN[@]}") > /dev/null")
    if [ "$group" = c10 ]; then
      # No rules: what reading, Markdown, segments, sentences and the JSON
      # document cost before any rule runs.
      local c0=()
      mapfile -t c0 < <(cl_args "$dir" 1 --no-default-rules)
      check_run "$group-claimlint-norules" "${c0[@]}"
      specs+=("$group-claimlint-norules=$(q "${c0[@]}") > /dev/null")
    fi
  fi
  if [ "$group" = c10 ] && [ -n "$VOCAB" ]; then
    local v1=()
    mapfile -t v1 < <(rg_args "$dir" 1 "$VOCAB")
    check_run "$group-rg-vocab-1" "${v1[@]}"
    specs+=("$group-rg-vocab-1=$(q "${v1[@]}") > /dev/null")
  fi
  specs+=("$group-rg-1=$(q "${r1[@]}") > /dev/null" "$group-rg-all=$(q "${rN[@]}") > /dev/null")
  bench "$group" "$runspec" "${specs[@]}"
  if [ -n "$BIN" ]; then
    add_row "$group-claimlint-1" "$section" claimlint claimlint "$dir" 1 "$RESULTS/$group.json" claimlint-json "$group-rg-1"
    add_row "$group-claimlint-all" "$section" claimlint claimlint "$dir" "$ALLT" "$RESULTS/$group.json" claimlint-json "$group-rg-1"
    [ "$group" = c10 ] && add_row "$group-claimlint-norules" "$section" "claimlint, no rules (\`--no-default-rules\`)" claimlint "$dir" 1 "$RESULTS/$group.json" claimlint-json "$group-rg-1" \
      "reading, Markdown, segments, sentences and JSON only"
  fi
  add_row "$group-rg-1" "$section" "ripgrep (floor)" rg "$dir" 1 "$RESULTS/$group.json" rg-count "$group-rg-1"
  add_row "$group-rg-all" "$section" "ripgrep (floor)" rg "$dir" "$ALLT" "$RESULTS/$group.json" rg-count "$group-rg-1"
  [ "$group" = c10 ] && [ -n "$VOCAB" ] && add_row "$group-rg-vocab-1" "$section" "ripgrep, every phrase the pack searches for" rg "$dir" 1 "$RESULTS/$group.json" rg-count "$group-rg-1" \
    "the trigger phrases with the lexicon terms and term groups ($n_vocab phrases)"
  return 0
}

C1="$CORPUS/1MB"
C10="$CORPUS/10MB"

# ----------------------------------------------------------------------------- main runs
log "== 10 MB: claimlint and ripgrep"
run_floor_and_claimlint c10 main "$C10" "$FAST"

log "== 1 MB: ripgrep baseline for the slow tools"
run_floor_and_claimlint c1 main "$C1" "$FAST"

log "== start-up: one post, and the three posts of a commit"
# The pre-commit case: the whole process on a few kilobytes, loading the
# embedded pack included.
startup_specs=()
for posts in 1 3; do
  d="$CORPUS/post-$posts"
  rm -rf "$d"; mkdir -p "$d"
  find "$C1" -type f -name '*.md' | sort | head -n "$posts" | while read -r f; do cp "$f" "$d/"; done
  mapfile -t r < <(rg_args "$d" default)
  check_run "startup-rg-$posts" "${r[@]}"
  if [ -n "$BIN" ]; then
    mapfile -t c < <(cl_args "$d" default)
    check_run "startup-claimlint-$posts" "${c[@]}"
    check_claimlint_files "startup-claimlint-$posts" "$d"
    startup_specs+=("startup-claimlint-$posts=$(q "${c[@]}") > /dev/null")
  fi
  startup_specs+=("startup-rg-$posts=$(q "${r[@]}") > /dev/null")
done
bench startup "--min-runs 30" "${startup_specs[@]}"
for posts in 1 3; do
  if [ "$posts" = 1 ]; then label="one post"; else label="three posts (a commit)"; fi
  if [ -n "$BIN" ]; then
    add_row "startup-claimlint-$posts" startup "claimlint, $label" claimlint "$CORPUS/post-$posts" "$ALLT" "$RESULTS/startup.json" claimlint-json "startup-rg-$posts"
  fi
  add_row "startup-rg-$posts" startup "ripgrep (floor), $label" rg "$CORPUS/post-$posts" "$ALLT" "$RESULTS/startup.json" rg-count "startup-rg-$posts"
done

log "== textlint + prh"
# textlint: probe on one file (start-up) and on 1 MB, then decide the corpus.
TL=("$TEXTLINT" --config "$TEXTLINT_RC")
check_run c1-textlint-startup "${TL[@]}" "$(find "$C1" -type f -name '*.md' | sort | sed -n 1p)"
check_run c1-textlint "${TL[@]}" "$C1"
tl0="$($HELPERS timev "$RESULTS/c1-textlint-startup.time" wall)"
tl1="$($HELPERS timev "$RESULTS/c1-textlint.time" wall)"
b1="$(corpus_bytes "$C1")"; b10="$(corpus_bytes "$C10")"
# start-up + per-byte cost measured on 1 MB, extrapolated to 10 MB
est10="$(python3 -c "s=min($tl0,$tl1); print(round(s + ($tl1 - s) * $b10 / $b1, 1))")"
log "textlint: start-up ${tl0} s, 1 MB ${tl1} s, estimated 10 MB ${est10} s (limit ${BENCH_TEXTLINT_LIMIT} s)"
if python3 -c "import sys; sys.exit(0 if $est10 > $BENCH_TEXTLINT_LIMIT else 1)"; then
  msg="one run on 10 MB was estimated at ${est10} s (> ${BENCH_TEXTLINT_LIMIT} s), so textlint ran on the 1 MB corpus; scaled to 10 MB (start-up ${tl0} s + 10 × the rest): ~${est10} s, ~$(python3 -c "print(round($b10/1e6/$est10, 3))") MB/s"
  log "$msg"
  bench textlint "$SLOW" "c1-textlint=$(q "${TL[@]}" "$C1") > /dev/null"
  add_row c1-textlint main "textlint + prh" textlint "$C1" 1 "$RESULTS/textlint.json" textlint c1-rg-1 "$msg"
else
  check_run c10-textlint "${TL[@]}" "$C10"
  bench textlint "$SLOW" "c10-textlint=$(q "${TL[@]}" "$C10") > /dev/null"
  add_row c10-textlint main "textlint + prh" textlint "$C10" 1 "$RESULTS/textlint.json" textlint c10-rg-1 \
    "one Node process; prh dictionary with $n_phrases regex rules generated from the phrase list"
fi

log "== proselint (1 MB)"
PL=("$PROSELINT" check -o compact)
check_run c1-proselint "${PL[@]}" "$C1"
bench proselint "$SLOW" "c1-proselint=$(q "${PL[@]}" "$C1") > /dev/null"
add_row c1-proselint main proselint proselint "$C1" 1 "$RESULTS/proselint.json" proselint c1-rg-1 \
  "its own default checks (style, not health claims); one Python process"

# ----------------------------------------------------------------------------- --full
if [ "$FULL" = 1 ]; then
  # The 1 MB and 10 MB rows again in this section, for the size table (same data).
  for g in c1 c10; do
    if [ -n "$BIN" ]; then
      add_row "$g-claimlint-1" size claimlint claimlint "$CORPUS/${g#c}MB" 1 "$RESULTS/$g.json" claimlint-json "$g-rg-1"
      add_row "$g-claimlint-all" size claimlint claimlint "$CORPUS/${g#c}MB" "$ALLT" "$RESULTS/$g.json" claimlint-json "$g-rg-1"
    fi
    add_row "$g-rg-1" size "ripgrep (floor)" rg "$CORPUS/${g#c}MB" 1 "$RESULTS/$g.json" rg-count "$g-rg-1"
  done

  log "== --full: 100 MB"
  run_floor_and_claimlint c100 size "$CORPUS/100MB" "--runs $BENCH_SLOW_RUNS"
  log "== --full: single 10 MB file"
  run_floor_and_claimlint single size "$CORPUS/single-10MB/corpus.md" "$FAST"
  log "== --full: 1,000 generated phrase rules"
  $HELPERS rules-pack "$RULES1000" --count 1000 >&2
  cat "$PHRASES" "$RULES1000/phrases.txt" > "$TOOLS/phrases-plus-1000.txt"
  mapfile -t rbig < <(rg_args "$C10" 1 "$TOOLS/phrases-plus-1000.txt")
  check_run rules-rg-1 "${rbig[@]}"
  specs=("rules-rg-1=$(q "${rbig[@]}") > /dev/null")
  if [ -n "$BIN" ]; then
    mapfile -t cdef < <(cl_args "$C10" default)
    mapfile -t cbig < <(cl_args "$C10" default --rules "$RULES1000")
    check_run rules-claimlint-default "${cdef[@]}"
    check_run rules-claimlint-1000 "${cbig[@]}"
    specs=("rules-claimlint-default=$(q "${cdef[@]}") > /dev/null" "rules-claimlint-1000=$(q "${cbig[@]}") > /dev/null" "${specs[@]}")
  fi
  bench rules "$FAST" "${specs[@]}"
  if [ -n "$BIN" ]; then
    add_row rules-claimlint-default rules "claimlint, default pack" claimlint "$C10" "$ALLT" "$RESULTS/rules.json" claimlint-json c10-rg-1
    add_row rules-claimlint-1000 rules "claimlint, --rules bench-rules-1000" claimlint "$C10" "$ALLT" "$RESULTS/rules.json" claimlint-json rules-rg-1 \
      "\`--rules $RULES1000\` (1,000 generated phrase rules)"
  fi
  add_row rules-rg-1 rules "ripgrep, phrase list + 1,000 phrases" rg "$C10" 1 "$RESULTS/rules.json" rg-count rules-rg-1
  add_row c10-rg-1 rules "ripgrep, phrase list" rg "$C10" 1 "$RESULTS/c10.json" rg-count c10-rg-1
fi

# ----------------------------------------------------------------------------- report
info load "1-minute load average at the end: $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
info note "Corpora: $CORPUS (bench/gen_corpus.py, fixed seed); ~10 KB Markdown files made from seeds/*.txt and tests/corpus/."
info note "Commands: see the hyperfine exports in $RESULTS/*.md; the rg floor is \`rg -i -w -F -f $PHRASES -c DIR\`."
$HELPERS report --meta "$META" --info "$INFO" --out "$REPORT" $([ "$FULL" = 1 ] && echo --full) || die "report generation failed"
log "done"
echo "$ROOT/$REPORT"
