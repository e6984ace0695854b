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

try:
    from . import _loops as loops
except ImportError:  # built without a C compiler
    loops = None

__all__ = ["DECLINED", "call", "enabled", "loops", "run"]

#: whether the training step runs the compiled loops
enabled = loops is not None and os.environ.get("SKWEIGHTS_NUMPY_LOOPS", "0") in (
    "",
    "0",
)

#: what a compiled loop raises, before touching anything, for arrays it does not
#: take (not float32/float64, of mixed dtypes or sizes, not C-contiguous, read-only)
DECLINED = (TypeError, ValueError, BufferError)


def call(kernel: str, *args):
    """The result of the compiled loop ``kernel`` on ``args``; None if it did not
    run (the loops are off, or it declined the arrays, before writing anything).
    For the loops that return a value."""
    if not enabled:
        return None
    try:
        return getattr(loops, kernel)(*args)
    except DECLINED:
        return None


def run(kernel: str, *args) -> bool:
    """Run the compiled loop ``kernel`` on ``args``; True if it ran.

    False when the loops are off or the loop declined the arrays (it checks them
    all before writing anything): the caller then runs its numpy code, which
    gives the same values. Elementwise loops take arrays of one size as flat, so
    callers pass arrays of one shape.
    """
    if not enabled:
        return False
    try:
        getattr(loops, kernel)(*args)
    except DECLINED:
        return False
    return True
