"""Helpers of the streaming trainer: merging chunks, finding classes, weights."""

from __future__ import annotations

import copy
from numbers import Integral

import numpy as np

from ._base import ChunkSource

#: the attributes holding the learned weights of scikit-learn's incremental models
_WEIGHT_ATTRIBUTES = ("coefs_", "intercepts_", "coef_", "intercept_")


def _scan_classes(source: ChunkSource) -> np.ndarray:
    """Every label in the targets of the source (one pass over them)."""
    labels, n_labels = None, None
    for y in source.iter_y():
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            n_labels = y.shape[1]  # a multilabel indicator matrix
            continue
        found = np.unique(y.ravel())
        labels = found if labels is None else np.union1d(labels, found)
        del y
    if n_labels is not None:
        return np.arange(n_labels)
    if labels is None:
        raise ValueError("classes='scan' found no targets: the source is empty.")
    return labels


def _positive_int(value) -> bool:
    return (
        isinstance(value, (Integral, np.integer))
        and not isinstance(value, bool)
        and value >= 1
    )


def _weights_kw(chunk, keyword: bool = False):
    """The sample weights of a chunk: ``()`` if none, else a 1-tuple or pair."""
    if len(chunk) < 3 or chunk[2] is None:
        return ()
    return (("sample_weight", chunk[2]),) if keyword else (chunk[2],)


def _merge(group: list) -> tuple:
    """One chunk from a group of chunks; the group is emptied."""
    if len(group) == 1:
        return group.pop()
    parts = list(zip(*group, strict=True))
    group.clear()
    return tuple(_concatenate(list(p)) for p in parts)


def _concatenate(arrays: list):
    first = arrays[0]
    if hasattr(first, "tocsr"):
        import scipy.sparse as sp  # noqa: PLC0415 - scipy is a dependency

        return sp.vstack(arrays, format=first.format)
    if hasattr(first, "iloc"):
        import pandas as pd  # noqa: PLC0415 - the user's chunks are pandas

        return pd.concat(arrays)
    return np.concatenate([np.asarray(a) for a in arrays])


def _snapshot(est):
    weights = {
        name: getattr(est, name) for name in _WEIGHT_ATTRIBUTES if hasattr(est, name)
    }
    if weights:
        return "weights", {name: _copy(value) for name, value in weights.items()}
    return "state", copy.deepcopy(est.__dict__)


def _copy(value):
    if isinstance(value, list):
        return [np.array(v, copy=True) for v in value]
    return copy.deepcopy(value)


def _restore(est, snapshot) -> None:
    kind, saved = snapshot
    if kind == "state":
        est.__dict__.clear()
        est.__dict__.update(saved)
        return
    for name, value in saved.items():
        current = getattr(est, name, None)
        if isinstance(value, list) and _same_shapes(current, value):
            for dst, src in zip(current, value, strict=True):
                np.copyto(dst, src)  # in place: skweights' packed views stay valid
        elif _same_shapes([current], [value]):
            np.copyto(current, value)
        else:
            setattr(est, name, value)


def _same_shapes(current, saved) -> bool:
    return (
        isinstance(current, list)
        and len(current) == len(saved)
        and all(
            isinstance(c, np.ndarray)
            and isinstance(s, np.ndarray)
            and c.shape == s.shape
            and c.flags.writeable
            for c, s in zip(current, saved, strict=True)
        )
    )
