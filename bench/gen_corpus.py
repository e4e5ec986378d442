#!/usr/bin/env python3
"""Deterministic benchmark corpus generator for claimlint.

Turns the seed articles (seeds/*.txt) and, if present, the labelled articles
(tests/corpus/*.md, tests/corpus/*.txt) into many ~10 KB Markdown files:

    TARGET/1MB/        ~100 files,     1,000,000 bytes in all
    TARGET/10MB/       ~1,000 files,  10,000,000 bytes in all
    TARGET/100MB/      ~10,000 files, 100,000,000 bytes in all (only with --sizes 100)
    TARGET/single-10MB/corpus.md       one file of 10,000,000 bytes

1 MB here means 10^6 bytes. Every corpus lands within 0.5% of its size (the brief
allows 2%). Each file is one source article rendered as Markdown:

  * first line          -> "# Title (No. 0042)"   (numeric suffix: files differ)
  * short heading lines -> "## Heading"
  * "- item" lines      -> list items
  * other lines         -> paragraphs separated by blank lines

with light, seeded variation: sections (a heading and the blocks under it) are
shuffled, and files shorter than the target are topped up with sections of the
next article, longer ones are cut at a block boundary. Output depends only on
the inputs and the fixed seed, never on time, locale or hash randomisation.

A manifest (TARGET/NAME.manifest.json) is written after a corpus is complete;
`--check` exits 0 when all requested manifests exist and match this generator's
version and the input set, so callers can skip regeneration.

Usage:
    python3 bench/gen_corpus.py [TARGET] [--sizes 1,10,100] [--single 10]
                                [--seeds DIR] [--labelled DIR] [--check] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
from pathlib import Path

GENERATOR_VERSION = 2
SEED = 20251121
MB = 1_000_000
FILE_TARGET = 10_000  # bytes per Markdown file ("~10 KB")
FILE_JITTER = 800  # +/- bytes, so files are not all the same length
HEADING_MAX = 90  # a line this short without closing punctuation is a heading

REPO_ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- parsing


class Article:
    """A source article: a title and a list of sections (heading, [blocks])."""

    def __init__(self, name: str, title: str, sections: list[tuple[str | None, list[str]]]):
        self.name = name
        self.title = title
        self.sections = sections

    def block_count(self) -> int:
        return sum(len(b) for _, b in self.sections)


def _is_heading(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > HEADING_MAX:
        return False
    if s.startswith("- "):
        return False
    return s[-1] not in ".!,;:\"'”’)"


def parse_plain(name: str, text: str) -> Article:
    """Plain text seeds: first non-empty line is the title; short unpunctuated
    lines are headings; '- ' lines are list items; everything else a paragraph."""
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [ln.replace("\ufeff", "") for ln in lines]
    nonempty = [ln.strip() for ln in lines if ln.strip()]
    if not nonempty:
        raise ValueError(f"{name}: empty article")
    title = nonempty[0]
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    list_buf: list[str] = []

    def flush_list() -> None:
        if list_buf:
            sections[-1][1].append("\n".join(list_buf))
            list_buf.clear()

    for ln in nonempty[1:]:
        if ln.startswith("- ") or ln.startswith("* "):
            list_buf.append("- " + ln[2:].strip())
            continue
        flush_list()
        if _is_heading(ln):
            # Collapse a heading repeated right after itself (seed 001 does this).
            if sections[-1][0] == ln and not sections[-1][1]:
                continue
            sections.append((ln, []))
        else:
            sections[-1][1].append(ln)
    flush_list()
    sections = [s for s in sections if s[0] is not None or s[1]]
    return Article(name, title, sections)


def parse_markdown(name: str, text: str) -> Article:
    """Labelled Markdown articles: keep their blocks, map '#' headings to sections."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    # Drop YAML front matter if any.
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            text = text[end + 5 :]
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if not blocks:
        raise ValueError(f"{name}: empty article")
    title = None
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for b in blocks:
        m = re.match(r"^(#{1,6})\s+(.*)$", b)
        if m and "\n" not in b:
            if title is None and len(m.group(1)) == 1:
                title = m.group(2).strip()
            else:
                sections.append((m.group(2).strip(), []))
        else:
            sections[-1][1].append(b)
    if title is None:
        title = Path(name).stem.replace("_", " ").replace("-", " ")
    sections = [s for s in sections if s[0] is not None or s[1]]
    return Article(name, title, sections)


def load_articles(seeds_dir: Path, labelled_dir: Path | None) -> list[Article]:
    paths = sorted(seeds_dir.glob("*.txt"))
    if not paths:
        raise SystemExit(f"gen_corpus: no seed articles found in {seeds_dir}/*.txt")
    arts = [parse_plain(p.name, p.read_text(encoding="utf-8")) for p in paths]
    if labelled_dir is not None and labelled_dir.is_dir():
        for p in sorted(list(labelled_dir.glob("*.md")) + list(labelled_dir.glob("*.txt"))):
            try:
                txt = p.read_text(encoding="utf-8")
                art = parse_markdown(p.name, txt) if p.suffix == ".md" else parse_plain(p.name, txt)
            except (UnicodeDecodeError, ValueError) as e:
                print(f"gen_corpus: skipping {p}: {e}", file=sys.stderr)
                continue
            if art.block_count() >= 1:
                arts.append(art)
    return arts


def inputs_digest(articles: list[Article]) -> str:
    h = hashlib.sha256()
    h.update(f"v{GENERATOR_VERSION}/{SEED}/{FILE_TARGET}".encode())
    for a in articles:
        h.update(a.name.encode())
        h.update(a.title.encode())
        for head, blocks in a.sections:
            h.update((head or "").encode())
            for b in blocks:
                h.update(b.encode())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- rendering


def render_section(head: str | None, blocks: list[str]) -> str:
    parts = []
    if head:
        parts.append(f"## {head}")
    parts.extend(blocks)
    return "\n\n".join(parts)


def render_doc(articles: list[Article], idx: int, rng: random.Random, target: int) -> str:
    """One Markdown document of about `target` bytes from article idx % n."""
    n = len(articles)
    art = articles[idx % n]
    head = f"# {art.title} (No. {idx + 1:05d})\n\n"
    out = [head]
    size = len(head.encode())
    donor = idx % n
    first = True
    while size < target:
        src = articles[donor % n]
        secs = list(src.sections)
        # Keep the untitled intro first for the article itself; shuffle the rest.
        intro = [s for s in secs if s[0] is None] if first else []
        rest = [s for s in secs if s[0] is not None] if first else secs
        rng.shuffle(rest)
        for head_text, blocks in intro + rest:
            if not first and head_text is None:
                head_text = src.title
            chunk = render_section(head_text, blocks) + "\n\n"
            b = len(chunk.encode())
            if size + b > target + FILE_JITTER and size >= target - FILE_JITTER:
                break
            if size + b > target + FILE_JITTER:
                # Cut the section at a block boundary.
                acc = []
                parts = ([f"## {head_text}"] if head_text else []) + blocks
                for p in parts:
                    pb = len((p + "\n\n").encode())
                    if size + pb > target + FILE_JITTER:
                        break
                    acc.append(p)
                    size += pb
                if acc:
                    out.append("\n\n".join(acc) + "\n\n")
                break
            out.append(chunk)
            size += b
        first = False
        donor += 1
        if donor - idx > 4 * n:  # safety: all articles tiny
            break
    doc = "".join(out).rstrip("\n") + "\n"
    return doc


def fit_exact(doc: str, want: int) -> str:
    """Trim or pad the final document so the corpus hits its byte size closely."""
    data = doc.encode()
    if len(data) > want:
        cut = data[:want].decode("utf-8", errors="ignore")
        # Cut back to a word boundary so we don't leave half a word.
        sp = cut.rfind(" ")
        if sp > len(cut) // 2:
            cut = cut[:sp]
        cut = cut.rstrip() + "\n"
        return cut
    pad_unit = "\n\nThis paragraph pads the benchmark corpus to its target size.\n"
    while len(data) + len(pad_unit.encode()) <= want:
        doc += pad_unit
        data = doc.encode()
    return doc


def write_corpus(articles: list[Article], out_dir: Path, total: int, label: str, single: bool) -> dict:
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    rng = random.Random(f"{SEED}/{label}")
    written = 0
    nfiles = 0
    idx = 0
    big = open(tmp / "corpus.md", "w", encoding="utf-8", newline="\n") if single else None
    try:
        while written < total:
            remaining = total - written
            target = FILE_TARGET + rng.randint(-FILE_JITTER, FILE_JITTER)
            sep = "\n" if (single and idx) else ""
            last = remaining < target + FILE_TARGET // 2
            if last:
                # Render a little more than needed, then trim to the exact remainder.
                doc = fit_exact(sep + render_doc(articles, idx, rng, remaining + 2 * FILE_JITTER), remaining)
            else:
                doc = sep + render_doc(articles, idx, rng, target)
            if single:
                big.write(doc)
            else:
                name = f"post-{idx + 1:05d}.md"
                (tmp / name).write_text(doc, encoding="utf-8", newline="\n")
                nfiles += 1
            written += len(doc.encode())
            idx += 1
            if last:
                break
    finally:
        if big:
            big.close()
            nfiles = 1
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    actual = sum(p.stat().st_size for p in out_dir.iterdir())
    return {"name": out_dir.name, "bytes": actual, "target_bytes": total, "files": nfiles}


# --------------------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("target", nargs="?", default="target/bench-corpus", help="output directory (default target/bench-corpus)")
    ap.add_argument("--sizes", default="1,10,100", help="comma-separated corpus sizes in MB (default 1,10,100)")
    ap.add_argument("--single", default="10", help="size in MB of the one-file variant; empty or 0 to skip (default 10)")
    ap.add_argument("--seeds", default=str(REPO_ROOT / "seeds"), help="seed articles directory (*.txt)")
    ap.add_argument("--labelled", default=str(REPO_ROOT / "tests" / "corpus"), help="labelled articles (*.md, *.txt), used if present")
    ap.add_argument("--check", action="store_true", help="exit 0 if every requested corpus is present and current, 1 otherwise; write nothing")
    ap.add_argument("--force", action="store_true", help="regenerate even if present and current")
    args = ap.parse_args(argv)

    target = Path(args.target)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    single = int(args.single) if args.single and args.single.strip() else 0
    articles = load_articles(Path(args.seeds), Path(args.labelled) if args.labelled else None)
    digest = inputs_digest(articles)

    jobs = [(f"{s}MB", s * MB, False) for s in sizes]
    if single:
        jobs.append((f"single-{single}MB", single * MB, True))

    def current(name: str) -> bool:
        man = target / f"{name}.manifest.json"
        if not man.is_file() or not (target / name).is_dir():
            return False
        try:
            m = json.loads(man.read_text())
        except ValueError:
            return False
        return m.get("digest") == digest and m.get("generator_version") == GENERATOR_VERSION

    if args.check:
        missing = [name for name, _, _ in jobs if not current(name)]
        if missing:
            print("missing or stale: " + ", ".join(missing))
            return 1
        return 0

    target.mkdir(parents=True, exist_ok=True)
    print(f"gen_corpus: {len(articles)} source articles, input digest {digest}")
    for name, total, is_single in jobs:
        if current(name) and not args.force:
            print(f"gen_corpus: {target / name} is current, skipping")
            continue
        info = write_corpus(articles, target / name, total, name, is_single)
        err = (info["bytes"] - total) / total * 100
        info.update({"articles": len(articles), "digest": digest, "generator_version": GENERATOR_VERSION, "seed": SEED, "error_percent": round(err, 4)})
        (target / f"{name}.manifest.json").write_text(json.dumps(info, indent=2) + "\n")
        print(f"gen_corpus: {target / name}: {info['files']} files, {info['bytes']:,} bytes ({err:+.3f}% of {total:,})")
        if abs(err) > 2.0:
            print(f"gen_corpus: ERROR: {name} is {err:+.2f}% off its target size", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
