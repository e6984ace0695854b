"""skweights: scikit-learn neural networks whose weights you control.

``MLPClassifier`` and ``MLPRegressor`` are drop-in supersets of scikit-learn's, with
pluggable ``init=``, ``penalty=`` and ``optimizer=``.
"""

from . import activations, constraints, initializers, losses, optimizers, penalties
from .neural_network import MLPClassifier, MLPRegressor

__version__ = "0.1.0.dev0"

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "activations",
    "constraints",
    "initializers",
    "losses",
    "optimizers",
    "penalties",
    "__version__",
]
