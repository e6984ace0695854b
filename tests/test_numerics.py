"""Numerics at the edges of the float range: output activations and losses at
extreme logits, directly and through a network whose weights are set by hand, and
a diverging fit that ends in DivergenceError with finite, consistent records."""

import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning

from skweights import MLPClassifier, MLPRegressor
from skweights.activations import Exp, Logistic, Softmax
from skweights.exceptions import DivergenceError
from skweights.losses import BinaryLogLoss, LogLoss, Poisson, SquaredError

DTYPES = [np.float64, np.float32]


def _extremes(dtype):
    """Logit magnitudes: 1e4 (exp overflows), 1e300 (float64 only) or the largest
    finite float, and infinity."""
    big = 1e300 if dtype == np.float64 else float(np.finfo(dtype).max)
    return [1e4, big, np.inf]


def _logits(v, dtype):
    """Rows mixing +v, -v and ordinary values."""
    return np.array(
        [
            [v, -v, 0.0],
            [-v, -v, -v],
            [v, v, 0.0],
            [v, 0.0, -v],
            [-v, 1.0, 2.0],
            [0.5, -0.5, 0.0],
        ],
        dtype=dtype,
    )


@pytest.fixture(autouse=True)
def _numpy_warnings_are_errors():
    with (
        np.errstate(over="raise", invalid="raise", divide="raise"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("error")
        yield


# ------------------------------------------------------------------ activations


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_rows_are_probabilities_for_extreme_logits(dtype):
    for v in _extremes(dtype):
        Z = _logits(v, dtype)
        P = Softmax().forward(Z.copy())
        assert P.dtype == dtype
        assert np.isfinite(P).all(), (v, P)
        assert ((P >= 0) & (P <= 1)).all()
        assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
        assert_array_equal(P[0], [1, 0, 0])  # the largest logit takes it all
        assert_allclose(P[1], [1 / 3] * 3, rtol=1e-6)  # all equal: uniform
        assert_allclose(P[2], [0.5, 0.5, 0], rtol=1e-6)  # two tied maxima
        assert_array_equal(P[3], [1, 0, 0])
        assert P[4, 0] == 0 and P[4, 2] > P[4, 1] > 0
    # ordinary rows are exactly the textbook formula
    Z = _logits(1.0, dtype)[4:]
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    assert_allclose(Softmax().forward(Z.copy()), e / e.sum(axis=1, keepdims=True))


@pytest.mark.parametrize("dtype", DTYPES)
def test_logistic_is_finite_and_saturates(dtype):
    for v in _extremes(dtype):
        P = Logistic().forward(_logits(v, dtype))
        assert np.isfinite(P).all() and ((P >= 0) & (P <= 1)).all()
        assert P[0, 0] == 1 and P[0, 1] == 0 and P[0, 2] == 0.5


@pytest.mark.parametrize("dtype", DTYPES)
def test_exp_output_saturates_inside_the_positive_finite_floats(dtype):
    info = np.finfo(dtype)
    for v in _extremes(dtype):
        A = Exp().forward(_logits(v, dtype))
        assert A.dtype == dtype
        assert np.isfinite(A).all() and (A > 0).all(), (v, A)
        assert A[0, 0] <= info.max and A[0, 0] > info.max / 2
        assert A[0, 1] >= info.tiny and A[0, 1] < info.tiny * 2
        assert A[0, 2] == 1
    Z = np.linspace(-50, 50, 11, dtype=dtype)[None, :]
    assert_array_equal(Exp().forward(Z.copy()), np.exp(Z))  # unchanged in range


# ----------------------------------------------------------------------- losses


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_losses_are_finite_at_extreme_logits(dtype):
    y = np.eye(3, dtype=bool)[[0, 1, 2, 0, 1, 2]]
    for v in _extremes(dtype):
        Z = _logits(v, dtype)
        multi = LogLoss().value(y, Softmax().forward(Z.copy()))
        binary = BinaryLogLoss().value(y, Logistic().forward(Z.copy()))
        # the worst a clipped probability can cost: -log(eps) per output
        worst = -np.log(np.finfo(dtype).eps)
        assert np.isfinite(multi) and 0 <= multi <= worst
        assert np.isfinite(binary) and 0 <= binary <= 3 * worst
        # general (non one-hot) path and sample weights agree on finiteness
        sw = np.linspace(1, 2, len(y))
        assert np.isfinite(
            LogLoss().value(y.astype(dtype), Softmax().forward(Z.copy()), sw)
        )


@pytest.mark.parametrize("dtype", DTYPES)
def test_poisson_loss_is_finite_at_extreme_logits(dtype):
    counts = np.array([[0.0], [1.0], [7.0], [1e3], [2.5], [0.0]], dtype=dtype)
    for v in _extremes(dtype):
        for sign in (1, -1):
            mu = Exp().forward(np.full((6, 1), sign * v, dtype=dtype))
            value = Poisson().value(counts, mu)
            assert np.isfinite(value) and value >= 0, (v, sign, value)


def test_poisson_loss_where_the_ratio_leaves_the_float_range():
    # y / mu overflows (1e300 / 1e-10) or underflows (5e-324 / 10) although the
    # deviance y log(y / mu) - y + mu is representable
    y = np.array([[1e300], [5e-324], [3.0]])
    mu = np.array([[1e-10], [10.0], [2.0]])
    expected = np.mean(
        [
            1e300 * (np.log(1e300) - np.log(1e-10)) - 1e300 + 1e-10,
            5e-324 * (np.log(5e-324) - np.log(10.0)) - 5e-324 + 10.0,
            3 * np.log(1.5) - 3 + 2,
        ]
    )
    assert Poisson().value(y, mu) == pytest.approx(expected, rel=1e-12)


def test_loss_means_do_not_overflow_when_the_mean_is_representable():
    y = np.ones((3, 1))
    mu = np.full((3, 1), 1.5e308)
    assert Poisson().value(y, mu) == pytest.approx(1.5e308, rel=1e-12)
    # weights whose sum overflows: only their ratios matter
    p = np.array([[0.9, 0.1], [0.2, 0.8]])
    onehot = np.eye(2, dtype=bool)
    huge = np.full(2, 1e308)
    assert LogLoss().value(onehot, p, huge) == LogLoss().value(onehot, p)
    assert BinaryLogLoss().value(onehot, p, huge) == pytest.approx(
        BinaryLogLoss().value(onehot, p), rel=1e-15
    )
    assert SquaredError().value(y, y + 1, huge[:1].repeat(3)) == 0.5


# ------------------------------------------- through a network set by hand


def _hand_set(est, W_out, b_out, dtype=np.float64):
    """A network of one identity hidden unit per input whose output logits are
    ``x @ W_out + b_out``."""
    n_features = W_out.shape[0]
    est.coefs_ = [np.eye(n_features, dtype=dtype), W_out.astype(dtype)]
    est.intercepts_ = [np.zeros(n_features, dtype), b_out.astype(dtype)]
    return est


def _fitted(cls, X, y, **params):
    params = dict(hidden_layer_sizes=(X.shape[1],), activation="identity", **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cls(max_iter=1, random_state=0, **params).fit(X, y)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_proba_is_finite_and_sums_to_one_for_extreme_logits(dtype, n_classes):
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]], dtype=dtype)
    y = np.arange(4) % n_classes
    clf = _fitted(MLPClassifier, X, y)
    n_out = 1 if n_classes == 2 else n_classes
    # logits up to 1.5 v stay finite: v = 1e300, or a quarter of float32's max
    for v in (1e4, 1e300 if dtype == np.float64 else float(np.finfo(dtype).max) / 4):
        W = np.zeros((2, n_out))
        W[0, 0], W[1, -1] = v, -v
        _hand_set(clf, W, np.zeros(n_out), dtype)
        proba = clf.predict_proba(X)
        assert proba.shape == (4, n_classes)
        assert np.isfinite(proba).all()
        assert ((proba >= 0) & (proba <= 1)).all()
        assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
        assert np.isfinite(clf.predict_log_proba(X)[proba > 0]).all()
        assert clf.predict(X).shape == (4,)


@pytest.mark.parametrize("dtype", DTYPES)
def test_poisson_predictions_are_finite_for_extreme_logits(dtype):
    X = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], dtype=dtype)
    reg = _fitted(MLPRegressor, X, np.array([1.0, 2.0, 0.0]), loss="poisson")
    for v in _extremes(dtype)[:2]:
        _hand_set(reg, np.array([[v], [-v]]), np.zeros(1), dtype)
        pred = reg.predict(X)
        assert np.isfinite(pred).all() and (pred > 0).all()
        assert pred[0] > np.finfo(dtype).max / 2 and pred[1] < 2 * np.finfo(dtype).tiny
        assert pred[2] == 1


# -------------------------------------------------------------------- diverging


@pytest.mark.parametrize("optimizer, lr", [("sgd", 1e6), ("adam", 1e200)])
def test_diverging_fit_raises_and_keeps_the_last_completed_epoch(optimizer, lr):
    rng = np.random.RandomState(0)
    X = rng.randn(60, 4) * 30
    y = X @ rng.randn(4) * 1e3
    reg = MLPRegressor(
        hidden_layer_sizes=(8,),
        optimizer=optimizer,
        learning_rate_init=lr,
        momentum=0.0,
        max_iter=50,
        batch_size=20,
        random_state=0,
    )
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(DivergenceError) as excinfo:
            reg.fit(X, y)
    message = str(excinfo.value)
    epoch = int(re.search(r"diverged in epoch (\d+)", message).group(1))
    assert epoch == reg.n_iter_ + 1
    assert "learning rate" in message and f"learning_rate_init={lr:g}" in message
    assert "clipping" in message and "ClipByGlobalNorm" in message
    assert all(np.isfinite(w).all() for w in reg.coefs_ + reg.intercepts_)
    assert len(reg.loss_curve_) == len(reg.history_) == reg.n_iter_
    assert np.isfinite(reg.loss_curve_).all()
    assert np.isfinite(reg.predict(X[:5] / 30)).all()
    # a warm start from the rolled-back state keeps the records consistent
    # whether it trains on or diverges again from the huge weights
    n_before = len(reg.loss_curve_)
    reg.set_params(warm_start=True, learning_rate_init=1e-6, max_iter=2)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            reg.fit(X, y)
        except DivergenceError:
            pass
    assert len(reg.loss_curve_) == len(reg.history_) == n_before + reg.n_iter_
    assert all(np.isfinite(w).all() for w in reg.coefs_ + reg.intercepts_)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_weights_finiteness_check(dtype):
    from skweights.neural_network._stochastic import _all_finite

    big = np.finfo(dtype).max
    cases = [
        ([1.0, 2.0], True),
        ([big, big], True),  # the sum overflows; the entries are finite
        ([1.0, np.inf], False),
        ([np.nan, 1.0], False),
        ([np.inf, -np.inf], False),  # the sum is NaN
        ([big, big, np.nan], False),
        ([], True),
    ]
    with np.errstate(over="ignore", invalid="ignore"):
        for values, finite in cases:
            assert _all_finite(np.array(values, dtype)) is finite, values
