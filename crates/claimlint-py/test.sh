#!/usr/bin/env bash
# Builds the `claimlint` wheel with maturin, installs it in a fresh virtual
# environment, and runs the Python tests: the package against the command
# line (crates/claimlint-py/tests) and the Dask example on a local cluster
# of two workers (examples/dask). Everything lands under target/py/.
#
#   bash crates/claimlint-py/test.sh              # dev profile (what CI runs)
#   CLAIMLINT_PY_PROFILE=release bash crates/claimlint-py/test.sh
#
# CI builds the wheel in the dev profile: it reuses the core that
# `cargo test` has just compiled, where a release build compiles the whole
# engine again with LTO (about six minutes on two cores). The tests compare
# findings, never speed, so the profile does not change what they prove.
set -euo pipefail
cd "$(dirname "$0")/../.."

profile="${CLAIMLINT_PY_PROFILE:-dev}"
out=target/py
python="${PYTHON:-python3}"

# The build tools, in their own environment.
"$python" -m venv --clear "$out/build-venv"
"$out/build-venv/bin/pip" install --quiet "maturin>=1.9.4,<2"

rm -rf "$out/wheels"
"$out/build-venv/bin/maturin" build --locked --profile "$profile" \
    -m crates/claimlint-py/Cargo.toml -o "$out/wheels"
wheel=$(ls "$out"/wheels/claimlint-*.whl)

# A fresh environment with only the wheel and what the tests use.
"$python" -m venv --clear "$out/test-venv"
"$out/test-venv/bin/pip" install --quiet "$wheel" pytest "dask[distributed]" pyarrow
(cd "$out" && test-venv/bin/python -c 'import claimlint; print("claimlint from", claimlint.__file__)')

# The command line the findings are compared with, built as `cargo test`
# builds it (after `cargo test`, a no-op).
cargo test --locked --no-run --quiet
export CLAIMLINT_BIN="$PWD/target/debug/claimlint"

"$out/test-venv/bin/python" -m pytest -p no:cacheprovider -q \
    crates/claimlint-py/tests examples/dask
