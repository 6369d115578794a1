"""Diagnostic: AdaptiveSampler vs its base MUNGE at equal teacher rows (8-leaf tree student)."""

import json
import sys
import warnings

import numpy as np

sys.path.insert(0, "/work/wt-23")
sys.path.insert(0, "/work/wt-23/benchmarks")
warnings.filterwarnings("ignore")
from bench_tabular import load
from scipy.stats import wilcoxon
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from skmetamorph.samplers import MUNGE, AdaptiveSampler

B = 1000
variants = {
    "munge": lambda s: MUNGE(n_samples=B, random_state=s),
    "adaptive": lambda s: AdaptiveSampler(MUNGE(), budget=B, random_state=s),
    "adaptive_explore1": lambda s: AdaptiveSampler(
        MUNGE(), budget=B, exploration=1.0, random_state=s
    ),
    "adaptive_explore05": lambda s: AdaptiveSampler(
        MUNGE(), budget=B, exploration=0.5, random_state=s
    ),
    "adaptive_tree8": lambda s: AdaptiveSampler(
        MUNGE(), budget=B, student=DecisionTreeClassifier(max_leaf_nodes=8), random_state=s
    ),
}
res = {k: [] for k in variants}
for ds in ["classification", "digits", "breast_cancer", "wine"]:
    for seed in range(3):
        Xtr, Xte, ytr, yte = load(ds, 100, seed)
        t = RandomForestClassifier(100, random_state=seed).fit(Xtr, ytr)
        tt = t.predict(Xte)
        for k, f in variants.items():
            rows = f(seed).fit_generate(Xtr, ytr, teacher=t)
            st = DecisionTreeClassifier(max_leaf_nodes=8, random_state=seed).fit(
                rows, t.predict(rows)
            )
            res[k].append(float(np.mean(st.predict(Xte) == tt)))
        print(ds, seed, {k: round(v[-1], 3) for k, v in res.items()}, flush=True)
base = np.array(res["munge"])
for k, v in res.items():
    d = np.array(v) - base
    p = wilcoxon(d).pvalue if np.any(d) else 1.0
    print(f"{k:20s} fidelity {np.mean(v):.3f}  vs munge {d.mean():+.3f} (p {p:.3f})")
json.dump(res, open("/tmp/wt23/adapt_diag.json", "w"))
