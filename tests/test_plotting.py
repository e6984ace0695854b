"""skweights.plotting: every figure renders, with the expected axes and labels."""

import builtins
import importlib
import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris

from skweights import MLPClassifier
from skweights._history import History
from skweights.plotting import (
    _weights,
    plot_first_layer_weights,
    plot_history,
    plot_weight_histograms,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:500] / 16, y[:500]


@pytest.fixture(scope="module")
def digits16(digits):
    X, y = digits
    return MLPClassifier((16,), max_iter=15, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def l1_deep(digits):
    X, y = digits
    return MLPClassifier(
        (16, 8), penalty="l1", alpha=0.05, max_iter=15, random_state=0
    ).fit(X, y)


def clone_fitted(model):
    import copy

    return copy.deepcopy(model)


def n_images(fig):
    return sum(len(ax.images) for ax in fig.axes)


def extent(artist):
    return artist.get_window_extent(artist.figure.canvas.get_renderer())


def crosses(legend, axes):
    """The visible curves of ``axes`` that pass under ``legend``."""
    box = extent(legend)
    return [
        line.get_label()
        for ax in axes
        for line in ax.get_lines()
        if line.get_visible()
        and line.get_transform()
        .transform_path(line.get_path())
        .intersects_bbox(box, filled=False)
    ]


def overlapping_labels(axis):
    """Pairs of the drawn tick labels of ``axis`` (major and minor) that overlap."""
    labels = [
        t
        for t in axis.get_ticklabels() + axis.get_ticklabels(minor=True)
        if t.get_visible() and t.get_text()
    ]
    low, high = sorted(axis.get_view_interval())
    inside = [
        t
        for t in labels
        if low <= t.get_position()[1 if axis.axis_name == "y" else 0] <= high
    ]
    boxes = [(t.get_text(), extent(t)) for t in inside]
    return [
        (a, b)
        for k, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[k + 1 :]
        if box_a.overlaps(box_b)
    ]


# ----------------------------------------------------------- first-layer weights
def test_first_layer_weights_digits(digits16):
    fig, axes = plot_first_layer_weights(digits16)
    fig.canvas.draw()
    assert len(axes) == 16 and n_images(fig) == 16
    assert len(fig.axes) == 17  # and the colorbar
    assert [ax.get_title() for ax in axes[:3]] == ["unit 0", "unit 1", "unit 2"]
    assert "8 x 8" in fig.get_suptitle()
    first = axes[0].images[0]
    assert first.get_array().shape == (8, 8)
    np.testing.assert_allclose(
        first.get_array(), digits16.coefs_[0][:, 0].reshape(8, 8)
    )
    vmin, vmax = first.get_clim()
    assert vmin == -vmax > -np.inf  # symmetric around 0, shared by every image
    assert {ax.images[0].get_clim() for ax in axes} == {(vmin, vmax)}
    assert vmax == pytest.approx(np.percentile(np.abs(digits16.coefs_[0]), 99))
    assert fig.axes[-1].get_ylabel() == "weight"


def test_first_layer_weights_options(digits16):
    fig, axes = plot_first_layer_weights(
        digits16, units=[5, -1, 5], n_cols=2, cmap="PuOr", vmax=0.5
    )
    fig.canvas.draw()
    assert [ax.get_title() for ax in axes] == ["unit 5", "unit 15", "unit 5"]
    assert n_images(fig) == 3
    assert axes[0].images[0].get_clim() == (-0.5, 0.5)
    assert axes[0].images[0].get_cmap().name == "PuOr"
    assert axes[0].get_subplotspec().get_gridspec().ncols == 2

    fig, axes = plot_first_layer_weights(digits16, image_shape=(4, 16), units=range(4))
    assert axes[0].images[0].get_array().shape == (4, 16)


def test_first_layer_weights_dead_unit_and_subfigure(digits16):
    fig = plt.figure(layout="constrained")
    left, right = fig.subfigures(1, 2)
    dead = MLPClassifier((4,), max_iter=1, random_state=0).fit(
        *load_iris(return_X_y=True)
    )
    dead.coefs_[0][:, 1] = 0
    sub, axes = plot_first_layer_weights(dead, image_shape=(2, 2), fig=left)
    assert sub is left
    assert axes[1].get_title() == "unit 1 (all 0)"
    plot_first_layer_weights(digits16, units=range(4), fig=right)
    fig.canvas.draw()
    assert n_images(fig) == 8


def test_first_layer_weights_caps_units(digits, monkeypatch):
    assert _weights.MAX_UNITS == 64
    monkeypatch.setattr(_weights, "MAX_UNITS", 4)  # 64 axes take a while to make
    X, y = digits
    wide = MLPClassifier((7,), max_iter=1, random_state=0).fit(X, y)
    fig, axes = plot_first_layer_weights(wide)
    assert len(axes) == 4
    assert "units 0-3 of 7" in fig.get_suptitle()
    assert "units=" in fig.get_suptitle()
    assert len(plot_first_layer_weights(wide, units=range(7))[1]) == 7


def test_first_layer_weights_errors(digits16):
    X, y = load_iris(return_X_y=True)
    iris = MLPClassifier((3,), max_iter=2, random_state=0).fit(X[:, :3], y)
    with pytest.raises(
        ValueError, match="3 input features, not a perfect square.*image_shape"
    ):
        plot_first_layer_weights(iris)
    with pytest.raises(ValueError, match="holds 60 pixels but the network has 64"):
        plot_first_layer_weights(digits16, image_shape=(6, 10))
    with pytest.raises(ValueError, match="image_shape must be a pair"):
        plot_first_layer_weights(digits16, image_shape=8)
    with pytest.raises(ValueError, match=r"units \[16\] are out of range.*16 units"):
        plot_first_layer_weights(digits16, units=[0, 16])
    with pytest.raises(ValueError, match="units must be"):
        plot_first_layer_weights(digits16, units=3)
    with pytest.raises(ValueError, match="units must be"):
        plot_first_layer_weights(digits16, units=[0.5])
    with pytest.raises(ValueError, match="n_cols must be a positive integer"):
        plot_first_layer_weights(digits16, n_cols=0)
    with pytest.raises(ValueError, match="vmax must be a positive number"):
        plot_first_layer_weights(digits16, vmax=-1)
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        plot_first_layer_weights(digits16, fig=plt.gca())


# ------------------------------------------------------------------- histograms
def test_weight_histograms(l1_deep):
    fig, axes = plot_weight_histograms(l1_deep, bins=30)
    fig.canvas.draw()
    assert len(axes) == 3
    zeros = np.mean(l1_deep.coefs_[0] == 0)
    assert zeros > 0.1
    assert axes[0].get_title() == f"layer 0: 64 x 16, {100 * zeros:.0f}% exact zeros"
    assert axes[2].get_title().startswith("layer 2: 8 x 10, ")
    for ax in axes:
        assert ax.get_xlabel() == "value" and ax.get_ylabel() == "count"
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels[0].startswith("nonzero weights") and labels[1].startswith(
            "intercepts"
        )
    legend = [t.get_text() for t in axes[0].get_legend().get_texts()]
    n_zeros = int(np.sum(l1_deep.coefs_[0] == 0))
    assert f"exact-zero weights ({n_zeros})" in legend
    # the nonzero weights' bars count every nonzero weight once
    heights = sum(p.get_height() for p in axes[0].containers[0])
    assert heights == l1_deep.coefs_[0].size - n_zeros
    # the zero bar is cut (more than twice the tallest bin), its count on top;
    # the legend covers neither
    (zero_bar,) = axes[0].containers[-1]  # after the weights' bars
    (count,) = axes[0].texts
    assert count.get_text() == f"{n_zeros} \u2191"
    assert zero_bar.get_height() < n_zeros
    assert count.xy == (0.0, zero_bar.get_height())
    legend = extent(axes[0].get_legend())
    assert not legend.overlaps(extent(zero_bar))
    assert not legend.overlaps(extent(count))
    for ax in axes:  # nor any bar
        assert not any(
            legend.overlaps(extent(bar))
            for bars in ax.containers
            for bar in bars
            if (legend := extent(ax.get_legend()))
        )
    # counts are whole numbers
    assert all(float(t).is_integer() for t in axes[2].get_yticks())


def test_weight_histograms_log_and_no_zeros(digits16):
    fig, axes = plot_weight_histograms(digits16, log=True)
    fig.canvas.draw()
    assert [ax.get_yscale() for ax in axes] == ["log", "log"]
    assert axes[0].get_title() == "layer 0: 64 x 16, 0% exact zeros"
    for ax in axes:
        legend = extent(ax.get_legend())
        assert not any(legend.overlaps(extent(b)) for c in ax.containers for b in c)
    with pytest.raises(ValueError, match="bins must be a positive integer"):
        plot_weight_histograms(digits16, bins=0)


def test_log_weight_histograms_keep_the_zero_bar_clear(l1_deep):
    # 600 exact zeros amid 424 weights spread evenly around them: on a log axis
    # the zero bar is drawn whole and stands far above the rest, in the middle
    model = clone_fitted(l1_deep)
    W = np.zeros(64 * 16)
    W[:424] = np.linspace(-0.5, 0.5, 424)
    model.coefs_[0] = np.random.RandomState(0).permutation(W).reshape(64, 16)
    fig, axes = plot_weight_histograms(model, log=True)
    fig.canvas.draw()
    (zero_bar,) = axes[0].containers[-1]  # after the weights' bars
    assert zero_bar.get_height() == 600  # never cut on a log axis
    assert not axes[0].texts
    assert not extent(axes[0].get_legend()).overlaps(extent(zero_bar))


# ---------------------------------------------------------------------- history
def test_history_panels(l1_deep):
    fig, axes = plot_history(l1_deep)
    fig.canvas.draw()
    assert [ax.get_title() for ax in axes] == [
        "Loss",
        "Gradient norm",
        "Relative update",
    ]
    assert [ax.get_xlabel() for ax in axes] == ["epoch"] * 3
    assert axes[1].get_yscale() == axes[2].get_yscale() == "log"
    for ax in axes[1:]:
        assert [line.get_label() for line in ax.get_lines()] == [
            "layer 0 (64 x 16)",
            "layer 1 (16 x 8)",
            "layer 2 (8 x 10)",
        ]
        assert ax.get_legend() is not None and ax.get_ylabel()
    # no early stopping: the training loss only, no empty validation lines
    assert [line.get_label() for line in axes[0].get_lines()] == [
        "training loss (with penalty)"
    ]
    assert len(fig.axes) == 3
    np.testing.assert_array_equal(
        axes[1].get_lines()[0].get_ydata(), l1_deep.history_["grad_norm"][:, 0]
    )


def test_history_with_validation(digits):
    X, y = digits
    clf = MLPClassifier(
        (8,), early_stopping=True, max_iter=8, n_iter_no_change=20, random_state=0
    ).fit(X, y)
    fig, axes = plot_history(clf)
    fig.canvas.draw()
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert labels == [
        "training loss (with penalty)",
        "validation loss (data only)",
        "validation score",
        "best validation score",
    ]
    twin = [ax for ax in fig.axes if ax not in axes]
    assert len(twin) == 1 and twin[0].get_ylabel() == "validation score"
    # the legend sits above every curve, the twin axis's too
    assert crosses(axes[0].get_legend(), [axes[0], twin[0]]) == []
    # and the score axis is labelled only as far as the scores go
    assert max(twin[0].get_yticks()) <= np.nanmax(clf.history_["val_score"]) + 0.05


def test_history_lbfgs_and_frozen(digits):
    X, y = digits
    lbfgs = MLPClassifier((6,), solver="lbfgs", max_iter=5, random_state=0).fit(X, y)
    fig, axes = plot_history(lbfgs)
    fig.canvas.draw()
    assert [ax.get_xlabel() for ax in axes] == ["iteration"] * 3
    assert len(axes[0].get_lines()) == 1 and axes[1].get_yscale() == "log"

    frozen = MLPClassifier((8, 6), frozen_layers=1, max_iter=3, random_state=0)
    fig, axes = plot_history(frozen.fit(X, y))
    fig.canvas.draw()
    for ax in axes[1:]:
        assert [line.get_label() for line in ax.get_lines()] == [
            "layer 1 (8 x 6)",
            "layer 2 (6 x 10)",
        ]
        assert any(
            "not shown (all zero or undefined): layer 0" in t.get_text()
            for t in ax.texts
        )


def synthetic_history(model, update_ratio):
    """``model`` with a history whose update ratios are ``update_ratio``."""
    history = History(len(model.coefs_))
    for epoch, ratio in enumerate(update_ratio, start=1):
        history.append(
            epoch=epoch,
            loss=1.0 / epoch,
            weight_norm=[1.0] * len(model.coefs_),
            grad_norm=[0.1 * ratio] * len(model.coefs_),
            update_ratio=[ratio * (1 + 0.1 * i) for i in range(len(model.coefs_))],
        )
    model.history_ = history
    return model


def test_history_log_labels_do_not_crowd(digits16):
    # less than a decade, mostly at the bottom of one: 0.006 to 0.045, where
    # the minor ticks 0.006, 0.007, 0.008 and 0.009 lie close together
    model = synthetic_history(clone_fitted(digits16), np.geomspace(0.045, 0.0055, 50))
    fig, axes = plot_history(model)
    fig.canvas.draw()
    for ax in axes[1:]:
        assert overlapping_labels(ax.yaxis) == []
    minor = [t.get_text() for t in axes[2].yaxis.get_ticklabels(minor=True)]
    major = [t.get_text() for t in axes[2].yaxis.get_ticklabels()]
    # plain numbers; 2 and 5 times a power of ten labelled first
    assert "0.01" in major and {"0.02", "0.03", "0.04", "0.006"} <= set(minor)
    assert not {"0.007", "0.009"} & set(minor)  # too close to their neighbors


def test_history_of_many_layers_shares_one_legend(digits):
    X, y = digits
    deep = MLPClassifier((8,) * 5, max_iter=3, random_state=0).fit(X, y)
    fig, axes = plot_history(deep)
    fig.canvas.draw()
    # one legend beside the last panel, for both; no legend over the curves
    assert axes[1].get_legend() is None
    legend = axes[2].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        f"layer {i} ({shape})"
        for i, shape in enumerate(["64 x 8"] + ["8 x 8"] * 4 + ["8 x 10"])
    ]
    assert extent(legend).x0 >= extent(axes[2]).x1
    assert extent(legend).x1 <= fig.bbox.x1  # inside the figure
    # three epochs, labelled as whole numbers
    assert all(float(t).is_integer() for ax in axes for t in ax.get_xticks())
    # a layer has one color in both panels
    for grad, update in zip(axes[1].get_lines(), axes[2].get_lines(), strict=True):
        assert grad.get_label() == update.get_label()
        assert grad.get_color() == update.get_color()


def test_history_errors(digits16):
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier

    X, y = load_iris(return_X_y=True)
    sk = SkMLPClassifier((3,), max_iter=3, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="no training history"):
        plot_history(sk)
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        plot_history(digits16, fig="figure")


# ------------------------------------------------------------------ housekeeping
def test_plots_draw_into_a_given_figure(digits16):
    fig = plt.figure(layout="constrained")
    top, bottom = fig.subfigures(2, 1)
    assert plot_history(digits16, fig=top)[0] is top
    assert plot_weight_histograms(digits16, fig=bottom)[0] is bottom
    fig.canvas.draw()
    assert plt.get_fignums() == [fig.number]


def test_figures_are_pyplot_figures(digits16):
    before = len(plt.get_fignums())
    for plot in (plot_first_layer_weights, plot_weight_histograms, plot_history):
        plot(digits16)
    assert len(plt.get_fignums()) == before + 3


def test_missing_matplotlib(digits16, monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    # the package imports without matplotlib ...
    for name in ("_common", "_weights", "_history", ""):
        module = importlib.import_module(
            f"skweights.plotting{'.' if name else ''}{name}"
        )
        importlib.reload(module)
    plotting = sys.modules["skweights.plotting"]
    # ... and says what to install when a function needs it
    for plot in (
        plotting.plot_history,
        plotting.plot_first_layer_weights,
        plotting.plot_weight_histograms,
    ):
        with pytest.raises(ImportError, match=r'pip install "skweights\[plot\]"'):
            plot(digits16)
