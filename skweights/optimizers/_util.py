"""Validation and decoupled weight decay shared by the optimizers."""

from __future__ import annotations

import numpy as np

from ._base import Schedule, ScheduleState, check_positive

VARIANTS = ("keras", "torch")


def init_schedule(owner) -> ScheduleState:
    """The first schedule state; a numeric ``learning_rate`` must be > 0.

    A number is checked here so that the error names the optimizer; a schedule
    checks its own ``learning_rate``.
    """
    if not isinstance(owner.learning_rate, Schedule):
        check_positive(owner, "learning_rate", owner.learning_rate)
    return owner.schedule().init()


def check_non_negative(owner, name, value, *, allow_inf=False):
    """Raise ValueError unless ``value >= 0`` (and finite unless ``allow_inf``)."""
    ok = (
        isinstance(value, (int, float, np.number))
        and not isinstance(value, bool)
        and value >= 0
        and (allow_inf or np.isfinite(value))
    )
    if not ok:
        what = "a number >= 0" if allow_inf else "a finite number >= 0"
        raise ValueError(
            f"{type(owner).__name__} {name} must be {what}; got {value!r}."
        )


def check_option(owner, name, value, options=VARIANTS):
    """Raise ValueError unless ``value`` is one of ``options``."""
    if not (isinstance(value, str) and value in options):
        valid = ", ".join(repr(o) for o in options)
        raise ValueError(
            f"{type(owner).__name__} {name} must be one of {valid}; got {value!r}."
        )


def check_bool(owner, name, value):
    """Raise ValueError unless ``value`` is a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(
            f"{type(owner).__name__} {name} must be a bool; got {value!r}."
        )


def decay_mask(owner, params, is_bias, decay_biases) -> list[bool]:
    """Which parameter arrays decoupled weight decay applies to.

    Every array when ``is_bias`` is None (nothing marks the biases), else the
    non-biases, and the biases too when ``decay_biases``.
    """
    check_bool(owner, "decay_biases", decay_biases)
    if is_bias is None:
        return [True] * len(params)
    is_bias = [bool(b) for b in is_bias]
    if len(is_bias) != len(params):
        raise ValueError(
            f"{type(owner).__name__} is_bias must hold one flag per parameter "
            f"array; got {len(is_bias)} flags for {len(params)} arrays."
        )
    return [decay_biases or not b for b in is_bias]


def decay_weights(params, mask, lr, weight_decay):
    r"""Decoupled weight decay in place: :math:`w \leftarrow w(1 - \eta\lambda)`."""
    if not weight_decay:
        return
    factor = 1 - lr * weight_decay
    for p, decay in zip(params, mask, strict=True):
        if decay:
            p *= factor
