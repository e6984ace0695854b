"""The thread pool shared by the BLAS and the fused loops (skweights/_pool.c,
_threads.blas_pool): the same values as without it, engaged only where asked."""

import os
import threading
import time
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

import skweights.neural_network._stochastic as stochastic
from skweights import MLPClassifier, _fused, _threads
from skweights._threads import blas_pool


def _info():
    return _fused.loops.pool_info()


@pytest.fixture
def pool():
    """Skip where this numpy's BLAS cannot run on the pool (not OpenBLAS 0.3.27+
    on its own threads, one BLAS thread, or the compiled loops off)."""
    if not _fused.enabled:
        pytest.skip("the compiled loops are off")
    with blas_pool():
        engaged = _info()["engaged"]
    if not engaged:
        pytest.skip("numpy's BLAS takes no threading back end here")
    assert not _info()["engaged"]  # left as it was


def _weights(est):
    return est.coefs_ + est.intercepts_


def _without_pool(monkeypatch):
    original = _threads.blas_pool
    monkeypatch.setattr(stochastic, "blas_pool", lambda active=True: original(False))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_products_on_the_pool_are_numpys_bit_for_bit(pool, dtype):
    rng = np.random.RandomState(0)
    A = rng.randn(256, 300).astype(dtype)
    B = rng.randn(300, 512).astype(dtype)
    D = rng.randn(256, 512).astype(dtype)
    products = [
        lambda: A @ B,
        lambda: A.T @ D,  # a weight gradient: transposed operand
        lambda: D @ B.T,  # a delta
        lambda: A[:37] @ B,  # a last, shorter batch
    ]
    expected = [f() for f in products]
    before = _info()
    with blas_pool():
        assert _info()["engaged"]
        got = [f() for f in products]
        during = _info()
    for g, e in zip(got, expected, strict=True):
        assert_array_equal(g, e)
    assert during["blas_calls"] >= before["blas_calls"] + len(products)
    assert not _info()["engaged"]
    A @ B  # after it: on OpenBLAS's own threads again
    assert _info()["blas_calls"] == during["blas_calls"]


def test_lapack_on_the_pool_gives_the_same_values(pool):
    rng = np.random.RandomState(1)
    A = rng.rand(600, 600) + 600 * np.eye(600)
    b = rng.rand(600)
    expected = np.linalg.solve(A, b), np.linalg.cholesky(A @ A.T), np.linalg.inv(A)
    with blas_pool():
        got = np.linalg.solve(A, b), np.linalg.cholesky(A @ A.T), np.linalg.inv(A)
    for g, e in zip(got, expected, strict=True):
        assert_array_equal(g, e)


def _adam_scaled(n_parts_sizes, dtype, amsgrad):
    rng = np.random.RandomState(2)
    n = sum(n_parts_sizes)
    p = rng.randn(n).astype(dtype)
    g = rng.randn(n).astype(dtype)
    m = (rng.randn(n) * 0.1).astype(dtype)
    v = (rng.rand(n) * 0.01).astype(dtype)
    vm = (rng.rand(n) * 0.01).astype(dtype) if amsgrad else None
    bounds = np.cumsum([0, *n_parts_sizes])
    parts = tuple(
        (i, int(bounds[i]), int(bounds[i + 1])) for i in range(len(bounds) - 1)
    )
    out = np.zeros(len(parts))
    _fused.loops.adam_scaled(
        p, g, m, v, vm, 0.9, 0.1, 0.999, 0.001, -1e-3, 1e-8, True, 0.7,
        1e-4, 256.0, parts, out,
    )  # fmt: skip
    return [p, g, m, v, out] + ([vm] if amsgrad else [])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_step_split_over_the_pool_is_the_same_bit_for_bit(pool, dtype, amsgrad):
    # layers of a (256, 512, 256, 10) network, and sizes off the blocks' edges
    for sizes in ([131072, 131072, 2560], [40001, 3, 70000], [100, 200]):
        alone = _adam_scaled(sizes, dtype, amsgrad)
        before = _info()["dispatches"]
        with blas_pool():
            shared = _adam_scaled(sizes, dtype, amsgrad)
        split = _info()["dispatches"] > before + 1  # beyond the engaging probe
        assert split == (sum(sizes) >= 32768)
        for a, s in zip(alone, shared, strict=True):
            assert_array_equal(a, s)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bias_relu_split_by_rows_is_the_same(pool, dtype):
    rng = np.random.RandomState(3)
    for rows in (256, 255, 7):
        A = rng.randn(rows, 512).astype(dtype)
        A[0, :3] = [np.nan, -0.0, np.inf]
        b = rng.randn(512).astype(dtype)
        alone = A.copy()
        _fused.loops.bias_relu(alone, b)
        with blas_pool():
            shared = A.copy()
            _fused.loops.bias_relu(shared, b)
        assert_array_equal(alone, shared)
        assert np.signbit(shared[0, 1]) == np.signbit(alone[0, 1])


def test_batch_gather_split_over_the_pool_is_numpys_take(pool):
    rng = np.random.RandomState(8)
    A = rng.randn(5000, 300)
    idx = rng.permutation(5000)[:257]
    out = np.empty((257, 300))
    before = _info()["dispatches"]
    with blas_pool():
        _fused.loops.gather_rows(A, idx, out)
    assert _info()["dispatches"] == before + 2  # the engaging probe, the gather
    assert_array_equal(out, A.take(idx, axis=0))


@pytest.fixture(scope="module")
def wide():
    rng = np.random.RandomState(4)
    X = rng.randn(1200, 256)
    y = (X[:, :4] @ rng.randn(4, 3)).argmax(axis=1)
    return X, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_large_network_trains_on_the_pool_to_the_same_weights(
    pool, wide, monkeypatch, dtype
):
    X, y = wide
    X = X.astype(dtype)
    params = dict(hidden_layer_sizes=(512,), batch_size=256, max_iter=2, random_state=0)
    before = _info()["dispatches"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged in two epochs
        shared = MLPClassifier(**params).fit(X, y)
        assert _info()["dispatches"] > before + 10  # products and steps
        assert not _info()["engaged"]
        _without_pool(monkeypatch)
        alone = MLPClassifier(**params).fit(X, y)
        ref = SkMLPClassifier(**params).fit(X, y) if dtype == np.float64 else None
    for a, s in zip(_weights(alone), _weights(shared), strict=True):
        assert_array_equal(a, s)
    assert alone.loss_curve_ == shared.loss_curve_
    assert_array_equal(alone.history_["grad_norm"], shared.history_["grad_norm"])
    if ref is not None:  # and scikit-learn's, bit for bit
        for r, s in zip(_weights(ref), _weights(shared), strict=True):
            assert_array_equal(r, s)
        # the loss is summed in another order than scikit-learn's: to rounding
        assert_allclose(ref.loss_curve_, shared.loss_curve_, rtol=1e-14)


def test_small_networks_leave_the_blas_alone(pool):
    rng = np.random.RandomState(5)
    X = rng.randn(200, 8)
    y = (X[:, 0] > 0).astype(int)
    before = _info()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        MLPClassifier(hidden_layer_sizes=(16,), max_iter=3, random_state=0).fit(X, y)
    after = _info()
    assert after["blas_calls"] == before["blas_calls"]
    assert after["dispatches"] == before["dispatches"]


def test_the_pool_stays_engaged_until_the_last_overlapping_user_leaves(
    pool, overlapping_users
):
    finish = overlapping_users(blas_pool)  # a left, b still inside
    assert _info()["engaged"]
    finish()
    assert not _info()["engaged"]


def test_concurrent_products_from_several_threads_are_right(pool):
    rng = np.random.RandomState(6)
    mats = [rng.randn(300, 300) for _ in range(4)]
    expected = [m @ m.T for m in mats]
    results, errors = {}, []

    def work(i):
        try:
            for _ in range(20):
                results[i] = mats[i] @ mats[i].T
                _fused.loops.bias_relu(np.zeros((256, 256)), np.ones(256))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with blas_pool():
        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not any(t.is_alive() for t in threads)
    assert not errors
    for i, e in enumerate(expected):
        assert_array_equal(results[i], e)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_child_starts_its_own_workers(pool):
    rng = np.random.RandomState(7)
    A = rng.randn(300, 300)
    expected = A @ A
    with blas_pool():
        A @ A  # the workers exist in the parent
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads
            pid = os.fork()
        if pid == 0:  # the child: products and a split loop on new workers
            ok = np.array_equal(A @ A, expected)
            Z = np.zeros((256, 256))
            _fused.loops.bias_relu(Z, np.ones(256))
            os._exit(0 if ok and (Z == 1).all() else 1)
        deadline = time.monotonic() + 60
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.01)
    assert done, "the forked child hung"
    assert os.waitstatus_to_exitcode(status) == 0


def _one_epoch(X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged
        return MLPClassifier(
            hidden_layer_sizes=(512,), batch_size=256, max_iter=1, random_state=0
        ).fit(X, y)


def test_a_blas_that_takes_no_back_end_leaves_training_as_it_was(monkeypatch, wide):
    monkeypatch.setattr(_threads, "_pool_candidates", lambda: [])
    monkeypatch.setitem(_threads._pool, "target", None)
    assert _one_epoch(*wide).n_iter_ == 1
    assert not _fused.enabled or not _info()["engaged"]


def test_a_pool_that_gets_no_thread_leaves_training_as_it_was(pool, monkeypatch, wide):
    def no_threads(*args):
        raise OSError("could start only 0 of 1 pool threads")

    monkeypatch.setattr(_fused.loops, "pool_engage", no_threads)
    monkeypatch.setitem(_threads._pool, "target", None)
    before = _info()
    assert _one_epoch(*wide).n_iter_ == 1
    assert _info()["blas_calls"] == before["blas_calls"]
    assert not _info()["engaged"]
