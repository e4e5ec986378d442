#!/usr/bin/env python3
"""Where a claimlint run's time goes, by stage, from `perf script` output.

Reads the text `perf script` prints for a `perf record --call-graph dwarf`
run of claimlint (stdin, or the files named) and attributes each sample to
one stage of the pipeline from the functions on its stack. Prints a Markdown
table: the share of samples (of wall-clock CPU time, cache misses included,
unlike an instruction count) per stage. `bench/profile.sh` runs the whole
thing.

A sample goes to the first rule that claims it, in this order:
allocation (the leaf frames are the allocator's), the regex searches (by the
`rx` entry point on the stack), the anchored runs (a regex engine under the
scanner), then the innermost frame a stage names.
"""

import collections
import sys

# (stage, substrings of a frame's function name)
ALLOCATION = ("allocation (malloc, free, realloc)",
              ["malloc", "_int_free", "cfree", "realloc", "malloc_consolidate",
               "__libc_free", "finish_grow", "grow_one"])
# Claimed when any frame of the stack matches (the regex engines' own frames
# sit below these entry points).
BY_ENTRY = [
    ("regex set (the ungated regexes)", ["rx::RegexSet::matches_into"]),
    ("regexes gated on an inner literal", ["rx::Regex::find_iter"]),
    ("context checks: exception regexes", ["rx::Regex::is_match", "rx::Regex::overlaps_match"]),
    ("repetition rules (word hashes, duplicates, stuffing)", ["engine::repetition::"]),
    ("require rules", ["engine::require::"]),
    ("context checks (other)", ["engine::context::"]),
]
ANCHORED = "anchored runs at gate literals"
# Claimed by the innermost frame that matches.
BY_FRAME = [
    ("phrase automaton and its hits", ["scan::Scanner::scan_with", "scan::overlapping"]),
    ("scan bookkeeping (hit tables, sentences)", ["Analysis::scan_segments"]),
    ("Markdown, segments, sentences", ["pulldown_cmark", "document::"]),
    ("JSON", ["render::json"]),
    ("loading and compiling the pack",
     ["rule::compile", "ScannerBuilder::build", "Phrases::build", "RegexSet::new"]),
    ("rest of linting (findings, engine)", ["engine::"]),
    ("reading files, walk", ["walk::", "read_file"]),
]


def frame_name(line):
    parts = line.split(None, 1)
    return parts[1] if len(parts) > 1 else line


def stage(frames):
    """The stage of one sample's stack (`frames`, innermost first)."""
    if any(any(p in f for p in ALLOCATION[1]) for f in frames[:4]):
        return ALLOCATION[0]
    stack = "\n".join(frames)
    for name, patterns in BY_ENTRY:
        if any(p in stack for p in patterns):
            return name
    if "scan_with" in stack and "regex_automata" in stack:
        return ANCHORED
    for f in frames:
        for name, patterns in BY_FRAME:
            if any(p in f for p in patterns):
                return name
    leaf = frames[0] if frames else ""
    return "kernel" if "kernel" in leaf else "other"


def samples(lines):
    """Each sample's frames (innermost first) from `perf script` text."""
    block = []
    for line in lines:
        line = line.strip()
        if line:
            block.append(line)
        elif block:
            yield [frame_name(l) for l in block[1:]]
            block = []
    if block:
        yield [frame_name(l) for l in block[1:]]


def main(paths):
    counts = collections.Counter()
    total = 0
    for path in paths or ["-"]:
        with (sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")) as f:
            for frames in samples(f):
                counts[stage(frames)] += 1
                total += 1
    if total == 0:
        sys.exit("stages.py: no samples in the input")
    print(f"| stage | share of {total:,} samples |")
    print("|---|--:|")
    for name, n in counts.most_common():
        print(f"| {name} | {100 * n / total:.1f}% |")


if __name__ == "__main__":
    main(sys.argv[1:])
