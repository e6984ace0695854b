"""history_, the gradient monitor, and hidden_activations."""

import inspect
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import GridSearchCV

from skweights import MLPClassifier, MLPRegressor, optimizers
from skweights._history import History
from skweights.exceptions import GradientWarning
from skweights.initializers import RandomNormal
from skweights.inspection import gradient_ratios
from skweights.neural_network._diagnostics import GradientMonitor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def manual_gradient(X, y, coefs, intercepts, alpha):
    """Squared-error gradient of a one-hidden-layer tanh network, by hand."""
    return tanh_net(X, y, coefs, intercepts, alpha)[1]


def tanh_net(X, y, coefs, intercepts, alpha):
    """Objective and gradients of a one-hidden-layer tanh regressor, by hand.

    The objective of a batch of ``n`` rows is ``mean(r**2) / 2 + alpha *
    sum(||W||**2) / (2 n)``; returns it, the weights' gradients and the
    intercepts' (which are not penalized).
    """
    n = X.shape[0]
    H = np.tanh(X @ coefs[0] + intercepts[0])
    out = H @ coefs[1] + intercepts[1]
    delta2 = out - y.reshape(-1, 1)
    delta1 = (delta2 @ coefs[1].T) * (1 - H**2)
    loss = 0.5 * np.mean(delta2**2) + 0.5 * alpha * sum(np.sum(W**2) for W in coefs) / n
    coef_grads = [
        (X.T @ delta1 + alpha * coefs[0]) / n,
        (H.T @ delta2 + alpha * coefs[1]) / n,
    ]
    return loss, coef_grads, [delta1.mean(axis=0), delta2.mean(axis=0)]


def test_history_matches_values_recomputed_by_hand():
    X, y = make_regression(40, 3, noise=1.0, random_state=0)
    X, y = X / 3, y / 100
    lr, alpha = 0.05, 0.1
    model = MLPRegressor(
        hidden_layer_sizes=(4,),
        activation="tanh",
        optimizer=optimizers.SGD(learning_rate=lr, momentum=0.0),
        alpha=alpha,
        batch_size=40,  # one batch per epoch: the epoch's gradient is one gradient
        shuffle=False,
        random_state=0,
    )
    for epoch in range(3):
        if epoch:
            before = [c.copy() for c in model.coefs_]
            b_before = [b.copy() for b in model.intercepts_]
        model.partial_fit(X, y)
        if not epoch:
            continue
        h = model.history_
        grads = manual_gradient(X, y, before, b_before, alpha)
        assert_allclose(h["grad_norm"][-1], [np.linalg.norm(g) for g in grads])
        assert_allclose(h["weight_norm"][-1], [np.linalg.norm(c) for c in model.coefs_])
        assert_allclose(
            h["update_ratio"][-1],
            [
                np.linalg.norm(c - b) / np.linalg.norm(b)
                for c, b in zip(model.coefs_, before, strict=True)
            ],
        )
        # plain SGD: the step is exactly lr times the gradient
        for c, b, g in zip(model.coefs_, before, grads, strict=True):
            assert_allclose(c, b - lr * g)
    h = model.history_
    assert len(h) == 3
    assert_array_equal(h["epoch"], [1, 2, 3])
    assert_array_equal(h["loss"], model.loss_curve_)
    assert_array_equal(h["learning_rate"], [lr] * 3)
    assert np.isnan(h["val_loss"]).all() and np.isnan(h["val_score"]).all()
    assert (h["time"] > 0).all()


def test_minibatch_epochs_replayed_by_hand():
    # 50 rows in batches of 20: three minibatches per epoch, the last one short
    X, y = make_regression(50, 3, noise=1.0, random_state=0)
    X, y = X / 3, y / 100
    lr, alpha = 0.05, 0.1
    source = MLPRegressor(hidden_layer_sizes=(4,), max_iter=1, random_state=1)
    source.fit(X, y)
    model = MLPRegressor(
        hidden_layer_sizes=(4,),
        activation="tanh",
        init=source,  # known initial weights, replayed from below
        optimizer=optimizers.SGD(learning_rate=lr, momentum=0.0),
        alpha=alpha,
        batch_size=20,
        shuffle=False,
        max_iter=2,
        random_state=0,
    ).fit(X, y)
    h = model.history_
    coefs = [c.copy() for c in source.coefs_]
    intercepts = [b.copy() for b in source.intercepts_]
    for epoch in range(2):
        start = [c.copy() for c in coefs]
        loss, squared, n_batches = 0.0, np.zeros(2), 0
        for batch in (slice(0, 20), slice(20, 40), slice(40, 50)):
            value, coef_grads, intercept_grads = tanh_net(
                X[batch], y[batch], coefs, intercepts, alpha
            )
            loss += value * len(X[batch]) / len(X)  # the epoch's loss weighs rows
            squared += [np.sum(g**2) for g in coef_grads]
            n_batches += 1
            coefs = [c - lr * g for c, g in zip(coefs, coef_grads, strict=True)]
            intercepts = [
                b - lr * g for b, g in zip(intercepts, intercept_grads, strict=True)
            ]
        assert_allclose(h["loss"][epoch], loss, rtol=1e-12)
        # the gradient norm averages the minibatches' squared norms
        assert_allclose(h["grad_norm"][epoch], np.sqrt(squared / n_batches), rtol=1e-12)
        assert_allclose(
            h["weight_norm"][epoch], [np.linalg.norm(c) for c in coefs], rtol=1e-12
        )
        assert_allclose(
            h["update_ratio"][epoch],
            [
                np.linalg.norm(c - s) / np.linalg.norm(s)
                for c, s in zip(coefs, start, strict=True)
            ],
            rtol=1e-12,
        )
    for fitted, replayed in zip(model.coefs_, coefs, strict=True):
        assert_allclose(fitted, replayed, rtol=1e-12)
    assert_array_equal(h["learning_rate"], [lr, lr])


def test_lbfgs_rows_match_the_gradient_at_the_accepted_point():
    X, y = make_regression(50, 3, noise=1.0, random_state=1)
    X, y = X / 3, y / 100
    alpha = 0.1

    def lbfgs(max_iter):
        return MLPRegressor(
            hidden_layer_sizes=(4,),
            activation="tanh",
            optimizer="lbfgs",
            alpha=alpha,
            max_iter=max_iter,
            random_state=0,
        ).fit(X, y)

    # the same run stopped one iteration earlier gives the previous point
    before, model = lbfgs(5), lbfgs(6)
    h = model.history_
    assert len(h) == model.n_iter_ == 6
    assert_array_equal(h["grad_norm"][:5], before.history_["grad_norm"])
    loss, coef_grads, _ = tanh_net(X, y, model.coefs_, model.intercepts_, alpha)
    assert_allclose(h["loss"][-1], loss, rtol=1e-12)
    assert_allclose(h["loss"][-1], model.loss_, rtol=1e-12)
    assert_allclose(h["grad_norm"][-1], [np.linalg.norm(g) for g in coef_grads])
    assert_allclose(h["weight_norm"][-1], [np.linalg.norm(c) for c in model.coefs_])
    assert_allclose(
        h["update_ratio"][-1],
        [
            np.linalg.norm(c - b) / np.linalg.norm(b)
            for c, b in zip(model.coefs_, before.coefs_, strict=True)
        ],
    )
    assert np.isnan(h["learning_rate"]).all() and np.isnan(h["val_loss"]).all()


@pytest.fixture
def validation_splits(monkeypatch):
    """The held-out parts early stopping draws, as ``(X_val, y_val)``."""
    from skweights.neural_network import _stochastic

    splits = []
    real = _stochastic.train_test_split

    def recording(*arrays, **kwargs):
        parts = real(*arrays, **kwargs)
        splits.append((parts[1], parts[3]))
        return parts

    monkeypatch.setattr(_stochastic, "train_test_split", recording)
    return splits


def test_validation_loss_recomputed_on_the_held_out_split(validation_splits):
    X, y = make_regression(120, 4, noise=5.0, random_state=0)
    X, y = X / 3, y / 100
    # fits of 1, 2, 3, 4 epochs follow the same path; while the validation score
    # rises, each keeps the weights of its last epoch
    runs = [
        MLPRegressor(
            hidden_layer_sizes=(8,),
            early_stopping=True,
            validation_fraction=0.25,
            n_iter_no_change=50,
            learning_rate_init=0.01,
            max_iter=k,
            random_state=0,
        ).fit(X, y)
        for k in range(1, 5)
    ]
    h = runs[-1].history_
    assert (np.diff(h["val_score"]) > 0).all()
    X_val, y_val = validation_splits[-1]
    assert len(X_val) == 30 and len(validation_splits) == 4
    for k, run in enumerate(runs):
        assert_array_equal(validation_splits[k][0], X_val)
        residual = y_val.ravel() - run.predict(X_val)
        assert_allclose(h["val_loss"][k], 0.5 * np.mean(residual**2), rtol=1e-12)
        assert_allclose(h["val_score"][k], r2_score(y_val.ravel(), run.predict(X_val)))
    # the data loss only: the training objective on the same weights differs
    assert not np.allclose(h["val_loss"], h["loss"])


def test_validation_log_loss_at_the_best_epoch(validation_splits):
    X, y = load_digits(return_X_y=True)
    clf = MLPClassifier(
        (16,),
        early_stopping=True,
        learning_rate_init=0.01,
        max_iter=12,
        n_iter_no_change=50,
        random_state=0,
    ).fit(X[:500] / 16, y[:500])
    h = clf.history_
    (X_val, Y_val) = validation_splits[0]
    y_val = clf.classes_[Y_val.argmax(axis=1)]  # the split holds one-hot rows
    best = int(np.argmax(h["val_score"]))
    assert 0 < best < len(h) - 1  # the weights kept are neither the first nor last
    # early stopping restores the best epoch's weights: its row is theirs
    proba = clf.predict_proba(X_val)
    assert_allclose(
        h["val_loss"][best], log_loss(y_val, proba, labels=clf.classes_), rtol=1e-12
    )
    assert h["val_score"][best] == accuracy_score(y_val, clf.predict(X_val))
    assert len(np.unique(h["val_loss"])) == len(h)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


def test_validation_columns_and_records(digits):
    X, y = digits
    model = MLPClassifier(
        (16,), early_stopping=True, max_iter=8, random_state=0, n_iter_no_change=100
    ).fit(X[:600], y[:600])
    h = model.history_
    assert len(h) == model.n_iter_ == 8
    assert_array_equal(h["val_score"], model.validation_scores_)
    # a log-loss on ten classes: positive, and below chance once the model learns
    assert (h["val_loss"] > 0).all() and h["val_loss"][-1] < np.log(10)
    assert h["val_loss"][-1] < h["val_loss"][0]
    assert h["grad_norm"].shape == h["weight_norm"].shape == (8, 2)
    assert_array_equal(h["grad_norm_1"], h["grad_norm"][:, 1])
    columns = h.to_dict()
    assert set(columns) >= {"loss", "val_loss", "grad_norm_0", "update_ratio_1"}
    assert len(columns["weight_norm_0"]) == 8


def test_history_accumulates_and_restarts(digits):
    X, y = digits
    model = MLPClassifier((8,), max_iter=3, random_state=0, warm_start=True)
    model.fit(X[:300], y[:300]).fit(X[:300], y[:300])
    assert_array_equal(model.history_["epoch"], np.arange(1, 7))
    model.set_params(warm_start=False).fit(X[:300], y[:300])
    assert len(model.history_) == 3


def test_lbfgs_records_every_iteration(digits):
    X, y = digits
    model = MLPClassifier((8,), optimizer="lbfgs", max_iter=15, random_state=0)
    model.fit(X[:300], y[:300])
    h = model.history_
    assert len(h) == model.n_iter_
    assert np.all(np.diff(h["loss"]) <= 1e-12)  # L-BFGS-B accepts descent steps
    assert_allclose(h["weight_norm"][-1], [np.linalg.norm(c) for c in model.coefs_])
    assert np.isnan(h["learning_rate"]).all()


def test_frozen_layers_record_no_gradient(digits):
    X, y = digits
    source = MLPClassifier((8, 8), max_iter=3, random_state=0).fit(X[:200], y[:200])
    model = MLPClassifier((8, 8), init=source, frozen_layers=1, max_iter=3)
    model.fit(X[:200], y[:200])
    h = model.history_
    assert (h["grad_norm_0"] == 0).all() and (h["update_ratio_0"] == 0).all()
    assert (h["grad_norm_1"] > 0).all()


def test_history_errors_and_frame():
    h = History(2)
    h.append(epoch=1, loss=0.5, grad_norm=[1.0, 2.0])
    with pytest.raises(KeyError, match="not a History column"):
        h["gradnorm"]
    with pytest.raises(KeyError, match="Unknown History columns"):
        h.append(epochs=2)
    assert np.isnan(h["weight_norm"]).all()
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install pandas"):
            h.to_frame()
    else:
        frame = h.to_frame()
        assert list(frame.index) == [1] and frame["grad_norm_1"].iloc[0] == 2.0
        assert frame.index.name == "epoch" and frame.index.dtype.kind == "i"
    assert h["epoch"].dtype.kind == "i" and h.to_dict()["epoch"] == [1]
    with pytest.raises(ValueError, match="needs epoch= as an integer"):
        h.append(loss=0.4)
    with pytest.raises(ValueError, match="needs epoch= as an integer"):
        h.append(epoch=2.5)
    assert len(h) == 1 and len(h["loss"]) == 1  # nothing half-appended


# ------------------------------------------------------------ gradient monitor
def deep(init, **params):
    return MLPClassifier((32,) * 6, init=init, max_iter=2, random_state=0, **params)


def test_vanishing_gradients_are_named(digits):
    X, y = digits
    with pytest.warns(
        GradientWarning, match=r"Vanishing gradients in epoch 1.*layer\(s\) 0, 1, 2"
    ) as record:
        deep(RandomNormal(stddev=0.01)).fit(X[:500], y[:500])
    # once per fit, not once per epoch
    assert sum(issubclass(r.category, GradientWarning) for r in record) == 1


def test_well_initialized_deep_net_does_not_warn(digits):
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("error", GradientWarning)
        deep("he_uniform").fit(X[:500], y[:500])
        deep("glorot_uniform", activation="tanh").fit(X[:500], y[:500])


def test_exploding_gradients_are_named(digits):
    # a tiny last hidden layer under a huge output layer: the error reaching
    # layer 3 is multiplied by the 1e2-sized output weights, and its RMS
    # gradient per weight dwarfs the output layer's (whose input is ~1e-4)
    X, y = digits
    inits = [RandomNormal(stddev=0.2)] * 3 + [
        RandomNormal(stddev=1e-4),
        RandomNormal(stddev=1e2),
    ]
    model = MLPClassifier(
        (32,) * 4,
        init=inits,
        bias_init="zeros",
        learning_rate_init=1e-4,
        max_iter=2,
        random_state=0,
    )
    with pytest.warns(GradientWarning) as record:
        model.fit(X[:500], y[:500])
    messages = [str(r.message) for r in record if r.category is GradientWarning]
    assert len(messages) == 1  # once per fit; no vanishing layer either
    ratio = gradient_ratios(model)[0, 3]
    assert ratio > 1e4
    assert messages[0].startswith(
        f"Exploding gradients in epoch 1: the RMS gradient of layer(s) 3 is "
        f"{ratio:.1e} times that of the top trainable layer (4)."
    )
    assert "ClipByGlobalNorm" in messages[0]


def test_gradient_monitor_rule():
    coefs = [np.ones((10, 10))] * 3 + [np.ones((10, 40))]
    monitor = GradientMonitor(4)
    # layer 3 has 4x the weights: its RMS per weight is its norm / 20, the
    # others' / 10; ratios to layer 3: 2e5, 2e-5 (vanishing), 2 and 1
    with pytest.warns(GradientWarning) as record:
        monitor.check(np.array([1e5, 1e-5, 1.0, 1.0]), coefs, (True,) * 4, 7)
    messages = sorted(str(r.message) for r in record)
    assert len(messages) == 2
    assert messages[0].startswith(
        "Exploding gradients in epoch 7: the RMS gradient of layer(s) 0 is 2.0e+05 "
        "times that of the top trainable layer (3)."
    )
    assert messages[1].startswith(
        "Vanishing gradients in epoch 7: the RMS gradient of layer(s) 1 is 2.0e-05"
    )
    assert monitor.warned == {"exploding", "vanishing"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", GradientWarning)
        # each kind once per fit
        monitor.check(np.array([1e5, 1e-5, 1.0, 1.0]), coefs, (True,) * 4, 8)
        # with fewer than three trainable layers nothing is checked
        GradientMonitor(4).check(
            np.array([1e5, 1.0, 1.0, 1.0]), coefs, (True, False, False, True), 1
        )
        # a zero (perfectly fitted) or NaN top gradient says nothing
        GradientMonitor(4).check(np.array([1e5, 1.0, 1.0, 0.0]), coefs, (True,) * 4, 1)
        GradientMonitor(4).check(
            np.array([1e5, 1.0, 1.0, np.nan]), coefs, (True,) * 4, 1
        )
    # a frozen top layer: the topmost trainable one is the reference, and a
    # frozen layer is never flagged (its 1e-9 would vanish)
    with pytest.warns(GradientWarning) as record:
        GradientMonitor(4).check(
            np.array([1e5, 1.0, 1.0, 1e-9]), coefs, (True, True, True, False), 1
        )
    assert len(record) == 1
    assert str(record[0].message).startswith(
        "Exploding gradients in epoch 1: the RMS gradient of layer(s) 0 is 1.0e+05 "
        "times that of the top trainable layer (2)."
    )


def test_partial_fit_warns_once(digits):
    X, y = digits
    model = deep(RandomNormal(stddev=0.01))
    with pytest.warns(GradientWarning):
        model.partial_fit(X[:300], y[:300], classes=np.arange(10))
    with warnings.catch_warnings():
        warnings.simplefilter("error", GradientWarning)
        model.partial_fit(X[:300], y[:300])


def test_gradient_warning_points_at_the_callers_line(digits):
    X, y = digits
    for method in ("fit", "partial_fit"):
        model = deep(RandomNormal(stddev=0.01))
        kwargs = {"classes": np.arange(10)} if method == "partial_fit" else {}
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            line = inspect.currentframe().f_lineno + 1
            getattr(model, method)(X[:300], y[:300], **kwargs)
        (warning,) = [r for r in record if r.category is GradientWarning]
        assert (warning.filename, warning.lineno) == (__file__, line)
    # through a search's fit (and joblib) too, once per fitted candidate
    search = GridSearchCV(deep(RandomNormal(stddev=0.01)), {"alpha": [1e-4]}, cv=2)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        search.fit(X[:300], y[:300])
    warned = [r for r in record if r.category is GradientWarning]
    assert len(warned) == 3  # two folds and the refit
    assert {(r.filename, r.lineno) for r in warned} == {(__file__, line)}


# ---------------------------------------------------------- hidden activations
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "elu"])
def test_last_hidden_layer_reproduces_predictions(digits, activation):
    X, y = digits
    clf = MLPClassifier((16, 8), activation=activation, max_iter=5, random_state=0)
    clf.fit(X[:300], y[:300])
    A = clf.hidden_activations(X[300:400])
    logits = A @ clf.coefs_[-1] + clf.intercepts_[-1]
    proba = np.exp(logits - logits.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    assert_allclose(proba, clf.predict_proba(X[300:400]), rtol=1e-12)
    layers = clf.hidden_activations(X[300:400], layer="all")
    assert [a.shape for a in layers] == [(100, 16), (100, 8)]
    assert_array_equal(layers[1], A)
    assert_array_equal(clf.hidden_activations(X[300:400], layer=0), layers[0])


def test_regressor_hidden_activations_and_errors():
    X, y = make_regression(60, 4, random_state=0)
    reg = MLPRegressor(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    with pytest.raises(NotFittedError):
        reg.hidden_activations(X)
    reg.fit(X, y)
    A = reg.hidden_activations(X)
    assert_allclose(A @ reg.coefs_[1][:, 0] + reg.intercepts_[1][0], reg.predict(X))
    with pytest.raises(ValueError, match=r"out of range.*\[-1, 0\]"):
        reg.hidden_activations(X, layer=1)
    with pytest.raises(ValueError, match="layer must be"):
        reg.hidden_activations(X, layer="last")
    with pytest.raises(ValueError, match="features"):
        reg.hidden_activations(X[:, :3])
    X_before = X.copy()
    reg.hidden_activations(X)
    assert_array_equal(X, X_before)
