"""Helpers shared by the metamorphosis meta-estimators (classifier and regressor).

Seeding of sub-estimators, the NaN policy, verbose stage timing, the
``available_if`` test and the student-side methods (``predict``, ``fidelity``)
live here so that both meta-estimators behave the same way.
"""

import time
from numbers import Integral

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from .metrics import fidelity_score

__all__ = [
    "SHARED_PARAMETER_CONSTRAINTS",
    "StudentPredictionsMixin",
    "VerboseStage",
    "finite_check",
    "needs_no_data",
    "seed_unseeded",
    "student_has",
]


#: Parameters that the classifier and the regressor share, with their constraints.
SHARED_PARAMETER_CONSTRAINTS = {
    "teacher": [HasMethods(["fit", "predict"]), list],
    "student": [HasMethods(["fit", "predict"])],
    "transfer_sampler": [HasMethods(["fit_generate"]), None],
    "include_labeled": ["boolean"],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "n_jobs": [Integral, None],
    "streaming": ["boolean"],
    "n_passes": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


def student_has(attr):
    """For ``available_if``: the (fitted, else unfitted) student has ``attr``."""

    def check(self):
        student = getattr(self, "student_", self.student)
        getattr(student, attr)  # raises AttributeError, which hides the method
        return True

    return check


def seed_unseeded(estimator, rng, enabled):
    """Give every ``random_state`` left at None in ``estimator`` a seed drawn from ``rng``.

    Only when ``enabled`` (the meta-estimator itself is seeded): an unseeded
    meta-estimator keeps the sub-estimators' own (unseeded) behaviour. Frozen
    teachers and objects without ``get_params`` are never touched. Keys are
    seeded in sorted order so that a seed maps to the same sub-seeds every time.
    """
    if not enabled or isinstance(estimator, FrozenEstimator):
        return estimator
    if not hasattr(estimator, "get_params"):
        return estimator
    params = estimator.get_params(deep=True)
    unseeded = sorted(
        key
        for key, value in params.items()
        if value is None and (key == "random_state" or key.endswith("__random_state"))
    )
    seeds = {key: int(rng.randint(np.iinfo(np.int32).max)) for key in unseeded}
    if seeds:
        estimator.set_params(**seeds)
    return estimator


def needs_no_data(teacher):
    """Whether ``teacher`` (or every teacher of a list) can be used without training rows.

    True for a :class:`~sklearn.frozen.FrozenEstimator` (already trained) and for
    estimators that set ``_skmetamorph_needs_no_data = True``, such as
    :class:`~skmetamorph.FunctionTeacher`: a function or simulation knows its
    answers without data.
    """
    if isinstance(teacher, list):
        return len(teacher) > 0 and all(needs_no_data(t) for t in teacher)
    return isinstance(teacher, FrozenEstimator) or bool(
        getattr(teacher, "_skmetamorph_needs_no_data", False)
    )


def finite_check(parts):
    """``ensure_all_finite`` for ``validate_data``: NaN passes only if every part takes it."""
    allow_nan = all(get_tags(part).input_tags.allow_nan for part in parts)
    return "allow-nan" if allow_nan else True


class VerboseStage:
    """Context manager that prints a stage's name, size and duration when verbose."""

    def __init__(self, owner, name, info):
        self.owner, self.name, self.state = owner, name, {"info": info}

    def __enter__(self):
        self.start = time.perf_counter()
        return self.state

    def __exit__(self, *exc_info):
        if self.owner.verbose and exc_info[0] is None:
            elapsed = time.perf_counter() - self.start
            info = f" ({self.state['info']})" if self.state["info"] else ""
            print(f"[{type(self.owner).__name__}] {self.name}{info}: {elapsed:.2f}s")
        return False


class StudentPredictionsMixin:
    """``predict`` and ``fidelity`` of a fitted metamorphosis estimator: the student's.

    The class using it defines ``_finite_check()`` (its NaN policy) and, once
    fitted, ``teacher_`` and ``student_``.
    """

    def predict(self, X):
        """Predict with the student.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The student's predictions: classes for a classifier, values for a
            regressor.
        """
        X = self._validate_predict_input(X)
        return self.student_.predict(X)

    def fidelity(self, X):
        """Agreement of the student with its teacher on ``X``.

        For a classifier, the fraction of rows on which the student predicts
        the teacher's class; for a regressor, the R² of the student's
        predictions against the teacher's (averaged uniformly over outputs).
        See :func:`skmetamorph.metrics.fidelity_score`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to compare on (held-out rows tell more than the training rows).

        Returns
        -------
        fidelity : float
            In [0, 1] for a classifier; at most 1 (a perfect copy) for a regressor.
        """
        X = self._validate_predict_input(X)
        return fidelity_score(self.teacher_, self.student_, X)

    def _validate_predict_input(self, X):
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            reset=False,
            dtype=[np.float64, np.float32],
            ensure_all_finite=self._finite_check(),
        )
