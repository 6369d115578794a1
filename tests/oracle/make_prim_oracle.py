"""Make ``prim_ema.json``: the EMA workbench's PRIM boxes on fixed small datasets.

The test oracle of :class:`skmetamorph.scenario.PRIM` (``tests/test_prim.py``).
It needs the EMA workbench, which skmetamorph does not depend on, so it runs in
a throwaway environment::

    python -m venv /tmp/emavenv
    /tmp/emavenv/bin/pip install ema_workbench==2.5.3
    /tmp/emavenv/bin/python tests/oracle/make_prim_oracle.py

The inputs and outputs are written into the JSON with the boxes, so the test
does not depend on this script's random numbers.
"""

import json
import logging
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from ema_workbench.analysis import prim
from ema_workbench.analysis.scenario_discovery_util import RuleInductionType

logging.disable(logging.CRITICAL)

OBJECTIVES = {
    "lenient1": prim.PRIMObjectiveFunctions.LENIENT1,
    "lenient2": prim.PRIMObjectiveFunctions.LENIENT2,
    "original": prim.PRIMObjectiveFunctions.ORIGINAL,
}


def datasets():
    """(name, X, y, PRIM parameters): one box, ties, two regions, probabilities.

    Inputs have 4 decimals: the JSON stays small and the values exact.
    """
    rng = np.random.default_rng(20260)
    X = np.round(rng.uniform(size=(300, 3)), 4)
    noise = rng.uniform(size=300) < 0.1
    one_box = ((X[:, 0] > 0.6) & (X[:, 2] < 0.5)) ^ noise
    yield "one_box", X, one_box.astype(int), dict(alpha=0.05, n_boxes=1)
    yield (
        "one_box_lenient2",
        X,
        one_box.astype(int),
        dict(alpha=0.1, objective="lenient2", mass_min=0.1),
    )
    # Inputs on a grid of 11 values: peels must step over ties.
    X_ties = np.round(rng.uniform(size=(300, 3)), 1)
    ties = (X_ties[:, 1] >= 0.5) & (X_ties[:, 0] <= 0.4)
    yield "ties", X_ties, ties.astype(int), dict(alpha=0.1, n_boxes=2)
    X2 = np.round(rng.uniform(size=(400, 4)), 4)
    two = ((X2[:, 0] < 0.35) & (X2[:, 1] < 0.35)) | ((X2[:, 0] > 0.7) & (X2[:, 1] > 0.7))
    yield "two_regions", X2, two.astype(int), dict(alpha=0.2, objective="original", n_boxes=2)
    yield "two_regions_half", X2, two.astype(int), dict(alpha=0.5, n_boxes=2)
    # A teacher's probability of the interesting class: PRIM on means.
    proba = 1 / (1 + np.exp(-12 * (X2[:, 2] - 0.6) - 8 * (0.4 - X2[:, 3])))
    yield "probability", X2, np.round(proba, 6), dict(alpha=0.05, paste_alpha=0.1)


def find_box(p):
    """``Prim.find_box`` without 2.5.3's "dump box" when a box's mean is below the
    threshold (the workbench's main branch dropped it): remaining rows, peel, paste."""
    p._update_yi_remaining(p)
    for box in p._boxes:
        box._frozen = True
    if p.yi_remaining.shape[0] == 0:
        return None
    box = prim.PrimBox(p, p.box_init, p.yi_remaining[:])
    box = p._paste(p._peel(box))
    p._boxes.append(box)
    return box


def run_ema(X, y, params):
    x = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    binary = set(np.unique(y)) <= {0, 1}
    p = prim.Prim(
        x,
        y,
        threshold=0.5,
        obj_function=OBJECTIVES[params.get("objective", "lenient1")],
        peel_alpha=params["alpha"],
        paste_alpha=params.get("paste_alpha", 0.05),
        mass_min=params.get("mass_min", 0.05),
        mode=RuleInductionType.BINARY if binary else RuleInductionType.REGRESSION,
    )
    boxes = []
    for _ in range(params.get("n_boxes", 1)):
        box = find_box(p)
        if box is None:  # no rows left
            break
        t = box.peeling_trajectory
        boxes.append(
            {
                "mean": t["mean"].tolist(),
                "mass": t["mass"].tolist(),
                "n_samples": t["n"].astype(int).tolist(),
                "res_dim": t["res_dim"].astype(int).tolist(),
                "coverage": t["coverage"].tolist() if binary else None,
                "density": t["density"].tolist() if binary else None,
                "limits": [lim[x.columns].to_numpy().tolist() for lim in box.box_lims],
            }
        )
    return boxes


def main():
    cases = []
    for name, X, y, params in datasets():
        cases.append(
            {
                "name": name,
                "params": params,
                "X": X.tolist(),
                "y": y.tolist(),
                "boxes": run_ema(X, y, params),
            }
        )
    out = Path(__file__).with_name("prim_ema.json")
    document = {"ema_workbench": metadata.version("ema_workbench"), "cases": cases}
    out.write_text(json.dumps(document) + "\n")
    print(f"wrote {out}: {len(cases)} cases")
    for case in cases:
        print(case["name"], [len(b["mean"]) for b in case["boxes"]])


if __name__ == "__main__":
    main()
