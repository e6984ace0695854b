"""Weights as pictures: first-layer weights as images, histograms per layer."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral

import numpy as np

from ..inspection import _check_network
from ._common import _figure, _shape_label

#: units drawn by plot_first_layer_weights when ``units`` is not given
MAX_UNITS = 64


def _image_shape(image_shape, n_features: int) -> tuple[int, int]:
    if image_shape is None:
        side = math.isqrt(n_features)
        if side * side != n_features:
            raise ValueError(
                f"The network has {n_features} input features, not a perfect "
                "square, so the images' shape cannot be guessed: pass "
                "image_shape=(height, width) with height * width == "
                f"{n_features}."
            )
        return side, side
    try:
        height, width = (int(n) for n in image_shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"image_shape must be a pair (height, width); got {image_shape!r}."
        ) from None
    if height < 1 or width < 1 or height * width != n_features:
        raise ValueError(
            f"image_shape={tuple(image_shape)!r} holds {height * width} pixels but "
            f"the network has {n_features} input features; height * width must "
            "equal n_features."
        )
    return height, width


def _units(units, n_units: int) -> tuple[np.ndarray, str]:
    """The unit indices to draw and a note for the title when some are left out."""
    if units is None:
        shown = np.arange(min(n_units, MAX_UNITS))
        note = (
            f" (units 0-{MAX_UNITS - 1} of {n_units}; choose others with units=)"
            if n_units > MAX_UNITS
            else ""
        )
        return shown, note
    if isinstance(units, (str, bytes)) or not isinstance(units, Sequence | np.ndarray):
        raise ValueError(
            "units must be a sequence of hidden-unit indices, e.g. range(16); "
            f"got {units!r}."
        )
    shown = np.asarray(units)
    if shown.ndim != 1 or shown.size == 0 or not np.issubdtype(shown.dtype, np.integer):
        raise ValueError(
            "units must be a non-empty sequence of integer hidden-unit indices; "
            f"got {units!r}."
        )
    bad = shown[(shown < -n_units) | (shown >= n_units)]
    if bad.size:
        raise ValueError(
            f"units {bad.tolist()} are out of range: the first hidden layer has "
            f"{n_units} units (indices 0 to {n_units - 1})."
        )
    return shown % n_units, ""


def plot_first_layer_weights(
    estimator,
    image_shape: tuple[int, int] | None = None,
    units: Sequence[int] | None = None,
    n_cols: int | None = None,
    cmap: str = "RdBu_r",
    vmax: float | None = None,
    fig=None,
):
    """The first layer's weights as images: what each hidden unit looks for.

    Hidden unit ``j`` computes ``activation(x @ coefs_[0][:, j] + b_j)``, so
    its incoming weights, reshaped like the input image, show the pattern that
    excites it (positive weights) and the one that inhibits it (negative).

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
        Trained on flattened images (one feature per pixel, row by row).
    image_shape : (int, int), default=None
        ``(height, width)`` of the images; by default the square root of the
        number of features if it is a whole number (8 x 8 for ``load_digits``).
    units : sequence of int, default=None
        Indices of the hidden units to draw, in order; by default all of them,
        up to the first 64 (the title says when some are left out).
    n_cols : int, default=None
        Images per row; by default about the square root of their number.
    cmap : str or Colormap, default="RdBu_r"
        A diverging colormap: with the default, positive weights are red and
        negative ones blue, zero white.
    vmax : float, default=None
        The color scale runs from ``-vmax`` to ``vmax`` for every image, so
        colors compare across units and white is zero. By default the 99th
        percentile of the absolute weights drawn, so that a few large weights do
        not wash out the rest: the 1% beyond it saturate, which the colorbar's
        arrows show. ``vmax=np.abs(clf.coefs_[0]).max()`` saturates none.
    fig : Figure or SubFigure, default=None
        Where to draw; by default a new figure.

    Returns
    -------
    fig : Figure or SubFigure
    axes : ndarray of Axes
        One per unit drawn, each holding one image, in the order of ``units``
        (the colorbar's axes are in ``fig.axes`` only).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from skweights import MLPClassifier
    >>> from skweights.plotting import plot_first_layer_weights
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MLPClassifier((32,), max_iter=20, random_state=0).fit(X / 16, y)
    >>> fig, axes = plot_first_layer_weights(clf, units=range(8), n_cols=4)
    >>> len(axes), axes[0].get_title()
    (8, 'unit 0')
    >>> plt.close(fig)
    """
    _check_network(estimator)
    W = np.asarray(estimator.coefs_[0], dtype=float)
    if len(estimator.coefs_) < 2:
        raise ValueError(
            "The network has no hidden layer: coefs_[0] maps the input straight "
            "to the outputs."
        )
    height, width = _image_shape(image_shape, W.shape[0])
    shown, note = _units(units, W.shape[1])
    if n_cols is None:
        n_cols = math.ceil(math.sqrt(len(shown)))
    elif not isinstance(n_cols, (Integral, np.integer)) or n_cols < 1:
        raise ValueError(f"n_cols must be a positive integer; got {n_cols!r}.")
    n_cols = int(min(n_cols, len(shown)))
    n_rows = math.ceil(len(shown) / n_cols)
    weights = W[:, shown]
    if vmax is None:
        vmax = float(np.percentile(np.abs(weights), 99)) or float(
            np.abs(weights).max() or 1.0
        )
    elif not vmax > 0:
        raise ValueError(f"vmax must be a positive number; got {vmax!r}.")
    own = fig is None
    gridspec_kw = None
    if own:
        # Margins in inches; no layout engine, which takes seconds per draw for
        # 64 axes. A given ``fig`` keeps its own layout.
        cell = 1.3 if n_cols <= 8 else 1.0  # inches per image and gap
        image_w = cell / 1.1  # wspace=0.1 of an image's width between images
        image_h = image_w * height / width
        title_h = 0.22  # each image's title
        size = (
            cell * n_cols + 1.25,
            n_rows * image_h + (n_rows - 1) * title_h + 0.1 + 0.6,
        )
        gridspec_kw = {
            "left": 0.1 / size[0],
            "right": 1 - 1.15 / size[0],
            "bottom": 0.1 / size[1],
            "top": 1 - 0.6 / size[1],
            "wspace": 0.1,
            "hspace": title_h / image_h,
        }
    fig = _figure(fig, size if own else None, layout=None)
    grid = fig.subplots(n_rows, n_cols, squeeze=False, gridspec_kw=gridspec_kw)
    axes = grid.ravel()
    image = None
    for ax, j, w in zip(axes, shown, weights.T, strict=False):
        image = ax.imshow(
            w.reshape(height, width),
            cmap=cmap,
            vmin=-vmax,
            vmax=vmax,
            interpolation="nearest",
        )
        dead = " (all 0)" if not w.any() else ""
        ax.set_title(f"unit {j}{dead}", fontsize=8, pad=2)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[len(shown) :]:
        ax.remove()
    axes = axes[: len(shown)]
    extend = "both" if np.abs(weights).max() > vmax else "neither"
    if own:
        width_in = fig.get_size_inches()[0]
        bottom, top = gridspec_kw["bottom"], gridspec_kw["top"]
        cax = fig.add_axes((1 - 0.95 / width_in, bottom, 0.15 / width_in, top - bottom))
        bar = fig.colorbar(image, cax=cax, extend=extend)
    else:
        bar = fig.colorbar(image, ax=list(axes), extend=extend)
    bar.set_label("weight")
    fig.suptitle(
        f"First-layer weights, {height} x {width} image per hidden unit{note}",
        fontsize=10,
    )
    return fig, axes


def plot_weight_histograms(estimator, bins: int = 50, log: bool = False, fig=None):
    """One histogram of weights per layer, with the intercepts in a second color.

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
    bins : int, default=50
        Bins of each layer's weight histogram; the intercepts share its bin
        edges.
    log : bool, default=False
        A logarithmic count axis: shows the tails, and the rest of the
        distribution beside a tall bar of exact zeros.
    fig : Figure or SubFigure, default=None
        Where to draw; by default a new figure.

    Returns
    -------
    fig : Figure or SubFigure
    axes : ndarray of Axes
        One per layer of weights; layer ``i`` is titled with its index, its
        shape ``fan_in x fan_out`` and its fraction of exact zeros.

    Notes
    -----
    Exact zeros (what an L1 penalty leaves) are drawn as a bar of their own at 0
    in a third color, and left out of the weights' histogram, so that they are
    not confused with small weights. On a linear axis a zero bar more than twice
    as tall as the tallest other bin is cut, its count written above it, so that
    the rest of the distribution stays visible. The bars fill the lower part of
    each panel and the legend the top.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from skweights import MLPClassifier
    >>> from skweights.plotting import plot_weight_histograms
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((8,), max_iter=50, random_state=0).fit(X, y)
    >>> fig, axes = plot_weight_histograms(clf)
    >>> axes[0].get_title()
    'layer 0: 4 x 8, 0% exact zeros'
    >>> plt.close(fig)
    """
    _check_network(estimator)
    if (
        not isinstance(bins, (Integral, np.integer))
        or isinstance(bins, bool)
        or bins < 1
    ):
        raise ValueError(f"bins must be a positive integer; got {bins!r}.")
    n_layers = len(estimator.coefs_)
    n_cols = min(n_layers, 4)
    n_rows = math.ceil(n_layers / n_cols)
    fig = _figure(fig, (3.6 * n_cols, 2.9 * n_rows))
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax in axes[n_layers:]:
        ax.remove()
    axes = axes[:n_layers]
    for i, (ax, W, b) in enumerate(
        zip(axes, estimator.coefs_, estimator.intercepts_, strict=True)
    ):
        _layer_histogram(ax, i, W, b, int(bins), log)
    return fig, axes


#: the fraction of a histogram's height the bars may fill: the legend has the rest
BARS_HEIGHT = 0.6
#: ... and the nonzero weights' bars when the zero bar is cut, which stops at
#: BARS_HEIGHT with its count above it
CUT_BARS_HEIGHT = 0.4


def _layer_histogram(ax, i, W, b, bins, log) -> None:
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 - optional

    w = np.asarray(W, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    edges = np.histogram_bin_edges(np.concatenate([w, b]), bins=bins)
    zeros = w == 0
    n_zeros = int(zeros.sum())
    tallest = max(
        np.histogram(w[~zeros], bins=edges)[0].max(initial=0),
        np.histogram(b, bins=edges)[0].max(initial=0),
        1,
    )
    ax.hist(
        w[~zeros],
        bins=edges,
        color="tab:blue",
        alpha=0.8,
        label=f"nonzero weights ({w.size - n_zeros})",
    )
    ax.hist(
        b,
        bins=edges,
        histtype="step",
        linewidth=1.5,
        color="tab:orange",
        label=f"intercepts ({b.size})",
    )
    cut = not log and n_zeros > 2 * tallest
    if not cut:
        tallest = max(tallest, n_zeros)
    # The bars fill the lower part of the axes; the legend goes above them.
    if log:
        bottom = 0.5
        top = bottom * (tallest / bottom) ** (1 / BARS_HEIGHT)
    else:
        bottom, top = 0, tallest / (CUT_BARS_HEIGHT if cut else BARS_HEIGHT)
    if n_zeros:
        # Exact zeros (an L1 penalty's) as their own bar, not lost in a bin; a
        # bar that would dwarf the others is cut, with its count written on top.
        height = BARS_HEIGHT * top if cut else n_zeros
        ax.bar(
            0.0,
            height,
            width=edges[1] - edges[0],
            color="tab:red",
            alpha=0.8,
            label=f"exact-zero weights ({n_zeros})",
        )
        if cut:
            ax.annotate(
                f"{n_zeros} \u2191",
                (0.0, height),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                color="tab:red",
                fontsize=8,
            )
    if log:
        ax.set_yscale("log")
    ax.set_ylim(bottom, top)
    if not log:
        ax.yaxis.set_major_locator(
            MaxNLocator(nbins="auto", steps=[1, 2, 5, 10], integer=True)
        )
    ax.set_title(
        f"layer {i}: {_shape_label(W)}, {_percent(zeros.mean())} exact zeros",
        fontsize=10,
    )
    ax.set_xlabel("value")
    ax.set_ylabel("count")
    ax.locator_params(axis="x", nbins=6)
    # "best" avoids the bars and the zero bar's count: the band above them
    # unless the axes are too small for it
    ax.legend(fontsize=7, loc="best")


def _percent(fraction: float) -> str:
    if 0.995 <= fraction < 1:
        return ">99%"
    if fraction == 0 or fraction >= 0.1:
        return f"{100 * fraction:.0f}%"
    return f"{100 * fraction:.1g}%"
