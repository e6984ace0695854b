"""Vanishing and exploding gradients, detected from the per-layer gradient norms."""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np
import sklearn

from ..exceptions import GradientWarning

try:  # installed with scikit-learn, which requires it; not a dependency of ours
    import joblib
except ImportError:  # pragma: no cover
    joblib = None


def _folder(path: str) -> str:
    return os.path.dirname(os.path.abspath(path)) + os.sep


#: the files whose frames a warning skips to reach the user's code: skweights',
#: scikit-learn's (whose ``_fit_context`` wraps ``fit``) and joblib's (through
#: which a search fits)
_INTERNAL = (
    _folder(os.path.dirname(os.path.abspath(__file__))),  # skweights/
    _folder(sklearn.__file__),
) + ((_folder(joblib.__file__),) if joblib is not None else ())


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning issued by the caller point at the
    first frame outside skweights, scikit-learn and joblib: the user's ``fit``
    line, however deep the call that warns (``fit``, ``partial_fit``, a
    search's ``fit``)."""
    frame = sys._getframe(1)  # the function that warns: stacklevel 1
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_INTERNAL):
        frame = frame.f_back
        level += 1
    return level


#: a layer whose RMS gradient is below this fraction of the top layer's vanishes
#: (measured on digits, 8 ReLU layers of 64: N(0, 0.01) weights give 2e-6 in the
#: first epoch, He 0.4, a 2-layer tanh net on noise 9e-4 at worst)
VANISHING = 1e-4
#: ... and above this multiple, explodes
EXPLODING = 1e4
#: trainable layers of weights (hidden layers + 1) from which the monitor watches:
#: with one hidden layer a small ratio is saturation or scale, not depth
MIN_LAYERS = 3


class GradientMonitor:
    """Compare each layer's gradient with the top trainable layer's, once per epoch.

    The error starts at the output and is multiplied by one weight matrix and one
    activation derivative per layer on its way down: when those factors are
    consistently below (above) one, the gradient reaching the lower layers shrinks
    (grows) geometrically. The monitor compares the root-mean-square gradient per
    weight of every trainable layer with that of the topmost trainable layer and
    warns, once per kind and fit, naming the layers and the epoch, when the ratio
    leaves ``[VANISHING, EXPLODING]``, in networks of at least ``MIN_LAYERS``
    trainable layers.
    """

    def __init__(self, n_layers, warned=()):
        self.n_layers = n_layers
        self.warned = set(warned)

    def ratios(self, grad_norm, coefs, trainable):
        """Per layer, RMS gradient per weight over the top trainable layer's."""
        rms = np.array(
            [g / np.sqrt(W.size) for g, W in zip(grad_norm, coefs, strict=True)]
        )
        top = max(i for i, t in enumerate(trainable) if t)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = rms / rms[top]
        ratios[[not t for t in trainable]] = np.nan
        return ratios

    def check(self, grad_norm, coefs, trainable, epoch):
        if sum(trainable) < MIN_LAYERS:
            return
        top = max(i for i, t in enumerate(trainable) if t)
        if not grad_norm[top] > 0:  # a perfect fit (or a NaN) says nothing
            return
        ratios = self.ratios(grad_norm, coefs, trainable)
        for kind, flagged in (
            ("vanishing", np.flatnonzero(ratios < VANISHING)),
            ("exploding", np.flatnonzero(ratios > EXPLODING)),
        ):
            if kind in self.warned or not len(flagged):
                continue
            self.warned.add(kind)
            layers = ", ".join(str(i) for i in flagged)
            values = ", ".join(f"{ratios[i]:.1e}" for i in flagged)
            if kind == "vanishing":
                advice = (
                    "The lower layers barely learn. Use an initializer scaled to "
                    "the activation (init='he_uniform' for relu, 'glorot_uniform' "
                    "for tanh or logistic), fewer layers, or a relu-like activation."
                )
            else:
                advice = (
                    "The lower layers take far larger steps than the top. Use an "
                    "initializer scaled to the activation (init='he_uniform' for "
                    "relu, 'glorot_uniform' for tanh), a lower learning rate, or "
                    "gradient clipping (skweights.optimizers.ClipByGlobalNorm)."
                )
            warnings.warn(
                f"{kind.capitalize()} gradients in epoch {epoch}: the RMS gradient "
                f"of layer(s) {layers} is {values} times that of the top trainable "
                f"layer ({top}). {advice} "
                "See history_['grad_norm'].",
                GradientWarning,
                stacklevel=user_stacklevel(),
            )
