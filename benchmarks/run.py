"""Training-speed benchmark: skweights against scikit-learn (and PyTorch if installed).

Run ``python benchmarks/run.py`` (a few minutes on 2 cores) or
``python benchmarks/run.py --quick`` (seconds; a smoke test on tiny sizes).

In one process it measures the machine's matrix-multiply rate on the very GEMM
shapes a training epoch performs (forward, weight gradients, backpropagated
deltas), before and between the repeats (the best rate is the peak), times each
library on the same workloads and prints one table:

- ``s/epoch``: median over repeats of the fit time divided by the epochs run;
- ``vs sklearn``: scikit-learn's s/epoch divided by this row's (above 1 is faster);
- ``GFLOP/s``: 6 * n_samples * sum(fan_in * fan_out) per epoch, over s/epoch;
- ``% peak``: that rate over the measured GEMM rate on the same shapes;
- ``peak MiB``: the largest memory traced by ``tracemalloc`` during one fit (numpy
  allocations; PyTorch's own allocator is not traced, shown as ``-``);
- ``loss``: the final training loss, to check that the libraries did equal work.

The GEMM line gives the lowest and highest rate of the rounds: far apart, the
machine's speed changed during the workload (a shared virtual machine does), which
the side-by-side ratios absorb and ``% peak`` does not.

On the large workloads a ``skw-nonorm`` row times skweights without recording
per-layer gradient norms, and the line under the table gives what recording them
(on by default, for ``history_``) costs.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from skweights import MLPClassifier  # noqa: E402


@dataclass
class Workload:
    name: str
    X: np.ndarray
    y: np.ndarray
    hidden: tuple
    params: dict = field(default_factory=dict)
    epochs: int | None = None  # None: to convergence

    def layer_units(self):
        n_out = len(np.unique(self.y))
        n_out = 1 if n_out == 2 else n_out
        return [self.X.shape[1], *self.hidden, n_out]

    def flops_per_epoch(self):
        units = self.layer_units()
        return 6 * self.X.shape[0] * sum(a * b for a, b in pairwise(units))

    def batch_size(self):
        bs = self.params.get("batch_size", "auto")
        return min(200, self.X.shape[0]) if bs == "auto" else bs


def workloads(quick: bool) -> list[Workload]:
    scale = 0.01 if quick else 1.0
    n_large = int(100_000 * scale)
    X, y = make_classification(
        n_samples=n_large,
        n_features=256,
        n_informative=64,
        n_classes=10,
        random_state=0,
    )
    digits_X, digits_y = load_digits(return_X_y=True)
    digits_X = digits_X / 16.0
    n_deep = int(20_000 * scale)
    Xd, yd = make_classification(
        n_samples=n_deep, n_features=64, n_informative=32, n_classes=4, random_state=0
    )
    large = dict(optimizer="adam", batch_size=256)
    out = [
        Workload("large f64", X, y, (512, 256), large, epochs=1 if quick else 3),
        Workload(
            "large f32",
            X.astype(np.float32),
            y,
            (512, 256),
            large,
            epochs=1 if quick else 3,
        ),
        Workload(
            "small (digits)",
            digits_X,
            digits_y,
            (100,),
            dict(optimizer="adam"),
            epochs=5 if quick else None,
        ),
        Workload(
            "deep-narrow",
            Xd,
            yd,
            (64,) * 8,
            dict(optimizer="sgd", momentum=0.9, batch_size=32, learning_rate_init=0.01),
            epochs=1 if quick else 5,
        ),
    ]
    return out


# ------------------------------------------------------------------ GEMM peak
def gemm_rate(w: Workload, repeats: int) -> float:
    """GFLOP/s of exactly the matrix products one epoch performs, in X's dtype."""
    dtype = w.X.dtype
    units = w.layer_units()
    bs = w.batch_size()
    rng = np.random.RandomState(0)
    shapes = list(pairwise(units))
    A = [rng.rand(bs, a).astype(dtype) for a, _ in shapes]
    W = [rng.rand(a, b).astype(dtype) for a, b in shapes]
    D = [rng.rand(bs, b).astype(dtype) for _, b in shapes]
    outs_f = [np.empty((bs, b), dtype) for _, b in shapes]
    outs_g = [np.empty((a, b), dtype) for a, b in shapes]
    outs_d = [np.empty((bs, a), dtype) for a, _ in shapes]
    n_batches = max(1, min(w.X.shape[0] // bs, 200))

    def one_pass():
        for _ in range(n_batches):
            for i in range(len(shapes)):
                np.matmul(A[i], W[i], out=outs_f[i])
                np.matmul(A[i].T, D[i], out=outs_g[i])
                np.matmul(D[i], W[i].T, out=outs_d[i])

    one_pass()
    best = min(_timed(one_pass) for _ in range(repeats))
    flops = 6 * n_batches * bs * sum(a * b for a, b in shapes)
    return flops / best / 1e9


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ------------------------------------------------------------------ the libraries
def fit_numpy_mlp(cls, w: Workload, solver_name: str, track_gradients=True):
    params = dict(w.params)
    optimizer = params.pop("optimizer")
    params[solver_name] = optimizer
    est = cls(
        hidden_layer_sizes=w.hidden,
        max_iter=w.epochs or 200,
        tol=0.0 if w.epochs else 1e-4,
        n_iter_no_change=10**9 if w.epochs else 10,
        random_state=0,
        **params,
    )
    if not track_gradients:
        est._track_gradients = False  # history_ without per-layer gradient norms
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        est.fit(w.X, w.y)
        elapsed = time.perf_counter() - start
    return elapsed / est.n_iter_, est.loss_, est.n_iter_


def fit_torch(w: Workload):
    import torch

    torch.manual_seed(0)
    dtype = torch.float32 if w.X.dtype == np.float32 else torch.float64
    units = w.layer_units()
    n_classes = len(np.unique(w.y))
    units[-1] = n_classes  # softmax over every class (torch idiom)
    layers = []
    for i, (a, b) in enumerate(pairwise(units)):
        layers.append(torch.nn.Linear(a, b, dtype=dtype))
        if i < len(units) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    p = w.params
    lr = p.get("learning_rate_init", 1e-3)
    if p["optimizer"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=0.0)
    else:
        opt = torch.optim.SGD(
            model.parameters(), lr=lr, momentum=p.get("momentum", 0.9), nesterov=True
        )
    X = torch.from_numpy(np.ascontiguousarray(w.X))
    y = torch.from_numpy(np.searchsorted(np.unique(w.y), w.y))
    bs = w.batch_size()
    loss_fn = torch.nn.CrossEntropyLoss()
    epochs = w.epochs or 100
    gen = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(X.shape[0], generator=gen)
        total = 0.0
        for s in range(0, X.shape[0], bs):
            idx = perm[s : s + bs]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(X[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
    elapsed = time.perf_counter() - start
    return elapsed / epochs, total / X.shape[0], epochs


def measure(rows, repeats, each_round=None):
    """Median s/epoch of each library, repeats interleaved so that a noisy spell
    on a shared machine hits every library alike; peak memory from the first
    round, traced for the numpy-based libraries. ``each_round()`` runs at the
    start of every round (the GEMM rate, measured among the fits)."""
    times = {name: [] for name, _, _ in rows}
    peaks, results = {}, {}
    for r in range(repeats):
        if each_round is not None:
            each_round()
        for name, fn, trace in rows:
            gc.collect()
            if trace and r == 0:
                tracemalloc.start()
            result = fn()
            if r == 0:
                peaks[name] = None
                if trace:
                    peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
                    tracemalloc.stop()
            times[name].append(result[0])
            results[name] = result
    return {
        name: (statistics.median(times[name]), peaks[name], results[name])
        for name in times
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument(
        "--only", default=None, help="run only workloads whose name contains this"
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    have_torch = False
    if not args.no_torch:
        try:
            import torch

            have_torch = True
            torch.set_num_threads(os.cpu_count() or 1)
        except ImportError:
            pass

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numpy {np.__version__}, python {platform.python_version()}"
        + (f", torch {torch.__version__}" if have_torch else ", torch not installed")
    )
    header = (
        f"{'workload':<16}{'library':<11}{'s/epoch':>10}{'vs sklearn':>12}"
        f"{'GFLOP/s':>9}{'% peak':>8}{'peak MiB':>10}{'epochs':>8}{'loss':>10}"
    )
    print(header)
    print("-" * len(header))
    gemm_repeats = 1 if args.quick else 3
    for w in workloads(args.quick):
        if args.only and args.only not in w.name:
            continue
        # The GEMM rate is measured in every round, between the fits, and the
        # best is kept: a slow spell of a shared machine then cannot lower the
        # peak (and raise every "% peak") unless it lasts the whole workload.
        rates = [gemm_rate(w, repeats=gemm_repeats)]
        rows = [
            ("sklearn", lambda w=w: fit_numpy_mlp(SkMLPClassifier, w, "solver"), True),
            (
                "skweights",
                lambda w=w: fit_numpy_mlp(MLPClassifier, w, "optimizer"),
                True,
            ),
        ]
        if w.name.startswith("large"):
            # what recording per-layer gradient norms (history_) costs
            rows.append(
                (
                    "skw-nonorm",
                    lambda w=w: fit_numpy_mlp(MLPClassifier, w, "optimizer", False),
                    True,
                )
            )
        if have_torch:
            rows.append(("torch", lambda w=w: fit_torch(w), False))
        results = measure(
            rows,
            repeats,
            lambda w=w, rates=rates: rates.append(gemm_rate(w, repeats=1)),
        )
        peak_rate = max(rates)
        ref = results["sklearn"][0]
        flops = w.flops_per_epoch()
        for name, (sec, peak, (_, loss, n_iter)) in results.items():
            rate = flops / sec / 1e9
            print(
                f"{w.name:<16}{name:<11}{sec:>10.4f}{ref / sec:>11.2f}x"
                f"{rate:>9.1f}{100 * rate / peak_rate:>7.0f}%"
                f"{'-' if peak is None else f'{peak:.0f}':>10}{n_iter:>8}{loss:>10.4f}"
            )
        print(
            f"{'':<16}{'GEMM peak':<11}{'':>22}{peak_rate:>9.1f}{100:>7}%"
            f"   (rounds: {min(rates):.1f} to {peak_rate:.1f})"
        )
        if "skw-nonorm" in results:
            bare = results["skw-nonorm"][0]
            cost = 100 * (results["skweights"][0] - bare) / bare
            print(f"{'':<16}gradient-norm history costs {cost:+.1f}% of an epoch")


if __name__ == "__main__":
    main()
