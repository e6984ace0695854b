"""Chunked in-place updates, per-thread scratch arrays, the shared BLAS limit."""

import threading

import numpy as np
from numpy.testing import assert_array_equal
from threadpoolctl import threadpool_info

from skweights import MLPClassifier, _threads
from skweights._threads import CHUNK, for_chunks, one_blas_thread, scratch
from skweights.optimizers import Adam


def _blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_every_element_is_visited_once_in_chunks():
    size = 4 * CHUNK + 5
    a = np.zeros(size)
    sizes = []

    def visit(x, absent):
        assert absent is None
        sizes.append(x.size)
        x += 1

    for_chunks(visit, a, None)
    assert_array_equal(a, 1)
    assert sizes == [CHUNK] * 4 + [5]


def test_arrays_of_one_chunk_are_passed_whole_in_their_shape():
    shapes = []
    for_chunks(lambda x, y: shapes.append((x.shape, y)), np.zeros((10, 3)), None)
    assert shapes == [((10, 3), None)]


def test_arrays_that_are_not_contiguous_are_updated_in_place():
    a = np.zeros((3 * CHUNK, 2))[:, 0]  # strided: a flat view would be a copy
    g = np.ones(3 * CHUNK)
    for_chunks(lambda x, y: np.add(x, y, out=x), a, g)
    assert_array_equal(a, 1)


def test_chunked_adam_equals_adam_on_whole_arrays():
    # the same operations in the same order, so the same bits at any chunk size
    rng = np.random.RandomState(0)
    size = 3 * CHUNK + 17
    grads = [rng.randn(size) for _ in range(3)]
    runs = []
    for chunk in (CHUNK, 10**9):
        params = [np.arange(size) / size]
        opt = Adam(learning_rate=0.01)
        state = opt.init(params)
        old = _threads.CHUNK
        _threads.CHUNK = chunk
        try:
            for g in grads:
                state = opt.update(params, [g], state)
        finally:
            _threads.CHUNK = old
        runs.append(params[0])
    assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], np.arange(size) / size)


def test_scratch_arrays_are_private_to_each_thread():
    like = np.empty(10)
    mine = scratch(like)
    other = []
    t = threading.Thread(target=lambda: other.append(scratch(like)))
    t.start()
    t.join()
    assert not np.shares_memory(mine, other[0])
    assert np.shares_memory(scratch(like), mine)  # reused, not reallocated


def test_the_blas_limit_is_restored_by_the_last_of_overlapping_users(
    monkeypatch, overlapping_users
):
    # A controller that records what is asked of it: OpenBLAS itself ignores a
    # limit set from another thread once the main thread has set one.
    calls = []

    class Limiter:
        def restore_original_limits(self):
            calls.append("restore")

    class Controller:
        def limit(self, limits, user_api):
            calls.append(("limit", limits, user_api))
            return Limiter()

    monkeypatch.setattr(_threads, "_blas_controller", Controller)
    finish = overlapping_users(one_blas_thread)  # a left, b still trains
    assert calls == [("limit", 1, "blas")]  # the limit stays
    finish()
    assert calls == [("limit", 1, "blas"), "restore"]
    with one_blas_thread(active=False):
        pass
    assert len(calls) == 2


def test_parallel_small_fits_leave_the_blas_threads_as_they_were():
    rng = np.random.RandomState(0)
    X = rng.randn(300, 5)
    y = (X[:, 0] > 0).astype(int)
    before = _blas_threads()
    errors = []

    def fit(seed):
        try:
            for _ in range(3):
                MLPClassifier(
                    hidden_layer_sizes=(4,), max_iter=3, random_state=seed
                ).fit(X, y)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fit, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert _blas_threads() == before
