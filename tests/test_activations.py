"""Tests for skweights.activations: closed forms, output-based derivatives, registry."""

import numpy as np
import pytest
from sklearn.base import clone

from skweights import activations
from skweights.activations import (
    ACTIVATIONS,
    ELU,
    OUTPUT_ACTIVATIONS,
    Activation,
    Exp,
    Identity,
    LeakyReLU,
    Logistic,
    ReLU,
    Softmax,
    Softplus,
    Tanh,
)
from skweights.penalties import L2


def closed_form(act, z):
    """The activation written out independently, on a float64 copy."""
    z = np.array(z, dtype=np.float64)
    if isinstance(act, Identity):
        return z
    if isinstance(act, Logistic):
        return 1.0 / (1.0 + np.exp(-z))
    if isinstance(act, Tanh):
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
    if isinstance(act, ReLU):
        return np.where(z > 0, z, 0.0)
    if isinstance(act, LeakyReLU):
        return np.where(z > 0, z, act.negative_slope * z)
    if isinstance(act, ELU):
        return np.where(z > 0, z, act.alpha * (np.exp(z) - 1.0))
    if isinstance(act, Softplus):
        return np.log(1.0 + np.exp(z))
    if isinstance(act, Exp):
        return np.exp(z)
    raise AssertionError(f"no closed form for {act!r}")


ELEMENTWISE = [
    Identity(),
    Logistic(),
    Tanh(),
    ReLU(),
    LeakyReLU(),
    LeakyReLU(negative_slope=0.2),
    ELU(),
    ELU(alpha=0.5),
    Softplus(),
    Exp(),
]


def pre_activations(seed=0, shape=(6, 5)):
    """Values in [-3, -0.1] U [0.1, 3]: away from the kink of relu and leaky_relu."""
    rng = np.random.RandomState(seed)
    magnitude = rng.uniform(0.1, 3.0, shape)
    sign = np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0)
    return sign * magnitude


def test_elementwise_list_covers_the_registries():
    covered = {type(a) for a in ELEMENTWISE}
    assert set(ACTIVATIONS.values()) <= covered
    assert set(OUTPUT_ACTIVATIONS.values()) - {Softmax} <= covered


# --------------------------------------------------------------------------
# Forward
# --------------------------------------------------------------------------


@pytest.mark.parametrize("act", ELEMENTWISE, ids=repr)
def test_forward_matches_closed_form(act):
    Z = pre_activations()
    expected = closed_form(act, Z)
    work = Z.copy()
    A = act.forward(work)
    assert A is work  # in place
    np.testing.assert_allclose(A, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_forward_of_every_registered_name(name):
    act = activations.get(name)
    Z = pre_activations(seed=3)
    np.testing.assert_allclose(
        act.forward(Z.copy()), closed_form(act, Z), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("act", ELEMENTWISE, ids=repr)
def test_forward_keeps_float32(act):
    Z = pre_activations().astype(np.float32)
    A = act.forward(Z.copy())
    assert A.dtype == np.float32
    np.testing.assert_allclose(A, closed_form(act, Z), rtol=1e-5, atol=1e-6)


def test_forward_at_zero_and_special_points():
    z = np.array([[0.0, -1.0, 2.0]])
    np.testing.assert_array_equal(ReLU().forward(z.copy()), [[0.0, 0.0, 2.0]])
    np.testing.assert_allclose(
        LeakyReLU(0.1).forward(z.copy()), [[0.0, -0.1, 2.0]], rtol=1e-15
    )
    np.testing.assert_allclose(Logistic().forward(z[:, :1].copy()), [[0.5]])
    np.testing.assert_allclose(Softplus().forward(z[:, :1].copy()), [[np.log(2)]])
    np.testing.assert_allclose(
        ELU(alpha=2.0).forward(z.copy()), [[0.0, 2.0 * (np.exp(-1) - 1), 2.0]]
    )


@pytest.mark.parametrize(
    "act, expected",
    [
        (Logistic(), [0.0, 1.0, 0.0, 1.0]),
        (Tanh(), [-1.0, 1.0, -1.0, 1.0]),
        (ReLU(), [0.0, 1000.0, 0.0, 745.0]),
        (LeakyReLU(), [-10.0, 1000.0, -7.45, 745.0]),
        (ELU(), [-1.0, 1000.0, -1.0, 745.0]),
        (Softplus(), [0.0, 1000.0, 0.0, 745.0]),
    ],
    ids=repr,
)
def test_forward_is_stable_for_huge_inputs(act, expected):
    # pytest turns overflow RuntimeWarnings into errors.
    A = act.forward(np.array([[-1000.0, 1000.0, -745.0, 745.0]]))
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A, [expected], rtol=1e-14, atol=1e-300)


# --------------------------------------------------------------------------
# Derivative, written through the output
# --------------------------------------------------------------------------


def numeric_derivative(act, Z, h=1e-6):
    return (closed_form(act, Z + h) - closed_form(act, Z - h)) / (2 * h)


@pytest.mark.parametrize("act", ELEMENTWISE, ids=repr)
def test_derivative_matches_finite_differences(act):
    Z = pre_activations(seed=1)
    delta = np.random.RandomState(2).normal(size=Z.shape)
    A = act.forward(Z.copy())
    A_before = A.copy()
    work = delta.copy()
    out = act.derivative(A, work)
    assert out is work  # in place
    np.testing.assert_array_equal(A, A_before)
    expected = delta * numeric_derivative(act, Z)
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_of_every_registered_name(name):
    act = activations.get(name)
    Z = pre_activations(seed=4)
    delta = np.random.RandomState(5).normal(size=Z.shape)
    A = act.forward(Z.copy())
    out = act.derivative(A, delta.copy())
    expected = delta * numeric_derivative(act, Z)
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("act", ELEMENTWISE, ids=repr)
def test_derivative_keeps_float32(act):
    Z = pre_activations(seed=1).astype(np.float32)
    A = act.forward(Z.copy())
    delta = np.ones_like(Z)
    out = act.derivative(A, delta)
    assert out.dtype == np.float32
    expected = numeric_derivative(act, Z.astype(np.float64))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_relu_derivative_is_zero_where_output_is_zero():
    A = ReLU().forward(np.array([[-2.0, 0.0, 3.0]]))
    np.testing.assert_array_equal(
        ReLU().derivative(A, np.array([[5.0, 5.0, 5.0]])), [[0.0, 0.0, 5.0]]
    )


# --------------------------------------------------------------------------
# Softmax
# --------------------------------------------------------------------------


def test_softmax_matches_closed_form_and_sums_to_one():
    Z = np.random.RandomState(0).normal(scale=3.0, size=(8, 4))
    expected = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    work = Z.copy()
    P = Softmax().forward(work)
    assert P is work
    np.testing.assert_allclose(P, expected, rtol=1e-12)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)
    assert np.all(P > 0)


def test_softmax_is_stable_for_huge_logits():
    Z = np.array([[1000.0, 1000.0, 1000.0], [1000.0, 0.0, -1000.0], [-1000.0] * 3])
    P = Softmax().forward(Z.copy())
    assert not np.isnan(P).any()
    np.testing.assert_allclose(P[0], [1 / 3] * 3, rtol=1e-14)
    np.testing.assert_allclose(P[1], [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(P[2], [1 / 3] * 3, rtol=1e-14)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)


def test_softmax_is_shift_invariant_per_row():
    Z = np.random.RandomState(1).normal(size=(5, 3))
    shifts = np.array([[0.0], [10.0], [-50.0], [500.0], [1000.0]])
    np.testing.assert_allclose(
        Softmax().forward((Z + shifts).copy()), Softmax().forward(Z.copy()), rtol=1e-9
    )


def test_softmax_has_no_hidden_derivative():
    with pytest.raises(NotImplementedError):
        Softmax().derivative(np.ones((2, 2)) / 2, np.ones((2, 2)))


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_name_resolves_and_clones(name):
    act = activations.get(name)
    assert isinstance(act, Activation)
    assert type(act) is ACTIVATIONS[name]
    assert activations.get(name.upper()) == act
    assert ACTIVATIONS[act.name] is type(act)
    cloned = clone(act)
    assert cloned is not act and cloned == act
    assert eval(repr(act), dict(vars(activations))) == act


def test_aliases():
    assert activations.get("sigmoid") == activations.get("logistic") == Logistic()
    assert activations.get("linear") == activations.get("identity") == Identity()


@pytest.mark.parametrize("name", sorted(OUTPUT_ACTIVATIONS))
def test_output_activation_names(name):
    assert OUTPUT_ACTIVATIONS[name].name == name


def test_parameters_round_trip():
    act = LeakyReLU(negative_slope=0.2)
    assert repr(act) == "LeakyReLU(negative_slope=0.2)"
    assert eval(repr(act), dict(vars(activations))) == act
    assert act != LeakyReLU()
    assert clone(ELU(alpha=0.5)) == ELU(alpha=0.5)
    assert activations.get(act) is act
    assert activations.get(ELU) == ELU()


def test_typo_raises_value_error_listing_names():
    with pytest.raises(ValueError, match="reluu") as excinfo:
        activations.get("reluu")
    for name in ACTIVATIONS:
        assert name in str(excinfo.value)


@pytest.mark.parametrize("name", ["softmax", "exp"])
def test_output_only_activations_are_not_hidden_names(name):
    with pytest.raises(ValueError, match="Valid names"):
        activations.get(name)


@pytest.mark.parametrize("bad", [1, object(), L2(), L2])
def test_non_activation_raises_type_error(bad):
    with pytest.raises(TypeError, match="activation"):
        activations.get(bad)


@pytest.mark.parametrize("slope", [0.0, -0.1])
def test_leaky_relu_rejects_non_positive_slope(slope):
    with pytest.raises(ValueError, match="negative_slope"):
        LeakyReLU(negative_slope=slope).forward(np.ones((2, 2)))
