"""Fused elementwise loops of the training step, compiled when possible.

An Adam step is twelve numpy operations per parameter, each a pass over memory; the
C extension ``skweights._loops`` (built at install when a C compiler is there) does
them in one pass, with each operation rounded as numpy rounds it, so the results
are the same bit for bit (tested against the numpy code on every path). Without
the extension, or with the environment variable ``SKWEIGHTS_NUMPY_LOOPS=1`` set
before import, the numpy code runs.

Scalars enter both paths as Python floats, so in float32 every operation is a
float32 operation with the constant rounded to float32 (numpy's rule for a
Python scalar).
"""

from __future__ import annotations

import os

import numpy as np

try:
    from . import _loops as loops
except ImportError:  # built without a C compiler
    loops = None

__all__ = ["enabled", "loops", "usable"]

#: whether the training step runs the compiled loops
enabled = loops is not None and os.environ.get("SKWEIGHTS_NUMPY_LOOPS", "0") in (
    "",
    "0",
)

_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def usable(*arrays) -> bool:
    """Whether the compiled loops take these arrays: enabled, one native float
    dtype and size, C-contiguous, writeable (``None`` entries are skipped)."""
    if not enabled:
        return False
    first = arrays[0]
    if first.dtype not in _FLOATS:
        return False
    for a in arrays:
        if a is None:
            continue
        if (
            a.dtype != first.dtype
            or a.size != first.size
            or not a.flags.c_contiguous
            or not a.flags.writeable
        ):
            return False
    return True
