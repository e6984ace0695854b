"""RMSprop."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_bool, check_option, check_real
from ._base import Optimizer, ScheduleState, with_lr
from ._util import VARIANTS, init_schedule


@with_lr
class RMSpropState(NamedTuple):
    schedule: ScheduleState
    mean_square: list
    mean_grad: list
    momentum: list


class RMSprop(Optimizer):
    r"""RMSprop, in Keras' form (default) or PyTorch's.

    With gradient :math:`g` (accumulators start at zero):

    .. math::

        s &\leftarrow \rho s + (1 - \rho) g^2 \\
        \bar g &\leftarrow \rho \bar g + (1 - \rho) g
            \quad\text{(centered only; then } s - \bar g^2 \text{ replaces } s)

    ``variant="keras"`` (default; Keras, optax's default ``eps_in_sqrt=True``):
    epsilon inside the square root and the learning rate inside the momentum
    buffer,

    .. math::

        \Delta &= \eta\, g / \sqrt{s + \epsilon} \\
        b &\leftarrow \mu b + \Delta,\quad \theta \leftarrow \theta - b
            \quad\text{(or } \theta \leftarrow \theta - \Delta
            \text{ without momentum)}

    ``variant="torch"`` (PyTorch): epsilon outside the square root and the
    learning rate outside the momentum buffer,

    .. math::

        \Delta &= g / (\sqrt{s} + \epsilon) \\
        b &\leftarrow \mu b + \Delta,\quad \theta \leftarrow \theta - \eta b
            \quad\text{(or } \theta \leftarrow \theta - \eta\Delta
            \text{ without momentum)}

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
    rho : float in [0, 1), default=0.9
        PyTorch calls it ``alpha``.
    epsilon : float > 0, default=1e-7
    momentum : float in [0, 1), default=0.0
    centered : bool, default=False
    variant : {"keras", "torch"}, default="keras"
        Where epsilon and the learning rate enter (see above).

    Notes
    -----
    Defaults: Keras'. To reproduce

    - PyTorch ``torch.optim.RMSprop(lr, alpha, eps, momentum, centered)``
      (defaults ``lr=0.01, alpha=0.99, eps=1e-8``):
      ``RMSprop(lr, rho=alpha, epsilon=eps, momentum=momentum, centered=centered,
      variant="torch")``;
    - Keras ``keras.optimizers.RMSprop(learning_rate, rho, momentum, epsilon,
      centered)``: the same arguments with the default ``variant="keras"``;
    - optax ``rmsprop(lr, decay, eps, centered=c, momentum=mu)`` (``decay=0.9,
      eps=1e-8``): ``RMSprop(lr, rho=decay, epsilon=eps, momentum=mu,
      centered=c)`` (optax's momentum trace holds lr-scaled updates, as Keras').

    References
    ----------
    Hinton, Neural Networks for Machine Learning, lecture 6e; Graves (2013),
    Generating Sequences With Recurrent Neural Networks, arXiv:1308.0850
    (centered).
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho: float = 0.9,
        epsilon: float = 1e-7,
        momentum: float = 0.0,
        centered: bool = False,
        variant: str = "keras",
    ):
        self.learning_rate = learning_rate
        self.rho = rho
        self.epsilon = epsilon
        self.momentum = momentum
        self.centered = centered
        self.variant = variant

    def init(self, params, is_bias=None):
        check_real(self, "rho", self.rho, low=0, high=1, high_open=True)
        check_real(self, "momentum", self.momentum, low=0, high=1, high_open=True)
        check_real(self, "epsilon", self.epsilon, low=0, low_open=True, finite=False)
        check_bool(self, "centered", self.centered)
        check_option(self, "variant", self.variant, VARIANTS)

        def zeros(flag):
            return [np.zeros_like(p) for p in params] if flag else []

        return RMSpropState(
            schedule=init_schedule(self),
            mean_square=zeros(True),
            mean_grad=zeros(self.centered),
            momentum=zeros(self.momentum > 0),
        )

    def _denom(self, state, i):
        s = state.mean_square[i]
        if self.centered:
            s = s - state.mean_grad[i] ** 2
        if self.variant == "keras":
            return np.sqrt(s + self.epsilon)
        return np.sqrt(s) + self.epsilon

    def step_size(self, state, i):
        r"""The per-coordinate factor in front of :math:`g`:
        :math:`\eta / \sqrt{s + \epsilon}` (Keras) or
        :math:`\eta / (\sqrt{s} + \epsilon)` (PyTorch); centered:
        :math:`s - \bar g^2` in place of :math:`s`; divided by :math:`1-\mu` with
        momentum :math:`\mu` (its steady-state step)."""
        step = state.lr / self._denom(state, i)
        return step / (1 - self.momentum) if self.momentum > 0 else step

    def update(self, params, grads, state):
        rho, lr = self.rho, state.lr
        keras = self.variant == "keras"
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
            if keras:
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
            else:
                np.sqrt(denom, out=denom)
                denom += self.epsilon
                if self.momentum > 0:
                    b = state.momentum[i]
                    b *= self.momentum
                    b += g / denom
                    p -= lr * b
                else:
                    p -= lr * g / denom
        return state
