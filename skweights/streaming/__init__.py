"""Train on data larger than memory, and search hyperparameters on a Dask cluster.

Streaming from disk
-------------------
A chunk source yields ``(X, y)`` blocks of rows, one at a time, once per epoch;
:func:`fit_stream` calls the estimator's ``partial_fit`` once per chunk, visiting
the chunks in a new random order every epoch, and scores held-out data after
each epoch::

    import numpy as np
    from skweights import MLPClassifier
    from skweights.streaming import ArrayChunks, NpyDirectoryChunks, fit_stream

    X = np.load("X.npy", mmap_mode="r")           # or np.memmap, h5py, dask...
    y = np.load("y.npy", mmap_mode="r")
    clf = MLPClassifier(hidden_layer_sizes=(64,), random_state=0)
    fit_stream(
        clf,
        ArrayChunks(X, y, chunk_size=10_000),     # or NpyDirectoryChunks("chunks/")
        epochs=20,
        classes="scan",                           # or the list of labels
        validation="last",                        # hold out the last chunk
        n_iter_no_change=3,                       # then keep the best epoch
        random_state=0,
    )
    clf.stream_history_.validation_scores

Only one chunk is in memory at a time (see :class:`StreamingTrainer`, which
also exposes the per-epoch record as attributes). Any estimator with
``partial_fit`` works, scikit-learn's own ones included. A list of ``(X, y)``
tuples or a zero-argument callable returning an iterator of them is a source
too; a generator object serves one epoch only. A callable or iterable is read
in its own order; ``shuffle_buffer=k`` mixes the rows of the last ``k + 1``
chunks read into each ``partial_fit`` call, for every kind of source, at the
cost of ``k`` more chunks in memory.

Hyperparameter search on Dask
-----------------------------
Install the extra, ``pip install 'skweights[dask]'`` (``dask[array]`` and
``distributed``), start a client, and run any scikit-learn search under
joblib's Dask backend; each fit of each candidate and fold runs on a worker::

    import joblib
    from distributed import Client, LocalCluster
    from sklearn.model_selection import GridSearchCV
    from skweights import MLPClassifier

    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, \\
            Client(cluster) as client:            # or Client("tcp://host:8786")
        search = GridSearchCV(
            MLPClassifier(early_stopping=True, random_state=0),
            {"init": ["he_uniform", "glorot_uniform"], "penalty": ["l2", "l1"]},
            cv=3,
            n_jobs=-1,
        )
        with joblib.parallel_config(backend="dask"):
            search.fit(X, y)

With a fixed ``random_state`` the results equal those of a sequential
``n_jobs=1`` run exactly. A dask array can also be streamed with
:class:`ArrayChunks`, which computes one block of rows at a time.
"""

from ._arrays import ArrayChunks
from ._base import ChunkSource, as_chunk_source
from ._npy import NpyDirectoryChunks
from ._trainer import StreamHistory, StreamingTrainer, fit_stream

__all__ = [
    "ArrayChunks",
    "ChunkSource",
    "NpyDirectoryChunks",
    "StreamHistory",
    "StreamingTrainer",
    "as_chunk_source",
    "fit_stream",
]
