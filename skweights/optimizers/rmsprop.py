"""RMSprop."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import (
    Optimizer,
    ScheduleState,
    check_positive,
    check_unit_interval,
    with_lr,
)


@with_lr
class RMSpropState(NamedTuple):
    schedule: ScheduleState
    mean_square: list
    mean_grad: list
    momentum: list


class RMSprop(Optimizer):
    r"""RMSprop, in Keras' form (epsilon inside the square root).

    .. math::

        s &\leftarrow \rho s + (1 - \rho) g^2 \\
        \bar g &\leftarrow \rho \bar g + (1 - \rho) g
            \quad\text{(centered only; then } s - \bar g^2 \text{ replaces } s) \\
        \Delta &= \eta\, g / \sqrt{s + \epsilon} \\
        b &\leftarrow \mu b + \Delta,\quad \theta \leftarrow \theta - b
            \quad\text{(or } \theta \leftarrow \theta - \Delta \text{ without momentum)}

    Keras' defaults (``rho=0.9``, ``epsilon=1e-7``). PyTorch's ``RMSprop`` uses
    ``alpha=0.99`` for :math:`\rho` and adds epsilon outside the square root.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
    rho : float in [0, 1), default=0.9
    epsilon : float > 0, default=1e-7
    momentum : float in [0, 1), default=0.0
    centered : bool, default=False

    References
    ----------
    Hinton, Neural Networks for Machine Learning, lecture 6e; Graves (2013),
    arXiv:1308.0850 (centered).
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho: float = 0.9,
        epsilon: float = 1e-7,
        momentum: float = 0.0,
        centered: bool = False,
    ):
        self.learning_rate = learning_rate
        self.rho = rho
        self.epsilon = epsilon
        self.momentum = momentum
        self.centered = centered

    def init(self, params, is_bias=None):
        check_unit_interval(self, "rho", self.rho)
        check_unit_interval(self, "momentum", self.momentum)
        check_positive(self, "epsilon", self.epsilon)

        def zeros(flag):
            return [np.zeros_like(p) for p in params] if flag else []

        return RMSpropState(
            schedule=self.schedule().init(),
            mean_square=zeros(True),
            mean_grad=zeros(self.centered),
            momentum=zeros(self.momentum > 0),
        )

    def step_size(self, state, i):
        """:math:`\\eta / \\sqrt{s + \\epsilon}`, per coordinate (centered: :math:`s - \\bar g^2`)."""
        s = state.mean_square[i]
        if self.centered:
            s = s - state.mean_grad[i] ** 2
        return state.lr / np.sqrt(s + self.epsilon)

    def update(self, params, grads, state):
        rho, lr = self.rho, state.lr
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            s = state.mean_square[i]
            s *= rho
            s += (1 - rho) * (g * g)
            denom = s.copy()
            if self.centered:
                gbar = state.mean_grad[i]
                gbar *= rho
                gbar += (1 - rho) * g
                denom -= gbar * gbar
            denom += self.epsilon
            np.sqrt(denom, out=denom)
            step = lr * g / denom
            if self.momentum > 0:
                b = state.momentum[i]
                b *= self.momentum
                b += step
                p -= b
            else:
                p -= step
        return state
