"""Walk one ``fit`` and count how often it crosses between the package's modules.

The measure of issue 22 ("one object per kind of target"): a fit of a
``MetamorphosisClassifier`` with a pool sampler and a tree student is traced
with :func:`sys.setprofile`; every Python call into a function defined in
``skmetamorph`` is recorded with its module, and a *switch* is a call whose
module differs from the caller's skmetamorph module. Printed: calls, distinct
functions, modules, switches (all, and between the estimator modules), and how
often the package asked for an estimator's tags (by the estimator's type).

Run: ``python tools/fit_walk.py [--json PATH]``.
"""

import argparse
import collections
import json
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier
from skmetamorph.samplers import PoolSampler

#: The modules that make up the meta-estimators (before and after issue 22).
ESTIMATOR_MODULES = {
    "skmetamorph._base",
    "skmetamorph._meta_estimator",
    "skmetamorph._classifier",
    "skmetamorph._regressor",
    "skmetamorph._target_kinds",
}


def walk():
    X, y = load_digits(return_X_y=True)
    y = y.copy()
    y[200:] = -1  # 200 labeled rows, the rest a pool
    estimator = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=10, random_state=0),
        DecisionTreeClassifier(max_leaf_nodes=16, random_state=0),
        PoolSampler(),
        random_state=0,
    )
    calls, functions, stack = [], set(), []
    switches = collections.Counter()
    tag_calls = collections.Counter()

    def profile(frame, event, arg):
        if event == "call":
            module = frame.f_globals.get("__name__", "")
            caller = stack[-1] if stack else None
            called_from = frame.f_back.f_globals.get("__name__", "") if frame.f_back else ""
            if frame.f_code.co_name in (
                "get_tags",
                "get_metamorph_tags",
            ) and called_from.startswith("skmetamorph"):
                # Whose tags: the first argument of the tag function.
                first = frame.f_locals.get(frame.f_code.co_varnames[0])
                tag_calls[type(first).__name__] += 1
            if module.startswith("skmetamorph"):
                calls.append(module)
                functions.add((module, frame.f_code.co_name))
                if caller is not None and caller != module:
                    switches[(caller, module)] += 1
                stack.append(module)
            else:
                stack.append(caller)
        elif event == "return":
            if stack:
                stack.pop()

    sys.setprofile(profile)
    try:
        estimator.fit(X, y)
    finally:
        sys.setprofile(None)
    between = sum(
        n for (a, b), n in switches.items() if a in ESTIMATOR_MODULES and b in ESTIMATOR_MODULES
    )
    return {
        "calls": len(calls),
        "functions": len(functions),
        "modules": len(set(calls)),
        "switches": sum(switches.values()),
        "switches_between_estimator_modules": between,
        "tag_lookups": dict(tag_calls.most_common()),
        "top_switches": [[a, b, n] for (a, b), n in switches.most_common(8)],
        "score": float(estimator.score(X, np.where(y == -1, load_digits().target, y))),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the counts to this file")
    args = parser.parse_args()
    result = walk()
    for key, value in result.items():
        if key != "top_switches":
            print(f"{key:40s} {value}")
    for a, b, n in result["top_switches"]:
        print(f"  {a} -> {b}: {n}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
