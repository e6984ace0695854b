"""
Training from a memory-mapped file, one chunk at a time
=======================================================

When the data do not fit in memory, :func:`skweights.streaming.fit_stream` trains
with ``partial_fit`` on one chunk of rows at a time, read from disk, visiting the
chunks in a new random order each epoch. Here a data set is written to a ``.npy``
file in a temporary directory and opened as a read-only memory map;
:class:`~skweights.streaming.ArrayChunks` reads 3,000 rows per chunk, and the last
chunk is held out (``validation="last"``) and scored after every epoch. With
``n_iter_no_change`` training stops once the validation score stalls and the
weights of the best epoch are put back.

The curve is drawn against the same network trained in memory on the same rows,
one ``partial_fit`` epoch at a time, and scored on the same held-out chunk.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification

from skweights import MLPClassifier
from skweights.streaming import ArrayChunks, fit_stream

X, y = make_classification(
    n_samples=30_000,
    n_features=40,
    n_informative=20,
    n_classes=3,
    flip_y=0.05,
    random_state=0,
)
X = X.astype(np.float32)
chunk_size, epochs = 3_000, 15
params = dict(hidden_layer_sizes=(64,), learning_rate_init=0.005, random_state=0)

with tempfile.TemporaryDirectory() as tmp:
    # Write the data to disk, then forget the in-memory copy of the file.
    np.save(Path(tmp) / "X.npy", X)
    np.save(Path(tmp) / "y.npy", y)
    X_disk = np.load(Path(tmp) / "X.npy", mmap_mode="r")
    y_disk = np.load(Path(tmp) / "y.npy", mmap_mode="r")

    streamed = MLPClassifier(**params)
    fit_stream(
        streamed,
        ArrayChunks(X_disk, y_disk, chunk_size=chunk_size),
        epochs=epochs,
        classes=np.unique(y),
        validation="last",
        n_iter_no_change=4,
        random_state=0,
    )
    del X_disk, y_disk  # close the maps before the directory is removed
history = streamed.stream_history_

# The same network in memory, on the same training rows and held-out chunk.
X_train, y_train = X[:-chunk_size], y[:-chunk_size]
X_val, y_val = X[-chunk_size:], y[-chunk_size:]
in_memory = MLPClassifier(**params)
memory_scores = []
for _ in range(epochs):
    in_memory.partial_fit(X_train, y_train, classes=np.unique(y))
    memory_scores.append(in_memory.score(X_val, y_val))

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(range(1, epochs + 1), memory_scores, "o-", color="tab:gray", label="in memory")
ax.plot(
    history.epochs,
    history.validation_scores,
    "o-",
    color="tab:blue",
    label=f"streamed from disk ({len(X_train) // chunk_size} chunks per epoch)",
)
ax.axvline(history.best_epoch, color="tab:blue", linestyle=":")
ax.text(
    history.best_epoch,
    0.45,
    f" best epoch {history.best_epoch}"
    + (":\n weights restored" if history.restored_best else ""),
    color="tab:blue",
    transform=ax.get_xaxis_transform(),
)
ax.set_xlabel("epoch")
ax.set_ylabel("accuracy on the held-out chunk")
ax.set_title("fit_stream on a memory-mapped file")
ax.legend(loc="lower right")
fig.tight_layout()
print(
    f"streamed: {streamed.score(X_val, y_val):.3f} after {len(history.epochs)} "
    f"epochs (best {history.best_epoch}); in memory: {memory_scores[-1]:.3f}"
)
plt.show()
