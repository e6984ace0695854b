"""Tests for skweights.initializers: registry, distributions on non-square shapes,
PyTorch's gains and Kaiming/sparse schemes, scikit-learn's scheme, parameter checks."""

import math

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from threadpoolctl import threadpool_limits

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
    KaimingNormal,
    KaimingUniform,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    SklearnUniform,
    Sparse,
    TorchLinear,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
    calculate_gain,
)
from skweights.neural_network import MLPClassifier
from skweights.penalties import L2

SHAPE = (400, 300)
FAN_IN, FAN_OUT = SHAPE
RTOL = 0.02


@pytest.fixture(autouse=True)
def _one_blas_thread():
    # The QR and products here are small: on a busy machine extra BLAS threads
    # only wait for each other (a 700 x 300 QR then takes seconds, not 20 ms).
    with threadpool_limits(limits=1, user_api="blas"):
        yield


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
        KaimingUniform(a=0.2, mode="fan_out", nonlinearity="tanh"),
        KaimingNormal(a=math.sqrt(5)),
        Sparse(sparsity=0.3, std=0.5),
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
        ("zero", "zeros"),
        ("one", "ones"),
        ("eye", "identity"),
    ],
)
def test_aliases(alias, name):
    a, b = initializers.get(alias), initializers.get(name)
    assert a == b
    assert type(a) is type(b)
    np.testing.assert_array_equal(draw(a, (30, 20)), draw(b, (30, 20)))


@pytest.mark.parametrize(
    "name, cls, he",
    [
        ("kaiming_uniform", KaimingUniform, HeUniform()),
        ("kaiming_normal", KaimingNormal, HeNormal()),
    ],
)
def test_kaiming_names_are_the_torch_classes_with_he_draws(name, cls, he):
    init = initializers.get(name)
    assert type(init) is cls
    assert repr(init) == f"{cls.__name__}()"
    assert init.get_params() == {
        "a": 0.0,
        "mode": "fan_in",
        "nonlinearity": "leaky_relu",
    }
    # a=0 with leaky_relu is the ReLU gain: the same draws as He, bit for bit.
    for shape in [(30, 20), (20, 30), (7,)]:
        np.testing.assert_array_equal(draw(init, shape), draw(he, shape))


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
        if INITIALIZERS[n] not in (Zeros, Ones, Constant, Identity)
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


# --------------------------------------------------------------------------
# get_params / set_params over the registry
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_every_name_get_params_set_params_round_trip(name):
    init = initializers.get(name)
    params = init.get_params()
    assert params == init.get_params(deep=False)
    for key, value in params.items():
        assert getattr(init, key) is value

    rebuilt = type(init)()
    assert rebuilt.set_params(**params) is rebuilt
    assert rebuilt == init
    assert repr(rebuilt) == repr(init)
    np.testing.assert_array_equal(draw(rebuilt, (9, 6)), draw(init, (9, 6)))

    with pytest.raises(ValueError, match="Invalid parameter 'not_a_param'"):
        type(init)().set_params(not_a_param=1)


@pytest.mark.parametrize(
    "init, params",
    [
        (KaimingUniform(), {"a": 0.5, "mode": "fan_out", "nonlinearity": "tanh"}),
        (KaimingNormal(), {"nonlinearity": "selu"}),
        (Sparse(), {"sparsity": 0.5, "std": 0.1}),
        (HeNormal(), {"gain": 2.0}),
    ],
)
def test_set_params_changes_the_draws(init, params):
    before = draw(init, (40, 30))
    changed = clone(init).set_params(**params)
    assert changed == type(init)(**params)
    assert not np.array_equal(draw(changed, (40, 30)), before)
    assert changed.get_params() == {**init.get_params(), **params}


# --------------------------------------------------------------------------
# Every formula on non-square shapes (fan_in and fan_out swapped)
# --------------------------------------------------------------------------

NON_SQUARE = [(300, 700), (700, 300)]
SQRT2 = math.sqrt(2.0)

# (initializer, kind, scale(fan_in, fan_out)): the bound of a uniform, the
# standard deviation of an untruncated normal, the realised standard deviation
# of a normal cut at two pre-truncation standard deviations.
FORMULAS = [
    (GlorotUniform(), "uniform", lambda i, o: math.sqrt(6 / (i + o))),
    (GlorotUniform(gain=2.0), "uniform", lambda i, o: 2 * math.sqrt(6 / (i + o))),
    (GlorotNormal(), "normal", lambda i, o: math.sqrt(2 / (i + o))),
    (GlorotNormal(gain=0.5), "normal", lambda i, o: 0.5 * math.sqrt(2 / (i + o))),
    (HeUniform(), "uniform", lambda i, o: math.sqrt(6 / i)),
    (HeUniform(gain=0.5), "uniform", lambda i, o: 0.5 * math.sqrt(6 / i)),
    (HeNormal(), "normal", lambda i, o: math.sqrt(2 / i)),
    (HeNormal(gain=3.0), "normal", lambda i, o: 3 * math.sqrt(2 / i)),
    (LecunUniform(), "uniform", lambda i, o: math.sqrt(3 / i)),
    (LecunNormal(), "normal", lambda i, o: math.sqrt(1 / i)),
    (LecunNormal(gain=2.0), "normal", lambda i, o: 2 * math.sqrt(1 / i)),
    (KaimingUniform(), "uniform", lambda i, o: SQRT2 * math.sqrt(3 / i)),
    (KaimingUniform(mode="fan_out"), "uniform", lambda i, o: SQRT2 * math.sqrt(3 / o)),
    (
        KaimingUniform(a=0.2, mode="fan_out"),
        "uniform",
        lambda i, o: math.sqrt(2 / (1 + 0.2**2)) * math.sqrt(3 / o),
    ),
    (
        KaimingUniform(nonlinearity="tanh"),
        "uniform",
        lambda i, o: 5 / 3 * math.sqrt(3 / i),
    ),
    (
        KaimingUniform(nonlinearity="selu", mode="fan_out"),
        "uniform",
        lambda i, o: 0.75 * math.sqrt(3 / o),
    ),
    (KaimingUniform(a=math.sqrt(5)), "uniform", lambda i, o: 1 / math.sqrt(i)),
    (KaimingNormal(), "normal", lambda i, o: SQRT2 / math.sqrt(i)),
    (KaimingNormal(mode="fan_out"), "normal", lambda i, o: SQRT2 / math.sqrt(o)),
    (KaimingNormal(nonlinearity="linear"), "normal", lambda i, o: 1 / math.sqrt(i)),
    (
        KaimingNormal(nonlinearity="sigmoid", mode="fan_out"),
        "normal",
        lambda i, o: 1 / math.sqrt(o),
    ),
    (
        KaimingNormal(a=0.5),
        "normal",
        lambda i, o: math.sqrt(2 / (1 + 0.5**2)) / math.sqrt(i),
    ),
    # a is the leaky_relu slope only: ignored for relu, as in PyTorch.
    (
        KaimingNormal(a=5.0, nonlinearity="relu"),
        "normal",
        lambda i, o: SQRT2 / math.sqrt(i),
    ),
    (
        VarianceScaling(0.7, "fan_in", "uniform"),
        "uniform",
        lambda i, o: math.sqrt(2.1 / i),
    ),
    (
        VarianceScaling(0.7, "fan_out", "uniform"),
        "uniform",
        lambda i, o: math.sqrt(2.1 / o),
    ),
    (
        VarianceScaling(0.7, "fan_avg", "uniform"),
        "uniform",
        lambda i, o: math.sqrt(4.2 / (i + o)),
    ),
    (
        VarianceScaling(0.7, "fan_in", "untruncated_normal"),
        "normal",
        lambda i, o: math.sqrt(0.7 / i),
    ),
    (
        VarianceScaling(0.7, "fan_out", "untruncated_normal"),
        "normal",
        lambda i, o: math.sqrt(0.7 / o),
    ),
    (VarianceScaling(0.7, "fan_in"), "truncated", lambda i, o: math.sqrt(0.7 / i)),
    (
        VarianceScaling(0.7, "fan_out", "normal"),
        "truncated",
        lambda i, o: math.sqrt(0.7 / o),
    ),
    (
        VarianceScaling(0.7, "fan_avg", "truncated_normal"),
        "truncated",
        lambda i, o: math.sqrt(1.4 / (i + o)),
    ),
    (
        initializers.get("glorot_truncated_normal"),
        "truncated",
        lambda i, o: math.sqrt(2 / (i + o)),
    ),
    (
        initializers.get("he_truncated_normal"),
        "truncated",
        lambda i, o: math.sqrt(2 / i),
    ),
    (
        initializers.get("lecun_truncated_normal"),
        "truncated",
        lambda i, o: math.sqrt(1 / i),
    ),
    (TorchLinear(), "uniform", lambda i, o: 1 / math.sqrt(i)),
    (SklearnUniform(), "uniform", lambda i, o: math.sqrt(6 / (i + o))),
    (SklearnUniform(factor=3.0), "uniform", lambda i, o: math.sqrt(3 / (i + o))),
    (RandomNormal(stddev=0.2), "normal", lambda i, o: 0.2),
    (RandomUniform(minval=-0.3, maxval=0.3), "uniform", lambda i, o: 0.3),
    (TruncatedNormal(stddev=0.3), "truncated", lambda i, o: TRUNCATED_NORMAL_STD * 0.3),
]


@pytest.mark.parametrize("shape", NON_SQUARE, ids=["300x700", "700x300"])
@pytest.mark.parametrize("init, kind, scale", FORMULAS, ids=lambda x: repr(x))
def test_formula_on_non_square_shapes(init, kind, scale, shape):
    W = draw(init, shape)
    fan_in, fan_out = shape
    s = scale(fan_in, fan_out)
    if kind == "uniform":
        std = s / math.sqrt(3)
        assert np.abs(W).max() <= s
        assert W.max() > 0.999 * s and W.min() < -0.999 * s
    elif kind == "normal":
        std = s
        # Untruncated: about 0.27% of the draws lie beyond three sigma.
        assert 0.0018 < np.mean(np.abs(W) > 3 * std) < 0.0036
    else:
        std = s
        bound = 2 * s / TRUNCATED_NORMAL_STD
        assert np.abs(W).max() <= bound
        assert np.abs(W).max() > 0.99 * bound
    assert W.std() == pytest.approx(std, rel=0.005)
    assert abs(W.mean()) < 0.012 * std


@pytest.mark.parametrize(
    "init, ratio",
    [
        (HeNormal(), math.sqrt(7 / 3)),
        (HeUniform(), math.sqrt(7 / 3)),
        (LecunNormal(), math.sqrt(7 / 3)),
        (LecunUniform(), math.sqrt(7 / 3)),
        (KaimingNormal(), math.sqrt(7 / 3)),
        (KaimingUniform(mode="fan_out"), math.sqrt(3 / 7)),
        (VarianceScaling(mode="fan_out"), math.sqrt(3 / 7)),
        (TorchLinear(), math.sqrt(7 / 3)),
        (GlorotNormal(), 1.0),
        (VarianceScaling(mode="fan_avg", distribution="uniform"), 1.0),
    ],
    ids=repr,
)
def test_fan_orientation(init, ratio):
    # (300, 700) has fan_in 300 and fan_out 700; (700, 300) the reverse.
    ratio_seen = draw(init, (300, 700)).std() / draw(init, (700, 300)).std()
    assert ratio_seen == pytest.approx(ratio, rel=0.01)


@pytest.mark.parametrize("cls", [KaimingUniform, KaimingNormal])
def test_kaiming_fan_in_and_fan_out_differ(cls):
    fan_in_std = draw(cls(mode="fan_in"), (300, 700)).std()
    fan_out_std = draw(cls(mode="fan_out"), (300, 700)).std()
    assert fan_in_std / fan_out_std == pytest.approx(math.sqrt(7 / 3), rel=0.01)
    assert fan_in_std == pytest.approx(SQRT2 / math.sqrt(300), rel=0.005)


# --------------------------------------------------------------------------
# calculate_gain and Kaiming
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nonlinearity, param, gain",
    [
        ("linear", None, 1.0),
        ("conv1d", None, 1.0),
        ("conv2d", None, 1.0),
        ("conv3d", None, 1.0),
        ("conv_transpose1d", None, 1.0),
        ("conv_transpose2d", None, 1.0),
        ("conv_transpose3d", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5.0 / 3),
        ("tanh", 3.0, 5.0 / 3),
        ("relu", None, math.sqrt(2.0)),
        ("relu", 0.3, math.sqrt(2.0)),
        ("leaky_relu", None, 1.4141428569978354),
        ("leaky_relu", 0, math.sqrt(2.0)),
        ("leaky_relu", 0.2, math.sqrt(2.0 / 1.04)),
        ("leaky_relu", -0.5, math.sqrt(2.0 / 1.25)),
        ("leaky_relu", math.sqrt(5), math.sqrt(1.0 / 3)),
        ("leaky_relu", np.float32(1.0), 1.0),
        ("selu", None, 0.75),
    ],
)
def test_calculate_gain_table(nonlinearity, param, gain):
    value = calculate_gain(nonlinearity, param)
    assert isinstance(value, float)
    assert value == pytest.approx(gain, rel=1e-15)


def test_calculate_gain_default_slope():
    assert calculate_gain("leaky_relu") == math.sqrt(2.0 / (1 + 0.01**2))
    assert calculate_gain("leaky_relu") == calculate_gain("leaky_relu", 0.01)
    assert initializers.NONLINEARITIES == (
        "linear",
        "conv1d",
        "conv2d",
        "conv3d",
        "conv_transpose1d",
        "conv_transpose2d",
        "conv_transpose3d",
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "selu",
    )


@pytest.mark.parametrize("name", ["Relu", "logistic", "gelu", "", None])
def test_calculate_gain_unknown_nonlinearity(name):
    with pytest.raises(ValueError, match="calculate_gain nonlinearity") as excinfo:
        calculate_gain(name)
    message = str(excinfo.value)
    assert repr(name) in message
    for valid in initializers.NONLINEARITIES:
        assert repr(valid) in message


@pytest.mark.parametrize("param", ["0.1", True, float("nan"), float("inf"), [0.1]])
def test_calculate_gain_bad_slope(param):
    with pytest.raises(ValueError, match="calculate_gain param") as excinfo:
        calculate_gain("leaky_relu", param)
    assert repr(param) in str(excinfo.value)


@pytest.mark.parametrize("shape", NON_SQUARE + [(5000,)])
def test_kaiming_sqrt5_is_torch_linear(shape):
    # nn.Linear.reset_parameters: kaiming_uniform_(w, a=sqrt(5)) = U[+-1/sqrt(fan_in)].
    fans = shape if len(shape) == 2 else (25, 5000)
    W = draw(KaimingUniform(a=math.sqrt(5)), shape, fans=fans)
    np.testing.assert_allclose(
        W, draw(TorchLinear(), shape, fans=fans), rtol=1e-12, atol=0
    )
    bound = 1 / math.sqrt(fans[0])
    assert np.abs(W).max() <= bound * (1 + 1e-12)
    assert np.abs(W).max() > 0.99 * bound


@pytest.mark.parametrize(
    "kaiming, other",
    [
        (KaimingUniform(nonlinearity="linear"), LecunUniform()),
        (KaimingNormal(nonlinearity="linear"), LecunNormal()),
        (KaimingUniform(nonlinearity="relu"), HeUniform()),
        (KaimingNormal(nonlinearity="relu"), HeNormal()),
        (KaimingUniform(nonlinearity="tanh"), HeUniform(gain=5 / 3 / SQRT2)),
        (KaimingNormal(nonlinearity="selu"), LecunNormal(gain=0.75)),
    ],
    ids=repr,
)
def test_kaiming_equals_the_matching_preset(kaiming, other):
    for shape in NON_SQUARE:
        np.testing.assert_allclose(
            draw(kaiming, shape), draw(other, shape), rtol=1e-13, atol=1e-17
        )


def test_kaiming_slope_only_matters_for_leaky_relu():
    for nonlinearity in ("relu", "tanh", "linear", "selu"):
        for cls in (KaimingUniform, KaimingNormal):
            np.testing.assert_array_equal(
                draw(cls(a=3.0, nonlinearity=nonlinearity), (30, 20)),
                draw(cls(nonlinearity=nonlinearity), (30, 20)),
            )
    # The slope enters squared: a and -a give the same draws.
    np.testing.assert_array_equal(
        draw(KaimingNormal(a=-0.3), (30, 20)), draw(KaimingNormal(a=0.3), (30, 20))
    )


# --------------------------------------------------------------------------
# Orthogonal on large non-square shapes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("gain", [1.0, 0.5, 3.0])
@pytest.mark.parametrize("shape", NON_SQUARE, ids=["300x700", "700x300"])
def test_orthogonal_non_square(shape, gain):
    W = draw(Orthogonal(gain=gain), shape)
    rows, cols = shape
    k = min(rows, cols)
    # The shorter side is orthonormal (times the gain): W.T @ W when tall.
    gram = W.T @ W if rows >= cols else W @ W.T
    assert gram.shape == (k, k)
    np.testing.assert_allclose(gram, gain**2 * np.eye(k), rtol=0, atol=1e-10)
    # The longer side cannot be: its k-dimensional span leaves norms below gain.
    long_norms = np.linalg.norm(W, axis=1 if rows >= cols else 0)
    assert long_norms.max() < 0.9 * gain
    assert np.sum(W**2) == pytest.approx(k * gain**2, rel=1e-12)
    assert W.std() == pytest.approx(gain / math.sqrt(max(shape)), rel=0.005)


@pytest.mark.parametrize("shape", NON_SQUARE, ids=["300x700", "700x300"])
def test_orthogonal_is_the_keras_algorithm(shape):
    rows, cols = shape
    a = np.random.RandomState(0).normal(0.0, 1.0, (max(shape), min(shape)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))
    expected = q.T if rows < cols else q
    np.testing.assert_array_equal(draw(Orthogonal(), shape), expected)
    np.testing.assert_allclose(
        draw(Orthogonal(gain=2.5), shape), 2.5 * expected, rtol=1e-15
    )


# --------------------------------------------------------------------------
# Sparse
# --------------------------------------------------------------------------


@pytest.mark.parametrize("sparsity", [0.0, 0.1, 0.25, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("shape", NON_SQUARE + [(40, 30)])
def test_sparse_zeros_per_row(shape, sparsity):
    fan_in, fan_out = shape
    W = draw(Sparse(sparsity=sparsity, std=0.02), shape)
    k = math.ceil(sparsity * fan_out)
    # Each input unit (a row) has exactly k zero outgoing weights ...
    np.testing.assert_array_equal((W == 0).sum(axis=1), np.full(fan_in, k))
    # ... while the count over the incoming weights of an output unit varies.
    col_zeros = (W == 0).sum(axis=0)
    assert col_zeros.sum() == k * fan_in
    if 0 < k < fan_out:
        assert col_zeros.min() < col_zeros.max()
    # The others are the untouched normal draws.
    mask = W != 0
    full = draw(RandomNormal(stddev=0.02), shape)
    np.testing.assert_array_equal(W[mask], full[mask])
    if mask.sum() > 10_000:
        assert W[mask].std() == pytest.approx(0.02, rel=0.02)


def test_sparse_count_is_torch_ceiling_in_floating_point():
    # As torch.nn.init.sparse_: ceil(0.07 * 100) is ceil(7.000000000000001) = 8.
    assert 0.07 * 100 > 7
    W = draw(Sparse(sparsity=0.07), (5, 100))
    assert (W == 0).sum(axis=1).tolist() == [8] * 5
    W = draw(Sparse(sparsity=0.25), (5, 30))
    assert (W == 0).sum(axis=1).tolist() == [8] * 5
    W = draw(Sparse(sparsity=0.1), (5, 30))
    assert (W == 0).sum(axis=1).tolist() == [3] * 5


def test_sparse_extremes_and_defaults():
    np.testing.assert_array_equal(
        draw(Sparse(sparsity=0.0, std=0.3)), draw(RandomNormal(stddev=0.3))
    )
    np.testing.assert_array_equal(draw(Sparse(sparsity=1.0)), np.zeros(SHAPE))
    np.testing.assert_array_equal(draw(Sparse(std=0.0), (20, 10)), np.zeros((20, 10)))
    assert Sparse().get_params() == {"sparsity": 0.1, "std": 0.01}
    W = draw(Sparse())
    assert (W == 0).sum() == FAN_IN * math.ceil(0.1 * FAN_OUT)
    assert W[W != 0].std() == pytest.approx(0.01, rel=0.01)


def test_sparse_positions_are_uniform_and_seeded():
    W = draw(Sparse(sparsity=0.3), (20_000, 10))
    # Every output is zeroed in about 30% of the rows, not always the same three.
    np.testing.assert_allclose((W == 0).mean(axis=0), 0.3, atol=0.015)
    a = draw(Sparse(sparsity=0.5), (50, 20), seed=1)
    b = draw(Sparse(sparsity=0.5), (50, 20), seed=1)
    c = draw(Sparse(sparsity=0.5), (50, 20), seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a == 0, c == 0)
    g1 = Sparse(sparsity=0.5)((50, 20), np.random.default_rng(3))
    g2 = Sparse(sparsity=0.5)((50, 20), np.random.default_rng(3))
    np.testing.assert_array_equal(g1, g2)
    assert ((g1 == 0).sum(axis=1) == 10).all()


def test_sparse_bias_is_one_row():
    b = draw(Sparse(sparsity=0.2), (50,), fans=(10, 50))
    assert b.shape == (50,)
    assert (b == 0).sum() == 10


# --------------------------------------------------------------------------
# Invalid hyperparameters: checked at call time, named in the message
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "init, owner, param, value",
    [
        (Constant(value=np.inf), "Constant", "value", np.inf),
        (Constant(value="1"), "Constant", "value", "1"),
        (RandomNormal(stddev=-0.1), "RandomNormal", "stddev", -0.1),
        (RandomNormal(mean=np.nan), "RandomNormal", "mean", np.nan),
        (RandomUniform(minval="a"), "RandomUniform", "minval", "a"),
        (TruncatedNormal(stddev=-1.0), "TruncatedNormal", "stddev", -1.0),
        (TruncatedNormal(mean=np.inf), "TruncatedNormal", "mean", np.inf),
        (VarianceScaling(scale=-2.0), "VarianceScaling", "scale", -2.0),
        (VarianceScaling(scale=None), "VarianceScaling", "scale", None),
        (VarianceScaling(mode="FAN_IN"), "VarianceScaling", "mode", "FAN_IN"),
        (
            VarianceScaling(distribution="gaussian"),
            "VarianceScaling",
            "distribution",
            "gaussian",
        ),
        (GlorotUniform(gain=0.0), "GlorotUniform", "gain", 0.0),
        (GlorotNormal(gain=-1.0), "GlorotNormal", "gain", -1.0),
        (HeUniform(gain=np.inf), "HeUniform", "gain", np.inf),
        (HeNormal(gain="2"), "HeNormal", "gain", "2"),
        (LecunUniform(gain=-0.5), "LecunUniform", "gain", -0.5),
        (LecunNormal(gain=0), "LecunNormal", "gain", 0),
        (KaimingUniform(mode="bad"), "KaimingUniform", "mode", "bad"),
        (KaimingUniform(mode="fan_avg"), "KaimingUniform", "mode", "fan_avg"),
        (
            KaimingNormal(nonlinearity="logistic"),
            "KaimingNormal",
            "nonlinearity",
            "logistic",
        ),
        (KaimingUniform(nonlinearity="Tanh"), "KaimingUniform", "nonlinearity", "Tanh"),
        (KaimingUniform(a="x"), "KaimingUniform", "a", "x"),
        (KaimingNormal(a=np.nan), "KaimingNormal", "a", np.nan),
        (KaimingNormal(a=True), "KaimingNormal", "a", True),
        (Orthogonal(gain=0.0), "Orthogonal", "gain", 0.0),
        (Orthogonal(gain=-1.0), "Orthogonal", "gain", -1.0),
        (Identity(gain=np.nan), "Identity", "gain", np.nan),
        (Sparse(sparsity=-0.1), "Sparse", "sparsity", -0.1),
        (Sparse(sparsity=1.5), "Sparse", "sparsity", 1.5),
        (Sparse(sparsity=np.nan), "Sparse", "sparsity", np.nan),
        (Sparse(std=-0.01), "Sparse", "std", -0.01),
        (SklearnUniform(factor=0.0), "SklearnUniform", "factor", 0.0),
        (SklearnUniform(factor=-6), "SklearnUniform", "factor", -6),
    ],
    ids=repr,
)
def test_invalid_hyperparameter_message(init, owner, param, value):
    with pytest.raises(ValueError, match=f"^{owner} {param} must be ") as excinfo:
        init((7, 5), random_state=0)
    assert str(excinfo.value).endswith(f"; got {value!r}.")


def test_kaiming_mode_message_lists_choices():
    with pytest.raises(ValueError) as excinfo:
        KaimingUniform(mode="bad")((3, 2), 0)
    assert str(excinfo.value) == (
        "KaimingUniform mode must be one of 'fan_in', 'fan_out'; got 'bad'."
    )
    with pytest.raises(ValueError) as excinfo:
        KaimingNormal(nonlinearity="gelu")((3, 2), 0)
    for valid in initializers.NONLINEARITIES:
        assert repr(valid) in str(excinfo.value)


@pytest.mark.parametrize("minval, maxval", [(0.1, 0.1), (1.0, -1.0)])
def test_random_uniform_needs_minval_below_maxval(minval, maxval):
    with pytest.raises(ValueError) as excinfo:
        RandomUniform(minval=minval, maxval=maxval)((3, 2), 0)
    assert str(excinfo.value) == (
        f"RandomUniform minval must be < maxval; got minval={minval!r}, "
        f"maxval={maxval!r}."
    )


def test_hyperparameters_are_checked_at_call_not_at_construction():
    init = Sparse(sparsity=2.0)
    assert init.sparsity == 2.0
    assert repr(init) == "Sparse(sparsity=2.0)"
    assert clone(init) == init
    init.set_params(sparsity=0.5)
    assert (init((4, 6), 0) == 0).sum() == 12


def test_boundary_values_are_accepted():
    np.testing.assert_array_equal(
        RandomNormal(1.5, 0.0)((3, 2), 0), np.full((3, 2), 1.5)
    )
    np.testing.assert_array_equal(
        TruncatedNormal(-1.0, 0.0)((3, 2), 0), np.full((3, 2), -1.0)
    )
    np.testing.assert_array_equal(Identity(gain=-1.0)((3, 2)), -np.eye(3, 2))
    np.testing.assert_array_equal(Identity(gain=0)((3, 2)), np.zeros((3, 2)))
    W = RandomUniform(-1, 1)((100, 10), 0)
    assert W.min() >= -1 and W.max() < 1
    W = HeNormal(gain=np.float32(0.5))((100, 10), 0)
    np.testing.assert_allclose(W, 0.5 * HeNormal()((100, 10), 0), rtol=1e-12)
    assert KaimingUniform(a=-0.2)((5, 5), 0).shape == (5, 5)


@pytest.mark.parametrize("param", ["init", "bias_init"])
def test_estimator_fit_reports_the_bad_initializer(param):
    X = np.random.RandomState(0).normal(size=(20, 3))
    y = np.arange(20) % 2
    est = MLPClassifier(
        hidden_layer_sizes=(4,), max_iter=2, **{param: Sparse(sparsity=2.0)}
    )
    with pytest.raises(ValueError, match="Sparse sparsity must be a number in"):
        est.fit(X, y)


# --------------------------------------------------------------------------
# Tuning a nested initializer parameter
# --------------------------------------------------------------------------


def test_grid_search_tunes_nested_initializer_parameter():
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    init = VarianceScaling()
    est = MLPClassifier(init=init, max_iter=5, hidden_layer_sizes=(8,), random_state=0)
    assert est.get_params()["init__scale"] == 1.0
    search = GridSearchCV(est, {"init__scale": [0.5, 2.0]}, cv=2).fit(X, y)

    best = search.best_estimator_.init
    assert type(best) is VarianceScaling
    assert best.scale in (0.5, 2.0)
    assert search.best_params_ == {"init__scale": best.scale}
    assert best.mode == "fan_in" and best.distribution == "truncated_normal"
    assert best is not init
    # The estimator and its initializer are left as they were.
    assert est.init is init
    assert init.scale == 1.0 and init == VarianceScaling()
    assert not hasattr(est, "coefs_")
    # The tuned scale reached the weights: a fresh fit with it gives the same ones.
    refit = MLPClassifier(
        init=VarianceScaling(scale=best.scale),
        max_iter=5,
        hidden_layer_sizes=(8,),
        random_state=0,
    ).fit(X, y)
    for a, b in zip(refit.coefs_, search.best_estimator_.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
