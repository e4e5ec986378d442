"""Would a learned second opinion help? A sentence-level claim detector
(tf-idf over word 1-2 grams, logistic regression) trained on the
development half only and cross-validated by site (five folds), printing
its precision and recall at a 0.5 threshold for three regularisation
strengths. Needs scikit-learn and PyYAML:

    python3 tests/real/second_opinion_cv.py

It never reads the test half (sites whose FNV-1a hash is odd).
"""
import glob, os, yaml, re, numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
def fnv(s):
    h=0xcbf29ce484222325
    for b in s.encode(): h=((h^b)*0x100000001b3)&0xffffffffffffffff
    return h
X=[];y=[];g=[]
for f in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sites", "*.yaml"))):
    d=yaml.safe_load(open(f))
    if fnv(d["site"])%2: continue
    for p in d["pages"]:
        for x in p["excerpts"]:
            # split into sentences; a sentence is positive if it contains a claim span start
            text=x["text"]
            spans=[c["span"] for c in x.get("claims") or []]
            for m in re.finditer(r"[^.!?\n]+[.!?]?", text):
                s=m.group(0).strip()
                if len(s)<15: continue
                pos=any(sp[:25] in s or s[:25] in sp for sp in spans)
                X.append(s); y.append(int(pos)); g.append(d["site"])
y=np.array(y); print(len(X), y.sum())
gkf=GroupKFold(n_splits=5)
for C in [0.5,1,3]:
  tp=fp=fn=0
  for tr,te in gkf.split(X,y,g):
    v=TfidfVectorizer(ngram_range=(1,2),min_df=2,sublinear_tf=True)
    A=v.fit_transform([X[i] for i in tr]); B=v.transform([X[i] for i in te])
    m=LogisticRegression(C=C,class_weight="balanced",max_iter=1000).fit(A,y[tr])
    p=m.predict_proba(B)[:,1]
    for th in [0.5]:
      pr=p>th
      tp+=((pr==1)&(y[te]==1)).sum(); fp+=((pr==1)&(y[te]==0)).sum(); fn+=((pr==0)&(y[te]==1)).sum()
  print(C, "precision",tp/(tp+fp),"recall",tp/(tp+fn))
