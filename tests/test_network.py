"""The network's forward/backward pass: finite-difference gradient checks over every
hidden activation, loss and penalty, the objective's value, sparse and float32 input."""

import numpy as np
import pytest
import scipy.sparse as sp

from skweights._network import forward, loss_and_gradients, predict
from skweights.activations import ACTIVATIONS
from skweights.losses import BinaryLogLoss, LogLoss, Poisson, SquaredError
from skweights.penalties import L2, ElasticNet, NoPenalty

N_SAMPLES = 7
LAYERS = [4, 5, 3]  # input, then two hidden layers; the output size depends on the loss
ALPHA = 0.1
SEED = 0

# name -> (loss class, n_outputs)
LOSS_CASES = {
    "squared_error": (SquaredError, 1),
    "squared_error_multi": (SquaredError, 2),
    "poisson": (Poisson, 1),
    "log_loss": (LogLoss, 3),
    "binary_log_loss": (BinaryLogLoss, 1),
    "multilabel": (BinaryLogLoss, 3),
}
PENALTY_CASES = {
    "none": NoPenalty(),
    "l2": L2(),
    "elasticnet": ElasticNet(0.5),
}

# Reference implementations, written independently of the package.
REF_HIDDEN = {
    "identity": lambda z: z,
    "linear": lambda z: z,
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "softplus": lambda z: np.log1p(np.exp(z)),
}


def _ref_output(loss, z):
    if isinstance(loss, SquaredError):
        return z
    if isinstance(loss, Poisson):
        return np.exp(z)
    if isinstance(loss, BinaryLogLoss):
        return 1 / (1 + np.exp(-z))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _ref_data_loss(loss, y, p, sw):
    if isinstance(loss, SquaredError):
        per_sample = 0.5 * ((y - p) ** 2).sum(axis=1)
    elif isinstance(loss, Poisson):
        with np.errstate(divide="ignore", invalid="ignore"):
            ylog = np.where(y > 0, y * np.log(y / p), 0.0)
        per_sample = (ylog - y + p).sum(axis=1)
    elif isinstance(loss, BinaryLogLoss):
        per_sample = -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum(axis=1)
    else:
        per_sample = -(y * np.log(p)).sum(axis=1)
    w = np.ones(len(y)) if sw is None else sw
    return float((w * per_sample).sum() / w.sum())


def _ref_penalty(name, coefs):
    sq = sum(float((W**2).sum()) for W in coefs)
    ab = sum(float(np.abs(W).sum()) for W in coefs)
    return {"none": 0.0, "l2": 0.5 * sq, "elasticnet": 0.25 * sq + 0.5 * ab}[name]


def _hidden_preactivations(X, coefs, intercepts, activation):
    f = REF_HIDDEN[activation]
    out = []
    A = X
    for W, b in zip(coefs[:-1], intercepts[:-1], strict=True):
        Z = A @ W + b
        out.append(Z)
        A = f(Z)
    return out


def _make_problem(loss_case, sample_weight):
    """Data, targets and weights; the hidden layers do not depend on the loss."""
    loss_cls, n_out = LOSS_CASES[loss_case]
    rng = np.random.RandomState(SEED)
    X = rng.normal(size=(N_SAMPLES, LAYERS[0]))
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(LAYERS[:-1], LAYERS[1:], strict=True):
        coefs.append(rng.normal(scale=1.0 / np.sqrt(fan_in), size=(fan_in, fan_out)))
        intercepts.append(rng.normal(scale=0.5, size=fan_out))
    out_rng = np.random.RandomState(SEED + 1)
    coefs.append(out_rng.normal(scale=0.5, size=(LAYERS[-1], n_out)))
    intercepts.append(out_rng.normal(scale=0.2, size=n_out))

    if loss_cls is SquaredError:
        y = out_rng.normal(size=(N_SAMPLES, n_out))
    elif loss_cls is Poisson:
        y = out_rng.poisson(1.5, size=(N_SAMPLES, n_out)).astype(float)
    elif loss_cls is LogLoss:
        y = np.eye(n_out)[np.arange(N_SAMPLES) % n_out]
        out_rng.shuffle(y)
    else:
        y = (out_rng.uniform(size=(N_SAMPLES, n_out)) < 0.5).astype(float)
        y[0] = 1 - y[1]  # both labels in every column
    sw = out_rng.uniform(0.5, 3.0, size=N_SAMPLES) if sample_weight else None
    return loss_cls(), X, y, sw, coefs, intercepts


def _call(X, y, sw, coefs, intercepts, activation, loss, penalty, alpha=ALPHA):
    n = len(coefs)
    coef_grads, intercept_grads = [None] * n, [None] * n
    value, sw_sum = loss_and_gradients(
        X,
        y,
        sw,
        coefs,
        intercepts,
        hidden=ACTIVATIONS[activation](),
        loss=loss,
        penalty=penalty,
        alpha=alpha,
        coef_grads=coef_grads,
        intercept_grads=intercept_grads,
    )
    return value, sw_sum, coef_grads, intercept_grads


def test_seed_avoids_kinks():
    """No hidden pre-activation is within 1e-4 of a kink, for every activation."""
    _, X, _, _, coefs, intercepts = _make_problem("squared_error", False)
    for activation in ACTIVATIONS:
        Zs = _hidden_preactivations(X, coefs, intercepts, activation)
        for Z in Zs:
            assert np.abs(Z).min() > 1e-4, activation
        # both sides of the ReLU kink are exercised
        assert (Zs[0] > 0).any() and (Zs[0] < 0).any()
        assert (Zs[1] > 0).any() and (Zs[1] < 0).any()


@pytest.mark.parametrize("sample_weight", [False, True], ids=["unweighted", "sw"])
@pytest.mark.parametrize("penalty_name", sorted(PENALTY_CASES))
@pytest.mark.parametrize("loss_case", sorted(LOSS_CASES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradients_match_finite_differences(
    activation, loss_case, penalty_name, sample_weight
):
    loss, X, y, sw, coefs, intercepts = _make_problem(loss_case, sample_weight)
    penalty = PENALTY_CASES[penalty_name]
    S = N_SAMPLES if sw is None else sw.sum()
    for Z in _hidden_preactivations(X, coefs, intercepts, activation):
        assert np.abs(Z).min() > 1e-4

    def smooth_objective(cs, bs):
        value = _call(X, y, sw, cs, bs, activation, loss, penalty)[0]
        l1_part = sum(np.abs(W).sum() for W in cs)
        return value - ALPHA * penalty.l1 * l1_part / S

    _, _, coef_grads, intercept_grads = _call(
        X, y, sw, coefs, intercepts, activation, loss, penalty
    )
    eps = 1e-6
    for group, grads in [(coefs, coef_grads), (intercepts, intercept_grads)]:
        assert len(grads) == len(group)
        for layer, (P, G) in enumerate(zip(group, grads, strict=True)):
            assert G.shape == P.shape
            assert G.dtype == np.float64
            numeric = np.zeros_like(P)
            for idx in np.ndindex(P.shape):
                orig = P[idx]
                P[idx] = orig + eps
                f_plus = smooth_objective(coefs, intercepts)
                P[idx] = orig - eps
                f_minus = smooth_objective(coefs, intercepts)
                P[idx] = orig
                numeric[idx] = (f_plus - f_minus) / (2 * eps)
            np.testing.assert_allclose(
                G, numeric, rtol=1e-5, atol=1e-8, err_msg=f"layer {layer}"
            )
    # the gradient is not trivially zero
    assert np.abs(coef_grads[0]).max() > 1e-6


@pytest.mark.parametrize("sample_weight", [False, True], ids=["unweighted", "sw"])
@pytest.mark.parametrize("penalty_name", sorted(PENALTY_CASES))
@pytest.mark.parametrize("loss_case", sorted(LOSS_CASES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_objective_value(activation, loss_case, penalty_name, sample_weight):
    loss, X, y, sw, coefs, intercepts = _make_problem(loss_case, sample_weight)
    penalty = PENALTY_CASES[penalty_name]
    coefs_before = [W.copy() for W in coefs]
    value, sw_sum, _, _ = _call(X, y, sw, coefs, intercepts, activation, loss, penalty)

    S = N_SAMPLES if sw is None else sw.sum()
    assert sw_sum == pytest.approx(S, rel=1e-15)
    if sw is not None:
        assert sw_sum != N_SAMPLES

    # by hand, independently of the package
    A = X
    f = REF_HIDDEN[activation]
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        Z = A @ W + b
        A = f(Z) if i < len(coefs) - 1 else _ref_output(loss, Z)
    data = _ref_data_loss(loss, y, A, sw)
    expected = data + ALPHA * _ref_penalty(penalty_name, coefs) / S
    assert isinstance(value, float)
    assert value == pytest.approx(expected, rel=1e-12)

    # and through the package's own pieces
    y_pred = predict(X, coefs, intercepts, ACTIVATIONS[activation](), loss.output())
    np.testing.assert_allclose(y_pred, A, rtol=1e-12)
    pieces = (
        loss.value(y, y_pred, sw) + ALPHA * sum(penalty.value(W) for W in coefs) / S
    )
    assert value == pytest.approx(pieces, rel=1e-14)

    # the weights are left alone
    for W, W0 in zip(coefs, coefs_before, strict=True):
        np.testing.assert_array_equal(W, W0)


def test_forward_returns_every_layer():
    loss, X, _, _, coefs, intercepts = _make_problem("log_loss", False)
    acts = forward(X, coefs, intercepts, ACTIVATIONS["tanh"](), loss.output())
    assert len(acts) == len(coefs) + 1
    assert acts[0] is X
    assert [a.shape[1] for a in acts] == [4, 5, 3, 3]
    np.testing.assert_allclose(acts[1], np.tanh(X @ coefs[0] + intercepts[0]))
    np.testing.assert_allclose(acts[-1].sum(axis=1), 1.0)


@pytest.mark.parametrize("sample_weight", [False, True], ids=["unweighted", "sw"])
def test_penalty_gradient_and_intercepts(sample_weight):
    """The L2 term adds alpha * W / S to coefficient gradients and nothing to
    intercept gradients; the L1 part of ElasticNet adds nothing to the gradient."""
    loss, X, y, sw, coefs, intercepts = _make_problem("squared_error", sample_weight)
    S = N_SAMPLES if sw is None else sw.sum()
    v0, _, cg0, ig0 = _call(X, y, sw, coefs, intercepts, "tanh", loss, NoPenalty())
    v2, _, cg2, ig2 = _call(X, y, sw, coefs, intercepts, "tanh", loss, L2())
    ve, _, cge, ige = _call(X, y, sw, coefs, intercepts, "tanh", loss, ElasticNet(0.5))
    for W, g0, g2, ge in zip(coefs, cg0, cg2, cge, strict=True):
        np.testing.assert_allclose(g2 - g0, ALPHA * W / S, rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(ge - g0, 0.5 * ALPHA * W / S, rtol=1e-10, atol=1e-15)
    for b0, b2, be in zip(ig0, ig2, ige, strict=True):
        np.testing.assert_array_equal(b0, b2)
        np.testing.assert_array_equal(b0, be)
    sq = sum((W**2).sum() for W in coefs)
    ab = sum(np.abs(W).sum() for W in coefs)
    assert v2 - v0 == pytest.approx(ALPHA * 0.5 * sq / S, rel=1e-10)
    assert ve - v0 == pytest.approx(ALPHA * (0.25 * sq + 0.5 * ab) / S, rel=1e-10)
    # alpha = 0 switches the penalty off
    v_off, _, cg_off, _ = _call(
        X, y, sw, coefs, intercepts, "tanh", loss, L2(), alpha=0.0
    )
    assert v_off == v0
    for a, b in zip(cg_off, cg0, strict=True):
        np.testing.assert_array_equal(a, b)


def test_integer_sample_weights_equal_repeated_rows():
    loss, X, y, _, coefs, intercepts = _make_problem("log_loss", False)
    sw = np.array([1.0, 2.0, 1.0, 3.0, 1.0, 1.0, 2.0])
    rep = np.repeat(np.arange(N_SAMPLES), sw.astype(int))
    args = (coefs, intercepts, "relu", loss, L2())
    v_w, s_w, cg_w, ig_w = _call(X, y, sw, *args)
    v_r, s_r, cg_r, ig_r = _call(X[rep], y[rep], None, *args)
    assert s_w == s_r == 11
    assert v_w == pytest.approx(v_r, rel=1e-12)
    for a, b in zip(cg_w + ig_w, cg_r + ig_r, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("sparse_format", [sp.csr_matrix, sp.csr_array])
@pytest.mark.parametrize("sample_weight", [False, True], ids=["unweighted", "sw"])
@pytest.mark.parametrize("loss_case", sorted(LOSS_CASES))
@pytest.mark.parametrize("activation", ["relu", "tanh", "softplus"])
def test_sparse_input_matches_dense(
    activation, loss_case, sample_weight, sparse_format
):
    loss, X, y, sw, coefs, intercepts = _make_problem(loss_case, sample_weight)
    X = X.copy()
    X[np.random.RandomState(3).uniform(size=X.shape) < 0.5] = 0.0
    Xs = sparse_format(X)
    assert Xs.nnz < X.size
    penalty = ElasticNet(0.5)
    v_d, s_d, cg_d, ig_d = _call(X, y, sw, coefs, intercepts, activation, loss, penalty)
    v_s, s_s, cg_s, ig_s = _call(
        Xs, y, sw, coefs, intercepts, activation, loss, penalty
    )
    assert s_s == s_d
    assert v_s == pytest.approx(v_d, rel=1e-12)
    for a, b in zip(cg_s + ig_s, cg_d + ig_d, strict=True):
        assert isinstance(a, np.ndarray) and not sp.issparse(a)
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


CLASSIFICATION = ("log_loss", "binary_log_loss", "multilabel")


@pytest.mark.parametrize("sample_weight", [False, True], ids=["unweighted", "sw"])
@pytest.mark.parametrize("loss_case", sorted(LOSS_CASES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_float32_gives_float32_gradients(activation, loss_case, sample_weight):
    loss, X, y, sw, coefs, intercepts = _make_problem(loss_case, sample_weight)
    args = (activation, loss, ElasticNet(0.5))
    v64, _, cg64, ig64 = _call(X, y, sw, coefs, intercepts, *args)

    def f32(a):
        return None if a is None else a.astype(np.float32)

    # classifiers pass boolean indicator targets, regressors targets in X's dtype
    for y32 in [f32(y)] + ([y.astype(bool)] if loss_case in CLASSIFICATION else []):
        v32, _, cg32, ig32 = _call(
            f32(X),
            y32,
            f32(sw),
            [f32(W) for W in coefs],
            [f32(b) for b in intercepts],
            *args,
        )
        assert v32 == pytest.approx(v64, rel=1e-5)
        for g32, g64 in zip(cg32 + ig32, cg64 + ig64, strict=True):
            assert g32.dtype == np.float32
            np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-5)
