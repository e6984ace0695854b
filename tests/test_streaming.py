"""Tests of skweights.streaming: chunk sources and training from a stream.

Accuracy: on ``make_classification(n_samples=6000, n_features=20, random_state=0)``
(4800 rows to train, 1200 to test) streaming 1000-row chunks for 10 epochs reaches
the test accuracy of an in-memory ``fit`` with the same architecture and epochs
within 0.03, and on a standardized ``make_regression`` set the same R² within
0.05, whatever the source: a ``numpy.memmap`` file, a directory of ``.npy``
files, a list of chunks, a callable generator or a dask array. Sources that
yield the same chunks give bit-identical weights for the same seeds.
"""

import gc
import sys
import tracemalloc
import weakref
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

from skweights import MLPClassifier, MLPRegressor
from skweights.streaming import (
    ArrayChunks,
    ChunkSource,
    NpyDirectoryChunks,
    StreamingTrainer,
    as_chunk_source,
    fit_stream,
)

EPOCHS, CHUNK = 10, 1000
ACCURACY_TOL, R2_TOL = 0.03, 0.05
SOURCES = ["memmap", "npy_dir", "list", "callable", "dask"]


def _split(X, y):
    return train_test_split(X, y, test_size=0.2, random_state=0)


X_CLF, Y_CLF = make_classification(n_samples=6000, n_features=20, random_state=0)
CLF_SPLIT = _split(X_CLF, Y_CLF)
X_REG, Y_REG = make_regression(
    n_samples=6000, n_features=20, n_informative=10, noise=10.0, random_state=0
)
REG_SPLIT = _split(X_REG, (Y_REG - Y_REG.mean()) / Y_REG.std())


def _make_source(kind, X, y, tmp_path, chunk=CHUNK):
    """The same chunks of (X, y), read through one kind of source."""
    if kind == "array":
        return ArrayChunks(X, y, chunk)
    if kind == "memmap":
        Xm = np.memmap(tmp_path / "X.dat", dtype=X.dtype, mode="w+", shape=X.shape)
        ym = np.memmap(tmp_path / "y.dat", dtype=y.dtype, mode="w+", shape=y.shape)
        Xm[:], ym[:] = X, y
        Xm.flush(), ym.flush()
        del Xm, ym
        Xm = np.memmap(tmp_path / "X.dat", dtype=X.dtype, mode="r", shape=X.shape)
        ym = np.memmap(tmp_path / "y.dat", dtype=y.dtype, mode="r", shape=y.shape)
        return ArrayChunks(Xm, ym, chunk)
    if kind == "npy_dir":
        for i, start in enumerate(range(0, len(X), chunk)):
            np.save(tmp_path / f"X_{i}.npy", X[start : start + chunk])
            np.save(tmp_path / f"y_{i}.npy", y[start : start + chunk])
        return NpyDirectoryChunks(tmp_path)
    chunks = [(X[s : s + chunk], y[s : s + chunk]) for s in range(0, len(X), chunk)]
    if kind == "list":
        return chunks
    if kind == "callable":
        return lambda: (c for c in chunks)
    if kind == "dask":
        da = pytest.importorskip("dask.array")
        return ArrayChunks(da.from_array(X, chunks=(700, 7)), da.from_array(y), chunk)
    raise AssertionError(kind)


def _weights(est):
    return [w.copy() for w in est.coefs_ + est.intercepts_]


@pytest.mark.parametrize("kind", SOURCES)
def test_classifier_stream_matches_in_memory_fit(kind, tmp_path):
    X_train, X_test, y_train, y_test = CLF_SPLIT
    params = dict(hidden_layer_sizes=(32,), random_state=0)
    full = MLPClassifier(max_iter=EPOCHS, **params).fit(X_train, y_train)
    clf = MLPClassifier(**params)
    source = _make_source(kind, X_train, y_train, tmp_path)
    out = fit_stream(clf, source, epochs=EPOCHS, classes=[0, 1], random_state=0)
    assert out is clf
    assert clf.stream_history_.n_rows == [len(X_train)] * EPOCHS
    expected = full.score(X_test, y_test)
    assert abs(clf.score(X_test, y_test) - expected) <= ACCURACY_TOL


@pytest.mark.parametrize("kind", SOURCES)
def test_regressor_stream_matches_in_memory_fit(kind, tmp_path):
    X_train, X_test, y_train, y_test = REG_SPLIT
    params = dict(hidden_layer_sizes=(32,), random_state=0)
    full = MLPRegressor(max_iter=EPOCHS, **params).fit(X_train, y_train)
    reg = MLPRegressor(**params)
    source = _make_source(kind, X_train, y_train, tmp_path)
    fit_stream(reg, source, epochs=EPOCHS, random_state=0)
    assert abs(reg.score(X_test, y_test) - full.score(X_test, y_test)) <= R2_TOL


def test_sources_with_the_same_chunks_give_identical_weights(tmp_path):
    X_train, _, y_train, _ = CLF_SPLIT
    kinds = ["array", "memmap", "npy_dir", "list"]
    try:
        import dask.array  # noqa: F401

        kinds.append("dask")
    except ImportError:  # pragma: no cover
        pass
    weights = {}
    for kind in kinds:
        (tmp_path / kind).mkdir()
        source = _make_source(kind, X_train, y_train, tmp_path / kind)
        clf = MLPClassifier(hidden_layer_sizes=(8,), random_state=1)
        fit_stream(clf, source, epochs=3, classes=[0, 1], random_state=7)
        weights[kind] = _weights(clf)
    for kind in kinds[1:]:
        for a, b in zip(weights["array"], weights[kind], strict=True):
            assert_array_equal(a, b, err_msg=kind)


def test_callable_in_order_equals_array_in_order():
    X_train, _, y_train, _ = CLF_SPLIT
    results = []
    for source in (
        ArrayChunks(X_train, y_train, CHUNK),
        _make_source("callable", X_train, y_train, None),
    ):
        clf = MLPClassifier(hidden_layer_sizes=(8,), random_state=1)
        fit_stream(clf, source, epochs=2, classes=[0, 1], shuffle=False)
        results.append(_weights(clf))
    for a, b in zip(*results, strict=True):
        assert_array_equal(a, b)


def _write_memmap(path, n, n_features, dtype, seed=0):
    """X.npy and y.npy under ``path``, written in blocks; read-only memmaps."""
    X = np.lib.format.open_memmap(
        path / "X.npy", mode="w+", dtype=dtype, shape=(n, n_features)
    )
    y = np.lib.format.open_memmap(path / "y.npy", mode="w+", dtype=np.int64, shape=(n,))
    rng = np.random.RandomState(seed)
    w = rng.randn(n_features)
    for s in range(0, n, 10_000):
        X[s : s + 10_000] = rng.randn(min(10_000, n - s), n_features)
        y[s : s + 10_000] = X[s : s + 10_000] @ w > 0
    X.flush(), y.flush()
    del X, y
    return np.load(path / "X.npy", mmap_mode="r"), np.load(
        path / "y.npy", mmap_mode="r"
    )


def _traced_peak(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shuffle_buffer", [0, 2])
def test_peak_memory_is_one_chunk_plus_the_model(tmp_path, shuffle_buffer):
    """Traced memory of a streamed epoch over a 16 MB memmap in 0.8 MB chunks:
    one chunk (X and y) plus what one partial_fit call allocates on a chunk
    already in memory (the model, its rollback copy, minibatch buffers), plus a
    quarter of a chunk. A second chunk held anywhere would exceed it. With a
    shuffle buffer of k chunks, the documented 2 * (k + 1) chunks replace the
    one."""
    n, n_features, chunk = 100_000, 20, 5_000
    X, y = _write_memmap(tmp_path, n, n_features, np.float64)
    chunk_bytes = chunk * (n_features * 8 + 8)

    def new():
        return MLPClassifier(hidden_layer_sizes=(16,), random_state=0)

    # warm up, so that one-time allocations (BLAS, caches) stay out of the peaks
    fit_stream(
        new(),
        ArrayChunks(X[: 2 * chunk], y[: 2 * chunk], chunk),
        epochs=1,
        classes=[0, 1],
    )
    X0, y0 = np.array(X[:chunk]), np.array(y[:chunk])
    partial_fit_bytes = _traced_peak(lambda: new().partial_fit(X0, y0, classes=[0, 1]))
    clf = new()
    peak = _traced_peak(
        lambda: fit_stream(
            clf,
            ArrayChunks(X, y, chunk),
            epochs=1,
            classes=[0, 1],
            shuffle_buffer=shuffle_buffer,
            random_state=0,
        )
    )
    chunks_held = 2 * (shuffle_buffer + 1) if shuffle_buffer else 1
    assert peak >= chunks_held * chunk_bytes  # the chunks were seen...
    # ...and nothing else of their size
    assert peak <= chunks_held * chunk_bytes + partial_fit_bytes + chunk_bytes / 4
    assert partial_fit_bytes < chunk_bytes / 2
    assert clf.score(X[:2000], y[:2000]) > 0.9


def _status_bytes(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024  # kB
    return None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_resident_memory_does_not_grow_with_the_file(tmp_path):
    """Peak resident memory (VmHWM, reset first) over a streamed epoch of a
    32 MB float32 memmap in 1 MB chunks grows by a few chunks, not by the file:
    each chunk's pages leave the process with its map. A memmap view, which
    ArrayChunks slices without reopening, shows what the test would catch."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("this kernel does not let a process reset its peak RSS")
    if _status_bytes("VmHWM") is None:
        pytest.skip("no VmHWM in /proc/self/status")
    n, n_features, chunk = 250_000, 32, 8_192
    X, y = _write_memmap(tmp_path, n, n_features, np.float32)
    data_bytes = X.nbytes + y.nbytes
    chunk_bytes = chunk * (n_features * 4 + 8)

    def growth(source):
        clf = MLPClassifier(hidden_layer_sizes=(16,), batch_size=1024, random_state=0)
        gc.collect()
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
        before = _status_bytes("VmRSS")
        fit_stream(clf, source, epochs=1, classes=[0, 1], random_state=0)
        return _status_bytes("VmHWM") - before

    growth(ArrayChunks(X[: 4 * chunk], y[: 4 * chunk], chunk))  # warm up
    streamed = growth(ArrayChunks(X, y, chunk))
    assert streamed < 4 * chunk_bytes, streamed / 2**20
    mapped = growth(ArrayChunks(X[0:], y[0:], chunk))  # views: pages stay mapped
    assert mapped > data_bytes / 2, mapped / 2**20


@pytest.mark.parametrize(
    "mix, validation, stream, others",
    [
        (1, None, False, 0),
        (2, None, False, 1),  # the first chunk of the group
        (1, "last", False, 1),  # the held-out chunk
        (1, None, True, 0),
        (1, "last", True, 2),  # the held-out chunk and the one read ahead
    ],
)
def test_no_other_chunk_is_alive_when_one_is_read(mix, validation, stream, others):
    """Counted with weak references to every chunk read: how many earlier ones
    are still referenced (by the trainer or the model) when the next is read."""
    refs, alive = [], []

    def load(i):
        alive.append(sum(r() is not None for r in refs))
        X = np.random.RandomState(i).randn(50, 3)
        refs.append(weakref.ref(X))
        return X, (X[:, 0] > 0).astype(int)

    class Source(ChunkSource):
        n_chunks = 6

        def load(self, i):
            return load(i)

    source = (lambda: (load(i) for i in range(6))) if stream else Source()
    clf = MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    fit_stream(clf, source, epochs=2, classes=[0, 1], mix=mix, validation=validation)
    assert max(alive) == others


def test_memmap_chunks_are_fresh_in_memory_copies(tmp_path):
    X = np.arange(60.0).reshape(20, 3)
    mm = np.memmap(tmp_path / "X.dat", dtype=X.dtype, mode="w+", shape=X.shape)
    mm[:] = X
    mm.flush()
    source = ArrayChunks(mm, np.arange(20), chunk_size=8)
    X0, y0 = source.load(1)
    assert type(X0) is np.ndarray and X0.flags.owndata
    assert_array_equal(X0, X[8:16])
    assert_array_equal(y0, np.arange(8, 16))
    # a view of a memmap (here its rows 5 on) is sliced, not reopened at offset 0
    view = ArrayChunks(mm[5:], np.arange(15), chunk_size=8)
    assert_array_equal(view.load(0)[0], X[5:13])
    assert [len(c[0]) for c in view] == [8, 7]


def test_dask_array_is_computed_one_block_at_a_time():
    da = pytest.importorskip("dask.array")
    X = np.arange(3000.0).reshape(1000, 3)
    rows_computed = []

    def record(block):
        rows_computed.append(block.shape[0])
        return block

    dX = da.from_array(X, chunks=(300, 3)).map_blocks(record, dtype=X.dtype)
    source = ArrayChunks(dX, da.from_array(np.arange(1000), chunks=300), 250)
    assert source.n_chunks == 4
    Xc, yc = source.load(2)
    assert_array_equal(Xc, X[500:750])
    assert_array_equal(yc, np.arange(500, 750))
    assert sum(rows_computed) <= 600  # the blocks overlapping rows 500-750 only


def test_h5py_like_dataset_and_sample_weight():
    class Dataset:  # slicing returns numpy, like h5py.Dataset
        def __init__(self, a):
            self.a, self.shape = a, a.shape

        def __getitem__(self, key):
            return np.array(self.a[key])

    X, y, sw = np.ones((10, 2)), np.arange(10), np.linspace(0, 1, 10)
    chunks = list(ArrayChunks(Dataset(X), Dataset(y), 4, sample_weight=sw))
    assert [len(c) for c in chunks] == [3, 3, 3]
    assert_array_equal(chunks[2][2], sw[8:])


class Recorder(BaseEstimator):
    """Records each partial_fit call; its score follows a script."""

    def __init__(self, scores=None):
        self.scores = scores

    def partial_fit(self, X, y, sample_weight=None):
        if not hasattr(self, "coef_"):
            self.coef_, self.calls_ = np.zeros(1), []
        self.coef_ += 1
        self.calls_.append((X[:, 0].copy(), sample_weight))
        return self

    def score(self, X, y, sample_weight=None):
        self.n_scored_ = getattr(self, "n_scored_", 0) + 1
        return self.scores[self.n_scored_ - 1] if self.scores else 0.0


def _indexed_chunks(n_chunks, rows=3):
    """Chunk i has X[:, 0] == i, so the recorded calls show the order."""
    return [(np.full((rows, 2), float(i)), np.zeros(rows)) for i in range(n_chunks)]


def test_each_epoch_visits_every_chunk_in_a_new_order():
    rec = Recorder()
    fit_stream(rec, _indexed_chunks(6), epochs=3, random_state=0)
    orders = [[int(x[0]) for x, _ in rec.calls_[e * 6 : e * 6 + 6]] for e in range(3)]
    assert all(sorted(o) == list(range(6)) for o in orders)
    assert len({tuple(o) for o in orders}) > 1
    rec = Recorder()
    fit_stream(rec, _indexed_chunks(6), epochs=1, shuffle=False)
    assert [int(x[0]) for x, _ in rec.calls_] == list(range(6))


def test_verbose_prints_one_line_per_epoch(capsys):
    rec = Recorder(scores=[0.5, 0.4, 0.3])
    fit_stream(rec, _indexed_chunks(3), epochs=3, validation="last", verbose=True)
    fit_stream(rec, _indexed_chunks(3), epochs=1, verbose=True)
    out = capsys.readouterr().out
    assert "Epoch 2/3: 6 rows, 2 calls, validation score 0.400000" in out
    assert "Epoch 1/1: 9 rows, 3 calls," in out


def test_mix_merges_consecutive_chunks():
    rec = Recorder()
    fit_stream(rec, _indexed_chunks(5), epochs=2, mix=2, random_state=0)
    assert rec.stream_history_.n_calls == [3, 3]
    assert [len(x) for x, _ in rec.calls_[:3]] == [6, 6, 3]
    assert rec.stream_history_.n_rows == [15, 15]


@pytest.mark.parametrize("stream", [False, True])
def test_validation_last_is_never_trained_on(stream):
    chunks = _indexed_chunks(4)
    source = (lambda: iter(chunks)) if stream else chunks
    rec = Recorder()
    trainer = StreamingTrainer(rec, epochs=3, validation="last", random_state=0)
    trainer.fit(source)
    seen = {int(x[0]) for x, _ in rec.calls_}
    assert seen == {0, 1, 2}
    assert trainer.history_.n_rows == [9, 9, 9]
    assert len(trainer.validation_scores_) == 3


def test_early_stopping_restores_the_best_epoch():
    rec = Recorder(scores=[0.5, 0.7, 0.6, 0.65, 0.69, 0.9])
    trainer = StreamingTrainer(
        rec, epochs=6, validation="last", n_iter_no_change=3, tol=0.0
    )
    trainer.fit(_indexed_chunks(3))
    assert trainer.n_epochs_ == 5 and trainer.best_epoch_ == 2
    assert trainer.best_score_ == 0.7
    assert trainer.history_.stopped_early and trainer.history_.restored_best
    assert rec.coef_[0] == 2 * 2  # two calls per epoch, weights of epoch 2


def test_early_stopping_restores_real_weights():
    """The restored MLP equals one trained for best_epoch_ epochs, and scores
    the best validation score."""
    X_train, _, y_train, _ = CLF_SPLIT
    X_val, y_val = X_train[:600], y_train[:600]
    source = ArrayChunks(X_train[600:], y_train[600:], 1400)
    params = dict(hidden_layer_sizes=(64,), learning_rate_init=0.05, random_state=0)
    clf = MLPClassifier(**params)
    trainer = StreamingTrainer(
        clf,
        epochs=15,
        classes=[0, 1],
        validation=(X_val, y_val),
        n_iter_no_change=2,
        random_state=0,
    ).fit(source)
    best = trainer.best_epoch_
    assert best < trainer.n_epochs_
    assert trainer.best_score_ == max(trainer.validation_scores_)
    assert clf.score(X_val, y_val) == trainer.best_score_
    again = MLPClassifier(**params)
    fit_stream(again, source, epochs=best, classes=[0, 1], random_state=0)
    for a, b in zip(_weights(clf), _weights(again), strict=True):
        assert_array_equal(a, b)


def test_one_shot_generator_serves_one_epoch_only():
    X, y = np.ones((10, 2)), np.arange(10) % 2
    gen = ((X[i : i + 5], y[i : i + 5]) for i in (0, 5))
    rec = Recorder()
    with pytest.raises(ValueError, match="one-shot generator.*callable"):
        fit_stream(rec, gen, epochs=2)
    gen = ((X[i : i + 5], y[i : i + 5]) for i in (0, 5))
    assert fit_stream(Recorder(), gen, epochs=1).stream_history_.n_rows == [10]
    same = ((X, y) for _ in range(1))
    with pytest.raises(ValueError, match="same iterator"):
        fit_stream(Recorder(), lambda: same, epochs=2)


def test_npy_directory_errors_name_the_file(tmp_path):
    np.save(tmp_path / "X_1.npy", np.zeros((5, 2)))
    np.save(tmp_path / "y_1.npy", np.zeros(4))
    with pytest.raises(ValueError, match=r"X_1\.npy has 5 rows but .*y_1\.npy has 4"):
        NpyDirectoryChunks(tmp_path)
    np.save(tmp_path / "y_1.npy", np.zeros(5))
    np.save(tmp_path / "X_2.npy", np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"X_2\.npy has no partner: .*y_2\.npy"):
        NpyDirectoryChunks(tmp_path)
    np.save(tmp_path / "y_2.npy", np.zeros(5))
    np.save(tmp_path / "X_10.npy", np.zeros((5, 3)))
    np.save(tmp_path / "y_10.npy", np.zeros(5))
    with pytest.raises(ValueError, match=r"X_10\.npy has 3 features but .*X_1\.npy"):
        NpyDirectoryChunks(tmp_path)
    np.save(tmp_path / "X_10.npy", np.full((5, 2), 10.0))
    source = NpyDirectoryChunks(tmp_path, mmap=False)
    assert [p[0].name for p in source.files] == ["X_1.npy", "X_2.npy", "X_10.npy"]
    assert source.load(2)[0][0, 0] == 10.0
    with pytest.raises(FileNotFoundError, match="not a directory"):
        NpyDirectoryChunks(tmp_path / "missing")
    with pytest.raises(ValueError, match="No file .* matches 'A_\\*.npy'"):
        NpyDirectoryChunks(tmp_path, x_pattern="A_*.npy")


def test_classes_handling():
    chunks = [(np.ones((4, 2)), np.array([0, 1, 0, 1]))] * 2
    chunks.append((np.ones((4, 2)), np.array([2, 2, 1, 0])))
    with pytest.raises(ValueError, match="classes='scan'"):
        fit_stream(MLPClassifier(hidden_layer_sizes=(4,)), chunks, epochs=1)
    clf = MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    trainer = StreamingTrainer(clf, epochs=1, classes="scan").fit(chunks)
    assert_array_equal(trainer.classes_, [0, 1, 2])
    assert_array_equal(clf.classes_, [0, 1, 2])
    # fitted: classes_ are used; other classes are refused
    fit_stream(clf, chunks, epochs=1)
    with pytest.raises(ValueError, match="differ from the classes_"):
        fit_stream(clf, chunks, epochs=1, classes=[0, 1])
    with pytest.raises(ValueError, match="classes is for classifiers"):
        fit_stream(MLPRegressor(), chunks, classes=[0, 1])
    with pytest.raises(ValueError, match="'scan' or None"):
        fit_stream(MLPClassifier(), chunks, classes="auto")


def test_scikit_learn_estimator_streams_and_restores_coef():
    X_train, X_test, y_train, y_test = CLF_SPLIT
    sgd = SGDClassifier(random_state=0)
    trainer = StreamingTrainer(
        sgd,
        epochs=12,
        classes=[0, 1],
        validation="last",
        n_iter_no_change=2,
        random_state=0,
    ).fit(ArrayChunks(X_train, y_train, 600))
    X_val, y_val = X_train[-600:], y_train[-600:]
    assert sgd.score(X_val, y_val) == trainer.best_score_
    assert sgd.score(X_test, y_test) > 0.8


def test_invalid_estimators_and_parameters():
    chunks = _indexed_chunks(3)
    with pytest.raises(TypeError, match="no partial_fit.*stochastic optimizer"):
        fit_stream(MLPClassifier(optimizer="lbfgs"), chunks, classes=[0])
    with pytest.raises(ValueError, match="early_stopping=True is not supported"):
        fit_stream(MLPClassifier(early_stopping=True), chunks, classes=[0])
    with pytest.raises(ValueError, match="n_iter_no_change needs validation"):
        fit_stream(Recorder(), chunks, n_iter_no_change=2)
    for bad in (dict(epochs=0), dict(mix=1.5), dict(tol=-1)):
        with pytest.raises(ValueError, match=next(iter(bad))):
            fit_stream(Recorder(), chunks, **bad)
    with pytest.raises(ValueError, match="validation='last' holds out"):
        fit_stream(Recorder(), chunks[:1], validation="last")
    with pytest.raises(ValueError, match="validation='last' holds out"):
        fit_stream(Recorder(), lambda: iter(chunks[:1]), validation="last")
    with pytest.raises(TypeError, match="one \\(X, y\\) pair"):
        fit_stream(Recorder(), (np.ones((4, 2)), np.ones(4)))
    with pytest.raises(TypeError, match="each chunk must be a tuple"):
        fit_stream(Recorder(), [np.ones((4, 2))] * 4)
    with pytest.raises(ValueError, match="X has 4 rows but y has 3"):
        fit_stream(Recorder(), [(np.ones((4, 2)), np.ones(3))])
    with pytest.raises(ValueError, match="X has 4 rows but y has 3"):
        ArrayChunks(np.ones((4, 2)), np.ones(3), 2)
    with pytest.raises(ValueError, match="chunk_size must be a positive int"):
        ArrayChunks(np.ones((4, 2)), np.ones(4), 0)
    with pytest.raises(TypeError, match="Cannot read chunks from a int"):
        as_chunk_source(3)


def test_custom_source_and_empty_chunks_are_skipped():
    class Source(ChunkSource):
        n_chunks = 3

        def load(self, i):
            rows = 0 if i == 1 else 4
            return np.full((rows, 2), float(i)), np.zeros(rows)

    rec = Recorder()
    fit_stream(rec, Source(), epochs=2, random_state=0)
    assert rec.stream_history_.n_calls == [2, 2]
    assert "n_chunks=2" in repr(ArrayChunks(np.ones((4, 1)), np.ones(4), 2))


class RowRecorder(BaseEstimator):
    """Records the rows, targets and weights of every partial_fit call."""

    def partial_fit(self, X, y, sample_weight=None):
        if not hasattr(self, "calls_"):
            self.coef_, self.calls_ = np.zeros(1), []
        self.calls_.append(
            (np.asarray(X)[:, 0].copy(), np.asarray(y).copy(), sample_weight)
        )
        return self

    def score(self, X, y, sample_weight=None):
        return 0.0


def _numbered_chunks(n_chunks, rows):
    """Row r of the data has X[r] == (r, -r), y[r] == r and weight r / 10, in
    chunks of ``rows`` consecutive rows: chunk of row r is r // rows."""
    out = []
    for i in range(n_chunks):
        r = np.arange(i * rows, (i + 1) * rows, dtype=float)
        out.append((np.column_stack([r, -r]), r.copy(), r / 10))
    return out


@pytest.mark.parametrize("stream", [False, True])
def test_shuffle_buffer_mixes_rows_of_different_chunks(stream):
    n_chunks, rows, held = 6, 10, 2
    chunks = _numbered_chunks(n_chunks, rows)
    source = (lambda: iter(chunks)) if stream else chunks

    def run(shuffle_buffer, random_state=0):
        rec = RowRecorder()
        fit_stream(
            rec,
            source,
            epochs=2,
            shuffle_buffer=shuffle_buffer,
            random_state=random_state,
        )
        return rec.calls_

    calls = run(held)
    assert len(calls) == 2 * n_chunks
    for X0, y, w in calls:
        assert len(X0) == rows
        assert_array_equal(y, X0)  # X, y and the weights stay aligned
        assert_array_equal(w, X0 / 10)
    epochs = [calls[:n_chunks], calls[n_chunks:]]
    for epoch in epochs:
        # every row exactly once per epoch
        rows_seen = np.sort(np.concatenate([X0 for X0, _, _ in epoch]))
        assert_array_equal(rows_seen, np.arange(n_chunks * rows))
        # every call mixes rows of several chunks
        assert all(len(np.unique(X0 // rows)) > 1 for X0, _, _ in epoch)
    assert any(not np.array_equal(a[0], b[0]) for a, b in zip(*epochs, strict=True)), (
        "both epochs drew the same batches"
    )
    if stream:
        for j, (X0, _, _) in enumerate(epochs[0]):
            # never before its chunk is read; some rows wait beyond the buffer
            assert (X0 // rows).max() <= j + held
        late = [j for j, (X0, _, _) in enumerate(epochs[0]) if (X0 // rows == 0).any()]
        assert max(late) > held
    # deterministic under random_state
    again, other = run(held), run(held, random_state=1)
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(calls, again, strict=True))
    assert any(
        not np.array_equal(a[0], b[0]) for a, b in zip(calls, other, strict=True)
    )
    # without the buffer, a call never mixes two chunks
    assert all(len(np.unique(X0 // rows)) == 1 for X0, _, _ in run(0))


def test_shuffle_buffer_takes_sparse_and_pandas_chunks_and_validation():
    pd = pytest.importorskip("pandas")
    sp = pytest.importorskip("scipy.sparse")
    chunks = _numbered_chunks(5, 8)
    for convert in (sp.csr_matrix, pd.DataFrame):
        converted = [(convert(X), pd.Series(y), w) for X, y, w in chunks]
        reg = MLPRegressor(hidden_layer_sizes=(4,), random_state=0)
        fit_stream(
            reg,
            lambda c=converted: iter(c),
            epochs=2,
            shuffle_buffer=1,
            validation="last",
            random_state=0,
        )
        assert reg.stream_history_.n_rows == [32, 32]
        assert reg.stream_history_.n_calls == [4, 4]


def test_shuffle_buffer_and_mix_compose():
    rec = RowRecorder()
    fit_stream(rec, _numbered_chunks(5, 4), epochs=1, shuffle_buffer=3, mix=2)
    assert [len(X0) for X0, _, _ in rec.calls_] == [8, 8, 4]
    rows_seen = np.sort(np.concatenate([X0 for X0, _, _ in rec.calls_]))
    assert_array_equal(rows_seen, np.arange(20))


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2", None])
def test_shuffle_buffer_must_be_a_non_negative_int(bad):
    with pytest.raises(ValueError, match="shuffle_buffer must be a non-negative int"):
        fit_stream(Recorder(), _indexed_chunks(3), shuffle_buffer=bad)


def test_shuffle_buffer_needs_shuffle():
    with pytest.raises(ValueError, match="shuffle_buffer mixes rows.*shuffle=False"):
        fit_stream(Recorder(), _indexed_chunks(3), shuffle_buffer=1, shuffle=False)
