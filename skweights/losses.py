r"""Losses, each owning the output activation of its canonical link.

For every loss here the gradient with respect to the output layer's
pre-activation is :math:`\hat y - y` (times the sample weight), because each pairs
with its canonical link: identity for the squared error, exp for Poisson,
logistic for the binary log-loss and softmax for the multiclass one.

All values are weighted means over samples and *sums* over outputs, so that the
value and the gradient always agree. This differs from scikit-learn in one place:
scikit-learn's squared error averages over outputs while its gradient sums them
(scikit-learn issue #8349), so for a multi-output regression our ``loss_`` is
``n_outputs`` times larger in its data term and L-BFGS sees a consistent
objective. Single-output values are identical.
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from ._component import Component, resolve
from .activations import Exp, Identity, Logistic, Softmax

__all__ = ["Loss", "SquaredError", "Poisson", "LogLoss", "BinaryLogLoss", "get"]


def _average(values, sample_weight):
    return np.average(values, weights=sample_weight, axis=0)


class Loss(Component):
    """Base class: ``value(y, y_pred, sample_weight)`` and the output activation."""

    #: the output activation, a name from ``activations.OUTPUT_ACTIVATIONS``
    output_activation = "identity"

    def output(self):
        """Return the output activation object."""
        return {
            "identity": Identity,
            "exp": Exp,
            "logistic": Logistic,
            "softmax": Softmax,
        }[self.output_activation]()

    def value(self, y, y_pred, sample_weight=None) -> float:
        """Weighted mean over samples, summed over outputs."""
        raise NotImplementedError


class SquaredError(Loss):
    r""":math:`\tfrac12 \sum_k (y_k - \hat y_k)^2`, identity output."""

    output_activation = "identity"

    def value(self, y, y_pred, sample_weight=None):
        return 0.5 * _average((y - y_pred) ** 2, sample_weight).sum()


class Poisson(Loss):
    r"""Half the Poisson deviance, :math:`y\log(y/\hat y) - y + \hat y`, exp output."""

    output_activation = "exp"

    def value(self, y, y_pred, sample_weight=None):
        return _average(xlogy(y, y / y_pred) - y + y_pred, sample_weight).sum()


class LogLoss(Loss):
    r"""Multiclass cross-entropy :math:`-\sum_k y_k \log p_k`, softmax output.

    Probabilities are clipped to :math:`[\epsilon, 1-\epsilon]` with the dtype's
    machine epsilon, as scikit-learn does.
    """

    output_activation = "softmax"

    def value(self, y, y_pred, sample_weight=None):
        eps = np.finfo(y_pred.dtype).eps
        if y.dtype == bool and y.shape == y_pred.shape and (y.sum(axis=1) == 1).all():
            # One-hot rows (the estimator's encoding): only the true class's
            # probability enters, so take it instead of a log over every class.
            log_p = np.log(np.clip(y_pred[y], eps, 1 - eps))
            if sample_weight is None:
                return -float(log_p.mean())
            return -float(np.average(log_p, weights=sample_weight))
        p = np.clip(y_pred, eps, 1 - eps)
        return -_average(xlogy(y, p), sample_weight).sum()


class BinaryLogLoss(Loss):
    r"""Binary cross-entropy per output, logistic output (binary and multilabel)."""

    output_activation = "logistic"

    def value(self, y, y_pred, sample_weight=None):
        eps = np.finfo(y_pred.dtype).eps
        p = np.clip(y_pred, eps, 1 - eps)
        return -_average(xlogy(y, p) + xlogy(1 - y, 1 - p), sample_weight).sum()


#: Regression losses by name (the regressor's ``loss`` parameter).
REGRESSION_LOSSES = {"squared_error": SquaredError, "poisson": Poisson}

#: Every loss by name.
LOSSES = {
    **REGRESSION_LOSSES,
    "log_loss": LogLoss,
    "binary_log_loss": BinaryLogLoss,
}


def get(identifier) -> Loss:
    """Return the loss named by ``identifier``."""
    return resolve(identifier, LOSSES, Loss, "loss")
