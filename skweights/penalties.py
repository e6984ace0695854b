r"""Weight penalties.

The estimators' objective on a (mini)batch of total sample weight :math:`S` is

.. math::

    \frac{1}{S}\sum_i s_i\,\ell(y_i, \hat y_i) + \frac{\alpha}{S}\sum_l R(W_l)

exactly as scikit-learn's MLP with :math:`R(W) = \tfrac12\lVert W\rVert_F^2`.
Intercepts are never penalized.

A penalty splits :math:`R` into a smooth part, whose gradient is added to the
data gradient, and an L1 part of weight ``l1``, which is applied as a proximal
step (soft-thresholding) after each optimizer update, so that weights reach
*exact* zeros instead of oscillating around them:

.. math::

    W \leftarrow \operatorname{sign}(W)\max(|W| - \eta\,\alpha\,l_1/S,\ 0)

with :math:`\eta` the step size the optimizer just applied to that weight: the
learning rate for SGD, and the per-coordinate :math:`\eta_t/(\sqrt v+\epsilon)`
for Adam (:math:`\eta/\sqrt{s+\epsilon}` for RMSprop). This is the proximal step
in the optimizer's own metric: a weight whose data gradient is small relative to
the penalty reaches zero, whatever the scale of its gradients. With L-BFGS the L1 part
is handled exactly by splitting each weight into non-negative positive and
negative parts (bound-constrained L-BFGS-B).
"""

from __future__ import annotations

import numpy as np

from ._component import Component, resolve
from ._threads import scratch
from ._validation import check_real

__all__ = ["Penalty", "NoPenalty", "L2", "L1", "ElasticNet", "PENALTIES", "get"]


class Penalty(Component):
    r"""Base class: :math:`R(W) = \tfrac{l_2}{2}\lVert W\rVert^2 + l_1\lVert W\rVert_1`.

    Subclasses set the two coefficients through the ``l1`` and ``l2`` properties.
    Intercepts are penalized only when ``penalize_intercepts`` is True (default
    False, as scikit-learn and Keras' regularizers; PyTorch's and Keras'
    optimizer-level weight decay do decay biases).
    """

    penalize_intercepts = False

    @property
    def l1(self) -> float:
        return 0.0

    @property
    def l2(self) -> float:
        return 0.0

    def value(self, W: np.ndarray) -> float:
        """Return :math:`R(W)`."""
        w = W.ravel()
        out = 0.0
        if self.l2:
            out += 0.5 * self.l2 * float(np.dot(w, w))
        if self.l1:
            out += self.l1 * float(np.abs(w).sum())
        return out

    def add_gradient(self, W: np.ndarray, grad: np.ndarray, scale: float) -> None:
        """Add ``scale`` times the gradient of the smooth part to ``grad`` in place.

        Through a scratch array: no temporary as large as ``W`` per call.
        """
        factor = Penalty.smooth_factor(self, scale)
        if factor:
            grad += np.multiply(W, factor, out=scratch(W))

    def smooth_factor(self, scale: float) -> float | None:
        """The factor :math:`c` for which :meth:`add_gradient` adds :math:`c W`
        (0.0: nothing), as a Python float; None for a subclass whose
        ``add_gradient`` is its own, so that training calls that instead."""
        if type(self).add_gradient is not Penalty.add_gradient:
            return None
        if not self.l2:
            return 0.0
        scale = float(scale)
        return scale if self.l2 == 1.0 else scale * float(self.l2)

    def prox(self, W: np.ndarray, step) -> None:
        """Soft-threshold ``W`` in place by ``step * l1`` (the L1 part's proximal map).

        ``step`` is a scalar or an array shaped like ``W`` (per-coordinate steps).
        """
        if not self.l1:
            return
        threshold = step * self.l1
        if np.any(threshold > 0):
            shrunk = np.abs(W)
            shrunk -= threshold
            np.maximum(shrunk, 0, out=shrunk)
            np.copysign(shrunk, W, out=W)


class NoPenalty(Penalty):
    """No penalty: ``alpha`` has no effect."""


class L2(Penalty):
    r"""Squared L2 (weight decay), :math:`R(W) = \tfrac12\lVert W\rVert_F^2`.

    With ``alpha`` this is scikit-learn's MLP penalty, term for term. Keras'
    ``L2(l2)`` adds :math:`l_2\lVert W\rVert^2` without the half and without the
    division by the batch size; ``alpha = 2 * l2 * batch_size`` reproduces it for a
    fixed batch size.

    Parameters
    ----------
    penalize_intercepts : bool, default=False
        Also penalize the intercepts.
    """

    def __init__(self, penalize_intercepts: bool = False):
        self.penalize_intercepts = penalize_intercepts

    @property
    def l2(self):
        return 1.0


class L1(Penalty):
    r"""L1 (lasso), :math:`R(W) = \lVert W\rVert_1`, applied by soft-thresholding.

    Drives weights to exact zeros.

    Parameters
    ----------
    penalize_intercepts : bool, default=False
        Also penalize the intercepts.
    """

    def __init__(self, penalize_intercepts: bool = False):
        self.penalize_intercepts = penalize_intercepts

    @property
    def l1(self):
        return 1.0


class ElasticNet(Penalty):
    r"""Elastic net as in ``SGDClassifier``:
    :math:`R(W) = \frac{1 - \rho}{2}\lVert W\rVert_F^2 + \rho\lVert W\rVert_1`.

    Parameters
    ----------
    l1_ratio : float in [0, 1], default=0.15
        :math:`\rho`, the share of the L1 part (scikit-learn's default).
    penalize_intercepts : bool, default=False
        Also penalize the intercepts.

    References
    ----------
    Zou & Hastie (2005), Regularization and variable selection via the elastic net.
    """

    def __init__(self, l1_ratio: float = 0.15, penalize_intercepts: bool = False):
        self.l1_ratio = l1_ratio
        self.penalize_intercepts = penalize_intercepts

    def _ratio(self):
        return check_real(self, "l1_ratio", self.l1_ratio, low=0, high=1)

    @property
    def l1(self):
        return self._ratio()

    @property
    def l2(self):
        return 1.0 - self._ratio()


#: Penalties by name; ``None`` is accepted by the estimators as no penalty.
PENALTIES = {
    "l2": L2,
    "l1": L1,
    "elasticnet": ElasticNet,
    "elastic_net": ElasticNet,
    "none": NoPenalty,
}


def get(identifier) -> Penalty:
    """Return the penalty named by ``identifier`` (a name, None, class or instance).

    Examples
    --------
    >>> from skweights import penalties
    >>> penalties.get("elasticnet")
    ElasticNet()
    """
    if identifier is None:
        return NoPenalty()
    return resolve(identifier, PENALTIES, Penalty, "penalty")
