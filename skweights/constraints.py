r"""Weight constraints: projections applied to the weights after every optimizer step.

As in Keras (``kernel_constraint``), a constraint is applied after each update of
a stochastic optimizer (after the L1 proximal step, if any), never at
initialization, and only to the weight matrices, not to the intercepts. Norms are
taken along ``axis=0`` by default: over the incoming weights of each unit of the
layer, for our ``(fan_in, fan_out)`` layout. ``epsilon`` is Keras' ``1e-7``.

>>> import numpy as np
>>> W = np.array([[3.0, 0.1], [4.0, 0.1]])
>>> MaxNorm(max_value=1.0)(W)
>>> np.round(np.linalg.norm(W, axis=0), 6)
array([1.      , 0.141421])

With L-BFGS, which takes no separate steps to project after, only :class:`NonNeg`
is supported, exactly, as bounds of L-BFGS-B.
"""

from __future__ import annotations

import numpy as np

from ._component import Component, resolve
from ._validation import check_int, check_real

__all__ = [
    "Constraint",
    "MaxNorm",
    "UnitNorm",
    "NonNeg",
    "MinMaxNorm",
    "CONSTRAINTS",
    "get",
]

EPSILON = 1e-7


class Constraint(Component):
    """Base class: ``constraint(W)`` projects ``W`` in place."""

    #: (lower, upper) bounds expressing the constraint elementwise, if it can be
    bounds: tuple | None = None

    def __call__(self, W: np.ndarray) -> None:
        raise NotImplementedError

    def _norms(self, W):
        axis = check_int(self, "axis", self.axis, 0, 1)
        return np.sqrt(np.sum(W * W, axis=axis, keepdims=True))


class MaxNorm(Constraint):
    r"""Caps the norm of each unit's incoming weights at ``max_value``.

    :math:`w \leftarrow w \cdot \operatorname{clip}(n, 0, m) / (\epsilon + n)`
    with :math:`n = \lVert w\rVert_2` along ``axis`` (Keras ``MaxNorm``).

    Parameters
    ----------
    max_value : float, default=2.0
    axis : {0, 1}, default=0

    References
    ----------
    Srivastava et al. (2014), Dropout: a simple way to prevent neural networks from
    overfitting, JMLR (max-norm regularization).
    """

    def __init__(self, max_value: float = 2.0, axis: int = 0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, W):
        check_real(
            self, "max_value", self.max_value, low=0, low_open=True, finite=False
        )
        n = self._norms(W)
        W *= np.clip(n, 0, self.max_value) / (EPSILON + n)


class UnitNorm(Constraint):
    r"""Each unit's incoming weights have unit norm: :math:`w \leftarrow w / (\epsilon + n)`."""

    def __init__(self, axis: int = 0):
        self.axis = axis

    def __call__(self, W):
        W /= EPSILON + self._norms(W)


class NonNeg(Constraint):
    r"""Non-negative weights: :math:`w \leftarrow \max(w, 0)`."""

    bounds = (0.0, None)

    def __call__(self, W):
        np.maximum(W, 0, out=W)


class MinMaxNorm(Constraint):
    r"""Keeps each unit's incoming-weight norm within ``[min_value, max_value]``.

    :math:`d = r\,\operatorname{clip}(n, a, b) + (1 - r)\,n`,
    :math:`w \leftarrow w\, d / (\epsilon + n)` (Keras ``MinMaxNorm``); ``rate``
    :math:`r < 1` moves only part of the way per step.

    Parameters
    ----------
    min_value : float, default=0.0
    max_value : float, default=1.0
    rate : float in (0, 1], default=1.0
    axis : {0, 1}, default=0
    """

    def __init__(
        self,
        min_value: float = 0.0,
        max_value: float = 1.0,
        rate: float = 1.0,
        axis: int = 0,
    ):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, W):
        min_value = check_real(self, "min_value", self.min_value, low=0, finite=False)
        max_value = check_real(self, "max_value", self.max_value, low=0, finite=False)
        if not min_value <= max_value:
            raise ValueError(
                "MinMaxNorm min_value must be <= max_value; got "
                f"min_value={self.min_value!r}, max_value={self.max_value!r}."
            )
        check_real(self, "rate", self.rate, low=0, high=1, low_open=True)
        n = self._norms(W)
        desired = self.rate * np.clip(n, self.min_value, self.max_value)
        desired += (1 - self.rate) * n
        W *= desired / (EPSILON + n)


#: Constraints by name.
CONSTRAINTS = {
    "max_norm": MaxNorm,
    "unit_norm": UnitNorm,
    "non_neg": NonNeg,
    "nonneg": NonNeg,
    "min_max_norm": MinMaxNorm,
}


def get(identifier) -> Constraint | None:
    """Return the constraint named by ``identifier``; None stays None.

    Examples
    --------
    >>> from skweights import constraints
    >>> constraints.get("max_norm")
    MaxNorm()
    """
    if identifier is None:
        return None
    return resolve(identifier, CONSTRAINTS, Constraint, "constraint")
