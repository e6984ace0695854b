"""Weights: the layer arrays of a network and what is needed to rebuild it."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

__all__ = ["Weights", "weights_of"]

#: bumped when the stored layout changes; readers refuse newer versions
FORMAT_VERSION = 1


class Weights:
    """The weights and intercepts of a fitted network, checked and read-only.

    What every exporter writes and every loader returns; what
    :class:`~skweights.initializers.Pretrained` starts a fit from. The arrays are
    copied and made read-only, so a ``Weights`` never changes after it is made
    and can be shared by many fits.

    Parameters
    ----------
    coefs : sequence of 2-D arrays
        ``coefs[i]`` has shape ``(fan_in, fan_out)``, scikit-learn's layout.
    intercepts : sequence of 1-D arrays
        ``intercepts[i]`` has shape ``(fan_out,)``.
    config : dict, optional
        The network's description (estimator class, activation, output
        activation, classes, ...), as stored next to the arrays in a file; see
        :mod:`skweights.io`.
    source : str, optional
        Where the weights came from (a file name), used in error messages.

    Raises
    ------
    ValueError
        If the layers do not chain (``fan_out`` of one is ``fan_in`` of the
        next), an intercept does not match its layer, the dtypes are not one
        floating dtype, or a value is not finite. The message names the source
        and the layer.

    Examples
    --------
    >>> import numpy as np
    >>> from skweights.io import Weights
    >>> w = Weights([np.ones((3, 2)), np.ones((2, 1))], [np.zeros(2), np.zeros(1)])
    >>> w.layer_units
    [3, 2, 1]
    """

    def __init__(self, coefs, intercepts, config=None, source=None):
        self.source = source or "the given weights"
        coefs, intercepts = list(coefs), list(intercepts)
        if not coefs or len(coefs) != len(intercepts):
            raise ValueError(
                f"{self.source}: expected one intercept vector per weight matrix and "
                f"at least one layer; got {len(coefs)} weight matrices and "
                f"{len(intercepts)} intercept vectors."
            )
        self.coefs = tuple(
            self._array(c, 2, f"layer {i} weights (coefs[{i}])")
            for i, c in enumerate(coefs)
        )
        self.intercepts = tuple(
            self._array(b, 1, f"layer {i} intercepts (intercepts[{i}])")
            for i, b in enumerate(intercepts)
        )
        dtype = self.coefs[0].dtype
        for i, (W, b) in enumerate(zip(self.coefs, self.intercepts, strict=True)):
            for what, a in (("weights", W), ("intercepts", b)):
                if a.dtype != dtype:
                    raise ValueError(
                        f"{self.source}: layer {i} {what} are {a.dtype} but layer 0 "
                        f"weights are {dtype}; all weights must share one floating "
                        "dtype."
                    )
        for i, (W, b) in enumerate(zip(self.coefs, self.intercepts, strict=True)):
            if b.shape[0] != W.shape[1]:
                raise ValueError(
                    f"{self.source}: layer {i} has weights of shape {W.shape} but "
                    f"intercepts of shape {b.shape}; expected ({W.shape[1]},)."
                )
            if i and W.shape[0] != self.coefs[i - 1].shape[1]:
                raise ValueError(
                    f"{self.source}: layer {i} takes {W.shape[0]} inputs but layer "
                    f"{i - 1} has {self.coefs[i - 1].shape[1]} outputs."
                )
        self.config = dict(config or {})

    def _array(self, value, ndim, name):
        try:
            a = np.array(value, copy=True)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{self.source}: {name} is not an array ({exc})."
            ) from None
        if a.ndim != ndim:
            raise ValueError(
                f"{self.source}: {name} must be {ndim}-D; got shape {a.shape}."
            )
        if a.dtype not in (np.float32, np.float64):
            if not np.issubdtype(a.dtype, np.number) or np.iscomplexobj(a):
                raise ValueError(
                    f"{self.source}: {name} must hold real numbers; got dtype "
                    f"{a.dtype}."
                )
            a = a.astype(np.float64)
        if not np.isfinite(a).all():
            bad = int(np.size(a) - np.isfinite(a).sum())
            raise ValueError(
                f"{self.source}: {name} has {bad} non-finite value(s) (NaN or inf)."
            )
        a.flags.writeable = False
        return a

    @property
    def layer_units(self) -> list[int]:
        """``[n_features, hidden_1, ..., n_outputs]``."""
        return [self.coefs[0].shape[0]] + [W.shape[1] for W in self.coefs]

    @property
    def dtype(self) -> np.dtype:
        return self.coefs[0].dtype

    @property
    def n_layers(self) -> int:
        """The number of weight matrices (hidden layers plus the output layer)."""
        return len(self.coefs)

    @classmethod
    def from_estimator(cls, estimator, config: bool = True) -> Weights:
        """The weights of a fitted skweights or scikit-learn MLP, with its config
        (unless ``config=False``, for the arrays alone)."""

        if not _is_mlp(estimator):
            raise TypeError(
                f"{type(estimator).__name__} is not an MLP: it has no layers of "
                "weights (coefs_ and intercepts_). Weights come from a fitted "
                "skweights or scikit-learn MLPClassifier or MLPRegressor, a "
                "Weights, a file written by skweights.io.save, or a pair "
                "(coefs, intercepts) of lists of arrays."
            )
        if not hasattr(estimator, "coefs_"):
            raise ValueError(
                f"{type(estimator).__name__} is not fitted: it has no weights. Fit it "
                "first. (scikit-learn's clone, used by GridSearchCV and "
                "cross_val_score, returns unfitted copies of estimators passed as "
                "parameters; pass Weights.from_estimator(model) instead.)"
            )
        if config:
            from ._config import config_of  # noqa: PLC0415 - reads estimators

            config = config_of(estimator)
        return cls(
            estimator.coefs_,
            estimator.intercepts_,
            config=config or None,
            source=f"the fitted {type(estimator).__name__}",
        )

    def __repr__(self) -> str:
        return (
            f"Weights(layer_units={self.layer_units}, dtype={self.dtype}, "
            f"source={self.source!r})"
        )

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Weights):
            return NotImplemented
        return (
            self.layer_units == other.layer_units
            and self.dtype == other.dtype
            and all(
                np.array_equal(a, b)
                for a, b in zip(
                    self.coefs + self.intercepts,
                    other.coefs + other.intercepts,
                    strict=True,
                )
            )
        )

    __hash__ = None


def _is_mlp(estimator) -> bool:
    """A skweights or scikit-learn MLP (or one built like them), fitted or not."""
    if hasattr(estimator, "coefs_") and hasattr(estimator, "intercepts_"):
        return True
    try:
        params = estimator.get_params(deep=False)
    except Exception:  # noqa: BLE001 - a foreign object: not ours to judge
        return False
    return "hidden_layer_sizes" in params


def weights_of(source, config: bool = True) -> Weights:
    """Weights from a :class:`Weights`, a fitted estimator, a file or arrays.

    ``source`` is one of: a :class:`Weights`; a fitted skweights or scikit-learn
    MLP; a path to a file written by :func:`skweights.io.save` (``.npz``,
    ``.safetensors``, ``.onnx``); or a pair ``(coefs, intercepts)`` of lists of
    arrays. ``config=False`` skips describing a fitted estimator (the arrays
    are all a fit needs).
    """
    if isinstance(source, Weights):
        return source
    if isinstance(source, (str, os.PathLike)):
        from . import load_weights  # noqa: PLC0415 - the format readers

        return load_weights(source)
    if hasattr(source, "get_params") and hasattr(source, "predict"):
        return Weights.from_estimator(source, config=config)
    if isinstance(source, (tuple, list)) and len(source) == 2:
        return Weights(source[0], source[1])
    raise TypeError(
        "Expected Weights, a fitted MLP, a path to a weights file or a pair "
        f"(coefs, intercepts) of lists of arrays; got {type(source).__name__}."
    )
