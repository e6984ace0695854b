"""Checks of component hyperparameters.

Components store their hyperparameters untouched in ``__init__``, as scikit-learn
requires, and check them when they are used. Every check raises ``ValueError``
with the message ``"<Owner> <name> must be <constraint>; got <value!r>."``, where
the owner is the component's class name (or a function's name), so that a bad
value deep inside a nested, grid-searched estimator is easy to trace.

A bool is never accepted where a number is expected (``True`` is an ``int`` to
Python, but ``momentum=True`` is a mistake, not ``momentum=1``).
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np

__all__ = ["check_real", "check_int", "check_option", "check_bool"]

#: The numbers ``check_real`` accepts: those numpy arithmetic takes as floats
#: (a ``Fraction``, say, would turn the optimizers' arrays into object arrays).
_REAL_TYPES = (int, float, np.integer, np.floating)


def _owner_name(owner) -> str:
    """The name in the message: ``owner`` itself if a string, else its class name."""
    return owner if isinstance(owner, str) else type(owner).__name__


def _fail(owner, name, what, value):
    raise ValueError(f"{_owner_name(owner)} {name} must be {what}; got {value!r}.")


def check_real(
    owner,
    name: str,
    value,
    *,
    low=None,
    high=None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
) -> float:
    """Return ``float(value)`` if it is a real number in range, else raise ValueError.

    Parameters
    ----------
    owner : object or str
        The component whose parameter it is (its class name is reported), or
        the name to report.
    name : str
        The parameter's name.
    value : object
        The value to check: a Python or numpy integer or float, not a bool and
        never NaN.
    low, high : float, optional
        The bounds of the interval, if any.
    low_open, high_open : bool, default=False
        Whether the bounds are excluded.
    finite : bool, default=True
        Whether infinities are rejected. A value with both bounds is finite
        anyway.
    """
    ok = isinstance(value, _REAL_TYPES) and not isinstance(value, bool)
    if ok and not isinstance(value, Integral):  # an integer is never NaN or infinite
        ok = not math.isnan(value) and (math.isfinite(value) or not finite)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        number = "a finite number" if finite else "a number"
        if low is not None and high is not None:
            left = "(" if low_open else "["
            right = ")" if high_open else "]"
            what = f"a number in {left}{low}, {high}{right}"
        elif low is not None:
            what = f"{number} {'>' if low_open else '>='} {low}"
        elif high is not None:
            what = f"{number} {'<' if high_open else '<='} {high}"
        else:
            what = number
        _fail(owner, name, what, value)
    return float(value)


def check_int(owner, name: str, value, minimum: int, maximum: int | None = None) -> int:
    """Return ``int(value)`` if it is an integer in ``[minimum, maximum]``.

    Python and numpy integers are accepted, bools are not; ``maximum=None``
    means no upper bound. Raises ValueError otherwise.
    """
    ok = (
        isinstance(value, Integral)
        and not isinstance(value, bool)
        and value >= minimum
        and (maximum is None or value <= maximum)
    )
    if not ok:
        if maximum is None:
            what = f"an integer >= {minimum}"
        else:
            what = f"an integer in [{minimum}, {maximum}]"
        _fail(owner, name, what, value)
    return int(value)


def check_option(owner, name: str, value, options) -> str:
    """Return ``value`` if it is one of the strings ``options``, else raise ValueError.

    The match is exact (case-sensitive); the message lists the options.
    """
    if not (isinstance(value, str) and value in options):
        _fail(owner, name, f"one of {', '.join(map(repr, options))}", value)
    return value


def check_bool(owner, name: str, value) -> bool:
    """Return ``value`` as a bool if it is a Python or numpy bool, else raise ValueError."""
    if not isinstance(value, (bool, np.bool_)):
        _fail(owner, name, "a bool", value)
    return bool(value)
