"""Tests of MLPClassifier and MLPRegressor as estimators: tuning of components,
penalties, initialization, optimizers, incremental and warm-started fitting,
early stopping, the Poisson loss, dtypes, sparse input, verbosity and pickling."""

import pickle
import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.exceptions import NotFittedError
from sklearn.metrics import d2_tweedie_score
from sklearn.model_selection import GridSearchCV, ParameterGrid, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import shuffle as sk_shuffle
from sklearn.utils.validation import check_is_fitted

from skweights import MLPClassifier, MLPRegressor
from skweights.initializers import GlorotNormal
from skweights.optimizers import OPTIMIZERS, SGD, Adam, InvScaling, RMSprop
from skweights.penalties import L1, L2

_X_DIGITS, _Y_DIGITS = load_digits(return_X_y=True)
X_DIGITS = StandardScaler().fit_transform(_X_DIGITS[:600])
Y_DIGITS = _Y_DIGITS[:600]
X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)


def _weights(est):
    return [w.copy() for w in est.coefs_ + est.intercepts_]


def _assert_same_weights(a, b):
    assert len(a) == len(b)
    for u, v in zip(a, b, strict=True):
        assert_array_equal(u, v)


# ------------------------------------------------------------------ grid search


def _digits_pipeline(**params):
    return make_pipeline(
        StandardScaler(),
        MLPClassifier(
            hidden_layer_sizes=(32,),
            max_iter=30,
            learning_rate_init=0.01,
            random_state=0,
            **params,
        ),
    )


def _check_search(search, grid):
    candidates = list(ParameterGrid(grid))
    assert len(search.cv_results_["params"]) == len(candidates)
    for candidate in candidates:
        assert candidate in search.cv_results_["params"]
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_score_ > 0.85
    assert search.best_score_ == np.max(search.cv_results_["mean_test_score"])
    fitted_params = search.best_estimator_.get_params()
    for name, value in search.best_params_.items():
        assert fitted_params[name] == value
    check_is_fitted(search.best_estimator_)


def test_grid_search_over_init_penalty_and_alpha():
    grid = {
        "mlpclassifier__init": ["sklearn", "he_uniform", "orthogonal"],
        "mlpclassifier__penalty": ["l2", "l1"],
        "mlpclassifier__alpha": [1e-4, 1e-1],
    }
    search = GridSearchCV(_digits_pipeline(), grid, cv=3, error_score="raise")
    search.fit(_X_DIGITS[:600], Y_DIGITS)
    _check_search(search, grid)
    mlp = search.best_estimator_[-1]
    assert (
        mlp.penalty_
        == {"l2": L2(), "l1": L1()}[search.best_params_["mlpclassifier__penalty"]]
    )


def test_grid_search_over_optimizer_names_and_objects():
    grid = {
        "mlpclassifier__optimizer": ["adam", "sgd", Adam(learning_rate=0.02)],
        "mlpclassifier__learning_rate_init": [0.01, 0.03],
    }
    search = GridSearchCV(_digits_pipeline(), grid, cv=3, error_score="raise")
    search.fit(_X_DIGITS[:600], Y_DIGITS)
    _check_search(search, grid)
    # the Adam object ignores learning_rate_init: both of its candidates agree
    scores = {
        (repr(p["mlpclassifier__optimizer"]), p["mlpclassifier__learning_rate_init"]): s
        for p, s in zip(
            search.cv_results_["params"],
            search.cv_results_["mean_test_score"],
            strict=True,
        )
    }
    adam_obj = repr(Adam(learning_rate=0.02))
    assert scores[(adam_obj, 0.01)] == scores[(adam_obj, 0.03)]
    assert scores[("'adam'", 0.01)] != scores[("'adam'", 0.03)]


# ------------------------------------------------------- nested optimizer params


def test_grid_search_tunes_a_parameter_of_an_optimizer_object():
    adam = Adam(learning_rate=0.01)
    before = joblib.hash(adam)
    est = MLPClassifier(
        hidden_layer_sizes=(16,), optimizer=adam, max_iter=20, random_state=0
    )
    assert est.get_params(deep=True)["optimizer__beta_1"] == 0.9
    assert est.get_params(deep=True)["optimizer__learning_rate"] == 0.01
    grid = {"optimizer__beta_1": [0.5, 0.9], "optimizer__learning_rate": [1e-3, 1e-2]}
    search = GridSearchCV(est, grid, cv=3, error_score="raise").fit(X_IRIS, Y_IRIS)

    best = search.best_estimator_
    assert best.optimizer_.beta_1 == search.best_params_["optimizer__beta_1"]
    assert (
        best.optimizer_.learning_rate == search.best_params_["optimizer__learning_rate"]
    )
    assert best.optimizer_ is not adam
    assert best._optimizer_state.lr == best.optimizer_.learning_rate
    # the candidates really differ
    assert len(set(search.cv_results_["mean_test_score"])) > 1
    # the estimator handed to the search, and its optimizer, are untouched
    assert joblib.hash(adam) == before
    assert est.optimizer is adam
    assert not hasattr(est, "coefs_")


def test_nested_schedule_parameter_is_settable():
    est = MLPClassifier(optimizer=SGD(learning_rate=InvScaling(0.01), momentum=0.5))
    params = est.get_params(deep=True)
    assert params["optimizer__learning_rate__power_t"] == 0.5
    assert params["optimizer__learning_rate__learning_rate"] == 0.01
    assert params["optimizer__momentum"] == 0.5

    est.set_params(optimizer__learning_rate__power_t=0.25, optimizer__nesterov=False)
    assert est.optimizer.learning_rate.power_t == 0.25
    assert est.optimizer.nesterov is False

    cloned = clone(est)
    assert cloned.optimizer == est.optimizer
    assert cloned.optimizer is not est.optimizer
    assert cloned.optimizer.learning_rate is not est.optimizer.learning_rate

    est.set_params(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    est.fit(X_IRIS, Y_IRIS)
    assert est.optimizer_ == SGD(
        learning_rate=InvScaling(0.01, power_t=0.25), momentum=0.5, nesterov=False
    )
    # after 3 epochs of 150 samples: eta0 / (450 + 1) ** power_t
    assert_allclose(est._optimizer_state.lr, 0.01 / 451**0.25, rtol=1e-12)


# --------------------------------------------------------- flat params/optimizer_


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_default_components_after_fit(cls):
    X, y = X_IRIS, Y_IRIS
    est = cls(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, y)
    assert est.optimizer_ == Adam()
    assert est.penalty_ == L2()
    assert est.get_params()["optimizer"] == "adam"


def test_flat_parameters_build_the_named_optimizer():
    est = MLPClassifier(
        hidden_layer_sizes=(8,),
        optimizer="sgd",
        learning_rate="invscaling",
        learning_rate_init=0.02,
        power_t=0.3,
        momentum=0.5,
        max_iter=2,
        random_state=0,
    ).fit(X_IRIS, Y_IRIS)
    assert est.optimizer_ == SGD(
        learning_rate=InvScaling(0.02, power_t=0.3), momentum=0.5, nesterov=True
    )
    assert est.optimizer == "sgd"

    est = MLPClassifier(
        hidden_layer_sizes=(8,),
        beta_1=0.7,
        beta_2=0.99,
        epsilon=1e-6,
        learning_rate_init=0.005,
        max_iter=2,
        random_state=0,
    ).fit(X_IRIS, Y_IRIS)
    assert est.optimizer_ == Adam(
        learning_rate=0.005, beta_1=0.7, beta_2=0.99, epsilon=1e-6
    )


def test_optimizer_object_ignores_flat_parameters():
    common = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    est = MLPClassifier(
        optimizer=Adam(learning_rate=0.01),
        learning_rate_init=0.5,
        beta_1=0.1,
        **common,
    ).fit(X_IRIS, Y_IRIS)
    assert est.optimizer_ == Adam(learning_rate=0.01)
    assert est._optimizer_state.lr == 0.01
    ref = MLPClassifier(optimizer=Adam(learning_rate=0.01), **common).fit(
        X_IRIS, Y_IRIS
    )
    _assert_same_weights(_weights(est), _weights(ref))
    by_name = MLPClassifier(learning_rate_init=0.5, beta_1=0.1, **common)
    by_name.fit(X_IRIS, Y_IRIS)
    assert by_name.loss_curve_ != est.loss_curve_


# -------------------------------------------------------------------- penalties


def _sparse_problem():
    X, y = make_classification(
        n_samples=300,
        n_features=30,
        n_informative=3,
        n_redundant=0,
        shuffle=False,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


_PENALTY_OPTIMIZERS = {
    "adam": dict(optimizer="adam", learning_rate_init=0.01, max_iter=300),
    "sgd": dict(optimizer="sgd", learning_rate_init=0.1, max_iter=300),
    "lbfgs": dict(optimizer="lbfgs", max_iter=50),
}


@pytest.mark.parametrize("optimizer", list(_PENALTY_OPTIMIZERS))
def test_l1_gives_exact_zeros(optimizer):
    X, y = _sparse_problem()
    fits = {}
    for penalty in ["l1", "elasticnet", "l2"]:
        fits[penalty] = MLPClassifier(
            hidden_layer_sizes=(16,),
            penalty=penalty,
            alpha=1.0,
            random_state=0,
            **_PENALTY_OPTIMIZERS[optimizer],
        ).fit(X, y)
    zeros = {p: np.mean(est.coefs_[0] == 0.0) for p, est in fits.items()}
    assert zeros["l1"] > 0.3
    assert zeros["l2"] < 0.01
    assert zeros["l2"] < zeros["elasticnet"] < zeros["l1"]
    for est in fits.values():
        assert est.score(X, y) > 0.9
        # intercepts are never penalized
        assert np.mean(np.concatenate(est.intercepts_) == 0.0) == 0.0
    # the L1 fit keeps the informative features (the first three)
    row_norms = np.linalg.norm(fits["l1"].coefs_[0], axis=1)
    assert row_norms[:3].min() > row_norms[3:].mean()


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_no_penalty_equals_zero_alpha(optimizer):
    common = dict(
        hidden_layer_sizes=(8,), optimizer=optimizer, max_iter=10, random_state=0
    )
    none = MLPClassifier(penalty=None, alpha=0.5, **common).fit(X_IRIS, Y_IRIS)
    zero = MLPClassifier(penalty="l2", alpha=0.0, **common).fit(X_IRIS, Y_IRIS)
    strong = MLPClassifier(penalty="l2", alpha=0.5, **common).fit(X_IRIS, Y_IRIS)
    _assert_same_weights(_weights(none), _weights(zero))
    assert none.loss_ == zero.loss_
    assert not np.array_equal(none.coefs_[0], strong.coefs_[0])


# ---------------------------------------------------------------- initialization


def test_zeros_init_warns_and_hidden_units_stay_identical():
    est = MLPClassifier(
        hidden_layer_sizes=(5,),
        init="zeros",
        bias_init="ones",
        learning_rate_init=0.01,
        max_iter=20,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="symmetry"):
        est.fit(X_IRIS, Y_IRIS)
    W = est.coefs_[0]
    assert np.abs(W).max() > 1e-3  # trained, yet every hidden unit is the same
    assert_allclose(W, np.repeat(W[:, :1], W.shape[1], axis=1), rtol=1e-10)
    assert_allclose(est.intercepts_[0], est.intercepts_[0][0], rtol=1e-10)


def test_zeros_init_without_hidden_layer_does_not_warn():
    est = MLPClassifier(
        hidden_layer_sizes=(), init="zeros", learning_rate_init=0.1, max_iter=30
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        est.fit(X_IRIS, Y_IRIS)
    assert not [w for w in record if "symmetry" in str(w.message)]
    assert len(est.coefs_) == 1
    assert est.score(X_IRIS, Y_IRIS) > 0.8


def test_per_layer_init_list():
    est = MLPClassifier(
        hidden_layer_sizes=(32,),
        init=["he_uniform", "zeros"],
        bias_init="zeros",
        learning_rate_init=1e-9,
        max_iter=1,
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        est.fit(X_IRIS, Y_IRIS)
    assert not [w for w in record if "symmetry" in str(w.message)]
    # one Adam step of size ~1e-9 away from the initial values
    assert np.abs(est.coefs_[1]).max() < 1e-7
    bound = np.sqrt(6 / 4)  # He uniform with fan_in 4
    assert np.abs(est.coefs_[0]).max() <= bound + 1e-7
    assert np.abs(est.coefs_[0]).max() > 0.5 * bound
    assert np.abs(np.concatenate(est.intercepts_)).max() < 1e-7


@pytest.mark.parametrize("init", [["he_uniform"], ["he_uniform"] * 3])
def test_init_list_of_wrong_length_raises(init):
    est = MLPClassifier(hidden_layer_sizes=(8,), init=init, max_iter=1)
    with pytest.raises(ValueError, match="init"):
        est.fit(X_IRIS, Y_IRIS)
    assert not hasattr(est, "coefs_")


def test_bias_init_zeros_and_initializer_objects():
    def first_step(init, bias_init):
        return MLPClassifier(
            hidden_layer_sizes=(100,),
            init=init,
            bias_init=bias_init,
            learning_rate_init=1e-9,
            max_iter=1,
            random_state=0,
        ).fit(X_DIGITS, Y_DIGITS)

    est = first_step("sklearn", "zeros")
    assert np.abs(np.concatenate(est.intercepts_)).max() < 1e-7
    default = first_step("sklearn", "sklearn")
    assert np.abs(default.intercepts_[0]).max() > 0.05

    gain1 = first_step(GlorotNormal(), "zeros")
    gain2 = first_step(GlorotNormal(gain=2.0), "zeros")
    expected = np.sqrt(2 / (64 + 100))
    assert_allclose(gain1.coefs_[0].std(), expected, rtol=0.05)
    assert_allclose(gain2.coefs_[0].std(), 2 * expected, rtol=0.05)
    assert gain2.get_params()["init__gain"] == 2.0


# ------------------------------------------------------------------- optimizers


def test_rmsprop_learns_digits():
    est = MLPClassifier(
        hidden_layer_sizes=(32,),
        optimizer="rmsprop",
        learning_rate_init=0.005,
        max_iter=20,
        random_state=0,
    ).fit(X_DIGITS, Y_DIGITS)
    assert isinstance(est.optimizer_, RMSprop)
    assert est.optimizer_ == RMSprop(learning_rate=0.005)
    assert est.score(X_DIGITS, Y_DIGITS) > 0.9


# Adadelta is learning-rate free in Zeiler's formulation: its rate multiplies an
# already-scaled step, so it needs a rate near 1, not a usual learning rate.
LEARNING_RATES = {"adadelta": 5.0}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_name_fits(name):
    lr = LEARNING_RATES.get(name, 0.05)
    clf = MLPClassifier(
        hidden_layer_sizes=(16,),
        optimizer=name,
        learning_rate_init=lr,
        max_iter=50,
        random_state=0,
    ).fit(X_IRIS, Y_IRIS)
    assert isinstance(clf.optimizer_, OPTIMIZERS[name])
    assert clf.score(X_IRIS, Y_IRIS) > 0.8
    reg = MLPRegressor(
        hidden_layer_sizes=(16,),
        optimizer=name,
        learning_rate_init=lr,
        max_iter=50,
        random_state=0,
    ).fit(X_IRIS[:, :3], X_IRIS[:, 3])
    assert reg.score(X_IRIS[:, :3], X_IRIS[:, 3]) > 0.5


# ------------------------------------------------------------------ partial_fit


def test_partial_fit_carries_optimizer_state():
    X, y = X_DIGITS[:450], Y_DIGITS[:450]  # batches of 200, 200 and 50
    est = MLPClassifier(hidden_layer_sizes=(16,), random_state=0)
    est.partial_fit(X, y, classes=np.arange(10))
    assert est._optimizer_state.t == 3
    est.partial_fit(X, y)
    assert est._optimizer_state.t == 6
    assert est.t_ == 900
    assert len(est.loss_curve_) == 2


@pytest.mark.parametrize(
    "params",
    [
        dict(optimizer="adam"),
        dict(optimizer="sgd", learning_rate="invscaling", learning_rate_init=0.1),
        dict(optimizer="rmsprop", batch_size=64),
    ],
)
def test_partial_fit_calls_equal_fit_epochs(params):
    """Optimizer state and schedule carry over, so k calls are k epochs."""
    X, y = X_DIGITS[:300], Y_DIGITS[:300]
    common = dict(hidden_layer_sizes=(16,), shuffle=False, random_state=0, **params)
    inc = MLPClassifier(**common)
    for _ in range(3):
        inc.partial_fit(X, y, classes=np.arange(10))
    full = MLPClassifier(max_iter=3, **common).fit(X, y)
    _assert_same_weights(_weights(inc), _weights(full))
    assert inc.loss_curve_ == full.loss_curve_
    assert inc._optimizer_state.lr == full._optimizer_state.lr
    assert inc.t_ == full.t_ == 900


def test_partial_fit_is_deterministic_and_draws_a_new_permutation_per_call():
    X, y = X_DIGITS[:300], Y_DIGITS[:300]
    common = dict(hidden_layer_sizes=(16,), batch_size=32, random_state=0)
    est = MLPClassifier(**common)
    again = MLPClassifier(**common)
    for _ in range(2):
        est.partial_fit(X, y, classes=np.arange(10))
        again.partial_fit(X, y, classes=np.arange(10))
    _assert_same_weights(_weights(est), _weights(again))

    # the shuffling generator continues after drawing the initial weights and
    # from one call to the next
    rng = np.random.RandomState(0)
    for fan_in, fan_out in [(64, 16), (16, 10)]:
        rng.uniform(size=fan_in * fan_out)
        rng.uniform(size=fan_out)
    first = sk_shuffle(np.arange(300), random_state=rng)
    second = sk_shuffle(np.arange(300), random_state=rng)
    assert not np.array_equal(first, second)
    ordered = MLPClassifier(shuffle=False, **common)
    ordered.partial_fit(X[first], y[first], classes=np.arange(10))
    ordered.partial_fit(X[second], y[second])
    _assert_same_weights(_weights(est), _weights(ordered))


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_partial_fit_unavailable_for_lbfgs(cls):
    assert not hasattr(cls(optimizer="lbfgs"), "partial_fit")
    assert not hasattr(cls(solver="lbfgs"), "partial_fit")
    assert hasattr(cls(optimizer="sgd"), "partial_fit")
    assert hasattr(cls(optimizer=RMSprop()), "partial_fit")


def test_partial_fit_requires_classes_on_first_call():
    est = MLPClassifier(hidden_layer_sizes=(4,))
    with pytest.raises(ValueError, match="classes"):
        est.partial_fit(X_IRIS, Y_IRIS)
    assert not hasattr(est, "classes_")
    est.partial_fit(X_IRIS[:50], Y_IRIS[:50], classes=[0, 1, 2])
    assert_array_equal(est.classes_, [0, 1, 2])
    assert est.predict_proba(X_IRIS).shape == (150, 3)


def test_multilabel_partial_fit():
    X, Y = X_IRIS, np.column_stack([Y_IRIS == 0, Y_IRIS >= 1, Y_IRIS == 2])
    Y = Y.astype(int)
    est = MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01)
    est.set_params(random_state=0)
    est.partial_fit(X, Y, classes=[0, 1, 2])
    for _ in range(50):
        est.partial_fit(X, Y)
    assert est.out_activation_ == "logistic"
    assert est.n_outputs_ == 3
    assert est.predict(X).shape == (150, 3)
    assert est.score(X, Y) > 0.8


# ------------------------------------------------------------------- warm_start


def test_warm_start_continues_training():
    est = MLPClassifier(
        hidden_layer_sizes=(8,), max_iter=5, warm_start=True, random_state=0
    ).fit(X_IRIS, Y_IRIS)
    first = _weights(est)
    curve = list(est.loss_curve_)
    est.fit(X_IRIS, Y_IRIS)
    assert len(est.loss_curve_) == 10
    assert est.loss_curve_[:5] == curve
    assert est.loss_curve_[5] < curve[-1]
    assert not np.array_equal(est.coefs_[0], first[0])

    cold = clone(est).set_params(warm_start=False).fit(X_IRIS, Y_IRIS)
    assert len(cold.loss_curve_) == 5


def test_warm_start_with_other_classes_raises_and_keeps_model():
    est = MLPClassifier(
        hidden_layer_sizes=(8,), max_iter=5, warm_start=True, random_state=0
    ).fit(X_IRIS, Y_IRIS)
    before = _weights(est)
    proba = est.predict_proba(X_IRIS)
    with pytest.raises(ValueError, match="classes"):
        est.fit(X_IRIS[:100], Y_IRIS[:100])
    _assert_same_weights(_weights(est), before)
    assert_array_equal(est.classes_, [0, 1, 2])
    assert_array_equal(est.predict_proba(X_IRIS), proba)


# --------------------------------------------------------------- early stopping


def _sklearn_init_draws(rng, layer_units):
    for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:], strict=True):
        rng.uniform(size=fan_in * fan_out)
        rng.uniform(size=fan_out)


def test_early_stopping_restores_best_weights_on_stratified_split():
    est = MLPClassifier(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=3,
        learning_rate_init=0.05,
        max_iter=60,
        random_state=0,
    ).fit(X_IRIS, Y_IRIS)
    assert len(est.validation_scores_) == est.n_iter_
    assert len(est.loss_curve_) == est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.best_loss_ is None

    # the validation split, drawn right after the initial weights
    rng = np.random.RandomState(0)
    _sklearn_init_draws(rng, [4, 8, 3])
    _, X_val, _, y_val = train_test_split(
        X_IRIS, Y_IRIS, random_state=rng, test_size=0.2, stratify=Y_IRIS
    )
    assert_array_equal(np.bincount(y_val), [10, 10, 10])
    assert est.score(X_val, y_val) == est.best_validation_score_


def test_early_stopping_regressor():
    X, y = X_IRIS[:, :3], X_IRIS[:, 3]
    est = MLPRegressor(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        learning_rate_init=0.01,
        max_iter=40,
        random_state=0,
    ).fit(X, y)
    assert len(est.validation_scores_) == est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.best_validation_score_ > 0.5


# ---------------------------------------------------------------------- poisson


def test_poisson_regressor_fits_counts():
    rng = np.random.RandomState(0)
    X = rng.normal(scale=0.5, size=(400, 4))
    w = np.array([1.0, -0.5, 0.8, 0.0])
    y = rng.poisson(np.exp(X @ w + 0.5)).astype(float)
    est = MLPRegressor(
        loss="poisson",
        hidden_layer_sizes=(16,),
        learning_rate_init=0.01,
        max_iter=200,
        random_state=0,
    ).fit(X, y)
    assert est.out_activation_ == "exp"
    pred = est.predict(X)
    assert np.all(pred > 0)
    oracle = d2_tweedie_score(y, np.exp(X @ w + 0.5), power=1)
    assert d2_tweedie_score(y, pred, power=1) > 0.8 * oracle
    assert est.loss_curve_[-1] < 0.5 * est.loss_curve_[0]


def test_poisson_rejects_negative_targets():
    est = MLPRegressor(loss="poisson", max_iter=2)
    y = np.ones(10)
    y[3] = -1
    with pytest.raises(ValueError, match="poisson"):
        est.fit(np.ones((10, 2)), y)
    with pytest.raises(NotFittedError):
        est.predict(np.ones((2, 2)))


# ----------------------------------------------------------- dtypes and sparse


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop", "lbfgs"])
def test_float32_input_keeps_float32(optimizer):
    X = X_IRIS.astype(np.float32)
    clf = MLPClassifier(
        hidden_layer_sizes=(8,), optimizer=optimizer, max_iter=10, random_state=0
    ).fit(X, Y_IRIS)
    for w in clf.coefs_ + clf.intercepts_:
        assert w.dtype == np.float32
    assert clf.predict_proba(X).dtype == np.float32
    reg = MLPRegressor(
        hidden_layer_sizes=(8,), optimizer=optimizer, max_iter=10, random_state=0
    ).fit(X[:, :3], X[:, 3])
    for w in reg.coefs_ + reg.intercepts_:
        assert w.dtype == np.float32
    assert reg.predict(X[:, :3]).dtype == np.float32

    clf64 = clone(clf).fit(X_IRIS, Y_IRIS)
    assert clf64.coefs_[0].dtype == np.float64
    assert clf64.predict_proba(X_IRIS).dtype == np.float64


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_matches_dense(fmt):
    X = X_DIGITS[:200].copy()
    X[np.abs(X) < 0.5] = 0.0
    y = Y_DIGITS[:200]
    params = dict(hidden_layer_sizes=(16,), max_iter=10, random_state=0)
    dense = MLPClassifier(**params).fit(X, y)
    sparse = MLPClassifier(**params).fit(sp.csr_matrix(X).asformat(fmt), y)
    for a, b in zip(_weights(sparse), _weights(dense), strict=True):
        assert_allclose(a, b, rtol=1e-7, atol=1e-10)
    assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X).asformat(fmt)),
        dense.predict_proba(X),
        rtol=1e-7,
        atol=1e-10,
    )


# --------------------------------------------------------- verbose and pickling


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_verbose_prints_iterations(optimizer, capsys):
    MLPClassifier(
        hidden_layer_sizes=(4,),
        optimizer=optimizer,
        max_iter=3,
        verbose=True,
        random_state=0,
    ).fit(X_IRIS, Y_IRIS)
    out = capsys.readouterr().out
    assert "Iteration 1, loss =" in out
    assert "Iteration 3, loss =" in out
    MLPClassifier(hidden_layer_sizes=(4,), optimizer=optimizer, max_iter=3).fit(
        X_IRIS, Y_IRIS
    )
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "est",
    [
        MLPClassifier(hidden_layer_sizes=(8,), optimizer=Adam(learning_rate=0.01)),
        MLPClassifier(hidden_layer_sizes=(8,), optimizer="lbfgs", penalty="l1"),
        MLPRegressor(hidden_layer_sizes=(8,), optimizer="rmsprop", init="orthogonal"),
    ],
)
def test_pickle_round_trip_and_clone_is_unfitted(est):
    y = Y_IRIS if isinstance(est, MLPClassifier) else X_IRIS[:, 0]
    est = clone(est).set_params(max_iter=5, random_state=0).fit(X_IRIS, y)
    restored = pickle.loads(pickle.dumps(est))
    assert_array_equal(restored.predict(X_IRIS), est.predict(X_IRIS))
    _assert_same_weights(_weights(restored), _weights(est))
    assert restored.optimizer_ == est.optimizer_
    if hasattr(est, "partial_fit"):
        # the optimizer state travels with the model
        restored.partial_fit(X_IRIS, y)
        est.partial_fit(X_IRIS, y)
        _assert_same_weights(_weights(restored), _weights(est))

    cloned = clone(est)
    assert not hasattr(cloned, "coefs_")
    with pytest.raises(NotFittedError):
        cloned.predict(X_IRIS)
    assert cloned.get_params()["optimizer"] == est.get_params()["optimizer"]


def test_small_problems_train_on_one_blas_thread_and_restore_the_setting():
    from threadpoolctl import threadpool_info

    import skweights.neural_network._base as base

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    seen = []
    original = base.loss_and_gradients

    def spy(*args, **kwargs):
        seen.append(blas_threads())
        return original(*args, **kwargs)

    before = blas_threads()
    base.loss_and_gradients = spy
    try:
        MLPClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0).fit(
            X_IRIS, Y_IRIS
        )
    finally:
        base.loss_and_gradients = original
    assert seen and all(threads == [1] * len(before) for threads in seen)
    assert blas_threads() == before


# ------------------------------------------- continuing with another optimizer


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "first, then",
    [
        ("adam", "sgd"),
        ("sgd", "rmsprop"),
        ("adam", Adam(amsgrad=True)),
        (Adam(), SGD(nesterov=False)),
    ],
    ids=["adam-sgd", "sgd-rmsprop", "adam-amsgrad", "objects"],
)
def test_partial_fit_with_another_optimizer_starts_its_state_afresh(first, then):
    X, y = X_IRIS, Y_IRIS
    est = MLPClassifier(hidden_layer_sizes=(5,), optimizer=first, random_state=0)
    est.partial_fit(X, y, classes=np.unique(y))
    est.partial_fit(X, y)
    weights = [W.copy() for W in est.coefs_]
    est.set_params(optimizer=then).partial_fit(X, y)
    # the weights carry over and move on; the state is the new optimizer's after
    # its first epoch (one batch of 150 rows here)
    expected = est.optimizer_.init([np.zeros(1)])
    assert type(est._optimizer_state) is type(expected)
    if "t" in expected._fields:
        assert est._optimizer_state.t == 1
    assert not np.array_equal(est.coefs_[0], weights[0])
    assert all(np.isfinite(W).all() for W in est.coefs_)


def test_partial_fit_with_new_numbers_keeps_the_optimizer_state():
    # As in scikit-learn, the state, current learning rate included, carries
    # over when only numeric hyperparameters change between calls.
    X, y = X_IRIS, Y_IRIS
    est = MLPClassifier(hidden_layer_sizes=(5,), random_state=0)
    est.partial_fit(X, y, classes=np.unique(y))
    est.partial_fit(X, y)
    steps = est._optimizer_state.t
    est.set_params(learning_rate_init=1e-4, beta_1=0.5).partial_fit(X, y)
    assert est._optimizer_state.t == steps + 1
    assert est._optimizer_state.lr == 1e-3


def test_an_interruption_before_any_epoch_keeps_the_previous_model(monkeypatch):
    X, y = X_IRIS, Y_IRIS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = MLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
        est.fit(X, y)
    before = [a.copy() for a in est.coefs_ + est.intercepts_]
    proba = est.predict_proba(X)
    n_iter, curve = est.n_iter_, list(est.loss_curve_)

    def interrupted(self, params, grads, state):
        raise KeyboardInterrupt

    monkeypatch.setattr(Adam, "update", interrupted)
    for call in (
        lambda: est.set_params(random_state=1).fit(X, y),  # a refit
        lambda: est.set_params(warm_start=True).fit(X, y),
        lambda: est.partial_fit(X, y),
    ):
        with pytest.raises(KeyboardInterrupt):
            call()
        for a, b in zip(est.coefs_ + est.intercepts_, before, strict=True):
            assert_array_equal(a, b)
        assert est.n_iter_ == n_iter and est.loss_curve_ == curve
        assert_array_equal(est.predict_proba(X), proba)
