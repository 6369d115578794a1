"""The main job on embedded data: digits with 10% of the labels.

A decision tree trained on the few labeled digits is compared with the same
tree trained, through MetamorphosisClassifier, on the transfer sets of a
semi-supervised teacher. Run it with ``python -m skmetamorph demo``.
"""

import time

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.semi_supervised import LabelSpreading
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

from ._classifier import MetamorphosisClassifier
from .metrics import fidelity_score
from .samplers import MUNGE, ConfidenceSampler, PoolSampler, UnionSampler

__all__ = ["run_demo", "format_table"]


#: BLAS and OpenMP threads the demo runs with. sklearn's nearest-neighbour
#: search splits its work between OpenMP threads, and on the digits (integer
#: pixels) many neighbours tie at the same distance: which of them is kept
#: depends on the split, so the teacher's graph, and every number after it,
#: changed with the thread count (0.843 on one thread, 0.845 on two for the
#: last row). On one thread a run gives the same numbers on any machine.
THREADS = 1

#: Neighbours of the teacher's knn graph, tried in order: the first whose graph
#: reaches every row from some label is used. Few labels need more neighbours
#: (with 7, at 5% of the labels a few rows reach no label and get none).
NEIGHBOURS = (7, 14, 28, 56)


def _teacher(X, y_semi):
    """LabelSpreading on a knn graph that carries a label to every row, fitted."""
    for n_neighbors in NEIGHBOURS:
        teacher = LabelSpreading(kernel="knn", n_neighbors=n_neighbors).fit(X, y_semi)
        distributions = teacher.label_distributions_
        if np.isfinite(distributions).all() and (distributions.sum(axis=1) > 0).all():
            return teacher
    return teacher  # the metamorphosis estimators then say which rows have no label


def _recipes(teacher):
    """(name, MetamorphosisClassifier) pairs compared by the demo, for a fitted teacher."""
    teacher = LabelSpreading(kernel="knn", n_neighbors=teacher.n_neighbors)
    student = DecisionTreeClassifier()

    def metamorphosis(sampler, **params):
        return MetamorphosisClassifier(teacher, student, sampler, **params)

    return [
        ("metamorphosis: pool, hard labels", metamorphosis(PoolSampler())),
        ("metamorphosis: confident pool (>= 0.9)", metamorphosis(ConfidenceSampler(0.9))),
        (
            "metamorphosis: pool + MUNGE x2, soft T=2",
            metamorphosis(
                UnionSampler([("pool", PoolSampler()), ("munge", MUNGE(n_samples=2.0))]),
                labels="soft",
                temperature=2.0,
            ),
        ),
    ]


def _split(seed, label_fraction):
    """Train/test split; ``label_fraction`` of the training labels kept, at least one per class."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=seed, stratify=y
    )
    rng = np.random.default_rng(seed)
    y_semi = y_train.copy()
    y_semi[rng.random(len(y_semi)) >= label_fraction] = -1
    for label in np.unique(y_train):
        # A class without any label cannot be learned by anyone.
        if not (y_semi == label).any():
            y_semi[rng.choice(np.flatnonzero(y_train == label))] = label
    return X_train, y_semi, X_test, y_test


def _timed_fit(estimator, X, y):
    start = time.perf_counter()
    estimator.fit(X, y)
    return time.perf_counter() - start


def run_demo(label_fraction=0.1, seeds=(0, 1, 2), verbose=0):
    """Compare a student trained alone, its teacher, and metamorphosis recipes.

    Parameters
    ----------
    label_fraction : float, default=0.1
        Fraction of the training rows that keep their label; the rest are
        marked ``-1``.
    seeds : sequence of int, default=(0, 1, 2)
        One train/test split and label draw per seed; results are averaged.
    verbose : int, default=0
        Passed to the metamorphosis estimators (their stages and progress),
        plus one line per seed and model.

    Returns
    -------
    rows : list of dict
        One row per model with keys ``model``, ``accuracy``, ``accuracy_std``,
        ``fidelity`` (None where it does not apply) and ``fit_seconds``.

    Notes
    -----
    The demo runs with one BLAS/OpenMP thread (``THREADS``): with more, the
    teacher's nearest-neighbour graph breaks ties between equally distant
    digits differently, and the numbers change with the machine's core count.
    """
    with threadpool_limits(limits=THREADS):
        return _run(label_fraction, seeds, verbose)


def _run(label_fraction, seeds, verbose):
    results = {}

    def record(name, accuracy, fidelity, seconds):
        results.setdefault(name, []).append((accuracy, fidelity, seconds))

    for seed in seeds:
        X_train, y_semi, X_test, y_test = _split(seed, label_fraction)
        labeled = y_semi != -1

        start = time.perf_counter()
        teacher = _teacher(X_train, y_semi)
        teacher_seconds = time.perf_counter() - start

        alone = DecisionTreeClassifier(random_state=seed)
        seconds = _timed_fit(alone, X_train[labeled], y_semi[labeled])
        # The tree trained alone has no teacher; its agreement with the same
        # teacher is still the fair baseline for the metamorphosis rows' fidelity.
        record(
            "student alone (labeled rows only)",
            alone.score(X_test, y_test),
            fidelity_score(teacher, alone, X_test),
            seconds,
        )
        record(
            "teacher: LabelSpreading (all rows)",
            teacher.score(X_test, y_test),
            None,
            teacher_seconds,
        )

        for name, recipe in _recipes(teacher):
            if verbose:
                print(f"[demo] seed {seed}: {name}", flush=True)
            model = clone(recipe).set_params(random_state=seed, verbose=verbose)
            seconds = _timed_fit(model, X_train, y_semi)
            record(name, model.score(X_test, y_test), model.fidelity(X_test), seconds)

    rows = []
    for name, runs in results.items():
        accuracy, fidelity, seconds = (np.array(column, dtype=float) for column in zip(*runs))
        rows.append(
            {
                "model": name,
                "accuracy": float(accuracy.mean()),
                "accuracy_std": float(accuracy.std()),
                "fidelity": None if np.isnan(fidelity).all() else float(fidelity.mean()),
                "fit_seconds": float(seconds.mean()),
            }
        )
    return rows


def format_table(rows):
    """Render demo rows as a Markdown table.

    Parameters
    ----------
    rows : list of dict
        Output of :func:`run_demo`.

    Returns
    -------
    table : str
        The table, one line per model.
    """
    lines = [
        "| model | test accuracy | fidelity to teacher | fit time (s) |",
        "|---|---|---|---|",
    ]
    for row in rows:
        fidelity = "-" if row["fidelity"] is None else f"{row['fidelity']:.3f}"
        lines.append(
            f"| {row['model']} | {row['accuracy']:.3f} ± {row['accuracy_std']:.3f} "
            f"| {fidelity} | {row['fit_seconds']:.2f} |"
        )
    return "\n".join(lines)


def summary(rows):
    """One line saying what fidelity is and what the table shows.

    Parameters
    ----------
    rows : list of dict
        Output of :func:`run_demo`.

    Returns
    -------
    line : str
        The line.
    """
    by_name = {row["model"]: row for row in rows}
    alone = by_name["student alone (labeled rows only)"]
    best = max(
        (row for row in rows if row["model"].startswith("metamorphosis")),
        key=lambda row: row["accuracy"],
    )
    return (
        f"Fidelity is how often the tree predicts what its teacher predicts. The same tree "
        f"goes from test accuracy {alone['accuracy']:.3f} alone to {best['accuracy']:.3f} "
        f"({best['model'].split(': ', 1)[1]}) by learning the teacher's labels on its "
        "transfer set."
    )
