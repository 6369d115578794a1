"""Deep tabular generators (CTGAN, TVAE) and a Gaussian copula, as transfer samplers.

Adapters to the Synthetic Data Vault's libraries: ``ctgan`` (CTGAN and TVAE)
and ``copulas`` (the Gaussian copula of SDV). Both are optional dependencies
(the ``deep`` extra): this module imports without them, and each sampler
raises a clear ``ImportError`` when it is used without its package.
"""

import inspect
from numbers import Integral

import numpy as np
from sklearn.utils.multiclass import type_of_target

from ..base import N_SAMPLES_CONSTRAINT, BaseTransferSampler
from ..utils._sklearn_compat import Interval, StrOptions
from ._features import feature_mask
from ._optional import import_optional

__all__ = ["CTGANSampler", "GaussianCopulaSampler", "TVAESampler"]

#: The extra that installs the generators' packages, named in the ImportError.
EXTRA = "deep"

#: Name of the teacher's column in the table the generator learns.
_LABEL_COLUMN = "__skmetamorph_teacher__"


def _import_requirement(sampler):
    """The module the sampler's generator lives in (``_requires``), or a clear ImportError."""
    module, package = sampler._requires
    return import_optional(module, package=package, extra=EXTRA, owner=type(sampler).__name__)


def _seed(rng):
    """An int seed for a library that takes one, drawn from the sampler's generator."""
    return int(rng.integers(np.iinfo(np.int32).max))


def _frame(X, names):
    import pandas as pd  # noqa: PLC0415 - a dependency of both generator packages

    return pd.DataFrame(X, columns=list(names))


class _GeneratorSampler(BaseTransferSampler):
    """Shared steps: name the columns, fit a generator, sample, return X's columns."""

    #: (module, package) that the sampler needs.
    _requires = ("", "")

    # n_samples=10 is easily meant as 10.0: an int below the data warns.
    _warn_small_count = True

    def fit(self, X, y=None, *, teacher=None):
        """Validate the training rows; raise ImportError without the generator's package.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,), default=None
            Labels, ``-1`` marking unlabeled rows. Ignored.
        teacher : estimator, default=None
            The fitted teacher. Ignored by ``fit``.

        Returns
        -------
        self : object
            The sampler.
        """
        _import_requirement(self)
        return super().fit(X, y, teacher=teacher)

    def _column_names(self, n_features):
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            return [f"x{i}" for i in range(n_features)]
        return [str(name) for name in names]

    def _fit_generate(self, X, y, teacher, rng):
        module = _import_requirement(self)
        n_rows = self._resolve_n_samples(X.shape[0])
        names = self._column_names(X.shape[1])
        self.generator_ = self._fit_generator(module, X, names, teacher, _seed(rng))
        sample = self._sample(self.generator_, n_rows)
        return sample[names].to_numpy(dtype=X.dtype)


class _NeuralSampler(_GeneratorSampler):
    """CTGAN and TVAE: a ctgan model fitted on X (and the teacher's labels), then sampled."""

    _requires = ("ctgan", "ctgan")

    #: The ctgan class.
    _model_name = ""

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "labels": [StrOptions({"auto", "teacher"}), None],
        "discrete_features": ["array-like", None],
        "generator_params": [dict, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_samples=1.0,
        epochs=300,
        labels="auto",
        discrete_features=None,
        generator_params=None,
        random_state=None,
    ):
        self.n_samples = n_samples
        self.epochs = epochs
        self.labels = labels
        self.discrete_features = discrete_features
        self.generator_params = generator_params
        self.random_state = random_state

    def _discrete_mask(self, n_features):
        # The same rules as MUNGE's categorical_features (indices, mask, names);
        # the generators call them discrete, as ctgan does.
        return feature_mask(
            self.discrete_features,
            n_features,
            getattr(self, "feature_names_in_", None),
            "discrete_features",
        )

    def _model(self, module, seed):
        params = dict(self.generator_params or {})
        if "epochs" in params:
            raise ValueError(
                f"{type(self).__name__}: pass epochs as the sampler's epochs parameter, "
                "not in generator_params."
            )
        model_class = getattr(module, self._model_name)
        signature = inspect.signature(model_class).parameters
        unknown = sorted(set(params) - set(signature))
        if unknown:
            raise ValueError(
                f"{type(self).__name__}: generator_params {unknown} are not parameters of "
                f"ctgan.{self._model_name}; its parameters are {sorted(signature)}."
            )
        # CPU unless asked otherwise: the same seed then gives the same rows.
        device = "enable_gpu" if "enable_gpu" in signature else "cuda"
        if "enable_gpu" not in params and "cuda" not in params:
            params[device] = False
        model = model_class(epochs=self.epochs, **params)
        model.set_random_state(seed)
        return model

    def _fit_generator(self, module, X, names, teacher, seed):
        discrete = self._discrete_mask(X.shape[1])
        table = _frame(X, names)
        discrete_columns = [name for name, flag in zip(names, discrete) if flag]
        source = self.labels
        if source == "auto":
            source = None if teacher is None else "teacher"
        if source == "teacher":
            if teacher is None:
                raise ValueError(
                    f"{type(self).__name__}(labels='teacher') needs the fitted teacher: "
                    "fit_generate(X, y, teacher=teacher)."
                )
            predictions = np.asarray(teacher.predict(self._with_feature_names(X)))
            if predictions.ndim != 1:
                raise ValueError(
                    f"{type(self).__name__}(labels='teacher') needs one prediction per "
                    f"row; the teacher's predict returned shape {predictions.shape}."
                )
            table[_LABEL_COLUMN] = predictions
            # Classes are a discrete column (CTGAN conditions on it); a
            # regression teacher's predictions are one more continuous column.
            if type_of_target(predictions) in ("binary", "multiclass"):
                discrete_columns.append(_LABEL_COLUMN)
        model = self._model(module, seed)
        model.fit(table, discrete_columns=discrete_columns)
        return model

    def _sample(self, model, n_rows):
        return model.sample(n_rows)


_NEURAL_DOC = """

    The generator is fitted on the rows of ``X`` (labeled and unlabeled
    alike) and, with the teacher's labels (``labels``), on one more column:
    the teacher's prediction for each row, a discrete column for a classifier
    (the generator then learns the rows of each class, conditioned on it), a
    continuous one for a regressor. The rows it samples are returned without
    that column: the transfer set's labels are still the teacher's.

    This is a one-shot sampler: the network is trained on the whole set, and
    its rows are sampled at once (:meth:`generate_batches` and the
    meta-estimators slice them, so they are the same for every
    ``batch_size``). With the same ``random_state`` (and on the CPU) the
    rows repeat.

    Needs ``ctgan`` (``pip install "skmetamorph[deep]"``), which needs torch.

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float.
    epochs : int, default=300
        Training epochs (ctgan's default). Far fewer make poor rows but are
        enough for a smoke test.
    labels : {"auto", "teacher"} or None, default="auto"
        Whether the generator also learns the teacher's predictions:
        ``"teacher"``, yes; None, no (X only); ``"auto"``, yes when a teacher
        is given.
    discrete_features : array-like of int, bool or str, default=None
        Features that are discrete (categorical): indices, a boolean mask of
        length ``n_features``, or feature names when ``X`` is a DataFrame. The
        generator models them as categories and makes only values seen in
        ``X``. None: all features are continuous.
    generator_params : dict, default=None
        Further parameters of the ctgan model ({model}), for example
        ``{"batch_size": 100, "embedding_dim": 32}``. The model runs on the
        CPU unless ``{"enable_gpu": True}``.
    random_state : int, RandomState instance or None, default=None
        Seed of the network's initialisation, training and sampling.

    Attributes
    ----------
    generator_ : ctgan.{model}
        The fitted generator, from the last :meth:`fit_generate`.
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.
"""


class CTGANSampler(_NeuralSampler):
    __doc__ = (
        """Rows from a conditional tabular GAN (CTGAN, from the ``ctgan`` package).

    CTGAN models each continuous feature through a mixture of modes
    (mode-specific normalisation) and trains a generator against a critic,
    sampling the categories of discrete columns evenly during training so
    that rare categories (and rare classes) are learned too. It can follow
    complicated, multi-modal tables that a mixture of Gaussians or a copula
    misses, at the cost of a much longer fit (minutes, not milliseconds)."""
        + _NEURAL_DOC.replace("{model}", "CTGAN")
        + """
    See Also
    --------
    TVAESampler : A variational autoencoder with the same data transformer;
        usually faster to train and as good on small tables.
    GMMSampler : A Gaussian mixture: fast, continuous features only.

    References
    ----------
    .. [1] L. Xu, M. Skoularidou, A. Cuesta-Infante and K. Veeramachaneni,
       "Modeling tabular data using conditional GAN", Advances in Neural
       Information Processing Systems 32, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import CTGANSampler
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> sampler = CTGANSampler(n_samples=50, epochs=5, random_state=0)
    >>> sampler.fit_generate(X).shape  # doctest: +SKIP
    (50, 3)
    """
    )

    _model_name = "CTGAN"


class TVAESampler(_NeuralSampler):
    __doc__ = (
        """Rows from a tabular variational autoencoder (TVAE, from the ``ctgan`` package).

    TVAE encodes the rows (with CTGAN's mode-specific normalisation of
    continuous features and one-hot discrete ones) into a Gaussian latent
    space and decodes random latent points into new rows. It is usually
    faster to train than CTGAN and at least as good on small tables."""
        + _NEURAL_DOC.replace("{model}", "TVAE")
        + """
    See Also
    --------
    CTGANSampler : The adversarial generator with the same data transformer.
    GaussianCopulaSampler : A far cheaper model of the joint distribution.

    References
    ----------
    .. [1] L. Xu, M. Skoularidou, A. Cuesta-Infante and K. Veeramachaneni,
       "Modeling tabular data using conditional GAN", Advances in Neural
       Information Processing Systems 32, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import TVAESampler
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> sampler = TVAESampler(n_samples=50, epochs=5, random_state=0)
    >>> sampler.fit_generate(X).shape  # doctest: +SKIP
    (50, 3)
    """
    )

    _model_name = "TVAE"


#: ``marginals`` -> the copulas univariate distribution.
_MARGINALS = {
    "beta": "copulas.univariate.BetaUnivariate",
    "gaussian": "copulas.univariate.GaussianUnivariate",
    "truncated_gaussian": "copulas.univariate.TruncatedGaussian",
    "uniform": "copulas.univariate.UniformUnivariate",
    "kde": "copulas.univariate.GaussianKDE",
    "auto": "copulas.univariate.Univariate",
}


class GaussianCopulaSampler(_GeneratorSampler):
    """Rows from a Gaussian copula (SDV's ``copulas`` package).

    Each feature gets its own marginal distribution (``marginals``), fitted
    to its values; the dependence between features is a Gaussian copula: the
    correlation of the features once each is mapped to a standard normal
    through its marginal. New rows are correlated normal draws mapped back
    through the marginals. This keeps each feature's shape (skewed, bounded)
    and the features' correlations, not clusters or class regions: it is the
    cheap model of SDV's family (a fit in milliseconds to seconds). Every
    feature is treated as continuous: a categorical feature's rows take values
    between its codes (use :class:`CTGANSampler` or :class:`TVAESampler` with
    ``discrete_features``, or :class:`SMOTESampler`, for categories).

    This is a one-shot sampler: the copula's rows are drawn at once
    (:meth:`generate_batches` and the meta-estimators slice them, the same
    for every ``batch_size``).

    Needs ``copulas`` (``pip install "skmetamorph[deep]"``).

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float.
    marginals : {"beta", "gaussian", "truncated_gaussian", "uniform", "kde", \
"auto"}, default="beta"
        The marginal distribution of every feature: a (scaled) beta, as SDV's
        ``GaussianCopulaSynthesizer`` uses by default; a normal (the copula is
        then a multivariate normal); a normal truncated to the observed
        range; a uniform; a Gaussian kernel density (closest to the data but
        slow to sample: its inverse CDF is solved numerically); or ``"auto"``,
        the best of copulas' candidates for each feature (by a
        Kolmogorov-Smirnov test; slower).
    random_state : int, RandomState instance or None, default=None
        Seed of the fit and the draws.

    Attributes
    ----------
    generator_ : copulas.multivariate.GaussianMultivariate
        The fitted copula, from the last :meth:`fit_generate`.
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    GMMSampler : A mixture of Gaussians: clusters, but Gaussian shapes.
    KDESampler : A kernel density on all features at once.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import GaussianCopulaSampler
    >>> X = np.random.default_rng(0).gamma(2.0, size=(100, 3))
    >>> sampler = GaussianCopulaSampler(n_samples=50, random_state=0)
    >>> sampler.fit_generate(X).shape  # doctest: +SKIP
    (50, 3)
    """

    _requires = ("copulas.multivariate", "copulas")

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "marginals": [StrOptions(set(_MARGINALS))],
        "random_state": ["random_state"],
    }

    def __init__(self, n_samples=1.0, marginals="beta", random_state=None):
        self.n_samples = n_samples
        self.marginals = marginals
        self.random_state = random_state

    def _fit_generator(self, module, X, names, teacher, seed):
        # A constant feature has no distribution to fit: copulas keeps it
        # constant, and so do its rows.
        copula = module.GaussianMultivariate(
            distribution=_MARGINALS[self.marginals], random_state=seed
        )
        copula.fit(_frame(X, names))
        return copula

    def _sample(self, model, n_rows):
        return model.sample(n_rows)
