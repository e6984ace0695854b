"""Learning-rate schedules, stepped once per epoch as in scikit-learn."""

from __future__ import annotations

from ._base import Schedule

__all__ = ["Constant", "InvScaling", "Adaptive", "SCHEDULES"]


class Constant(Schedule):
    """The same learning rate throughout: scikit-learn's ``learning_rate="constant"``."""

    def __init__(self, learning_rate: float = 0.001):
        self.learning_rate = learning_rate


class InvScaling(Schedule):
    r"""scikit-learn's ``learning_rate="invscaling"``.

    After each epoch, :math:`\eta = \eta_0 / (t + 1)^{p}` with :math:`t` the number
    of training samples seen so far (``t_``; with sample weights, their sum, so that
    a weight of 2 acts as two copies of a sample). The first epoch therefore runs at
    :math:`\eta_0`, and after :math:`k` epochs over :math:`n` samples
    :math:`\eta = \eta_0/(kn + 1)^p`, exactly as scikit-learn.

    Parameters
    ----------
    learning_rate : float, default=0.001
        :math:`\eta_0`.
    power_t : float, default=0.5
        :math:`p`.
    """

    def __init__(self, learning_rate: float = 0.001, power_t: float = 0.5):
        self.learning_rate = learning_rate
        self.power_t = power_t

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
    factor : float, default=0.2
    min_lr : float, default=1e-6
    """

    def __init__(
        self, learning_rate: float = 0.001, factor: float = 0.2, min_lr: float = 1e-6
    ):
        self.learning_rate = learning_rate
        self.factor = factor
        self.min_lr = min_lr

    def on_plateau(self, state):
        lr = state.lr
        if lr <= self.min_lr:
            return state, True
        if self.factor == 0.2:
            return state._replace(lr=lr / 5.0), False  # scikit-learn's arithmetic
        return state._replace(lr=lr * self.factor), False


SCHEDULES = {"constant": Constant, "invscaling": InvScaling, "adaptive": Adaptive}
