"""Threads during training: the BLAS thread limit, and elementwise work split
across cores.

numpy runs matrix products on its BLAS's threads but every elementwise operation
on one core. An optimizer step over a large network is a dozen such passes over
every parameter, so it leaves the other cores idle: :func:`for_chunks` splits it
into contiguous parts, one per thread, each walking its part chunk by chunk.
numpy releases the GIL inside each operation, so the parts run in parallel.

How many threads is decided per fit by the training loop (:func:`elementwise_threads`),
from the number the BLAS uses at that moment, so a limit set by the user, by
``threadpoolctl`` or by joblib's workers (which give each process its share of
the cores) applies to both. The setting is per calling thread: fits running in
parallel threads do not see each other's.
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np

try:  # installed with scikit-learn, which requires it; not a dependency of ours
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover
    ThreadpoolController = None

__all__ = [
    "CHUNK",
    "PARALLEL_MIN",
    "blas_threads",
    "elementwise_threads",
    "for_chunks",
    "one_blas_thread",
    "scratch",
]

#: elements per chunk of an in-place update: 64 Ki float64 = 512 KiB per array,
#: so the few arrays a step touches stay in the core's cache between operations
CHUNK = 1 << 16

#: arrays shorter than this are updated by the calling thread alone: below it,
#: handing half to another thread costs more than it saves (measured: an Adam step
#: over 264,704 float64 takes 0.70 ms on one thread and 0.45 ms on two)
PARALLEL_MIN = 2 * CHUNK

_lock = threading.Lock()
_controller = []  # one ThreadpoolController per process, made at first use
_limit = {"users": 0, "limiter": None}
_pool = []  # one executor per process, made at first use
_local = threading.local()  # per thread: the thread count and scratch arrays


def scratch(like: np.ndarray, slot: int = 0) -> np.ndarray:
    """A reusable work array shaped like ``like``, private to the calling thread.

    Optimizers compute their update terms into these instead of allocating
    temporaries every step; the contents are garbage between calls. Each slot is
    one flat buffer as large as the largest array asked for (a :data:`CHUNK` in
    the update loops), viewed in the shape asked for. Keeping them out of the optimizer state keeps pickles
    small, and per-thread keeps parallel fits (threads) from sharing them.
    """
    cache = getattr(_local, "arrays", None)
    if cache is None:
        cache = _local.arrays = {}
    key = (slot, like.dtype.str)
    flat = cache.get(key)
    if flat is None or flat.size < like.size:
        flat = cache[key] = np.empty(like.size, like.dtype)
    return flat[: like.size].reshape(like.shape)


def _blas_controller():
    if not _controller:
        _controller.append(ThreadpoolController())
    return _controller[0]


@contextlib.contextmanager
def one_blas_thread(active: bool = True):
    """Run the block with the BLAS limited to one thread (when ``active``).

    The limit is process-wide, so fits running in parallel threads share it: the
    first to enter sets it, the last to leave restores what was there before
    (a fit restoring its own saved value while another still ran would leave the
    process on one thread for good). The controller scans the loaded libraries
    once (0.5 ms); limiting through it costs 20 us.
    """
    if not active or ThreadpoolController is None:
        yield
        return
    with _lock:
        if _limit["users"] == 0:
            _limit["limiter"] = _blas_controller().limit(limits=1, user_api="blas")
        _limit["users"] += 1
    try:
        yield
    finally:
        with _lock:
            _limit["users"] -= 1
            if _limit["users"] == 0:
                _limit["limiter"].restore_original_limits()
                _limit["limiter"] = None


def blas_threads() -> int:
    """The number of threads the BLAS uses now (the largest over its libraries)."""
    if ThreadpoolController is None:  # pragma: no cover
        return 1
    counts = [
        info.get("num_threads") or 1
        for info in _blas_controller().select(user_api="blas").info()
    ]
    return max(counts, default=1)


@contextlib.contextmanager
def elementwise_threads(n: int):
    """Let :func:`for_chunks` use up to ``n`` threads in this thread's block."""
    previous = getattr(_local, "threads", 1)
    _local.threads = max(1, min(int(n), os.cpu_count() or 1))
    try:
        yield
    finally:
        _local.threads = previous


def _executor():
    with _lock:
        if not _pool:
            workers = max(1, (os.cpu_count() or 1) - 1)
            _pool.append(
                ThreadPoolExecutor(workers, thread_name_prefix="skweights-update")
            )
        return _pool[0]


def _run_chunks(fn, flats, start, stop):
    for lo in range(start, stop, CHUNK):
        hi = min(lo + CHUNK, stop)
        fn(*(None if f is None else f[lo:hi] for f in flats))


def _run_part(fn, flats, start, stop, errors):
    # np.errstate is per thread: a part runs under the caller's settings, so a
    # warning the caller silenced stays silent here.
    with np.errstate(**errors):
        _run_chunks(fn, flats, start, stop)


def for_chunks(fn, *arrays) -> None:
    """Call ``fn(*slices)`` on matching flat slices of at most :data:`CHUNK` elements.

    The arrays are of one size, the first not None; later ``None`` entries stay
    None. Arrays of one chunk or less, or not C-contiguous, are passed whole, in
    one call. ``fn``
    works in place on its slices and may use :func:`scratch`
    arrays, which are private to each thread. Arrays of :data:`PARALLEL_MIN`
    elements or more are cut into one contiguous part per thread allowed by
    :func:`elementwise_threads`; the call returns when every part is done, also
    when it is interrupted, so no thread writes to the arrays afterwards.
    """
    size = arrays[0].size
    if size <= CHUNK or not all(a is None or a.flags.c_contiguous for a in arrays):
        # One chunk, or a flat view would be a copy: the arrays whole, in place,
        # on this thread (a small network's batch pays no more than the call).
        fn(*arrays)
        return
    flats = [None if a is None else a.reshape(-1) for a in arrays]
    threads = getattr(_local, "threads", 1)
    if threads < 2 or size < PARALLEL_MIN:
        _run_chunks(fn, flats, 0, size)
        return
    parts = min(threads, -(-size // CHUNK))
    # Equal parts, on cache-line boundaries. Every operation is elementwise and
    # correctly rounded, so an element's result does not depend on where a part
    # or a chunk starts: the same bits however many threads there are.
    per_part = -(-size // (parts * 64)) * 64
    bounds = [(lo, min(lo + per_part, size)) for lo in range(0, size, per_part)]
    errors = np.geterr()
    pool = _executor()
    futures = [
        pool.submit(_run_part, fn, flats, lo, hi, errors) for lo, hi in bounds[1:]
    ]
    try:
        _run_chunks(fn, flats, *bounds[0])
    finally:
        wait(futures)
    for future in futures:
        future.result()  # re-raise an error from a part
