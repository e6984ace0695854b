"""scikit-learn's callback API: one task per epoch, also under GridSearchCV."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from skweights import MLPClassifier, MLPRegressor

callback = pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
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


class PropagatedRecorder(Recorder, callback.AutoPropagatedCallback):
    max_propagation_depth = None


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


def test_scoring_monitor_logs_every_epoch(digits):
    X, y = digits
    monitor = callback.ScoringMonitor(scoring="accuracy")
    model = MLPRegressor(hidden_layer_sizes=(8,), max_iter=4, random_state=0)
    model.set_callbacks(callback.ScoringMonitor(scoring="r2"))
    model.fit(X, y.astype(float))
    clf = MLPClassifier((8,), max_iter=4, random_state=0).set_callbacks(monitor)
    clf.fit(X, y)
    rows = monitor.get_logs().data
    epochs = [r for r in rows if r["task_name"] == "epoch"]
    assert len(epochs) == 4
    assert epochs[-1]["accuracy"] == pytest.approx(clf.score(X, y))


def test_partial_fit_is_one_epoch(digits):
    X, y = digits
    rec = Recorder()
    model = MLPClassifier((8,), random_state=0).set_callbacks(rec)
    model.partial_fit(X, y, classes=np.arange(10))
    model.partial_fit(X, y)
    assert len(rec.epochs()) == 2


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


def test_progress_bar_runs(digits, capsys):
    pytest.importorskip("rich")
    X, y = digits
    model = MLPClassifier((8,), max_iter=3, random_state=0)
    model.set_callbacks(callback.ProgressBar()).fit(X, y)
    assert model.n_iter_ == 3


def test_a_callback_can_stop_training(digits):
    X, y = digits
    model = MLPClassifier((8,), max_iter=50, random_state=0)
    model.set_callbacks(Recorder(stop_after=2)).fit(X, y)
    assert model.n_iter_ == len(model.loss_curve_) == 2
