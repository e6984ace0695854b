"""NumPy ``.npz``: one array per layer and the config, never a pickle."""

from __future__ import annotations

import re
import tokenize
import zipfile

import numpy as np

from ._files import existing_file, read_weights, writable_weights
from ._weights import Weights

__all__ = ["read_npz", "save_npz"]

_MEMBER = re.compile(r"(coefs|intercepts)_(0|[1-9][0-9]*)")
#: how a damaged zip archive or ``.npy`` header fails in zipfile and numpy: bad
#: CRCs and truncation, unknown compression or zip versions, encrypted members,
#: headers that do not parse
_DAMAGED = (
    zipfile.BadZipFile,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    SyntaxError,
    tokenize.TokenError,
    KeyError,
    ValueError,
)
#: the local file header every zip archive written by NumPy starts with
_ZIP_SIGNATURE = b"PK\x03\x04"


def save_npz(estimator, path) -> None:
    """Write a fitted MLP to ``path`` in NumPy's ``.npz`` format.

    Members ``coefs_0, coefs_1, ...`` (shape ``(fan_in, fan_out)``),
    ``intercepts_0, ...`` (shape ``(fan_out,)``), in the weights' dtype, and
    ``config``, the JSON config as a 0-d unicode array. The file is written at
    ``path`` exactly (no ``.npz`` is appended).

    Parameters
    ----------
    estimator : fitted MLP or Weights
    path : str or path-like

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from skweights import MLPRegressor
    >>> from skweights.io import save_npz, read_npz
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> reg = MLPRegressor(hidden_layer_sizes=(3,), optimizer="lbfgs",
    ...                    random_state=0).fit(X, X.sum(axis=1))
    >>> path = os.path.join(tempfile.mkdtemp(), "reg.npz")
    >>> save_npz(reg, path)
    >>> read_npz(path).layer_units
    [2, 3, 1]
    """
    weights, config = writable_weights(estimator)
    arrays = {f"coefs_{i}": W for i, W in enumerate(weights.coefs)}
    arrays.update({f"intercepts_{i}": b for i, b in enumerate(weights.intercepts)})
    arrays["config"] = np.array(config)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def read_npz(path) -> Weights:
    """Read the weights and config of a file written by :func:`save_npz`.

    Arrays are loaded with ``allow_pickle=False``: a member holding Python
    objects is refused, never unpickled.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Naming the file (and the layer): not a valid ``.npz``, a corrupted or
        missing member, an object array, arrays that do not match the config.
    """
    path = existing_file(path)
    with open(path, "rb") as f:
        signature = f.read(len(_ZIP_SIGNATURE))
    # Checked first: np.load reads a file that is neither a zip nor a .npy as a
    # pickle (refused, with advice to load it unsafely).
    if signature != _ZIP_SIGNATURE or not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path} is not a valid .npz file: not a zip archive, or truncated."
        )
    with open(path, "rb") as f:  # ours to close, whatever np.load raises
        try:
            npz = np.load(f, allow_pickle=False)
            names = list(npz.files)
        except _DAMAGED as exc:
            raise ValueError(f"{path} is corrupted: {_reason(exc)}.") from None
        with npz:
            members = {name: _member(npz, name, path) for name in names}
    config = members.pop("config", None)
    if config is None:
        raise ValueError(f"{path} is corrupted: it has no 'config' member.")
    if config.ndim != 0 or config.dtype.kind != "U":
        raise ValueError(f"{path} is corrupted: 'config' is not a string.")
    unknown = sorted(name for name in members if not _MEMBER.fullmatch(name))
    if unknown:
        raise ValueError(
            f"{path} is corrupted: unexpected member(s) {', '.join(unknown)}."
        )
    n = max(int(name.split("_")[1]) for name in members) + 1 if members else 0
    coefs, intercepts = [], []
    for i in range(n):
        for kind, out in (("coefs", coefs), ("intercepts", intercepts)):
            name = f"{kind}_{i}"
            if name not in members:
                raise ValueError(
                    f"{path} is corrupted: layer {i} has no {name!r} member."
                )
            out.append(members[name])
    return read_weights(coefs, intercepts, str(config[()]), str(path))


def _what(name) -> str:
    """``"layer 1 weights (member 'coefs_1')"`` for a layer member, else the name."""
    match = _MEMBER.fullmatch(name)
    if match is None:
        return f"member {name!r}"
    kind = "weights" if match[1] == "coefs" else "intercepts"
    return f"layer {match[2]} {kind} (member {name!r})"


def _reason(exc) -> str:
    return str(exc) or type(exc).__name__


def _member(npz, name, path) -> np.ndarray:
    try:
        a = npz[name]
    except _DAMAGED as exc:
        if isinstance(exc, ValueError) and "allow_pickle" in str(exc):
            raise ValueError(
                f"{path}: member {name!r} holds Python objects (a pickle); "
                "skweights never unpickles, refusing to load it."
            ) from None
        raise ValueError(
            f"{path} is corrupted: {_what(name)}: {_reason(exc)}."
        ) from None
    if name != "config" and a.dtype not in (np.float32, np.float64):
        raise ValueError(
            f"{path}: member {name!r} has dtype {a.dtype}; expected float32 or float64."
        )
    return a
