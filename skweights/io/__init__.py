"""Saving and loading fitted networks: ``.npz``, ``.safetensors``, ONNX, scikit-learn.

>>> import os, tempfile
>>> import numpy as np
>>> from skweights import MLPClassifier
>>> from skweights.io import load, save
>>> X, y = np.eye(4), np.array(["a", "b", "b", "a"])
>>> clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=20, random_state=0).fit(X, y)
>>> path = os.path.join(tempfile.mkdtemp(), "clf.npz")
>>> save(clf, path)
>>> loaded = load(path, expected="MLPClassifier")
>>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
True

Formats
-------
Every file holds the weights in their dtype (float32 or float64), bit for bit,
and a JSON *config* describing the network (see :func:`config_of`). The format
is chosen from the suffix:

``.npz`` (NumPy, no extra dependency)
    Members ``coefs_<i>`` (shape ``(fan_in, fan_out)``, scikit-learn's
    ``coefs_[i]``), ``intercepts_<i>`` (shape ``(fan_out,)``) and ``config``, the
    JSON text as a 0-d unicode array. Read with ``allow_pickle=False``.
``.safetensors`` (``pip install "skweights[safetensors]"``)
    The state dict of a PyTorch ``nn.Sequential(Linear, act, Linear, ...,
    Linear)``: ``"<2i>.weight"`` of shape ``(fan_out, fan_in)``, i.e.
    ``coefs_[i].T``, and ``"<2i>.bias"``; the config in the metadata under
    ``"skweights"``.
``.onnx`` (``pip install "skweights[onnx]"``)
    A model computing the predictions (see :func:`to_onnx`), with initializers
    ``coefs_<i>`` and ``intercepts_<i>`` and the config in ``metadata_props``
    under ``"skweights"``. Loading reads the initializers and the config, not the
    graph.

The config has ``format`` (``"skweights"``), ``format_version`` (readers refuse
a newer one than :data:`FORMAT_VERSION`), ``skweights_version``, ``estimator``,
``activation`` and ``activation_params``, ``out_activation``, ``layer_units``,
``dtype``, ``n_features_in``, ``feature_names_in``, the classifier's
``classes``, ``classes_dtype`` and ``y_type`` or the regressor's ``loss``,
``params`` (the estimator's parameters; component objects such as
``Adam(beta_1=0.8)`` as ``{"component", "module", "params"}``),
``dropped_params`` (parameters with no JSON form, such as arrays, callables or
pretrained initializers, which load as their defaults), ``fitted`` (number
of iterations, samples seen, loss, loss curve, stopping-rule state),
``checksums``: ``{"algorithm": "sha256", "coefs": [...], "intercepts": [...]}``,
the SHA-256 digest of every array's values (its bytes in C order,
little-endian, ``coefs[i]`` in the ``(fan_in, fan_out)`` layout whatever the
format stores), and ``config_checksum``, the SHA-256 hex digest of the config
itself: of every other field, as ``json.dumps(fields, sort_keys=True,
separators=(",", ":"), ensure_ascii=True)`` encoded as ASCII (the same in every
format and after a save, load and save again). Both are written by :func:`save`
and checked by every reader, the config's digest before any field is read.
Files without them (written by skweights before they were stored) load
unchecked; a config without ``config_checksum`` must then hold only the fields
such files hold.

What a loaded estimator is
--------------------------
:func:`load` always builds a new estimator, never changing an existing one. It
predicts exactly as the saved one (``predict``, ``predict_proba``, ``score``)
and can be trained further with ``partial_fit`` or ``fit`` with
``warm_start=True``. The optimizer's state (Adam's moments, momentum, the
schedule's position) is not saved: further training starts it afresh, as
scikit-learn does at every ``fit``; the shuffling random state is re-created from
``random_state``.

Safety
------
Loading never unpickles and never imports a module named by a file: ``.npz``
files are read with ``allow_pickle=False`` (a member holding Python objects is
refused); ONNX tensors stored in external files are refused; components are
rebuilt only from classes exported by :mod:`skweights.activations`,
``initializers``, ``penalties``, ``optimizers`` and ``constraints``, by calling
the class with the stored keyword arguments. Every config is checked against the
arrays. A missing file raises ``FileNotFoundError``; anything else wrong (a
truncated or corrupted file, an array whose digest differs from its stored
checksum, a config that does not match its own, a missing or extra array, a
shape or layer count that does not match the config, a non-finite weight, a malformed config, a newer format version, an
estimator other than the one ``expected``) raises ``ValueError`` naming the file
and, where it applies, the layer or the config field.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._config import build_estimator, config_of
from ._npz import read_npz, save_npz
from ._onnx import read_onnx, save_onnx, to_onnx
from ._safetensors import read_safetensors, save_safetensors
from ._sklearn import from_sklearn, to_sklearn
from ._weights import FORMAT_VERSION, Weights, weights_of

__all__ = [
    "FORMATS",
    "FORMAT_VERSION",
    "Weights",
    "build_estimator",
    "config_of",
    "from_sklearn",
    "load",
    "load_weights",
    "read_npz",
    "read_onnx",
    "read_safetensors",
    "save",
    "save_npz",
    "save_onnx",
    "save_safetensors",
    "to_onnx",
    "to_sklearn",
    "weights_of",
]

#: file suffixes and the format each means
FORMATS = {".npz": "npz", ".safetensors": "safetensors", ".onnx": "onnx"}
_WRITERS = {"npz": save_npz, "safetensors": save_safetensors, "onnx": save_onnx}
_READERS = {"npz": read_npz, "safetensors": read_safetensors, "onnx": read_onnx}


def _format(path, format: str | None) -> str:
    if format is None:
        suffix = Path(os.fspath(path)).suffix.lower()
        if suffix in FORMATS:
            return FORMATS[suffix]
        raise ValueError(
            f"Cannot tell the format of {os.fspath(path)!r} from its suffix "
            f"{suffix!r}: use one of {', '.join(FORMATS)} or pass format= one of "
            f"{', '.join(_WRITERS)}."
        )
    name = str(format).lower().lstrip(".")
    if name not in _WRITERS:
        raise ValueError(
            f"Unknown format {format!r}; the formats are {', '.join(_WRITERS)}."
        )
    return name


def save(estimator, path, format: str | None = None) -> None:
    """Write a fitted MLP (skweights or scikit-learn) to a file.

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor, or Weights with a config
    path : str or path-like
    format : {"npz", "safetensors", "onnx"}, optional
        Default: from the suffix of ``path`` (``.npz``, ``.safetensors``,
        ``.onnx``).

    Raises
    ------
    TypeError
        If ``estimator`` is a path (the arguments swapped) or is not an MLP.
    ValueError
        For an unknown suffix or format (the message lists them), an unfitted
        estimator, or a network that could not be loaded again (a hidden
        activation outside :mod:`skweights.activations`).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skweights import MLPRegressor
    >>> from skweights.io import load_weights, save
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> reg = MLPRegressor(hidden_layer_sizes=(3,), optimizer="lbfgs",
    ...                    random_state=0).fit(X, X.sum(axis=1))
    >>> path = os.path.join(tempfile.mkdtemp(), "reg.npz")
    >>> save(reg, path)
    >>> load_weights(path).layer_units
    [2, 3, 1]
    """
    if isinstance(estimator, (str, os.PathLike)):
        swapped = not isinstance(path, (str, os.PathLike))
        raise TypeError(
            "save(estimator, path) takes the estimator first and the path second; "
            f"got the path {os.fspath(estimator)!r} as the estimator"
            + (
                f" and the {type(path).__name__} as the path: swap them."
                if swapped
                else "."
            )
        )
    _WRITERS[_format(path, format)](estimator, path)


def load_weights(path, format: str | None = None) -> Weights:
    """The weights and config stored in a file written by :func:`save`.

    Parameters
    ----------
    path : str or path-like
    format : {"npz", "safetensors", "onnx"}, optional
        Default: from the suffix of ``path``.

    Returns
    -------
    weights : Weights
        Checked against its config; ``weights.source`` is the path.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not valid, is corrupted or does not match its config.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skweights import MLPRegressor
    >>> from skweights.io import load_weights, save
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> reg = MLPRegressor(hidden_layer_sizes=(3,), optimizer="lbfgs",
    ...                    random_state=0).fit(X, X.sum(axis=1))
    >>> path = os.path.join(tempfile.mkdtemp(), "reg.npz")
    >>> save(reg, path)
    >>> load_weights(path).config["estimator"]
    'MLPRegressor'
    """
    return _READERS[_format(path, format)](path)


def _check_expected(name: str, expected, path) -> None:
    from .. import neural_network

    ours = getattr(neural_network, name)
    if isinstance(expected, str):
        if expected not in ("MLPClassifier", "MLPRegressor"):
            raise ValueError(
                f"expected must be 'MLPClassifier', 'MLPRegressor' or a class; got "
                f"{expected!r}."
            )
        ok, wanted = expected == name, expected
    elif isinstance(expected, type):
        ok = issubclass(ours, expected) or expected.__name__ == name
        wanted = expected.__name__
    else:
        raise TypeError(
            f"expected must be a class or a class name; got {type(expected).__name__}."
        )
    if not ok:
        raise ValueError(f"{path} holds an {name}, not the expected {wanted}.")


def load(path, expected=None, format: str | None = None):
    """A new fitted estimator from a file written by :func:`save`.

    Parameters
    ----------
    path : str or path-like
    expected : class or str, optional
        Refuse a file holding another estimator: a class the loaded estimator
        must be an instance of (``MLPClassifier``, ``ClassifierMixin``;
        scikit-learn's class of the same name also matches) or a name,
        ``"MLPClassifier"`` or ``"MLPRegressor"``.
    format : {"npz", "safetensors", "onnx"}, optional
        Default: from the suffix of ``path``.

    Returns
    -------
    estimator : skweights MLPClassifier or MLPRegressor
        Predicts exactly as the saved estimator, and can be trained further
        (``partial_fit``, ``fit`` with ``warm_start=True``); the optimizer state
        restarts.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not valid, is corrupted, does not match its config, or
        holds another estimator than ``expected``.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skweights import MLPRegressor
    >>> from skweights.io import load, save
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> reg = MLPRegressor(hidden_layer_sizes=(3,), optimizer="lbfgs",
    ...                    random_state=0).fit(X, X.sum(axis=1))
    >>> path = os.path.join(tempfile.mkdtemp(), "reg.npz")
    >>> save(reg, path)
    >>> load(path, expected="MLPClassifier")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: ...reg.npz holds an MLPRegressor, not the expected MLPClassifier.
    """
    weights = load_weights(path, format=format)
    if expected is not None:
        _check_expected(weights.config["estimator"], expected, path)
    return build_estimator(weights)
