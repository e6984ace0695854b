"""Tests of the shared hyperparameter checks and of their use across the components."""

import math
from fractions import Fraction

import numpy as np
import pytest

from skweights._validation import check_bool, check_int, check_option, check_real
from skweights.activations import LeakyReLU
from skweights.constraints import MaxNorm, MinMaxNorm
from skweights.initializers import HeUniform, Sparse
from skweights.optimizers import LBFGS, SGD, Adam, ClipByNorm, StepDecay
from skweights.penalties import ElasticNet


class Owner:
    pass


@pytest.mark.parametrize(
    "kwargs, value, what",
    [
        ({}, math.inf, "a finite number"),
        ({"finite": False}, math.nan, "a number"),
        ({"low": 0}, -1.0, "a finite number >= 0"),
        ({"low": 0, "low_open": True, "finite": False}, 0, "a number > 0"),
        ({"high": 1, "high_open": True}, 1, "a finite number < 1"),
        ({"low": 0, "high": 1, "high_open": True}, 1.0, "a number in [0, 1)"),
        ({"low": 0, "high": 1, "low_open": True}, 0.0, "a number in (0, 1]"),
        ({"low": 0, "high": 1}, True, "a number in [0, 1]"),
        ({}, "1", "a finite number"),
        ({}, None, "a finite number"),
        ({}, Fraction(1, 2), "a finite number"),
        ({}, np.complex128(0.5), "a finite number"),
    ],
)
def test_check_real_message(kwargs, value, what):
    with pytest.raises(ValueError) as excinfo:
        check_real(Owner(), "p", value, **kwargs)
    assert str(excinfo.value) == f"Owner p must be {what}; got {value!r}."


def test_check_real_accepts_and_returns_a_float():
    assert check_real("f", "p", np.float32(0.5), low=0, high=1) == 0.5
    assert type(check_real("f", "p", np.int64(3), low=0)) is float
    assert check_real("f", "p", math.inf, low=0, finite=False) == math.inf
    assert check_real("f", "p", 0, low=0, high=1) == 0.0
    with pytest.raises(ValueError, match="^f p must be a number >= 0; got nan.$"):
        check_real("f", "p", math.nan, low=0, finite=False)


def test_check_int_option_bool_messages():
    assert check_int(Owner(), "n", np.int64(2), 1) == 2
    with pytest.raises(ValueError, match=r"^Owner n must be an integer >= 1; got 0\.$"):
        check_int(Owner(), "n", 0, 1)
    with pytest.raises(ValueError, match=r"^Owner n must be an integer in \[0, 1\]"):
        check_int(Owner(), "n", 1.0, 0, 1)
    with pytest.raises(ValueError, match="^Owner n must be an integer >= 0; got True"):
        check_int(Owner(), "n", True, 0)
    assert check_option(Owner(), "m", "b", ("a", "b")) == "b"
    with pytest.raises(ValueError) as excinfo:
        check_option(Owner(), "m", "A", ("a", "b"))
    assert str(excinfo.value) == "Owner m must be one of 'a', 'b'; got 'A'."
    assert check_bool(Owner(), "flag", np.bool_(True)) is True
    with pytest.raises(ValueError, match=r"^Owner flag must be a bool; got 1\.$"):
        check_bool(Owner(), "flag", 1)


W = np.array([[3.0, 0.1], [4.0, 0.1]])


# A bool where a number is expected is rejected by every kind of component; some
# of these used to be taken as 0 or 1, or failed with a TypeError deep in numpy.
@pytest.mark.parametrize(
    "use, owner, param",
    [
        (lambda: SGD(momentum=True).init([np.zeros(2)]), "SGD", "momentum"),
        (lambda: Adam(epsilon=True).init([np.zeros(2)]), "Adam", "epsilon"),
        (lambda: Adam(beta_1=False).init([np.zeros(2)]), "Adam", "beta_1"),
        (lambda: SGD(learning_rate=True).init([np.zeros(2)]), "SGD", "learning_rate"),
        (lambda: StepDecay(True).init(), "StepDecay", "learning_rate"),
        (
            lambda: ClipByNorm(Adam(), max_norm=True).init([np.zeros(2)]),
            "ClipByNorm",
            "max_norm",
        ),
        (lambda: ElasticNet(l1_ratio=True).value(W), "ElasticNet", "l1_ratio"),
        (lambda: MaxNorm(max_value=True)(W.copy()), "MaxNorm", "max_value"),
        (lambda: MaxNorm(axis=True)(W.copy()), "MaxNorm", "axis"),
        (lambda: MaxNorm(axis=1.0)(W.copy()), "MaxNorm", "axis"),
        (lambda: MinMaxNorm(rate=True)(W.copy()), "MinMaxNorm", "rate"),
        (lambda: MinMaxNorm(max_value="2")(W.copy()), "MinMaxNorm", "max_value"),
        (lambda: LeakyReLU(True).forward(W.copy()), "LeakyReLU", "negative_slope"),
        (lambda: LeakyReLU(None).forward(W.copy()), "LeakyReLU", "negative_slope"),
        (lambda: HeUniform(gain=True)((3, 2), 0), "HeUniform", "gain"),
        (lambda: Sparse(std=False)((3, 2), 0), "Sparse", "std"),
        (
            lambda: LBFGS(maxcor=True).minimize(
                lambda x: (float(x @ x), 2 * x),
                np.ones(2),
                max_iter=1,
                max_fun=2,
                tol=0,
            ),
            "LBFGS",
            "maxcor",
        ),
    ],
)
def test_components_reject_non_numbers(use, owner, param):
    with pytest.raises(ValueError, match=f"^{owner} {param} must be "):
        use()


def test_infinity_and_numpy_scalars_stay_accepted_where_they_were():
    w = W.copy()
    MaxNorm(max_value=math.inf)(w)
    np.testing.assert_allclose(w, W, rtol=1e-6)
    assert StepDecay(0.1, gamma=np.float32(0.5)).init().lr == pytest.approx(0.1)
    assert Adam(epsilon=np.float64(1e-8)).init([np.zeros(2)]).lr == 0.001
