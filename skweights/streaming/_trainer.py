"""Epochs of ``partial_fit`` calls over a chunk source, with held-out scoring."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import check_random_state

from ._base import ChunkSource, _as_chunk, _n_rows, as_chunk_source
from ._shuffle import shuffle_rows
from ._util import (
    _merge,
    _positive_int,
    _restore,
    _scan_classes,
    _snapshot,
    _weights_kw,
)

__all__ = ["StreamHistory", "StreamingTrainer", "fit_stream"]


@dataclass
class StreamHistory:
    """What happened in each epoch of a streamed fit.

    Attributes
    ----------
    epochs : list of int
        Epoch numbers, from 1.
    n_rows : list of int
        Rows trained on in each epoch.
    n_calls : list of int
        ``partial_fit`` calls in each epoch (chunks, or merged groups of
        ``mix`` chunks).
    times : list of float
        Seconds per epoch, reading, training and scoring.
    validation_scores : list of float
        The estimator's ``score`` on the validation data after each epoch
        (empty without validation).
    best_epoch : int or None
        The epoch with the highest validation score.
    best_score : float or None
        That score.
    stopped_early : bool
        True if ``n_iter_no_change`` ended training before ``epochs``.
    restored_best : bool
        True if the weights of ``best_epoch`` were put back at the end.

    Examples
    --------
    >>> from skweights.streaming import StreamHistory
    >>> StreamHistory().best_epoch is None
    True
    """

    epochs: list[int] = field(default_factory=list)
    n_rows: list[int] = field(default_factory=list)
    n_calls: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    validation_scores: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    best_score: float | None = None
    stopped_early: bool = False
    restored_best: bool = False


class StreamingTrainer:
    """Train an estimator with ``partial_fit`` over chunks read from disk.

    Each epoch reads every training chunk once and calls ``partial_fit`` once per
    chunk. The estimator given is trained in place, as ``partial_fit`` would: it
    is never cloned, and an estimator that is already fitted continues from its
    weights, optimizer state and ``classes_`` (pass ``sklearn.base.clone(est)``
    to start afresh).

    Parameters
    ----------
    estimator : estimator with ``partial_fit``
        A skweights MLP with a stochastic optimizer, or any scikit-learn
        incremental estimator (``SGDClassifier``, ``MLPRegressor``, ...).
    epochs : int, default=10
        Passes over the training chunks.
    classes : array-like, "scan" or None, default=None
        Every label a classifier can meet, passed to the first ``partial_fit``
        call. Required for a classifier that is not fitted yet, unless
        ``"scan"``: then the targets of every chunk are read once before
        training to find them. For an already fitted classifier, None uses its
        ``classes_``. Must be None for a regressor.
    validation : tuple, "last" or None, default=None
        Held-out data scored with the estimator's ``score`` after each epoch:
        an ``(X_val, y_val)`` or ``(X_val, y_val, sample_weight)`` tuple, or
        ``"last"`` to hold out the source's last chunk, which is then never
        trained on (for a stream without random access, the last chunk it
        yields, known by reading one chunk ahead).
    shuffle : bool, default=True
        Visit the chunks in a new random order each epoch (sources with random
        access: :class:`ArrayChunks`, :class:`NpyDirectoryChunks`, lists). A
        callable or iterable is read in its own order. Rows within a chunk are
        shuffled by the estimator itself (its ``shuffle`` parameter); rows of
        different chunks meet in a minibatch only with ``shuffle_buffer`` or
        ``mix``.
    shuffle_buffer : int, default=0
        Chunks' worth of rows held back and mixed with each chunk read: once
        the buffer is full, every ``partial_fit`` call trains on as many rows as
        a chunk holds, drawn at random from the buffer and the chunk just read
        (the last ``shuffle_buffer + 1`` chunks), and the rows not drawn stay in
        the buffer, where they can wait for several calls. This mixes rows of
        different chunks for every kind of source, callables and iterables
        included, at the cost of ``shuffle_buffer`` more chunks in memory (see
        Notes). Rows are only ever delayed: a row is never trained on before
        its chunk is read, so a stream sorted (by time, by class) stays sorted
        at scales larger than the buffer. 0 turns it off. Needs
        ``shuffle=True``.
    mix : int, default=1
        Merge this many consecutive chunks of the epoch's order (after the
        shuffle buffer, if any) into one ``partial_fit`` call: larger groups
        mix rows of different chunks in the same minibatches, at ``mix`` times
        the memory, with fewer ``partial_fit`` calls per epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the order of the chunks and the shuffle buffer's draws (the
        estimator's own ``random_state`` seeds its initialization and row
        shuffling).
    n_iter_no_change : int or None, default=None
        With validation, stop when the validation score has not improved by
        at least ``tol`` for this many epochs; the weights of the best epoch
        are then put back (``coefs_``/``intercepts_``, or ``coef_``/
        ``intercept_``; for an estimator with neither, its whole state).
        Without it, all ``epochs`` run and the last weights are kept.
    tol : float, default=1e-4
        The improvement that resets the ``n_iter_no_change`` count.
    verbose : bool, default=False
        Print one line per epoch.

    Attributes
    ----------
    estimator_ : estimator
        The trained estimator: the very object passed as ``estimator``.
    history_ : StreamHistory
        Per-epoch record; also set on the estimator as ``stream_history_``.
    validation_scores_ : list of float
        Validation score after each epoch (empty without validation).
    best_epoch_ : int or None
        Epoch (from 1) of the best validation score.
    best_score_ : float or None
        The best validation score.
    n_epochs_ : int
        Epochs completed.
    classes_ : ndarray or None
        The classes given to the classifier (None for a regressor).

    Notes
    -----
    Memory: the trainer holds one chunk at a time (``mix`` chunks, and their
    concatenation while it is built, with ``mix > 1``), the validation data,
    the model and what one ``partial_fit`` call allocates (for skweights MLPs,
    a copy of the model and optimizer state kept to roll back a failed call,
    and minibatch buffers). With ``validation="last"`` on a stream without
    random access, one more chunk is read ahead. With ``shuffle_buffer=k``,
    the buffer adds the rows of ``k`` chunks between calls, and while a batch
    is drawn the buffer and the chunk just read are concatenated and split, so
    about ``2 * (k + 1)`` chunks' worth of rows are briefly in memory. The whole
    data set is never in memory.

    What each kind of source shuffles:

    - :class:`ArrayChunks`, :class:`NpyDirectoryChunks`, lists and custom
      sources with ``load``: the order of the chunks, anew each epoch
      (``shuffle=True``); rows across chunks with ``shuffle_buffer``.
    - Callables, iterables and generators: not the order of the chunks, which
      is the source's own in every epoch (a callable may shuffle its own list
      of files on each call); rows across chunks with ``shuffle_buffer``.
    - In every case, the rows of each ``partial_fit`` call are shuffled by the
      estimator (its own ``shuffle`` parameter).

    Each ``partial_fit`` call counts as one of the estimator's own epochs
    (``n_iter_``, ``loss_curve_``, learning-rate schedules).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skweights import MLPClassifier
    >>> from skweights.streaming import ArrayChunks, StreamingTrainer
    >>> X, y = make_classification(n_samples=1000, random_state=0)
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), random_state=0)
    >>> trainer = StreamingTrainer(clf, epochs=5, classes=[0, 1],
    ...                            validation="last", random_state=0)
    >>> trainer = trainer.fit(ArrayChunks(X, y, chunk_size=200))
    >>> trainer.n_epochs_, trainer.estimator_ is clf
    (5, True)
    """

    def __init__(
        self,
        estimator: Any,
        *,
        epochs: int = 10,
        classes: Any = None,
        validation: Any = None,
        shuffle: bool = True,
        shuffle_buffer: int = 0,
        mix: int = 1,
        random_state: Any = None,
        n_iter_no_change: int | None = None,
        tol: float = 1e-4,
        verbose: bool = False,
    ):
        self.estimator = estimator
        self.epochs = epochs
        self.classes = classes
        self.validation = validation
        self.shuffle = shuffle
        self.shuffle_buffer = shuffle_buffer
        self.mix = mix
        self.random_state = random_state
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.verbose = verbose

    def __repr__(self) -> str:
        return f"StreamingTrainer({self.estimator!r}, epochs={self.epochs})"

    # --------------------------------------------------------------- checking
    def _check_params(self) -> None:
        for name in ("epochs", "mix"):
            value = getattr(self, name)
            if not _positive_int(value):
                raise ValueError(f"{name} must be a positive int; got {value!r}.")
        buffer = self.shuffle_buffer
        if not (
            isinstance(buffer, (Integral, np.integer))
            and not isinstance(buffer, bool)
            and buffer >= 0
        ):
            raise ValueError(
                f"shuffle_buffer must be a non-negative int; got {buffer!r}."
            )
        if buffer and not self.shuffle:
            raise ValueError(
                "shuffle_buffer mixes rows at random, but shuffle=False asks for "
                "the chunks in order; use one or the other."
            )
        if self.n_iter_no_change is not None:
            if not _positive_int(self.n_iter_no_change):
                raise ValueError(
                    "n_iter_no_change must be None or a positive int; got "
                    f"{self.n_iter_no_change!r}."
                )
            if self.validation is None:
                raise ValueError(
                    "n_iter_no_change needs validation data to watch: pass "
                    "validation=(X_val, y_val) or validation='last'."
                )
        if not isinstance(self.tol, Real) or self.tol < 0:
            raise ValueError(f"tol must be a non-negative number; got {self.tol!r}.")
        est = self.estimator
        if not hasattr(est, "partial_fit"):
            hint = ""
            if hasattr(est, "optimizer"):
                hint = (
                    " skweights MLPs have partial_fit only with a stochastic "
                    "optimizer, such as 'adam' or 'sgd'."
                )
            raise TypeError(
                f"{type(est).__name__} has no partial_fit, so it cannot be trained "
                f"from a stream.{hint}"
            )
        if type(est).__module__.startswith("skweights.") and (
            getattr(est, "early_stopping", False) is True
        ):
            raise ValueError(
                "early_stopping=True is not supported by partial_fit; hold data "
                "out with fit_stream(validation=..., n_iter_no_change=...) instead."
            )

    def _resolve_classes(self, source: ChunkSource):
        est, classes = self.estimator, self.classes
        if not is_classifier(est):
            if classes is not None:
                raise ValueError(
                    f"classes is for classifiers; {type(est).__name__} is not one."
                )
            return None
        fitted = getattr(est, "classes_", None)
        if isinstance(classes, str):
            if classes != "scan":
                raise ValueError(
                    f"classes must be an array of labels, 'scan' or None; got "
                    f"{classes!r}."
                )
            classes = _scan_classes(source)
            if fitted is not None:
                unseen = np.setdiff1d(classes, np.asarray(fitted))
                if unseen.size:
                    raise ValueError(
                        f"The targets hold classes {unseen.tolist()} that the "
                        f"fitted estimator does not know ({np.asarray(fitted).tolist()})."
                    )
                return np.asarray(fitted)
        elif classes is None:
            if fitted is None:
                raise ValueError(
                    f"{type(est).__name__} is not fitted yet, so partial_fit needs "
                    "every class up front: pass classes=[...] with all the labels "
                    "that can appear, or classes='scan' to read the targets of "
                    "every chunk once to find them."
                )
            return np.asarray(fitted)
        else:
            classes = np.unique(np.asarray(classes))
        if fitted is not None and not np.array_equal(classes, np.asarray(fitted)):
            raise ValueError(
                f"classes={classes.tolist()} differ from the classes_ the estimator "
                f"was fitted with, {np.asarray(fitted).tolist()}."
            )
        return classes

    def _resolve_validation(self, source: ChunkSource):
        """``(validation chunk or None, training chunk indices or None)``."""
        val = self.validation
        n = source.n_chunks
        if val is None:
            return None, None if n is None else np.arange(n)
        if isinstance(val, str):
            if val != "last":
                raise ValueError(
                    f"validation must be (X_val, y_val), 'last' or None; got {val!r}."
                )
            if n is None:
                return None, None  # found by reading ahead in the first epoch
            if n < 2:
                raise ValueError(
                    f"validation='last' holds out the last chunk, but the source "
                    f"has {n}: nothing would be left to train on."
                )
            return source.load(n - 1), np.arange(n - 1)
        if isinstance(val, (tuple, list)):
            return _as_chunk(val, "validation"), None if n is None else np.arange(n)
        raise TypeError(
            "validation must be (X_val, y_val), (X_val, y_val, sample_weight), "
            f"'last' or None; got a {type(val).__name__}."
        )

    # ---------------------------------------------------------------- reading
    def _epoch_chunks(self, source, train, rng):
        if train is not None:
            order = rng.permutation(train) if self.shuffle else train
            for i in order:
                yield source.load(int(i))
        elif isinstance(self.validation, str):  # "last", on a stream
            it = iter(source)
            ahead, n = next(it, None), 1
            for chunk in it:
                yield ahead
                ahead, n = chunk, n + 1
                del chunk
            if ahead is None or n < 2:
                raise ValueError(
                    "validation='last' holds out the last chunk, but the source "
                    f"yielded {0 if ahead is None else 1}: nothing would be left to "
                    "train on."
                )
            if self._val is None:
                self._val = ahead  # held out from the first epoch on
        else:
            yield from source

    def _batches(self, chunks):
        """Groups of ``mix`` chunks, merged; empty chunks are skipped."""
        group = []
        for chunk in chunks:
            if _n_rows(chunk[0]) > 0:
                group.append(chunk)
            del chunk
            if len(group) == self.mix:
                yield _merge(group)
        if group:
            yield _merge(group)

    # ---------------------------------------------------------------- training
    def fit(self, chunks) -> StreamingTrainer:
        """Train the estimator on the chunks for ``epochs`` epochs.

        Parameters
        ----------
        chunks : ChunkSource, list, callable or iterable
            :class:`ArrayChunks`, :class:`NpyDirectoryChunks`, a list of
            ``(X, y)`` tuples, a zero-argument callable returning a new iterator
            of them per epoch, or a one-shot generator (one epoch only).

        Returns
        -------
        self : StreamingTrainer
        """
        self._check_params()
        source = as_chunk_source(chunks)
        est = self.estimator
        self.classes_ = self._resolve_classes(source)
        self._val, train = self._resolve_validation(source)
        rng = check_random_state(self.random_state)
        history = StreamHistory()
        self.history_ = history
        best, best_state, stale = -np.inf, None, 0
        for epoch in range(1, self.epochs + 1):
            started = time.perf_counter()
            n_rows = n_calls = 0
            chunks_read = self._epoch_chunks(source, train, rng)
            if self.shuffle_buffer:
                chunks_read = shuffle_rows(chunks_read, self.shuffle_buffer, rng)
            for batch in self._batches(chunks_read):
                n_rows += self._partial_fit(batch)
                n_calls += 1
                del batch
            if n_calls == 0:
                raise ValueError(
                    f"Epoch {epoch} had no rows to train on: the source yielded no "
                    "non-empty chunk (besides a held-out validation chunk)."
                )
            history.epochs.append(epoch)
            history.n_rows.append(n_rows)
            history.n_calls.append(n_calls)
            message = f"Epoch {epoch}/{self.epochs}: {n_rows} rows, {n_calls} calls"
            stop = False
            if self._val is not None:
                score = float(est.score(*self._val[:2], *_weights_kw(self._val)))
                history.validation_scores.append(score)
                message += f", validation score {score:.6f}"
                stale = 0 if score >= best + self.tol else stale + 1
                if score > best:
                    best = score
                    history.best_epoch, history.best_score = epoch, score
                    if self.n_iter_no_change is not None:
                        best_state = _snapshot(est)
                if self.n_iter_no_change is not None and stale >= self.n_iter_no_change:
                    stop = epoch < self.epochs
            history.times.append(time.perf_counter() - started)
            if self.verbose:
                print(message + f", {history.times[-1]:.2f} s")
            if stop:
                history.stopped_early = True
                if self.verbose:
                    print(
                        f"Validation score did not improve by tol={self.tol:g} for "
                        f"{self.n_iter_no_change} epochs; stopping."
                    )
                break
        if best_state is not None and history.best_epoch != history.epochs[-1]:
            _restore(est, best_state)
            history.restored_best = True
            if self.verbose:
                print(f"Restored the weights of epoch {history.best_epoch}.")
        self._val = None
        self.estimator_ = est
        self.validation_scores_ = history.validation_scores
        self.best_epoch_ = history.best_epoch
        self.best_score_ = history.best_score
        self.n_epochs_ = len(history.epochs)
        est.stream_history_ = history
        return self

    def _partial_fit(self, batch) -> int:
        kwargs = dict(_weights_kw(batch, keyword=True))
        if self.classes_ is not None and not hasattr(self.estimator, "classes_"):
            kwargs["classes"] = self.classes_
        self.estimator.partial_fit(batch[0], batch[1], **kwargs)
        return _n_rows(batch[0])


def fit_stream(
    estimator: Any,
    chunks: Any,
    *,
    epochs: int = 10,
    classes: Any = None,
    validation: Any = None,
    shuffle: bool = True,
    shuffle_buffer: int = 0,
    mix: int = 1,
    random_state: Any = None,
    n_iter_no_change: int | None = None,
    tol: float = 1e-4,
    verbose: bool = False,
) -> Any:
    """Train ``estimator`` in place with ``partial_fit`` over streamed chunks.

    A shortcut for ``StreamingTrainer(estimator, ...).fit(chunks)``; see
    :class:`StreamingTrainer` for the parameters. The per-epoch record is left
    on the estimator as ``stream_history_`` (a :class:`StreamHistory`).

    Returns
    -------
    estimator : estimator
        The estimator passed in, trained (not a clone).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_regression
    >>> from skweights import MLPRegressor
    >>> from skweights.streaming import ArrayChunks, fit_stream
    >>> X, y = make_regression(n_samples=600, n_features=5, random_state=0)
    >>> reg = MLPRegressor(hidden_layer_sizes=(16,), random_state=0)
    >>> reg = fit_stream(reg, ArrayChunks(X, y / y.std(), chunk_size=100),
    ...                  epochs=3, validation="last", random_state=0)
    >>> len(reg.stream_history_.validation_scores)
    3
    """
    StreamingTrainer(
        estimator,
        epochs=epochs,
        classes=classes,
        validation=validation,
        shuffle=shuffle,
        shuffle_buffer=shuffle_buffer,
        mix=mix,
        random_state=random_state,
        n_iter_no_change=n_iter_no_change,
        tol=tol,
        verbose=verbose,
    ).fit(chunks)
    return estimator
