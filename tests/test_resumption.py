"""Pausing and resuming training: pickling and deep-copying between partial_fit
calls and warm-started fits, KeyboardInterrupt during fit, and bit-for-bit
reproducibility in-process and across processes."""

import _thread
import copy
import hashlib
import itertools
import json
import os
import pickle
import subprocess
import sys
import threading
import time
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import StandardScaler

from skweights import MLPClassifier, MLPRegressor
from skweights.exceptions import TrainingInterruptedWarning
from skweights.neural_network._base import BaseMLP
from skweights.optimizers import (
    OPTIMIZERS,
    SGD,
    Adam,
    ClipByGlobalNorm,
    CosineDecay,
    ExponentialDecay,
    MultiStepDecay,
    NAdam,
    ReduceLROnPlateau,
    RMSprop,
    StepDecay,
)

X, Y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)

STOCHASTIC = sorted(name for name in OPTIMIZERS if name not in ("lbfgs", "l-bfgs"))

#: optimizer settings to pause and resume: every stochastic optimizer by name,
#: SGD with (Nesterov) momentum, and learning-rate schedules that carry state
VARIANTS = [pytest.param({"optimizer": name}, id=name) for name in STOCHASTIC] + [
    pytest.param({"optimizer": "sgd", "momentum": 0.9}, id="sgd_momentum"),
    pytest.param(
        {"optimizer": "sgd", "momentum": 0.5, "nesterovs_momentum": False},
        id="sgd_classical_momentum",
    ),
    pytest.param(
        {"optimizer": "sgd", "learning_rate": "adaptive", "n_iter_no_change": 1},
        id="sgd_adaptive",
    ),
    pytest.param(
        {"optimizer": "sgd", "learning_rate": "invscaling", "learning_rate_init": 0.1},
        id="sgd_invscaling",
    ),
    pytest.param(
        {
            "optimizer": SGD(
                learning_rate=ReduceLROnPlateau(0.05, factor=0.5, patience=0),
                momentum=0.9,
            )
        },
        id="sgd_reduce_lr_on_plateau",
    ),
]
#: schedules that step with the epoch count (``_schedule_epoch``), carried across
#: partial_fit calls; clipped and float32 training
EPOCH_SCHEDULES = [
    pytest.param(
        {"optimizer": Adam(StepDecay(0.01, step_size=1, gamma=0.7))},
        id="adam_step_decay",
    ),
    pytest.param(
        {"optimizer": SGD(CosineDecay(0.05, decay_epochs=6, warmup_epochs=2))},
        id="sgd_cosine_decay_warmup",
    ),
    pytest.param(
        {"optimizer": RMSprop(MultiStepDecay(0.01, milestones=[2, 3], gamma=0.5))},
        id="rmsprop_multistep_decay",
    ),
    pytest.param(
        {"optimizer": ClipByGlobalNorm(NAdam(ExponentialDecay(0.01, 0.8)), 0.5)},
        id="clipped_nadam_exponential_decay",
    ),
]
VARIANTS += EPOCH_SCHEDULES + [
    pytest.param(
        {
            "optimizer": "sgd",
            "learning_rate": "adaptive",
            "n_iter_no_change": 1,
            "tol": 0.05,
            "learning_rate_init": 0.05,
        },
        id="sgd_adaptive_reducing",
    ),
    pytest.param(
        {"optimizer": Adam(StepDecay(0.01, step_size=1)), "dtype": np.float32},
        id="float32_adam_step_decay",
    ),
]


def _leaves(obj, path="state"):
    """(path, value) for every array and scalar in a nested optimizer state."""
    if isinstance(obj, np.ndarray):
        yield path, obj
    elif isinstance(obj, tuple) and hasattr(obj, "_fields"):
        for name, value in zip(obj._fields, obj, strict=True):
            yield from _leaves(value, f"{path}.{name}")
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            yield from _leaves(value, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _leaves(value, f"{path}[{key!r}]")
    else:
        yield path, obj


def assert_same_training_state(a, b):
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert_array_equal(u, v)
    assert_array_equal(a.loss_curve_, b.loss_curve_)
    assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
    leaves_a = list(_leaves(a._optimizer_state))
    leaves_b = list(_leaves(b._optimizer_state))
    assert [p for p, _ in leaves_a] == [p for p, _ in leaves_b]
    for (path, u), (_, v) in zip(leaves_a, leaves_b, strict=True):
        if isinstance(u, np.ndarray):
            assert_array_equal(u, v, err_msg=path)
        else:
            assert u == v or (u != u and v != v), path  # NaN == NaN here
    for name in ("_no_improvement_count", "best_loss_", "best_validation_score_"):
        assert getattr(a, name) == getattr(b, name), name
    if a.validation_scores_ is not None:
        assert_array_equal(a.validation_scores_, b.validation_scores_)
    predict = "predict_proba" if hasattr(a, "predict_proba") else "predict"
    assert_array_equal(getattr(a, predict)(X), getattr(b, predict)(X))


def _round_trips(est):
    return {
        "pickle": pickle.loads(pickle.dumps(est)),
        "deepcopy": copy.deepcopy(est),
    }


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


# --------------------------------------------------------- partial_fit pauses


def _split(params):
    """The estimator's parameters, and the data in the variant's dtype."""
    params = dict(params)
    dtype = params.pop("dtype", np.float64)
    return params, X.astype(dtype)


@pytest.mark.parametrize("params", VARIANTS)
def test_copy_between_partial_fit_calls_continues_bit_for_bit(params):
    params, Xd = _split(params)

    def make():
        return MLPClassifier(
            hidden_layer_sizes=(6,), batch_size=32, random_state=0, **params
        )

    reference = make()
    reference.partial_fit(Xd, Y, classes=[0, 1, 2])
    for _ in range(4):
        reference.partial_fit(Xd, Y)

    paused = make().partial_fit(Xd, Y, classes=[0, 1, 2])
    paused.partial_fit(Xd, Y)
    for copied in _round_trips(paused).values():
        for _ in range(3):
            copied.partial_fit(Xd, Y)
        assert_same_training_state(copied, reference)
    # the original is untouched by training its copies, and continues the same way
    for _ in range(3):
        paused.partial_fit(Xd, Y)
    assert_same_training_state(paused, reference)


@pytest.mark.parametrize("params", EPOCH_SCHEDULES)
def test_a_lost_schedule_position_would_show(params):
    # The check above is sensitive to the schedule's position: a copy that
    # forgot the epochs it had seen continues with other learning rates.
    params, Xd = _split(params)
    est = MLPClassifier(
        hidden_layer_sizes=(6,), batch_size=32, random_state=0, **params
    )
    est.partial_fit(Xd, Y, classes=[0, 1, 2]).partial_fit(Xd, Y)
    assert est._schedule_epoch == 2
    copied = pickle.loads(pickle.dumps(est))
    assert copied._schedule_epoch == 2
    copied._schedule_epoch = 0
    for _ in range(3):
        est.partial_fit(Xd, Y)
        copied.partial_fit(Xd, Y)
    assert not np.array_equal(est.coefs_[0], copied.coefs_[0])


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_regressor_copy_between_partial_fit_calls_continues_bit_for_bit(optimizer):
    Xr, yr = X[:, :3], X[:, 3]

    def make():
        return MLPRegressor(
            hidden_layer_sizes=(5,), optimizer=optimizer, batch_size=16, random_state=1
        )

    reference = make()
    for _ in range(4):
        reference.partial_fit(Xr, yr)
    paused = make().partial_fit(Xr, yr)
    copied = pickle.loads(pickle.dumps(paused))
    for _ in range(3):
        copied.partial_fit(Xr, yr)
    for u, v in zip(copied.coefs_, reference.coefs_, strict=True):
        assert_array_equal(u, v)
    assert_array_equal(copied.loss_curve_, reference.loss_curve_)


# ------------------------------------------------------------- warm starts


@pytest.mark.parametrize("params", VARIANTS)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_copy_between_warm_started_fits_continues_bit_for_bit(params, early_stopping):
    # warm_start=True restarts the optimizer state at every fit (as scikit-learn
    # does) and carries the stopping counters over: a copy taken between fits
    # continues exactly as the original, which is never copied.
    params, Xd = _split(params)
    settings = dict(
        hidden_layer_sizes=(6,),
        batch_size=32,
        max_iter=3,
        warm_start=True,
        early_stopping=early_stopping,
        n_iter_no_change=2,
        random_state=0,
    )
    est = MLPClassifier(**{**settings, **params}).fit(Xd, Y)
    copies = list(_round_trips(est).values())
    n = len(est.loss_curve_)
    for _ in range(2):
        est.fit(Xd, Y)
    for copied in copies:
        for _ in range(2):
            copied.fit(Xd, Y)
        assert_same_training_state(copied, est)
    assert n < len(est.loss_curve_) == len(est.history_) <= n + 6
    if early_stopping:
        assert len(est.validation_scores_) == len(est.loss_curve_)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_stopping_counters_carry_across_warm_started_fits_and_copies(early_stopping):
    # A tolerance no epoch beats: every epoch counts as no improvement, so the
    # counters decide where each warm-started fit stops.
    settings = dict(
        hidden_layer_sizes=(6,),
        batch_size=32,
        max_iter=4,
        warm_start=True,
        early_stopping=early_stopping,
        n_iter_no_change=5,
        tol=10.0,
        random_state=0,
    )
    est = MLPClassifier(**settings).fit(X, Y)
    # the first epoch improves on the initial infinity; the next three do not
    assert est.n_iter_ == 4 and est._no_improvement_count == 3
    copies = list(_round_trips(est).values())
    forgetful = copy.deepcopy(est)
    forgetful._no_improvement_count = 0
    est.fit(X, Y)
    # the counter passes n_iter_no_change=5 after 3 more epochs, as in
    # scikit-learn, where warm_start keeps _no_improvement_count too
    assert est.n_iter_ == 3
    for copied in copies:
        copied.fit(X, Y)
        assert_same_training_state(copied, est)
    forgetful.fit(X, Y)
    assert forgetful.n_iter_ == 4  # a lost counter would show


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop"])
def test_warm_started_fit_restarts_the_optimizer_state(optimizer):
    params = dict(
        hidden_layer_sizes=(6,), optimizer=optimizer, batch_size=50, max_iter=2
    )
    warm = MLPClassifier(warm_start=True, random_state=0, **params).fit(X, Y)
    weights = [w.copy() for w in warm.coefs_ + warm.intercepts_]
    warm.fit(X, Y)
    # the same as a fresh estimator started from those weights
    fresh = MLPClassifier(random_state=0, **params).fit(X, Y)
    fresh.set_params(warm_start=True)
    fresh.fit(X, Y)
    assert_same_training_state(warm, fresh)
    # ... and not as continuing the first fit's optimizer state
    continued = MLPClassifier(random_state=0, **params)
    continued.partial_fit(X, Y, classes=[0, 1, 2])
    for _ in range(3):
        continued.partial_fit(X, Y)
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(warm.coefs_, continued.coefs_, strict=True)
    )
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(weights, warm.coefs_ + warm.intercepts_, strict=True)
    )


# ------------------------------------------------------------ interruption

#: iris in minibatches of 30: five optimizer updates per epoch
BATCHES_PER_EPOCH = len(X) // 30
#: settings that never stop early, so only the interruption ends a fit
NO_EARLY_STOP = dict(tol=0.0, n_iter_no_change=10**9)


def _interrupt_at(monkeypatch, owner, name, k):
    """Make ``owner.name`` raise KeyboardInterrupt at its k-th call (from 1)."""
    original = getattr(owner, name)
    calls = itertools.count(1)

    def interrupted(*args, **kwargs):
        if next(calls) == k:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, interrupted)


def _target(cls):
    return Y if cls is MLPClassifier else X[:, 3]


def assert_same_fit(a, b):
    """Weights, counters, records and predictions equal, bit for bit."""
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert_array_equal(u, v)
    assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
    assert a.loss_ == b.loss_
    assert_array_equal(a.loss_curve_, b.loss_curve_)
    assert len(a.history_) == len(b.history_) == len(a.loss_curve_)
    assert_array_equal(a.predict(X), b.predict(X))


@pytest.mark.parametrize(
    "where",
    ["update:1", "update:3", f"update:{BATCHES_PER_EPOCH}", "end_epoch:1"],
    ids=["first_batch", "mid_epoch", "last_batch", "end_of_epoch"],
)
@pytest.mark.parametrize("optimizer", [Adam, SGD], ids=["adam", "sgd"])
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_interrupted_fit_keeps_exactly_the_last_completed_epoch(
    monkeypatch, cls, optimizer, where
):
    # An interruption in epoch 4 gives the fit that max_iter=3 would give.
    y = _target(cls)
    params = dict(
        hidden_layer_sizes=(6,),
        optimizer=optimizer.__name__.lower(),
        batch_size=30,
        random_state=0,
        **NO_EARLY_STOP,
    )
    reference = cls(max_iter=3, **params).fit(X, y)
    name, k = where.split(":")
    calls_before = 3 * (BATCHES_PER_EPOCH if name == "update" else 1)
    _interrupt_at(monkeypatch, optimizer, name, calls_before + int(k))
    est = cls(max_iter=50, **params)
    with pytest.warns(TrainingInterruptedWarning, match=r"n_iter_=3\)"):
        assert est.fit(X, y) is est
    monkeypatch.undo()
    assert_same_fit(est, reference)
    # the generator is back where epoch 4 started: continuing draws the same
    # shuffles as continuing the reference
    got, expected = est._random_state.get_state(), reference._random_state.get_state()
    assert_array_equal(got[1], expected[1])
    assert got[2:] == expected[2:]


@pytest.mark.parametrize("evaluation", [6, 15])
def test_interrupted_lbfgs_keeps_exactly_the_last_completed_iteration(
    monkeypatch, evaluation
):
    params = dict(hidden_layer_sizes=(6,), optimizer="lbfgs", random_state=0)
    _interrupt_at(monkeypatch, BaseMLP, "_objective", evaluation)
    est = MLPClassifier(max_iter=200, **params)
    with pytest.warns(TrainingInterruptedWarning) as records:
        est.fit(X, Y)
    monkeypatch.undo()
    # the iterations completed before the interrupting evaluation
    assert 0 < est.n_iter_ < evaluation
    assert f"n_iter_={est.n_iter_})" in str(records[0].message)
    reference = MLPClassifier(max_iter=est.n_iter_, **params).fit(X, Y)
    for u, v in zip(
        est.coefs_ + est.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        assert_array_equal(u, v)
    assert est.loss_ == reference.loss_
    assert len(est.history_) == len(reference.history_) == est.n_iter_
    assert_array_equal(est.predict_proba(X), reference.predict_proba(X))


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_interrupted_first_epoch_of_a_fresh_fit_leaves_it_unfitted(monkeypatch, cls):
    _interrupt_at(monkeypatch, Adam, "update", 2)
    est = cls(hidden_layer_sizes=(6,), batch_size=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing completed: nothing to warn about
        with pytest.raises(KeyboardInterrupt):
            est.fit(X, _target(cls))
    assert not hasattr(est, "coefs_")
    with pytest.raises(NotFittedError):
        est.predict(X)


@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_interrupted_partial_fit_is_undone_and_training_goes_on(monkeypatch, cls, k):
    # partial_fit's one epoch is the part that did not complete: the call is
    # undone, optimizer state and shuffling generator included, and re-raises so
    # that the loop calling partial_fit stops.
    y = _target(cls)
    first = {"classes": [0, 1, 2]} if cls is MLPClassifier else {}
    est = cls(hidden_layer_sizes=(6,), batch_size=30, random_state=0)
    est.partial_fit(X, y, **first).partial_fit(X, y)
    never_interrupted = copy.deepcopy(est)
    _interrupt_at(monkeypatch, Adam, "update", k)
    with pytest.raises(KeyboardInterrupt):
        est.partial_fit(X, y)
    monkeypatch.undo()
    assert_same_training_state(est, never_interrupted)
    for _ in range(2):
        est.partial_fit(X, y)
        never_interrupted.partial_fit(X, y)
    assert_same_training_state(est, never_interrupted)


def test_interrupted_first_partial_fit_leaves_the_estimator_unfitted(monkeypatch):
    _interrupt_at(monkeypatch, Adam, "update", 2)
    est = MLPClassifier(hidden_layer_sizes=(6,), batch_size=30, random_state=0)
    with pytest.raises(KeyboardInterrupt):
        est.partial_fit(X, Y, classes=[0, 1, 2])
    monkeypatch.undo()
    assert not hasattr(est, "coefs_") and not hasattr(est, "classes_")
    # and the first call can be made again
    est.partial_fit(X, Y, classes=[0, 1, 2])
    assert est.n_iter_ == 1


#: a fit that would take minutes: many epochs of a few tiny batches
LONG = dict(hidden_layer_sizes=(8,), batch_size=10, max_iter=200_000, random_state=0)


def _interrupted(fit, delay):
    """Run ``fit()`` with an interrupt of the main thread after ``delay`` s.

    Returns what ``fit`` returned and the warnings it raised. A fit that ends
    before the timer fires is reported as None (the caller retries longer).
    """
    timer = threading.Timer(delay, _thread.interrupt_main)
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        timer.start()
        try:
            result = fit()
        finally:
            fired = not timer.is_alive()
            timer.cancel()
    if not fired:
        return None, records
    return result, records


def _interrupt_until_it_lands(fit, delays=(0.3, 0.6, 1.2)):
    for delay in delays:
        try:
            result, records = _interrupted(fit, delay)
        except KeyboardInterrupt:
            # landed before the first epoch completed: nothing to keep, fit
            # restores the previous state and re-raises; try a longer delay
            continue
        if result is not None:
            return result, records
    pytest.fail("the interrupt never landed inside an epoch")


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_ctrl_c_from_another_thread_keeps_the_last_completed_epoch(cls):
    # The signal as a user sends it: SIGINT's handler raises KeyboardInterrupt in
    # the main thread wherever it is, here from a timer thread.
    y = _target(cls)
    est = cls(**LONG, **NO_EARLY_STOP)
    start = time.perf_counter()
    _, records = _interrupt_until_it_lands(lambda: est.fit(X, y))
    assert time.perf_counter() - start < 60
    interrupted = [r for r in records if r.category is TrainingInterruptedWarning]
    assert len(interrupted) == 1
    assert f"n_iter_={est.n_iter_})" in str(interrupted[0].message)
    assert 0 < est.n_iter_ < LONG["max_iter"]
    reference = cls(**{**LONG, "max_iter": est.n_iter_}, **NO_EARLY_STOP).fit(X, y)
    assert_same_fit(est, reference)
    # training goes on from there
    est.partial_fit(X, y)
    assert len(est.loss_curve_) == reference.n_iter_ + 1


# --------------------------------------------------------- reproducibility

OPTIMIZER_NAMES = ["adam", "sgd", "lbfgs"]


def _fit(optimizer):
    return MLPClassifier(
        hidden_layer_sizes=(16, 8), optimizer=optimizer, max_iter=15, random_state=3
    ).fit(X, Y)


def _digest(est):
    h = hashlib.sha256()
    for w in est.coefs_ + est.intercepts_:
        h.update(np.ascontiguousarray(w).tobytes())
    return h.hexdigest()


#: the same fits in a new interpreter: digests and weights as JSON on stdout
_SNIPPET = f"""
import json, sys, warnings
import numpy as np
sys.path.insert(0, {os.path.dirname(__file__)!r})
from sklearn.exceptions import ConvergenceWarning
warnings.simplefilter("ignore", ConvergenceWarning)
from test_resumption import OPTIMIZER_NAMES, _digest, _fit
fits = {{name: _fit(name) for name in OPTIMIZER_NAMES}}
print(json.dumps({{
    name: [_digest(est), [w.tolist() for w in est.coefs_ + est.intercepts_]]
    for name, est in fits.items()
}}))
"""


def _fit_in_subprocess(**env):
    out = subprocess.run(
        [sys.executable, "-c", _SNIPPET],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
        timeout=120,
    ).stdout
    return {
        name: (digest, [np.array(w) for w in weights])
        for name, (digest, weights) in json.loads(out).items()
    }


@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_same_random_state_gives_identical_weights_in_process(optimizer):
    a, b = _fit(optimizer), _fit(optimizer)
    assert _digest(a) == _digest(b)
    assert a.loss_ == b.loss_
    if optimizer != "lbfgs":
        assert_array_equal(a.loss_curve_, b.loss_curve_)


def test_same_random_state_gives_identical_weights_across_processes():
    here = {name: _digest(_fit(name)) for name in OPTIMIZER_NAMES}
    # two new interpreters, with different string hashing
    first = _fit_in_subprocess(PYTHONHASHSEED="1")
    second = _fit_in_subprocess(PYTHONHASHSEED="2")
    for name in OPTIMIZER_NAMES:
        assert first[name][0] == second[name][0] == here[name], name
    # One BLAS thread against the default pool. Stochastic training runs its
    # small products on one BLAS thread whatever the pool, so the weights are
    # identical. L-BFGS's products use the pool, whose blocking may change the
    # last bits of a sum: there the weights need only agree to rtol=1e-10.
    one = _fit_in_subprocess(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    for name in OPTIMIZER_NAMES:
        for u, v in zip(one[name][1], first[name][1], strict=True):
            if name == "lbfgs":
                assert_allclose(u, v, rtol=1e-10, atol=0)
            else:
                assert_array_equal(u, v)
