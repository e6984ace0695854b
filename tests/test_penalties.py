"""Tests for skweights.penalties: values, smooth gradients and the L1 proximal step."""

import numpy as np
import pytest
from sklearn.base import clone

from skweights import penalties
from skweights.initializers import GlorotUniform
from skweights.penalties import L1, L2, PENALTIES, ElasticNet, NoPenalty, Penalty


@pytest.fixture
def W():
    return np.random.RandomState(0).normal(size=(7, 5))


def smooth_part(penalty, W):
    """The differentiable part of each penalty, written out independently."""
    if isinstance(penalty, L2):
        return 0.5 * np.sum(W**2)
    if isinstance(penalty, ElasticNet):
        return 0.5 * (1 - penalty.l1_ratio) * np.sum(W**2)
    return 0.0


def l1_weight(penalty):
    if isinstance(penalty, L1):
        return 1.0
    if isinstance(penalty, ElasticNet):
        return penalty.l1_ratio
    return 0.0


ALL_PENALTIES = [
    L2(),
    L1(),
    NoPenalty(),
    ElasticNet(),
    ElasticNet(l1_ratio=0.0),
    ElasticNet(l1_ratio=0.5),
    ElasticNet(l1_ratio=1.0),
]


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PENALTIES))
def test_every_name_resolves_clones_and_round_trips(name):
    penalty = penalties.get(name)
    assert isinstance(penalty, Penalty)
    assert penalties.get(name.upper()) == penalty
    cloned = clone(penalty)
    assert cloned is not penalty
    assert cloned == penalty
    rebuilt = eval(repr(penalty), dict(vars(penalties)))
    assert type(rebuilt) is type(penalty)
    assert rebuilt == penalty


def test_names_map_to_classes():
    assert type(penalties.get("l2")) is L2
    assert type(penalties.get("l1")) is L1
    assert type(penalties.get("none")) is NoPenalty
    assert penalties.get("elasticnet") == penalties.get("elastic_net") == ElasticNet()


def test_none_is_no_penalty():
    assert type(penalties.get(None)) is NoPenalty


def test_instances_and_classes_are_accepted():
    en = ElasticNet(l1_ratio=0.4)
    assert penalties.get(en) is en
    assert penalties.get(L1) == L1()


def test_elastic_net_repr_and_clone_keep_l1_ratio():
    en = ElasticNet(l1_ratio=0.4)
    assert repr(en) == "ElasticNet(l1_ratio=0.4)"
    assert eval(repr(en), dict(vars(penalties))) == en
    assert clone(en).l1_ratio == 0.4
    assert en != ElasticNet()


def test_typo_raises_value_error_listing_names():
    with pytest.raises(ValueError, match="elasticnt") as excinfo:
        penalties.get("elasticnt")
    for name in PENALTIES:
        assert name in str(excinfo.value)


@pytest.mark.parametrize("bad", [0.5, object(), GlorotUniform(), GlorotUniform])
def test_non_penalty_raises_type_error(bad):
    with pytest.raises(TypeError, match="penalty"):
        penalties.get(bad)


# --------------------------------------------------------------------------
# Values and coefficients
# --------------------------------------------------------------------------


def test_values(W):
    sq = np.sum(W**2)
    ab = np.sum(np.abs(W))
    assert L2().value(W) == pytest.approx(0.5 * sq, rel=1e-12)
    assert L1().value(W) == pytest.approx(ab, rel=1e-12)
    assert NoPenalty().value(W) == 0.0
    for r in (0.0, 0.15, 0.5, 0.9, 1.0):
        expected = 0.5 * (1 - r) * sq + r * ab
        assert ElasticNet(l1_ratio=r).value(W) == pytest.approx(expected, rel=1e-12)


def test_default_l1_ratio_is_sklearn_default(W):
    assert ElasticNet().l1_ratio == 0.15
    expected = 0.5 * 0.85 * np.sum(W**2) + 0.15 * np.sum(np.abs(W))
    assert ElasticNet().value(W) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "penalty, l1, l2",
    [
        (L2(), 0.0, 1.0),
        (L1(), 1.0, 0.0),
        (NoPenalty(), 0.0, 0.0),
        (ElasticNet(l1_ratio=0.3), 0.3, 0.7),
    ],
)
def test_coefficients(penalty, l1, l2):
    assert penalty.l1 == pytest.approx(l1)
    assert penalty.l2 == pytest.approx(l2)


def test_value_of_zero_matrix_and_vector():
    for penalty in ALL_PENALTIES:
        assert penalty.value(np.zeros((3, 4))) == 0.0
    v = np.array([3.0, -4.0])
    assert L2().value(v) == pytest.approx(12.5)
    assert L1().value(v) == pytest.approx(7.0)


def test_value_does_not_modify_input(W):
    W0 = W.copy()
    for penalty in ALL_PENALTIES:
        penalty.value(W)
    np.testing.assert_array_equal(W, W0)


# --------------------------------------------------------------------------
# Gradient of the smooth part
# --------------------------------------------------------------------------


def numeric_gradient(f, W, h=1e-6):
    grad = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        Wp, Wm = W.copy(), W.copy()
        Wp[idx] += h
        Wm[idx] -= h
        grad[idx] = (f(Wp) - f(Wm)) / (2 * h)
    return grad


@pytest.mark.parametrize("penalty", ALL_PENALTIES, ids=repr)
@pytest.mark.parametrize("scale", [1.0, 0.37])
def test_add_gradient_matches_finite_differences(penalty, scale, W):
    base = np.random.RandomState(1).normal(size=W.shape)
    grad = base.copy()
    result = penalty.add_gradient(W, grad, scale)
    assert result is None
    expected = base + scale * numeric_gradient(lambda V: smooth_part(penalty, V), W)
    np.testing.assert_allclose(grad, expected, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("penalty", ALL_PENALTIES, ids=repr)
def test_value_minus_smooth_part_is_l1_part(penalty, W):
    # The penalty splits into the smooth part and l1 * |W|_1.
    rest = penalty.value(W) - smooth_part(penalty, W)
    assert rest == pytest.approx(l1_weight(penalty) * np.abs(W).sum(), abs=1e-12)


def test_add_gradient_leaves_weights_alone(W):
    W0 = W.copy()
    grad = np.zeros_like(W)
    ElasticNet(l1_ratio=0.5).add_gradient(W, grad, 2.0)
    np.testing.assert_array_equal(W, W0)
    np.testing.assert_allclose(grad, 2.0 * 0.5 * W0)


# --------------------------------------------------------------------------
# Proximal step
# --------------------------------------------------------------------------


def soft_threshold(W, t):
    return np.sign(W) * np.maximum(np.abs(W) - t, 0.0)


@pytest.mark.parametrize("step", [0.1, 0.5, 1.3])
def test_l1_prox_is_soft_thresholding(step, W):
    W0 = W.copy()
    out = L1().prox(W, step)
    assert out is None  # in place
    small = np.abs(W0) <= step
    assert small.any() and (~small).any()
    assert np.all(W[small] == 0.0)
    np.testing.assert_allclose(np.abs(W[~small]), np.abs(W0[~small]) - step)
    np.testing.assert_array_equal(np.sign(W[~small]), np.sign(W0[~small]))
    np.testing.assert_allclose(W, soft_threshold(W0, step), rtol=1e-15, atol=0)


def test_prox_exact_threshold_and_hand_values():
    W = np.array([[0.5, -0.5, 0.2], [-0.1, 1.0, -2.0]])
    L1().prox(W, 0.5)
    np.testing.assert_array_equal(W, [[0.0, 0.0, 0.0], [0.0, 0.5, -1.5]])


@pytest.mark.parametrize("r", [0.0, 0.15, 0.6, 1.0])
def test_elastic_net_prox_uses_l1_ratio(r, W):
    step = 0.8
    W0 = W.copy()
    ElasticNet(l1_ratio=r).prox(W, step)
    np.testing.assert_allclose(W, soft_threshold(W0, step * r), rtol=1e-15, atol=0)
    n_zero = np.sum(W == 0.0)
    assert n_zero == np.sum(np.abs(W0) <= step * r)


@pytest.mark.parametrize("penalty", [L2(), NoPenalty(), ElasticNet(l1_ratio=0.0)])
def test_prox_is_identity_without_l1(penalty, W):
    W0 = W.copy()
    penalty.prox(W, 10.0)
    np.testing.assert_array_equal(W, W0)


def test_prox_with_zero_step_is_identity(W):
    W0 = W.copy()
    L1().prox(W, 0.0)
    np.testing.assert_array_equal(W, W0)


@pytest.mark.parametrize("penalty", [L1(), ElasticNet(l1_ratio=0.4)], ids=repr)
@pytest.mark.parametrize("step", [0.05, 0.7])
def test_prox_is_the_argmin(penalty, step, W):
    t = step * l1_weight(penalty)

    def objective(x):
        return 0.5 * np.sum((x - W) ** 2) + t * np.sum(np.abs(x))

    x = W.copy()
    penalty.prox(x, step)
    best = objective(x)
    rng = np.random.RandomState(2)
    for eps in (1e-1, 1e-3, 1e-6):
        for _ in range(200):
            assert objective(x + eps * rng.normal(size=W.shape)) >= best
    # Moving a single thresholded coordinate off zero never helps.
    for idx in zip(*np.nonzero(x == 0), strict=True):
        for d in (1e-4, -1e-4):
            y = x.copy()
            y[idx] += d
            assert objective(y) > best


def test_prox_keeps_dtype():
    W = np.array([0.3, -0.05, -0.9], dtype=np.float32)
    L1().prox(W, 0.1)
    assert W.dtype == np.float32
    np.testing.assert_allclose(W, [0.2, 0.0, -0.8], rtol=1e-6)


# --------------------------------------------------------------------------
# Invalid hyperparameters
# --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [1.5, -0.1, "0.5", None])
def test_elastic_net_invalid_l1_ratio(bad, W):
    penalty = ElasticNet(l1_ratio=bad)
    with pytest.raises(ValueError, match="l1_ratio"):
        penalty.value(W)
    with pytest.raises(ValueError, match="l1_ratio"):
        penalty.prox(W, 0.1)
    with pytest.raises(ValueError, match="l1_ratio"):
        penalty.add_gradient(W, np.zeros_like(W), 1.0)


def test_prox_accepts_per_coordinate_steps():
    W = np.array([[0.5, -0.5], [0.05, -2.0]])
    steps = np.array([[1.0, 0.1], [0.01, 1.0]])
    L1().prox(W, steps)
    np.testing.assert_array_equal(W, [[0.0, -0.4], [0.04, -1.0]])


def test_grid_search_tunes_a_penalty_parameter():
    import warnings

    from sklearn.datasets import make_classification
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import GridSearchCV

    from skweights import MLPClassifier

    X, y = make_classification(n_samples=120, n_features=8, random_state=0)
    est = MLPClassifier(
        hidden_layer_sizes=(6,),
        penalty=ElasticNet(),
        alpha=1.0,
        max_iter=30,
        learning_rate_init=0.01,
        random_state=0,
    )
    search = GridSearchCV(est, {"penalty__l1_ratio": [0.0, 1.0]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    zeros = {
        r: np.mean(
            clone(est).set_params(penalty=ElasticNet(l1_ratio=r)).fit(X, y).coefs_[0]
            == 0
        )
        for r in (0.0, 1.0)
    }
    assert zeros[0.0] == 0 and zeros[1.0] > 0
    chosen = search.best_params_["penalty__l1_ratio"]
    assert search.best_estimator_.penalty_ == ElasticNet(l1_ratio=chosen)
    assert search.estimator.penalty == ElasticNet()
