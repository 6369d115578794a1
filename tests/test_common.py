"""scikit-learn's estimator checks over real configurations of our estimators.

Every check runs; the only expected failures are listed below with the reason.
"""

from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.semi_supervised import LabelSpreading
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import MetamorphosisClassifier, TeacherEnsemble
from skmetamorph.samplers import (
    MUNGE,
    ConfidenceSampler,
    FunctionSampler,
    GaussianNoiseSampler,
    GMMSampler,
    KDESampler,
    PoolSampler,
    UniformSampler,
    UnionSampler,
)
from skmetamorph.utils._sklearn_compat import parametrize_with_checks

#: -1 is the unlabeled marker of scikit-learn's semi-supervised convention,
#: which MetamorphosisClassifier follows, so a dataset whose real classes are
#: {-1, 1} reads as one labeled class plus unlabeled rows. The check's other
#: label sets (strings, object arrays, 0/1/2) all pass.
MINUS_ONE_IS_UNLABELED = {
    "check_classifiers_classes": "classes {-1, 1}: -1 marks unlabeled rows (sklearn's "
    "semi-supervised convention), so only class 1 is labeled."
}

METAMORPHOSIS_CONFIGURATIONS = [
    # The defaults: hard labels on the relabeled pool.
    MetamorphosisClassifier(LogisticRegression(), DecisionTreeClassifier()),
    # Soft labels at a temperature, MUNGE rows, a tree student.
    MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=10),
        DecisionTreeClassifier(max_depth=5),
        MUNGE(n_samples=2.0),
        labels="soft",
        temperature=2.0,
    ),
    # Self-training selection with a semi-supervised teacher and a linear student.
    MetamorphosisClassifier(
        LabelSpreading(kernel="knn", n_neighbors=3),
        LogisticRegression(),
        ConfidenceSampler(threshold=0.6),
    ),
    # A teacher with no predict_proba, a student with no predict_proba, uniform rows.
    MetamorphosisClassifier(LinearSVC(), LinearSVC(), UniformSampler(n_samples=1.0)),
    # An averaged list of teachers, soft labels mixed with the truth, KDE + noise rows.
    MetamorphosisClassifier(
        [GaussianNB(), KNeighborsClassifier(n_neighbors=3)],
        DecisionTreeClassifier(),
        UnionSampler(
            [("kde", KDESampler(n_samples=1.0)), ("noise", GaussianNoiseSampler(n_samples=1.0))]
        ),
        labels="soft",
        alpha=0.5,
    ),
    # GMM rows only (no labeled rows), an SGD student trained on teacher labels.
    MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=10),
        SGDClassifier(loss="log_loss"),
        GMMSampler(n_samples=3.0, n_components=2),
        include_labeled=False,
    ),
    # A streamed student: MUNGE rows made, labeled and learned chunk by chunk.
    MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=10),
        SGDClassifier(loss="log_loss"),
        MUNGE(n_samples=3.0),
        labels="soft",
        streaming=True,
        n_passes=2,
        batch_size=40,
    ),
    # An explicit TeacherEnsemble as teacher, a FunctionSampler that returns X.
    MetamorphosisClassifier(
        TeacherEnsemble([LogisticRegression(), GaussianNB()]),
        KNeighborsClassifier(n_neighbors=3),
        FunctionSampler(),
    ),
    # A multi-output regression tree fitting the teacher's probabilities.
    MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=10),
        DecisionTreeRegressor(max_depth=4),
        MUNGE(n_samples=2.0),
        labels="proba",
    ),
    # Gradient boosting, one regressor per class, fitting the teacher's logits.
    MetamorphosisClassifier(
        LogisticRegression(),
        HistGradientBoostingRegressor(max_iter=10),
        labels="logit",
    ),
]

SAMPLERS = [
    PoolSampler(),
    ConfidenceSampler(),
    MUNGE(n_samples=2.0),
    MUNGE(n_samples=10, p=0.2, s=2.0, categorical_features=[0]),
    GaussianNoiseSampler(),
    UniformSampler(margin=0.1),
    KDESampler(),
    GMMSampler(n_components=2),
    UnionSampler([("pool", PoolSampler()), ("munge", MUNGE())]),
    FunctionSampler(),
]


def _expected_failed_checks(estimator):
    if isinstance(estimator, MetamorphosisClassifier):
        return MINUS_ONE_IS_UNLABELED
    return {}


@parametrize_with_checks(
    METAMORPHOSIS_CONFIGURATIONS + SAMPLERS, expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
