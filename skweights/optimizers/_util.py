"""The first schedule state and decoupled weight decay, shared by the optimizers."""

from __future__ import annotations

from .._validation import check_bool
from ._base import Schedule, ScheduleState, check_learning_rate

VARIANTS = ("keras", "torch")


def init_schedule(owner) -> ScheduleState:
    """The first schedule state; a numeric ``learning_rate`` must be > 0.

    A number is checked here so that the error names the optimizer; a schedule
    checks its own ``learning_rate``.
    """
    if not isinstance(owner.learning_rate, Schedule):
        check_learning_rate(owner, owner.learning_rate)
    return owner.schedule().init()


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
