"""The shuffle buffer: rows of consecutive chunks mixed before ``partial_fit``."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

import numpy as np

from ._base import _n_rows
from ._util import _merge


def _take(a, index: np.ndarray):
    """Rows ``index`` of one array of a chunk, as a new array."""
    if a is None:
        return None
    if hasattr(a, "iloc"):  # pandas
        return a.iloc[index]
    if hasattr(a, "tocsr"):  # scipy.sparse: row indexing needs CSR
        return a.tocsr()[index]
    return np.asarray(a)[index]


def _draw(pool: tuple, order: np.ndarray) -> tuple:
    return tuple(_take(a, order) for a in pool)


def shuffle_rows(
    chunks: Iterable[tuple], n_held: int, rng: np.random.RandomState
) -> Iterator[tuple]:
    """Batches of rows drawn at random from the last ``n_held + 1`` chunks read.

    The first ``n_held`` chunks fill the buffer. Then each chunk read joins it,
    the rows of the buffer are permuted, and as many rows as the oldest chunk
    still unaccounted for had are yielded as one batch; the rest stay in the
    buffer. At the end the buffer is permuted once more and cut into the
    remaining batches. The batches are therefore as many, and as large, as the
    chunks (in a delayed order), and every row is yielded exactly once.

    Parameters
    ----------
    chunks : iterable of tuple
        ``(X, y)`` or ``(X, y, sample_weight)`` chunks; empty ones are skipped.
    n_held : int
        Chunks' worth of rows held back in the buffer, at least 1.
    rng : numpy.random.RandomState
        Draws the permutations.

    Yields
    ------
    batch : tuple
        ``(X, y)`` or ``(X, y, sample_weight)``, new arrays.

    Notes
    -----
    Between batches the buffer holds the rows of ``n_held`` chunks, beside the
    batch being trained on. While a batch is drawn, the buffer and the chunk
    just read are concatenated and then split in two, so about
    ``2 * (n_held + 1)`` chunks' worth of rows are briefly in memory.
    """
    pending: list[tuple] = []  # the buffer, and the chunk just read
    sizes: deque[int] = deque()  # the sizes of the batches still to yield
    for chunk in chunks:
        n = _n_rows(chunk[0])
        if len(chunk) == 3 and chunk[2] is None:
            chunk = chunk[:2]
        if n == 0:
            del chunk
            continue
        pending.append(chunk)
        sizes.append(n)
        del chunk
        if len(sizes) <= n_held:
            continue
        pool = _merge(pending)
        order = rng.permutation(_n_rows(pool[0]))
        size = sizes.popleft()
        batch = _draw(pool, order[:size])
        pending.append(_draw(pool, np.sort(order[size:])))
        del pool, order
        yield batch
        del batch  # before the next chunk is read
    if not sizes:
        return
    pool = _merge(pending)
    order = rng.permutation(_n_rows(pool[0]))
    start = 0
    while sizes:
        size = sizes.popleft()
        batch = _draw(pool, order[start : start + size])
        start += size
        if not sizes:
            del pool
        yield batch
        del batch
