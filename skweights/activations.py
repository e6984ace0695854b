"""Activation functions, each with its forward rule and its backward rule side by side.

Every activation works in place. The backward rule is written in terms of the
activation's *output* ``A = f(Z)`` (as scikit-learn does), so the network does not
keep the pre-activations: ``derivative(A, delta)`` multiplies ``delta`` in place by
``f'(Z)`` expressed through ``A``. That restricts the catalogue to functions whose
derivative is a function of their output, which holds for every activation here.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy.special import expit

from . import _fused as fused
from ._component import Component, resolve
from ._validation import check_real

__all__ = [
    "Activation",
    "Identity",
    "Logistic",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "Softplus",
    "Softmax",
    "Exp",
    "ACTIVATIONS",
    "get",
]


class Activation(Component):
    """Base class: ``forward(Z)`` in place, ``derivative(A, delta)`` in place."""

    #: name used by scikit-learn for this activation, if it has one
    name: str = ""

    def forward(self, Z: np.ndarray) -> np.ndarray:
        """Apply the activation to ``Z`` in place and return it."""
        raise NotImplementedError

    def derivative(self, A: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """Multiply ``delta`` in place by ``f'(Z)``, written through ``A = f(Z)``."""
        raise NotImplementedError

    def forward_bias(self, Z: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``forward(Z + b)`` in place, ``b`` added to every row (a layer's step)."""
        Z += b
        return self.forward(Z)

    def derivative_sums(self, A: np.ndarray, delta: np.ndarray, sums) -> bool:
        """:meth:`derivative`, and, where one pass does both, ``sums`` set to the
        column sums of the result (the layer's intercept gradient); True then."""
        self.derivative(A, delta)
        return False


class Identity(Activation):
    r"""Identity, :math:`f(z) = z`, :math:`f'(z) = 1`."""

    name = "identity"

    def forward(self, Z):
        return Z

    def derivative(self, A, delta):
        return delta


class Logistic(Activation):
    r"""Logistic sigmoid, :math:`f(z) = 1/(1+e^{-z})`, :math:`f' = A(1-A)`."""

    name = "logistic"

    def forward(self, Z):
        return expit(Z, out=Z)

    def derivative(self, A, delta):
        delta *= A
        delta *= 1 - A
        return delta


class Tanh(Activation):
    r"""Hyperbolic tangent, :math:`f' = 1 - A^2`."""

    name = "tanh"

    def forward(self, Z):
        return np.tanh(Z, out=Z)

    def derivative(self, A, delta):
        delta *= 1 - A**2
        return delta


class ReLU(Activation):
    r"""Rectified linear unit, :math:`f(z) = \max(z, 0)`, :math:`f' = [A > 0]`."""

    name = "relu"

    def forward(self, Z):
        return np.maximum(Z, 0, out=Z)

    def forward_bias(self, Z, b):
        # One compiled pass for the two (the same values; see skweights._fused).
        if type(self).forward is ReLU.forward and fused.run("bias_relu", Z, b):
            return Z
        Z += b
        return self.forward(Z)

    def derivative(self, A, delta):
        if A.shape == delta.shape and fused.run("relu_backward", delta, A):
            return delta
        # A multiply by the mask is several times faster than masked assignment.
        return np.multiply(delta, A > 0, out=delta)

    def derivative_sums(self, A, delta, sums):
        if type(self).derivative is ReLU.derivative and fused.run(
            "relu_backward_sums", delta, A, sums
        ):
            return True
        self.derivative(A, delta)
        return False


class LeakyReLU(Activation):
    r"""Leaky ReLU, :math:`f(z) = z` for :math:`z > 0`, else :math:`\text{slope}\cdot z`.

    Parameters
    ----------
    negative_slope : float, default=0.01
        Slope for negative inputs (PyTorch's default). Must be positive so that the
        sign of the output tells the branch.
    """

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.01):
        self.negative_slope = negative_slope

    def forward(self, Z):
        check_real(
            self,
            "negative_slope",
            self.negative_slope,
            low=0,
            low_open=True,
            finite=False,
        )
        return np.multiply(Z, np.where(Z > 0, 1.0, self.negative_slope), out=Z)

    def derivative(self, A, delta):
        delta *= np.where(A > 0, 1.0, self.negative_slope).astype(delta.dtype)
        return delta


class ELU(Activation):
    r"""Exponential linear unit (Clevert et al. 2016).

    :math:`f(z) = z` for :math:`z > 0`, else :math:`\alpha(e^z - 1)`;
    :math:`f' = 1` for :math:`A > 0`, else :math:`A + \alpha`.
    """

    name = "elu"

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def forward(self, Z):
        neg = Z < 0
        Z[neg] = self.alpha * np.expm1(Z[neg])
        return Z

    def derivative(self, A, delta):
        neg = A < 0
        delta[neg] *= A[neg] + self.alpha
        return delta


class Softplus(Activation):
    r"""Softplus, :math:`f(z) = \log(1 + e^z)`, :math:`f' = 1 - e^{-A}`."""

    name = "softplus"

    def forward(self, Z):
        return np.logaddexp(0, Z, out=Z)

    def derivative(self, A, delta):
        delta *= -np.expm1(-A)
        return delta


class Softmax(Activation):
    r"""Row-wise softmax, the output activation of the multiclass log-loss.

    :math:`p_k = e^{z_k - m} / \sum_j e^{z_j - m}` with :math:`m = \max_j z_j`, so
    no exponential overflows. Rows stay probabilities for any logits that are not
    NaN: a difference :math:`z_k - m` below the float range becomes
    :math:`-\infty` and its probability 0, and a row whose largest logit is
    infinite takes the limit, spreading the mass equally over the logits equal to
    that maximum (over every class when all are :math:`-\infty`).
    """

    name = "softmax"

    def forward(self, Z):
        return self.forward_bias(Z, None)

    def forward_bias(self, Z, b):
        # Compiled (a third of numpy's time on a 200 x 10 batch): the bias, the
        # row maxima and their subtraction in one pass, the division by the row
        # sums in another; np.exp between them, the same values.
        Z_max = np.empty((Z.shape[0], 1), Z.dtype)
        not_finite = fused.call("softmax_shift", Z, b, Z_max.reshape(-1))
        if not_finite is None:
            if b is not None:
                Z += b
            Z_max = Z.max(axis=1)[:, np.newaxis]
            # z - m overflows only towards -inf (exp gives the correct 0); rows
            # with an infinite maximum give NaN here and are mended below.
            with np.errstate(over="ignore", invalid="ignore"):
                Z -= Z_max
                # finite unless a maximum is infinite or NaN (or the sum overflows)
                not_finite = not math.isfinite(Z_max.sum())
        np.exp(Z, out=Z)
        infinite = None
        if not_finite:  # rare: test the rows only then
            infinite = np.isinf(Z_max[:, 0])
            # a row's maximum minus itself is NaN (inf - inf), every other
            # entry's exp(-inf) = 0: the NaN mark where the maximum was
            top = np.isnan(Z[infinite])
        if not fused.run("row_normalize", Z):
            Z /= Z.sum(axis=1)[:, np.newaxis]
        if infinite is not None and infinite.any():
            Z[infinite] = top / top.sum(axis=1)[:, np.newaxis]
        return Z

    def derivative(self, A, delta):  # pragma: no cover - only used as an output
        raise NotImplementedError("softmax is only used with the log-loss.")


class Exp(Activation):
    r"""Exponential, the inverse of the log link of the Poisson loss; :math:`f' = A`.

    The output saturates inside the positive normal floats of the dtype instead of
    overflowing to infinity or underflowing to 0: logits are clipped to
    :math:`[\log(\text{tiny}), \log(\text{max})]` (about :math:`\pm 709` in
    float64, :math:`\pm 88` in float32) first. A Poisson mean is never 0 or
    infinite, and this keeps predictions and the Poisson loss finite for extreme
    logits; within the range the values are exactly ``np.exp``'s.
    """

    name = "exp"

    def forward(self, Z):
        low, high = _exp_limits(Z.dtype)
        np.clip(Z, low, high, out=Z)
        return np.exp(Z, out=Z)

    def derivative(self, A, delta):
        delta *= A
        return delta


@functools.lru_cache
def _exp_limits(dtype):
    """The logits between which ``np.exp`` in ``dtype`` is finite and positive."""
    info = np.finfo(dtype)
    # the logs rounded to the dtype can fall just outside (float32): step inwards
    zero = dtype.type(0)
    low = np.nextafter(np.log(info.tiny).astype(dtype), zero)
    high = np.nextafter(np.log(info.max).astype(dtype), zero)
    return low, high


#: Hidden-layer activations by name.
ACTIVATIONS = {
    "identity": Identity,
    "linear": Identity,
    "logistic": Logistic,
    "sigmoid": Logistic,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "softplus": Softplus,
}

#: Output activations, chosen by the loss.
OUTPUT_ACTIVATIONS = {
    "identity": Identity,
    "logistic": Logistic,
    "softmax": Softmax,
    "exp": Exp,
}


def get(identifier) -> Activation:
    """Return the hidden-layer activation named by ``identifier``.

    Examples
    --------
    >>> from skweights import activations
    >>> activations.get("leaky_relu")
    LeakyReLU()
    """
    return resolve(identifier, ACTIVATIONS, Activation, "activation")
