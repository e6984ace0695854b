"""GridSearchCV over skweights components on a real local Dask cluster.

Two worker processes on the loopback interface run the fits through joblib's
Dask backend; the search must give exactly the sequential ``n_jobs=1`` results.
"""

import threading

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

import joblib  # noqa: E402
from numpy.testing import assert_array_equal  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from skweights import MLPClassifier  # noqa: E402

#: seconds the search on the cluster may take before the test fails
SEARCH_TIMEOUT = 120

GRID = {
    "init": ["he_uniform", "glorot_normal"],
    "penalty": ["l2", "l1"],
    "optimizer": ["adam", "sgd"],
}


@pytest.fixture(scope="module")
def client():
    cluster = client = None
    try:
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            timeout=30,
        )
        client = distributed.Client(cluster, timeout=30)
        client.wait_for_workers(2, timeout=30)
        yield client
    finally:
        if client is not None:
            client.close(timeout=10)
        if cluster is not None:
            cluster.close(timeout=10)


def _search(n_jobs):
    X, y = make_classification(n_samples=120, n_features=8, random_state=0)
    estimator = MLPClassifier(
        hidden_layer_sizes=(8,), max_iter=15, learning_rate_init=0.01, random_state=0
    )
    return GridSearchCV(estimator, GRID, cv=2, n_jobs=n_jobs).fit(X, y)


def _dask_search():
    with joblib.parallel_config(backend="dask"):  # thread-local: set in the thread
        return _search(n_jobs=-1)


def _bounded(fn, timeout):
    """``fn()`` in a thread; fail the test if it is not done after ``timeout`` s
    (the fixture then closes the client and cluster, which ends the thread)."""
    out = {}

    def target():
        try:
            out["value"] = fn()
        except BaseException as exc:  # re-raised in the test's thread
            out["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"the search on the Dask cluster took more than {timeout} s")
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_grid_search_on_dask_equals_sequential(client):
    sequential = _search(n_jobs=1)
    with distributed.get_task_stream(client) as tasks:
        parallel = _bounded(_dask_search, SEARCH_TIMEOUT)
    assert len(tasks.data) > 0, "no task ran on the cluster"
    workers = {t["worker"] for t in tasks.data}
    assert workers <= set(client.scheduler_info()["workers"])
    n_candidates = len(parallel.cv_results_["params"])
    assert n_candidates == 8
    assert parallel.cv_results_["params"] == sequential.cv_results_["params"]
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        assert_array_equal(parallel.cv_results_[key], sequential.cv_results_[key])
    assert parallel.best_params_ == sequential.best_params_
    best_a, best_b = parallel.best_estimator_, sequential.best_estimator_
    for a, b in zip(
        best_a.coefs_ + best_a.intercepts_,
        best_b.coefs_ + best_b.intercepts_,
        strict=True,
    ):
        assert_array_equal(a, b)
    assert np.ptp(parallel.cv_results_["mean_test_score"]) > 0  # the grid matters
