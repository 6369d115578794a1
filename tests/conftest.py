"""Shared fixtures: small seeded datasets with few labels."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_classification
from sklearn.model_selection import train_test_split

# The script that made tests/oracle/prim_ema.json needs the EMA workbench (run
# it in its own environment); it is not a test module, so not collected.
collect_ignore_glob = ["oracle/*.py"]


@pytest.fixture(scope="session")
def digits_split():
    """Digits with 10% of the training labels kept, the rest marked -1."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    rng = np.random.default_rng(0)
    y_semi = y_train.copy()
    y_semi[rng.random(len(y_semi)) > 0.1] = -1
    return X_train, y_semi, y_train, X_test, y_test


@pytest.fixture
def blobs():
    """A small three-class problem, all rows labeled."""
    X, y = make_classification(
        n_samples=150, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    return X, y
