"""Training as pictures: loss, gradient norms and update sizes per epoch."""

from __future__ import annotations

import numpy as np

from ..inspection import _check_network
from ._common import _figure, _shape_label

#: with validation curves, the fraction of the loss panel's height they fill; the
#: legend has the band above
CURVES_HEIGHT = 0.7
#: above this many layers, the gradient and update panels share one legend,
#: placed beside the figure's last panel
SHARED_LEGEND = 4


def plot_history(estimator, fig=None):
    """Training at a glance: loss, gradient norms and update sizes per epoch.

    Three panels from ``estimator.history_``:

    1. the training loss (penalty included) and, with ``early_stopping=True``,
       the validation loss (data only) and, on a second y-axis, the validation
       score, with a dotted line at its best epoch, under a band left free
       for the legend; the loss axis is logarithmic when the losses span more
       than a decade;
    2. each layer's gradient norm (RMS over the epoch's minibatches), on a log
       scale: lower layers far below the top one mean vanishing gradients (see
       :func:`skweights.inspection.gradient_ratios`);
    3. each layer's relative update ``||W_end - W_start|| / ||W_start||`` over
       the epoch, on a log scale: a layer whose updates fall orders of
       magnitude below the others' has stopped learning.

    A layer has the same color in both panels; with more than four layers
    they share one legend, beside the last panel. Layers with nothing to show
    on a log scale (frozen layers: zero gradient, zero update) are left out and
    named in the panel; validation curves are drawn only when recorded. With
    L-BFGS a row of the history, and a point on the x-axis, is one iteration.

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
    fig = _figure(fig, (14, 3.8))  # first: it says what to install
    from matplotlib.patches import PathPatch  # noqa: PLC0415 - optional
    from matplotlib.path import Path  # noqa: PLC0415
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

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
        # The legend's "best" placement looks at its own axes only: an invisible
        # copy of the score's curve there makes it avoid that curve too.
        finite = np.isfinite(val_score)
        ax_loss.add_artist(
            PathPatch(
                Path(np.column_stack([x[finite], val_score[finite]])),
                transform=twin.transData,
                fill=False,
                visible=False,
                label="_validation score, for the legend's placement",
            )
        )
        best = int(np.nanargmax(val_score))
        lines.append(
            ax_loss.axvline(
                x[best],
                ymax=CURVES_HEIGHT,
                color="0.5",
                linestyle=":",
                label="best validation score",
            )
        )
    ax_loss.legend(
        lines,
        [line.get_label() for line in lines],
        fontsize=8,
        loc="best",
    )
    losses = np.concatenate([history["loss"], val_loss])
    losses = losses[np.isfinite(losses)]
    if losses.size and (losses > 0).all() and losses.max() >= 10 * losses.min():
        ax_loss.set_yscale("log")
    if twin is not None:
        # Four entries: a band above the curves holds the legend.
        for ax in (ax_loss, twin):
            _headroom(ax)
    ax_loss.set_title("Loss")
    ax_loss.set_ylabel("loss")

    shapes = [_shape_label(W) for W in estimator.coefs_]
    grad_label = (
        "||dL/dW|| at the accepted point"
        if unit == "iteration"
        else "||dL/dW||, RMS over minibatches"
    )
    # One color per layer in both panels, whichever layers a panel leaves out.
    colors = [f"C{i % 10}" for i in range(len(shapes))]
    shared = len(shapes) > SHARED_LEGEND
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
            ax.plot(
                x,
                np.where(v > 0, v, np.nan),
                color=colors[i],
                label=f"layer {i} ({shape})",
            )
        _log_scale(ax, values)
        ax.set_title(title)
        ax.set_ylabel(ylabel, fontsize=9)
        if ax.get_lines() and not shared:
            ax.legend(fontsize=8)
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
    if shared:
        # Many layers: one legend for both panels, beside them, where it covers
        # no curve.
        handles = {}
        for ax in (ax_grad, ax_update):
            for line in ax.get_lines():
                handles.setdefault(line.get_label(), line)
        order = sorted(handles, key=lambda label: int(label.split()[1]))
        ax_update.legend(
            [handles[label] for label in order],
            order,
            fontsize=8,
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            borderaxespad=0.0,
            title="layer (gradient and update)",
            title_fontsize=8,
        )
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs
        ax.set_xlabel(unit)
        ax.grid(True, alpha=0.3)
    return fig, axes


def _headroom(ax) -> None:
    """Raise the top of the y-axis so that the curves fill ``CURVES_HEIGHT``;
    the ticks stop at the curves' top (a score axis going on to 1.2 would
    suggest scores that cannot be)."""
    low, high = ax.get_ylim()
    if ax.get_yscale() == "log":
        top = low * (high / low) ** (1 / CURVES_HEIGHT)
    else:
        top = low + (high - low) / CURVES_HEIGHT
        ticks = ax.get_yticks()
        ax.set_yticks(ticks[(ticks >= low) & (ticks <= high)])
    ax.set_ylim(low, top)


def _log_scale(ax, values) -> None:
    """A log y-axis; labelled in plain numbers when the values span less than a
    decade (where the default labels read ``2 x 10^-2``), the minor ticks only
    where their labels do not crowd."""
    ax.set_yscale("log")
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size and positive.max() < 10 * positive.min():
        ax.yaxis.set_major_formatter(_plain_formatter(minor=False))
        ax.yaxis.set_minor_formatter(_plain_formatter(minor=True))


#: the minor ticks of a log axis in the order they get a label, by mantissa
MINOR_PRIORITY = (2, 5, 3, 4, 6, 7, 8, 9)
#: the least distance between two tick labels, in multiples of their font size
LABEL_GAP = 1.5


def _plain_formatter(minor):
    """Labels ``"0.02"`` for a log axis; for the minor ticks, a label only where
    it keeps ``LABEL_GAP`` font sizes from the major ticks and the minor labels
    already given (mantissas 2 and 5 first)."""
    from matplotlib import rcParams  # noqa: PLC0415 - optional
    from matplotlib.font_manager import FontProperties  # noqa: PLC0415
    from matplotlib.ticker import Formatter  # noqa: PLC0415

    class PlainLogFormatter(Formatter):
        def __call__(self, x, pos=None):
            return f"{x:.3g}"

        def format_ticks(self, values):
            if not minor or self.axis is None or not len(values):
                return [self(v) for v in values]
            axis = self.axis
            to_pixels = axis.axes.transData
            low, high = sorted(axis.get_view_interval())

            def position(v):
                return to_pixels.transform((1.0, v))[1]

            points = FontProperties(
                size=rcParams[f"{axis.axis_name}tick.labelsize"]
            ).get_size_in_points()
            gap = LABEL_GAP * points * axis.figure.dpi / 72
            taken = [position(v) for v in axis.get_majorticklocs() if low <= v <= high]
            labelled = set()

            def rank(k):
                mantissa = round(values[k] / 10 ** np.floor(np.log10(values[k])))
                return (
                    MINOR_PRIORITY.index(mantissa) if mantissa in MINOR_PRIORITY else 99
                )

            for k in sorted(range(len(values)), key=rank):
                if not low <= values[k] <= high:
                    continue
                y = position(values[k])
                if all(abs(y - t) >= gap for t in taken):
                    taken.append(y)
                    labelled.add(k)
            return [self(v) if k in labelled else "" for k, v in enumerate(values)]

    return PlainLogFormatter()


def _full_batch(estimator) -> bool:
    """Whether the history's rows are L-BFGS iterations rather than epochs."""
    try:
        return not estimator._resolve_optimizer().stochastic
    except (AttributeError, TypeError, ValueError):
        return False
