"""NAdam: Adam with Nesterov momentum (Dozat)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_real
from ._base import Optimizer, ScheduleState, with_lr
from ._util import init_schedule


@with_lr
class NAdamState(NamedTuple):
    schedule: ScheduleState
    t: int
    mu_product: float
    m: list
    v: list


class NAdam(Optimizer):
    r"""NAdam: Adam with Nesterov momentum and Dozat's momentum schedule.

    For step :math:`t = 1, 2, \dots` with gradient :math:`g` and momentum decay
    :math:`\psi`:

    .. math::

        \mu_t &= \beta_1\,(1 - \tfrac12\, 0.96^{t\psi}), \qquad
        \Pi_t = \textstyle\prod_{s \le t} \mu_s \\
        m &\leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2 \\
        d &= \sqrt{v / (1 - \beta_2^t)} + \epsilon \\
        \theta &\leftarrow \theta
            - \eta\,\frac{1 - \mu_t}{1 - \Pi_t}\,\frac{g}{d}
            - \eta\,\frac{\mu_{t+1}}{1 - \Pi_t\,\mu_{t+1}}\,\frac{m}{d}

    This is PyTorch's ``NAdam`` and, with another :math:`\psi`, Keras' ``Nadam``.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
        PyTorch's default is 0.002, Keras' 0.001.
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    epsilon : float > 0, default=1e-8
        PyTorch's; Keras' default is 1e-7.
    momentum_decay : float >= 0 or inf, default=0.004
        :math:`\psi`. 0.004 is Dozat's :math:`0.96^{t/250}` schedule and PyTorch's
        default; the schedule approaches :math:`\beta_1` over thousands of steps.

    Notes
    -----
    The three frameworks' NAdams differ only in :math:`\psi`:

    - PyTorch ``torch.optim.NAdam(lr, betas=(b1, b2), eps, momentum_decay=psi)``:
      ``NAdam(lr, b1, b2, eps, momentum_decay=psi)``;
    - Keras 3 ``keras.optimizers.Nadam(learning_rate, beta_1, beta_2, epsilon)``
      uses :math:`\mu_t = \beta_1(1 - \tfrac12\,0.96^{t})`, that is
      ``momentum_decay=1.0`` (older tf.keras used :math:`0.96^{0.004t}`, the
      default here);
    - optax ``nadam(lr, b1, b2, eps)`` has no momentum schedule
      (:math:`\mu_t = \beta_1`): ``momentum_decay=float("inf")``.

    References
    ----------
    Dozat (2016), Incorporating Nesterov Momentum into Adam, ICLR workshop.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        momentum_decay: float = 0.004,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.momentum_decay = momentum_decay

    def init(self, params, is_bias=None):
        check_real(self, "beta_1", self.beta_1, low=0, high=1, high_open=True)
        check_real(self, "beta_2", self.beta_2, low=0, high=1, high_open=True)
        check_real(self, "epsilon", self.epsilon, low=0, low_open=True, finite=False)
        check_real(self, "momentum_decay", self.momentum_decay, low=0, finite=False)
        return NAdamState(
            schedule=init_schedule(self),
            t=0,
            mu_product=1.0,
            m=[np.zeros_like(p) for p in params],
            v=[np.zeros_like(p) for p in params],
        )

    def _mu(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** (t * float(self.momentum_decay)))

    def _denom(self, state, v):
        denom = np.sqrt(v / (1 - self.beta_2**state.t))
        denom += self.epsilon
        return denom

    def step_size(self, state, i):
        r""":math:`\eta / d`, per coordinate: the factor in front of the
        bias-corrected Nesterov direction."""
        if state.t == 0:
            return state.lr / (np.sqrt(state.v[i]) + self.epsilon)
        return state.lr / self._denom(state, state.v[i])

    def update(self, params, grads, state):
        t = state.t + 1
        b1, b2, lr = self.beta_1, self.beta_2, state.lr
        mu, mu_next = self._mu(t), self._mu(t + 1)
        mu_product = state.mu_product * mu
        c_g = lr * (1 - mu) / (1 - mu_product)
        c_m = lr * mu_next / (1 - mu_product * mu_next)
        state = state._replace(t=t, mu_product=mu_product)
        for p, g, m, v in zip(params, grads, state.m, state.v, strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            denom = self._denom(state, v)
            p -= c_g * g / denom
            p -= c_m * m / denom
        return state
