"""The optimizer and learning-rate schedule protocols.

An optimizer is a hyperparameter container with two pure methods in the manner of
optax: ``init(params, is_bias)`` returns a fresh state and
``update(params, grads, state)`` moves ``params`` in place and returns the next
state. The state is a NamedTuple whose first field, ``schedule``, is the learning
rate schedule's :class:`ScheduleState` (``state.lr`` reads its current rate); it
belongs to the estimator (which pickles it with the model), never to the
optimizer object.

Learning-rate schedules act between epochs, as scikit-learn's do: after each epoch
``end_epoch`` may change ``lr``, and when the stopping criterion fires,
``on_plateau`` either lowers ``lr`` (adaptive schedule) or lets training stop.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._component import Component
from .._threads import for_chunks, scratch
from .._validation import check_real

__all__ = [
    "Optimizer",
    "Schedule",
    "ScheduleState",
    "as_schedule",
    "for_chunks",
    "scratch",
    "with_lr",
]


class ScheduleState(NamedTuple):
    """Where a schedule is: the current learning rate and plateau bookkeeping."""

    lr: float
    best: float = np.inf
    bad_epochs: int = 0
    cooldown: int = 0


class Schedule(Component):
    """Base class of learning-rate schedules, stepped once per epoch.

    Subclasses take the initial learning rate as their first parameter,
    ``learning_rate``, and override ``after_epoch`` and/or ``on_plateau``.
    """

    def init(self) -> ScheduleState:
        """Return the state of the first epoch (validates ``learning_rate``)."""
        return ScheduleState(lr=check_learning_rate(self, self.learning_rate))

    def after_epoch(
        self, state: ScheduleState, *, n_samples_seen: float, epoch: int, loss: float
    ) -> ScheduleState:
        """Return the state for the next epoch.

        ``n_samples_seen`` is the total (weighted) number of samples seen,
        ``epoch`` the number of completed epochs, ``loss`` the last epoch's
        training loss.
        """
        return state

    def on_plateau(self, state: ScheduleState) -> tuple[ScheduleState, bool]:
        """Called when the estimator's stopping rule fires.

        Returns the new state and whether training should stop.
        """
        return state, True


def as_schedule(learning_rate) -> Schedule:
    """A number becomes a constant schedule; a schedule is returned as is."""
    from .schedules import Constant

    if isinstance(learning_rate, Schedule):
        return learning_rate
    return Constant(learning_rate)


def with_lr(cls):
    """Give a state NamedTuple class an ``lr`` property reading its schedule."""
    cls.lr = property(lambda self: self.schedule.lr, doc="The current learning rate.")
    return cls


class Optimizer(Component):
    """Base class of optimizers.

    Subclasses define ``init`` and ``update``. ``learning_rate`` is a number or a
    :class:`Schedule`.
    """

    #: whether the optimizer works on minibatches (False for L-BFGS)
    stochastic = True

    #: estimator flat parameters this optimizer takes when named by a string,
    #: mapped to its own parameter names
    sklearn_params: dict[str, str] = {"learning_rate_init": "learning_rate"}

    @classmethod
    def from_estimator_params(cls, params: dict[str, Any]) -> Optimizer:
        """Build the optimizer a string name means, from the estimator's flat params."""
        return cls(**{own: params[flat] for flat, own in cls.sklearn_params.items()})

    def schedule(self) -> Schedule:
        return as_schedule(self.learning_rate)

    def init(self, params: list[np.ndarray], is_bias=None) -> NamedTuple:
        """Return the initial state for ``params`` (a list of arrays).

        ``is_bias`` is an optional list of booleans marking the intercepts, for
        optimizers that treat them differently (decoupled weight decay).
        """
        raise NotImplementedError

    def update(self, params, grads, state):
        """Move ``params`` in place by one step along ``grads``; return the new state."""
        raise NotImplementedError

    def step_size(self, state, i: int):
        """The effective learning rate of parameter ``i`` at the last ``update``.

        The factor :math:`P` such that, were the gradient to stay :math:`g`, the
        optimizer would move the parameter by :math:`-P g` per step: the learning
        rate for plain SGD, :math:`\\eta/(1-\\mu)` with momentum :math:`\\mu`,
        :math:`\\eta/(\\sqrt{\\hat v}+\\epsilon)` per coordinate for Adam. A scalar,
        or an array shaped like the parameter. The L1 proximal step scales its
        threshold by it, so that the penalty acts in the optimizer's own metric and
        keeps its strength relative to the data gradient whatever the optimizer.
        """
        return state.lr

    def end_epoch(self, state, *, n_samples_seen: float, epoch: int, loss: float):
        """Return the state with the schedule moved to the next epoch."""
        schedule = self.schedule().after_epoch(
            state.schedule, n_samples_seen=n_samples_seen, epoch=epoch, loss=loss
        )
        return state._replace(schedule=schedule)

    def on_plateau(self, state):
        """Return ``(state, stop)`` when the stopping criterion fired."""
        schedule, stop = self.schedule().on_plateau(state.schedule)
        return state._replace(schedule=schedule), stop


def check_learning_rate(owner, value) -> float:
    """Return ``float(value)`` if it is a number > 0 (infinity included)."""
    return check_real(owner, "learning_rate", value, low=0, low_open=True, finite=False)
