"""Tests of the samplers behind optional extras: SMOTE family (imbalanced-learn), deep generators.

Each test that needs a package skips cleanly without it; the ImportError and
parameter-validation tests run everywhere.
"""

import importlib
import importlib.util
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_wine, make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

import skmetamorph.samplers as samplers_package
from skmetamorph import MetamorphosisClassifier
from skmetamorph.samplers import MUNGE
from skmetamorph.samplers._deep import CTGANSampler, GaussianCopulaSampler, TVAESampler
from skmetamorph.samplers._imblearn import SMOTESampler
from skmetamorph.utils._sklearn_compat import InvalidParameterError, parametrize_with_checks
from skmetamorph.utils.estimator_checks import check_transfer_sampler, default_data


def _installed(module):
    try:
        return importlib.util.find_spec(module) is not None
    except ValueError:  # hidden: sys.modules[module] is None
        return False


HAVE_IMBLEARN = _installed("imblearn")
HAVE_CTGAN = _installed("ctgan")
HAVE_COPULAS = _installed("copulas")

needs_imblearn = pytest.mark.skipif(
    not HAVE_IMBLEARN, reason="needs the imbalanced extra: pip install -e '.[imbalanced]'"
)
needs_ctgan = pytest.mark.skipif(
    not HAVE_CTGAN, reason="needs the deep extra: pip install -e '.[deep]'"
)
needs_copulas = pytest.mark.skipif(
    not HAVE_COPULAS, reason="needs the deep extra: pip install -e '.[deep]'"
)

# ctgan's data transformer (rdt) and copulas warn about pandas and scipy
# internals; pytest turns these warnings into errors for our own code only.
third_party_warnings = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
]

# Tiny networks: a smoke test of the adapters, not of the generators' quality.
TINY_CTGAN = {
    "batch_size": 20,
    "pac": 10,
    "embedding_dim": 8,
    "generator_dim": (16,),
    "discriminator_dim": (16,),
}
TINY_TVAE = {
    "batch_size": 20,
    "embedding_dim": 8,
    "compress_dims": (16,),
    "decompress_dims": (16,),
}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # Tiny data: threads only spin-wait on a busy 2-core machine.
    with threadpool_limits(limits=1):
        if HAVE_CTGAN:
            import torch  # noqa: PLC0415

            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            yield
            torch.set_num_threads(threads)
        else:
            yield


@pytest.fixture
def data():
    return default_data()


def _on_segment(rows, ends, tol=1e-8):
    """Per row: is it ``a + t (b - a)`` for some ``a, b`` in ``ends`` and ``t`` in [0, 1]?"""
    A = np.repeat(ends, len(ends), axis=0)
    D = np.tile(ends, (len(ends), 1)) - A
    norm = np.einsum("ij,ij->i", D, D)
    norm[norm == 0] = 1.0
    result = np.empty(len(rows), dtype=bool)
    for i, row in enumerate(rows):
        t = np.clip(np.einsum("ij,ij->i", row - A, D) / norm, 0.0, 1.0)
        gap = np.abs(A + t[:, None] * D - row).max(axis=1)
        result[i] = gap.min() <= tol * (1 + np.abs(row).max())
    return result


# ---------------------------------------------------------------------------
# SMOTESampler (imbalanced-learn)
# ---------------------------------------------------------------------------

SMOTE_SAMPLERS = [
    SMOTESampler(n_samples=2.0),
    SMOTESampler(n_samples=50, kind="adasyn"),
    SMOTESampler(n_samples=1.5, labels="y", class_shares="equal"),
    SMOTESampler(n_samples=2.0, k_neighbors=3, categorical_features=[3]),
    SMOTESampler(n_samples=1.0, categorical_features=[True] * 4),
]


@needs_imblearn
@pytest.mark.parametrize("sampler", SMOTE_SAMPLERS, ids=repr)
def test_smote_keeps_the_contract(sampler):
    # The default data: y with -1 markers and a fitted LogisticRegression teacher.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # n_samples=50 < 90 rows
        check_transfer_sampler(sampler)


# fit only validates X (the work is in fit_generate), but needs the package.
INSTALLED_SAMPLERS = (
    [SMOTESampler(n_samples=2.0)] * HAVE_IMBLEARN
    + [CTGANSampler(epochs=1), TVAESampler(epochs=1)] * HAVE_CTGAN
    + [GaussianCopulaSampler()] * HAVE_COPULAS
)

if INSTALLED_SAMPLERS:

    @parametrize_with_checks(INSTALLED_SAMPLERS)
    def test_sklearn_compatible(estimator, check):
        check(estimator)

else:  # one skip that says what to install, not pytest's "got empty parameter set"

    @pytest.mark.skip(
        reason="needs the imbalanced or the deep extra: "
        "pip install -e '.[imbalanced]' or pip install -e '.[deep]'"
    )
    def test_sklearn_compatible():
        pass  # pragma: no cover


@needs_imblearn
@pytest.mark.parametrize("kind", ["smote", "adasyn"])
def test_smote_rows_lie_between_rows_of_their_teacher_class(data, kind):
    X, y, teacher = data
    sampler = SMOTESampler(n_samples=2.0, kind=kind, random_state=0)
    rows = sampler.fit_generate(X, y, teacher=teacher)
    assert rows.shape == (180, 4)
    classes = teacher.predict(X)
    np.testing.assert_array_equal(sampler.classes_, np.unique(classes))
    # Each new row is a convex combination of two rows of one class, and each
    # class got its share.
    fits = np.column_stack([_on_segment(rows, X[classes == c]) for c in sampler.classes_])
    assert fits.any(axis=1).all()
    assert (fits.sum(axis=0) >= sampler.n_samples_per_class_).all()


@needs_imblearn
def test_smote_with_labels_y_uses_only_labeled_rows(data):
    X, y, teacher = data
    sampler = SMOTESampler(n_samples=90, labels="y", random_state=0)
    rows = sampler.fit_generate(X, y, teacher=teacher)
    labeled = y != -1
    np.testing.assert_array_equal(sampler.class_counts_, np.bincount(y[labeled]))
    fits = np.column_stack([_on_segment(rows, X[labeled & (y == c)]) for c in sampler.classes_])
    assert fits.any(axis=1).all()
    # Without a teacher, "auto" means y.
    auto = SMOTESampler(n_samples=90, random_state=0).fit_generate(X, y)
    np.testing.assert_array_equal(auto, rows)


@needs_imblearn
@pytest.mark.parametrize("n_samples, expected", [(137, 137), (1.5, 135), (1, 1)])
def test_smote_makes_exactly_n_samples(data, n_samples, expected):
    X, y, teacher = data
    for kind in ("smote", "adasyn"):
        sampler = SMOTESampler(n_samples=n_samples, kind=kind, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # n_samples=1 < 90 rows
            rows = sampler.fit_generate(X, y, teacher=teacher)
        assert rows.shape == (expected, 4)
        assert sampler.n_samples_per_class_.sum() == expected


@needs_imblearn
def test_smote_class_shares(data):
    X, y, teacher = data
    counts = np.bincount(teacher.predict(X))
    proportional = SMOTESampler(n_samples=900, random_state=0)
    proportional.fit_generate(X, y, teacher=teacher)
    np.testing.assert_array_equal(proportional.class_counts_, counts)
    np.testing.assert_array_equal(proportional.n_samples_per_class_, counts * 10)
    equal = SMOTESampler(n_samples=300, class_shares="equal", random_state=0)
    equal.fit_generate(X, y, teacher=teacher)
    np.testing.assert_array_equal(equal.n_samples_per_class_, [100, 100, 100])


@needs_imblearn
def test_smote_seeds(data):
    X, y, teacher = data
    first = SMOTESampler(random_state=0).fit_generate(X, y, teacher=teacher)
    again = SMOTESampler(random_state=0).fit_generate(X, y, teacher=teacher)
    other = SMOTESampler(random_state=1).fit_generate(X, y, teacher=teacher)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@needs_imblearn
def test_smote_small_classes(data):
    X, _, _ = data
    # Class 1: three distinct rows (k reduced to 2), one of them twice;
    # class 2: one row (no rows, with a warning).
    y = np.zeros(len(X), dtype=int)
    y[:4] = 1
    X = X.copy()
    X[3] = X[2]
    y[4] = 2
    sampler = SMOTESampler(n_samples=100, labels="y", random_state=0)
    with pytest.warns(UserWarning, match=r"classes \[2\] have a single distinct row"):
        rows = sampler.fit_generate(X, y)
    assert rows.shape == (100, 4)
    np.testing.assert_array_equal(sampler.k_neighbors_, [5, 2, 0])
    assert sampler.n_samples_per_class_[2] == 0
    # Shares follow the rows of each class, copies counted.
    np.testing.assert_array_equal(sampler.n_samples_per_class_, [96, 4, 0])
    assert _on_segment(rows, X[:4]).sum() >= 4
    with pytest.raises(ValueError, match="at least 2 distinct rows"):
        SMOTESampler(labels="y").fit_generate(X[:2], np.array([0, 1]))


@needs_imblearn
def test_smote_single_class_and_adasyn_fallback():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(100, 1, (30, 2))])
    y = np.repeat([0, 1], 30)
    one_class = SMOTESampler(n_samples=40, labels="y", random_state=0)
    rows = one_class.fit_generate(X[:30], y[:30])
    assert rows.shape == (40, 2) and _on_segment(rows, X[:30]).all()
    # Two classes far apart: no row has a neighbour of the other class.
    adasyn = SMOTESampler(n_samples=60, kind="adasyn", labels="y", random_state=0)
    with pytest.warns(UserWarning, match="made by SMOTE"):
        rows = adasyn.fit_generate(X, y)
    assert rows.shape == (60, 2)


@needs_imblearn
def test_smote_nc_keeps_categories_of_the_class(data):
    X, _, _ = data
    rng = np.random.default_rng(0)
    classes = rng.integers(0, 2, len(X))
    # Class 0 has the categories 0, 10, 20; class 1 has 5, 15, 25.
    category = rng.integers(0, 3, len(X)) * 10.0 + 5.0 * classes
    X = np.column_stack([X, category])
    sampler = SMOTESampler(n_samples=200, labels="y", categorical_features=[4], random_state=0)
    rows = sampler.fit_generate(X, classes)
    assert rows.shape == (200, 5)
    assert set(np.unique(rows[:, -1])) <= set(np.unique(category))
    # Each row takes a category of its own class (the neighbours' most frequent).
    assert np.isin(rows[:, -1], [5.0, 15.0, 25.0]).sum() == sampler.n_samples_per_class_[1]
    for c in (0, 1):
        of_class = np.isin(rows[:, -1], np.unique(category[classes == c]))
        assert _on_segment(rows[of_class, :4], X[classes == c, :4]).all()


@needs_imblearn
def test_smote_dataframe_in_and_out(data):
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    X, y, teacher = data
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    teacher = LogisticRegression(max_iter=500).fit(frame[y != -1], y[y != -1])
    sampler = SMOTESampler(n_samples=50, categorical_features=["d"], random_state=0)
    sampler.set_output(generate="pandas")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names"
        warnings.filterwarnings("ignore", message=".*makes 50 rows")
        rows = sampler.fit_generate(frame, y, teacher=teacher)
    assert list(rows.columns) == ["a", "b", "c", "d"] and rows.shape == (50, 4)
    assert set(rows["d"]) <= set(frame["d"])


@needs_imblearn
def test_smote_rejects_bad_input(data):
    X, y, teacher = data
    with pytest.raises(ValueError, match="teacher"):
        SMOTESampler(labels="teacher").fit_generate(X, y)
    with pytest.raises(ValueError, match="needs classes"):
        SMOTESampler().fit_generate(X)
    with pytest.raises(ValueError, match="no labeled row"):
        SMOTESampler(labels="y").fit_generate(X, np.full(len(X), -1))
    regressor = LinearRegression().fit(X, X[:, 0])
    with pytest.raises(ValueError, match="not classes"):
        SMOTESampler().fit_generate(X, y, teacher=regressor)
    with pytest.raises(ValueError, match="continuous features only"):
        SMOTESampler(kind="adasyn", categorical_features=[0]).fit_generate(X, y, teacher=teacher)
    with pytest.raises(ValueError, match="out of range"):
        SMOTESampler(categorical_features=[7]).fit_generate(X, y, teacher=teacher)


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "smote-nc"},
        {"k_neighbors": 0},
        {"labels": "pool"},
        {"class_shares": "balanced"},
        {"n_samples": 0},
        {"n_samples": -1.0},
    ],
    ids=repr,
)
def test_smote_rejects_bad_parameters(data, params):
    # Runs without imbalanced-learn too: the parameters are checked first.
    X, y, teacher = data
    with pytest.raises(InvalidParameterError):
        SMOTESampler(**params).fit_generate(X, y, teacher=teacher)


# ---------------------------------------------------------------------------
# ImportError without the optional packages
# ---------------------------------------------------------------------------


def _hide(monkeypatch, *modules):
    """Make ``import module`` fail as if the package were not installed."""
    for name in list(sys.modules):
        if any(name == module or name.startswith(module + ".") for module in modules):
            monkeypatch.delitem(sys.modules, name)
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


def test_samplers_module_imports_without_the_extras(monkeypatch):
    _hide(monkeypatch, "imblearn", "ctgan", "copulas")
    for module in ("_imblearn", "_deep"):
        name = f"skmetamorph.samplers.{module}"
        # The fresh import replaces the package attribute; restore it after.
        monkeypatch.setattr(samplers_package, module, getattr(samplers_package, module))
        monkeypatch.delitem(sys.modules, name)
        importlib.import_module(name)


@pytest.mark.parametrize(
    "sampler, hidden, package, extra",
    [
        (SMOTESampler(), "imblearn", "imbalanced-learn", "imbalanced"),
        (CTGANSampler(epochs=1), "ctgan", "ctgan", "deep"),
        (TVAESampler(epochs=1), "ctgan", "ctgan", "deep"),
        (GaussianCopulaSampler(), "copulas", "copulas", "deep"),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, str) else value,
)
def test_missing_package_raises_import_error_naming_the_extra(
    monkeypatch, data, sampler, hidden, package, extra
):
    X, y, teacher = data
    _hide(monkeypatch, hidden)
    match = rf"{type(sampler).__name__} needs .*{package}.*pip install -e \".\[{extra}\]\".*skmetamorph\[{extra}\]"
    with pytest.raises(ImportError, match=match):
        sampler.fit_generate(X, y, teacher=teacher)
    with pytest.raises(ImportError, match=match):
        sampler.fit(X, y)


# ---------------------------------------------------------------------------
# Deep generators (ctgan, copulas)
# ---------------------------------------------------------------------------


def _small_data():
    X, y, _ = default_data(n_features=2)
    X, y = X[:45], y[:45]
    teacher = LogisticRegression().fit(X[y != -1], y[y != -1])
    return X, y, teacher


@needs_ctgan
@pytest.mark.parametrize(
    "sampler",
    [
        CTGANSampler(n_samples=0.5, epochs=1, generator_params=TINY_CTGAN),
        TVAESampler(n_samples=0.5, epochs=1, labels=None, generator_params=TINY_TVAE),
    ],
    ids=lambda sampler: type(sampler).__name__,
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_neural_generators_keep_the_contract(sampler):
    check_transfer_sampler(sampler, *_small_data())


@needs_copulas
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_gaussian_copula_keeps_the_contract():
    check_transfer_sampler(GaussianCopulaSampler(n_samples=2.0, marginals="gaussian"))


@needs_copulas
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_gaussian_copula_rows_follow_the_data():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(400, 1))
    X = np.column_stack([np.exp(z[:, 0]), z[:, 0] + 0.3 * rng.normal(size=400)])
    sampler = GaussianCopulaSampler(n_samples=2000, random_state=0)
    rows = sampler.fit_generate(X)
    assert rows.shape == (2000, 2)
    # Correlation kept; the beta marginal of the log-normal feature stays
    # (about) within its range, where a normal one would go far below zero.
    assert np.corrcoef(rows.T)[0, 1] > 0.5
    assert rows[:, 0].min() > X[:, 0].min() - 0.01 * np.ptp(X[:, 0])
    assert not np.array_equal(rows, GaussianCopulaSampler(2000, random_state=1).fit_generate(X))


@needs_ctgan
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_ctgan_discrete_features_and_teacher_column():
    X, y, teacher = _small_data()
    X = np.column_stack([X, np.arange(len(X)) % 3 * 2.0])
    teacher = LogisticRegression().fit(X[y != -1], y[y != -1])
    sampler = CTGANSampler(
        n_samples=60, epochs=1, discrete_features=[2], generator_params=TINY_CTGAN, random_state=0
    )
    rows = sampler.fit_generate(X, y, teacher=teacher)
    assert rows.shape == (60, 3)
    assert set(np.unique(rows[:, 2])) <= {0.0, 2.0, 4.0}
    # The teacher's classes were a discrete column of the table it learned.
    columns = sampler.generator_._transformer._column_transform_info_list
    learned = [info.column_name for info in columns]
    assert learned[-1] == "__skmetamorph_teacher__"
    assert sampler.generator_._device.type == "cpu"
    with pytest.raises(ValueError, match="needs the fitted teacher"):
        CTGANSampler(epochs=1, labels="teacher").fit_generate(X, y)


def test_neural_generators_reject_bad_parameters(data):
    X, y, teacher = data
    for cls in (CTGANSampler, TVAESampler):
        bad = ({"epochs": 0}, {"labels": "y"}, {"generator_params": [1]}, {"n_samples": 0})
        for params in bad:
            with pytest.raises(InvalidParameterError):
                cls(**params).fit_generate(X, y, teacher=teacher)
    with pytest.raises(InvalidParameterError):
        GaussianCopulaSampler(marginals="student").fit_generate(X)


@needs_ctgan
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_neural_generators_reject_bad_generator_params(data):
    X, y, teacher = data
    with pytest.raises(ValueError, match="not parameters of ctgan.TVAE"):
        TVAESampler(epochs=1, generator_params={"pac": 10}).fit_generate(X, y, teacher=teacher)
    with pytest.raises(ValueError, match="epochs parameter"):
        CTGANSampler(generator_params={"epochs": 1}).fit_generate(X, y, teacher=teacher)


# ---------------------------------------------------------------------------
# Inside the meta-estimator
# ---------------------------------------------------------------------------


def _fidelity(X, y, sampler):
    X_train, X_test, y_train, _ = train_test_split(X, y, train_size=0.5, random_state=0, stratify=y)
    model = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=50, random_state=0),
        DecisionTreeClassifier(max_leaf_nodes=8, random_state=0),
        sampler,
        random_state=0,
    ).fit(X_train, y_train)
    return model.fidelity(X_test)


@needs_imblearn
@pytest.mark.parametrize(
    "dataset",
    [
        load_wine(return_X_y=True),
        make_classification(
            400, 10, n_informative=6, n_classes=4, n_clusters_per_class=2, random_state=0
        ),
    ],
    ids=["wine", "make_classification-4"],
)
def test_smote_in_metamorphosis(dataset):
    X, y = dataset
    smote = _fidelity(X, y, SMOTESampler(n_samples=1000))
    adasyn = _fidelity(X, y, SMOTESampler(n_samples=1000, kind="adasyn"))
    munge = _fidelity(X, y, MUNGE(n_samples=1000))
    # An 8-leaf tree imitates the forest on held-out rows about as well with
    # class-aware rows as with MUNGE's (within noise over 10 splits of 2000
    # rows); one small split here, so only a sanity floor.
    assert min(smote, adasyn) > munge - 0.15
    assert min(smote, adasyn) > 0.55


def test_broken_package_is_told_apart_from_a_missing_one(monkeypatch, data):
    # Installed but failing to import (an imbalanced-learn too old for this
    # scikit-learn): the message says to upgrade, not to install.
    from skmetamorph.samplers import _optional  # noqa: PLC0415

    X, y, teacher = data
    _hide(monkeypatch, "imblearn", "copulas")
    monkeypatch.setattr(_optional, "installed", lambda module: True)
    with pytest.raises(ImportError, match="installed but fails to import.*upgrade"):
        SMOTESampler().fit_generate(X, y, teacher=teacher)
    with pytest.raises(ImportError, match="installed but fails to import.*upgrade"):
        GaussianCopulaSampler().fit_generate(X)
