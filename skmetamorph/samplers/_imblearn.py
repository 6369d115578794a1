"""Class-aware rows: SMOTE-family interpolation through imbalanced-learn.

imbalanced-learn is an optional dependency (the ``imbalanced`` extra): this
module imports without it, and the sampler raises a clear ``ImportError``
when it is used without it.
"""

import math
import warnings
from numbers import Integral

import numpy as np
from sklearn.utils.multiclass import type_of_target

from ..base import N_SAMPLES_CONSTRAINT, BaseTransferSampler
from ..utils._data import unlabeled_mask
from ..utils._sklearn_compat import Interval, StrOptions
from ._features import CategoricalFeaturesMixin
from ._optional import import_optional

__all__ = ["SMOTESampler"]

#: The extra that installs imbalanced-learn, named in the ImportError.
EXTRA = "imbalanced"


def _import_imblearn(name):
    """imbalanced-learn's over-samplers, or an ImportError naming the extra."""
    module = import_optional(
        "imblearn.over_sampling", package="imbalanced-learn", extra=EXTRA, owner=name
    )
    return {
        "smote": module.SMOTE,
        "smote-nc": module.SMOTENC,
        "smoten": module.SMOTEN,
        "adasyn": module.ADASYN,
    }


class SMOTESampler(CategoricalFeaturesMixin, BaseTransferSampler):
    """Rows between neighbours of the same class: SMOTE, ADASYN or SMOTE-NC (imbalanced-learn).

    Each new row lies on the segment between a row of class ``c`` and one of
    its ``k_neighbors`` nearest neighbours *of the same class*, so the rows
    stay inside the region of each class instead of filling the gaps between
    classes (as MUNGE's or a density's rows may). The rows are made by
    imbalanced-learn's own implementations:

    - ``kind="smote"``: :class:`imblearn.over_sampling.SMOTE`, the seed row
      and the neighbour drawn uniformly;
    - ``kind="adasyn"``: :class:`imblearn.over_sampling.ADASYN`, more rows
      from seed rows with many neighbours of *other* classes (near the class
      boundaries, where the student most needs the teacher's labels);
    - with ``categorical_features``, SMOTE-NC
      (:class:`imblearn.over_sampling.SMOTENC`: continuous features
      interpolated, each categorical feature takes the most frequent value
      among the neighbours), or SMOTE-N (:class:`~imblearn.over_sampling.SMOTEN`)
      when every feature is categorical.

    **Classes.** With ``labels="teacher"`` the classes are the teacher's
    predictions on every row of ``X`` (the pool); with ``labels="y"`` they are
    the labeled rows of ``y`` (``-1`` marks unlabeled rows, which are then not
    used). The default, ``"auto"``, uses the teacher when one is given (as in
    :class:`~skmetamorph.MetamorphosisClassifier`) and ``y`` otherwise: the
    teacher's labels on the whole pool give every class many more rows to
    interpolate between than the few labeled ones, and they are the labels the
    student has to imitate.

    **How many rows per class.** imbalanced-learn's samplers oversample to
    balance the classes; here they are driven with a ``sampling_strategy``
    asking each class for its share of the ``n_samples`` new rows. By default
    the shares are proportional to the classes' frequencies (the transfer set
    keeps the class balance of the data); ``class_shares="equal"`` gives every
    class the same number of rows. Only the new rows are returned, never the
    original ones, in a random order (classes mixed, so that streamed chunks
    are not one class at a time).

    **Small classes.** A class needs two distinct rows to interpolate between.
    A class with ``m`` distinct rows uses ``min(k_neighbors, m - 1)``
    neighbours (recorded in ``k_neighbors_``); a class with a single distinct
    row gets no rows, its share goes to the other classes, and a
    ``UserWarning`` names it. Identical rows of a class are used once, so that
    a row's neighbours are other points rather than its own copies (whose
    segment is a single point).

    **ADASYN.** Where no row of a class has a neighbour of another class
    (a class far from all others), ADASYN's weights are undefined; that
    class's rows are then made by SMOTE, with a ``UserWarning``. ADASYN
    rounds its per-row counts, so it is asked for a few more rows than the
    class's share and exactly the share is kept, drawn at random.

    This is a one-shot sampler: imbalanced-learn's algorithms work on the
    whole set at once, so the rows cannot be made range by range
    independently. :meth:`generate_batches` and the meta-estimators slice the
    rows made at once, which are the same for every ``batch_size``; they
    depend on ``random_state`` only.

    Needs imbalanced-learn (``pip install "skmetamorph[imbalanced]"``).

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of new rows: a count if an int, a multiple of the number of
        input rows (of ``X``, whatever the labels) if a float.
    kind : {"smote", "adasyn"}, default="smote"
        The algorithm. ``"adasyn"`` works on continuous features only (it
        cannot be combined with ``categorical_features``).
    k_neighbors : int, default=5
        Number of same-class nearest neighbours a row is interpolated with
        (reduced for classes with fewer distinct rows, see above).
    labels : {"auto", "teacher", "y"}, default="auto"
        Where the classes come from: the teacher's predictions on all rows,
        the labeled rows of ``y``, or ``"auto"``: the teacher when one is
        given, else ``y``.
    class_shares : {"proportional", "equal"}, default="proportional"
        How the new rows are shared among the classes: in proportion to the
        number of rows of each class, or equally.
    categorical_features : array-like of int, bool or str, default=None
        Features that are categorical: indices, a boolean mask of length
        ``n_features``, or feature names when ``X`` is a DataFrame. With some
        categorical features the rows are made by SMOTE-NC, with all of them
        by SMOTE-N. ``None``: all features are continuous.
    random_state : int, RandomState instance or None, default=None
        Seed; each class's imbalanced-learn sampler gets an int seed drawn
        from it.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The classes found (teacher's predictions or labels of ``y``), from
        the last :meth:`fit_generate`.
    class_counts_ : ndarray of shape (n_classes,)
        Rows of each class (before identical rows are merged).
    n_samples_per_class_ : ndarray of shape (n_classes,)
        New rows made for each class.
    k_neighbors_ : ndarray of shape (n_classes,)
        Neighbours used for each class (0 for a class that got no rows).
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    MUNGE : Perturbs each row towards its nearest neighbour, whatever its
        class; needs no labels.
    imblearn.over_sampling.SMOTE : The algorithm, as an over-sampler that
        balances classes.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall and W. P. Kegelmeyer,
       "SMOTE: synthetic minority over-sampling technique", Journal of
       Artificial Intelligence Research 16, pp. 321-357, 2002.
    .. [2] H. He, Y. Bai, E. A. Garcia and S. Li, "ADASYN: Adaptive synthetic
       sampling approach for imbalanced learning", IEEE International Joint
       Conference on Neural Networks, pp. 1322-1328, 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import SMOTESampler
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(5, 1, (10, 2))])
    >>> y = np.repeat([0, 1], [30, 10])
    >>> smote = SMOTESampler(n_samples=200, labels="y", random_state=0)
    >>> smote.fit_generate(X, y).shape
    (200, 2)
    >>> smote.n_samples_per_class_.tolist()
    [150, 50]
    """

    # n_samples=10 is easily meant as 10.0: an int below the data warns.
    _warn_small_count = True

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "kind": [StrOptions({"smote", "adasyn"})],
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "labels": [StrOptions({"auto", "teacher", "y"})],
        "class_shares": [StrOptions({"proportional", "equal"})],
        "categorical_features": ["array-like", None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_samples=1.0,
        kind="smote",
        k_neighbors=5,
        labels="auto",
        class_shares="proportional",
        categorical_features=None,
        random_state=None,
    ):
        self.n_samples = n_samples
        self.kind = kind
        self.k_neighbors = k_neighbors
        self.labels = labels
        self.class_shares = class_shares
        self.categorical_features = categorical_features
        self.random_state = random_state

    def fit(self, X, y=None, *, teacher=None):
        """Validate the training rows; raise ImportError without imbalanced-learn.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,), default=None
            Labels, ``-1`` marking unlabeled rows.
        teacher : estimator, default=None
            The fitted teacher. Ignored by ``fit``.

        Returns
        -------
        self : object
            The sampler.
        """
        _import_imblearn(type(self).__name__)
        return super().fit(X, y, teacher=teacher)

    # ------------------------------------------------------------ the rows
    def _fit_generate(self, X, y, teacher, rng):
        samplers = _import_imblearn(type(self).__name__)
        n_total = self._resolve_n_samples(X.shape[0])
        algorithm = self._algorithm(X.shape[1])
        X_fit, codes = self._classes(X, y, teacher)
        n_classes = self.classes_.shape[0]
        self.class_counts_ = np.bincount(codes, minlength=n_classes)

        # Identical rows of a class are merged: a copy as a neighbour makes
        # only copies. Order of first appearance is kept.
        _, first = np.unique(
            np.column_stack([X_fit, codes.astype(X_fit.dtype)]), axis=0, return_index=True
        )
        first = np.sort(first)
        X_fit, codes = X_fit[first], codes[first]
        distinct = np.bincount(codes, minlength=n_classes)

        self.n_samples_per_class_ = self._shares(n_total, distinct)
        self.k_neighbors_ = np.where(
            self.n_samples_per_class_ > 0, np.minimum(self.k_neighbors, distinct - 1), 0
        )
        # One seed per class, drawn for every class so that a class's seed
        # does not depend on the others' shares.
        seeds = rng.integers(np.iinfo(np.int32).max, size=n_classes)
        parts = []
        for code in np.flatnonzero(self.n_samples_per_class_):
            parts.append(
                self._class_rows(samplers, algorithm, X_fit, codes, code, int(seeds[code]), rng)
            )
        rows = np.concatenate(parts)
        return rows[rng.permutation(rows.shape[0])]

    def _algorithm(self, n_features):
        categorical = self._categorical_mask(n_features)
        if not categorical.any():
            return self.kind, None
        if self.kind == "adasyn":
            raise ValueError(
                "kind='adasyn' works on continuous features only; with "
                "categorical_features use kind='smote' (SMOTE-NC)."
            )
        if categorical.all():
            return "smoten", None
        return "smote-nc", categorical

    def _classes(self, X, y, teacher):
        """The rows that carry a class, and their class codes (sets ``classes_``)."""
        name = type(self).__name__
        source = self.labels
        if source == "auto":
            source = "y" if teacher is None else "teacher"
        if source == "teacher":
            if teacher is None:
                raise ValueError(
                    f"{name}(labels='teacher') needs the fitted teacher: "
                    "fit_generate(X, y, teacher=teacher)."
                )
            labels = np.asarray(teacher.predict(self._with_feature_names(X)))
            X_fit = X
            where = "the teacher's predictions"
        else:
            if y is None:
                raise ValueError(
                    f"{name} needs classes: labels y (-1 marking unlabeled rows) or "
                    "a fitted teacher (labels='teacher')."
                )
            labeled = ~unlabeled_mask(y)
            if not labeled.any():
                raise ValueError(
                    f"{name}(labels={self.labels!r}) found no labeled row in y (all are "
                    "-1); pass a teacher and labels='teacher' to use its predictions."
                )
            X_fit, labels = X[labeled], y[labeled]
            where = "y"
        if labels.ndim != 1 or labels.shape[0] != X_fit.shape[0]:
            raise ValueError(
                f"{name} needs one class per row from {where}; got an array of shape "
                f"{labels.shape} for {X_fit.shape[0]} rows."
            )
        target = type_of_target(labels)
        if target not in ("binary", "multiclass"):
            raise ValueError(
                f"{name} interpolates between rows of the same class, but {where} "
                f"are not classes (type of target: {target!r}). For a regression "
                "teacher use another sampler, such as MUNGE."
            )
        self.classes_, codes = np.unique(labels, return_inverse=True)
        return X_fit, codes.reshape(-1)

    def _shares(self, n_total, distinct):
        """New rows per class: ``n_total`` shared by the classes that can interpolate."""
        usable = distinct >= 2
        if not usable.any():
            raise ValueError(
                f"{type(self).__name__} needs a class with at least 2 distinct rows to "
                f"interpolate between; classes {self.classes_.tolist()} have "
                f"{distinct.tolist()}."
            )
        if not usable.all():
            warnings.warn(
                f"{type(self).__name__}: classes {self.classes_[~usable].tolist()} have "
                "a single distinct row, nothing to interpolate with; they get no new "
                "rows, and their share goes to the other classes.",
                UserWarning,
                stacklevel=4,
            )
        if self.class_shares == "equal":
            weights = usable.astype(float)
        else:
            weights = np.where(usable, self.class_counts_, 0).astype(float)
        return _largest_remainder(n_total, weights)

    def _class_rows(self, samplers, algorithm, X_fit, codes, code, seed, rng):
        """The new rows of class ``code``, made by imbalanced-learn."""
        kind, categorical = algorithm
        n_new, k = int(self.n_samples_per_class_[code]), int(self.k_neighbors_[code])
        n_class = int(np.count_nonzero(codes == code))
        single_class = np.unique(codes).shape[0] == 1
        if kind == "adasyn" and not single_class:
            # ADASYN rounds each row's count: ask for enough rows that the
            # rounding cannot fall short, then keep exactly n_new of them.
            extra = math.ceil(n_class / 2)
            sampler = samplers["adasyn"](
                sampling_strategy={code: n_class + n_new + extra},
                n_neighbors=k,
                random_state=seed,
            )
            try:
                rows = _new_rows(sampler, X_fit, codes)
            except RuntimeError:
                # No row of the class has a neighbour of another class.
                warnings.warn(
                    f"{type(self).__name__}(kind='adasyn'): no row of class "
                    f"{self.classes_[code]!r} has a neighbour of another class, so "
                    "ADASYN's weights are undefined; its rows are made by SMOTE.",
                    UserWarning,
                    stacklevel=5,
                )
            else:
                keep = np.sort(rng.choice(rows.shape[0], size=n_new, replace=False))
                return rows[keep]
            kind = "smote"
        elif kind == "adasyn":
            kind = "smote"  # a single class has no neighbours of other classes
        params = {"sampling_strategy": {code: n_class + n_new}, "k_neighbors": k}
        if kind == "smote-nc":
            # As a list of indices: imbalanced-learn compares the parameter
            # with the string "auto", which an array cannot be.
            params["categorical_features"] = np.flatnonzero(categorical).tolist()
        X_in, y_in = X_fit, codes
        if single_class:
            # imbalanced-learn needs two classes; SMOTE's rows of a class depend
            # on that class's rows only, so a copy of a row under another label
            # changes nothing but lets it run.
            X_in = np.vstack([X_fit, X_fit[:1]])
            y_in = np.append(codes, code + 1)
        return _new_rows(samplers[kind](random_state=seed, **params), X_in, y_in)


def _new_rows(sampler, X, y):
    """The synthetic rows of ``sampler.fit_resample``: imbalanced-learn puts them after ``X``."""
    X_res, _ = sampler.fit_resample(X, y)
    return np.asarray(X_res[X.shape[0] :], dtype=X.dtype)


def _largest_remainder(n_total, weights):
    """``n_total`` split in proportion to ``weights`` into ints that sum to it exactly.

    Each gets the floor of its share; the rows left go to the largest
    remainders (ties to the first), so no share is off by one or more.
    """
    exact = n_total * weights / weights.sum()
    counts = np.floor(exact).astype(np.intp)
    left = n_total - int(counts.sum())
    if left:
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:left]] += 1
    return counts
