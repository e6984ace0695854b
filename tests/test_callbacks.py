"""scikit-learn's callback API: one task per epoch, also under GridSearchCV; and
the estimators without it (scikit-learn < 1.9)."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from skweights import MLPClassifier, MLPRegressor

try:
    from sklearn import callback
except ImportError:  # scikit-learn < 1.9
    callback = None

needs_callbacks = pytest.mark.skipif(
    callback is None, reason="scikit-learn < 1.9 has no sklearn.callback"
)
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


class Recorder:
    """Records every task that ends: its path and the model's score then."""

    def __init__(self, stop_after=None):
        self.ended, self.begun, self.stop_after = [], 0, stop_after

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        self.begun += 1

    def on_fit_task_end(
        self, estimator, context, *, X=None, y=None, fitted_estimator=None
    ):
        score = None
        if fitted_estimator is not None and X is not None:
            score = fitted_estimator.score(X, y)
        path = tuple(
            c.task_name for c in callback._callback_context.get_context_path(context)
        )
        self.ended.append((path, context.task_id, score))
        return self.stop_after is not None and len(self.epochs()) >= self.stop_after

    def epochs(self):
        return [e for e in self.ended if e[0][-1] == "epoch"]


if callback is not None:

    class PropagatedRecorder(Recorder, callback.AutoPropagatedCallback):
        max_propagation_depth = None


@needs_callbacks
@pytest.mark.parametrize("optimizer", ["adam", "sgd", "lbfgs"])
def test_one_task_per_epoch(digits, optimizer):
    X, y = digits
    rec = Recorder()
    model = MLPClassifier((8,), optimizer=optimizer, max_iter=6, random_state=0)
    model.set_callbacks(rec).fit(X, y)
    epochs = rec.epochs()
    assert len(epochs) == model.n_iter_ == len(model.history_)
    assert [e[1] for e in epochs] == list(range(model.n_iter_))
    assert rec.begun == len(rec.ended) == model.n_iter_ + 1  # + the fit task
    assert rec.ended[-1][0] == ("fit",)
    # the model handed to the epoch's hook is the model as it was then
    assert rec.ended[-1][2] == model.score(X, y)
    if optimizer != "lbfgs":
        assert epochs[0][2] != epochs[-1][2]


@needs_callbacks
def test_scoring_monitor_logs_every_epoch(digits):
    X, y = digits
    clf_monitor = callback.ScoringMonitor(scoring="accuracy")
    reg_monitor = callback.ScoringMonitor(scoring="r2")
    reg = MLPRegressor(hidden_layer_sizes=(8,), max_iter=4, random_state=0)
    reg.set_callbacks(reg_monitor).fit(X, y.astype(float))
    clf = MLPClassifier((8,), max_iter=4, random_state=0).set_callbacks(clf_monitor)
    clf.fit(X, y)
    for monitor, model, metric in (
        (clf_monitor, clf, "accuracy"),
        (reg_monitor, reg, "r2"),
    ):
        rows = monitor.get_logs().data
        epochs = [r for r in rows if r["task_name"] == "epoch"]
        assert len(epochs) == model.n_iter_ == 4
        # the last epoch is scored with the weights the fit ended with
        assert epochs[-1][metric] == pytest.approx(model.score(X, y), rel=1e-12)
    # and each epoch with its own: the regressor's R^2 moves every epoch
    r2 = [r["r2"] for r in reg_monitor.get_logs().data if r["task_name"] == "epoch"]
    assert len(set(r2)) == 4 and r2[-1] > r2[0]


@needs_callbacks
def test_partial_fit_is_one_epoch(digits):
    X, y = digits
    rec = Recorder()
    model = MLPClassifier((8,), random_state=0).set_callbacks(rec)
    model.partial_fit(X, y, classes=np.arange(10))
    model.partial_fit(X, y)
    assert len(rec.epochs()) == 2


@needs_callbacks
def test_nested_under_grid_search(digits):
    X, y = digits
    rec = PropagatedRecorder()
    search = GridSearchCV(
        MLPClassifier((8,), max_iter=3, random_state=0), {"alpha": [1e-4, 1e-1]}, cv=2
    )
    search.set_callbacks(rec).fit(X, y)
    epochs = rec.epochs()
    # 2 candidates x 2 folds + the refit, 3 epochs each, under the search's tasks
    assert len(epochs) == 5 * 3
    assert all(path[0] == "fit" and "fit" in path[1:] for path, _, _ in epochs)


@needs_callbacks
def test_scoring_monitor_goes_on_the_searched_estimator(digits):
    X, y = digits
    grid = {"alpha": [1e-4, 1e-1]}
    # on the inner estimator: its clones share it, and every epoch of every fit
    # (2 candidates x 2 folds + the refit, 3 epochs each) is scored
    inner = callback.ScoringMonitor(scoring="accuracy")
    model = MLPClassifier((8,), max_iter=3, random_state=0).set_callbacks(inner)
    search = GridSearchCV(model, grid, cv=2).fit(X, y)
    rows = inner.get_logs().data
    assert sum(r["task_name"] == "epoch" for r in rows) == 5 * 3
    assert sum(r["task_name"] == "fit" for r in rows) == 5
    # one of them the refit, scored on the data it was fitted on
    fits = [r["accuracy"] for r in rows if r["task_name"] == "fit"]
    assert search.score(X, y) in fits
    # on the search it is not passed down, and scores nothing
    outer = callback.ScoringMonitor(scoring="accuracy")
    model = MLPClassifier((8,), max_iter=3, random_state=0)
    GridSearchCV(model, grid, cv=2).set_callbacks(outer).fit(X, y)
    with pytest.raises(ValueError, match="No logs"):
        outer.get_logs()


@needs_callbacks
@pytest.mark.parametrize(
    "params",
    [
        {"max_iter": 3},
        # stopped by its rule after 3 of 50 epochs: the bar still ends the fit
        {"max_iter": 50, "tol": 10.0, "n_iter_no_change": 1},
        {"max_iter": 4, "optimizer": "lbfgs"},
    ],
)
def test_progress_bar_advances_once_per_epoch(digits, capsys, params):
    pytest.importorskip("rich")

    class RecordingBar(callback.ProgressBar):
        """scikit-learn's ProgressBar, recording the task of every event."""

        def __init__(self):
            super().__init__()
            self.begun, self.ended = [], []

        def on_fit_task_begin(self, estimator, context):
            self.begun.append((context.task_name, context.max_subtasks))
            super().on_fit_task_begin(estimator, context)

        def on_fit_task_end(self, estimator, context):
            path = callback._callback_context.get_context_path(context)
            self.ended.append(tuple((c.task_name, c.task_id) for c in path))
            super().on_fit_task_end(estimator, context)

    X, y = digits
    bar = RecordingBar()
    model = MLPClassifier((8,), random_state=0, **params).set_callbacks(bar)
    model.fit(X, y)
    n = model.n_iter_
    assert n == len(model.history_)
    if "tol" in params:
        assert n < params["max_iter"]
    # the fit task announces max_iter epochs, then one leaf task per epoch ...
    assert bar.begun == [("fit", params["max_iter"])] + [("epoch", 0)] * n
    # ... each ending under the fit task, in order, and the fit task last
    assert bar.ended == [(("fit", 0), ("epoch", i)) for i in range(n)] + [(("fit", 0),)]
    assert "MLPClassifier - fit" in capsys.readouterr().out


@needs_callbacks
def test_a_callback_can_stop_training(digits):
    X, y = digits
    model = MLPClassifier((8,), max_iter=50, random_state=0)
    model.set_callbacks(Recorder(stop_after=2)).fit(X, y)
    assert model.n_iter_ == len(model.loss_curve_) == 2


# Run in a fresh interpreter: scikit-learn itself imports sklearn.callback (1.9),
# so its modules are loaded first, then the name is blocked, as if absent, for the
# import of skweights.
WITHOUT_CALLBACK_API = textwrap.dedent(
    """
    import json, sys, warnings
    import sklearn.base, sklearn.datasets, sklearn.exceptions, sklearn.metrics
    import sklearn.model_selection, sklearn.pipeline, sklearn.preprocessing
    import sklearn.utils.validation
    sys.modules["sklearn.callback"] = None  # from sklearn.callback import ... fails
    warnings.simplefilter("error")
    warnings.simplefilter("ignore", sklearn.exceptions.ConvergenceWarning)

    from sklearn.datasets import load_digits
    from sklearn.model_selection import GridSearchCV
    from skweights import MLPClassifier
    from skweights.neural_network import _callbacks

    X, y = load_digits(return_X_y=True)
    X, y = X[:200] / 16, y[:200]
    out = {
        "has_api": _callbacks.HAS_CALLBACKS,
        "set_callbacks": hasattr(MLPClassifier(), "set_callbacks"),
    }
    for optimizer in ("adam", "lbfgs"):
        clf = MLPClassifier((8,), optimizer=optimizer, max_iter=3, random_state=0)
        out[optimizer] = clf.fit(X, y).predict_proba(X).tolist()
    clf = MLPClassifier((8,), random_state=0)
    clf.partial_fit(X, y, classes=list(range(10))).partial_fit(X, y)
    out["partial_fit"] = clf.predict(X).tolist()
    search = GridSearchCV(
        MLPClassifier((8,), max_iter=2, random_state=0), {"alpha": [1e-4, 1.0]}, cv=2
    )
    out["search"] = search.fit(X, y).best_params_["alpha"]
    print(json.dumps(out))
    """
)


def test_works_without_the_callback_api():
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_CALLBACK_API],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    # no set_callbacks at all rather than one that cannot work
    assert out["has_api"] is False and out["set_callbacks"] is False
    # and training is the same as with the API (whose tasks cost nothing unset)
    X, y = load_digits(return_X_y=True)
    X, y = X[:200] / 16, y[:200]
    for optimizer in ("adam", "lbfgs"):
        clf = MLPClassifier((8,), optimizer=optimizer, max_iter=3, random_state=0)
        assert_array_equal(out[optimizer], clf.fit(X, y).predict_proba(X))
    clf = MLPClassifier((8,), random_state=0)
    clf.partial_fit(X, y, classes=np.arange(10)).partial_fit(X, y)
    assert_array_equal(out["partial_fit"], clf.predict(X))
    search = GridSearchCV(
        MLPClassifier((8,), max_iter=2, random_state=0), {"alpha": [1e-4, 1.0]}, cv=2
    )
    assert out["search"] == search.fit(X, y).best_params_["alpha"]
