"""Parity with scikit-learn: the same random_state gives the same fitted network.

With ``init="sklearn"``, ``penalty="l2"`` and the string optimizers, skweights must
learn the weights scikit-learn's own MLPClassifier / MLPRegressor learn, and report
the same ``loss_``, ``loss_curve_``, ``n_iter_``, ``t_``, validation scores and
predictions. The one documented difference in reported values, the multi-output
squared-error ``loss_`` (summed over outputs, not averaged), is asserted as such.
Two deliberate behaviour differences are left out: the multiclass early-stopping
split (stratified in skweights) and the random state kept across ``partial_fit``
calls (only the first call is compared).
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import neural_network as sk
from sklearn.datasets import (
    load_digits,
    load_iris,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning

import skweights
from skweights.optimizers import LBFGS

RTOL = 1e-6

_digits = load_digits()
X_DIGITS = _digits.data[:300] / 16.0
Y_DIGITS = _digits.target[:300]
Y_BINARY = np.where(Y_DIGITS % 2 == 0, "even", "odd")

_iris = load_iris()
X_IRIS = (_iris.data - _iris.data.mean(axis=0)) / _iris.data.std(axis=0)
Y_IRIS = _iris.target

X_ML, Y_ML = make_multilabel_classification(
    n_samples=120, n_features=10, n_classes=4, random_state=0
)
X_ML = X_ML / X_ML.max()

X_REG, Y_REG = make_regression(
    n_samples=150, n_features=8, n_informative=5, noise=0.5, random_state=0
)
Y_REG = Y_REG / Y_REG.std()

X_MO, Y_MO = make_regression(
    n_samples=150, n_features=8, n_targets=3, noise=0.5, random_state=1
)
Y_MO = Y_MO / Y_MO.std(axis=0)

_rng = np.random.RandomState(0)
Y_POISSON = _rng.poisson(np.exp(0.3 * X_REG[:, 0] - 0.2 * X_REG[:, 1])).astype(float)
SAMPLE_WEIGHT = _rng.uniform(0.2, 3.0, size=300)

CLASSIFICATION = {
    "binary": (X_DIGITS, Y_BINARY),
    "multiclass_digits": (X_DIGITS, Y_DIGITS),
    "multiclass_iris": (X_IRIS, Y_IRIS),
    "multilabel": (X_ML, Y_ML),
}


def _pair(kind, optimizer, **params):
    """The scikit-learn estimator and its skweights twin, with the same params."""
    params.setdefault("hidden_layer_sizes", (16,))
    params.setdefault("random_state", 0)
    if kind == "classifier":
        ref, ours = sk.MLPClassifier, skweights.MLPClassifier
    else:
        ref, ours = sk.MLPRegressor, skweights.MLPRegressor
    return ref(solver=optimizer, **params), ours(optimizer=optimizer, **params)


def _fit(est, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **fit_params)


def _fit_pair(kind, optimizer, X, y, sample_weight=None, **params):
    ref, ours = _pair(kind, optimizer, **params)
    fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
    return _fit(ref, X, y, **fit_params), _fit(ours, X, y, **fit_params)


def _assert_weights(ours, ref, rtol=RTOL):
    assert len(ours.coefs_) == len(ref.coefs_)
    for W, W_ref in zip(ours.coefs_, ref.coefs_, strict=True):
        assert W.shape == W_ref.shape
        assert W.dtype == W_ref.dtype
        assert_allclose(W, W_ref, rtol=rtol, atol=0)
    for b, b_ref in zip(ours.intercepts_, ref.intercepts_, strict=True):
        assert b.dtype == b_ref.dtype
        assert_allclose(b, b_ref, rtol=rtol, atol=0)


def _assert_same(ours, ref, X, rtol=RTOL, same_loss=True):
    """Weights, training record and predictions all agree."""
    _assert_weights(ours, ref, rtol)
    assert ours.n_iter_ == ref.n_iter_
    assert ours.t_ == ref.t_
    assert ours.n_layers_ == ref.n_layers_
    assert ours.n_outputs_ == ref.n_outputs_
    assert ours.out_activation_ == ref.out_activation_
    if same_loss:
        assert_allclose(ours.loss_, ref.loss_, rtol=rtol)
    if hasattr(ref, "loss_curve_"):  # the stochastic optimizers
        assert len(ours.loss_curve_) == len(ref.loss_curve_) >= ref.n_iter_
        if same_loss:
            assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=rtol)
            if ref.best_loss_ is None:
                assert ours.best_loss_ is None
            else:
                assert_allclose(ours.best_loss_, ref.best_loss_, rtol=rtol)
        if ref.validation_scores_ is None:
            assert ours.validation_scores_ is None
            assert ours.best_validation_score_ is None
        else:
            assert_allclose(ours.validation_scores_, ref.validation_scores_, rtol=rtol)
            assert_allclose(
                ours.best_validation_score_, ref.best_validation_score_, rtol=rtol
            )
    if hasattr(ref, "classes_"):
        assert_array_equal(ours.classes_, ref.classes_)
        assert_array_equal(ours.predict(X), ref.predict(X))
        proba = ours.predict_proba(X)
        assert proba.dtype == ref.predict_proba(X).dtype
        assert_allclose(proba, ref.predict_proba(X), rtol=rtol, atol=1e-12)
    else:
        assert_allclose(ours.predict(X), ref.predict(X), rtol=rtol, atol=1e-12)


# --------------------------------------------------------------------- defaults


def test_defaults_are_sklearn_scheme():
    for cls in (skweights.MLPClassifier, skweights.MLPRegressor):
        params = cls().get_params()
        assert params["init"] == "sklearn"
        assert params["bias_init"] == "sklearn"
        assert params["penalty"] == "l2"
        assert params["optimizer"] == "adam"
        assert params["solver"] is None
        ref_params = (
            sk.MLPClassifier if cls is skweights.MLPClassifier else sk.MLPRegressor
        )().get_params()
        for name, value in ref_params.items():
            if name != "solver":
                assert params[name] == value, name


def test_default_arguments_match_sklearn():
    """Nothing but random_state and max_iter set: the default adam, (100,) relu."""
    ref = _fit(sk.MLPClassifier(random_state=3, max_iter=5), X_DIGITS, Y_DIGITS)
    ours = _fit(skweights.MLPClassifier(random_state=3, max_iter=5), X_DIGITS, Y_DIGITS)
    assert ours.coefs_[0].shape == (64, 100)
    _assert_same(ours, ref, X_DIGITS)


def test_solver_alias_equals_optimizer():
    X, y = X_IRIS, Y_IRIS
    params = dict(hidden_layer_sizes=(8,), max_iter=15, random_state=0)
    by_alias = _fit(skweights.MLPClassifier(solver="lbfgs", **params), X, y)
    by_name = _fit(skweights.MLPClassifier(optimizer="lbfgs", **params), X, y)
    ref = _fit(sk.MLPClassifier(solver="lbfgs", **params), X, y)
    assert isinstance(by_alias.optimizer_, LBFGS)
    for W, W2 in zip(
        by_alias.coefs_ + by_alias.intercepts_,
        by_name.coefs_ + by_name.intercepts_,
        strict=True,
    ):
        assert_array_equal(W, W2)
    assert by_alias.loss_ == by_name.loss_
    _assert_same(by_alias, ref, X)


# ------------------------------------------------------------------ classifier


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("data", list(CLASSIFICATION))
def test_classifier(data, optimizer):
    X, y = CLASSIFICATION[data]
    ref, ours = _fit_pair("classifier", optimizer, X, y, max_iter=20)
    assert ours.out_activation_ == (
        "softmax" if data.startswith("multiclass") else "logistic"
    )
    _assert_same(ours, ref, X)


# ------------------------------------------------------------------- regressor


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "lbfgs"])
def test_regressor(optimizer):
    ref, ours = _fit_pair("regressor", optimizer, X_REG, Y_REG, max_iter=20)
    _assert_same(ours, ref, X_REG)


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_regressor_poisson(optimizer):
    ref, ours = _fit_pair(
        "regressor", optimizer, X_REG, Y_POISSON, loss="poisson", max_iter=20
    )
    assert ours.out_activation_ == "exp"
    assert np.all(ours.predict(X_REG) > 0)
    _assert_same(ours, ref, X_REG)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_multi_output_regressor_same_weights(optimizer):
    """scikit-learn's gradient is kept, so the weights agree; the reported loss
    sums the squared error over outputs where scikit-learn averages it."""
    ref, ours = _fit_pair("regressor", optimizer, X_MO, Y_MO, max_iter=20)
    assert ours.n_outputs_ == 3
    _assert_same(ours, ref, X_MO, same_loss=False)
    assert ours.loss_ > ref.loss_
    assert all(a > b for a, b in zip(ours.loss_curve_, ref.loss_curve_, strict=True))


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_multi_output_loss_is_n_outputs_times_sklearn_without_penalty(optimizer):
    """With alpha=0 the loss is the data term only: exactly n_outputs times."""
    ref, ours = _fit_pair("regressor", optimizer, X_MO, Y_MO, max_iter=15, alpha=0.0)
    _assert_same(ours, ref, X_MO, same_loss=False)
    assert_allclose(ours.loss_, 3 * ref.loss_, rtol=RTOL)
    assert_allclose(ours.loss_curve_, 3 * np.asarray(ref.loss_curve_), rtol=RTOL)


def _sklearn_initial_weights(layer_units, seed, activation="relu"):
    """scikit-learn's initialization, written out: W0, b0, W1, b1, ... uniform."""
    rs = np.random.RandomState(seed)
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:], strict=True):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rs.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rs.uniform(-bound, bound, fan_out))
    return coefs, intercepts


def test_multi_output_loss_formula_at_initial_weights():
    """One full-batch epoch: loss_ is evaluated at the shared initial weights, so
    both documented formulas can be checked term by term."""
    alpha = 0.01
    ref, ours = _fit_pair(
        "regressor", "sgd", X_MO, Y_MO, max_iter=1, shuffle=False, alpha=alpha
    )
    coefs, intercepts = _sklearn_initial_weights([8, 16, 3], seed=0)
    hidden = np.maximum(X_MO @ coefs[0] + intercepts[0], 0)
    sq = (Y_MO - hidden @ coefs[1] - intercepts[1]) ** 2
    n = X_MO.shape[0]
    l2 = 0.5 * alpha * sum((W**2).sum() for W in coefs) / n
    assert_allclose(ref.loss_, 0.5 * sq.mean() + l2, rtol=1e-9)
    assert_allclose(ours.loss_, 0.5 * sq.sum(axis=1).mean() + l2, rtol=1e-9)
    _assert_weights(ours, ref)


@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_initial_weights_are_sklearn_scheme(activation):
    """The drawn weights themselves, seen after one sgd epoch at a learning rate
    of 1e-300 (which leaves them unchanged)."""
    ours = _fit(
        skweights.MLPRegressor(
            hidden_layer_sizes=(16, 4),
            activation=activation,
            optimizer="sgd",
            learning_rate_init=1e-300,
            max_iter=1,
            random_state=7,
        ),
        X_REG,
        Y_REG,
    )
    coefs, intercepts = _sklearn_initial_weights([8, 16, 4, 1], 7, activation)
    for W, W_ref in zip(
        ours.coefs_ + ours.intercepts_, coefs + intercepts, strict=True
    ):
        assert_allclose(W, W_ref, rtol=1e-15)


# ----------------------------------------------------------------- data layouts


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_float32_stays_float32(kind, optimizer):
    if kind == "classifier":
        X, y = X_DIGITS.astype(np.float32), Y_DIGITS
    else:
        X, y = X_REG.astype(np.float32), Y_REG.astype(np.float32)
    ref, ours = _fit_pair(kind, optimizer, X, y, max_iter=15)
    assert all(W.dtype == np.float32 for W in ref.coefs_ + ref.intercepts_)
    assert all(W.dtype == np.float32 for W in ours.coefs_ + ours.intercepts_)
    _assert_same(ours, ref, X, rtol=1e-5)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "lbfgs"])
def test_sparse_csr_input(optimizer):
    X = sp.csr_matrix(X_DIGITS)
    ref, ours = _fit_pair("classifier", optimizer, X, Y_DIGITS, max_iter=15)
    _assert_same(ours, ref, X)
    dense = _fit(_pair("classifier", optimizer, max_iter=15)[1], X_DIGITS, Y_DIGITS)
    _assert_weights(ours, dense)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_sample_weight(kind, optimizer):
    if kind == "classifier":
        X, y, sw = X_DIGITS, Y_BINARY, SAMPLE_WEIGHT
    else:
        X, y, sw = X_REG, Y_REG, SAMPLE_WEIGHT[: X_REG.shape[0]]
    ref, ours = _fit_pair(kind, optimizer, X, y, sample_weight=sw, max_iter=15)
    _assert_same(ours, ref, X)
    unweighted = _fit(_pair(kind, optimizer, max_iter=15)[1], X, y)
    assert not np.allclose(unweighted.coefs_[0], ours.coefs_[0])


# ------------------------------------------------------------------ architecture


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_activation(activation, optimizer):
    ref, ours = _fit_pair(
        "classifier", optimizer, X_IRIS, Y_IRIS, activation=activation, max_iter=20
    )
    _assert_same(ours, ref, X_IRIS)


@pytest.mark.parametrize("hidden_layer_sizes", [(), (5,), (8, 4)])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_hidden_layer_sizes(kind, hidden_layer_sizes):
    X, y = (X_IRIS, Y_IRIS) if kind == "classifier" else (X_REG, Y_REG)
    ref, ours = _fit_pair(
        kind, "adam", X, y, hidden_layer_sizes=hidden_layer_sizes, max_iter=20
    )
    assert ours.n_layers_ == len(hidden_layer_sizes) + 2
    _assert_same(ours, ref, X)


# ------------------------------------------------------------------ sgd options


@pytest.mark.parametrize(
    "params",
    [
        dict(learning_rate="invscaling", learning_rate_init=0.05, power_t=0.3),
        dict(learning_rate="constant", nesterovs_momentum=False),
        dict(learning_rate="constant", momentum=0.0),
        dict(learning_rate="constant", learning_rate_init=0.05, batch_size=7),
        dict(learning_rate="constant", shuffle=False),
    ],
    ids=["invscaling", "no_nesterov", "no_momentum", "batch_size_7", "no_shuffle"],
)
def test_sgd_options(params):
    ref, ours = _fit_pair("classifier", "sgd", X_IRIS, Y_IRIS, max_iter=20, **params)
    _assert_same(ours, ref, X_IRIS)


def test_sgd_adaptive_learning_rate_decays_and_stops():
    """A huge tol makes every epoch a plateau: the rate is divided by 5 every
    n_iter_no_change + 1 epochs until it falls below 1e-6 and training stops."""
    params = dict(learning_rate="adaptive", learning_rate_init=0.01)
    params.update(tol=100.0, n_iter_no_change=2, max_iter=30)
    ref, ours = _fit_pair("classifier", "sgd", X_IRIS, Y_IRIS, **params)
    assert ref.n_iter_ < 30
    _assert_same(ours, ref, X_IRIS)
    assert_allclose(ours._optimizer_state.lr, ref._optimizer.learning_rate, rtol=RTOL)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_batch_size_and_no_shuffle(optimizer):
    ref, ours = _fit_pair(
        "regressor", optimizer, X_REG, Y_REG, batch_size=7, shuffle=False, max_iter=10
    )
    _assert_same(ours, ref, X_REG)


# --------------------------------------------------------------- early stopping


@pytest.mark.parametrize(
    "kind, optimizer, learning_rate_init",
    [
        ("classifier", "sgd", 0.05),
        ("classifier", "adam", 0.01),
        ("regressor", "sgd", 0.01),
        ("regressor", "adam", 0.01),
    ],
)
def test_early_stopping(kind, optimizer, learning_rate_init):
    """Binary classifier (stratified split in both) and regressor. The fits stop
    before max_iter, a few epochs after their best one, whose weights are kept."""
    X, y = (X_DIGITS, Y_BINARY) if kind == "classifier" else (X_REG, Y_REG)
    params = dict(early_stopping=True, n_iter_no_change=2, max_iter=30)
    ref, ours = _fit_pair(
        kind, optimizer, X, y, learning_rate_init=learning_rate_init, **params
    )
    assert len(ref.validation_scores_) == ref.n_iter_ < 30
    assert np.argmax(ref.validation_scores_) < ref.n_iter_ - 1
    assert ours.best_loss_ is None
    _assert_same(ours, ref, X)


# ---------------------------------------------------- warm start and partial_fit


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_warm_start_second_fit(kind, optimizer):
    X, y = (X_IRIS, Y_IRIS) if kind == "classifier" else (X_REG, Y_REG)
    ref, ours = _fit_pair(kind, optimizer, X, y, warm_start=True, max_iter=10)
    _assert_same(ours, ref, X)
    ref.set_params(max_iter=7)
    ours.set_params(max_iter=7)
    _fit(ref, X, y)
    _fit(ours, X, y)
    if optimizer != "lbfgs":
        assert ref.t_ == 17 * X.shape[0]
        assert len(ref.loss_curve_) == 17
    _assert_same(ours, ref, X)


def test_first_partial_fit_matches_sklearn_classifier():
    ref, ours = _pair("classifier", "adam")
    classes = np.unique(Y_DIGITS)
    ref.partial_fit(X_DIGITS, Y_DIGITS, classes=classes)
    ours.partial_fit(X_DIGITS, Y_DIGITS, classes=classes)
    assert ref.n_iter_ == 1
    _assert_same(ours, ref, X_DIGITS)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_first_partial_fit_matches_sklearn_regressor(optimizer):
    ref, ours = _pair("regressor", optimizer, batch_size=20)
    sw = SAMPLE_WEIGHT[: X_REG.shape[0]]
    ref.partial_fit(X_REG, Y_REG, sample_weight=sw)
    ours.partial_fit(X_REG, Y_REG, sample_weight=sw)
    assert ref.t_ == X_REG.shape[0]
    _assert_same(ours, ref, X_REG)
