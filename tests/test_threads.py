"""Elementwise work split across threads, and the shared BLAS thread limit."""

import threading
import time

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from threadpoolctl import threadpool_info

from skweights import MLPClassifier, _threads
from skweights._threads import (
    CHUNK,
    PARALLEL_MIN,
    elementwise_threads,
    for_chunks,
    one_blas_thread,
    scratch,
)
from skweights.neural_network import _stochastic
from skweights.optimizers import SGD, Adam


def _blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def _adam_steps(n_threads, size, steps=3):
    rng = np.random.RandomState(0)
    params = [rng.randn(size), rng.randn(7)]
    opt = Adam(learning_rate=0.01)
    state = opt.init(params)
    with elementwise_threads(n_threads):
        for _ in range(steps):
            grads = [rng.randn(size), rng.randn(7)]
            state = opt.update(params, grads, state)
    return params, state


@pytest.mark.parametrize("size", [PARALLEL_MIN, 3 * CHUNK + 17, 5 * CHUNK - 1])
def test_threads_give_the_same_bits_as_one(size):
    one, state_one = _adam_steps(1, size)
    two, state_two = _adam_steps(2, size)
    first = one + state_one.m + state_one.v
    for a, b in zip(first, two + state_two.m + state_two.v, strict=True):
        assert_array_equal(a, b)
    # and every part was stepped: two steps differ from three everywhere
    assert (one[0] != _adam_steps(1, size, steps=2)[0][0]).all()


def test_every_element_is_visited_once_in_parts_on_chunk_boundaries():
    size = 4 * CHUNK + 5
    a = np.zeros(size)
    seen = []
    lock = threading.Lock()

    def visit(x):
        with lock:
            seen.append((threading.get_ident(), x.size))
        x += 1

    with elementwise_threads(2):
        for_chunks(visit, a)
    assert_array_equal(a, 1)
    assert sum(n for _, n in seen) == size
    assert all(n <= CHUNK for _, n in seen)
    assert len({ident for ident, _ in seen}) == 2  # the caller and one worker


def test_small_arrays_stay_on_the_calling_thread():
    idents = []
    with elementwise_threads(2):
        for_chunks(lambda x: idents.append(threading.get_ident()), np.zeros(100))
    assert idents == [threading.get_ident()]


def test_arrays_that_are_not_contiguous_are_updated_in_place():
    a = np.zeros((PARALLEL_MIN, 2))[:, 0]  # strided: a flat view would be a copy
    g = np.ones(PARALLEL_MIN)
    with elementwise_threads(2):
        for_chunks(lambda x, y: np.add(x, y, out=x), a, g)
    assert_array_equal(a, 1)


def test_parts_run_under_the_callers_floating_point_settings():
    big = np.full(4 * CHUNK, 1e308)

    def double(x):
        x *= 10.0

    with elementwise_threads(2):
        with np.errstate(over="ignore"):  # pytest turns warnings into errors
            for_chunks(double, big.copy())
        with np.errstate(over="raise"):
            with pytest.raises(FloatingPointError):
                for_chunks(double, big.copy())


def test_an_interruption_waits_for_the_other_parts():
    size = 4 * CHUNK
    a = np.zeros(size)
    main = threading.get_ident()
    finished = []

    def part(x):
        if threading.get_ident() == main:
            raise KeyboardInterrupt
        time.sleep(0.05)
        x += 1
        finished.append(x.size)

    with elementwise_threads(2):
        with pytest.raises(KeyboardInterrupt):
            for_chunks(part, a)
    # every chunk of the worker's half was written before the call returned
    assert sum(finished) == size // 2
    assert a[size // 2 :].min() == 1


def test_scratch_arrays_are_private_to_each_thread():
    like = np.empty(10)
    mine = scratch(like)
    other = []
    t = threading.Thread(target=lambda: other.append(scratch(like)))
    t.start()
    t.join()
    assert not np.shares_memory(mine, other[0])
    assert scratch(like) is not None and np.shares_memory(scratch(like), mine)


def test_the_blas_limit_is_restored_by_the_last_of_overlapping_users(monkeypatch):
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
    inside_a, leave_a, inside_b, leave_b = (threading.Event() for _ in range(4))

    def user(entered, leave):
        with one_blas_thread():
            entered.set()
            leave.wait(10)

    a = threading.Thread(target=user, args=(inside_a, leave_a))
    b = threading.Thread(target=user, args=(inside_b, leave_b))
    a.start()
    inside_a.wait(10)
    b.start()
    inside_b.wait(10)
    leave_a.set()  # a leaves first, while b still trains: the limit stays
    a.join(10)
    assert calls == [("limit", 1, "blas")]
    leave_b.set()
    b.join(10)
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


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_elementwise_threads_do_not_change_a_fit(monkeypatch):
    # 300 x 512 weights: the packed update is cut into two parts. The products
    # are small, so they run on one BLAS thread either way: only the number of
    # elementwise threads differs, and the weights are the same bits.
    rng = np.random.RandomState(0)
    X = rng.randn(64, 300)
    y = rng.randint(0, 3, 64)
    original = _threads._run_chunks
    fits, used = [], []
    monkeypatch.setattr(
        _threads,
        "_run_chunks",
        lambda *a: (used[-1].add(threading.get_ident()), original(*a)),
    )
    for n in (1, 2):
        used.append(set())
        monkeypatch.setattr(_stochastic, "blas_threads", lambda n=n: n)
        clf = MLPClassifier(
            hidden_layer_sizes=(512,),
            optimizer=SGD(learning_rate=0.01),
            batch_size=64,
            max_iter=2,
            random_state=0,
        )
        fits.append(clf.fit(X, y))
    assert [len(u) for u in used] == [1, 2]
    for a, b in zip(
        fits[0].coefs_ + fits[0].intercepts_,
        fits[1].coefs_ + fits[1].intercepts_,
        strict=True,
    ):
        assert_array_equal(a, b)
