"""Tests of input and parameter validation in MLPClassifier and MLPRegressor, and
of the guarantee that a failed fit or partial_fit leaves a fitted model as it was."""

import copy
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from skweights import MLPClassifier, MLPRegressor
from skweights.exceptions import DivergenceError
from skweights.optimizers import LBFGS, SGD, Adam

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
X_REG, Y_REG = X_IRIS[:, :3], X_IRIS[:, 3]

ESTIMATORS = [MLPClassifier, MLPRegressor]


def _data(cls):
    return (X_IRIS, Y_IRIS) if cls is MLPClassifier else (X_REG, Y_REG)


def _small(cls, **params):
    params = {"hidden_layer_sizes": (8,), "max_iter": 5, "random_state": 0, **params}
    return cls(**params)


def _assert_unfitted(est, X):
    assert not hasattr(est, "coefs_")
    assert not hasattr(est, "n_features_in_")
    assert not hasattr(est, "classes_")
    with pytest.raises(NotFittedError):
        est.predict(X)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_x_raises(cls, bad):
    X, y = _data(cls)
    X = X.copy()
    X[3, 1] = bad
    est = _small(cls)
    with pytest.raises(ValueError, match="NaN|infinity"):
        est.fit(X, y)
    _assert_unfitted(est, X)
    fitted = _small(cls).fit(*_data(cls))
    with pytest.raises(ValueError, match="NaN|infinity"):
        fitted.predict(X)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_wrong_shapes_raise(cls):
    X, y = _data(cls)
    with pytest.raises(ValueError, match="2D"):
        _small(cls).fit(X[:, 0], y)
    with pytest.raises(ValueError, match="dim 3"):
        _small(cls).fit(X.reshape(len(X), -1, 1), y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _small(cls).fit(X, y[:-1])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_feature_count_mismatch_at_predict(cls):
    X, y = _data(cls)
    est = _small(cls).fit(X, y)
    n = X.shape[1]
    with pytest.raises(ValueError, match=f"{n - 1} features.*expecting {n} features"):
        est.predict(X[:, :-1])
    if cls is MLPClassifier:
        with pytest.raises(ValueError, match=f"{n + 1} features"):
            est.predict_proba(np.hstack([X, X[:, :1]]))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_predict_before_fit_raises_not_fitted(cls):
    X, _ = _data(cls)
    with pytest.raises(NotFittedError):
        cls().predict(X)
    if cls is MLPClassifier:
        with pytest.raises(NotFittedError):
            cls().predict_proba(X)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_negative_sample_weight_raises(cls):
    X, y = _data(cls)
    sw = np.ones(len(y))
    sw[7] = -0.5
    est = _small(cls)
    with pytest.raises(ValueError, match="sample_weight"):
        est.fit(X, y, sample_weight=sw)
    _assert_unfitted(est, X)


# ----------------------------------------------------------- component names


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    "param, value, valid_name",
    [
        ("init", "glorot_unifrom", "glorot_uniform"),
        ("bias_init", "nope", "zeros"),
        ("penalty", "l3", "elasticnet"),
        ("optimizer", "adamw2", "rmsprop"),
        ("activation", "swish2", "relu"),
    ],
)
def test_unknown_component_name_lists_valid_names(cls, param, value, valid_name):
    X, y = _data(cls)
    est = _small(cls, **{param: value})
    with pytest.raises(ValueError, match=repr(value)) as excinfo:
        est.fit(X, y)
    assert valid_name in str(excinfo.value)
    _assert_unfitted(est, X)


# ---------------------------------------------------------- parameter values


@pytest.mark.parametrize(
    "cls, param, value, name",
    [
        (MLPClassifier, "alpha", -1.0, "alpha"),
        (MLPClassifier, "hidden_layer_sizes", (0,), "hidden_layer_sizes"),
        (MLPRegressor, "hidden_layer_sizes", (3, -1), "hidden_layer_sizes"),
        (MLPClassifier, "hidden_layer_sizes", 0, "hidden_layer_sizes"),
        (MLPClassifier, "learning_rate_init", 0.0, "learning_rate_init"),
        (MLPClassifier, "max_iter", 0, "max_iter"),
        (MLPClassifier, "momentum", 2.0, "momentum"),
        (MLPClassifier, "batch_size", 0, "batch_size"),
        (MLPClassifier, "validation_fraction", 1.0, "validation_fraction"),
        (MLPClassifier, "l1_ratio", 2.0, "l1_ratio"),
        (MLPClassifier, "beta_1", 1.0, "beta_1"),
        (MLPClassifier, "learning_rate", "cyclic", "learning_rate"),
        (MLPRegressor, "loss", "hinge", "loss"),
        (MLPClassifier, "init", 3.5, "init"),
        (MLPClassifier, "optimizer", Adam(beta_1=1.5), "beta_1"),
        (MLPRegressor, "optimizer", SGD(momentum=-0.1), "momentum"),
    ],
)
def test_invalid_parameter_value_names_the_parameter(cls, param, value, name):
    X, y = _data(cls)
    est = _small(cls, **{param: value})
    with pytest.raises(ValueError, match=name):
        est.fit(X, y)
    _assert_unfitted(est, X)


def test_solver_and_optimizer_must_agree():
    est = _small(MLPClassifier, solver="sgd", optimizer="lbfgs")
    with pytest.raises(ValueError, match="solver"):
        est.fit(X_IRIS, Y_IRIS)
    _assert_unfitted(est, X_IRIS)

    est = _small(MLPClassifier, solver="lbfgs").fit(X_IRIS, Y_IRIS)
    assert isinstance(est.optimizer_, LBFGS)
    same = _small(MLPClassifier, solver="sgd", optimizer="sgd").fit(X_IRIS, Y_IRIS)
    assert isinstance(same.optimizer_, SGD)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_partial_fit_with_early_stopping_raises(cls):
    X, y = _data(cls)
    kwargs = {"classes": [0, 1, 2]} if cls is MLPClassifier else {}
    est = _small(cls, early_stopping=True)
    with pytest.raises(ValueError, match="early_stopping"):
        est.partial_fit(X, y, **kwargs)
    _assert_unfitted(est, X)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_changing_hidden_layer_sizes_with_warm_start_raises(cls):
    X, y = _data(cls)
    est = _small(cls, warm_start=True).fit(X, y)
    before = _snapshot(est)
    pred = est.predict(X)
    est.set_params(hidden_layer_sizes=(5,))
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        est.fit(X, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        est.partial_fit(X, y)
    _assert_same_state(_snapshot(est), before)
    assert_array_equal(est.predict(X), pred)
    # refitting from scratch is allowed
    est.set_params(warm_start=False).fit(X, y)
    assert est.coefs_[0].shape == (X.shape[1], 5)


# ------------------------------------------------- failures keep the old model

_STATE = [
    "coefs_",
    "intercepts_",
    "loss_",
    "loss_curve_",
    "best_loss_",
    "t_",
    "n_iter_",
    "n_features_in_",
    "n_outputs_",
    "optimizer_",
    "penalty_",
    "_optimizer_state",
    "_weight_seen",
    "_no_improvement_count",
]


def _snapshot(est):
    state = {name: copy.deepcopy(getattr(est, name)) for name in _STATE}
    state["_rng"] = copy.deepcopy(est._random_state.get_state())
    state["_dict_keys"] = sorted(est.__dict__)
    if hasattr(est, "classes_"):
        state["classes_"] = est.classes_.copy()
        state["_label_binarizer"] = est._label_binarizer.classes_.copy()
    return state


def _assert_equal(a, b, path):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray), path
        assert a.dtype == b.dtype, path
        assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), path
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            _assert_equal(u, v, f"{path}[{i}]")
    else:
        assert a == b, path


def _assert_same_state(after, before):
    assert after.keys() == before.keys()
    for name in before:
        _assert_equal(after[name], before[name], name)


def _partial_fitted_classifier(optimizer):
    est = MLPClassifier(
        hidden_layer_sizes=(8,), optimizer=optimizer, batch_size=32, random_state=0
    )
    # classes 0 and 1 only
    est.partial_fit(X_IRIS[:100], Y_IRIS[:100], classes=[0, 1])
    est.partial_fit(X_IRIS[:100], Y_IRIS[:100])
    return est


def _huge(X):
    return X * 1e200


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize(
    "make_bad",
    [
        pytest.param(lambda X, y: (X[:, :3], y), id="n_features"),
        pytest.param(lambda X, y: (X, np.where(y == 1, 2, y)), id="unseen_class"),
        pytest.param(lambda X, y: (np.where(X > 2.0, np.nan, X), y), id="nan"),
        pytest.param(lambda X, y: (X, y[:-3]), id="y_length"),
        pytest.param(lambda X, y: (X, np.column_stack([y, y])), id="y_outputs"),
    ],
)
def test_failed_partial_fit_leaves_model_unchanged(optimizer, make_bad):
    est = _partial_fitted_classifier(optimizer)
    before = _snapshot(est)
    proba = est.predict_proba(X_IRIS)
    X_bad, y_bad = make_bad(X_IRIS[:100], Y_IRIS[:100])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow while diverging
        with pytest.raises(ValueError):
            est.partial_fit(X_bad, y_bad)
    _assert_same_state(_snapshot(est), before)
    assert_array_equal(est.predict_proba(X_IRIS), proba)
    # and training resumes exactly where it was
    resumed = copy.deepcopy(est).partial_fit(X_IRIS[:100], Y_IRIS[:100])
    reference = _partial_fitted_classifier(optimizer)
    reference.partial_fit(X_IRIS[:100], Y_IRIS[:100])
    for a, b in zip(
        resumed.coefs_ + resumed.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        assert_array_equal(a, b)


def test_diverging_partial_fit_goes_back_to_where_it_began():
    est = _partial_fitted_classifier("sgd")
    before = _snapshot(est)
    proba = est.predict_proba(X_IRIS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(DivergenceError, match="non-finite"):
            est.partial_fit(_huge(X_IRIS[:100]), Y_IRIS[:100])
    before["n_iter_"] = 0  # epochs the failed call completed
    # the weights and records go back; the optimizer restarts (momentum at zero)
    after = _snapshot(est)
    assert not any(v.any() for v in after.pop("_optimizer_state").velocities)
    del before["_optimizer_state"]
    _assert_same_state(after, before)
    assert_array_equal(est.predict_proba(X_IRIS), proba)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"X": "nan"}, id="nan"),
        pytest.param({"params": {"init": "nope"}}, id="bad_init"),
        pytest.param({"params": {"optimizer": Adam(beta_2=1.0)}}, id="bad_optimizer"),
        pytest.param({"params": {"alpha": -1.0}}, id="bad_alpha"),
        pytest.param({"y": "short"}, id="y_length"),
    ],
)
def test_failed_fit_keeps_the_fitted_model(cls, bad):
    X, y = _data(cls)
    est = _small(cls, max_iter=10).fit(X, y)
    before = _snapshot(est)
    pred = est.predict(X)
    X_bad = X
    if bad.get("X") == "nan":
        X_bad = X.copy()
        X_bad[0, 0] = np.nan
    y_bad = y[:-1] if bad.get("y") == "short" else y
    est.set_params(**bad.get("params", {}))
    with pytest.raises(ValueError):
        est.fit(X_bad, y_bad)
    _assert_same_state(_snapshot(est), before)
    assert_array_equal(est.predict(X), pred)
    check_is_fitted(est)


@pytest.mark.parametrize(
    "cls, X, y, params",
    [
        (MLPClassifier, _huge(X_IRIS), Y_IRIS, {"optimizer": "sgd"}),
        (
            MLPRegressor,
            X_REG * 1e3,
            Y_REG * 1e3,
            {"optimizer": "sgd", "learning_rate_init": 1e10},
        ),
    ],
    ids=["classifier_huge_x", "regressor_huge_learning_rate"],
)
def test_diverging_fit_keeps_the_last_finite_epoch(cls, X, y, params):
    est = _small(cls, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(DivergenceError, match="non-finite.*last completed epoch"):
            est.fit(X, y)
    # fitted, finite, and its records end at the last completed epoch
    assert all(np.isfinite(w).all() for w in est.coefs_ + est.intercepts_)
    assert len(est.loss_curve_) == len(est.history_) == est.n_iter_
    X_ok, y_ok = _data(cls)
    with np.errstate(over="ignore", invalid="ignore"):  # the weights are huge
        assert est.predict(X_ok[:, : X.shape[1]]).shape[0] == X_ok.shape[0]

    est = _small(cls).fit(X_ok, y_ok)
    n_before = len(est.loss_curve_)
    est.set_params(**params, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(DivergenceError, match=r"epoch \d+:.*non-finite"):
            est.fit(X[:, : X_ok.shape[1]], y)
    # a warm start keeps what it completed: records and weights agree
    assert len(est.loss_curve_) == n_before + est.n_iter_
    assert len(est.history_) == len(est.loss_curve_)
    assert all(np.isfinite(w).all() for w in est.coefs_ + est.intercepts_)
