"""Training as pictures: loss, gradient norms and update sizes per epoch."""

from __future__ import annotations

import numpy as np

from ..inspection import _check_network
from ._common import _figure, _shape_label


def plot_history(estimator, fig=None):
    """Training at a glance: loss, gradient norms and update sizes per epoch.

    Three panels from ``estimator.history_``:

    1. the training loss (penalty included) and, with ``early_stopping=True``,
       the validation loss (data only) and, on a second y-axis, the validation
       score, with a dotted line at its best epoch; the loss axis is
       logarithmic when the losses span more than a decade;
    2. each layer's gradient norm (RMS over the epoch's minibatches), on a log
       scale: lower layers far below the top one mean vanishing gradients (see
       :func:`skweights.inspection.gradient_ratios`);
    3. each layer's relative update ``||W_end - W_start|| / ||W_start||`` over
       the epoch, on a log scale: a layer whose updates fall orders of
       magnitude below the others' has stopped learning.

    Layers with nothing to show on a log scale (frozen layers: zero gradient,
    zero update) are left out and named in the panel; validation curves are
    drawn only when recorded. With L-BFGS a row of the history, and a point on
    the x-axis, is one iteration.

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
        Trained by skweights, so that it has ``history_``.
    fig : Figure or SubFigure, default=None
        Where to draw; by default a new figure.

    Returns
    -------
    fig : Figure or SubFigure
    axes : ndarray of 3 Axes
        The loss, gradient-norm and update panels (the validation score's twin
        axis, when drawn, is in ``fig.axes`` only).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from skweights import MLPClassifier
    >>> from skweights.plotting import plot_history
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((8,), solver="lbfgs", max_iter=50, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> fig, axes = plot_history(clf)
    >>> axes[1].get_yscale(), axes[1].get_xlabel()
    ('log', 'iteration')
    >>> plt.close(fig)
    """
    _check_network(estimator, needs="history_")
    history = estimator.history_
    if len(history) == 0:
        raise ValueError(
            f"{type(estimator).__name__}.history_ is empty: no epoch was recorded."
        )
    x = history["epoch"]
    unit = "iteration" if _full_batch(estimator) else "epoch"
    fig = _figure(fig, (14, 3.8))
    axes = fig.subplots(1, 3, squeeze=True)
    ax_loss, ax_grad, ax_update = axes

    marker = "o" if len(x) <= 30 else None
    lines = ax_loss.plot(
        x, history["loss"], marker=marker, ms=3, label="training loss (with penalty)"
    )
    val_loss, val_score = history["val_loss"], history["val_score"]
    if np.isfinite(val_loss).any():
        lines += ax_loss.plot(
            x, val_loss, marker=marker, ms=3, label="validation loss (data only)"
        )
    twin = None
    if np.isfinite(val_score).any():
        twin = ax_loss.twinx()
        lines += twin.plot(
            x,
            val_score,
            color="tab:green",
            linestyle="--",
            marker=marker,
            ms=3,
            label="validation score",
        )
        twin.set_ylabel("validation score")
        best = int(np.nanargmax(val_score))
        lines.append(
            ax_loss.axvline(
                x[best], color="0.5", linestyle=":", label="best validation score"
            )
        )
    ax_loss.legend(
        lines,
        [line.get_label() for line in lines],
        fontsize=8,
        # "best" cannot see the twin axis's line, which ends top right.
        loc="center right" if twin is not None else "best",
    )
    losses = np.concatenate([history["loss"], val_loss])
    losses = losses[np.isfinite(losses)]
    if losses.size and (losses > 0).all() and losses.max() >= 10 * losses.min():
        ax_loss.set_yscale("log")
    ax_loss.set_title("Loss")
    ax_loss.set_ylabel("loss")

    shapes = [_shape_label(W) for W in estimator.coefs_]
    grad_label = (
        "||dL/dW|| at the accepted point"
        if unit == "iteration"
        else "||dL/dW||, RMS over minibatches"
    )
    for ax, column, title, ylabel in (
        (ax_grad, "grad_norm", "Gradient norm", grad_label),
        (
            ax_update,
            "update_ratio",
            "Relative update",
            "||W_end - W_start|| / ||W_start||",
        ),
    ):
        values = history[column]
        skipped = []
        for i, shape in enumerate(shapes):
            v = values[:, i]
            if not (np.isfinite(v) & (v > 0)).any():
                skipped.append(i)
                continue
            ax.plot(x, np.where(v > 0, v, np.nan), label=f"layer {i} ({shape})")
        _log_scale(ax, values)
        ax.set_title(title)
        ax.set_ylabel(ylabel, fontsize=9)
        if ax.get_lines():
            ax.legend(fontsize=8 if len(shapes) <= 4 else 7, ncol=1 + (len(shapes) > 4))
        if skipped:
            ax.text(
                0.02,
                0.02,
                f"not shown (all zero or undefined): layer "
                f"{', '.join(map(str, skipped))}",
                transform=ax.transAxes,
                fontsize=8,
                color="0.3",
            )
    for ax in axes:
        ax.set_xlabel(unit)
        ax.grid(True, alpha=0.3)
    return fig, axes


def _log_scale(ax, values) -> None:
    """A log y-axis; labelled in plain numbers when the values span less than a
    decade (where the default labels read ``2 x 10^-2``)."""
    from matplotlib.ticker import StrMethodFormatter  # noqa: PLC0415 - optional

    ax.set_yscale("log")
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size and positive.max() < 10 * positive.min():
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:.3g}"))
        ax.yaxis.set_minor_formatter(StrMethodFormatter("{x:.3g}"))


def _full_batch(estimator) -> bool:
    """Whether the history's rows are L-BFGS iterations rather than epochs."""
    try:
        return not estimator._resolve_optimizer().stochastic
    except (AttributeError, TypeError, ValueError):
        return False
