"""Per-thread work arrays, chunked in-place updates, the BLAS thread limit and
the thread pool shared with the BLAS.

Optimizer steps and gradient scaling are a dozen elementwise passes over every
parameter; :func:`for_chunks` runs them chunk by chunk through :func:`scratch`
arrays, so the arrays a step touches stay in cache and nothing as large as the
network is allocated per batch. Splitting those passes over threads of their own
was measured and rejected: on 2 cores, after each matrix product OpenBLAS's own
idle worker spins on the other core, and a two-thread update made the large
benchmark's epoch 5% slower. :func:`blas_pool` instead gives the BLAS and the
compiled loops one pool of threads, whose idle workers leave the cores free.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading

import numpy as np

from . import _fused as fused

try:  # installed with scikit-learn, which requires it; not a dependency of ours
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover
    ThreadpoolController = None

__all__ = ["CHUNK", "blas_pool", "for_chunks", "one_blas_thread", "scratch"]

#: elements per chunk of an in-place update: 64 Ki float64 = 512 KiB per array,
#: so the few arrays a step touches stay in the core's cache between operations
CHUNK = 1 << 16

_lock = threading.Lock()
_controller = []  # one ThreadpoolController per process, made at first use
_limit = {"users": 0, "limiter": None}
_local = threading.local()  # per thread: the scratch arrays
_pool = {"users": 0, "target": None}  # blas_pool's count, and the library it uses


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


#: the names OpenBLAS's threading back-end setter goes by: plain, and in the
#: builds numpy and scipy ship (``scipy_openblas``, with a suffix for 64-bit ints)
_SETTERS = tuple(
    f"{prefix}openblas_set_threads_callback_function{suffix}"
    for prefix in ("", "scipy_")
    for suffix in ("", "64_", "_64")
)


def _pool_candidates():
    """(setter address, callback variable address or 0, threads) of each loaded
    OpenBLAS on its own threads with more than one, that takes a back end."""
    if ThreadpoolController is None:
        return []
    out = []
    for lib in _blas_controller().select(internal_api="openblas").lib_controllers:
        if lib.threading_layer != "pthreads" or lib.num_threads < 2:
            continue
        try:
            dll = ctypes.CDLL(lib.filepath, mode=getattr(os, "RTLD_NOLOAD", 0))
        except OSError:
            continue
        setter = next((getattr(dll, n) for n in _SETTERS if hasattr(dll, n)), None)
        if setter is None:  # OpenBLAS before 0.3.27
            continue
        try:
            variable = ctypes.addressof(
                ctypes.c_void_p.in_dll(dll, "openblas_threads_callback_")
            )
        except ValueError:
            variable = 0  # not exported: the back end taken to be OpenBLAS's own
        address = ctypes.cast(setter, ctypes.c_void_p).value
        out.append((address, variable, lib.num_threads))
    return out


def _engage(target) -> bool:
    """Engage the pool on ``target``; True if numpy's products now run on it (a
    128 x 128 product, large enough for OpenBLAS's threads, is run to see), else
    it is disengaged. False too when the system gives no thread for it."""
    setter, variable, threads = target
    try:
        fused.loops.pool_engage(setter, variable, threads)
    except OSError:
        return False
    before = fused.loops.pool_info()["blas_calls"]
    probe = np.ones((128, 128))
    np.matmul(probe, probe)
    if fused.loops.pool_info()["blas_calls"] > before:
        return True
    fused.loops.pool_disengage()
    return False


@contextlib.contextmanager
def blas_pool(active: bool = True):
    """Run the block with numpy's BLAS on skweights' thread pool (when ``active``).

    OpenBLAS 0.3.27 and later (numpy 2.4's wheels ship 0.3.31) run their
    parallel products on a back end the caller gives them. Given the pool of
    the compiled loops (``skweights/_pool.c``), the products are partitioned
    exactly as on OpenBLAS's own threads, so they give the same values, and the
    fused loops of the training step (the Adam step, the layers' bias and ReLU
    passes, the batch gather) are split over the same threads. On OpenBLAS's own
    threads they could not be: its idle worker spins on the other core for 0.1 s
    after every product.

    Process-wide, shared by parallel fits as :func:`one_blas_thread` is; a BLAS
    other than OpenBLAS, an older OpenBLAS, the loops turned off or one BLAS
    thread leave everything as it is.
    """
    if not active or not fused.enabled:
        yield
        return
    with _lock:
        if _pool["users"] == 0:
            target = _pool["target"]
            if target is None or not _engage(target):
                target = next(filter(_engage, _pool_candidates()), None)
            _pool["target"] = target
        engaged = _pool["target"] is not None
        _pool["users"] += engaged
    try:
        yield
    finally:
        if engaged:
            with _lock:
                _pool["users"] -= 1
                if _pool["users"] == 0:
                    fused.loops.pool_disengage()


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
