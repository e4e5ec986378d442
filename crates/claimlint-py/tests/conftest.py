"""Shared fixtures: the repository's files and the command line to compare with."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def cli_path() -> Path:
    """The claimlint binary: $CLAIMLINT_BIN, else target/release or target/debug."""
    env = os.environ.get("CLAIMLINT_BIN")
    if env:
        return Path(env).resolve()
    for profile in ("release", "debug"):
        candidate = ROOT / "target" / profile / "claimlint"
        if candidate.is_file():
            return candidate
    pytest.skip("no claimlint binary: build it (cargo build -p claimlint) or set CLAIMLINT_BIN")


@pytest.fixture(scope="session")
def cli():
    """Runs the command line from the repository root; returns (status, stdout, stderr)."""
    binary = cli_path()

    def run(*args: str):
        done = subprocess.run(
            [str(binary), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        return done.returncode, done.stdout, done.stderr

    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    """The diagnostics `claimlint --isolated --format json ARGS` prints."""

    def run(*args: str, isolated: bool = True):
        flags = ["--isolated"] if isolated else []
        status, out, err = cli(*flags, "--format", "json", *args)
        assert status in (0, 1), err
        return json.loads(out)["diagnostics"]

    return run


def rel(path: Path) -> str:
    """`path` relative to the repository root, as the command line shows it."""
    return path.relative_to(ROOT).as_posix()


SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DOCS = sorted((ROOT / "crates/claimlint/tests/fixtures/docs").iterdir())
CORPUS = sorted((ROOT / "crates/claimlint-core/tests/corpus").glob("*.md"))
