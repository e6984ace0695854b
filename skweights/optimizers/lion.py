"""Lion: sign momentum."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_real
from ._base import Optimizer, ScheduleState, with_lr
from ._util import decay_mask, decay_weights, init_schedule


@with_lr
class LionState(NamedTuple):
    schedule: ScheduleState
    m: list
    decay: list


class Lion(Optimizer):
    r"""Lion (EvoLved Sign Momentum), with decoupled weight decay.

    With gradient :math:`g` (:math:`m` starts at zero) and weight decay
    :math:`\lambda`:

    .. math::

        \theta &\leftarrow \theta\,(1 - \eta\lambda)
            \quad\text{(decayed parameters only)} \\
        \theta &\leftarrow \theta - \eta\,\operatorname{sign}(\beta_1 m
            + (1 - \beta_1) g) \\
        m &\leftarrow \beta_2 m + (1 - \beta_2) g

    Every coordinate moves by exactly :math:`\eta` per step, so Lion wants a
    learning rate 3 to 10 times smaller than AdamW's and a weight decay that much
    larger (Chen et al.).

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.99
    weight_decay : float >= 0, default=0.0
        :math:`\lambda` (decoupled, as in AdamW).
    decay_biases : bool, default=False
        Also decay the intercepts (Keras and optax decay every parameter).

    Notes
    -----
    Defaults: Keras'. PyTorch has no Lion. To reproduce

    - Keras ``keras.optimizers.Lion(learning_rate, beta_1, beta_2,
      weight_decay=wd)``: ``Lion(learning_rate, beta_1, beta_2, wd,
      decay_biases=True)``;
    - optax ``lion(lr, b1, b2, weight_decay=wd)`` (default ``wd=1e-3``):
      ``Lion(lr, b1, b2, wd, decay_biases=True)`` (optax adds
      :math:`\eta\lambda\theta` to the update: the same step).

    References
    ----------
    Chen et al. (2023), Symbolic Discovery of Optimization Algorithms,
    arXiv:2302.06675.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.99,
        weight_decay: float = 0.0,
        decay_biases: bool = False,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.weight_decay = weight_decay
        self.decay_biases = decay_biases

    def init(self, params, is_bias=None):
        check_real(self, "beta_1", self.beta_1, low=0, high=1, high_open=True)
        check_real(self, "beta_2", self.beta_2, low=0, high=1, high_open=True)
        check_real(self, "weight_decay", self.weight_decay, low=0)
        return LionState(
            schedule=init_schedule(self),
            m=[np.zeros_like(p) for p in params],
            decay=decay_mask(self, params, is_bias, self.decay_biases),
        )

    def update(self, params, grads, state):
        lr, b1, b2 = state.lr, self.beta_1, self.beta_2
        decay_weights(params, state.decay, lr, self.weight_decay)
        for p, g, m in zip(params, grads, state.m, strict=True):
            c = b1 * m
            c += (1 - b1) * g
            p -= lr * np.sign(c)
            m *= b2
            m += (1 - b2) * g
        return state
