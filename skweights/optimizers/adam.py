"""Adam, AMSGrad and AdamW."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import _fused as fused
from .._validation import check_bool, check_option, check_real
from ._base import Optimizer, ScheduleState, for_chunks, scratch, with_lr
from ._util import (
    VARIANTS,
    decay_mask,
    decay_weights,
    init_schedule,
)


@with_lr
class AdamState(NamedTuple):
    schedule: ScheduleState
    t: int
    m: list
    v: list
    v_max: list


@with_lr
class AdamWState(NamedTuple):
    schedule: ScheduleState
    t: int
    m: list
    v: list
    v_max: list
    decay: list


class Adam(Optimizer):
    r"""Adam (and AMSGrad), with Keras'/scikit-learn's or PyTorch's epsilon.

    For step :math:`t = 1, 2, \dots` with gradient :math:`g` (moments start at
    zero):

    .. math::

        m &\leftarrow \beta_1 m + (1 - \beta_1) g \\
        v &\leftarrow \beta_2 v + (1 - \beta_2) g^2 \\
        \hat v &\leftarrow \max(\hat v, v) \ \text{(AMSGrad; else } \hat v = v)

    ``variant="keras"`` (default; the "efficient" form of Kingma & Ba's section 2,
    with :math:`\epsilon` being their "epsilon hat", as scikit-learn and Keras;
    bit for bit scikit-learn's ``AdamOptimizer``):

    .. math::

        \eta_t = \eta \sqrt{1 - \beta_2^t} / (1 - \beta_1^t), \qquad
        \theta \leftarrow \theta - \eta_t\, m / (\sqrt{\hat v} + \epsilon)

    ``variant="torch"`` (Algorithm 1 of Kingma & Ba; PyTorch and optax), epsilon
    added after bias-correcting :math:`v`:

    .. math::

        \theta \leftarrow \theta - \frac{\eta}{1 - \beta_1^t}\,
        \frac{m}{\sqrt{\hat v} / \sqrt{1 - \beta_2^t} + \epsilon}

    The two are the same algorithm with :math:`\epsilon_\text{torch} =
    \epsilon_\text{keras} / \sqrt{1 - \beta_2^t}`; they differ visibly only for a
    large :math:`\epsilon`. AMSGrad takes the running maximum of the *uncorrected*
    :math:`v` in both PyTorch and Keras, so ``amsgrad`` combines with either
    variant.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    epsilon : float > 0, default=1e-8
    amsgrad : bool, default=False
        Use the running maximum :math:`\hat v` of :math:`v` (Reddi et al.).
    variant : {"keras", "torch"}, default="keras"
        Where epsilon enters (see above).

    Notes
    -----
    Defaults: scikit-learn's (and PyTorch's and optax's). To reproduce

    - PyTorch ``torch.optim.Adam(lr, betas=(b1, b2), eps, amsgrad)``:
      ``Adam(lr, b1, b2, eps, amsgrad, variant="torch")``;
    - Keras ``keras.optimizers.Adam(learning_rate, beta_1, beta_2, epsilon,
      amsgrad)``: the same arguments with the default ``variant="keras"``; Keras'
      default ``epsilon`` is 1e-7;
    - optax ``adam(lr, b1, b2, eps)``: ``Adam(lr, b1, b2, eps, variant="torch")``.

    References
    ----------
    Kingma & Ba (2014), Adam: A Method for Stochastic Optimization,
    arXiv:1412.6980. Reddi, Kale & Kumar (2018), On the Convergence of Adam and
    Beyond, ICLR (AMSGrad).
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
        amsgrad: bool = False,
        variant: str = "keras",
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        self.variant = variant

    def init(self, params, is_bias=None):
        check_real(self, "beta_1", self.beta_1, low=0, high=1, high_open=True)
        check_real(self, "beta_2", self.beta_2, low=0, high=1, high_open=True)
        check_real(self, "epsilon", self.epsilon, low=0, low_open=True, finite=False)
        check_bool(self, "amsgrad", self.amsgrad)
        check_option(self, "variant", self.variant, VARIANTS)
        return AdamState(
            schedule=init_schedule(self),
            t=0,
            m=[np.zeros_like(p) for p in params],
            v=[np.zeros_like(p) for p in params],
            v_max=[np.zeros_like(p) for p in params] if self.amsgrad else [],
        )

    def step_size(self, state, i):
        r"""The per-coordinate factor in front of the bias-corrected
        :math:`\hat m = m/(1-\beta_1^t)` in the last step.

        :math:`\eta \sqrt{1-\beta_2^t} / (\sqrt{v} + \epsilon)` (Keras variant), or
        :math:`\eta / (\sqrt{v/(1 - \beta_2^t)} + \epsilon)` (PyTorch variant).
        """
        t = max(state.t, 1)
        v = state.v_max[i] if self.amsgrad else state.v[i]
        if self.variant == "keras":
            return state.lr * np.sqrt(1 - self.beta_2**t) / (np.sqrt(v) + self.epsilon)
        return state.lr / (np.sqrt(v) / np.sqrt(1 - self.beta_2**t) + self.epsilon)

    def update(self, params, grads, state):
        step = self._step(state)
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            self._update_array(step, state, i, p, g)
        return state._replace(t=step[0])

    def update_scaled(self, params, grads, state, factor, s, parts, sums):
        """:meth:`update` with the first gradient, the weights', first scaled to
        ``(grads[0] + factor * params[0]) / s`` (``factor`` 0: ``grads[0] / s``)
        and the squares of the scaled gradient added to ``sums[i]`` over each
        ``(i, start, stop)`` of ``parts``: the training loop's gradient scaling
        and history done in the step's own compiled pass, the same steps bit for
        bit. Returns the new state, or None (nothing done: the caller scales and
        calls :meth:`update`) when the compiled loop is not there or declines."""
        if type(self).update is not _ADAM_UPDATE:
            return None  # another step (AdamW's decay first, or a replaced one)
        step = self._step(state)
        t, b1, b2, eps, keras, bc2_sqrt, scale = step
        arrays = (params[0], grads[0], state.m[0], state.v[0])
        arrays += (state.v_max[0] if self.amsgrad else None,)
        constants = (b1, 1 - b1, b2, 1 - b2, scale, eps, not keras, bc2_sqrt)
        if not fused.run("adam_scaled", *arrays, *constants, factor, s, parts, sums):
            return None
        for i in range(1, len(params)):
            self._update_array(step, state, i, params[i], grads[i])
        return state._replace(t=t)

    def _step(self, state):
        """The step's number and constants, as Python floats (in float32 each
        operation is then a float32 one)."""
        t = state.t + 1
        b1, b2, eps = float(self.beta_1), float(self.beta_2), float(self.epsilon)
        keras = self.variant == "keras"
        bc2_sqrt = math.sqrt(1 - b2**t)
        if keras:
            scale = -(float(state.lr) * bc2_sqrt / (1 - b1**t))
        else:
            scale = -(float(state.lr) / (1 - b1**t))
        return t, b1, b2, eps, keras, bc2_sqrt, scale

    def _update_array(self, step, state, i, p, g):
        _, b1, b2, eps, keras, bc2_sqrt, scale = step

        # In place, chunk by chunk through two scratch arrays (cache-sized); the
        # same operations, in the same order, as the docstring's equations, and
        # as the compiled loop's (one pass, the same values bit for bit).
        def step_chunk(p_, g_, m, v, vm):
            tmp, step_ = scratch(p_, 0), scratch(p_, 1)
            m *= b1
            np.multiply(g_, 1 - b1, out=tmp)
            m += tmp
            v *= b2
            np.multiply(g_, g_, out=tmp)
            tmp *= 1 - b2
            v += tmp
            if vm is not None:
                np.maximum(vm, v, out=vm)
                v = vm
            denom = np.sqrt(v, out=tmp)
            if not keras:
                denom /= bc2_sqrt
            denom += eps
            np.multiply(m, scale, out=step_)
            step_ /= denom
            p_ += step_

        arrays = (p, g, state.m[i], state.v[i])
        arrays += (state.v_max[i] if self.amsgrad else None,)
        if not fused.run(
            "adam", *arrays, b1, 1 - b1, b2, 1 - b2, scale, eps, not keras, bc2_sqrt
        ):
            for_chunks(step_chunk, *arrays)


#: Adam's own step: what update_scaled fuses
_ADAM_UPDATE = Adam.update


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter).

    Before each Adam step (see :class:`Adam`, whose update follows unchanged), the
    decayed parameters shrink by the current learning rate :math:`\eta` times the
    weight decay :math:`\lambda`:

    .. math::

        \theta \leftarrow \theta\,(1 - \eta\lambda)

    as PyTorch's ``AdamW`` and Keras' ``weight_decay`` do (Loshchilov & Hutter
    multiply :math:`\lambda` by the schedule multiplier only; with a constant rate
    that is a rescaling of :math:`\lambda`). optax's ``adamw`` adds
    :math:`\eta\lambda\theta` to the update, the same step.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    epsilon : float > 0, default=1e-8
    weight_decay : float >= 0, default=0.01
        :math:`\lambda`, PyTorch's default (Keras uses 0.004, optax 1e-4).
    amsgrad : bool, default=False
    variant : {"keras", "torch"}, default="keras"
        Epsilon placement, as in :class:`Adam`. The Keras form is the default of
        every optimizer here, so that ``AdamW(weight_decay=0)`` is ``Adam()``;
        the difference from PyTorch's placement is of the order of epsilon.
    decay_biases : bool, default=False
        Also decay the intercepts. PyTorch, Keras and optax decay every parameter
        unless told otherwise (parameter groups, ``exclude_from_weight_decay``, a
        mask); skweights leaves biases alone by default, as its penalties do.

    Notes
    -----
    The estimator marks the intercepts (``init(params, is_bias)``); without
    ``is_bias`` every array is decayed. To reproduce

    - PyTorch ``torch.optim.AdamW(lr, betas=(b1, b2), eps, weight_decay=wd)``:
      ``AdamW(lr, b1, b2, eps, wd, variant="torch", decay_biases=True)``;
    - Keras ``keras.optimizers.AdamW(learning_rate, weight_decay=wd, beta_1,
      beta_2, epsilon)`` (defaults ``weight_decay=0.004, epsilon=1e-7``):
      ``AdamW(learning_rate, beta_1, beta_2, epsilon, wd, decay_biases=True)``;
    - optax ``adamw(lr, b1, b2, eps, weight_decay=wd)`` (default ``wd=1e-4``):
      ``AdamW(lr, b1, b2, eps, wd, variant="torch", decay_biases=True)``.

    References
    ----------
    Loshchilov & Hutter (2019), Decoupled Weight Decay Regularization, ICLR.
    """

    sklearn_params = {"learning_rate_init": "learning_rate"}

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        weight_decay: float = 0.01,
        amsgrad: bool = False,
        variant: str = "keras",
        decay_biases: bool = False,
    ):
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            variant=variant,
        )
        self.weight_decay = weight_decay
        self.decay_biases = decay_biases

    def init(self, params, is_bias=None):
        state = super().init(params)
        check_real(self, "weight_decay", self.weight_decay, low=0)
        decay = decay_mask(self, params, is_bias, self.decay_biases)
        return AdamWState(*state, decay=decay)

    def update(self, params, grads, state):
        decay_weights(params, state.decay, state.lr, self.weight_decay)
        return super().update(params, grads, state)
