"""safetensors, laid out as a PyTorch ``nn.Sequential`` of ``Linear`` layers."""

from __future__ import annotations

import re

import numpy as np

from ._files import existing_file, read_weights, writable_weights
from ._weights import Weights

__all__ = ["read_safetensors", "save_safetensors"]

#: metadata key of the JSON config
METADATA_KEY = "skweights"
_TENSOR = re.compile(r"(0|[1-9][0-9]*)\.(weight|bias)")


def _safetensors():
    try:
        import safetensors
        import safetensors.numpy
    except ImportError:
        raise ImportError(
            "Reading and writing .safetensors files needs the safetensors package: "
            'pip install "skweights[safetensors]"'
        ) from None
    return safetensors


def save_safetensors(estimator, path) -> None:
    """Write a fitted MLP to ``path`` in the safetensors format.

    The tensors are those of a PyTorch ``nn.Sequential`` alternating ``Linear``
    and activation modules: layer ``i`` is ``"{2i}.weight"`` of shape
    ``(fan_out, fan_in)`` (``coefs_[i].T``) and ``"{2i}.bias"``, so
    ``Sequential(Linear, ReLU, Linear, ...).load_state_dict(load_file(path))``
    takes them as they are. The metadata holds the JSON config under
    ``"skweights"`` (and ``"format": "pt"``).

    Parameters
    ----------
    estimator : fitted MLP or Weights
    path : str or path-like

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from skweights import MLPRegressor
    >>> from skweights.io import save_safetensors, read_safetensors
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> reg = MLPRegressor(hidden_layer_sizes=(3,), optimizer="lbfgs",
    ...                    random_state=0).fit(X, X.sum(axis=1))
    >>> path = os.path.join(tempfile.mkdtemp(), "reg.safetensors")
    >>> save_safetensors(reg, path)
    >>> read_safetensors(path).layer_units
    [2, 3, 1]
    """
    st = _safetensors()
    weights, config = writable_weights(estimator)
    tensors = {}
    for i, (W, b) in enumerate(zip(weights.coefs, weights.intercepts, strict=True)):
        # A contiguous copy: safetensors writes the raw buffer of a transposed
        # view in its memory order, i.e. untransposed.
        tensors[f"{2 * i}.weight"] = np.ascontiguousarray(W.T)
        tensors[f"{2 * i}.bias"] = np.ascontiguousarray(b)
    st.numpy.save_file(tensors, path, metadata={METADATA_KEY: config, "format": "pt"})


def read_safetensors(path) -> Weights:
    """Read the weights and config of a file written by :func:`save_safetensors`.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Naming the file (and the layer): not a valid safetensors file, no
        skweights metadata, a missing or unexpected tensor, arrays that do not
        match the config.
    """
    st = _safetensors()
    path = existing_file(path)
    try:
        with st.safe_open(str(path), framework="np") as f:
            metadata = f.metadata() or {}
            tensors = {name: f.get_tensor(name) for name in f.keys()}
    except st.SafetensorError as exc:
        raise ValueError(f"{path} is not a valid safetensors file: {exc}.") from None
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"{path} is corrupted: {exc}.") from None
    if METADATA_KEY not in metadata:
        raise ValueError(
            f"{path} has no {METADATA_KEY!r} metadata: it was not written by "
            "skweights, so the network it holds is unknown."
        )
    unknown = sorted(name for name in tensors if not _TENSOR.fullmatch(name))
    odd = sorted(
        name for name in set(tensors) - set(unknown) if int(name.split(".")[0]) % 2
    )
    if unknown or odd:
        raise ValueError(
            f"{path} is corrupted: unexpected tensor(s) {', '.join(unknown + odd)}."
        )
    n = max(int(name.split(".")[0]) for name in tensors) // 2 + 1 if tensors else 0
    coefs, intercepts = [], []
    for i in range(n):
        for kind, out in (("weight", coefs), ("bias", intercepts)):
            name = f"{2 * i}.{kind}"
            if name not in tensors:
                raise ValueError(f"{path} is corrupted: layer {i} has no {name!r}.")
            a = tensors[name]
            if a.dtype not in (np.float32, np.float64):
                raise ValueError(
                    f"{path}: tensor {name!r} has dtype {a.dtype}; expected "
                    "float32 or float64."
                )
            out.append(a.T if kind == "weight" and a.ndim == 2 else a)
    return read_weights(coefs, intercepts, metadata[METADATA_KEY], str(path))
