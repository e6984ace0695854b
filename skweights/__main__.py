"""Demo: ``python -m skweights``.

Cross-validates a digits classifier with a few initializers, penalties and
optimizers and prints one table: accuracy, fit time, and the share of first-layer
weights that are exactly zero.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import MLPClassifier, __version__, _fused

CONFIGS = [
    # (init, penalty, alpha, optimizer)
    ("sklearn", "l2", 1e-4, "adam"),
    ("he_uniform", "l2", 1e-4, "adam"),
    ("orthogonal", "l2", 1e-4, "adam"),
    ("he_uniform", "l1", 0.3, "adam"),
    ("glorot_uniform", "l2", 1e-4, "sgd"),
    ("glorot_uniform", "l2", 1e-4, "rmsprop"),
    ("lecun_normal", "elasticnet", 1.0, "lbfgs"),
]


def run(n_splits: int = 5, max_iter: int = 60) -> list[dict]:
    """Cross-validate every configuration; return one row of results each."""
    X, y = load_digits(return_X_y=True)
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
    rows = []
    for init, penalty, alpha, optimizer in CONFIGS:
        model = make_pipeline(
            StandardScaler(),
            MLPClassifier(
                hidden_layer_sizes=(64,),
                init=init,
                penalty=penalty,
                alpha=alpha,
                optimizer=optimizer,
                learning_rate_init=0.01 if optimizer == "sgd" else 0.001,
                max_iter=max_iter,
                random_state=0,
            ),
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = cross_validate(model, X, y, cv=cv, return_estimator=True)
        elapsed = time.perf_counter() - start
        zeros = np.mean([np.mean(est[-1].coefs_[0] == 0.0) for est in res["estimator"]])
        rows.append(
            dict(
                init=init,
                penalty=f"{penalty} ({alpha:g})",
                optimizer=optimizer,
                accuracy=res["test_score"].mean(),
                std=res["test_score"].std(),
                seconds=elapsed / n_splits,
                zeros=zeros,
            )
        )
    return rows


def format_table(rows: list[dict]) -> str:
    """Render the rows as a fixed-width text table."""
    header = (
        f"{'init':<16}{'penalty':<20}{'optimizer':<11}"
        f"{'CV accuracy':>16}{'fit (s)':>10}{'zero weights':>14}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r['init']:<16}{r['penalty']:<20}{r['optimizer']:<11}"
            f"{r['accuracy']:>9.3f} ± {r['std']:.3f}"
            f"{r['seconds']:>10.2f}{r['zeros']:>13.0%}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m skweights",
        description="Compare initializers, penalties and optimizers on digits.",
    )
    parser.add_argument("--folds", type=int, default=5, help="CV folds (default 5)")
    parser.add_argument(
        "--max-iter", type=int, default=60, help="epochs per fit (default 60)"
    )
    args = parser.parse_args(argv)
    if args.folds < 2 or args.max_iter < 1:
        parser.error("--folds must be >= 2 and --max-iter >= 1")
    if _fused.enabled:
        loops = "compiled"
    elif _fused.loops is None:
        loops = "numpy (the compiled extension was not built)"
    else:
        loops = "numpy (SKWEIGHTS_NUMPY_LOOPS is set)"
    print(
        f"skweights {__version__}: digits (1797 images, 64 pixels, 10 classes), "
        f"MLP with one hidden layer of 64 units, {args.folds}-fold CV, "
        f"{args.max_iter} epochs; training loops: {loops}\n"
    )
    print(format_table(run(args.folds, args.max_iter)))
    print(
        "\nL1 and elastic net drive weights to exact zeros; "
        "'sklearn' init + l2 + adam is scikit-learn's MLPClassifier."
    )


if __name__ == "__main__":
    main()
