"""A classifier made from a simulation alone: ``fit()`` with no data, as for the regressor."""

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import FunctionTeacher, MetamorphosisClassifier
from skmetamorph.samplers import MUNGE, SobolSampler


def above_diagonal(X):
    return np.where(X[:, 0] + X[:, 1] > 1, "high", "low")


def make(sampler, **teacher_params):
    teacher = FunctionTeacher(
        above_diagonal, task="classification", classes=["high", "low"], **teacher_params
    )
    return MetamorphosisClassifier(
        teacher, DecisionTreeClassifier(random_state=0), sampler, random_state=0
    )


def test_fit_without_data_learns_the_simulation():
    clf = make(SobolSampler(n_samples=512, bounds=[(0, 1), (0, 1)])).fit()
    X = np.random.default_rng(0).random((2000, 2))
    assert clf.n_features_in_ == 2
    assert list(clf.classes_) == ["high", "low"]
    assert clf.score(X, above_diagonal(X)) > 0.9
    assert clf.n_transfer_samples_ == 512


def test_fit_without_data_needs_a_domain_sampler():
    with pytest.raises(ValueError, match="defines the input domain"):
        make(MUNGE()).fit()


def test_fit_without_data_needs_a_data_free_teacher():
    from sklearn.linear_model import LogisticRegression

    clf = MetamorphosisClassifier(
        LogisticRegression(), DecisionTreeClassifier(), SobolSampler(n_samples=64, bounds=[(0, 1)])
    )
    with pytest.raises(ValueError, match="needs no data"):
        clf.fit()
    assert not hasattr(clf, "student_")


def test_y_without_x_is_rejected():
    with pytest.raises(ValueError, match="y was given without X"):
        make(SobolSampler(n_samples=64, bounds=[(0, 1), (0, 1)])).fit(None, ["high"])


def test_a_data_free_metamorphosis_is_a_data_free_teacher():
    """The REDS chain in one estimator: simulation -> metamodel -> PRIM, fitted from nothing."""
    from sklearn.ensemble import RandomForestClassifier

    from skmetamorph.samplers import LatinHypercubeSampler
    from skmetamorph.scenario import PRIM
    from skmetamorph.utils import get_metamorph_tags

    calls = []

    def simulation(X):
        calls.append(len(X))
        return (X[:, 0] > 0.5).astype(int)

    bounds = [(0, 1), (0, 1)]
    metamodel = MetamorphosisClassifier(
        FunctionTeacher(simulation, task="classification", classes=[0, 1]),
        RandomForestClassifier(n_estimators=20, random_state=0),
        LatinHypercubeSampler(n_samples=100, bounds=bounds),
        random_state=0,
    )
    assert get_metamorph_tags(metamodel).teacher.needs_no_data
    # With a data sampler it needs data, as a teacher too.
    assert not get_metamorph_tags(
        metamodel.set_params(transfer_sampler=MUNGE())
    ).teacher.needs_no_data
    metamodel.set_params(transfer_sampler=LatinHypercubeSampler(n_samples=100, bounds=bounds))
    chain = MetamorphosisClassifier(
        metamodel,
        PRIM(),
        SobolSampler(n_samples=1024, bounds=bounds),
        labels="soft",
        random_state=0,
    ).fit()
    assert sum(calls) == 100  # the simulation ran on the design only
    assert chain.teacher_.n_transfer_samples_ == 100
    lower, upper = chain.student_.boxes_[0]
    assert 0.4 < lower[0] < 0.7 and upper[0] > 0.9  # the box lies in the interesting half
