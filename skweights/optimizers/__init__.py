"""Optimizers and learning-rate schedules.

>>> from skweights import optimizers
>>> optimizers.get("adam")
Adam()
"""

from .._component import resolve
from ._base import Optimizer, Schedule, ScheduleState
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .clipping import ClipByGlobalNorm, ClipByNorm, ClipByValue
from .lbfgs import LBFGS
from .lion import Lion
from .nadam import NAdam
from .rmsprop import RMSprop
from .schedules import (
    SCHEDULES,
    Adaptive,
    Constant,
    CosineDecay,
    ExponentialDecay,
    InvScaling,
    MultiStepDecay,
    ReduceLROnPlateau,
    StepDecay,
)
from .schedules import get as get_schedule
from .sgd import SGD

__all__ = [
    "Optimizer",
    "Schedule",
    "ScheduleState",
    "SGD",
    "Adam",
    "AdamW",
    "NAdam",
    "Adamax",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "Lion",
    "LBFGS",
    "ClipByValue",
    "ClipByNorm",
    "ClipByGlobalNorm",
    "Constant",
    "InvScaling",
    "Adaptive",
    "StepDecay",
    "MultiStepDecay",
    "ExponentialDecay",
    "CosineDecay",
    "ReduceLROnPlateau",
    "get_schedule",
    "OPTIMIZERS",
    "SCHEDULES",
    "get",
]

#: Optimizers by name.
OPTIMIZERS = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "nadam": NAdam,
    "adamax": Adamax,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "adadelta": Adadelta,
    "lion": Lion,
    "lbfgs": LBFGS,
    "l-bfgs": LBFGS,
}


def get(identifier) -> Optimizer:
    """Return the optimizer named by ``identifier``, with the class's own defaults."""
    return resolve(identifier, OPTIMIZERS, Optimizer, "optimizer")
