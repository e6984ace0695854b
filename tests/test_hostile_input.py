"""Hostile input through fit, partial_fit, predict, predict_proba and score.

Property: for random shapes, dtypes, extreme values, sparse formats, sample
weights and parameter combinations, every call either succeeds (finite weights,
predictions of the right shape and dtype) or raises ValueError/TypeError with a
message naming the problem, never another exception type, a numpy warning on
ordinary data, or NaN weights. ``max_iter`` stays small so nothing can hang.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import (
    ConvergenceWarning,
    DataConversionWarning,
    NotFittedError,
    UndefinedMetricWarning,
)

from skweights import MLPClassifier, MLPRegressor
from skweights.exceptions import DivergenceError, GradientWarning
from skweights.optimizers import OPTIMIZERS

SETTINGS = settings(
    max_examples=600,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

INITS = ["sklearn", "glorot_uniform", "he_normal", "lecun_normal", "orthogonal"]
INITS += ["identity", "sparse", "zeros", "ones", "truncated_normal", "torch_linear"]
PENALTIES = [None, "none", "l2", "l1", "elasticnet"]
CONSTRAINTS = [None, None, None, "max_norm", "unit_norm", "non_neg", "min_max_norm"]
ACTIVATIONS = ["relu", "tanh", "logistic", "identity", "leaky_relu", "elu", "softplus"]
#: initializers that give every hidden unit the same incoming weights (a warning)
SYMMETRIC_INITS = {"zeros", "ones", "sparse", "identity"}

#: what a message must say for each problem an input can have
MESSAGES = {
    "no_samples": r"0 sample",
    "no_features": r"0 feature",
    "nan": r"NaN",
    "inf": r"infinity|too large",
    "complex": r"[Cc]omplex",
    "extreme": r"diverged|non-finite|infinity|too large|beyond the range",
    "sw_negative": r"sample_weight must be non-negative",
    "sw_nan": r"sample_weight contains NaN",
    "sw_inf": r"sample_weight contains infinity",
    "sw_all_zero": r"at least one non-zero",
    "sw_zero_batch": r"sample weights sum to zero",
    "sw_length": r"sample_weight\.shape|expected \(\d+,\)|0 sample",
    "sw_large": r"sample_weight contains infinity or a value too large",
    "poisson_negative": r"non-negative y",
    "continuous": r"Unknown label type",
    "early_stopping": (
        r"validation set is too small|test_size|train_size|least populated class"
        r"|should be greater|resulting train set will be empty"
    ),
    "partial_fit_early_stopping": r"partial_fit does not support early_stopping",
    "lbfgs_projection": r"L-BFGS takes no separate steps",
}


# ------------------------------------------------------------------ strategies


@st.composite
def _X(draw, n_samples, n_features):
    """A feature matrix and the problems it carries."""
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    X = rng.randn(n_samples, n_features)
    problems = set()
    if n_samples and n_features and draw(st.booleans()):
        for value in draw(
            st.lists(
                st.sampled_from(
                    [np.nan, np.inf, -np.inf, 1e300, -1e300, 5e-324, "constant"]
                ),
                min_size=1,
                max_size=2,
            )
        ):
            if isinstance(value, str):
                X[:, draw(st.integers(0, n_features - 1))] = 3.0
            else:
                i = draw(st.integers(0, n_samples - 1))
                j = draw(st.integers(0, n_features - 1))
                X[i, j] = value
    dtype = draw(
        st.sampled_from(
            ["float64", "float32", "float64", "float16", "int64", "float64", "bool"]
            + ["float32", "object", "float64", "complex"]
        )
    )
    with np.errstate(over="ignore", invalid="ignore"):
        if dtype in ("int64", "bool"):
            X = np.nan_to_num(X, posinf=7, neginf=-7)
            X = (X > 0) if dtype == "bool" else np.round(X).astype(np.int64)
        elif dtype in ("float32", "float16"):
            X = X.astype(dtype)  # 1e300 becomes inf here
    if np.issubdtype(X.dtype, np.floating):
        problems |= {"nan"} if np.isnan(X).any() else set()
        problems |= {"inf"} if np.isinf(X).any() else set()
        finite = X[np.isfinite(X)].astype(np.float64)
        problems |= {"extreme"} if (np.abs(finite) > 1e30).any() else set()
    if dtype == "object":
        X = X.astype(object)
    elif dtype == "complex":
        X = X.astype(complex)
        problems.add("complex")
    fmt = draw(st.sampled_from([None, None, "csr", "csc", "coo", "lil", "dok"]))
    if fmt is not None and X.dtype.kind in "fib" and X.dtype != np.float16:
        X = _sparse(X, fmt)
    return X, problems


def _sparse(X, fmt):
    return sp.csr_matrix(X).asformat(fmt)


@st.composite
def _y(draw, classifier, n_samples, loss):
    """A target, the problems it carries, and whether it is a column vector."""
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    problems = set()
    if classifier:
        kind = draw(
            st.sampled_from(
                ["int", "str", "bool", "int", "float", "multilabel", "str"]
                + ["multilabel", "continuous"]
            )
        )
        n_classes = draw(st.integers(1, 2 if kind == "bool" else 4))
        if kind == "multilabel":
            return rng.randint(2, size=(n_samples, n_classes + 1)), problems, False
        labels = rng.randint(n_classes, size=n_samples)
        y = {
            "int": labels * 3 - 2,
            "str": np.array(["cat", "dog", "eel", "fox"])[labels],
            "bool": labels.astype(bool),
            "float": labels.astype(float),
            "continuous": labels / 2 + 0.25,
        }[kind]
        if kind == "continuous" and n_samples:
            problems.add("continuous")
    else:
        n_outputs = draw(st.sampled_from([1, 1, 2]))
        y = rng.randn(n_samples, n_outputs)
        if loss == "poisson":
            y = np.abs(y) if draw(st.booleans()) else y
            problems |= {"poisson_negative"} if (y < 0).any() else set()
        scale = draw(st.sampled_from([1.0, 1.0, 1e-300, 1e300]))
        y = y * scale
        if scale > 1 and n_samples:
            problems.add("extreme")
        if n_samples and not draw(st.integers(0, 3)):
            value = draw(st.sampled_from([np.nan, np.inf, 5e-324, -1e300]))
            y[draw(st.integers(0, n_samples - 1)), 0] = value
            if value == -1e300:
                problems.add("extreme")
                problems |= {"poisson_negative"} if loss == "poisson" else set()
            elif not np.isfinite(value):
                problems.add("nan" if np.isnan(value) else "inf")
        dtype = draw(st.sampled_from(["float64", "float32", "int64"]))
        with np.errstate(over="ignore", invalid="ignore"):
            if (
                dtype == "int64"
                and np.isfinite(y).all()
                and np.abs(y).max(initial=0) < 1e9
            ):
                y = np.round(y).astype(np.int64)
            elif dtype == "float32":
                y = y.astype(np.float32)
                problems |= {"inf"} if np.isinf(y).any() else set()
        if n_outputs == 1:
            y = y[:, 0]
    column = y.ndim == 1 and draw(st.booleans())
    if column:
        y = y.reshape(-1, 1)
    return y, problems, column


@st.composite
def _sample_weight(draw, n_samples):
    kind = draw(
        st.sampled_from(
            [None, None, "ones", "some_zero", "all_zero", "negative", "nan", "inf"]
            + ["wrong_length", "int", "large", "scalar", None, None, None, None]
        )
    )
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    problems = set()
    if kind is None:
        return None, problems
    sw = rng.rand(n_samples) + 0.1
    if kind == "ones":
        sw = np.ones(n_samples)
    elif kind == "some_zero":
        sw[rng.rand(n_samples) < 0.5] = 0
        problems |= {"sw_zero_batch", "sw_all_zero", "early_stopping"}
    elif kind == "all_zero":
        sw[:] = 0
        problems.add("sw_all_zero")
    elif kind == "negative" and n_samples:
        sw[rng.randint(n_samples)] = -1.0
        problems.add("sw_negative")
    elif kind == "nan" and n_samples:
        sw[rng.randint(n_samples)] = np.nan
        problems.add("sw_nan")
    elif kind == "inf" and n_samples:
        sw[rng.randint(n_samples)] = np.inf
        problems.add("sw_inf")
    elif kind == "wrong_length":
        sw = np.ones(max(n_samples + draw(st.sampled_from([-1, 1, 5])), 0))
        problems.add("sw_length")
    elif kind == "int":
        sw = rng.randint(1, 5, size=n_samples)
    elif kind == "large":
        sw = sw * 1e300
        problems.add("sw_large")  # beyond float32, when X is float32
    elif kind == "scalar":
        sw = 2.0
    return sw, problems


@st.composite
def cases(draw, cls=None):
    if cls is None:
        cls = draw(st.sampled_from([MLPClassifier, MLPRegressor]))
    classifier = cls is MLPClassifier
    n_samples = draw(st.sampled_from([0, 1, 2, 3, 5, 8, 13, 30]))
    n_features = draw(st.sampled_from([0, 1, 1, 2, 3, 5]))
    params = {
        "hidden_layer_sizes": draw(st.sampled_from([(3,), (2,), (4, 3), 1])),
        "activation": draw(st.sampled_from(ACTIVATIONS)),
        "optimizer": draw(st.sampled_from(sorted(OPTIMIZERS))),
        "init": draw(st.sampled_from(INITS)),
        "penalty": draw(st.sampled_from(PENALTIES)),
        "constraint": draw(st.sampled_from(CONSTRAINTS)),
        "batch_size": draw(st.sampled_from(["auto", 1, 4, 100])),
        "early_stopping": not draw(st.integers(0, 3)),
        "alpha": draw(st.sampled_from([0.0, 1e-4, 1.0])),
        "max_iter": draw(st.integers(1, 3)),
        "random_state": draw(st.integers(0, 5)),
    }
    loss = None
    if not classifier:
        loss = params["loss"] = draw(st.sampled_from(["squared_error", "poisson"]))
    X, x_problems = draw(_X(n_samples, n_features))
    y, y_problems, column = draw(_y(classifier, n_samples, loss))
    sw, sw_problems = draw(_sample_weight(n_samples))
    problems = x_problems | y_problems | sw_problems
    if n_samples == 0:
        problems.add("no_samples")
    if n_features == 0:
        problems.add("no_features")
    if params["early_stopping"]:
        problems.add("early_stopping")
    if params["optimizer"] in ("lbfgs", "l-bfgs") and params["constraint"] not in (
        None,
        "non_neg",
    ):
        problems.add("lbfgs_projection")
    incremental = draw(st.booleans())
    if incremental and params["early_stopping"]:
        problems.add("partial_fit_early_stopping")
    return {
        "cls": cls,
        "params": params,
        "X": X,
        "y": y,
        "sample_weight": sw,
        "problems": problems,
        "column": column,
        "incremental": incremental,
    }


# -------------------------------------------------------------------- checking


def _allowed_warnings(case):
    """The warnings a case may raise, as (category, message regex) pairs."""
    params, problems = case["params"], case["problems"]
    allowed = [
        (ConvergenceWarning, ""),
        (GradientWarning, ""),  # diagnostics of deep-ish nets on noise
        (UserWarning, "batch_size"),  # batch_size larger than the training set
    ]
    if params["init"] in SYMMETRIC_INITS:
        allowed.append((UserWarning, "same incoming weights"))
    if case["column"]:
        allowed.append((DataConversionWarning, "column-vector y"))
    n = case["X"].shape[0]
    if n < 2 or params["early_stopping"]:
        allowed.append((UndefinedMetricWarning, "R\\^2 score is not well-defined"))
    if problems & {"extreme", "inf", "sw_large"} or params["alpha"] >= 1.0:
        # data beyond the range in which float arithmetic stays finite: numpy says
        # so on its way to the DivergenceError (see test_diverging_fit_is_silent)
        allowed.append((RuntimeWarning, "overflow|invalid value|divide by zero"))
    return allowed


def _check_warnings(records, case):
    allowed = _allowed_warnings(case)
    for record in records:
        ok = any(
            issubclass(record.category, category)
            and re.search(pattern, str(record.message))
            for category, pattern in allowed
        )
        assert ok, (
            f"unexpected {record.category.__name__}: {record.message} "
            f"({record.filename}:{record.lineno})"
        )


def _check_error(exc, case):
    """An error must be a ValueError/TypeError whose message names a problem."""
    assert isinstance(exc, (ValueError, TypeError)), f"{type(exc).__name__}: {exc}"
    message = str(exc)
    patterns = [MESSAGES[p] for p in case["problems"]]
    if case["cls"] is MLPClassifier and case["problems"] & {"sw_zero_batch"}:
        patterns.append(MESSAGES["early_stopping"])
    assert any(re.search(p, message) for p in patterns), (
        f"{type(exc).__name__} for problems {sorted(case['problems'])}: {message}"
    )
    if isinstance(exc, DivergenceError):
        assert case["problems"] & {"extreme", "inf", "sw_zero_batch"} or (
            case["params"]["alpha"] >= 1.0
        ), message


def _check_fitted(est, X, case):
    weights = est.coefs_ + est.intercepts_
    assert all(np.isfinite(w).all() for w in weights), "non-finite weights"
    n = X.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):  # weights x extreme X
        y_pred = est.predict(X)
    if isinstance(est, MLPClassifier):
        proba = est.predict_proba(X)
        multilabel = est._label_binarizer.y_type_.startswith("multilabel")
        n_classes = len(est.classes_)
        assert proba.shape == (n, n_classes)
        assert proba.dtype in (np.float32, np.float64)
        if "extreme" not in case["problems"]:
            assert np.isfinite(proba).all()
            assert ((proba >= 0) & (proba <= 1)).all()
            if not multilabel:
                assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
        if multilabel:
            assert y_pred.shape == (n, n_classes)
        else:
            assert y_pred.shape == (n,)
            assert y_pred.dtype == est.classes_.dtype
            assert np.isin(y_pred, est.classes_).all()
    else:
        expected = (n,) if est.n_outputs_ == 1 else (n, est.n_outputs_)
        assert y_pred.shape == expected
        assert y_pred.dtype in (np.float32, np.float64)
        if "extreme" not in case["problems"]:
            assert np.isfinite(y_pred).all()
    y = case["y"]
    sw = case["sample_weight"]
    sw = sw if isinstance(sw, np.ndarray) and sw.shape == (n,) else None
    with np.errstate(over="ignore", invalid="ignore"):
        score = est.score(X, y, sample_weight=sw)
    assert isinstance(score, float)


def _run(case):
    cls, params = case["cls"], case["params"]
    est = cls(**params)
    X, y, sw = case["X"], case["y"], case["sample_weight"]
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        try:
            if case["incremental"] and hasattr(est, "partial_fit"):
                kwargs = {}
                if cls is MLPClassifier:
                    multilabel = y.ndim == 2 and y.shape[1] > 1
                    kwargs["classes"] = (
                        np.arange(y.shape[1]) if multilabel else np.unique(y)
                    )
                est.partial_fit(X, y, sample_weight=sw, **kwargs)
                est.partial_fit(X, y, sample_weight=sw)
            else:
                est.fit(X, y, sample_weight=sw)
        except Exception as exc:  # noqa: BLE001 - the property inspects it
            _check_error(exc, case)
            if not hasattr(est, "coefs_"):
                with pytest.raises(NotFittedError):
                    est.predict(np.zeros((1, 1)))
            else:  # a DivergenceError keeps the last finite epoch
                assert isinstance(exc, DivergenceError)
                assert all(np.isfinite(w).all() for w in est.coefs_ + est.intercepts_)
        else:
            _check_fitted(est, X, case)
    _check_warnings(records, case)


@SETTINGS
@given(case=cases(MLPClassifier))
def test_classifier_on_hostile_input(case):
    _run(case)


@SETTINGS
@given(case=cases(MLPRegressor))
def test_regressor_on_hostile_input(case):
    _run(case)


# ----------------------------------------------------- what the property found


def test_sparse_multi_output_y_is_densified_for_regression():
    rng = np.random.RandomState(0)
    X, y = rng.randn(12, 3), rng.randn(12, 2)
    reg = MLPRegressor(hidden_layer_sizes=(3,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sparse = reg.fit(X, sp.csr_matrix(y)).predict(X)
        dense = reg.fit(X, y).predict(X)
    assert_array_equal(sparse, dense)


@pytest.mark.parametrize("value", [1e39, 1e300])
def test_y_beyond_float32_range_of_x_is_rejected(value):
    X = np.random.RandomState(0).randn(10, 2).astype(np.float32)
    y = np.r_[np.zeros(9), value]
    reg = MLPRegressor(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with pytest.raises(ValueError, match="beyond the range of float32.*float64"):
        reg.fit(X, y)
    assert not hasattr(reg, "coefs_")


@pytest.mark.parametrize(
    "labels",
    [np.array(["a", 1] * 5, dtype=object), np.array(["a", None] * 5, dtype=object)],
    ids=["str_and_int", "str_and_none"],
)
def test_mixed_label_types_raise_a_clear_type_error(labels):
    X = np.random.RandomState(0).randn(10, 2)
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2)
    with pytest.raises(TypeError, match="mixes labels of types"):
        clf.fit(X, labels)
    with pytest.raises(TypeError, match="y mixes labels of types"):
        clf.partial_fit(X, labels, classes=np.unique(labels[labels == "a"]))
    assert not hasattr(clf, "classes_")
    with pytest.raises(ValueError, match="Mix of label input types"):
        clf.partial_fit(X, np.ones(10, dtype=int), classes=[1, "a"])
    assert not hasattr(clf, "classes_")


def test_failed_first_partial_fit_leaves_the_estimator_unfitted():
    # classes_ used to stay behind when fitting the labels failed, so predict
    # raised AttributeError (coefs_) instead of NotFittedError.
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2)
    with pytest.raises(ValueError, match="0 samples"):
        clf.partial_fit(np.zeros((0, 2)), np.zeros((0, 2), dtype=int), classes=[0, 1])
    assert not hasattr(clf, "classes_")
    with pytest.raises(NotFittedError):
        clf.predict(np.zeros((1, 2)))


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_single_class_predict_proba_has_one_column_per_class(optimizer):
    X = np.random.RandomState(0).randn(10, 2)
    clf = MLPClassifier((3,), optimizer=optimizer, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, np.full(10, "only"))
    assert_array_equal(clf.classes_, ["only"])
    assert_array_equal(clf.predict_proba(X), np.ones((10, 1)))
    assert_array_equal(clf.predict_log_proba(X), np.zeros((10, 1)))
    assert_array_equal(clf.predict(X), np.full(10, "only"))


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_minibatch_of_zero_weight_raises_value_error(cls):
    # Today: a clear ValueError instead of numpy's ZeroDivisionError; see
    # test_minibatches_of_zero_weight_are_skipped for the intended behaviour.
    X = np.random.RandomState(0).randn(10, 3)
    y = np.arange(10) % 2
    sw = np.r_[0.0, 0.0, np.ones(8)]
    est = cls(hidden_layer_sizes=(3,), batch_size=1, shuffle=False, max_iter=2)
    try:
        est.fit(X, y, sample_weight=sw)
    except ValueError as exc:
        assert "sum to zero" in str(exc)
    else:  # once zero-weight batches are skipped
        assert all(np.isfinite(w).all() for w in est.coefs_)


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_minibatches_of_zero_weight_are_skipped(cls):
    X = np.random.RandomState(0).randn(10, 3)
    y = np.arange(10) % 2
    sw = np.r_[0.0, 0.0, np.ones(8)]
    params = dict(hidden_layer_sizes=(3,), shuffle=False, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = cls(batch_size=1, **params).fit(X, y, sample_weight=sw)
    assert all(np.isfinite(w).all() for w in weighted.coefs_ + weighted.intercepts_)


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
@pytest.mark.parametrize("value", [1e308, 5e-324], ids=["sum_overflows", "denormal"])
def test_sample_weight_of_unusable_scale_is_rejected(optimizer, value):
    X = np.random.RandomState(0).randn(10, 3)
    y = np.arange(10) % 2
    clf = MLPClassifier((3,), optimizer=optimizer, max_iter=2, random_state=0)
    with pytest.raises(ValueError, match="sample_weight"):
        clf.fit(X, y, sample_weight=np.full(10, value))


def test_partial_fit_of_lbfgs_is_an_attribute_error_that_says_why():
    # scikit-learn's protocol: hasattr(est, "partial_fit") is False for L-BFGS.
    clf = MLPClassifier(optimizer="lbfgs")
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError) as excinfo:
        clf.partial_fit(np.zeros((2, 1)), [0, 1], classes=[0, 1])
    assert "not stochastic" in str(excinfo.value.__cause__)


@pytest.mark.parametrize("fmt", ["coo", "lil", "dok", "bsr", "dia"])
def test_other_sparse_formats_are_converted(fmt):
    rng = np.random.RandomState(0)
    X = sp.random(12, 4, density=0.5, format="csr", random_state=rng)
    y = np.arange(12) % 3
    params = dict(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = MLPClassifier(**params).fit(X, y)
        other = MLPClassifier(**params).fit(X.asformat(fmt), y)
    for a, b in zip(reference.coefs_, other.coefs_, strict=True):
        assert_array_equal(a, b)
    assert_array_equal(other.predict_proba(X.asformat(fmt)), reference.predict_proba(X))


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_diverging_fit_is_silent(optimizer):
    X = np.random.RandomState(0).randn(10, 3)
    y = np.random.RandomState(1).randn(10) * 1e300
    reg = MLPRegressor(hidden_layer_sizes=(3,), optimizer=optimizer, max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            reg.fit(X, y)
        except DivergenceError:
            pass  # the stochastic loop rolls back; L-BFGS may stop where it is
    assert all(np.isfinite(w).all() for w in reg.coefs_ + reg.intercepts_)


@pytest.mark.parametrize(
    "y, dtype",
    [
        (np.array(["a", "b"] * 5), "<U1"),
        (np.array(["1.5", 2.0, "x"] * 3 + ["y"], dtype=object), "object"),
        (np.array([{}, 1.0] * 5, dtype=object), "object"),
        (np.arange(10).astype("datetime64[D]"), "datetime64"),
        (np.arange(10).astype("timedelta64[s]"), "timedelta64"),
    ],
    ids=["str", "object_words", "object_dict", "datetime", "timedelta"],
)
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_rejects_a_non_numeric_y_naming_its_dtype(y, dtype, loss):
    # numpy's UFuncTypeError ("ufunc 'absolute' did not contain a loop") escaped
    X = np.random.RandomState(0).randn(10, 2)
    reg = MLPRegressor(hidden_layer_sizes=(3,), loss=loss, max_iter=2, random_state=0)
    with pytest.raises(ValueError, match=f"numeric y, but y has dtype {dtype}"):
        reg.fit(X, y)
    assert not hasattr(reg, "coefs_")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, np.arange(10.0))
    weights = [w.copy() for w in reg.coefs_ + reg.intercepts_]
    for call in (reg.fit, reg.partial_fit):
        with pytest.raises(ValueError, match="numeric y"):
            call(X, y)
    for u, v in zip(weights, reg.coefs_ + reg.intercepts_, strict=True):
        assert_array_equal(u, v)


def test_regressor_converts_a_y_of_numbers_held_as_strings_or_objects():
    X = np.random.RandomState(0).randn(10, 2)
    y = np.arange(10) / 4
    params = dict(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = MLPRegressor(**params).fit(X, y).predict(X)
        for held in (y.astype(str), y.astype(object), y.astype(str).astype(object)):
            assert_array_equal(
                MLPRegressor(**params).fit(X, held).predict(X), reference
            )
    with pytest.raises(ValueError, match="y contains NaN"):
        MLPRegressor(**params).fit(X, np.append(y[:-1].astype(str), "nan"))
