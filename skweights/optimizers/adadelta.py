"""Adadelta."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_real
from ._base import Optimizer, ScheduleState, with_lr
from ._util import init_schedule


@with_lr
class AdadeltaState(NamedTuple):
    schedule: ScheduleState
    square_avg: list
    delta_avg: list
    scale: list


class Adadelta(Optimizer):
    r"""Adadelta: steps in units of the parameters (Zeiler).

    With gradient :math:`g` (averages start at zero):

    .. math::

        E_g &\leftarrow \rho E_g + (1 - \rho) g^2 \\
        \Delta &= \frac{\sqrt{E_\Delta + \epsilon}}{\sqrt{E_g + \epsilon}}\, g \\
        E_\Delta &\leftarrow \rho E_\Delta + (1 - \rho) \Delta^2 \\
        \theta &\leftarrow \theta - \eta \Delta

    :math:`E_\Delta` accumulates the step before the learning rate scales it.
    PyTorch, Keras and optax compute exactly this; only their defaults differ.

    Parameters
    ----------
    learning_rate : float or Schedule, default=1.0
        Zeiler's method has no learning rate, i.e. 1.0 (PyTorch's default).
        Keras' default is 0.001, which makes it about 1000 times slower. Note that
        ``MLPClassifier(optimizer="adadelta")`` takes the estimator's
        ``learning_rate_init`` (0.001 by default): pass ``learning_rate_init=1.0``
        or ``optimizer=Adadelta()`` for Zeiler's method.
    rho : float in [0, 1), default=0.9
        PyTorch's and optax's; Keras' (and the paper's experiments) use 0.95.
    epsilon : float > 0, default=1e-6
        PyTorch's, optax's and the paper's; Keras' default is 1e-7.

    Notes
    -----
    To reproduce

    - PyTorch ``torch.optim.Adadelta(lr, rho, eps)``: ``Adadelta(lr, rho, eps)``
      (the defaults are PyTorch's);
    - Keras ``keras.optimizers.Adadelta(learning_rate, rho, epsilon)``: the same
      arguments (Keras' defaults: ``Adadelta(0.001, 0.95, 1e-7)``);
    - optax ``adadelta(learning_rate, rho, eps)``: the same arguments. optax's
      default ``learning_rate=None`` leaves the update unscaled *and unnegated*
      (an ascent step); that pitfall does not exist here, where
      ``learning_rate`` is always a positive number and the step always descends.

    References
    ----------
    Zeiler (2012), ADADELTA: An Adaptive Learning Rate Method, arXiv:1212.5701.
    """

    def __init__(self, learning_rate=1.0, rho: float = 0.9, epsilon: float = 1e-6):
        self.learning_rate = learning_rate
        self.rho = rho
        self.epsilon = epsilon

    def init(self, params, is_bias=None):
        check_real(self, "rho", self.rho, low=0, high=1, high_open=True)
        check_real(self, "epsilon", self.epsilon, low=0, low_open=True, finite=False)
        return AdadeltaState(
            schedule=init_schedule(self),
            square_avg=[np.zeros_like(p) for p in params],
            delta_avg=[np.zeros_like(p) for p in params],
            scale=[np.zeros_like(p) for p in params],
        )

    def step_size(self, state, i):
        r""":math:`\eta\sqrt{E_\Delta + \epsilon}/\sqrt{E_g + \epsilon}` of the last
        step (with :math:`E_\Delta` before that step's update), per coordinate."""
        return state.lr * state.scale[i]

    def update(self, params, grads, state):
        rho, eps, lr = self.rho, self.epsilon, state.lr
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            eg, ed, scale = state.square_avg[i], state.delta_avg[i], state.scale[i]
            eg *= rho
            eg += (1 - rho) * (g * g)
            np.sqrt(ed + eps, out=scale)
            scale /= np.sqrt(eg + eps)
            delta = scale * g
            ed *= rho
            ed += (1 - rho) * (delta * delta)
            p -= lr * delta
        return state
