r"""Learning-rate schedules, stepped once per epoch as in scikit-learn and PyTorch.

A schedule is a hyperparameter container (a :class:`~skweights._component.Component`)
passed as the ``learning_rate`` of an optimizer, for example
``SGD(learning_rate=StepDecay(0.1, step_size=30))``. Its state, a
:class:`~skweights.optimizers.ScheduleState`, belongs to the estimator.

Throughout, :math:`\eta_0` is ``learning_rate`` and :math:`e` the number of
completed epochs: :math:`\eta(0)` is the rate of the first epoch (returned by
``init``) and :math:`\eta(e)` the rate of epoch :math:`e + 1` (returned by
``after_epoch(..., epoch=e)``). This is PyTorch's ``lr_scheduler`` convention, in
which ``scheduler.step()`` is called at the end of every epoch; the closed forms
below are those of PyTorch's ``_get_closed_form_lr``. Keras and optax index their
schedules by optimizer step (minibatch) instead; each class documents the
equivalent per-step schedule.
"""

from __future__ import annotations

from bisect import bisect_right
from math import cos, pi

from .._component import resolve
from .._validation import check_int, check_option, check_real
from ._base import Schedule

__all__ = [
    "Constant",
    "InvScaling",
    "Adaptive",
    "StepDecay",
    "MultiStepDecay",
    "ExponentialDecay",
    "CosineDecay",
    "ReduceLROnPlateau",
    "SCHEDULES",
    "get",
]


# ------------------------------------------------------------ scikit-learn ones
class Constant(Schedule):
    r"""The same learning rate throughout: scikit-learn's ``learning_rate="constant"``.

    :math:`\eta(e) = \eta_0`.

    Parameters
    ----------
    learning_rate : float, default=0.001
        :math:`\eta_0`.

    Examples
    --------
    >>> Constant(0.01).init().lr
    0.01
    """

    def __init__(self, learning_rate: float = 0.001):
        self.learning_rate = learning_rate


class InvScaling(Schedule):
    r"""scikit-learn's ``learning_rate="invscaling"``.

    After each epoch, :math:`\eta = \eta_0 / (t + 1)^{p}` with :math:`t` the number
    of training samples seen so far (``t_``; with sample weights, their sum, so that
    a weight of 2 acts as two copies of a sample). The first epoch therefore runs at
    :math:`\eta_0`, and after :math:`e` epochs over :math:`n` samples
    :math:`\eta(e) = \eta_0/(en + 1)^p`, exactly as scikit-learn.

    Parameters
    ----------
    learning_rate : float, default=0.001
        :math:`\eta_0`.
    power_t : float, default=0.5
        :math:`p \ge 0`.

    Examples
    --------
    >>> sched = InvScaling(0.1, power_t=0.5)
    >>> state = sched.after_epoch(sched.init(), n_samples_seen=99, epoch=1, loss=1.0)
    >>> round(state.lr, 12)
    0.01
    """

    def __init__(self, learning_rate: float = 0.001, power_t: float = 0.5):
        self.learning_rate = learning_rate
        self.power_t = power_t

    def init(self):
        state = super().init()
        check_real(self, "power_t", self.power_t, low=0, finite=False)
        return state

    def after_epoch(self, state, *, n_samples_seen, epoch, loss):
        lr = float(self.learning_rate) / (n_samples_seen + 1) ** self.power_t
        return state._replace(lr=lr)


class Adaptive(Schedule):
    """scikit-learn's ``learning_rate="adaptive"``.

    The learning rate stays constant; each time the stopping criterion fires
    (``n_iter_no_change + 1`` epochs without improvement by ``tol``) it is divided
    by ``1 / factor`` (5 by default) instead of stopping, and training stops once it
    is at most ``min_lr``.

    Parameters
    ----------
    learning_rate : float, default=0.001
    factor : float in (0, 1), default=0.2
    min_lr : float, default=1e-6
        Must be >= 0.

    See Also
    --------
    ReduceLROnPlateau : PyTorch's plateau rule, with its own patience.
    """

    def __init__(
        self, learning_rate: float = 0.001, factor: float = 0.2, min_lr: float = 1e-6
    ):
        self.learning_rate = learning_rate
        self.factor = factor
        self.min_lr = min_lr

    def init(self):
        state = super().init()
        check_real(
            self, "factor", self.factor, low=0, high=1, low_open=True, high_open=True
        )
        check_real(self, "min_lr", self.min_lr, low=0, finite=False)
        return state

    def on_plateau(self, state):
        lr = state.lr
        if lr <= self.min_lr:
            return state, True
        if self.factor == 0.2:
            return state._replace(lr=lr / 5.0), False  # scikit-learn's arithmetic
        return state._replace(lr=lr * self.factor), False


# ----------------------------------------------------------------- epoch-indexed
class _EpochSchedule(Schedule):
    """A schedule given by a closed form :math:`\\eta(e)` of the completed epochs."""

    def _validate(self):
        """Check the parameters other than ``learning_rate``."""

    def lr_at(self, epoch: int) -> float:
        """The learning rate after ``epoch`` completed epochs."""
        raise NotImplementedError

    def init(self):
        state = super().init()
        self._validate()
        return state._replace(lr=self.lr_at(0))

    def after_epoch(self, state, *, n_samples_seen, epoch, loss):
        return state._replace(lr=self.lr_at(epoch))


class StepDecay(_EpochSchedule):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    .. math::

        \eta(e) = \eta_0 \, \gamma^{\lfloor e / s \rfloor}

    with :math:`s` = ``step_size``: the first :math:`s` epochs run at
    :math:`\eta_0`, the next :math:`s` at :math:`\gamma\eta_0`, and so on.

    Parameters
    ----------
    learning_rate : float, default=0.001
        :math:`\eta_0 > 0`.
    step_size : int, default=30
        :math:`s \ge 1`, the number of epochs between two decays.
    gamma : float in (0, 1], default=0.1
        The decay factor.

    Notes
    -----
    PyTorch's ``torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma)``
    stepped once per epoch (its closed form; the chained form multiplies by
    :math:`\gamma` repeatedly and may differ in the last bit). In Keras and optax,
    whose schedules count minibatches, it is
    ``keras.optimizers.schedules.ExponentialDecay(lr, decay_steps=s * B,
    decay_rate=gamma, staircase=True)`` and
    ``optax.exponential_decay(lr, transition_steps=s * B, decay_rate=gamma,
    staircase=True)`` with :math:`B` minibatches per epoch.

    Examples
    --------
    >>> sched = StepDecay(1.0, step_size=3, gamma=0.5)
    >>> [sched.lr_at(e) for e in range(8)]
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(
        self, learning_rate: float = 0.001, step_size: int = 30, gamma: float = 0.1
    ):
        self.learning_rate = learning_rate
        self.step_size = step_size
        self.gamma = gamma

    def _validate(self):
        check_int(self, "step_size", self.step_size, 1)
        check_real(self, "gamma", self.gamma, low=0, high=1, low_open=True)

    def lr_at(self, epoch):
        return float(self.learning_rate) * self.gamma ** (epoch // self.step_size)


class MultiStepDecay(_EpochSchedule):
    r"""Multiply the learning rate by ``gamma`` at each of the ``milestones``.

    .. math::

        \eta(e) = \eta_0 \, \gamma^{\#\{m \in \text{milestones} : m \le e\}}

    that is, the rate is multiplied by :math:`\gamma` after epoch :math:`m` for
    each milestone :math:`m` (a milestone listed twice multiplies twice).

    Parameters
    ----------
    learning_rate : float, default=0.001
        :math:`\eta_0 > 0`.
    milestones : sequence of int, default=(30, 80)
        Epoch counts :math:`\ge 1`, in any order.
    gamma : float in (0, 1], default=0.1
        The decay factor.

    Notes
    -----
    PyTorch's ``MultiStepLR(optimizer, milestones, gamma)`` stepped once per
    epoch (closed form ``lr * gamma ** bisect_right(sorted(milestones), e)``). In
    Keras, ``PiecewiseConstantDecay(boundaries=[m_1 B - 1, m_2 B - 1, ...],
    values=[lr, lr * gamma, lr * gamma**2, ...])`` and in optax
    ``piecewise_constant_schedule(lr, {m_1 B: gamma, m_2 B: gamma, ...})``,
    with :math:`B` minibatches per epoch and distinct sorted milestones.

    Examples
    --------
    >>> sched = MultiStepDecay(1.0, milestones=[2, 5], gamma=0.1)
    >>> [round(sched.lr_at(e), 12) for e in range(7)]
    [1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01]
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        milestones=(30, 80),
        gamma: float = 0.1,
    ):
        self.learning_rate = learning_rate
        self.milestones = milestones
        self.gamma = gamma

    def _validate(self):
        try:
            milestones = list(self.milestones)
        except TypeError:
            raise ValueError(
                f"MultiStepDecay milestones must be a sequence of integers >= 1; "
                f"got {self.milestones!r}."
            ) from None
        for m in milestones:
            check_int(self, "milestones", m, 1)
        check_real(self, "gamma", self.gamma, low=0, high=1, low_open=True)

    def lr_at(self, epoch):
        n_decays = bisect_right(sorted(self.milestones), epoch)
        return float(self.learning_rate) * self.gamma**n_decays


class ExponentialDecay(_EpochSchedule):
    r"""Multiply the learning rate by ``gamma`` after every epoch.

    .. math::

        \eta(e) = \eta_0 \, \gamma^{e}

    Parameters
    ----------
    learning_rate : float, default=0.001
        :math:`\eta_0 > 0`.
    gamma : float in (0, 1], default=0.9
        The decay factor per epoch.

    Notes
    -----
    PyTorch's ``ExponentialLR(optimizer, gamma)`` stepped once per epoch.
    Keras' ``ExponentialDecay(lr, decay_steps, decay_rate, staircase)`` gives
    :math:`\eta_0 r^{t / D}` at minibatch :math:`t` (:math:`\lfloor t/D \rfloor`
    with ``staircase=True``); with ``decay_steps`` :math:`D = B`, the number of
    minibatches per epoch, ``decay_rate=gamma`` and ``staircase=True`` every
    minibatch of epoch :math:`e + 1` uses :math:`\eta_0\gamma^e`, which is this
    schedule (without ``staircase`` the rate also decays within the epoch, and
    agrees with this one at the first minibatch of each epoch). The same holds
    for ``optax.exponential_decay(lr, transition_steps=B, decay_rate=gamma,
    staircase=True)``.

    Examples
    --------
    >>> sched = ExponentialDecay(1.0, gamma=0.5)
    >>> [sched.lr_at(e) for e in range(4)]
    [1.0, 0.5, 0.25, 0.125]
    """

    def __init__(self, learning_rate: float = 0.001, gamma: float = 0.9):
        self.learning_rate = learning_rate
        self.gamma = gamma

    def _validate(self):
        check_real(self, "gamma", self.gamma, low=0, high=1, low_open=True)

    def lr_at(self, epoch):
        return float(self.learning_rate) * self.gamma**epoch


class CosineDecay(_EpochSchedule):
    r"""Optional linear warm-up, then a half cosine down to ``alpha * learning_rate``.

    With :math:`W` = ``warmup_epochs``, :math:`D` = ``decay_epochs``,
    :math:`s` = ``warmup_start_factor`` and :math:`\alpha` = ``alpha``:

    .. math::

        \eta(e) = \begin{cases}
            s\eta_0 + (\eta_0 - s\eta_0)\, e / W & e < W \\
            \eta_0 \left((1 - \alpha)\,\tfrac12
                \bigl(1 + \cos(\pi \min(e - W, D) / D)\bigr) + \alpha\right)
                & e \ge W
        \end{cases}

    The rate climbs linearly from :math:`s\eta_0` (first epoch) to :math:`\eta_0`
    (epoch :math:`W + 1`), follows a half cosine to :math:`\alpha\eta_0`, reached
    after :math:`W + D` epochs, and stays there (it is clamped).

    Parameters
    ----------
    learning_rate : float, default=0.001
        :math:`\eta_0 > 0`, the peak rate, reached at the end of the warm-up.
    decay_epochs : int, default=200
        :math:`D \ge 1`, the length of the cosine in epochs (after the warm-up).
        The default is the estimators' default ``max_iter``.
    alpha : float in [0, 1], default=0.0
        The final rate as a fraction of ``learning_rate``.
    warmup_epochs : int, default=0
        :math:`W \ge 0`; no warm-up by default.
    warmup_start_factor : float in [0, 1], default=0.0
        :math:`s`, the first epoch's rate as a fraction of ``learning_rate``
        when ``warmup_epochs > 0``. With 0 (as in Keras and optax), the first
        epoch makes no progress; PyTorch's ``LinearLR`` warm-up uses 1/3.

    Notes
    -----
    Keras' ``keras.optimizers.schedules.CosineDecay(initial_learning_rate,
    decay_steps, alpha, warmup_target, warmup_steps)``, counted in epochs:
    ``CosineDecay(s * lr, D, alpha, warmup_target=lr, warmup_steps=W)`` (or,
    without warm-up, ``CosineDecay(lr, D, alpha)``). optax:
    ``warmup_cosine_decay_schedule(s * lr, lr, W, W + D, end_value=alpha * lr)``
    (its ``decay_steps`` include the warm-up), or ``cosine_decay_schedule(lr, D,
    alpha)``.

    PyTorch's ``CosineAnnealingLR(optimizer, T_max=D, eta_min=alpha * lr)`` has
    the same values for :math:`e \le D` (up to rounding) but is **not**
    clamped: after :math:`T_{max}` epochs it climbs back up and keeps
    oscillating with period :math:`2T_{max}`. The warm-up corresponds to
    ``LinearLR(start_factor=s, total_iters=W)`` (which requires :math:`s > 0`)
    followed by it through ``SequentialLR(milestones=[W])``.

    Examples
    --------
    >>> sched = CosineDecay(1.0, decay_epochs=4, alpha=0.1)
    >>> [round(sched.lr_at(e), 3) for e in range(7)]
    [1.0, 0.868, 0.55, 0.232, 0.1, 0.1, 0.1]
    >>> sched = CosineDecay(1.0, decay_epochs=2, warmup_epochs=4)
    >>> [round(sched.lr_at(e), 3) for e in range(8)]
    [0.0, 0.25, 0.5, 0.75, 1.0, 0.5, 0.0, 0.0]
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        decay_epochs: int = 200,
        alpha: float = 0.0,
        warmup_epochs: int = 0,
        warmup_start_factor: float = 0.0,
    ):
        self.learning_rate = learning_rate
        self.decay_epochs = decay_epochs
        self.alpha = alpha
        self.warmup_epochs = warmup_epochs
        self.warmup_start_factor = warmup_start_factor

    def _validate(self):
        check_int(self, "decay_epochs", self.decay_epochs, 1)
        check_real(self, "alpha", self.alpha, low=0, high=1)
        check_int(self, "warmup_epochs", self.warmup_epochs, 0)
        check_real(self, "warmup_start_factor", self.warmup_start_factor, low=0, high=1)

    def lr_at(self, epoch):
        peak = float(self.learning_rate)
        warmup = self.warmup_epochs
        if epoch < warmup:
            start = self.warmup_start_factor * peak
            return start + (peak - start) * (epoch / warmup)
        decay = self.decay_epochs
        done = min(epoch - warmup, decay) / decay
        cosine = 0.5 * (1.0 + cos(pi * done))
        return peak * ((1.0 - self.alpha) * cosine + self.alpha)


# ----------------------------------------------------------------- loss-driven
class ReduceLROnPlateau(Schedule):
    r"""Divide the learning rate when the training loss stops improving (PyTorch's).

    After each epoch, with :math:`L` the epoch's training loss and :math:`L^*` the
    best loss so far (initially :math:`+\infty`), the epoch is an improvement iff

    * :math:`L < L^*(1 - \text{threshold})` (``threshold_mode="rel"``), or
    * :math:`L < L^* - \text{threshold}` (``threshold_mode="abs"``);

    an improvement sets :math:`L^* = L` and the count of bad epochs to 0,
    otherwise the count grows by one. During the ``cooldown`` epochs that follow a
    reduction the count is held at 0. When the count exceeds ``patience`` (so
    after ``patience + 1`` consecutive epochs without improvement), the rate
    becomes

    .. math::

        \eta \leftarrow \max(\eta \cdot \text{factor}, \text{min\_lr})

    unless this changes it by at most ``eps`` (then it is kept); either way the
    count restarts at 0 and the cooldown begins. A NaN loss is never an
    improvement.

    Parameters
    ----------
    learning_rate : float, default=0.001
        The initial rate :math:`\eta_0 > 0`.
    factor : float in (0, 1), default=0.1
        The multiplier applied at each reduction.
    patience : int, default=10
        Number of epochs without improvement tolerated (>= 0): the rate is
        reduced at the ``patience + 1``-th.
    threshold : float, default=1e-4
        Minimal improvement (>= 0), relative or absolute per ``threshold_mode``.
    threshold_mode : {"rel", "abs"}, default="rel"
    cooldown : int, default=0
        Epochs (>= 0) after a reduction during which bad epochs are not counted.
    min_lr : float, default=0.0
        Lower bound (>= 0) on the rate.
    eps : float, default=1e-8
        Reductions smaller than this (>= 0) are skipped.

    Notes
    -----
    The rule and the defaults are those of PyTorch's
    ``torch.optim.lr_scheduler.ReduceLROnPlateau(mode="min", ...)``, stepped once
    per epoch with the epoch's training loss (``scheduler.step(loss)``): a flat
    loss with ``patience=2`` is first reduced after the third epoch.

    Keras' ``keras.callbacks.ReduceLROnPlateau(factor, patience=P,
    min_delta, cooldown=C, min_lr)`` differs in two ways: its threshold is
    absolute (improvement iff :math:`L < L^* - \text{min\_delta}`) and it reduces
    as soon as the count *reaches* ``patience``, one epoch earlier than this rule
    with the same ``patience`` (its cooldown, too, ends one epoch earlier). It is
    reproduced by ``ReduceLROnPlateau(lr, factor, patience=max(P - 1, 0),
    threshold=min_delta, threshold_mode="abs", cooldown=max(C - 1, 0),
    min_lr=min_lr, eps=0.0)``, up to Keras' float32 storage of the rate.
    ``optax.contrib.reduce_on_plateau`` scales the updates instead, and reduces
    when the count reaches ``patience``.

    **Interplay with the estimator's stopping rule.** The estimator's own rule
    (``tol``, ``n_iter_no_change``, ``early_stopping``) does not stop training
    while this schedule can still lower the rate; it stops training once a
    further reduction would be skipped (the rate is at ``min_lr``, or within
    ``eps`` of it). Set ``min_lr`` to bound the training time.

    Examples
    --------
    >>> sched = ReduceLROnPlateau(1.0, factor=0.5, patience=2)
    >>> state, lrs = sched.init(), []
    >>> for epoch, loss in enumerate([3.0, 2.0, 2.0, 2.0, 2.0, 2.0], start=1):
    ...     state = sched.after_epoch(state, n_samples_seen=0, epoch=epoch, loss=loss)
    ...     lrs.append(state.lr)
    >>> lrs
    [1.0, 1.0, 1.0, 1.0, 0.5, 0.5]
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float = 0.0,
        eps: float = 1e-8,
    ):
        self.learning_rate = learning_rate
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.eps = eps

    def init(self):
        state = super().init()
        check_real(
            self, "factor", self.factor, low=0, high=1, low_open=True, high_open=True
        )
        check_int(self, "patience", self.patience, 0)
        check_real(self, "threshold", self.threshold, low=0, finite=False)
        check_option(self, "threshold_mode", self.threshold_mode, ("rel", "abs"))
        check_int(self, "cooldown", self.cooldown, 0)
        check_real(self, "min_lr", self.min_lr, low=0, finite=False)
        check_real(self, "eps", self.eps, low=0, finite=False)
        return state

    def _improves(self, loss, best):
        if self.threshold_mode == "rel":
            return loss < best * (1.0 - self.threshold)
        return loss < best - self.threshold

    def _reduced(self, lr):
        """The reduced rate, or ``lr`` itself when the reduction is skipped."""
        new_lr = max(lr * self.factor, self.min_lr)
        return new_lr if lr - new_lr > self.eps else lr

    def after_epoch(self, state, *, n_samples_seen, epoch, loss):
        loss = float(loss)
        lr, best = state.lr, state.best
        bad_epochs, cooldown = state.bad_epochs, state.cooldown
        if self._improves(loss, best):
            best, bad_epochs = loss, 0
        else:
            bad_epochs += 1
        if cooldown > 0:
            cooldown -= 1
            bad_epochs = 0
        if bad_epochs > self.patience:
            lr = self._reduced(lr)
            cooldown, bad_epochs = self.cooldown, 0
        return state._replace(
            lr=lr, best=best, bad_epochs=bad_epochs, cooldown=cooldown
        )

    def on_plateau(self, state):
        """Stop only when the rate cannot be reduced any further."""
        return state, self._reduced(state.lr) == state.lr


#: Schedules by name.
SCHEDULES = {
    "constant": Constant,
    "invscaling": InvScaling,
    "adaptive": Adaptive,
    "step": StepDecay,
    "multistep": MultiStepDecay,
    "exponential": ExponentialDecay,
    "cosine": CosineDecay,
    "reduce_on_plateau": ReduceLROnPlateau,
}


def get(identifier) -> Schedule:
    """Return the schedule named by ``identifier``, with the class's own defaults.

    Parameters
    ----------
    identifier : str, Schedule subclass or Schedule instance
        A key of :data:`SCHEDULES` (case-insensitive), a class (instantiated with
        its defaults) or an instance (returned as is).

    Returns
    -------
    schedule : Schedule

    Examples
    --------
    >>> get("step")
    StepDecay()
    """
    return resolve(identifier, SCHEDULES, Schedule, "schedule")
