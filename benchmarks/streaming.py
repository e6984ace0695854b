"""Streaming benchmark: train on a memmap several times larger than a memory budget.

Run ``python benchmarks/streaming.py`` (about two minutes on 2 cores) or
``python benchmarks/streaming.py --quick`` (seconds; a smoke test on tiny sizes).

It writes a float32 classification data set ``--factor`` times the memory
budget (default 4 x 64 MiB = 256 MiB) to a ``.npy`` memmap in a temporary
directory, block by block, then trains ``MLPClassifier`` on it with
:func:`skweights.streaming.fit_stream` in chunks of one eighth of the budget,
and on a subset that fits in half the budget with an in-memory ``fit`` for the
same epochs. One table compares them:

- ``rows``, ``data MiB``: what one epoch reads;
- ``peak traced MiB``: the largest memory traced by ``tracemalloc`` (numpy and
  Python allocations) during a separate one-epoch run;
- ``RSS growth MiB``: peak resident memory (``VmHWM``, reset before the run
  where the kernel allows it, else ``ru_maxrss``) minus resident memory before,
  in the first timed run of each mode (streaming first); for the in-memory row
  it includes the subset loaded into memory;
- ``rows/s``: rows trained per second over all epochs, reading included, the
  median of ``--repeats`` runs interleaved between the two modes; the in-memory
  fit runs as many epochs over its subset as make the same number of rows as
  the streamed epochs, so both runs take about as long;
- ``vs in-memory``: that rate over the in-memory fit's;
- ``accuracy``: on 20,000 held-out rows from the same generator.

The last line says whether the streamed run stayed within the budget (both its
peak traced memory and its RSS growth); if it did not, the script exits with
status 1, so that a run in CI fails.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from skweights import MLPClassifier  # noqa: E402
from skweights.streaming import ArrayChunks, fit_stream  # noqa: E402

MiB = 2**20
N_CLASSES = 4


def make_data(directory: Path, n_rows: int, n_features: int, block: int = 65_536):
    """Write a float32 data set to X.npy and y.npy, one block at a time, and
    return read-only memmaps of them and a held-out test set."""
    rng = np.random.RandomState(0)
    teacher = rng.randn(n_features, N_CLASSES).astype(np.float32)

    def draw(n):
        X = rng.randn(n, n_features).astype(np.float32)
        logits = X @ teacher + 2.0 * rng.randn(n, N_CLASSES).astype(np.float32)
        return X, logits.argmax(axis=1).astype(np.int32)

    X = np.lib.format.open_memmap(
        directory / "X.npy", mode="w+", dtype=np.float32, shape=(n_rows, n_features)
    )
    y = np.lib.format.open_memmap(
        directory / "y.npy", mode="w+", dtype=np.int32, shape=(n_rows,)
    )
    for start in range(0, n_rows, block):
        stop = min(start + block, n_rows)
        X[start:stop], y[start:stop] = draw(stop - start)
    X.flush(), y.flush()
    del X, y
    test = draw(20_000)
    X = np.load(directory / "X.npy", mmap_mode="r")
    y = np.load(directory / "y.npy", mmap_mode="r")
    return X, y, test


def _status(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB -> MiB
    except OSError:
        pass
    return None


class RssGrowth:
    """Peak resident memory growth over a ``with`` block, in MiB."""

    def __enter__(self):
        gc.collect()
        try:  # reset VmHWM to the current RSS (Linux 4.0+)
            Path("/proc/self/clear_refs").write_text("5")
            self.hwm = True
        except OSError:
            self.hwm = False
        self.before = _status("VmRSS")
        self.maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if self.before is None:
            self.before = self.maxrss
        return self

    def __exit__(self, *exc):
        after = _status("VmHWM") if self.hwm else None
        if after is None:  # ru_maxrss only moves once the old peak is passed
            after = max(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, self.before
            )
        self.growth = after - self.before
        return False


def make_estimator(hidden, batch_size):
    return MLPClassifier(
        hidden_layer_sizes=hidden, batch_size=batch_size, random_state=0
    )


def run_stream(X, y, chunk_rows, epochs, hidden, batch_size, trace=False):
    clf = make_estimator(hidden, batch_size)
    source = ArrayChunks(X, y, chunk_rows)
    classes = np.arange(N_CLASSES)
    if trace:
        tracemalloc.start()
        fit_stream(clf, source, epochs=1, classes=classes, random_state=0)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak / MiB
    with RssGrowth() as rss:
        start = time.perf_counter()
        fit_stream(clf, source, epochs=epochs, classes=classes, random_state=0)
        elapsed = time.perf_counter() - start
    return clf, X.shape[0] * epochs / elapsed, rss.growth


def run_in_memory(X, y, n_rows, epochs, hidden, batch_size, trace=False):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = make_estimator(hidden, batch_size).set_params(max_iter=epochs)
        if trace:
            tracemalloc.start()
            Xs, ys = np.array(X[:n_rows]), np.array(y[:n_rows])
            clf.set_params(max_iter=1).fit(Xs, ys)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            return peak / MiB
        with RssGrowth() as rss:
            start = time.perf_counter()
            Xs, ys = np.array(X[:n_rows]), np.array(y[:n_rows])
            clf.fit(Xs, ys)
            elapsed = time.perf_counter() - start
    return clf, n_rows * epochs / elapsed, rss.growth


def main(argv=None) -> int:
    """Run the benchmark; return 0 if streaming stayed within the budget, else 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--budget-mib", type=float, default=None, help="default 64")
    parser.add_argument("--factor", type=float, default=4.0, help="data / budget")
    parser.add_argument("--epochs", type=int, default=None, help="default 2")
    parser.add_argument("--features", type=int, default=None, help="default 64")
    parser.add_argument("--repeats", type=int, default=None, help="default 3")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    budget = (args.budget_mib or (1.0 if args.quick else 64.0)) * MiB
    epochs = args.epochs or (1 if args.quick else 2)
    n_features = args.features or (16 if args.quick else 64)
    hidden, batch_size = ((16,), 64) if args.quick else ((64,), 256)
    row_bytes = n_features * 4 + 4  # float32 features and an int32 label
    chunk_rows = int(budget / 8) // row_bytes
    # whole chunks only, at least factor x budget
    n_rows = -(-int(args.factor * budget) // (chunk_rows * row_bytes)) * chunk_rows
    subset_rows = int(budget / 2) // row_bytes

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numpy {np.__version__}, python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        X, y, (X_test, y_test) = make_data(Path(tmp), n_rows, n_features)
        data_mib = (X.nbytes + y.nbytes) / MiB
        print(
            f"data {n_rows:,} rows x {n_features} float32 features ({data_mib:.1f} "
            f"MiB) in a memmap; budget {budget / MiB:.3g} MiB; chunks of "
            f"{chunk_rows:,} rows ({chunk_rows * row_bytes / MiB:.1f} MiB); "
            f"{epochs} epoch(s); MLPClassifier(hidden_layer_sizes={hidden}, "
            f"batch_size={batch_size})"
        )
        # warm up: imports, BLAS and threadpool set-up stay out of the measures
        run_stream(X[:4096], y[:4096], 1024, 1, hidden, batch_size)
        # as many rows as the streamed run, so that both take about as long
        full_epochs = max(1, round(epochs * n_rows / subset_rows))
        stream_rates, full_rates, stream_rss, full_rss = [], [], [], []
        for _ in range(repeats):  # interleaved, so that a noisy spell hits both
            stream, rate, rss = run_stream(X, y, chunk_rows, epochs, hidden, batch_size)
            stream_rates.append(rate)
            stream_rss.append(rss)
            full, rate, rss = run_in_memory(
                X, y, subset_rows, full_epochs, hidden, batch_size
            )
            full_rates.append(rate)
            full_rss.append(rss)
        stream_rate = statistics.median(stream_rates)
        full_rate = statistics.median(full_rates)
        # the first runs: the streamed one comes before any in-memory heap growth
        stream_rss, full_rss = stream_rss[0], full_rss[0]
        stream_peak = run_stream(X, y, chunk_rows, epochs, hidden, batch_size, True)
        full_peak = run_in_memory(X, y, subset_rows, epochs, hidden, batch_size, True)
        del X, y
    header = (
        f"{'mode':<24}{'rows':>10}{'data MiB':>10}{'epochs':>8}{'peak traced MiB':>17}"
        f"{'RSS growth MiB':>16}{'rows/s':>10}{'vs in-memory':>14}{'accuracy':>10}"
    )
    print(header)
    print("-" * len(header))
    rows = [
        ("in-memory fit (subset)", subset_rows, full_epochs, full_peak, full_rss)
        + (full_rate, full),
        ("fit_stream (memmap)", n_rows, epochs, stream_peak, stream_rss)
        + (stream_rate, stream),
    ]
    for name, n, n_epochs, peak, rss, rate, clf in rows:
        print(
            f"{name:<24}{n:>10,}{n * row_bytes / MiB:>10.1f}{n_epochs:>8}"
            f"{peak:>17.1f}{rss:>16.1f}{rate:>10,.0f}{rate / full_rate:>13.2f}x"
            f"{clf.score(X_test, y_test):>10.4f}"
        )
    fits = max(stream_peak, stream_rss) <= budget / MiB
    print(
        f"streaming {data_mib:.1f} MiB within a {budget / MiB:.3g} MiB budget: "
        f"{'yes' if fits else 'no'} (peak traced {stream_peak:.1f} MiB, RSS growth "
        f"{stream_rss:.1f} MiB)"
    )
    if not fits:
        print(
            f"error: streaming used more than the {budget / MiB:.3g} MiB budget",
            file=sys.stderr,
        )
    return 0 if fits else 1


if __name__ == "__main__":
    sys.exit(main())
