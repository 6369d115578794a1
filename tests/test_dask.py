"""Scale-out on a real Dask cluster through joblib's "dask" backend.

Each test starts a ``distributed.LocalCluster`` (worker processes, then worker
threads), fits under ``joblib.parallel_backend("dask")`` and checks that the
chunks were made and labeled on the cluster's workers and that the model is
the one a sequential fit gives. Dask is an optional extra
(``pip install "skmetamorph[dask]"``); without it these tests are skipped.
"""

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import SGDClassifier
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier
from skmetamorph.samplers import MUNGE

distributed = pytest.importorskip(
    "distributed", reason="needs the dask extra: pip install -e '.[dask]'"
)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=300, n_features=6, n_classes=3, n_informative=4, random_state=0
    )
    return X, y


def make_clf(**params):
    defaults = dict(
        # n_jobs=1: the forest trains in the test process, so the tasks
        # counted on the cluster are only the chunks of the transfer set.
        teacher=RandomForestClassifier(n_estimators=20, n_jobs=1),
        student=DecisionTreeClassifier(),
        transfer_sampler=MUNGE(n_samples=4.0),
        batch_size=150,
        random_state=0,
    )
    defaults.update(params)
    return MetamorphosisClassifier(**defaults)


def _chunk_tasks(task_stream):
    """Workers that ran our chunk tasks (joblib batches of _make_and_label calls)."""
    return [task["worker"] for task in task_stream.data if "_make_and_label" in task["key"]]


@pytest.mark.parametrize("processes", [True, False], ids=["processes", "threads"])
def test_chunks_run_on_the_cluster_and_give_the_sequential_model(data, processes):
    X, y = data
    sequential = make_clf(labels="soft").fit(X, y)
    streamed_sequential = make_clf(student=SGDClassifier(), streaming=True, n_passes=2).fit(X, y)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with distributed.get_task_stream(client) as tasks, parallel_backend("dask"):
            on_cluster = make_clf(labels="soft", n_jobs=-1).fit(X, y)
        workers = _chunk_tasks(tasks)
        assert len(workers) >= 2  # 1200 rows in chunks of 150: batches of chunks
        assert set(workers) <= set(client.scheduler_info()["workers"])

        with distributed.get_task_stream(client) as tasks, parallel_backend("dask"):
            streamed = make_clf(student=SGDClassifier(), streaming=True, n_passes=2).fit(X, y)
        assert len(_chunk_tasks(tasks)) >= 2  # n_jobs=None follows the dask context

    np.testing.assert_array_equal(on_cluster.predict_proba(X), sequential.predict_proba(X))
    np.testing.assert_array_equal(streamed.student_.coef_, streamed_sequential.student_.coef_)
