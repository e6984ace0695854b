"""Pretrained: start a fit from weights learned elsewhere."""

from __future__ import annotations

import os
from numbers import Integral

import numpy as np

from .._component import Component
from ._base import Initializer

__all__ = ["Pretrained", "as_pretrained"]


class Pretrained(Component):
    """Start training from given weights: a fitted model, a weights file or arrays.

    Pass it as the estimator's ``init``. The bottom ``layers`` layers (weights and
    intercepts) are copied from ``weights``; any layer above them (a new output
    layer for a new task, say) is drawn by ``init`` for the weights and by the
    estimator's ``bias_init`` for the intercepts. Combine with the estimator's
    ``frozen_layers`` to fine-tune only the top of the network.

    Parameters
    ----------
    weights : Weights, fitted estimator, path or (coefs, intercepts)
        A :class:`skweights.io.Weights`; a fitted skweights or scikit-learn MLP;
        a file written by :func:`skweights.io.save` (``.npz``, ``.safetensors``,
        ``.onnx``), read at each ``fit``; or a pair of lists of arrays,
        ``coefs[i]`` of shape ``(fan_in, fan_out)``.
    layers : "all", "body" or int, default="all"
        Which layers to take, counted from the input: ``"all"`` takes every
        layer, and the network must have the same shape; ``"body"`` all but the
        output layer (a new head for a task with other outputs); an int ``k``
        the first ``k`` layers, or all but the top ``-k`` when negative.
    init : str or Initializer, default="sklearn"
        The initializer of the layers not taken.

    Notes
    -----
    The weights are copied, cast to the training dtype (float32 input gives
    float32 weights), and checked: a taken layer whose shape differs from the
    network's raises ``ValueError`` naming the layer and both shapes.

    scikit-learn's ``clone`` (used by ``GridSearchCV`` and ``cross_validate``)
    copies estimators passed as parameters *unfitted*; ``Pretrained`` keeps its
    ``weights`` through ``clone`` (it defines ``__sklearn_clone__``), so
    ``MLPClassifier(init=Pretrained(model))`` can be searched over. Weights are
    read, never modified.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skweights import MLPClassifier
    >>> from skweights.initializers import Pretrained
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> body = MLPClassifier((32,), max_iter=30, random_state=0).fit(X, y)
    >>> odd = MLPClassifier((32,), init=Pretrained(body, layers="body"),
    ...                     frozen_layers=-1, max_iter=30, random_state=0)
    >>> odd = odd.fit(X, y % 2)
    >>> bool((odd.coefs_[0] == body.coefs_[0]).all())
    True
    """

    def __init__(self, weights, layers="all", init="sklearn"):
        self.weights = weights
        self.layers = layers
        self.init = init

    def get_params(self, deep: bool = True):
        # The weights source is data, not a hyperparameter to search into.
        params = super().get_params(deep=False)
        if deep and hasattr(self.init, "get_params"):
            for key, value in self.init.get_params(deep=True).items():
                params[f"init__{key}"] = value
        return params

    def __sklearn_clone__(self):
        from sklearn.base import clone  # noqa: PLC0415

        return type(self)(
            weights=self.weights, layers=self.layers, init=clone(self.init, safe=False)
        )

    def _n_taken(self, source_layers: int, network_layers: int, source: str) -> int:
        layers = self.layers
        if isinstance(layers, str) and layers in ("all", "body"):
            k = source_layers if layers == "all" else source_layers - 1
        elif isinstance(layers, Integral) and not isinstance(layers, bool):
            k = int(layers) if layers > 0 else source_layers + int(layers)
        else:
            raise ValueError(
                f"Pretrained layers must be 'all', 'body' or a nonzero int; got "
                f"{layers!r}."
            )
        if not 1 <= k <= source_layers or layers == 0:
            raise ValueError(
                f"Pretrained layers={layers!r} selects {k} layer(s) but {source} "
                f"has {source_layers}; select between 1 and {source_layers}."
            )
        if k > network_layers:
            raise ValueError(
                f"Pretrained takes {k} layer(s) from {source} but the network has "
                f"only {network_layers} layers of weights; add hidden layers or "
                "take fewer (layers=...)."
            )
        if layers == "all" and k != network_layers:
            raise ValueError(
                f"{source} has {source_layers} layers of weights and the network "
                f"{network_layers}: with layers='all' they must match. Set "
                "hidden_layer_sizes like the source's, or take the bottom layers "
                "only (layers='body' or an int)."
            )
        return k

    def build(self, layer_units, random_state, dtype, activation=None, bias_inits=()):
        """Return ``(coefs, intercepts)`` for a network of ``layer_units``.

        ``bias_inits`` holds one initializer per layer for the intercepts of the
        layers not taken.
        """
        from .. import initializers  # noqa: PLC0415 - the registry
        from ..io._weights import weights_of  # noqa: PLC0415 - reads files lazily

        weights = weights_of(self.weights, config=False)
        n = len(layer_units) - 1
        k = self._n_taken(weights.n_layers, n, weights.source)
        coefs, intercepts = [], []
        for i in range(k):
            expected = (layer_units[i], layer_units[i + 1])
            if weights.coefs[i].shape != expected:
                if i == n - 1 and i > 0:  # only the output layer differs
                    raise ValueError(
                        f"The output layer (layer {i}) of {weights.source} has "
                        f"shape {weights.coefs[i].shape} but this task needs "
                        f"{expected}: another number of outputs. For a new output "
                        "layer on the pretrained body, pass "
                        "init=Pretrained(source, layers='body')."
                    )
                what = "inputs (features)" if i == 0 else "units"
                raise ValueError(
                    f"Layer {i} of {weights.source} has shape "
                    f"{weights.coefs[i].shape} but the network's layer {i} needs "
                    f"{expected}: the numbers of {what} differ. Match "
                    "hidden_layer_sizes and the features to the pretrained network, "
                    "or take fewer layers (layers=...)."
                )
            coefs.append(weights.coefs[i].astype(dtype, copy=True))
            intercepts.append(weights.intercepts[i].astype(dtype, copy=True))
        init = initializers.get(self.init)
        for i in range(k, n):
            fans = (layer_units[i], layer_units[i + 1])
            coefs.append(
                init(fans, random_state, dtype, fans=fans, activation=activation)
            )
            intercepts.append(
                bias_inits[i](
                    (fans[1],), random_state, dtype, fans=fans, activation=activation
                )
            )
        return coefs, intercepts


def _is_weights_path(init) -> bool:
    """A path to a weights file: path-like, or a string ending in a format's
    suffix (``.npz``, ``.safetensors``, ``.onnx``; no initializer name has one)."""
    if isinstance(init, os.PathLike):
        return True
    from ..io import FORMATS  # noqa: PLC0415 - the suffixes of the formats

    return isinstance(init, str) and os.path.splitext(init)[1].lower() in FORMATS


def _is_array(value) -> bool:
    return isinstance(value, np.ndarray) or (
        isinstance(value, (list, tuple))
        and bool(value)
        and all(
            isinstance(v, (list, tuple, np.ndarray)) or np.isscalar(v) for v in value
        )
        and not all(isinstance(v, str) for v in value)
    )


def _is_array_pair(init) -> bool:
    """``(coefs, intercepts)``: two non-empty sequences of arrays. A list of
    initializers holds names, classes or objects, never arrays."""
    return len(init) == 2 and all(
        isinstance(part, (list, tuple)) and part and all(map(_is_array, part))
        for part in init
    )


def as_pretrained(init) -> Pretrained | None:
    """``init`` as a :class:`Pretrained` when it holds weights, else None.

    Stand for ``Pretrained(init)``: a :class:`~skweights.io.Weights`; an estimator
    (fitted or not; an unfitted one raises a clear error at fit); a path to a
    file written by :func:`skweights.io.save` (path-like, or a string ending in
    ``.npz``, ``.safetensors`` or ``.onnx``); a pair ``(coefs, intercepts)`` of
    sequences of arrays.

    Raises
    ------
    TypeError
        For a list or tuple holding arrays that is not such a pair (weights
        without intercepts, say): the message shows the forms accepted.
    """
    if isinstance(init, Pretrained):
        return init
    if _is_weights_path(init):
        return Pretrained(init)
    if isinstance(init, (list, tuple)):
        if _is_array_pair(init):
            return Pretrained(init)
        if any(_is_array(part) for part in init):
            raise TypeError(
                "init holds arrays but is not a pair (coefs, intercepts): pass "
                "init=(coefs, intercepts), a list of weight matrices of shape "
                "(fan_in, fan_out) and a list of intercept vectors, or "
                "Pretrained((coefs, intercepts), layers=...) to take only some "
                f"layers; got a {type(init).__name__} of {len(init)} entries."
            )
        return None
    if isinstance(init, (str, type, Initializer)):
        return None
    from ..io._weights import Weights  # noqa: PLC0415

    if (
        isinstance(init, Weights)
        or hasattr(init, "get_params")
        and hasattr(init, "predict")
    ):
        return Pretrained(init)
    return None
