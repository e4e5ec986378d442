"""The Dask example on a local cluster of two worker processes.

Pages are the seed articles under several URLs, with one page's text
holding a lone surrogate (as a JSON escape can); the findings written to
Parquet must be exactly those of linting each page directly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import claimlint

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import lint_pages  # noqa: E402


def make_pages():
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    pages = []
    for copy in range(6):
        for seed in seeds:
            pages.append({"url": f"https://clinic-{copy}.example/{seed.stem}", "text": seed.read_text()})
    pages.append({"url": "https://clinic.example/empty", "text": ""})
    pages.append({"url": "https://clinic.example/welcome", "text": "Welcome to Bright Path. Ketamine cures depression.\n"})
    pages.append({"url": "https://clinic.example/odd", "text": "Ketamine cures depression \udcff today.\n"})
    return pages


def expected_rows(pages):
    linter = claimlint.Linter()
    rows = []
    for page in pages:
        text = page["text"].encode("utf-8", "replace").decode("utf-8")
        for d in linter.lint(text, page["url"]):
            row = d.to_dict()
            row["url"] = row.pop("path")
            row.setdefault("related", [])
            rows.append(row)
    return rows


def read_rows(out_dir):
    files = sorted(Path(out_dir).glob("part-*.parquet"))
    assert files, "no output"
    table = pa.concat_tables([pq.read_table(f) for f in files])
    assert table.schema.equals(lint_pages.SCHEMA)
    return table.to_pylist()


def key(row):
    return (row["url"], row["start"], row["rule"])


@pytest.fixture(scope="module")
def pages():
    return make_pages()


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory, pages):
    path = tmp_path_factory.mktemp("in") / "pages.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for page in pages:
            f.write(json.dumps(page) + "\n")
    return path


def test_lint_pages_is_the_package(pages):
    table = lint_pages.lint_pages(pages, claimlint.Linter())
    assert table.schema.equals(lint_pages.SCHEMA)
    rows = table.to_pylist()
    assert rows == expected_rows(pages)
    assert any(row["related"] for row in rows), "the seeds have findings about many places"


def test_command_on_a_local_cluster_of_two_workers(tmp_path, jsonl, pages):
    out = tmp_path / "findings"
    done = subprocess.run(
        [sys.executable, str(HERE / "lint_pages.py"), str(jsonl), str(out), "--workers", "2", "--blocksize", "64KiB"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    totals = json.loads(done.stdout.strip().splitlines()[-1])
    expected = expected_rows(pages)
    assert totals["pages"] == len(pages)
    assert totals["findings"] == len(expected)
    assert totals["partitions"] > 1
    assert sorted(read_rows(out), key=key) == sorted(expected, key=key)


def test_parquet_input_with_a_client(tmp_path, pages):
    from dask.distributed import Client, LocalCluster

    source = tmp_path / "pages.parquet"
    clean = [{"url": p["url"], "text": p["text"].encode("utf-8", "replace").decode("utf-8")} for p in pages]
    pq.write_table(pa.Table.from_pylist(clean), source, row_group_size=10)
    linter = claimlint.Linter(rules={"house.yaml": HOUSE_RULE})
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster):
        totals = lint_pages.run(str(source), str(tmp_path / "out"), linter, format="plain")
    assert totals["partitions"] == pq.ParquetFile(source).num_row_groups > 1
    rows = read_rows(tmp_path / "out")
    assert {r["rule"] for r in rows} >= {"house.clinic-name", "cure.cure-claim"}
    direct = [
        dict(d.to_dict(), url=p["url"])
        for p in clean
        for d in linter.lint(p["text"], p["url"], format="plain")
    ]
    for row in direct:
        del row["path"]
        row.setdefault("related", [])
    assert sorted(rows, key=key) == sorted(direct, key=key)


HOUSE_RULE = """\
id: house.clinic-name
severity: warning
kind: substitution
summary: Our clinic's name is written "BrightPath"
message: "write “{suggestion}”, not “{match}”"
swap:
  "bright path": "BrightPath"
explain: House style for the clinic's name.
references: ["https://example.org/house-style"]
examples:
  invalid: ["Welcome to Bright Path."]
  valid: ["Welcome to BrightPath."]
"""
