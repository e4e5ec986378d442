"""The Python package against the command line, and its own behaviour."""

from __future__ import annotations

import copy
import json
import pickle
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import claimlint
from conftest import CORPUS, DOCS, ROOT, SEEDS, rel

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


@pytest.fixture(scope="module")
def linter():
    return claimlint.Linter()


def dicts(diagnostics):
    return [d.to_dict() for d in diagnostics]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_findings_are_the_cli_json(linter, cli_json, path):
    expected = cli_json(rel(path))
    assert expected, "the seeds have findings"
    got = linter.lint(path.read_bytes(), path=rel(path))
    assert dicts(got) == expected


def test_every_format_matches_the_cli(linter, cli_json):
    """Markdown, MDX, HTML, a BOM and CRLF: lint_many against the CLI's JSON."""
    files = DOCS + CORPUS
    expected = cli_json(*[rel(p) for p in files])
    got = linter.lint_many([(rel(p), p.read_bytes()) for p in files])
    assert [d for per_file in got for d in dicts(per_file)] == expected


def test_format_argument_overrides_the_extension(linter):
    text = (ROOT / "crates/claimlint/tests/fixtures/docs/saved-page.html").read_text()
    as_html = linter.lint(text, path="page.html")
    forced = linter.lint(text, path="<text>", format="html")
    assert [(d.rule, d.start, d.end) for d in forced] == [(d.rule, d.start, d.end) for d in as_html]
    as_plain = linter.lint(text, path="page.html", format="plain")
    assert [(d.rule, d.start) for d in as_plain] != [(d.rule, d.start) for d in as_html]
    with pytest.raises(ValueError, match="unknown format"):
        linter.lint(text, format="docx")


def test_diagnostic_attributes_are_the_json_fields(linter):
    (d,) = [d for d in linter.lint("Ketamine cures depression.\n", path="a.txt") if d.rule == "cure.cure-claim"]
    assert list(d.to_dict()) == [
        "path", "rule", "category", "severity", "message", "start", "end",
        "line", "column", "end_line", "end_column", "text", "suggestion", "help",
    ]
    assert (d.path, d.category, d.severity, d.text) == ("a.txt", "cure", "error", "cures")
    assert (d.start, d.end, d.line, d.column, d.end_line, d.end_column) == (9, 14, 1, 10, 1, 15)
    assert d == claimlint.Diagnostic(**d.to_dict())
    assert pickle.loads(pickle.dumps(d)) == d
    assert hash(d) == hash(copy.deepcopy(d))


def test_related_places_of_a_pasted_duplicate(linter, cli_json, tmp_path):
    paragraph = (
        "Our ketamine infusions are given in a calm room by a nurse who stays with you "
        "for the whole session and checks your blood pressure every fifteen minutes.\n"
    )
    text = "# Visiting us\n\n" + paragraph + "\nKetamine cures depression.\n\n" + paragraph
    (d,) = [d for d in linter.lint(text, path="post.md") if d.rule == "integrity.duplicate-paragraph"]
    (first,) = d.related
    assert isinstance(first, claimlint.Related)
    body = text.encode()
    assert body[first.start:first.end].decode() == first.text
    assert first.start < d.start and (first.line, first.column) == (3, 1)
    assert body[d.start:d.end] == body[first.start:first.end]
    assert first.message == "first copy"
    # The same dict as the command line's JSON, `related` included.
    (tmp_path / "post.md").write_text(text)
    (expected,) = [e for e in cli_json(str(tmp_path / "post.md")) if e["rule"] == d.rule]
    got = d.to_dict()
    got["path"] = expected["path"]
    assert got == expected
    assert got["related"] == [first.to_dict()]
    # Rebuilt from its dict or its parts, pickled and copied: still equal.
    assert claimlint.Diagnostic(**d.to_dict()) == d
    assert claimlint.Diagnostic(**{**d.to_dict(), "related": d.related}) == d
    assert pickle.loads(pickle.dumps(d)) == d and pickle.loads(pickle.dumps(first)) == first
    assert hash(copy.deepcopy(d)) == hash(d)
    assert claimlint.Related(**first.to_dict()) == first
    with pytest.raises(TypeError, match="related: expected Related or dict"):
        claimlint.Diagnostic(**{**d.to_dict(), "related": [42]})
    # Findings about one place have none, and their dicts no `related` key.
    plain = [x for x in linter.lint(text, path="post.md") if not x.related]
    assert plain and all("related" not in x.to_dict() for x in plain)


def test_offsets_are_utf8_bytes_and_columns_characters(linter):
    text = "Ünser Ärzte: „Ketamin“ — ketamine cures depression.\n"
    (d,) = [d for d in linter.lint(text) if d.rule == "cure.cure-claim"]
    assert text.encode()[d.start:d.end].decode() == d.text == "cures"
    assert d.column == text.index("cures") + 1


def test_module_functions(cli):
    found = claimlint.lint("Ketamine cures depression. It is completely safe.\n", path="a.txt")
    assert {"safety.absolute-safe", "cure.cure-claim"} <= {d.rule for d in found}
    assert claimlint.default_linter() is claimlint.default_linter()
    status, out, _ = cli("explain", "cure.cure-claim")
    assert status == 0
    assert claimlint.explain("cure.cure-claim") == out
    with pytest.raises(KeyError, match="no rule"):
        claimlint.explain("cure.no-such-rule")
    status, out, _ = cli("rules", "--format", "json")
    assert [r.to_dict() for r in claimlint.rules()] == json.loads(out)


def test_lint_many_is_lint_in_order_on_any_number_of_threads(linter):
    items = [(rel(p), p.read_text()) for p in SEEDS] * 3
    one_by_one = [linter.lint(text, path) for path, text in items]
    assert linter.lint_many(items) == one_by_one
    assert linter.lint_many(items, threads=1) == one_by_one
    assert linter.lint_many(iter(items), threads=2) == one_by_one
    assert linter.lint_many([]) == []
    with pytest.raises(ValueError, match="at least 1"):
        linter.lint_many(items, threads=0)
    with pytest.raises(TypeError, match="item 1"):
        linter.lint_many([("a.txt", "x"), "not a pair"])


def test_python_threads_share_one_linter(linter):
    texts = [(rel(p), p.read_text()) for p in SEEDS] * 4
    expected = [linter.lint(text, path) for path, text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda item: linter.lint(item[1], item[0]), texts))
    assert got == expected


def test_user_rules_from_files_folders_and_mappings(tmp_path, linter):
    (tmp_path / "house.yaml").write_text(HOUSE_RULE)
    text = "Welcome to Bright Path. Ketamine cures depression.\n"
    for rules in (tmp_path / "house.yaml", str(tmp_path), [tmp_path / "house.yaml"], {"house.yaml": HOUSE_RULE}):
        custom = claimlint.Linter(rules=rules)
        rules_found = {d.rule for d in custom.lint(text)}
        assert {"house.clinic-name", "cure.cure-claim"} <= rules_found, rules
    only = claimlint.Linter(rules={"house.yaml": HOUSE_RULE}, default_rules=False)
    (d,) = only.lint(text)
    assert (d.rule, d.suggestion, d.text) == ("house.clinic-name", "BrightPath", "Bright Path")
    assert not only.default_rules and only.rule_files == ["house.yaml"]
    assert [r.id for r in only.rules()] == ["house.clinic-name"]


def test_user_rules_match_the_cli(cli_json):
    rules = ROOT / "crates/claimlint/tests/fixtures/good-rules/house-style.yaml"
    files = DOCS + SEEDS
    expected = cli_json("--rules", rel(rules), *[rel(p) for p in files])
    custom = claimlint.Linter(rules=rel(rules))
    got = custom.lint_many([(rel(p), p.read_bytes()) for p in files])
    assert [d for per_file in got for d in dicts(per_file)] == expected


def test_configuration_matches_the_cli(tmp_path, cli_json):
    config = tmp_path / ".claimlint.yaml"
    config.write_text("disable: [marketing]\nseverity:\n  info: [cure]\n")
    expected = cli_json("--config", str(config), *[rel(p) for p in SEEDS], isolated=False)
    configured = claimlint.Linter(config=config)
    got = [d for p in SEEDS for d in dicts(configured.lint(p.read_bytes(), rel(p)))]
    assert got == expected
    assert all(d["category"] != "marketing" for d in got)
    assert {d["severity"] for d in got if d["category"] == "cure"} == {"info"}


def test_a_pickled_linter_recompiles_from_its_sources(tmp_path):
    (tmp_path / "house.yaml").write_text(HOUSE_RULE)
    config = tmp_path / ".claimlint.yaml"
    config.write_text("disable: [marketing]\n")
    linter = claimlint.Linter(rules=tmp_path / "house.yaml", config=config)
    text = "Welcome to Bright Path, a beacon of hope. Ketamine cures depression.\n"
    expected = dicts(linter.lint(text, "post.txt"))
    assert any(d["rule"] == "house.clinic-name" for d in expected)
    blob = pickle.dumps(linter)
    (tmp_path / "house.yaml").unlink()
    config.unlink()
    again = pickle.loads(blob)
    assert dicts(again.lint(text, "post.txt")) == expected
    assert copy.copy(linter) is linter and copy.deepcopy(linter) is linter
    # In a fresh interpreter (no compiled rules to reuse), without the files.
    script = (
        "import pickle, sys\n"
        "linter = pickle.loads(sys.stdin.buffer.read())\n"
        f"print(repr([d.to_dict() for d in linter.lint({text!r}, 'post.txt')]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], input=blob, capture_output=True, check=True)
    assert done.stdout.decode().strip() == repr(expected)


def test_bad_rules_raise_rule_error_with_locations(cli):
    folder = ROOT / "crates/claimlint/tests/fixtures/bad-rules"
    with pytest.raises(claimlint.RuleError) as raised:
        claimlint.Linter(rules=rel(folder))
    status, _, err = cli("--isolated", "--rules", rel(folder), "seeds/")
    assert status == 2
    cli_problems = set(re.findall(r"^error: (.*)\n --> (\S+)$", err, flags=re.M))
    got = {(p["message"], p["location"]) for p in raised.value.problems}
    assert got == cli_problems and len(got) > 5
    assert isinstance(raised.value, claimlint.ClaimlintError)
    first = raised.value.problems[0]
    assert first["location"] == f"{first['path']}:{first['line']}:{first['column']}"
    assert str(raised.value).startswith(f"could not load rules: {len(raised.value.problems)} errors")


def test_rule_errors_from_text_files_and_configuration(tmp_path):
    with pytest.raises(claimlint.RuleError) as raised:
        claimlint.Linter(rules={"mine.yaml": "id: house.x\nseverity: fatal\n"})
    assert raised.value.location == "mine.yaml:2:11"
    assert "fatal" in str(raised.value)
    with pytest.raises(claimlint.RuleError, match="cannot read rules"):
        claimlint.Linter(rules=tmp_path / "missing.yaml")
    bad_config = tmp_path / ".claimlint.yaml"
    bad_config.write_text("disable: [cure]\nseverity:\n  loud: [safety]\n")
    with pytest.raises(claimlint.RuleError) as raised:
        claimlint.Linter(config=bad_config)
    assert raised.value.problems[0]["line"] == 3
    bad_config.write_text("disable: [no-such-category]\n")
    with pytest.raises(claimlint.RuleError, match="no-such-category"):
        claimlint.Linter(config=bad_config)
    with pytest.raises(TypeError):
        claimlint.Linter(rules=42)


def test_bytes_that_are_not_utf8_raise_input_error(linter, cli, tmp_path):
    data = "Ketamine cures depression.\nIt is sæfe".encode() + b"\xff\xfe tail\n"
    with pytest.raises(claimlint.InputError) as raised:
        linter.lint(data, path="latin.txt")
    e = raised.value
    assert isinstance(e, ValueError)
    assert (e.path, e.offset, e.line, e.column) == ("latin.txt", data.index(b"\xff"), 2, 11)
    # The command line reports the same position.
    (tmp_path / "latin.txt").write_bytes(data)
    # The command line reads other encodings too; `--encoding utf-8` asks
    # it for UTF-8 only, as the package does.
    status, _, err = cli("--isolated", "--encoding", "utf-8", str(tmp_path / "latin.txt"))
    assert status == 2 and ":2:11" in err and f"offset {e.offset}" in err
    with pytest.raises(claimlint.InputError, match="NUL"):
        linter.lint(b"cures\x00depression")
    with pytest.raises(claimlint.InputError):
        linter.lint("lone surrogate \udcff here")
    with pytest.raises(claimlint.InputError):
        linter.lint_many([("ok.txt", "fine"), ("bad.txt", b"\xc3\x28")])
    with pytest.raises(TypeError, match="str or bytes"):
        linter.lint(12)
    # Decoded with replacement, the same bytes lint.
    assert linter.lint(data.decode("utf-8", errors="replace"))
    assert linter.lint(bytearray(b"Ketamine cures depression.\n"))
