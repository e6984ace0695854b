"""Tests for skweights.initializers: registry, distributions, scikit-learn's scheme."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

from skweights import initializers
from skweights.initializers import (
    INITIALIZERS,
    TRUNCATED_NORMAL_STD,
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    Initializer,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    SklearnUniform,
    TorchLinear,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
)
from skweights.penalties import L2

SHAPE = (400, 300)
FAN_IN, FAN_OUT = SHAPE
RTOL = 0.02


def draw(init, shape=SHAPE, seed=0, **kwargs):
    return init(shape, np.random.RandomState(seed), **kwargs)


def assert_std(W, expected, rtol=RTOL):
    assert W.std() == pytest.approx(expected, rel=rtol)


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_every_name_resolves_clones_and_round_trips(name):
    init = initializers.get(name)
    assert isinstance(init, Initializer)
    assert initializers.get(name.upper()) == init

    cloned = clone(init)
    assert cloned is not init
    assert type(cloned) is type(init)
    assert cloned == init
    assert cloned.get_params() == init.get_params()

    rebuilt = eval(repr(init), dict(vars(initializers)))
    assert type(rebuilt) is type(init)
    assert rebuilt == init
    assert repr(rebuilt) == repr(init)

    W = init((5, 4), random_state=0)
    assert W.shape == (5, 4)
    assert W.dtype == np.float64
    assert np.all(np.isfinite(W))


@pytest.mark.parametrize(
    "init",
    [
        Constant(value=0.25),
        RandomNormal(mean=1.0, stddev=0.5),
        RandomUniform(minval=-1.0, maxval=2.0),
        TruncatedNormal(stddev=0.3),
        VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform"),
        GlorotUniform(gain=2.0),
        HeNormal(gain=0.5),
        Orthogonal(gain=1.5),
        Identity(gain=3.0),
        SklearnUniform(factor=2.0),
    ],
)
def test_non_default_parameters_repr_round_trip_and_clone(init):
    rebuilt = eval(repr(init), dict(vars(initializers)))
    assert rebuilt == init
    assert clone(init) == init
    assert "(" in repr(init) and repr(init) != f"{type(init).__name__}()"


def test_instances_and_classes_are_accepted():
    init = GlorotUniform(gain=2.0)
    assert initializers.get(init) is init
    from_class = initializers.get(HeNormal)
    assert isinstance(from_class, HeNormal)
    assert from_class == HeNormal()


def test_typo_raises_value_error_listing_names():
    with pytest.raises(ValueError, match="glorot_unifrom") as excinfo:
        initializers.get("glorot_unifrom")
    message = str(excinfo.value)
    for name in INITIALIZERS:
        assert name in message


@pytest.mark.parametrize("bad", [3.5, object(), ["glorot_uniform"], L2(), L2])
def test_non_initializer_raises_type_error(bad):
    with pytest.raises(TypeError, match="initializer"):
        initializers.get(bad)


@pytest.mark.parametrize(
    "alias, name",
    [
        ("xavier_uniform", "glorot_uniform"),
        ("xavier_normal", "glorot_normal"),
        ("kaiming_uniform", "he_uniform"),
        ("kaiming_normal", "he_normal"),
    ],
)
def test_aliases(alias, name):
    a, b = initializers.get(alias), initializers.get(name)
    assert a == b
    assert type(a) is type(b)
    np.testing.assert_array_equal(draw(a, (30, 20)), draw(b, (30, 20)))


def test_equality_depends_on_parameters():
    assert GlorotUniform() != GlorotUniform(gain=2.0)
    assert GlorotUniform() != GlorotNormal()
    assert VarianceScaling() != VarianceScaling(mode="fan_out")


# --------------------------------------------------------------------------
# Distributions
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "init, bound",
    [
        (GlorotUniform(), np.sqrt(6 / (FAN_IN + FAN_OUT))),
        (HeUniform(), np.sqrt(6 / FAN_IN)),
        (LecunUniform(), np.sqrt(3 / FAN_IN)),
        (TorchLinear(), 1 / np.sqrt(FAN_IN)),
        (SklearnUniform(), np.sqrt(6 / (FAN_IN + FAN_OUT))),
        (RandomUniform(), 0.05),
    ],
)
def test_uniform_bounds_and_std(init, bound):
    W = draw(init)
    assert np.abs(W).max() <= bound
    assert np.abs(W).max() > 0.999 * bound
    assert W.min() < -0.999 * bound
    assert abs(W.mean()) < 0.01 * bound
    assert_std(W, bound / np.sqrt(3))


@pytest.mark.parametrize(
    "init, std",
    [
        (GlorotNormal(), np.sqrt(2 / (FAN_IN + FAN_OUT))),
        (HeNormal(), np.sqrt(2 / FAN_IN)),
        (LecunNormal(), np.sqrt(1 / FAN_IN)),
        (RandomNormal(), 0.05),
    ],
)
def test_normal_std(init, std):
    W = draw(init)
    assert_std(W, std)
    assert abs(W.mean()) < 0.01 * std
    # Untruncated: values beyond 3 sigma occur (about 0.27% of draws).
    frac_beyond = np.mean(np.abs(W) > 3 * std)
    assert 0.0015 < frac_beyond < 0.004


def test_random_normal_and_uniform_parameters():
    W = draw(RandomNormal(mean=0.5, stddev=0.2))
    assert W.mean() == pytest.approx(0.5, abs=0.005)
    assert_std(W, 0.2)

    W = draw(RandomUniform(minval=-0.3, maxval=0.7))
    assert W.min() >= -0.3 and W.max() < 0.7
    assert W.min() < -0.299 and W.max() > 0.699
    assert W.mean() == pytest.approx(0.2, abs=0.005)
    assert_std(W, 1.0 / np.sqrt(12))


def test_truncated_normal():
    init = TruncatedNormal(mean=0.1, stddev=0.3)
    W = draw(init)
    assert np.abs(W - 0.1).max() <= 2 * 0.3
    assert np.abs(W - 0.1).max() > 0.99 * 2 * 0.3
    assert W.mean() == pytest.approx(0.1, abs=0.005)
    assert_std(W, TRUNCATED_NORMAL_STD * 0.3)


def test_truncated_normal_constant():
    # Standard deviation of a standard normal restricted to [-2, 2].
    from scipy.stats import truncnorm

    assert TRUNCATED_NORMAL_STD == pytest.approx(truncnorm(-2, 2).std(), rel=1e-12)


@pytest.mark.parametrize(
    "mode, n",
    [("fan_in", FAN_IN), ("fan_out", FAN_OUT), ("fan_avg", (FAN_IN + FAN_OUT) / 2)],
)
@pytest.mark.parametrize("scale", [1.0, 2.0, 0.3])
def test_variance_scaling_truncated(mode, n, scale):
    variance = scale / n
    sigma_pre = np.sqrt(variance) / TRUNCATED_NORMAL_STD
    for distribution in ("truncated_normal", "normal"):
        W = draw(VarianceScaling(scale=scale, mode=mode, distribution=distribution))
        assert np.abs(W).max() <= 2 * sigma_pre
        assert np.abs(W).max() > 0.99 * 2 * sigma_pre
        assert_std(W, np.sqrt(variance))


@pytest.mark.parametrize(
    "mode, n",
    [("fan_in", FAN_IN), ("fan_out", FAN_OUT), ("fan_avg", (FAN_IN + FAN_OUT) / 2)],
)
def test_variance_scaling_untruncated_and_uniform(mode, n):
    scale = 2.0
    W = draw(VarianceScaling(scale, mode, "untruncated_normal"))
    assert_std(W, np.sqrt(scale / n))
    assert np.abs(W).max() > 3 * np.sqrt(scale / n)

    W = draw(VarianceScaling(scale, mode, "uniform"))
    limit = np.sqrt(3 * scale / n)
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.999 * limit
    assert_std(W, np.sqrt(scale / n))


@pytest.mark.parametrize(
    "name, scale, n",
    [
        ("glorot_truncated_normal", 1.0, (FAN_IN + FAN_OUT) / 2),
        ("he_truncated_normal", 2.0, FAN_IN),
        ("lecun_truncated_normal", 1.0, FAN_IN),
    ],
)
def test_truncated_presets(name, scale, n):
    W = draw(initializers.get(name))
    sigma_pre = np.sqrt(scale / n) / TRUNCATED_NORMAL_STD
    assert np.abs(W).max() <= 2 * sigma_pre
    assert_std(W, np.sqrt(scale / n))


@pytest.mark.parametrize(
    "cls, base",
    [
        (GlorotUniform, VarianceScaling(1.0, "fan_avg", "uniform")),
        (GlorotNormal, VarianceScaling(1.0, "fan_avg", "untruncated_normal")),
        (HeUniform, VarianceScaling(2.0, "fan_in", "uniform")),
        (HeNormal, VarianceScaling(2.0, "fan_in", "untruncated_normal")),
        (LecunUniform, VarianceScaling(1.0, "fan_in", "uniform")),
        (LecunNormal, VarianceScaling(1.0, "fan_in", "untruncated_normal")),
    ],
)
@pytest.mark.parametrize("gain", [0.5, 1.0, 3.0])
def test_gain_scales_std_linearly(cls, base, gain):
    W1 = draw(cls())
    Wg = draw(cls(gain=gain))
    # Same random stream: the draws are the gain-1 draws times the gain.
    np.testing.assert_allclose(Wg, gain * W1, rtol=1e-12, atol=1e-15)
    assert Wg.std() == pytest.approx(gain * W1.std(), rel=1e-10)
    # The gain-1 presets are VarianceScaling with the documented scale and mode.
    np.testing.assert_array_equal(W1, draw(base))
    assert cls(gain=gain).scale == pytest.approx(gain**2 * base.scale)


def test_bias_shape_uses_its_length_or_given_fans():
    W = draw(GlorotUniform(), (300,))
    assert np.abs(W).max() <= np.sqrt(6 / 600)
    assert np.abs(W).max() > 0.99 * np.sqrt(6 / 600)

    W = draw(GlorotUniform(), (300,), fans=(30, 10))
    assert np.abs(W).max() <= np.sqrt(6 / 40)
    assert np.abs(W).max() > 0.99 * np.sqrt(6 / 40)

    W = draw(TorchLinear(), (5000,), fans=(25, 5000))
    assert np.abs(W).max() <= 0.2
    assert np.abs(W).max() > 0.199


def test_three_dimensional_shape_is_rejected():
    with pytest.raises(ValueError, match="1-D or 2-D"):
        GlorotUniform()((2, 3, 4), random_state=0)


# --------------------------------------------------------------------------
# scikit-learn's scheme
# --------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
@pytest.mark.parametrize("fan_in, fan_out", [(7, 5), (20, 3), (1, 1)])
def test_sklearn_uniform_matches_formula(activation, fan_in, fan_out):
    rs = np.random.RandomState(0)
    factor = 2.0 if activation == "logistic" else 6.0
    b = np.sqrt(factor / (fan_in + fan_out))
    expected_coef = rs.uniform(-b, b, (fan_in, fan_out))
    expected_intercept = rs.uniform(-b, b, fan_out)

    init = SklearnUniform()
    rs = np.random.RandomState(0)
    coef = init((fan_in, fan_out), rs, activation=activation)
    intercept = init((fan_out,), rs, fans=(fan_in, fan_out), activation=activation)
    np.testing.assert_array_equal(coef, expected_coef)
    np.testing.assert_array_equal(intercept, expected_intercept)


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sklearn_uniform_matches_sklearn_init_coef(activation, dtype):
    layers = [(6, 9), (9, 4), (4, 2)]
    sk = SkMLPClassifier(activation=activation)
    sk._random_state = np.random.RandomState(3)
    expected = [sk._init_coef(fan_in, fan_out, dtype) for fan_in, fan_out in layers]

    init = SklearnUniform()
    rs = np.random.RandomState(3)
    for i, (fan_in, fan_out) in enumerate(layers):
        exp_coef, exp_intercept = expected[i]
        coef = init((fan_in, fan_out), rs, dtype, activation=activation)
        intercept = init(
            (fan_out,), rs, dtype, fans=(fan_in, fan_out), activation=activation
        )
        assert coef.dtype == exp_coef.dtype == dtype
        assert intercept.dtype == exp_intercept.dtype == dtype
        np.testing.assert_array_equal(coef, exp_coef)
        np.testing.assert_array_equal(intercept, exp_intercept)


def test_sklearn_uniform_explicit_factor_overrides_activation():
    W = draw(SklearnUniform(factor=2.0), activation="relu")
    np.testing.assert_array_equal(W, draw(SklearnUniform(), activation="logistic"))
    assert np.abs(W).max() <= np.sqrt(2 / (FAN_IN + FAN_OUT))
    assert np.abs(W).max() > 0.999 * np.sqrt(2 / (FAN_IN + FAN_OUT))


# --------------------------------------------------------------------------
# Deterministic initializers
# --------------------------------------------------------------------------


@pytest.mark.parametrize("gain", [1.0, 2.5])
@pytest.mark.parametrize("shape", [(50, 20), (20, 50), (30, 30)])
def test_orthogonal(shape, gain):
    W = draw(Orthogonal(gain=gain), shape)
    assert W.shape == shape
    rows, cols = shape
    k = min(rows, cols)
    gram = W.T @ W if rows >= cols else W @ W.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(k), atol=1e-12)
    # Not the identity or any other trivial matrix.
    assert np.abs(W - gain * np.eye(rows, cols)).max() > 0.1


def test_orthogonal_bias_has_norm_gain():
    v = draw(Orthogonal(gain=2.0), (17,))
    assert v.shape == (17,)
    assert np.linalg.norm(v) == pytest.approx(2.0, rel=1e-12)


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3)])
def test_identity(shape):
    W = Identity(gain=2.0)(shape)
    np.testing.assert_array_equal(W, 2.0 * np.eye(*shape))
    np.testing.assert_array_equal(Identity()(shape), np.eye(*shape))


def test_identity_needs_two_dimensions():
    with pytest.raises(ValueError, match="2-D"):
        Identity()((4,))


def test_constants():
    np.testing.assert_array_equal(Zeros()((3, 2)), np.zeros((3, 2)))
    np.testing.assert_array_equal(Ones()((3, 2)), np.ones((3, 2)))
    np.testing.assert_array_equal(Constant(0.7)((3, 2)), np.full((3, 2), 0.7))
    np.testing.assert_array_equal(Constant()((4,)), np.zeros(4))
    np.testing.assert_array_equal(Ones()((4,)), np.ones(4))


# --------------------------------------------------------------------------
# dtype, seeds and generators
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_dtype_float32(name):
    init = initializers.get(name)
    W = init((6, 4), 0, np.float32)
    assert W.dtype == np.float32
    np.testing.assert_array_equal(W, init((6, 4), 0).astype(np.float32))


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_same_seed_same_array(name):
    init = initializers.get(name)
    a = init((8, 5), random_state=42)
    b = init((8, 5), random_state=42)
    c = init((8, 5), random_state=np.random.RandomState(42))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert a is not b


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in sorted(INITIALIZERS)
        if n not in ("zeros", "ones", "constant", "identity")
    ],
)
def test_random_initializers_depend_on_seed(name):
    init = initializers.get(name)
    assert not np.array_equal(init((8, 5), 0), init((8, 5), 1))


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_generator_accepted(name):
    init = initializers.get(name)
    a = init((8, 5), np.random.default_rng(7))
    b = init((8, 5), np.random.default_rng(7))
    assert a.shape == (8, 5)
    np.testing.assert_array_equal(a, b)


def test_generator_draws_follow_the_distribution():
    rng = np.random.default_rng(0)
    W = GlorotUniform()(SHAPE, rng)
    bound = np.sqrt(6 / (FAN_IN + FAN_OUT))
    assert np.abs(W).max() <= bound
    assert_std(W, bound / np.sqrt(3))

    W = VarianceScaling(2.0)(SHAPE, np.random.default_rng(1))
    sigma_pre = np.sqrt(2.0 / FAN_IN) / TRUNCATED_NORMAL_STD
    assert np.abs(W).max() <= 2 * sigma_pre
    assert_std(W, np.sqrt(2.0 / FAN_IN))


def test_shared_generator_advances():
    rs = np.random.RandomState(0)
    a = HeNormal()((5, 5), rs)
    b = HeNormal()((5, 5), rs)
    assert not np.array_equal(a, b)


def test_bad_random_state_raises_type_error():
    with pytest.raises(TypeError, match="random_state"):
        GlorotUniform()((3, 3), random_state="0")


# --------------------------------------------------------------------------
# Invalid hyperparameters
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "param, value",
    [("mode", "bad"), ("distribution", "bad"), ("scale", 0), ("scale", -1.0)],
)
def test_variance_scaling_invalid_hyperparameters(param, value):
    init = VarianceScaling(**{param: value})
    with pytest.raises(ValueError, match=param) as excinfo:
        init((4, 3), random_state=0)
    assert repr(value) in str(excinfo.value)
