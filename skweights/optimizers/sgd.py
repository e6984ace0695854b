"""Stochastic gradient descent with momentum."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import Optimizer, ScheduleState, check_unit_interval, with_lr
from .schedules import SCHEDULES


@with_lr
class SGDState(NamedTuple):
    schedule: ScheduleState
    velocities: list


class SGD(Optimizer):
    r"""SGD with (Nesterov) momentum, in scikit-learn's and Keras' form.

    For each minibatch gradient :math:`g`, with learning rate :math:`\eta` and
    momentum :math:`\mu` (velocities start at zero):

    .. math::

        v &\leftarrow \mu v - \eta g \\
        \theta &\leftarrow \theta + v
        \quad\text{or, with Nesterov,}\quad
        \theta \leftarrow \theta + \mu v - \eta g

    The velocity holds :math:`\eta g`, so when the learning rate changes the
    trajectory differs from PyTorch's form (:math:`b \leftarrow \mu b + g`,
    :math:`\theta \leftarrow \theta - \eta b`); for a constant rate they coincide.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
        A number, or a schedule such as ``InvScaling(0.01, power_t=0.5)``.
    momentum : float in [0, 1], default=0.9
    nesterov : bool, default=True

    References
    ----------
    Sutskever, Martens, Dahl & Hinton (2013), On the importance of initialization
    and momentum in deep learning, ICML.

    Examples
    --------
    >>> import numpy as np
    >>> opt = SGD(learning_rate=0.1, momentum=0.0)
    >>> w = [np.array([1.0])]
    >>> state = opt.update(w, [np.array([2.0])], opt.init(w))
    >>> float(w[0][0])
    0.8
    """

    sklearn_params = {
        "learning_rate_init": "learning_rate",
        "momentum": "momentum",
        "nesterovs_momentum": "nesterov",
    }

    def __init__(self, learning_rate=0.001, momentum: float = 0.9, nesterov=True):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov

    @classmethod
    def from_estimator_params(cls, params):
        opt = super().from_estimator_params(params)
        schedule = SCHEDULES[params["learning_rate"]]
        if params["learning_rate"] == "invscaling":
            opt.learning_rate = schedule(
                params["learning_rate_init"], params["power_t"]
            )
        else:
            opt.learning_rate = schedule(params["learning_rate_init"])
        return opt

    def init(self, params, is_bias=None):
        check_unit_interval(self, "momentum", self.momentum, closed_right=True)
        return SGDState(
            schedule=self.schedule().init(),
            velocities=[np.zeros_like(p) for p in params],
        )

    def update(self, params, grads, state):
        lr, mu = state.lr, self.momentum
        for p, g, v in zip(params, grads, state.velocities, strict=True):
            v *= mu
            v -= lr * g
            if self.nesterov:
                p += mu * v - lr * g
            else:
                p += v
        return state
