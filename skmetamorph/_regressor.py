"""MetamorphosisRegressor: turn a regression teacher (a model or a simulation) into any student.

Only what regression needs lives here: NaN-marked targets, multi-output
``y``, data-free fits. The pipeline itself is
:class:`~skmetamorph._meta_estimator.BaseMetamorphosis`.
"""

import warnings

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.utils import get_tags
from sklearn.utils.validation import check_array, check_consistent_length, validate_data

from ._meta_estimator import BaseMetamorphosis, with_shared_docs
from ._target_kinds import RegressionTargets
from ._teachers import TeacherEnsembleRegressor, needs_no_data

__all__ = ["MetamorphosisRegressor"]


@with_shared_docs
class MetamorphosisRegressor(RegressorMixin, BaseMetamorphosis):
    """Turn a teacher regressor, function or simulation into a student regressor.

    The regression counterpart of :class:`~skmetamorph.MetamorphosisClassifier`:
    ``fit`` trains the teacher on the labeled rows, lets the transfer sampler
    make the transfer set, labels it with the teacher's predictions (in
    chunks) and trains the student on it. ``predict`` and ``score`` (R²) are
    the student's; :meth:`fidelity` is the R² of the student against its
    teacher. Targets may have several outputs (2d ``y``).

    Surrogates of simulations: with a :class:`~skmetamorph.FunctionTeacher`
    (or a pre-trained ``FrozenEstimator`` teacher), which needs no training
    rows, and a sampler that defines the input domain (a quasi-random sampler
    such as :class:`~skmetamorph.samplers.SobolSampler` with ``bounds``),
    ``fit(X=None, y=None)`` works without any data.

    Parameters
    ----------
    teacher : estimator or list of estimators
        The teacher, a regressor (or a :class:`~skmetamorph.FunctionTeacher`).
        It is cloned and fitted on the labeled rows inside ``fit``; a teacher
        that is already trained is passed as
        ``sklearn.frozen.FrozenEstimator(teacher)`` and is not refitted. A
        list of teachers is averaged.
    student : estimator
        The student, any scikit-learn regressor. Cloned and fitted on the
        transfer set.
    transfer_sampler : BaseTransferSampler, "auto" or None, default=None
        Makes the rows of the transfer set. ``None`` means
        :class:`~skmetamorph.samplers.PoolSampler`: the unlabeled rows where
        there are any, else all rows, relabeled by the teacher.
        ``"auto"`` means :class:`~skmetamorph.samplers.AutoSampler` scoring
        its candidate samplers with this estimator's student (see
        :ref:`choosing_a_sampler`). Samplers see
        ``y`` as a 1d marker (``-1`` unlabeled, ``0`` labeled): regression
        targets are not classes.
    include_labeled : bool, default=True
        Whether the labeled rows join the transfer set with their true
        targets.
    %(batch_size)s
    %(n_jobs)s
    streaming : bool, default=False
        Train the student chunk by chunk with its ``partial_fit``
        (``SGDRegressor``, ``MLPRegressor``, ...) instead of ``fit`` on the
        whole transfer set, which is then never held in memory.
    n_passes : int, default=1
        With ``streaming=True``, the number of passes over the transfer set
        and the labeled rows; each pass makes and labels the same rows again,
        in a new order (unless ``fresh_rows=True``). Ignored otherwise.
    %(fresh_rows)s
    %(memory)s
    %(random_state)s
    %(verbose)s

    Attributes
    ----------
    %(student_)s
    teacher_ : regressor
        The fitted teacher (for a list, a
        :class:`~skmetamorph.TeacherEnsembleRegressor` whose ``predict``
        averages the fitted members in its ``teachers_``).
    %(transfer_sampler_)s
    %(n_transfer_samples_)s
    n_features_in_ : int
        Number of features seen during fit (from the sampler's rows when
        fitted without ``X``).
    %(feature_names_in_)s

    See Also
    --------
    MetamorphosisClassifier : The same for classification.
    FunctionTeacher : A function or simulation as the teacher.
    skmetamorph.samplers.SobolSampler : Quasi-random rows over a domain.

    Notes
    -----
    Unlabeled rows are marked with NaN in ``y`` (``-1`` is a valid regression
    target): a row whose targets are all NaN is unlabeled; a row with only
    some NaN targets is an error. ``y=None`` marks every row unlabeled, which
    is allowed only with a teacher that needs no data.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skmetamorph import MetamorphosisRegressor
    >>> from skmetamorph.samplers import MUNGE
    >>> X, y = make_friedman1(n_samples=300, random_state=0)
    >>> reg = MetamorphosisRegressor(
    ...     RandomForestRegressor(n_estimators=50), DecisionTreeRegressor(max_depth=6),
    ...     transfer_sampler=MUNGE(n_samples=5.0), random_state=0)
    >>> reg.fit(X[:200], y[:200]).n_transfer_samples_
    1000
    >>> bool(reg.fidelity(X[200:]) > 0.5)
    True

    A surrogate of a function, with no data at all:

    >>> import numpy as np
    >>> from sklearn.neighbors import KNeighborsRegressor
    >>> from skmetamorph import FunctionTeacher
    >>> from skmetamorph.samplers import SobolSampler
    >>> surrogate = MetamorphosisRegressor(
    ...     FunctionTeacher(lambda X: np.sin(X[:, 0]) + X[:, 1] ** 2),
    ...     KNeighborsRegressor(n_neighbors=3),
    ...     SobolSampler(n_samples=512, bounds=[(0, 3), (-1, 1)]), random_state=0,
    ... ).fit()
    >>> surrogate.n_features_in_, bool(surrogate.fidelity(np.array([[1.0, 0.5]] * 2)) <= 1)
    (2, True)
    """

    #: What a list of teachers becomes.
    _ensemble_class = TeacherEnsembleRegressor
    #: The kind of teacher and student this task needs, and the other task.
    _kind = ("regressor", "classifier", "MetamorphosisClassifier for classification")

    _parameter_constraints = dict(BaseMetamorphosis._parameter_constraints)

    # The parameters are the shared ones: BaseMetamorphosis.__init__ is this
    # class's constructor (get_params reads its signature).

    # ------------------------------------------------------------ task hooks
    def _sampler_y(self, fit):
        # Samplers see a 1d marker (-1 unlabeled, 0 labeled): regression
        # targets are not classes.
        return None if fit.y is None else np.where(fit.labeled, 0, -1)

    def _target_kind_class(self):
        return RegressionTargets

    def _validate_fit_data(self, X, y, data_free):
        """Validated ``X`` (or None), float ``y`` (or None) and the labeled-row mask."""
        name = type(self).__name__
        if X is None:
            return self._validate_data_free(y)
        if y is None and not data_free:
            raise ValueError(
                f"{name} requires y to be passed, but the target y is None. Only a teacher "
                "that needs no data (FunctionTeacher, FrozenEstimator) can do without."
            )
        X = validate_data(
            self, X, dtype=[np.float64, np.float32], ensure_all_finite=self._finite_check()
        )
        if y is None:
            return X, None, np.zeros(X.shape[0], dtype=bool)
        y = self._validate_y(X, y)
        missing = np.isnan(y) if y.ndim == 1 else np.isnan(y).reshape(y.shape[0], -1)
        unlabeled = missing if y.ndim == 1 else missing.all(axis=1)
        if y.ndim > 1 and (missing.any(axis=1) & ~unlabeled).any():
            raise ValueError(
                "Some rows of y have NaN in only some outputs; a row is unlabeled when all "
                "of its targets are NaN, and labeled rows need every target."
            )
        if unlabeled.all() and not data_free:
            raise ValueError(
                "All rows are unlabeled (y is NaN): the teacher needs labeled rows to learn "
                "from. Pass a pre-trained teacher as FrozenEstimator(teacher) or a "
                "FunctionTeacher."
            )
        return X, y, ~unlabeled

    def _validate_y(self, X, y):
        y = check_array(
            y, ensure_2d=False, dtype=np.float64, ensure_all_finite="allow-nan", input_name="y"
        )
        check_consistent_length(X, y)
        if np.isinf(y).any():
            raise ValueError("Input y contains infinity; NaN is the only allowed marker.")
        if y.ndim > 2:
            raise ValueError(f"y must be 1d or 2d; got shape {y.shape}.")
        if y.ndim == 2 and y.shape[1] == 1 and not self._multi_output():
            # As single-output scikit-learn regressors do with a column vector.
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please change "
                "the shape of y to (n_samples,), for example using ravel().",
                DataConversionWarning,
                stacklevel=3,
            )
            y = y.ravel()
        return y

    def _multi_output(self):
        return all(get_tags(part).target_tags.multi_output for part in self._parts())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = self._multi_output()
        tags.target_tags.required = not needs_no_data(self.teacher)
        tags.regressor_tags.poor_score = any(
            getattr(get_tags(part).regressor_tags, "poor_score", False)
            for part in self._parts()
            if get_tags(part).regressor_tags is not None
        )
        return tags
