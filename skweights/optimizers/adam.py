"""Adam."""

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
class AdamState(NamedTuple):
    schedule: ScheduleState
    t: int
    m: list
    v: list


class Adam(Optimizer):
    r"""Adam in the "efficient" form of Kingma & Ba, as scikit-learn and Keras.

    For step :math:`t = 1, 2, \dots` with gradient :math:`g`:

    .. math::

        m &\leftarrow \beta_1 m + (1 - \beta_1) g \\
        v &\leftarrow \beta_2 v + (1 - \beta_2) g^2 \\
        \eta_t &= \eta \sqrt{1 - \beta_2^t} / (1 - \beta_1^t) \\
        \theta &\leftarrow \theta - \eta_t\, m / (\sqrt v + \epsilon)

    :math:`\epsilon` is added outside the bias correction ("epsilon hat"); PyTorch
    adds it after bias-correcting :math:`v`, which matters only for large
    :math:`\epsilon`.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    epsilon : float > 0, default=1e-8

    References
    ----------
    Kingma & Ba (2014), Adam: A Method for Stochastic Optimization, arXiv:1412.6980.
    """

    sklearn_params = {
        "learning_rate_init": "learning_rate",
        "beta_1": "beta_1",
        "beta_2": "beta_2",
        "epsilon": "epsilon",
    }

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def init(self, params, is_bias=None):
        check_unit_interval(self, "beta_1", self.beta_1)
        check_unit_interval(self, "beta_2", self.beta_2)
        check_positive(self, "epsilon", self.epsilon)
        return AdamState(
            schedule=self.schedule().init(),
            t=0,
            m=[np.zeros_like(p) for p in params],
            v=[np.zeros_like(p) for p in params],
        )

    def step_size(self, state, i):
        """:math:`\\eta_t / (\\sqrt{v} + \\epsilon)`, per coordinate."""
        t = max(state.t, 1)
        lr_t = state.lr * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        return lr_t / (np.sqrt(state.v[i]) + self.epsilon)

    def update(self, params, grads, state):
        t = state.t + 1
        b1, b2 = self.beta_1, self.beta_2
        lr_t = state.lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        for p, g, m, v in zip(params, grads, state.m, state.v, strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            denom = np.sqrt(v)
            denom += self.epsilon
            p += -lr_t * m / denom
        return state._replace(t=t)
