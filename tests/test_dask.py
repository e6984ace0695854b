"""Searches over skweights components on a real local Dask cluster.

Two worker processes on the loopback interface run the fits through joblib's
Dask backend; GridSearchCV and RandomizedSearchCV must give exactly the
sequential ``n_jobs=1`` results. The recipe in ``doc/user_guide/scaling_out.rst``
is run as written, and must do the same.
"""

import functools
import re
import threading
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

import joblib  # noqa: E402
from numpy.testing import assert_array_equal  # noqa: E402
from scipy.stats import loguniform  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV  # noqa: E402

from skweights import MLPClassifier  # noqa: E402

#: seconds the search on the cluster may take before the test fails
SEARCH_TIMEOUT = 120
#: a free port: the default, 8787, may be taken by another cluster on the machine
DASHBOARD = "127.0.0.1:0"

GRID = {
    "init": ["he_uniform", "glorot_normal"],
    "penalty": ["l2", "l1"],
    "optimizer": ["adam", "sgd"],
}

DISTRIBUTIONS = {
    "init": ["he_uniform", "glorot_normal", "orthogonal"],
    "optimizer": ["adam", "sgd", "rmsprop"],
    "learning_rate_init": loguniform(1e-3, 1e-1),
    "alpha": loguniform(1e-5, 1e-1),
}

SCALING_OUT = Path(__file__).resolve().parent.parent / "doc/user_guide/scaling_out.rst"


@pytest.fixture(scope="module")
def client():
    cluster = client = None
    try:
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=DASHBOARD,
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


def _data():
    return make_classification(n_samples=120, n_features=8, random_state=0)


def _estimator():
    return MLPClassifier(
        hidden_layer_sizes=(8,), max_iter=15, learning_rate_init=0.01, random_state=0
    )


def _grid_search(n_jobs):
    return GridSearchCV(_estimator(), GRID, cv=2, n_jobs=n_jobs).fit(*_data())


def _random_search(n_jobs):
    search = RandomizedSearchCV(
        _estimator(), DISTRIBUTIONS, n_iter=8, cv=2, random_state=0, n_jobs=n_jobs
    )
    return search.fit(*_data())


def _on_dask(search):
    """``search(n_jobs=-1)`` under joblib's Dask backend."""

    def run():
        with joblib.parallel_config(backend="dask"):  # thread-local: set in the thread
            return search(n_jobs=-1)

    return run


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


def _assert_same_search(parallel, sequential, n_candidates):
    assert len(parallel.cv_results_["params"]) == n_candidates
    assert parallel.cv_results_["params"] == sequential.cv_results_["params"]
    n_splits = parallel.n_splits_
    keys = ["mean_test_score"] + [f"split{i}_test_score" for i in range(n_splits)]
    for key in keys:
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


def _assert_ran_on(client, tasks):
    assert len(tasks.data) > 0, "no task ran on the cluster"
    workers = {t["worker"] for t in tasks.data}
    assert workers <= set(client.scheduler_info()["workers"])


def test_grid_search_on_dask_equals_sequential(client):
    sequential = _grid_search(n_jobs=1)
    with distributed.get_task_stream(client) as tasks:
        parallel = _bounded(_on_dask(_grid_search), SEARCH_TIMEOUT)
    _assert_ran_on(client, tasks)
    _assert_same_search(parallel, sequential, n_candidates=8)


def test_randomized_search_on_dask_equals_sequential(client):
    sequential = _random_search(n_jobs=1)
    with distributed.get_task_stream(client) as tasks:
        parallel = _bounded(_on_dask(_random_search), SEARCH_TIMEOUT)
    _assert_ran_on(client, tasks)
    _assert_same_search(parallel, sequential, n_candidates=8)
    # continuous learning rates were drawn, the same ones in both runs
    rates = [p["learning_rate_init"] for p in parallel.cv_results_["params"]]
    assert len(set(rates)) == 8


def _recipe():
    """The code block of the section "Hyperparameter search on Dask"."""
    text = SCALING_OUT.read_text(encoding="utf-8")
    section = text.split("Hyperparameter search on Dask", 1)[1]
    block = re.search(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", section)
    assert block, "scaling_out.rst has no Dask recipe"
    return "\n".join(line[3:] for line in block.group(1).splitlines())


def test_documented_recipe_equals_sequential(monkeypatch):
    """The recipe as written, on its own cluster, without a warning (pytest
    makes warnings errors); each search equals its ``n_jobs=1`` clone. Only the dashboard moves to a free port, so that the
    test does not need port 8787 (distributed leaks a socket when it is taken)."""
    monkeypatch.setattr(
        distributed,
        "LocalCluster",
        functools.partial(distributed.LocalCluster, dashboard_address=DASHBOARD),
    )
    X, y = make_classification(
        n_samples=90, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    namespace = {"X": X, "y": y}
    _bounded(lambda: exec(_recipe(), namespace), SEARCH_TIMEOUT)
    searches = [
        v
        for v in namespace.values()
        if isinstance(v, (GridSearchCV, RandomizedSearchCV))
    ]
    assert {type(s) for s in searches} == {GridSearchCV, RandomizedSearchCV}
    for search in searches:
        assert search.n_jobs == -1
        sequential = clone(search).set_params(n_jobs=1).fit(X, y)
        assert search.cv_results_["params"] == sequential.cv_results_["params"]
        assert_array_equal(
            search.cv_results_["mean_test_score"],
            sequential.cv_results_["mean_test_score"],
        )
