"""Weight constraints, intercept penalties and the sparsity of L1 in the estimators."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skweights import MLPClassifier, MLPRegressor, constraints
from skweights._network import loss_and_gradients
from skweights.activations import Tanh
from skweights.constraints import CONSTRAINTS, MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from skweights.losses import SquaredError
from skweights.penalties import L1, L2, ElasticNet

EPS = 1e-7


def _w(seed=0, shape=(5, 4)):
    return np.random.RandomState(seed).normal(scale=2.0, size=shape)


# ------------------------------------------------------------- the projections
@pytest.mark.parametrize("axis", [0, 1])
def test_max_norm_formula(axis):
    W = _w()
    n = np.sqrt((W**2).sum(axis=axis, keepdims=True))
    expected = W * np.clip(n, 0, 1.5) / (EPS + n)
    MaxNorm(1.5, axis=axis)(W)
    np.testing.assert_allclose(W, expected, rtol=1e-15)
    assert np.all(np.linalg.norm(W, axis=axis) <= 1.5 + 1e-12)


def test_max_norm_leaves_small_units_almost_alone():
    W = np.array([[0.3, 3.0], [0.4, 4.0]])
    MaxNorm(1.0)(W)
    np.testing.assert_allclose(W[:, 0], [0.3, 0.4], rtol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(W[:, 1]), 1.0, rtol=1e-6)


def test_unit_norm_and_nonneg():
    W = _w(1)
    UnitNorm()(W)
    np.testing.assert_allclose(np.linalg.norm(W, axis=0), 1.0, rtol=1e-6)
    W = _w(2)
    expected = np.maximum(W, 0)
    NonNeg()(W)
    np.testing.assert_array_equal(W, expected)


@pytest.mark.parametrize("rate", [1.0, 0.5])
def test_min_max_norm_formula(rate):
    W = _w(3)
    n = np.sqrt((W**2).sum(axis=0, keepdims=True))
    desired = rate * np.clip(n, 2.0, 3.0) + (1 - rate) * n
    expected = W * desired / (EPS + n)
    MinMaxNorm(2.0, 3.0, rate=rate)(W)
    np.testing.assert_allclose(W, expected, rtol=1e-14)


@pytest.mark.parametrize(
    "constraint, match",
    [
        (MaxNorm(max_value=0), "MaxNorm max_value"),
        (MaxNorm(axis=2), "MaxNorm axis"),
        (
            MinMaxNorm(min_value=2, max_value=1),
            "MinMaxNorm min_value must be <= max_value",
        ),
        (MinMaxNorm(rate=0), "MinMaxNorm rate"),
    ],
)
def test_invalid_parameters_name_the_component(constraint, match):
    with pytest.raises(ValueError, match=match):
        constraint(_w())


@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_registry(name):
    c = constraints.get(name)
    assert isinstance(c, constraints.Constraint)
    assert clone(c) == c
    assert eval(repr(c), vars(constraints)) == c
    c2 = clone(c).set_params(**c.get_params())
    assert c2 == c
    assert constraints.get(None) is None
    with pytest.raises(ValueError, match="max_norm"):
        constraints.get("max_nrom")


# ----------------------------------------------------- inside the estimators
def _data():
    return make_classification(
        n_samples=120, n_features=6, n_informative=4, random_state=0
    )


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
@pytest.mark.parametrize(
    "constraint, check",
    [
        (MaxNorm(0.5), lambda W: np.all(np.linalg.norm(W, axis=0) <= 0.5 + 1e-9)),
        (UnitNorm(), lambda W: np.allclose(np.linalg.norm(W, axis=0), 1, 1e-6)),
        ("non_neg", lambda W: np.all(W >= 0)),
        (
            MinMaxNorm(0.5, 0.8),
            lambda W: np.all(np.abs(np.linalg.norm(W, axis=0) - 0.65) <= 0.15 + 1e-6),
        ),
    ],
)
def test_constraint_holds_after_every_step(optimizer, constraint, check):
    X, y = _data()
    est = MLPClassifier(
        hidden_layer_sizes=(7,),
        optimizer=optimizer,
        constraint=constraint,
        batch_size=30,
        learning_rate_init=0.05,
        random_state=0,
    )
    classes = np.unique(y)
    # 4 steps per call; the projection must hold after the last step of each call.
    for _ in range(5):
        est.partial_fit(X, y, classes=classes)
        assert all(check(W) for W in est.coefs_)
    # and the unconstrained model does break it
    free = clone(est).set_params(constraint=None)
    for _ in range(5):
        free.partial_fit(X, y, classes=classes)
    assert not all(check(W) for W in free.coefs_)


def test_constraint_is_not_applied_at_initialization():
    X, y = _data()
    est = MLPClassifier(
        hidden_layer_sizes=(7,),
        init="ones",
        constraint=MaxNorm(0.5),
        max_iter=1,
        learning_rate_init=1e-12,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    assert np.all(np.linalg.norm(est.coefs_[0], axis=0) <= 0.5 + 1e-9)
    # the projection scaled the all-ones columns down, it did not zero them
    np.testing.assert_allclose(est.coefs_[0], 0.5 / np.sqrt(6), rtol=1e-5)


def test_per_layer_constraints():
    X, y = _data()
    est = MLPClassifier(
        hidden_layer_sizes=(7,),
        constraint=["non_neg", None],
        max_iter=20,
        random_state=0,
    ).fit(X, y)
    assert np.all(est.coefs_[0] >= 0)
    assert np.any(est.coefs_[1] < 0)
    with pytest.raises(ValueError, match="constraint is a list of 3"):
        clone(est).set_params(constraint=["non_neg"] * 3).fit(X, y)


def test_lbfgs_enforces_nonneg_as_bounds_and_rejects_projections():
    X, y = make_regression(n_samples=80, n_features=4, random_state=0)
    y = y / y.std()
    est = MLPRegressor(
        hidden_layer_sizes=(5,),
        optimizer="lbfgs",
        constraint="non_neg",
        max_iter=200,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    assert all(np.all(W >= 0) for W in est.coefs_)
    assert np.any(est.coefs_[0] == 0)  # some weights sit on the bound
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        l1 = clone(est).set_params(penalty="l1", alpha=1.0).fit(X, y)
    assert all(np.all(W >= 0) for W in l1.coefs_)
    with pytest.raises(ValueError, match="L-BFGS takes no separate steps"):
        clone(est).set_params(constraint="max_norm").fit(X, y)


def test_grid_search_tunes_a_constraint_parameter():
    X, y = _data()
    search = GridSearchCV(
        MLPClassifier(
            hidden_layer_sizes=(6,), constraint=MaxNorm(), max_iter=5, random_state=0
        ),
        {"constraint__max_value": [0.1, 3.0]},
        cv=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    chosen = search.best_params_["constraint__max_value"]
    assert search.best_estimator_.constraint.max_value == chosen
    assert search.estimator.constraint == MaxNorm()


# ---------------------------------------------------------- intercept penalties
def _objective(penalty, alpha=0.3):
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(9, 3)), rng.normal(size=(9, 1))
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    intercepts = [rng.normal(size=4), rng.normal(size=1)]
    cg, ig = [None, None], [None, None]
    value, _ = loss_and_gradients(
        X, y, None, coefs, intercepts, hidden=Tanh(), loss=SquaredError(),
        penalty=penalty, alpha=alpha, coef_grads=cg, intercept_grads=ig,
    )  # fmt: skip
    return value, cg, ig, intercepts


def test_penalize_intercepts_adds_their_value_and_gradient():
    plain, cg0, ig0, b = _objective(L2())
    both, cg1, ig1, _ = _objective(L2(penalize_intercepts=True))
    extra = 0.3 * sum(0.5 * (v**2).sum() for v in b) / 9
    assert both == pytest.approx(plain + extra, rel=1e-14)
    for g0, g1 in zip(cg0, cg1, strict=True):
        np.testing.assert_array_equal(g0, g1)
    for g0, g1, v in zip(ig0, ig1, b, strict=True):
        np.testing.assert_allclose(g1, g0 + 0.3 * v / 9, rtol=1e-12)
    # an L1 part adds its value only; the gradient is left to the proximal step
    l1_plain, _, ig_l1, _ = _objective(L1())
    l1_both, _, ig_l1b, _ = _objective(L1(penalize_intercepts=True))
    extra = 0.3 * sum(np.abs(v).sum() for v in b) / 9
    assert l1_both == pytest.approx(l1_plain + extra, rel=1e-14)
    np.testing.assert_array_equal(ig_l1[0], ig_l1b[0])


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "lbfgs"])
def test_l1_on_intercepts_reaches_exact_zeros(optimizer):
    X, y = _data()
    kw = dict(
        hidden_layer_sizes=(8,), alpha=3.0, random_state=0, **L1_SETTINGS[optimizer]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights_only = MLPClassifier(penalty=L1(), **kw).fit(X, y)
        both = MLPClassifier(penalty=L1(penalize_intercepts=True), **kw).fit(X, y)
    assert not np.any(weights_only.intercepts_[0] == 0)
    assert np.mean(both.intercepts_[0] == 0) > 0.3


# -------------------------------------------------- L1 sparsity on irrelevant inputs
L1_SETTINGS = {
    "sgd": dict(optimizer="sgd", learning_rate_init=0.02, max_iter=150),
    "adam": dict(optimizer="adam", learning_rate_init=0.01, max_iter=150),
    "rmsprop": dict(optimizer="rmsprop", learning_rate_init=0.01, max_iter=150),
    "lbfgs": dict(optimizer="lbfgs", max_iter=200),
}


@pytest.mark.parametrize("optimizer", sorted(L1_SETTINGS))
def test_l1_zeroes_irrelevant_inputs_and_l2_never_does(optimizer):
    # shuffle=False: the first 3 columns are informative, the last 7 pure noise
    X, y = make_classification(
        n_samples=300,
        n_features=10,
        n_informative=3,
        n_redundant=0,
        shuffle=False,
        random_state=0,
    )
    kw = dict(hidden_layer_sizes=(8,), alpha=1.0, random_state=0)
    kw.update(L1_SETTINGS[optimizer])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        l1 = MLPClassifier(penalty="l1", **kw).fit(X, y)
        l2 = MLPClassifier(penalty="l2", **kw).fit(X, y)
        en = MLPClassifier(penalty=ElasticNet(0.5), **kw).fit(X, y)
    assert np.mean(l1.coefs_[0][3:] == 0) > 0.55  # noise inputs
    assert np.mean(l1.coefs_[0][:3] != 0) > 0.3  # informative inputs keep weights
    assert l1.score(X, y) > 0.9
    assert not np.any(l2.coefs_[0] == 0)
    assert 0 < np.mean(en.coefs_[0] == 0) <= np.mean(l1.coefs_[0] == 0)
