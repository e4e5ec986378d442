#!/usr/bin/env python3
"""Throughput of the Python package against the command line, and of the
Dask example on 1 and 2 workers, on the 10 MB corpus.

    python3 bench/gen_corpus.py target/bench-corpus --sizes 10 --single 0
    cargo build --release --locked -p claimlint
    (cd crates/claimlint-py && maturin build --release --locked -o ../../target/wheels)
    python3 -m venv target/bench-venv
    target/bench-venv/bin/pip install target/wheels/claimlint-*.whl "dask[distributed]" pyarrow
    target/bench-venv/bin/python bench/python_bench.py

Every figure is the run with the least wall time of --runs runs, with the
CPU time (user + system) it used: pages per CPU-second is pages per second
per core when the cores are free, and depends far less than wall time on
what else the machine runs. Pages are the corpus's
~10 KB Markdown files. The package's figures lint texts already in memory;
the command line's read the files and write JSON to /dev/null; the Dask
figures include reading JSONL, shipping the linter, linting, and writing
the findings to Parquet, but not starting the cluster. Prints a Markdown
table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples" / "dask"))


def cpu_now():
    """CPU seconds (user + system) of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def best(runs, fn, cpu=cpu_now):
    """(wall seconds, CPU seconds, result) of the run with the least wall time."""
    runs_seen = []
    result = None
    for _ in range(runs):
        cpu_before = cpu()
        started = time.perf_counter()
        result = fn()
        wall = time.perf_counter() - started
        runs_seen.append((wall, cpu() - cpu_before))
    wall, used = min(runs_seen)
    return wall, used, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(ROOT / "target/bench-corpus/10MB"))
    parser.add_argument("--cli", default=str(ROOT / "target/release/claimlint"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()

    import claimlint

    corpus = Path(args.corpus)
    files = sorted(corpus.glob("*.md"))
    if not files:
        sys.exit(f"{corpus}: no corpus (python3 bench/gen_corpus.py target/bench-corpus --sizes 10 --single 0)")
    items = [(str(p), p.read_text(encoding="utf-8")) for p in files]
    pages = len(items)
    megabytes = sum(len(t.encode()) for _, t in items) / 1e6
    rows = []

    def row(what, seconds, cpu, cores, note=""):
        rows.append((what, cores, seconds, cpu, pages / seconds, pages / cpu, note))

    started = time.perf_counter()
    linter = claimlint.Linter()
    compile_s = time.perf_counter() - started
    findings = sum(len(f) for f in linter.lint_many(items, threads=1))  # warm-up

    s, c, _ = best(args.runs, lambda: [linter.lint(t, p) for p, t in items])
    row("package, `Linter.lint` in a loop", s, c, 1)
    s, c, _ = best(args.runs, lambda: linter.lint_many(items, threads=1))
    row("package, `lint_many(threads=1)`", s, c, 1)
    s, c, _ = best(args.runs, lambda: linter.lint_many(items, threads=2))
    row("package, `lint_many(threads=2)`", s, c, 2)

    for jobs in (1, 2):
        cmd = [args.cli, "--isolated", "-j", str(jobs), "--format", "json", "-q", str(corpus)]

        def run_cli():
            with open(os.devnull, "w") as devnull:
                subprocess.run(cmd, stdout=devnull, check=False)

        s, c, _ = best(args.runs, run_cli)
        row(f"CLI, `-j {jobs} --format json`", s, c, jobs, "whole process: start-up, reading files, JSON")

    memory = {}
    if not args.skip_dask:
        import lint_pages
        from dask.distributed import Client, LocalCluster

        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "pages.jsonl"
            with open(source, "w", encoding="utf-8") as f:
                for path, text in items:
                    f.write(json.dumps({"url": path, "text": text}) + "\n")
            for workers in (1, 2):
                with LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster, Client(cluster) as client:
                    out = str(Path(tmp) / f"out-{workers}")
                    def rss():
                        import psutil

                        return psutil.Process().memory_info().rss

                    def worker_cpu():
                        import psutil

                        t = psutil.Process().cpu_times()
                        return t.user + t.system

                    def cluster_cpu():
                        return cpu_now() + sum(client.run(worker_cpu).values())

                    lint_pages.run(str(source), out, linter, blocksize="1MiB")  # warm-up
                    s, c, totals = best(
                        args.runs,
                        lambda: lint_pages.run(str(source), out, linter, blocksize="1MiB"),
                        cpu=cluster_cpu,
                    )
                    assert totals["pages"] == pages and totals["findings"] == findings, totals
                    row(f"Dask, {workers} worker{'s' if workers > 1 else ''} × 1 thread", s, c, workers,
                        f"{totals['partitions']} partitions of 1 MiB JSONL, findings to Parquet; CPU of client and workers")

                    memory[workers] = max(client.run(rss).values()) / 2**20

    print(f"{pages} pages, {megabytes:.1f} MB, {findings} findings; "
          f"compiling the built-in pack: {compile_s * 1000:.0f} ms; cores: {os.cpu_count()}, "
          f"load average before: {os.getloadavg()[0]:.2f}\n")
    print("| how | threads | wall s | CPU s | pages/s (wall) | pages per CPU-second | note |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for what, cores, s, c, rate, per_cpu, note in rows:
        print(f"| {what} | {cores} | {s:.2f} | {c:.2f} | {rate:.0f} | {per_cpu:.0f} | {note} |")
    if memory:
        print("\nPeak-of-workers resident memory after the runs: "
              + ", ".join(f"{w} worker{'s' if w > 1 else ''}: {m:.0f} MiB" for w, m in memory.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
