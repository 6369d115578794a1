"""The private scikit-learn names skmetamorph uses, imported in one place.

skmetamorph builds on scikit-learn helpers that scikit-learn does not declare
public: parameter constraints (:class:`Interval`, :class:`StrOptions`,
:class:`HasMethods`, :func:`validate_params`, :class:`InvalidParameterError`),
the ``_fit_context`` decorator, ``_check_sample_weight``, ``_num_samples``,
``_safe_indexing``, ``_routing_enabled``, ``check_matplotlib_support`` and
``_BaseComposition``; and a testing helper whose behaviour changed within
the supported range (``parametrize_with_checks``). scikit-learn may move or
change them in any release without a deprecation cycle, while
``pyproject.toml`` promises every release from the declared floor
(``scikit-learn>=1.6``) on.

So no other module of the package, its tests or its benchmarks imports a
private scikit-learn name: they import it from here, and
``tests/test_sklearn_compat.py`` fails when one does not. When scikit-learn
moves a name, only this module changes: it imports the name from where the
installed release keeps it (feature detection, newest location first) or
defines a fallback with the same behaviour. ``.ci/min-deps`` runs the test
suite at the declared floors of scikit-learn, numpy, scipy and joblib, and
``.ci/run`` at the newest releases, so both ends of the range are exercised.

This is our own small module rather than a dependency on the
``sklearn-compat`` package (which imbalanced-learn uses): that package caps
scikit-learn below its next minor release (``scikit-learn<1.10`` in 0.1.6), so
depending on it would cap skmetamorph as well, and most of what it provides
backports names to scikit-learn releases older than our floor, while half of
the names we need (the parameter constraints, ``_routing_enabled``,
``_check_sample_weight``, ``_num_samples``, ``_BaseComposition``) are not in it.

Names that scikit-learn made public by our floor are imported from their
public place, not from here: ``validate_data``
(``sklearn.utils.validation``), the tag classes (``sklearn.utils.Tags``,
``ClassifierTags``, ``RegressorTags``, ...), ``MetadataRouter``,
``MethodMapping``, ``process_routing`` and ``get_routing_for_object``
(``sklearn.utils.metadata_routing``). ``validate_data`` is re-exported here all
the same, for the modules that take their validation helpers from one place.

Notes
-----
Differences between the releases of the supported range that callers should
know about:

- ``_BaseComposition._check_estimators_are_instances`` (a class given where
  an instance is expected raises ``TypeError``) appeared in scikit-learn 1.9;
  the ``_BaseComposition`` here has it on every release.
- ``_check_sample_weight`` rejects all-zero weights (``ValueError``, unless
  ``allow_all_zero_weights=True``) from scikit-learn 1.9 on and accepts them
  before; ``dtype``, ``copy`` and ``ensure_non_negative`` are its only
  keywords in every release of the range (pass them by name).
  ``SKLEARN_VERSION`` tells which release is installed.
"""

import os

import sklearn

__all__ = [
    "SKLEARN_VERSION",
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "Options",
    "RealNotInt",
    "StrOptions",
    "_BaseComposition",
    "_check_sample_weight",
    "_fit_context",
    "_num_samples",
    "_routing_enabled",
    "_safe_indexing",
    "check_matplotlib_support",
    "parametrize_with_checks",
    "validate_data",
    "validate_params",
]


# Parameter validation: the constraint classes, the decorator of public
# functions and the error they raise (a ValueError and a TypeError).
# The decorator of ``fit`` that validates the parameters once and sets the
# scikit-learn config for nested estimators.
from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)

# Validation helpers. ``validate_data`` is public from scikit-learn 1.6 on.
from sklearn.utils.validation import (
    _check_sample_weight,
    _num_samples,
    validate_data,
)

# Metadata routing: whether ``enable_metadata_routing`` is on.
try:
    from sklearn.utils._metadata_requests import _routing_enabled
except ImportError:  # pragma: no cover - older or newer layouts
    from sklearn.utils.metadata_routing import _routing_enabled

# Row indexing of arrays, sparse matrices, lists and dataframes: in
# sklearn.utils._indexing from 1.5 on, re-exported by sklearn.utils.
try:
    from sklearn.utils._indexing import _safe_indexing
except ImportError:  # pragma: no cover - older or newer layouts
    from sklearn.utils import _safe_indexing

# ImportError with a helpful message when matplotlib is missing: in
# sklearn.utils._optional_dependencies from 1.5 on.
try:
    from sklearn.utils._optional_dependencies import check_matplotlib_support
except ImportError:  # pragma: no cover - older or newer layouts
    from sklearn.utils import check_matplotlib_support

# get_params / set_params over a list of named sub-estimators.
from sklearn.utils.metaestimators import _BaseComposition as _SklearnBaseComposition

if hasattr(_SklearnBaseComposition, "_check_estimators_are_instances"):
    _BaseComposition = _SklearnBaseComposition
else:  # scikit-learn < 1.9

    class _BaseComposition(_SklearnBaseComposition):
        """``_BaseComposition`` with the instance check of scikit-learn 1.9."""

        def _check_estimators_are_instances(self, estimators):
            for estimator in estimators:
                if isinstance(estimator, type):
                    raise TypeError(
                        f"Expected an estimator instance ({estimator.__name__}()), got "
                        f"estimator class instead ({estimator.__name__})."
                    )


def parametrize_with_checks(estimators, **kwargs):
    """scikit-learn's ``parametrize_with_checks``, with its cases in a list.

    scikit-learn before 1.9 gives ``pytest.mark.parametrize`` a generator of
    ``(estimator, check)`` cases; pytest 9 deprecates non-collection
    arguments (an error under ``-W error::DeprecationWarning``), and
    scikit-learn 1.9 passes a list. This wrapper passes a list on every
    release, and leaves out the array API checks where they could only skip
    (see :func:`_array_api_checks_can_run`).

    Parameters
    ----------
    estimators : list of estimators
        Instances to check, as for
        :func:`sklearn.utils.estimator_checks.parametrize_with_checks`.
    **kwargs : dict
        ``legacy``, ``expected_failed_checks`` and, from the releases that
        have it, ``xfail_strict``.

    Returns
    -------
    decorator : pytest.mark.parametrize
        The mark that parametrizes a test over ``estimator`` and ``check``.
    """
    import pytest
    from sklearn.utils.estimator_checks import parametrize_with_checks as parametrize

    mark = parametrize(estimators, **kwargs)
    argnames, argvalues = mark.args
    cases = list(argvalues)
    if not _array_api_checks_can_run():
        cases = [case for case in cases if not _is_array_api_check(case)]
    return pytest.mark.parametrize(argnames, cases, **mark.kwargs)


def _array_api_checks_can_run():
    """Whether scikit-learn's array API checks run here rather than skip.

    They need scipy's array API mode, switched on by ``SCIPY_ARRAY_API=1``
    before scipy is imported; without it every one of them skips with
    scikit-learn's notice, one skip per estimator that says nothing about
    skmetamorph. :func:`parametrize_with_checks` leaves them out then.

    Returns
    -------
    bool
        True when ``SCIPY_ARRAY_API`` is ``"1"``.
    """
    return os.environ.get("SCIPY_ARRAY_API") == "1"


def _is_array_api_check(case):
    """Whether a ``parametrize_with_checks`` case is one of the array API checks.

    Parameters
    ----------
    case : tuple or pytest ParameterSet
        ``(estimator, check)``, or that wrapped by ``pytest.param`` (an
        expected failure).

    Returns
    -------
    bool
        True for ``check_array_api_input`` and its kin.
    """
    values = getattr(case, "values", case)
    check = values[-1]
    func = getattr(check, "func", check)  # the checks come as partials
    return getattr(func, "__name__", "").startswith("check_array_api")


def _release(version):
    """The ``(major, minor, micro)`` numbers of a version string, as ints.

    Parameters
    ----------
    version : str
        A version such as ``"1.6.0"``, ``"1.9.dev0"`` or ``"1.7.0rc1"``.

    Returns
    -------
    tuple of int
        The leading numbers, three of them (missing ones are 0).

    Examples
    --------
    >>> _release("1.7.0rc1")
    (1, 7, 0)
    >>> _release("1.9.dev0")
    (1, 9, 0)
    """
    numbers = []
    for part in version.split(".")[:3]:
        digits = ""
        for char in part:
            if not char.isdigit():
                break
            digits += char
        if not digits:
            break
        numbers.append(int(digits))
    return tuple(numbers + [0] * (3 - len(numbers)))


#: The installed scikit-learn release, ``(major, minor, micro)``.
SKLEARN_VERSION = _release(sklearn.__version__)
