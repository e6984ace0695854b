"""The chunk source protocol, and sources made from lists, callables and iterators."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

__all__ = ["ChunkSource", "as_chunk_source"]


class ChunkSource:
    """A source of training chunks that can be read once per epoch.

    Iterating yields ``(X, y)`` pairs, or ``(X, y, sample_weight)`` triples when
    the source has sample weights, in the source's own order. A source with
    random access (``n_chunks`` is an int) also loads chunk ``i`` on its own with
    :meth:`load`, which lets :func:`~skweights.streaming.fit_stream` visit the
    chunks in a new order every epoch; a source without it (``n_chunks`` is
    None) is read front to back.

    Subclass it for a custom source: set ``n_chunks`` and define :meth:`load`,
    or leave ``n_chunks = None`` and define :meth:`__iter__`.

    Examples
    --------
    >>> import numpy as np
    >>> from skweights.streaming import ChunkSource
    >>> class Ten(ChunkSource):
    ...     n_chunks = 3
    ...     def load(self, i):
    ...         return np.full((10, 2), i, float), np.arange(10) % 2
    >>> [X.shape for X, y in Ten()]
    [(10, 2), (10, 2), (10, 2)]
    """

    #: the number of chunks if they can be loaded by index, else None
    n_chunks: int | None = None

    def load(self, i: int) -> tuple:
        """Chunk ``i`` as ``(X, y)`` or ``(X, y, sample_weight)``, in memory."""
        raise TypeError(f"{type(self).__name__} has no random access to its chunks.")

    def __iter__(self) -> Iterator[tuple]:
        if self.n_chunks is None:
            raise NotImplementedError(
                f"{type(self).__name__} must define __iter__ or n_chunks and load."
            )
        for i in range(self.n_chunks):
            yield self.load(i)

    def iter_y(self) -> Iterator[Any]:
        """The targets of every chunk, in order (for ``classes="scan"``)."""
        for chunk in self:
            y = chunk[1]
            del chunk  # only y is held while the caller reads it
            yield y


def _n_rows(a) -> int:
    shape = getattr(a, "shape", None)
    if shape is not None and len(shape) > 0:
        return shape[0]
    return len(a)


def _as_chunk(item, where: str) -> tuple:
    """Check one ``(X, y[, sample_weight])`` item from a user's stream."""
    if not isinstance(item, (tuple, list)) or len(item) not in (2, 3):
        raise TypeError(
            f"{where} is a {type(item).__name__}; each chunk must be a tuple "
            "(X, y) or (X, y, sample_weight)."
        )
    n = _n_rows(item[0])
    for name, a in zip(("y", "sample_weight"), item[1:], strict=False):
        if _n_rows(a) != n:
            raise ValueError(f"{where}: X has {n} rows but {name} has {_n_rows(a)}.")
    return tuple(item)


class _ListChunks(ChunkSource):
    """A sequence of chunks already made: random access."""

    def __init__(self, chunks: Sequence):
        self.chunks = chunks
        self.n_chunks = len(chunks)

    def load(self, i: int) -> tuple:
        return _as_chunk(self.chunks[i], f"chunk {i}")


class _StreamChunks(ChunkSource):
    """A callable returning a fresh iterator, or a re-iterable: read in order."""

    def __init__(self, make: Callable[[], Iterable], what: str):
        self.make = make
        self.what = what
        self._last = None
        self._epochs = 0

    def __iter__(self) -> Iterator[tuple]:
        it = self.make()
        if it is None or not hasattr(it, "__iter__"):
            raise TypeError(
                f"{self.what} returned {type(it).__name__}, not an iterable of "
                "(X, y) chunks."
            )
        it = iter(it)
        if self._epochs and it is self._last:
            raise ValueError(
                f"{self.what} returned the same iterator as in the last epoch; it "
                "must make a new one on each call (e.g. lambda: make_chunks())."
            )
        self._last = it
        self._epochs += 1
        n = 0
        for item in it:  # no enumerate: it would keep the last chunk alive
            chunk = _as_chunk(item, f"chunk {n} of {self.what}")
            del item
            n += 1
            yield chunk
            del chunk  # before the next chunk is read
        if n == 0 and self._epochs > 1:
            raise ValueError(
                f"{self.what} yielded no chunk in epoch {self._epochs}: it is "
                "exhausted. Pass a zero-argument callable that returns a new "
                "iterator, or a list of chunks."
            )


class _OneShotChunks(ChunkSource):
    """A generator or other iterator: it can serve one epoch only."""

    def __init__(self, iterator: Iterator):
        self.iterator = iterator
        self.used = False

    def __iter__(self) -> Iterator[tuple]:
        if self.used:
            raise ValueError(
                f"The chunks come from a one-shot {type(self.iterator).__name__}, "
                "which was used up by an earlier pass (the first epoch, or "
                "classes='scan'). Pass a zero-argument "
                "callable that returns a new iterator each epoch (e.g. "
                "lambda: make_chunks()), a list of chunks, or epochs=1."
            )
        self.used = True
        n = 0
        for item in self.iterator:
            chunk = _as_chunk(item, f"chunk {n} of the iterator")
            del item
            n += 1
            yield chunk
            del chunk


def as_chunk_source(chunks) -> ChunkSource:
    """A :class:`ChunkSource` for anything :func:`fit_stream` accepts.

    Parameters
    ----------
    chunks : ChunkSource, list, callable or iterable
        A source is returned as it is; a list or tuple of ``(X, y)`` chunks has
        random access; a zero-argument callable is called once per epoch for a
        new iterator of chunks; a re-iterable object is iterated once per epoch;
        a generator or other iterator serves one epoch only.

    Returns
    -------
    source : ChunkSource

    Examples
    --------
    >>> import numpy as np
    >>> from skweights.streaming import as_chunk_source
    >>> chunks = [(np.zeros((5, 2)), np.zeros(5))] * 3
    >>> as_chunk_source(chunks).n_chunks
    3
    >>> as_chunk_source(lambda: iter(chunks)).n_chunks is None
    True
    """
    if isinstance(chunks, ChunkSource):
        return chunks
    if isinstance(chunks, (list, tuple)):
        if len(chunks) in (2, 3) and not isinstance(chunks[0], (tuple, list)):
            raise TypeError(
                "chunks looks like one (X, y) pair, not a list of chunks; pass "
                "ArrayChunks(X, y, chunk_size) to stream it in chunks."
            )
        return _ListChunks(chunks)
    if callable(chunks):
        name = getattr(chunks, "__name__", type(chunks).__name__)
        return _StreamChunks(chunks, f"the callable {name}")
    if isinstance(chunks, Iterator):
        return _OneShotChunks(chunks)
    if isinstance(chunks, Iterable) and not hasattr(chunks, "shape"):
        return _StreamChunks(lambda: chunks, f"the {type(chunks).__name__}")
    raise TypeError(
        f"Cannot read chunks from a {type(chunks).__name__}. Pass ArrayChunks(X, y, "
        "chunk_size), NpyDirectoryChunks(directory), a list of (X, y) tuples, or a "
        "zero-argument callable returning an iterator of them."
    )
