"""Per-thread work arrays, chunked in-place updates, and the BLAS thread limit.

Optimizer steps and gradient scaling are a dozen elementwise passes over every
parameter; :func:`for_chunks` runs them chunk by chunk through :func:`scratch`
arrays, so the arrays a step touches stay in cache and nothing as large as the
network is allocated per batch. Splitting those passes across threads was
measured and rejected: on 2 cores, after each matrix product the BLAS's own
worker spins on the other core, and a two-thread update made the large
benchmark's epoch 5% slower (float64 and float32).
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np

try:  # installed with scikit-learn, which requires it; not a dependency of ours
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover
    ThreadpoolController = None

__all__ = ["CHUNK", "for_chunks", "one_blas_thread", "scratch"]

#: elements per chunk of an in-place update: 64 Ki float64 = 512 KiB per array,
#: so the few arrays a step touches stay in the core's cache between operations
CHUNK = 1 << 16

_lock = threading.Lock()
_controller = []  # one ThreadpoolController per process, made at first use
_limit = {"users": 0, "limiter": None}
_local = threading.local()  # per thread: the scratch arrays


def scratch(like: np.ndarray, slot: int = 0) -> np.ndarray:
    """A reusable work array shaped like ``like``, private to the calling thread.

    Optimizers compute their update terms into these instead of allocating
    temporaries every step; the contents are garbage between calls. Each slot is
    one flat buffer as large as the largest array asked for (a :data:`CHUNK` in
    the update loops), viewed in the shape asked for. Keeping them out of the
    optimizer state keeps pickles small, and per-thread keeps parallel fits
    (threads) from sharing them.
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


def for_chunks(fn, *arrays) -> None:
    """Call ``fn(*slices)`` on matching flat slices of at most :data:`CHUNK` elements.

    The arrays are of one size, the first not None; later ``None`` entries stay
    None. Arrays of one chunk or less, or not C-contiguous, are passed whole, in
    one call. ``fn`` works in place on its slices and may use :func:`scratch`
    arrays. Every operation being elementwise, an element's result does not
    depend on where a chunk starts.
    """
    size = arrays[0].size
    if size <= CHUNK or not all(a is None or a.flags.c_contiguous for a in arrays):
        # One chunk, or a flat view would be a copy: the arrays whole, in place
        # (a small network's batch pays no more than the call).
        fn(*arrays)
        return
    flats = [None if a is None else a.reshape(-1) for a in arrays]
    for lo in range(0, size, CHUNK):
        fn(*(None if f is None else f[lo : lo + CHUNK] for f in flats))
