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

import functools
import math

import numpy as np
from scipy.special import xlogy

from . import _fused as fused
from ._component import Component, resolve
from .activations import Exp, Identity, Logistic, Softmax

__all__ = ["Loss", "SquaredError", "Poisson", "LogLoss", "BinaryLogLoss", "get"]


def _average(values, sample_weight):
    """The weighted mean over samples, per output.

    Finite whenever every value and weight is: where a sum overflows (values or
    weights near the largest float), the weights or the values are scaled to at
    most 1 first; otherwise the result is exactly ``np.average``'s.
    """
    if sample_weight is None:
        with np.errstate(over="ignore"):
            mean = values.mean(axis=0)  # np.average's value, at a third of its cost
        if math.isfinite(mean) if mean.ndim == 0 else np.isfinite(mean).all():
            return mean
    with np.errstate(over="ignore"):
        if sample_weight is not None and not np.isfinite(sample_weight.sum()):
            sample_weight = sample_weight / sample_weight.max()  # only ratios matter
        try:
            mean = np.average(values, weights=sample_weight, axis=0)
        except ZeroDivisionError:
            raise ValueError(
                "The loss is undefined on rows whose sample weights sum to zero "
                "(a minibatch or validation split in which every row has "
                "sample_weight 0). Use a larger batch_size, shuffle the data, or "
                "drop the rows of weight 0."
            ) from None
    if np.isfinite(mean).all() or not np.isfinite(values).all():
        return mean
    scale = np.abs(values).max(axis=0)
    return np.average(values / scale, weights=sample_weight, axis=0) * scale


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

    def value_and_delta(self, y, y_pred, sample_weight=None):
        r"""The value, and ``y_pred`` turned in place into the error at the output
        layer's pre-activation, :math:`(\hat y - y)` times the sample weight (the
        canonical link's gradient, up to the 1/S of the mean)."""
        value = self.value(y, y_pred, sample_weight)
        delta = np.subtract(y_pred, y, out=y_pred)
        if sample_weight is not None:
            delta *= sample_weight.reshape(-1, 1)
        return value, delta


class SquaredError(Loss):
    r""":math:`\tfrac12 \sum_k (y_k - \hat y_k)^2`, identity output."""

    output_activation = "identity"

    def value(self, y, y_pred, sample_weight=None):
        return 0.5 * _average((y - y_pred) ** 2, sample_weight).sum()


class Poisson(Loss):
    r"""Half the Poisson deviance, :math:`y\log(y/\hat y) - y + \hat y`, exp output."""

    output_activation = "exp"

    def value(self, y, y_pred, sample_weight=None):
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            deviance = xlogy(y, y / y_pred)
        outside = np.isinf(deviance)
        if outside.any():
            # y / y_pred left the float range: the log of the ratio as a
            # difference of logs (exact where the ratio is representable, so
            # only used here)
            y_out = y[outside]
            deviance[outside] = xlogy(y_out, y_out) - xlogy(y_out, y_pred[outside])
        return _average(deviance - y + y_pred, sample_weight).sum()


class LogLoss(Loss):
    r"""Multiclass cross-entropy :math:`-\sum_k y_k \log p_k`, softmax output.

    Probabilities are clipped to :math:`[\epsilon, 1-\epsilon]` with the dtype's
    machine epsilon, as scikit-learn does.
    """

    output_activation = "softmax"

    def value(self, y, y_pred, sample_weight=None):
        if y.dtype == bool and y.shape == y_pred.shape and (y.sum(axis=1) == 1).all():
            return _one_hot_log_loss(y, y_pred, sample_weight)
        eps = np.finfo(y_pred.dtype).eps
        p = np.clip(y_pred, eps, 1 - eps)
        return -_average(xlogy(y, p), sample_weight).sum()


class _OneHotLogLoss(LogLoss):
    """The log-loss on the classifier's own encoding of its labels, boolean rows
    with one True each: the per-batch check of that (a quarter of the loss's
    cost on a 200 x 10 batch) is left out."""

    def value(self, y, y_pred, sample_weight=None):
        return _one_hot_log_loss(y, y_pred, sample_weight)

    def value_and_delta(self, y, y_pred, sample_weight=None):
        # Compiled: the true class's clipped probability taken out and y
        # subtracted in one pass (the same values as value() then y_pred - y).
        p = np.empty(y_pred.shape[0], y_pred.dtype)
        low, high = _clip_bounds(y_pred.dtype)
        if not fused.run("take_true", y_pred, y, p, float(low), float(high)):
            return super().value_and_delta(y, y_pred, sample_weight)
        if sample_weight is not None:
            y_pred *= sample_weight.reshape(-1, 1)
        return _mean_negative_log(p, sample_weight), y_pred


@functools.lru_cache
def _clip_bounds(dtype):
    """scikit-learn's clip of probabilities: ``[eps, 1 - eps]`` in the dtype."""
    eps = np.finfo(dtype).eps
    return eps, 1 - eps


def _one_hot_log_loss(y, y_pred, sample_weight):
    # Only the true class's probability enters: take it instead of a log over
    # every class; clipped as np.clip does (NaN stays NaN).
    low, high = _clip_bounds(y_pred.dtype)
    p = y_pred[y]
    np.maximum(p, low, out=p)
    np.minimum(p, high, out=p)
    return _mean_negative_log(p, sample_weight)


def _mean_negative_log(p, sample_weight):
    """The weighted mean of ``-log(p)``, taken in place in ``p``."""
    np.log(p, out=p)
    if sample_weight is None and p.size:
        # np.mean's value (its sum, divided in float64, rounded to the dtype),
        # without its overhead; the logs of clipped probabilities are finite or
        # NaN, and their sum cannot overflow.
        total = np.add.reduce(p)
        return -float(total.dtype.type(float(total) / p.size))
    return -float(_average(p, sample_weight))


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
