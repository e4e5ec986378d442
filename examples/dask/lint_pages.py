#!/usr/bin/env python3
"""Lint a crawl of web pages with claimlint on a Dask cluster.

Input: JSONL (one ``{"url": ..., "text": ...}`` object a line) or Parquet
(columns ``url`` and ``text``), a file or a folder of them. Output: a
folder of Parquet files, one per partition, one row per finding: ``url``
and the fields of claimlint's JSON output (rule, category, severity,
message, start, end, line, column, end_line, end_column, text, suggestion,
help).

    # a local cluster of 2 worker processes
    python examples/dask/lint_pages.py pages.jsonl findings/ --workers 2
    # an existing cluster (dask scheduler / dask worker on other machines)
    python examples/dask/lint_pages.py /shared/crawl/ /shared/findings/ --scheduler tcp://HOST:8786

Each task lints one partition of pages with one ``claimlint.Linter``. The
linter is compiled once on the client and pickled into the task graph as
the text of its rule files; each worker process compiles it on the first
task and reuses it after. Each worker writes its own Parquet file, so
findings never travel back through the client.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import dask
import dask.bag as db
import pyarrow as pa
import pyarrow.parquet as pq

import claimlint

#: A finding's other places (the first copy of a pasted duplicate, each
#: repeat of a stuffed phrase), as ``Related.to_dict()`` gives them.
RELATED = pa.struct(
    [
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("line", pa.int64()),
        ("column", pa.int64()),
        ("end_line", pa.int64()),
        ("end_column", pa.int64()),
        ("text", pa.string()),
        ("message", pa.string()),
    ]
)

#: Columns of the findings files.
SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("rule", pa.string()),
        ("category", pa.string()),
        ("severity", pa.string()),
        ("message", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("line", pa.int64()),
        ("column", pa.int64()),
        ("end_line", pa.int64()),
        ("end_column", pa.int64()),
        ("text", pa.string()),
        ("suggestion", pa.string()),
        ("help", pa.string()),
        ("related", pa.list_(RELATED)),
    ]
)


def lint_pages(
    pages: Iterable[Dict[str, str]],
    linter: claimlint.Linter,
    format: Optional[str] = None,
    threads: int = 1,
) -> pa.Table:
    """Findings of ``pages`` (dicts with ``url`` and ``text``) as a table.

    A page whose text cannot be encoded as UTF-8 (a lone surrogate from a
    JSON escape) is linted with those characters replaced.
    """
    pages = list(pages)
    items = [(page["url"], page["text"] or "") for page in pages]
    try:
        found = linter.lint_many(items, threads=threads, format=format)
    except claimlint.InputError:
        items = [(url, text.encode("utf-8", "replace").decode("utf-8")) for url, text in items]
        found = linter.lint_many(items, threads=threads, format=format)
    columns: Dict[str, List[object]] = {name: [] for name in SCHEMA.names}
    for (url, _), diagnostics in zip(items, found):
        for d in diagnostics:
            columns["url"].append(url)
            for name in SCHEMA.names[1:-1]:
                columns[name].append(getattr(d, name))
            columns["related"].append([r.to_dict() for r in d.related])
    return pa.table(columns, schema=SCHEMA)


def lint_partition(
    pages: Iterable[Dict[str, str]],
    linter: claimlint.Linter,
    out_dir: str,
    index: int,
    format: Optional[str] = None,
) -> Dict[str, int]:
    """Lints one partition and writes its findings to ``out_dir``."""
    pages = list(pages)
    table = lint_pages(pages, linter, format=format)
    pq.write_table(table, os.path.join(out_dir, f"part-{index:05d}.parquet"))
    return {"pages": len(pages), "findings": table.num_rows}


def read_parquet_row_group(path: str, group: int) -> List[Dict[str, str]]:
    """The ``url`` and ``text`` columns of one row group, as dicts."""
    table = pq.ParquetFile(path).read_row_group(group, columns=["url", "text"])
    return table.to_pylist()


def pages_bag(source: str, blocksize: str) -> db.Bag:
    """A bag of page dicts from JSONL or Parquet (a file or a folder)."""
    path = Path(source)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    parquet = [str(p) for p in files if p.suffix == ".parquet"]
    jsonl = [str(p) for p in files if p.suffix in (".jsonl", ".json", ".ndjson")]
    if parquet and jsonl:
        raise SystemExit(f"{source}: mixes Parquet and JSONL files")
    if parquet:
        parts = [
            dask.delayed(read_parquet_row_group)(p, g)
            for p in parquet
            for g in range(pq.ParquetFile(p).num_row_groups)
        ]
        return db.from_delayed(parts)
    if jsonl:
        lines = db.read_text(jsonl, blocksize=blocksize)
        return lines.filter(lambda line: line.strip() != "").map(json.loads)
    raise SystemExit(f"{source}: no .jsonl or .parquet files")


def run(
    source: str,
    out_dir: str,
    linter: claimlint.Linter,
    format: Optional[str] = None,
    blocksize: str = "8MiB",
) -> Dict[str, int]:
    """Lints every page of ``source`` on the current Dask scheduler."""
    os.makedirs(out_dir, exist_ok=True)
    for old in Path(out_dir).glob("part-*.parquet"):
        old.unlink()
    bag = pages_bag(source, blocksize)
    tasks = [
        dask.delayed(lint_partition)(part, linter, out_dir, i, format)
        for i, part in enumerate(bag.to_delayed())
    ]
    totals = {"pages": 0, "findings": 0, "partitions": len(tasks)}
    for counts in dask.compute(*tasks):
        totals["pages"] += counts["pages"]
        totals["findings"] += counts["findings"]
    return totals


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="JSONL or Parquet file, or a folder of them (url, text)")
    parser.add_argument("out_dir", help="folder for the findings (part-NNNNN.parquet)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://HOST:8786)")
    where.add_argument("--workers", type=int, default=2, help="local cluster size (default 2)")
    parser.add_argument("--threads-per-worker", type=int, default=1)
    parser.add_argument("--format", choices=["plain", "markdown", "mdx", "html"], help="format of every page (default: from the URL's extension)")
    parser.add_argument("--rules", action="append", help="extra rule file or folder (repeatable)")
    parser.add_argument("--config", help="a .claimlint.yaml to apply")
    parser.add_argument("--blocksize", default="8MiB", help="JSONL bytes per partition (default 8MiB)")
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    linter = claimlint.Linter(rules=args.rules, config=args.config)
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=args.threads_per_worker,
            processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)
    try:
        started = time.perf_counter()
        totals = run(args.source, args.out_dir, linter, args.format, args.blocksize)
        seconds = time.perf_counter() - started
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    totals["seconds"] = round(seconds, 3)
    print(json.dumps(totals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
