"""Adamax: Adam with the infinity norm."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_option, check_real
from ._base import Optimizer, ScheduleState, with_lr
from ._util import VARIANTS, init_schedule


@with_lr
class AdamaxState(NamedTuple):
    schedule: ScheduleState
    t: int
    m: list
    u: list


class Adamax(Optimizer):
    r"""Adamax, the infinity-norm variant of Adam (Kingma & Ba, section 7).

    For step :math:`t = 1, 2, \dots` with gradient :math:`g` (:math:`m, u` start
    at zero):

    .. math::

        m \leftarrow \beta_1 m + (1 - \beta_1) g

    ``variant="keras"`` (default; Keras), epsilon outside the maximum:

    .. math::

        u \leftarrow \max(\beta_2 u, |g|), \qquad
        \theta \leftarrow \theta - \frac{\eta\, m}{(1 - \beta_1^t)(u + \epsilon)}

    ``variant="torch"`` (PyTorch, optax), epsilon inside the maximum:

    .. math::

        u \leftarrow \max(\beta_2 u, |g| + \epsilon), \qquad
        \theta \leftarrow \theta - \frac{\eta}{1 - \beta_1^t}\,\frac{m}{u}

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
        Keras' default; the paper and PyTorch use 0.002.
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    epsilon : float > 0, default=1e-8
        PyTorch's and optax's; Keras' default is 1e-7.
    variant : {"keras", "torch"}, default="keras"
        Where epsilon enters (see above).

    Notes
    -----
    To reproduce

    - PyTorch ``torch.optim.Adamax(lr, betas=(b1, b2), eps)`` (defaults
      ``lr=0.002, eps=1e-8``): ``Adamax(lr, b1, b2, eps, variant="torch")``;
    - Keras ``keras.optimizers.Adamax(learning_rate, beta_1, beta_2, epsilon)``
      (default ``epsilon=1e-7``): the same arguments, ``variant="keras"``;
    - optax ``adamax(lr, b1, b2, eps)``: ``Adamax(lr, b1, b2, eps,
      variant="torch")``.

    References
    ----------
    Kingma & Ba (2014), Adam: A Method for Stochastic Optimization,
    arXiv:1412.6980, section 7.1.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        variant: str = "keras",
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.variant = variant

    def init(self, params, is_bias=None):
        check_real(self, "beta_1", self.beta_1, low=0, high=1, high_open=True)
        check_real(self, "beta_2", self.beta_2, low=0, high=1, high_open=True)
        check_real(self, "epsilon", self.epsilon, low=0, low_open=True, finite=False)
        check_option(self, "variant", self.variant, VARIANTS)
        return AdamaxState(
            schedule=init_schedule(self),
            t=0,
            m=[np.zeros_like(p) for p in params],
            u=[np.zeros_like(p) for p in params],
        )

    def step_size(self, state, i):
        r"""The per-coordinate factor in front of the bias-corrected
        :math:`m/(1-\beta_1^t)` in the last step: :math:`\eta / (u + \epsilon)`
        (Keras) or :math:`\eta / u` (PyTorch)."""
        step = state.lr
        u = state.u[i]
        if self.variant == "keras":
            return step / (u + self.epsilon)
        return step / np.maximum(u, self.epsilon)

    def update(self, params, grads, state):
        t = state.t + 1
        b1, b2 = self.beta_1, self.beta_2
        step = state.lr / (1 - b1**t)
        keras = self.variant == "keras"
        for p, g, m, u in zip(params, grads, state.m, state.u, strict=True):
            m *= b1
            m += (1 - b1) * g
            u *= b2
            a = np.abs(g)
            if keras:
                np.maximum(u, a, out=u)
                p -= step * m / (u + self.epsilon)
            else:
                a += self.epsilon
                np.maximum(u, a, out=u)
                p -= step * m / u
        return state._replace(t=t)
