"""Adagrad."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_option, check_real
from ._base import Optimizer, ScheduleState, with_lr
from ._util import VARIANTS, init_schedule


@with_lr
class AdagradState(NamedTuple):
    schedule: ScheduleState
    t: int
    sum_squares: list


class Adagrad(Optimizer):
    r"""Adagrad: steps scaled by the root of the summed squared gradients.

    For step :math:`t = 1, 2, \dots` with gradient :math:`g`, the accumulator
    :math:`s` starting at ``initial_accumulator_value`` and learning-rate decay
    :math:`\kappa`:

    .. math::

        \eta_t &= \eta / (1 + (t - 1)\kappa) \\
        s &\leftarrow s + g^2 \\
        \theta &\leftarrow \theta - \eta_t\, g / \sqrt{s + \epsilon}
            \quad\text{(Keras)}, \qquad
        \theta \leftarrow \theta - \eta_t\, g / (\sqrt{s} + \epsilon)
            \quad\text{(PyTorch)}

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
    initial_accumulator_value : float >= 0, default=0.1
    epsilon : float > 0, default=1e-7
    variant : {"keras", "torch"}, default="keras"
        Epsilon inside (Keras, optax) or outside (PyTorch) the square root.
    lr_decay : float >= 0, default=0.0
        :math:`\kappa`, PyTorch's per-step decay of the learning rate (applies in
        both variants; Keras and optax have none).

    Notes
    -----
    Defaults: Keras' (and optax's). To reproduce

    - PyTorch ``torch.optim.Adagrad(lr, lr_decay, initial_accumulator_value=a,
      eps)`` (defaults ``lr=0.01, a=0, eps=1e-10``):
      ``Adagrad(lr, initial_accumulator_value=a, epsilon=eps, variant="torch",
      lr_decay=lr_decay)``;
    - Keras ``keras.optimizers.Adagrad(learning_rate,
      initial_accumulator_value, epsilon)``: the same arguments;
    - optax ``adagrad(lr, initial_accumulator_value, eps)``: the same arguments
      (optax skips coordinates whose accumulator is exactly 0, a case that
      arises only with ``initial_accumulator_value=0``).

    References
    ----------
    Duchi, Hazan & Singer (2011), Adaptive Subgradient Methods for Online Learning
    and Stochastic Optimization, JMLR 12.
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        variant: str = "keras",
        lr_decay: float = 0.0,
    ):
        self.learning_rate = learning_rate
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon
        self.variant = variant
        self.lr_decay = lr_decay

    def init(self, params, is_bias=None):
        check_real(
            self, "initial_accumulator_value", self.initial_accumulator_value, low=0
        )
        check_real(self, "epsilon", self.epsilon, low=0, low_open=True, finite=False)
        check_option(self, "variant", self.variant, VARIANTS)
        check_real(self, "lr_decay", self.lr_decay, low=0)
        return AdagradState(
            schedule=init_schedule(self),
            t=0,
            sum_squares=[
                np.full_like(p, self.initial_accumulator_value) for p in params
            ],
        )

    def _lr(self, state, t):
        return state.lr / (1 + (t - 1) * self.lr_decay)

    def _denom(self, s):
        if self.variant == "keras":
            return np.sqrt(s + self.epsilon)
        denom = np.sqrt(s)
        denom += self.epsilon
        return denom

    def step_size(self, state, i):
        r"""The per-coordinate factor in front of :math:`g`:
        :math:`\eta_t / \sqrt{s + \epsilon}` or :math:`\eta_t / (\sqrt s + \epsilon)`."""
        return self._lr(state, max(state.t, 1)) / self._denom(state.sum_squares[i])

    def update(self, params, grads, state):
        t = state.t + 1
        lr = self._lr(state, t)
        for p, g, s in zip(params, grads, state.sum_squares, strict=True):
            s += g * g
            p -= lr * g / self._denom(s)
        return state._replace(t=t)
