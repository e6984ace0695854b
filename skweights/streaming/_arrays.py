"""ArrayChunks: blocks of rows of numpy arrays, memmaps, h5py datasets or dask arrays."""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator
from numbers import Integral
from typing import Any

import numpy as np

from ._base import ChunkSource, _n_rows

__all__ = ["ArrayChunks"]


def _is_dask(a) -> bool:
    return type(a).__module__.split(".")[0] == "dask" and hasattr(a, "compute")


def _import_dask():
    try:
        import dask  # noqa: PLC0415 - optional dependency, imported on use
        import dask.array  # noqa: F401, PLC0415
    except ImportError as exc:  # pragma: no cover - dask is installed with the extra
        raise ImportError(
            "Reading a dask array needs dask: pip install 'skweights[dask]'."
        ) from exc
    return dask


class _Rows:
    """Reads rows ``[start, stop)`` of one array-like into memory."""

    def __init__(self, a, name: str, chunk_size: int):
        self.a = a
        self.name = name
        self.n_rows = _n_rows(a)
        self.reopen = None
        if _is_dask(a):
            _import_dask()
            if any(np.isnan(c) for c in a.chunks[0]):
                raise ValueError(
                    f"{name} is a dask array with unknown chunk sizes; call "
                    f"{name}.compute_chunk_sizes() first."
                )
            # One block per chunk of rows, the other axes whole: block i is chunk i.
            other = {axis: -1 for axis in range(1, a.ndim)}
            self.a = a.rechunk({0: chunk_size, **other})
        elif (
            isinstance(a, np.memmap)
            and isinstance(a.base, mmap.mmap)  # the map itself, not a view of it
            and a.filename is not None
            and a.mode != "c"  # copy-on-write changes are not in the file
            and a.flags.c_contiguous
            and os.path.isfile(a.filename)
        ):
            self.reopen = (a.filename, a.dtype, a.offset, a.shape)

    @property
    def lazy(self) -> bool:
        return _is_dask(self.a)

    def read(self, i: int, start: int, stop: int):
        if self.lazy:
            return self.a.blocks[i]  # computed by the caller, with the others
        if self.reopen is not None:
            # A fresh read-only map of just these rows, copied and dropped: the
            # pages read leave the process with the map.
            filename, dtype, offset, shape = self.reopen
            row_bytes = dtype.itemsize * int(np.prod(shape[1:], dtype=np.int64))
            part = np.memmap(
                filename,
                dtype=dtype,
                mode="r",
                offset=offset + start * row_bytes,
                shape=(stop - start, *shape[1:]),
            )
            out = np.array(part)
            del part
            return out
        rows = self.a[start:stop]
        if type(rows) is np.ndarray and not isinstance(self.a, np.memmap):
            return rows  # a view of an array already in memory
        if isinstance(rows, np.ndarray):
            return np.array(rows)  # a memmap view: copy it out of the map
        if hasattr(rows, "iloc") or hasattr(rows, "tocsr"):
            return rows  # pandas, scipy.sparse: scikit-learn takes them as they are
        return np.asarray(rows)  # h5py datasets, zarr arrays, lists...


class ArrayChunks(ChunkSource):
    """Consecutive blocks of ``chunk_size`` rows of in-memory or on-disk arrays.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Anything whose rows can be sliced: a numpy array, a ``numpy.memmap``,
        an h5py or zarr dataset, a scipy sparse matrix, a pandas DataFrame or a
        dask array.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets, of any of the same kinds.
    chunk_size : int
        Rows per chunk; the last chunk holds the remainder.
    sample_weight : array-like of shape (n_samples,), default=None
        Per-row weights; chunks are then ``(X, y, sample_weight)`` triples.

    Notes
    -----
    Only one chunk is read at a time:

    - a ``numpy.memmap`` opened on a file (``np.memmap(...)`` or
      ``np.load(..., mmap_mode="r")``) is reopened read-only for each chunk,
      over just that chunk's rows; the rows are copied into memory and the map
      is dropped, so the resident memory of the process does not grow with the
      pages read;
    - a dask array is rechunked lazily to ``chunk_size`` rows and one block is
      computed per chunk (blocks of ``X``, ``y`` and ``sample_weight`` in one
      ``dask.compute`` call); the whole array is never computed;
    - other arrays are sliced; a plain numpy array gives views, no copies.

    Examples
    --------
    >>> import numpy as np
    >>> from skweights.streaming import ArrayChunks
    >>> X, y = np.zeros((25, 3)), np.zeros(25)
    >>> source = ArrayChunks(X, y, chunk_size=10)
    >>> source.n_chunks, [len(Xc) for Xc, yc in source]
    (3, [10, 10, 5])
    """

    def __init__(self, X, y, chunk_size: int, sample_weight=None):
        if (
            not isinstance(chunk_size, (Integral, np.integer))
            or isinstance(chunk_size, bool)
            or chunk_size < 1
        ):
            raise ValueError(f"chunk_size must be a positive int; got {chunk_size!r}.")
        self.chunk_size = int(chunk_size)
        arrays = {"X": X, "y": y}
        if sample_weight is not None:
            arrays["sample_weight"] = sample_weight
        self._rows = [_Rows(a, name, self.chunk_size) for name, a in arrays.items()]
        n = self._rows[0].n_rows
        for r in self._rows[1:]:
            if r.n_rows != n:
                raise ValueError(
                    f"X has {n} rows but {r.name} has {r.n_rows}; they must match."
                )
        if n == 0:
            raise ValueError("X has no rows.")
        self.n_samples = n
        self.n_chunks = -(-n // self.chunk_size)

    def _bounds(self, i: int) -> tuple[int, int]:
        if not 0 <= i < self.n_chunks:
            raise IndexError(f"chunk {i} out of range: there are {self.n_chunks}.")
        start = i * self.chunk_size
        return start, min(start + self.chunk_size, self.n_samples)

    def _read(self, i: int, rows: list[_Rows]) -> tuple:
        start, stop = self._bounds(i)
        parts = [r.read(i, start, stop) for r in rows]
        lazy = [k for k, r in enumerate(rows) if r.lazy]
        if lazy:
            dask = _import_dask()
            computed = dask.compute(*(parts[k] for k in lazy))
            for k, value in zip(lazy, computed, strict=True):
                parts[k] = value
        return tuple(parts)

    def load(self, i: int) -> tuple:
        """Chunk ``i``: rows ``[i * chunk_size, (i + 1) * chunk_size)``."""
        return self._read(i, self._rows)

    def iter_y(self) -> Iterator[Any]:
        for i in range(self.n_chunks):
            yield self._read(i, self._rows[1:2])[0]

    def __repr__(self) -> str:
        return (
            f"ArrayChunks(n_samples={self.n_samples}, chunk_size={self.chunk_size}, "
            f"n_chunks={self.n_chunks})"
        )
