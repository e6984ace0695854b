"""skweights.inspection: weight statistics, hidden activations, gradient ratios."""

import sys
import types

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skweights import MLPClassifier, MLPRegressor
from skweights._history import History as _History
from skweights.inspection import (
    History,
    Table,
    gradient_ratios,
    hidden_activations,
    weight_summary,
)
from skweights.neural_network._diagnostics import GradientMonitor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


@pytest.fixture(scope="module")
def l1_model(digits):
    X, y = digits
    return MLPClassifier(
        (16, 8), penalty="l1", alpha=0.05, max_iter=15, random_state=0
    ).fit(X, y)


@pytest.fixture(scope="module")
def l2_model(digits):
    X, y = digits
    return MLPClassifier((12,), max_iter=10, random_state=0).fit(X, y)


def test_history_is_reexported():
    assert History is _History


def expected_row(W, b, near_zero):
    W = np.asarray(W, dtype=float)
    b = np.asarray(b, dtype=float)
    return {
        "shape": W.shape,
        "n_weights": W.shape[0] * W.shape[1],
        "mean": W.sum() / W.size,
        "std": np.sqrt(((W - W.sum() / W.size) ** 2).sum() / W.size),
        "min": W.min(),
        "max": W.max(),
        "l1_norm": np.abs(W).sum(),
        "l2_norm": np.sqrt((W**2).sum()),
        "max_abs": np.abs(W).max(),
        "frac_zero": np.count_nonzero(W == 0) / W.size,
        "frac_near_zero": np.count_nonzero(np.abs(W) <= near_zero * np.abs(W).max())
        / W.size,
        "intercept_mean": b.sum() / b.size,
        "intercept_std": np.sqrt(((b - b.sum() / b.size) ** 2).sum() / b.size),
        "intercept_norm": np.sqrt((b**2).sum()),
    }


@pytest.mark.parametrize("model", ["l1_model", "l2_model"])
@pytest.mark.parametrize("near_zero", [0.0, 1e-3, 0.1])
def test_weight_summary_matches_numpy(model, near_zero, request):
    est = request.getfixturevalue(model)
    summary = weight_summary(est, near_zero=near_zero)
    assert len(summary) == len(est.coefs_)
    np.testing.assert_array_equal(summary["layer"], np.arange(len(est.coefs_)))
    for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_, strict=True)):
        for column, value in expected_row(W, b, near_zero).items():
            got = summary[column][i]
            if column in ("shape", "n_weights"):
                assert tuple(np.atleast_1d(got)) == tuple(np.atleast_1d(value))
            else:
                assert got == pytest.approx(value, rel=1e-12, abs=1e-15), column


def test_weight_summary_l1_has_exact_zeros(l1_model, l2_model):
    l1 = weight_summary(l1_model)
    assert l1["frac_zero"][0] > 0.05
    assert np.all(l1["frac_near_zero"] >= l1["frac_zero"])
    assert weight_summary(l2_model)["frac_zero"].tolist() == [0.0, 0.0]
    # near_zero=0 counts exact zeros only
    np.testing.assert_array_equal(
        weight_summary(l1_model, near_zero=0)["frac_near_zero"], l1["frac_zero"]
    )


def test_weight_summary_zero_layer_and_float32():
    X, y = load_iris(return_X_y=True)
    clf = MLPRegressor(hidden_layer_sizes=(3,), max_iter=5, random_state=0).fit(
        X.astype(np.float32), y.astype(np.float32)
    )
    assert clf.coefs_[0].dtype == np.float32
    clf.coefs_[0][:] = 0
    summary = weight_summary(clf)
    assert summary["frac_zero"][0] == 1.0
    assert summary["frac_near_zero"][0] == 1.0
    assert summary["max_abs"][0] == 0.0
    assert summary["l2_norm"][1] == pytest.approx(
        np.linalg.norm(clf.coefs_[1].astype(np.float64)), rel=1e-12
    )


def test_weight_summary_reads_scikit_learn_mlps():
    X, y = load_iris(return_X_y=True)
    sk = SkMLPClassifier((5,), max_iter=5, random_state=0).fit(X, y)
    summary = weight_summary(sk)
    assert summary["shape"].tolist() == [[4, 5], [5, 3]]
    assert summary["l2_norm"][0] == pytest.approx(np.linalg.norm(sk.coefs_[0]))


def test_table_api(l1_model):
    summary = weight_summary(l1_model)
    assert summary.columns[:3] == ["layer", "shape", "n_weights"]
    assert "frac_near_zero" in summary and "nope" not in summary
    assert list(summary) == summary.columns == summary.keys()
    assert summary["shape"].shape == (3, 2)
    assert isinstance(summary["mean"], np.ndarray)
    as_dict = summary.to_dict()
    assert list(as_dict) == summary.columns
    assert as_dict["shape"] == [(64, 16), (16, 8), (8, 10)]
    assert all(type(v) is float for v in as_dict["l2_norm"])
    assert all(type(v) is int for v in as_dict["n_weights"])
    assert dict(summary).keys() == as_dict.keys()
    with pytest.raises(KeyError, match="'nope' is not a column.*l2_norm"):
        summary["nope"]


def test_table_text_is_aligned(l1_model):
    summary = weight_summary(l1_model)
    text = str(summary)
    assert repr(summary) == text
    blocks = text.split("\n\n")
    assert len(blocks) >= 2  # wider than 100 characters: split in blocks
    for block in blocks:
        lines = block.splitlines()
        assert len(lines) == 1 + len(summary)
        assert lines[0].split()[0] == "layer"  # the index leads every block
        assert len({len(line) for line in lines}) == 1  # right-aligned columns
        assert max(len(line) for line in lines) <= 100
    assert "64x16" in text and "frac_near_zero" in text
    one_block = summary.to_string(max_width=None)
    assert "\n\n" not in one_block
    assert one_block.splitlines()[0].split() == summary.columns


def test_table_validation_and_small_cases():
    with pytest.raises(ValueError, match="same length"):
        Table({"a": [1, 2], "b": [1]})
    with pytest.raises(ValueError, match="index='c' is not a column"):
        Table({"a": [1]}, index="c")
    table = Table({"name": ["x", "y"], "flag": [True, False], "v": [np.nan, 2.5]})
    assert str(table).splitlines() == [
        "name   flag    v",
        "   x   True  nan",
        "   y  False  2.5",
    ]
    assert len(Table({})) == 0


def test_to_frame_without_pandas(l1_model, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="pip install pandas.*to_dict"):
        weight_summary(l1_model).to_frame()


def test_to_frame_builds_a_dataframe(l1_model, monkeypatch):
    # A stand-in pandas: records what to_frame passes (pandas is optional).
    calls = {}

    class DataFrame:
        def __init__(self, data):
            calls["data"] = data

        def set_index(self, column):
            calls["index"] = column
            return self

    monkeypatch.setitem(
        sys.modules, "pandas", types.SimpleNamespace(DataFrame=DataFrame)
    )
    summary = weight_summary(l1_model)
    assert isinstance(summary.to_frame(), DataFrame)
    assert calls == {"data": summary.to_dict(), "index": "layer"}


def test_to_frame_with_pandas(l1_model):
    pd = pytest.importorskip("pandas")
    frame = weight_summary(l1_model).to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.name == "layer"
    assert frame.loc[1, "shape"] == (16, 8)


@pytest.mark.parametrize("near_zero", [-0.1, 1.0, 2, np.nan, "0.1", None, True])
def test_weight_summary_rejects_bad_near_zero(l2_model, near_zero):
    with pytest.raises(ValueError, match=r"near_zero must be a number in \[0, 1\)"):
        weight_summary(l2_model, near_zero=near_zero)


@pytest.mark.parametrize("function", [weight_summary, gradient_ratios])
def test_unfitted_estimator(function):
    with pytest.raises(NotFittedError):
        function(MLPClassifier())


def test_hidden_activations_unfitted():
    with pytest.raises(NotFittedError):
        hidden_activations(MLPClassifier(), np.zeros((2, 3)))


def test_not_an_mlp():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(TypeError, match="fitted MLP with coefs_.*LogisticRegression"):
        weight_summary(LogisticRegression(max_iter=500).fit(X, y))
    pipe = make_pipeline(StandardScaler(), MLPClassifier((3,), max_iter=5)).fit(X, y)
    with pytest.raises(TypeError, match=r"pipeline\[-1\]"):
        weight_summary(pipe)
    sk = SkMLPClassifier((3,), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="no training history"):
        gradient_ratios(sk)
    with pytest.raises(TypeError, match="no hidden_activations method"):
        hidden_activations(sk, X)


def test_hidden_activations_equals_the_method(digits):
    X, y = digits
    clf = MLPClassifier((10, 6), max_iter=5, random_state=0).fit(X, y)
    for layer in (0, 1, -1, -2):
        np.testing.assert_array_equal(
            hidden_activations(clf, X, layer=layer), clf.hidden_activations(X, layer)
        )
    np.testing.assert_array_equal(hidden_activations(clf, X), clf.hidden_activations(X))
    every = hidden_activations(clf, X, layer="all")
    assert [A.shape for A in every] == [(len(X), 10), (len(X), 6)]
    with pytest.raises(ValueError, match="out of range"):
        hidden_activations(clf, X, layer=2)


def test_gradient_ratios_by_hand(l1_model):
    ratios = gradient_ratios(l1_model)
    grad_norm = l1_model.history_["grad_norm"]
    sizes = [64 * 16, 16 * 8, 8 * 10]
    assert ratios.shape == (l1_model.n_iter_, 3) == grad_norm.shape
    epoch, layer = 4, 0
    rms = grad_norm[epoch, layer] / np.sqrt(sizes[layer])
    rms_top = grad_norm[epoch, 2] / np.sqrt(sizes[2])
    assert ratios[epoch, layer] == pytest.approx(rms / rms_top, rel=1e-12)
    np.testing.assert_allclose(ratios[:, 2], 1.0)
    expected = (grad_norm / np.sqrt(sizes)) / (grad_norm[:, 2:] / np.sqrt(sizes[2]))
    np.testing.assert_allclose(ratios, expected, rtol=1e-12)
    # the same numbers the training-time monitor computes
    monitor = GradientMonitor(3)
    np.testing.assert_array_equal(
        ratios[-1], monitor.ratios(grad_norm[-1], l1_model.coefs_, (True,) * 3)
    )


def test_gradient_ratios_frozen_and_lbfgs(digits):
    X, y = digits
    frozen = MLPClassifier((8, 6), frozen_layers=[2], max_iter=3, random_state=0)
    frozen.fit(X, y)
    ratios = gradient_ratios(frozen)
    assert ratios.shape == (3, 3)
    assert np.isnan(ratios[:, 2]).all()  # frozen output layer
    np.testing.assert_allclose(ratios[:, 1], 1.0)  # the top trainable layer
    lbfgs = MLPClassifier((5,), solver="lbfgs", max_iter=4, random_state=0)
    lbfgs.fit(X, y)
    ratios = gradient_ratios(lbfgs)
    assert ratios.shape == (len(lbfgs.history_), 2)
    np.testing.assert_allclose(ratios[:, 1], 1.0)
