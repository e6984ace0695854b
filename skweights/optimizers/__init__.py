"""Optimizers and learning-rate schedules.

>>> from skweights import optimizers
>>> optimizers.get("adam")
Adam()
"""

from .._component import resolve
from ._base import Optimizer, Schedule, ScheduleState
from .adam import Adam
from .lbfgs import LBFGS
from .rmsprop import RMSprop
from .schedules import SCHEDULES, Adaptive, Constant, InvScaling
from .sgd import SGD

__all__ = [
    "Optimizer",
    "Schedule",
    "ScheduleState",
    "SGD",
    "Adam",
    "RMSprop",
    "LBFGS",
    "Constant",
    "InvScaling",
    "Adaptive",
    "OPTIMIZERS",
    "SCHEDULES",
    "get",
]

#: Optimizers by name.
OPTIMIZERS = {
    "sgd": SGD,
    "adam": Adam,
    "rmsprop": RMSprop,
    "lbfgs": LBFGS,
    "l-bfgs": LBFGS,
}


def get(identifier) -> Optimizer:
    """Return the optimizer named by ``identifier``, with the class's own defaults."""
    return resolve(identifier, OPTIMIZERS, Optimizer, "optimizer")
