"""How far two editors agree, and where the pack stands between them.

`agreement/` holds a second, independent labelling of the first page of 60
sites of the set (both halves, chosen at random), made by editors who saw
the excerpts without their labels, the rules or claimlint's output. This
script matches the two labellings as tests/accuracy.rs matches findings
(a claim is found by an overlapping claim of one of its categories; a
claim is correct when it overlaps any claim of the other labelling) and,
given a claimlint binary, measures the pack against each of them on the
same pages. Needs PyYAML:

    python3 tests/real/agreement.py [path/to/claimlint]

It prints totals only, never a claim.
"""
import glob, json, os, subprocess, sys, tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SENTENCE_CATEGORIES = {"absolute", "cure", "mechanism", "causal", "safety",
                       "regulatory", "evidence", "marketing", "integrity"}
DOCUMENT_RULES = {"evidence.no-references", "regulatory.offlabel-undisclosed"}


def located(excerpts, labels, text):
    """(start, end, categories, first category) of the claims `labels`
    gives `excerpts`."""
    out, at = [], 0
    for excerpt, label in zip(excerpts, labels):
        start = text.encode().find(excerpt["text"].encode(), at)
        at = start
        for c in label.get("claims") or []:
            cs = start + excerpt["text"].encode().find(c["span"].encode())
            out.append((cs, cs + len(c["span"].encode()),
                        {c["category"], *(c.get("also") or [])}, c["category"]))
    return out


def compare(reference, other):
    """(claims, found in category, located, made, correct) of `other`
    (start, end, category) against `reference` (see `located`)."""
    found = sum(any(s < ce and cs < e and c in cats for s, e, c in other)
                for cs, ce, cats, _ in reference)
    anywhere = sum(any(s < ce and cs < e for s, e, _ in other) for cs, ce, _, _ in reference)
    correct = sum(any(s < ce and cs < e for cs, ce, _, _ in reference) for s, e, _ in other)
    return len(reference), found, anywhere, len(other), correct


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else None
    rows = {}
    excerpts_seen = same_verdict = 0
    for path in sorted(glob.glob(os.path.join(HERE, "agreement", "*.yaml"))):
        second = yaml.safe_load(open(path))
        site = yaml.safe_load(open(os.path.join(HERE, "sites", f"{second['site']}.yaml")))
        page = site["pages"][second["page"] - 1]
        excerpts = page["excerpts"]
        assert len(excerpts) == len(second["excerpts"]), path
        text = "\n\n".join(e["text"] for e in excerpts) + "\n"
        a = located(excerpts, excerpts, text)
        b = located(excerpts, second["excerpts"], text)
        for x, y in zip(excerpts, second["excerpts"]):
            excerpts_seen += 1
            same_verdict += bool(x.get("claims")) == bool(y.get("claims"))
        # An editor's claim counts with the category named first, as a
        # finding counts with its rule's.
        first = lambda claims: [(s, e, c) for s, e, _, c in claims]
        pairs = {("second editor", "set's labels"): (a, first(b)),
                 ("set's labels", "second editor"): (b, first(a))}
        if binary:
            with tempfile.TemporaryDirectory() as tmp:
                file = os.path.join(tmp, "page.txt")
                open(file, "w").write(text)
                run = subprocess.run([binary, "--isolated", "--format", "json", file],
                                     capture_output=True, text=True)
            pack = [(d["start"], d["end"], d["category"]) for d in json.loads(run.stdout)["diagnostics"]
                    if d["category"] in SENTENCE_CATEGORIES and d["rule"] not in DOCUMENT_RULES]
            pairs[("pack", "set's labels")] = (a, pack)
            pairs[("pack", "second editor")] = (b, pack)
        for key, (reference, other) in pairs.items():
            rows[key] = [x + y for x, y in zip(rows.get(key, [0] * 5), compare(reference, other))]
    print(f"{excerpts_seen} excerpts; the editors agree on whether one holds a claim for "
          f"{same_verdict / excerpts_seen:.2f} of them\n")
    print("| measured | against | claims | recall | located (any category) | findings | precision |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (who, against), (n, found, anywhere, made, correct) in rows.items():
        print(f"| {who} | {against} | {n} | {found / n:.2f} | {anywhere / n:.2f} | {made} | {correct / max(made, 1):.2f} |")


if __name__ == "__main__":
    main()
