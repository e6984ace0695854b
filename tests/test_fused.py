"""The compiled loops (skweights._loops) against the numpy code they replace.

Every compiled step must give the numpy path's values bit for bit (NaN where it
gives NaN, the same sign of zero), on ordinary values and on the specials
(infinities, NaN, signed zeros, subnormals, huge values), in float64 and float32.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from skweights import MLPClassifier, MLPRegressor, _fused
from skweights._network import _finish_gradient
from skweights.activations import ReLU, Softmax
from skweights.optimizers import SGD, Adam, AdamW
from skweights.penalties import L2, ElasticNet

needs_loops = pytest.mark.skipif(
    _fused.loops is None, reason="skweights._loops was not built (no C compiler)"
)
DTYPES = [np.float64, np.float32]


def _compiler():
    cc = sysconfig.get_config_var("CC")
    return bool(cc) and shutil.which(cc.split()[0]) is not None


@pytest.mark.skipif(not _compiler(), reason="no C compiler: the extension is optional")
def test_extension_is_built_where_a_compiler_is():
    assert _fused.loops is not None, "skweights._loops failed to build"
    if os.environ.get("SKWEIGHTS_NUMPY_LOOPS", "0") in ("", "0"):
        assert _fused.enabled


def test_environment_variable_turns_the_loops_off():
    code = "import skweights._fused as f; print(f.enabled)"
    env = dict(os.environ, SKWEIGHTS_NUMPY_LOOPS="1")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


def assert_same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    nan = np.isnan(a)
    np.testing.assert_array_equal(nan, np.isnan(b))
    uint = np.uint64 if a.dtype == np.float64 else np.uint32
    ka, kb = a[~nan].view(uint), b[~nan].view(uint)
    bad = np.flatnonzero(ka != kb)
    assert bad.size == 0, (
        f"{bad.size} of {ka.size} values differ, e.g. {a[~nan][bad[:3]]} against "
        f"{b[~nan][bad[:3]]}"
    )


def _values(rng, n, dtype, scale=1.0, positive=False):
    """Random values with the specials mixed in."""
    x = rng.standard_normal(n) * scale
    info = np.finfo(dtype)
    specials = np.array(
        [
            0.0,
            -0.0,
            np.inf,
            -np.inf,
            np.nan,
            info.tiny / 4,
            -info.tiny / 3,
            info.max / 2,
            -info.max / 3,
            info.eps,
            1.0,
            -1.0,
        ]
    )
    where = rng.choice(n, size=min(n // 4, 3 * specials.size), replace=False)
    x[where] = rng.choice(specials, size=where.size)
    x = x.astype(dtype)
    return np.abs(x) if positive else x


def _both_paths(monkeypatch, run):
    """``run()`` with the compiled loops, then with numpy; both results."""
    monkeypatch.setattr(_fused, "enabled", True)
    compiled = run()
    monkeypatch.setattr(_fused, "enabled", False)
    numpy = run()
    return compiled, numpy


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("variant", ["keras", "torch"])
@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("n", [1, 7, 70_001])  # 70_001: past a numpy chunk
def test_adam_step_is_numpys(monkeypatch, dtype, variant, amsgrad, n):
    rng = np.random.default_rng(n)
    p0 = _values(rng, n, dtype)
    g = _values(rng, n, dtype, 1e-2)
    m0 = _values(rng, n, dtype, 1e-2)
    v0 = _values(rng, n, dtype, 1e-4, positive=True)
    vm0 = _values(rng, n, dtype, 1e-4, positive=True)
    opt = Adam(learning_rate=3e-3, amsgrad=amsgrad, variant=variant, epsilon=1e-7)

    def run():
        p = p0.copy()
        state = opt.init([p])._replace(t=4, m=[m0.copy()], v=[v0.copy()])
        if amsgrad:
            state = state._replace(v_max=[vm0.copy()])
        with np.errstate(all="ignore"):
            for _ in range(3):
                state = opt.update([p], [g], state)
        return p, state

    (p1, s1), (p2, s2) = _both_paths(monkeypatch, run)
    assert_same_bits(p1, p2)
    assert_same_bits(s1.m[0], s2.m[0])
    assert_same_bits(s1.v[0], s2.v[0])
    if amsgrad:
        assert_same_bits(s1.v_max[0], s2.v_max[0])
    assert s1.t == s2.t == 7
    # the step moved something: the comparison is not between two no-ops
    assert not np.array_equal(p1[np.isfinite(p1)], p0[np.isfinite(p1)])


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nesterov", [True, False])
@pytest.mark.parametrize("n", [3, 70_001])
def test_sgd_step_is_numpys(monkeypatch, dtype, nesterov, n):
    rng = np.random.default_rng(n + 1)
    p0, g = _values(rng, n, dtype), _values(rng, n, dtype, 1e-2)
    v0 = _values(rng, n, dtype, 1e-3)
    opt = SGD(
        learning_rate=np.float64(0.05), momentum=np.float64(0.8), nesterov=nesterov
    )

    def run():
        p = p0.copy()
        state = opt.init([p])._replace(velocities=[v0.copy()])
        with np.errstate(all="ignore"):
            for _ in range(3):
                state = opt.update([p], [g], state)
        return p, state.velocities[0]

    (p1, v1), (p2, v2) = _both_paths(monkeypatch, run)
    assert_same_bits(p1, p2)
    assert_same_bits(v1, v2)


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "penalty, alpha",
    [(L2(), 1e-4), (L2(), 0.0), (ElasticNet(l1_ratio=0.3), np.float64(0.7)), (L2(), 3)],
)
@pytest.mark.parametrize("s", [256, 37.25])
def test_gradient_scaling_is_numpys(monkeypatch, dtype, penalty, alpha, s):
    rng = np.random.default_rng(5)
    W, g0 = _values(rng, 70_001, dtype), _values(rng, 70_001, dtype)

    def run():
        g = g0.copy()
        with np.errstate(all="ignore"):
            _finish_gradient(penalty, alpha, W, g, s)
        return g

    compiled, numpy = _both_paths(monkeypatch, run)
    assert_same_bits(compiled, numpy)
    assert not np.array_equal(compiled, g0)


class _OwnGradient(L2):
    """A penalty whose gradient is its own: training must call add_gradient."""

    def add_gradient(self, W, grad, scale):
        grad += scale * np.sign(W)


@needs_loops
def test_a_penalty_with_its_own_gradient_is_not_fused(monkeypatch):
    penalty = _OwnGradient()
    assert penalty.smooth_factor(1.0) is None
    W = np.array([2.0, -3.0, 0.5])
    g = np.zeros(3)
    monkeypatch.setattr(_fused, "enabled", True)
    _finish_gradient(penalty, 0.5, W, g, 2.0)
    np.testing.assert_array_equal(g, [0.25, -0.25, 0.25])


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "params",
    [
        dict(optimizer="adam", alpha=1e-3),
        dict(optimizer=Adam(variant="torch", amsgrad=True), alpha=0.0),
        dict(optimizer=AdamW(amsgrad=True), alpha=0.0),
        dict(optimizer="sgd", momentum=0.9, learning_rate_init=0.05),
        dict(optimizer=SGD(0.02, nesterov=False), penalty="elasticnet", alpha=1e-3),
    ],
    ids=[
        "adam",
        "adam-torch-amsgrad",
        "adamw-amsgrad",
        "sgd-nesterov",
        "sgd-elasticnet",
    ],
)
def test_training_is_the_same_bit_for_bit(monkeypatch, dtype, params):
    X, y = make_classification(
        n_samples=300, n_features=12, n_classes=3, n_informative=6, random_state=0
    )
    X = X.astype(dtype)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))

    def run():
        est = MLPClassifier(
            (300, 40), max_iter=4, batch_size=64, random_state=0, **params
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # 4 epochs
            est.fit(X, y, sample_weight=sw)
        return est

    compiled, numpy = _both_paths(monkeypatch, run)
    for a, b in zip(
        compiled.coefs_ + compiled.intercepts_,
        numpy.coefs_ + numpy.intercepts_,
        strict=True,
    ):
        assert a.dtype == dtype
        assert_same_bits(a, b)
    assert compiled.loss_curve_ == numpy.loss_curve_


@needs_loops
def test_regressor_with_frozen_layers_is_the_same(monkeypatch):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 5))
    y = X @ rng.standard_normal(5)

    def run():
        est = MLPRegressor(
            hidden_layer_sizes=(20, 20), max_iter=3, random_state=0, alpha=0.01
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y)
        est.set_params(frozen_layers=1)
        est.partial_fit(X, y)
        return est

    compiled, numpy = _both_paths(monkeypatch, run)
    for a, b in zip(compiled.coefs_, numpy.coefs_, strict=True):
        assert_same_bits(a, b)


@needs_loops
def test_compiled_loops_reject_what_they_cannot_take():
    loops = _fused.loops
    p, g, v = np.zeros(4), np.zeros(4), np.zeros(4)
    with pytest.raises(ValueError, match="velocities must have the size and dtype"):
        loops.sgd(p, g, np.zeros(5), 0.1, 0.9, True)
    with pytest.raises(ValueError, match="grads must have the size and dtype"):
        loops.sgd(p, g.astype(np.float32), v, 0.1, 0.9, True)
    with pytest.raises(TypeError, match="params must hold float64 or float32"):
        loops.sgd(np.zeros(4, int), g, v, 0.1, 0.9, True)
    with pytest.raises(TypeError, match="m must be an array, not None"):
        loops.adam(p, g, None, v, None, 0.9, 0.1, 0.999, 0.001, -1e-3, 1e-8, False, 1.0)
    with pytest.raises(ValueError, match="not C-contiguous"):
        loops.sgd(p[::2], g[::2], v[::2], 0.1, 0.9, True)  # not contiguous
    # and the arrays they refused are untouched
    assert not p.any() and not v.any()


def test_run_declines_what_the_loops_cannot_take(monkeypatch):
    monkeypatch.setattr(_fused, "enabled", True)
    v = np.zeros(6)
    assert _fused.run("sgd", np.ones(6), np.ones(6), v, 0.5, 0.0, False)
    np.testing.assert_array_equal(v, -0.5)
    readonly = np.ones(6)
    readonly.flags.writeable = False
    for p, g in [
        (np.ones(6), np.ones(6, np.float32)),  # mixed dtypes
        (np.ones(6), np.ones(7)),  # sizes
        (np.ones(12)[::2], np.ones(6)),  # not contiguous
        (np.ones(6, int), np.ones(6, int)),  # not floats
        (np.ones(6), np.ones(6).astype(">f8")),  # byte order
        (readonly, np.ones(6)),
    ]:
        v = np.zeros(p.size)
        assert not _fused.run("sgd", p, g, v, 0.5, 0.0, False)
        assert not v.any()  # declined before writing anything
    monkeypatch.setattr(_fused, "enabled", False)
    assert not _fused.run("sgd", np.ones(6), np.ones(6), v, 0.5, 0.0, False)


@needs_loops
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, bool])
@pytest.mark.parametrize("shape", [(50,), (50, 7), (50, 2, 3), (0, 4)])
def test_batch_gather_is_numpys_take(dtype, shape):
    rng = np.random.default_rng(3)
    A = (rng.standard_normal(shape) * 5).astype(dtype)
    idx = rng.permutation(shape[0])[: min(shape[0], 20)]
    out = np.full((len(idx), *shape[1:]), 7, dtype)
    _fused.loops.gather_rows(A, idx, out)
    np.testing.assert_array_equal(out, A.take(idx, axis=0))


@needs_loops
def test_batch_gather_checks_before_it_writes():
    A = np.arange(12.0).reshape(6, 2)
    out = np.zeros((3, 2))
    for idx, message in [
        (np.array([0, 6, 1]), "an index lies outside A's rows"),
        (np.array([0, -1, 1]), "an index lies outside A's rows"),
        (np.array([0, 1, 2], np.int32), "idx must be a vector of intp"),
        (np.array([0, 1]), "out must have one row per index"),
    ]:
        with pytest.raises(ValueError, match=message):
            _fused.loops.gather_rows(A, idx, out)
        assert not out.any()
    with pytest.raises(ValueError, match="out must have A's dtype"):
        _fused.loops.gather_rows(A, np.arange(3), out.astype(np.float32))
    with pytest.raises(ValueError, match="out's rows must be shaped like A's"):
        _fused.loops.gather_rows(A, np.arange(3), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="not C-contiguous"):
        _fused.loops.gather_rows(np.asfortranarray(A), np.arange(3), out)
    assert not out.any()


def test_workspace_gather_takes_any_layout(monkeypatch):
    from skweights._network import Workspace

    rng = np.random.default_rng(4)
    idx = rng.permutation(40)[:16]
    for enabled in (True, False):
        monkeypatch.setattr(_fused, "enabled", enabled and _fused.loops is not None)
        ws = Workspace([5, 3, 2], 16, np.float64)
        for A in (rng.standard_normal((40, 5)), np.asfortranarray(rng.random((40, 5)))):
            np.testing.assert_array_equal(ws.gather(A, idx), A[idx])
        y = rng.integers(0, 3, 40)
        np.testing.assert_array_equal(ws.gather(y, idx, "y"), y[idx])


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (200, 100), (0, 4)])
def test_relu_layer_steps_are_numpys(monkeypatch, dtype, shape):
    rng = np.random.default_rng(7)
    Z0 = _values(rng, int(np.prod(shape)) or 1, dtype)[: int(np.prod(shape))]
    Z0 = Z0.reshape(shape)
    b = _values(rng, shape[1], dtype)
    delta0 = _values(rng, Z0.size or 1, dtype)[: Z0.size].reshape(shape)
    relu = ReLU()

    def run():
        with np.errstate(all="ignore"):
            A = relu.forward_bias(Z0.copy(), b)
            delta = relu.derivative(A, delta0.copy())
        return A, delta

    (A1, d1), (A2, d2) = _both_paths(monkeypatch, run)
    assert_same_bits(A1, A2)
    assert_same_bits(d1, d2)
    assert (A1[~np.isnan(A1)] >= 0).all()


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (200, 10), (7, 3), (7, 5000)])
def test_softmax_is_numpys(monkeypatch, dtype, shape):
    rng = np.random.default_rng(8)
    Z0 = (rng.standard_normal(shape) * 30).astype(dtype)
    if shape[0] >= 7:  # rows with an infinite maximum, with NaN, with -inf only
        Z0[0, 0] = np.inf
        Z0[1, :] = -np.inf
        Z0[2, -1] = np.nan
        Z0[3, :2] = np.inf
        Z0[4, 0] = np.finfo(dtype).max
        Z0[4, -1] = -np.finfo(dtype).max

    b = (rng.standard_normal(shape[1]) * 3).astype(dtype)

    def run():
        return Softmax().forward(Z0.copy()), Softmax().forward_bias(Z0.copy(), b)

    (compiled, biased), (numpy, numpy_biased) = _both_paths(monkeypatch, run)
    assert_same_bits(compiled, numpy)
    assert_same_bits(biased, numpy_biased)
    if shape[0] >= 7:
        np.testing.assert_array_equal(compiled[0], np.eye(shape[1])[0])
        np.testing.assert_allclose(compiled[1], 1 / shape[1])
        assert np.isnan(compiled[2]).all()
        np.testing.assert_array_equal(compiled[3, :2], 0.5)
        np.testing.assert_array_equal(compiled[4], np.eye(shape[1])[0])
    finite = np.isfinite(compiled).all(axis=1)
    np.testing.assert_allclose(compiled[finite].sum(axis=1), 1, rtol=1e-6)


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 2), (3, 5), (200, 100), (32, 64)])
def test_relu_derivative_with_column_sums_is_numpys(monkeypatch, dtype, shape):
    rng = np.random.default_rng(13)
    A = _values(rng, int(np.prod(shape)), dtype).reshape(shape)
    delta0 = _values(rng, A.size, dtype).reshape(shape)

    def run():
        delta, sums = delta0.copy(), np.full(shape[1], np.nan, dtype)
        with np.errstate(all="ignore"):
            if not ReLU().derivative_sums(A, delta, sums):
                np.add.reduce(delta, axis=0, out=sums)
        return delta, sums

    (d1, s1), (d2, s2) = _both_paths(monkeypatch, run)
    assert_same_bits(d1, d2)
    assert_same_bits(s1, s2)
    # one column is summed pairwise by numpy: declined, nothing written
    delta, sums = np.ones((4, 1), dtype), np.zeros(1, dtype)
    with pytest.raises(ValueError, match="two columns"):
        _fused.loops.relu_backward_sums(delta, np.ones((4, 1), dtype), sums)
    assert (delta == 1).all() and not sums.any()


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
def test_row_sums_are_numpys_pairwise_sums(dtype):
    # numpy sums a row pairwise: one after another below 8 values, 8
    # accumulators up to 128, halves above; every width has its own order
    rng = np.random.default_rng(11)
    for cols in [*range(1, 140), 255, 256, 257, 1000, 4096]:
        scale = np.exp(rng.standard_normal((9, 1)) * 4)
        Z = (np.abs(rng.standard_normal((9, cols))) * scale).astype(dtype)
        Z[0] = -0.0  # 0 / (+0 sum) is NaN in both
        expected = Z.copy()
        with np.errstate(invalid="ignore"):
            expected /= expected.sum(axis=1)[:, np.newaxis]
            _fused.loops.row_normalize(Z)
        assert_same_bits(Z, expected)
    # wider rows numpy reduces in buffered blocks: declined, untouched
    wide = np.ones((2, 4097), dtype)
    with pytest.raises(ValueError, match="at most 4096 columns"):
        _fused.loops.row_normalize(wide)
    assert (wide == 1).all()


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
def test_one_hot_log_loss_and_delta_are_numpys(monkeypatch, dtype, weighted):
    from skweights.losses import LogLoss, _OneHotLogLoss

    rng = np.random.default_rng(12)
    n, k = 57, 6
    P0 = rng.random((n, k)).astype(dtype)
    P0[0] = 0.0  # clipped to eps
    P0[1] = 1.0  # clipped to 1 - eps
    P0[2, :] = np.nan
    P0[3] = -0.0
    y = np.zeros((n, k), bool)
    y[np.arange(n), rng.integers(0, k, n)] = True
    sw = rng.random(n).astype(dtype) if weighted else None

    def run():
        P = P0.copy()
        value, delta = _OneHotLogLoss().value_and_delta(y, P, sw)
        assert delta is P
        return value, delta

    (v1, d1), (v2, d2) = _both_paths(monkeypatch, run)
    assert_same_bits(d1, d2)
    assert (np.isnan(v1) and np.isnan(v2)) or v1 == v2
    # without the NaN row, the value is the general log-loss's
    P = np.delete(P0, 2, axis=0)
    y3, sw3 = np.delete(y, 2, axis=0), None if sw is None else np.delete(sw, 2)
    value, _ = _OneHotLogLoss().value_and_delta(y3, P.copy(), sw3)
    np.testing.assert_allclose(value, LogLoss().value(y3, P, sw3), rtol=1e-6)


@needs_loops
def test_take_true_declines_rows_without_one_label():
    P = np.full((3, 4), 0.25)
    out = np.zeros(3)
    for bad_row in [np.zeros(4, bool), np.array([True, True, False, False])]:
        y = np.eye(4, dtype=bool)[:3].copy()
        y[1] = bad_row
        with pytest.raises(ValueError, match="row 1 of y holds"):
            _fused.loops.take_true(P, y, out, 1e-16, 1 - 1e-16)
        assert (P == 0.25).all() and not out.any()  # nothing written
    with pytest.raises(ValueError, match="boolean"):
        _fused.loops.take_true(P, np.eye(4)[:3].copy(), out, 1e-16, 1 - 1e-16)


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("factor", [0.0, 3e-4])
@pytest.mark.parametrize("variant, amsgrad", [("keras", False), ("torch", True)])
def test_adam_with_the_gradient_scaling_is_the_separate_steps(
    dtype, factor, variant, amsgrad
):
    # 5000 weights in two parts: blocks of 2048 cross the part boundary at 3000
    rng = np.random.default_rng(14)
    n, parts = 5000, ((0, 0, 3000), (2, 3000, 5000))
    p0 = _values(rng, n, dtype)
    g0 = _values(rng, n, dtype, scale=50)
    m0, v0 = _values(rng, n, dtype), _values(rng, n, dtype, positive=True)
    state0 = [p0, g0, m0, v0, v0 * 2 if amsgrad else None]
    constants = (0.9, 1 - 0.9, 0.999, 1 - 0.999, -1e-3, 1e-8, variant == "torch", 0.3)
    loops = _fused.loops

    def copies():
        return [None if a is None else a.copy() for a in state0]

    fused_arrays, sums = copies(), np.array([1.0, 5.0, 2.0])
    with np.errstate(all="ignore"):
        loops.adam_scaled(*fused_arrays, *constants, factor, 37.0, parts, sums)
        apart = copies()
        loops.scale_gradient(apart[0] if factor else None, apart[1], factor, 37.0)
        expected_sums = np.array([1.0, 5.0, 2.0])
        loops.add_squared_norms(apart[1], parts, expected_sums)
        loops.adam(*apart, *constants)
    for got, expected in zip(fused_arrays, apart, strict=True):
        if expected is not None:
            assert_same_bits(got, expected)
    np.testing.assert_allclose(sums, expected_sums, rtol=1e-12)
    assert sums[1] == 5.0  # no part adds to index 1


@needs_loops
def test_adam_with_the_gradient_scaling_declines_bad_parts():
    arrays = [np.ones(10) for _ in range(4)]
    constants = (0.9, 0.1, 0.999, 0.001, -1e-3, 1e-8, False, 0.3)
    sums = np.zeros(2)
    for parts, match in [
        (((0, 0, 4), (1, 5, 10)), "tile"),
        (((0, 0, 4),), "cover every weight"),
        (((2, 0, 10),), "indices into out"),
    ]:
        with pytest.raises(ValueError, match=match):
            _fused.loops.adam_scaled(*arrays, None, *constants, 0.5, 2.0, parts, sums)
        assert all((a == 1).all() for a in arrays) and not sums.any()


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
def test_squared_norms_of_parts(dtype):
    rng = np.random.default_rng(9)
    x = rng.standard_normal(1000).astype(dtype)
    out = np.array([1.0, 2.0, 3.0])
    _fused.loops.add_squared_norms(x, ((0, 0, 13), (2, 13, 1000)), out)
    expected = [
        1 + np.dot(x[:13].astype(float), x[:13]),
        2.0,
        3 + np.dot(x[13:].astype(float), x[13:]),
    ]
    np.testing.assert_allclose(out, expected, rtol=1e-13)
    with pytest.raises(ValueError, match="outside x"):
        _fused.loops.add_squared_norms(x, ((0, 5, 1001),), out)
    with pytest.raises(ValueError, match="outside out"):
        _fused.loops.add_squared_norms(x, ((3, 0, 5),), out)
    np.testing.assert_allclose(out, expected, rtol=1e-13)  # untouched on error


@needs_loops
def test_history_gradient_norms_agree_with_numpys(monkeypatch):
    X, y = make_classification(n_samples=200, n_features=8, random_state=0)

    def run():
        est = MLPClassifier((16, 16), max_iter=3, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y)
        return est.history_["grad_norm"]

    compiled, numpy = _both_paths(monkeypatch, run)
    np.testing.assert_allclose(compiled, numpy, rtol=1e-12)
    assert (compiled > 0).all()


@needs_loops
@pytest.mark.parametrize("dtype", DTYPES)
def test_column_sums_are_numpys(dtype):
    rng = np.random.default_rng(10)
    shapes = [(1, 2), (2, 7), (32, 64), (200, 10), (256, 512), (409, 3), (5, 700)]
    for rows, cols in shapes:
        scale = 10.0 ** rng.integers(-6, 6, size=(rows, 1))
        delta = (rng.standard_normal((rows, cols)) * scale).astype(dtype)
        delta[0, 0] = -0.0
        delta[:, 1] = -0.0  # numpy sums it to +0
        expected = np.add.reduce(delta, axis=0)
        out = np.full(cols, np.nan, dtype)
        _fused.loops.column_sums(delta, out)
        assert_same_bits(out, expected)
    # one column is summed pairwise by numpy: declined, as is an empty delta
    for shape in [(100, 1), (0, 4)]:
        out = np.zeros(shape[1], dtype)
        with pytest.raises(ValueError, match="at least one row and two columns"):
            _fused.loops.column_sums(np.ones(shape, dtype), out)
        assert not out.any()


@pytest.mark.parametrize(
    "enabled, built, says",
    [
        (True, True, "training loops: compiled"),
        (False, True, "numpy (SKWEIGHTS_NUMPY_LOOPS is set)"),
        (False, False, "numpy (the compiled extension was not built)"),
    ],
)
def test_demo_says_which_loops_run(monkeypatch, capsys, enabled, built, says):
    from skweights import __main__ as demo

    monkeypatch.setattr(_fused, "enabled", enabled)
    monkeypatch.setattr(_fused, "loops", _fused.loops if built else None)
    monkeypatch.setattr(demo, "CONFIGS", demo.CONFIGS[:1])
    demo.main(["--folds", "2", "--max-iter", "1"])
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith(says)
