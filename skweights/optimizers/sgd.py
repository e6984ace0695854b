"""Stochastic gradient descent with momentum."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import _fused as fused
from .._validation import check_bool, check_option, check_real
from ._base import Optimizer, ScheduleState, for_chunks, scratch, with_lr
from ._util import VARIANTS, init_schedule
from .schedules import SCHEDULES


@with_lr
class SGDState(NamedTuple):
    schedule: ScheduleState
    velocities: list
    t: int = 0


class SGD(Optimizer):
    r"""SGD with (Nesterov) momentum, in scikit-learn's/Keras' or PyTorch's form.

    For each minibatch gradient :math:`g`, with learning rate :math:`\eta` and
    momentum :math:`\mu`.

    ``variant="keras"`` (default; scikit-learn's ``SGDOptimizer`` and Keras'
    ``SGD``, bit for bit scikit-learn's): the velocity :math:`v` starts at zero and
    holds the learning rate,

    .. math::

        v &\leftarrow \mu v - \eta g \\
        \theta &\leftarrow \theta + v
        \quad\text{or, with Nesterov,}\quad
        \theta \leftarrow \theta + \mu v - \eta g

    ``variant="torch"`` (PyTorch's ``SGD``, optax's ``sgd``): the buffer :math:`b`
    holds gradients only, with dampening :math:`\tau`,

    .. math::

        b &\leftarrow g \ \text{(first step)}, \quad
        b \leftarrow \mu b + (1 - \tau) g \ \text{(later steps)} \\
        d &= g + \mu b \ \text{(Nesterov)}, \quad d = b \ \text{(classical)} \\
        \theta &\leftarrow \theta - \eta d

    For a constant learning rate and no dampening the two forms give the same
    trajectory (up to rounding); they differ as soon as the learning rate changes
    (a schedule), since the Keras velocity remembers the old rates.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
        A number, or a schedule such as ``InvScaling(0.01, power_t=0.5)``.
    momentum : float in [0, 1], default=0.9
    nesterov : bool, default=True
    variant : {"keras", "torch"}, default="keras"
        Where the learning rate enters the momentum (see above).
    dampening : float in [0, 1], default=0.0
        PyTorch's dampening; only with ``variant="torch"`` and ``nesterov=False``
        (PyTorch refuses Nesterov with dampening).

    Notes
    -----
    Defaults: scikit-learn's (``learning_rate_init=0.001, momentum=0.9,
    nesterovs_momentum=True``). To reproduce

    - PyTorch ``torch.optim.SGD(lr, momentum=mu, dampening=tau, nesterov=n)``:
      ``SGD(lr, momentum=mu, nesterov=n, variant="torch", dampening=tau)``
      (PyTorch's defaults are ``lr=0.001, momentum=0, nesterov=False``);
    - Keras ``keras.optimizers.SGD(learning_rate, momentum, nesterov)``:
      ``SGD(learning_rate, momentum, nesterov)`` (Keras' defaults are
      ``learning_rate=0.01, momentum=0, nesterov=False``);
    - optax ``sgd(lr, momentum=mu, nesterov=n)``:
      ``SGD(lr, momentum=mu, nesterov=n, variant="torch")``.

    Neither form couples a weight decay here: use a penalty (``alpha``) instead.

    References
    ----------
    Sutskever, Martens, Dahl & Hinton (2013), On the importance of initialization
    and momentum in deep learning, ICML. PyTorch ``torch.optim.SGD``; Keras
    ``keras.optimizers.SGD``.

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

    def __init__(
        self,
        learning_rate=0.001,
        momentum: float = 0.9,
        nesterov=True,
        variant: str = "keras",
        dampening: float = 0.0,
    ):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.variant = variant
        self.dampening = dampening

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
        check_real(self, "momentum", self.momentum, low=0, high=1)
        check_bool(self, "nesterov", self.nesterov)
        check_option(self, "variant", self.variant, VARIANTS)
        check_real(self, "dampening", self.dampening, low=0, high=1)
        if self.dampening and self.variant != "torch":
            raise ValueError(
                f"{type(self).__name__} dampening applies only to variant='torch'; "
                f"got dampening={self.dampening!r} with variant={self.variant!r}."
            )
        if self.dampening and self.nesterov:
            raise ValueError(
                f"{type(self).__name__} dampening must be 0 with nesterov=True "
                f"(as in PyTorch); got dampening={self.dampening!r}."
            )
        return SGDState(
            schedule=init_schedule(self),
            velocities=[np.zeros_like(p) for p in params],
            t=0,
        )

    def step_size(self, state, i):
        """:math:`\\eta/(1-\\mu)`: the steady-state step of (Nesterov) momentum."""
        mu = self.momentum
        return state.lr / (1 - mu) if 0 < mu < 1 else state.lr

    def update(self, params, grads, state):
        # Python floats: in float32 each operation is then a float32 one.
        lr, mu = float(state.lr), float(self.momentum)
        if self.variant == "keras":
            nesterov = bool(self.nesterov)

            def step_chunk(p, g, v):
                lr_g = np.multiply(g, lr, out=scratch(p, 0))
                v *= mu
                v -= lr_g
                if nesterov:
                    step = np.multiply(v, mu, out=scratch(p, 1))
                    step -= lr_g
                    p += step
                else:
                    p += v

            # The compiled loop does the same operations in one pass (the same
            # values bit for bit).
            for arrays in zip(params, grads, state.velocities, strict=True):
                if not fused.run("sgd", *arrays, lr, mu, nesterov):
                    for_chunks(step_chunk, *arrays)
            return state._replace(t=state.t + 1)
        first = state.t == 0
        for p, g, b in zip(params, grads, state.velocities, strict=True):
            if mu == 0:
                p -= lr * g
                continue
            if first:
                b[...] = g
            else:
                b *= mu
                b += (1 - self.dampening) * g
            d = g + mu * b if self.nesterov else b
            p -= lr * d
        return state._replace(t=state.t + 1)
