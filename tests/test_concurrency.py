"""Concurrency: predicting from many threads at once, fitting clones in parallel
threads, and grid search in worker processes give the serial results exactly."""

import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skweights import MLPClassifier, MLPRegressor

X_DIGITS, Y_DIGITS = load_digits(return_X_y=True)
X_DIGITS = StandardScaler().fit_transform(X_DIGITS[:400])
Y_DIGITS = Y_DIGITS[:400]

N_THREADS = 8
REPEATS = 25


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _hammer(call, inputs):
    """Run ``call(x)`` for every x in ``inputs`` on N_THREADS threads that start
    together at a barrier, REPEATS times each; return the results per input."""
    barrier = threading.Barrier(N_THREADS)

    def worker(k):
        barrier.wait()
        out = []
        for r in range(REPEATS):
            x = inputs[(k + r) % len(inputs)]
            out.append(((k + r) % len(inputs), call(x)))
        return out

    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(worker, range(N_THREADS)))
    return [item for chunk in results for item in chunk]


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
def test_concurrent_predictions_equal_the_serial_ones(method):
    clf = MLPClassifier(hidden_layer_sizes=(32, 16), max_iter=20, random_state=0).fit(
        X_DIGITS, Y_DIGITS
    )
    # inputs of different sizes and kinds, so threads race on different shapes
    inputs = [
        X_DIGITS,
        X_DIGITS[:7],
        X_DIGITS[100:300].astype(np.float32),
        sp.csr_matrix(X_DIGITS[:50]),
        X_DIGITS[::3],
    ]
    call = getattr(clf, method)
    serial = [call(x) for x in inputs]
    for index, result in _hammer(call, inputs):
        assert_array_equal(result, serial[index])


def test_concurrent_regressor_predictions_equal_the_serial_ones():
    reg = MLPRegressor(hidden_layer_sizes=(16,), max_iter=20, random_state=0).fit(
        X_DIGITS, Y_DIGITS.astype(float)
    )
    inputs = [X_DIGITS, X_DIGITS[:1], X_DIGITS[50:80]]
    serial = [reg.predict(x) for x in inputs]
    for index, result in _hammer(reg.predict, inputs):
        assert_array_equal(result, serial[index])


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "lbfgs"])
def test_fitting_clones_in_threads_gives_the_serial_weights(optimizer):
    base = MLPClassifier(
        hidden_layer_sizes=(16,), optimizer=optimizer, max_iter=15, batch_size=50
    )
    estimators = [clone(base).set_params(random_state=seed) for seed in range(6)]
    serial = [clone(est).fit(X_DIGITS, Y_DIGITS) for est in estimators]
    barrier = threading.Barrier(len(estimators))

    def fit(est):
        barrier.wait()
        return est.fit(X_DIGITS, Y_DIGITS)

    with ThreadPoolExecutor(len(estimators)) as pool:
        parallel = list(pool.map(fit, estimators))
    for a, b in zip(parallel, serial, strict=True):
        for u, v in zip(
            a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True
        ):
            assert_array_equal(u, v)
        assert_array_equal(a.loss_curve_, b.loss_curve_)


def test_grid_search_in_processes_matches_the_serial_search():
    grid = {
        "init": ["sklearn", "he_uniform"],
        "optimizer": ["adam", "lbfgs"],
        "alpha": [1e-4, 1e-1],
    }
    base = MLPClassifier(hidden_layer_sizes=(16,), max_iter=15, random_state=0)
    serial = GridSearchCV(base, grid, cv=3, n_jobs=1).fit(X_DIGITS, Y_DIGITS)
    parallel = GridSearchCV(base, grid, cv=3, n_jobs=2).fit(X_DIGITS, Y_DIGITS)
    for key in serial.cv_results_:
        if key.startswith(("split", "mean_test", "std_test", "rank")):
            assert_array_equal(parallel.cv_results_[key], serial.cv_results_[key], key)
    assert serial.cv_results_["params"] == parallel.cv_results_["params"]
    assert serial.best_params_ == parallel.best_params_
