"""Learning-rate schedules: closed forms epoch by epoch, PyTorch's plateau rule on
scripted losses, the documented Keras equivalence, use through optimizers and
estimators, validation, registry and parameter handling."""

import math
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

from skweights import MLPClassifier
from skweights.optimizers import SGD, Adam, RMSprop, Schedule, ScheduleState
from skweights.optimizers.schedules import (
    SCHEDULES,
    Adaptive,
    Constant,
    CosineDecay,
    ExponentialDecay,
    InvScaling,
    MultiStepDecay,
    ReduceLROnPlateau,
    StepDecay,
    get,
)

N_SAMPLES = 10  # samples per epoch when driving a schedule by hand


def _drive(sched, n_epochs, losses=None):
    """The learning rate of epochs 1..n_epochs+1: init(), then after_epoch(e)."""
    state = sched.init()
    lrs = [state.lr]
    for e in range(1, n_epochs + 1):
        loss = 1.0 if losses is None else losses[e - 1]
        state = sched.after_epoch(
            state, n_samples_seen=N_SAMPLES * e, epoch=e, loss=loss
        )
        lrs.append(state.lr)
    return lrs


def _plateau_lrs(sched, losses):
    """The learning rate after each epoch of ``losses``."""
    return _drive(sched, len(losses), losses)[1:]


def _assert_seq(actual, expected, rel=1e-15):
    assert len(actual) == len(expected)
    for e, (a, b) in enumerate(zip(actual, expected, strict=True)):
        assert isinstance(a, float), e
        assert a == pytest.approx(b, rel=rel, abs=0), f"epoch {e}: {a} != {b}"


def _data():
    return make_classification(
        n_samples=40, n_features=4, n_informative=3, n_redundant=0, random_state=0
    )


# ------------------------------------------------------------------ closed forms
@pytest.mark.parametrize(
    "lr0, step, gamma", [(0.1, 2, 0.5), (1.0, 3, 0.5), (0.02, 1, 0.9), (0.3, 5, 1.0)]
)
def test_step_decay_closed_form(lr0, step, gamma):
    lrs = _drive(StepDecay(lr0, step, gamma), 12)
    _assert_seq(lrs, [lr0 * gamma ** math.floor(e / step) for e in range(13)])


def test_step_decay_matches_torch_values():
    # torch StepLR(step_size=3, gamma=0.5), lr 1, over 8 epochs
    assert _drive(StepDecay(1.0, 3, 0.5), 7) == [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]
    assert StepDecay(0.2, 4).gamma == 0.1


@pytest.mark.parametrize(
    "milestones, expected_counts",
    [
        ([2, 5], [0, 0, 1, 1, 1, 2, 2, 2]),
        ((5, 2), [0, 0, 1, 1, 1, 2, 2, 2]),  # any order
        ([3, 3], [0, 0, 0, 2, 2, 2, 2, 2]),  # a repeated milestone decays twice
        ([1], [0, 1, 1, 1, 1, 1, 1, 1]),
        ([], [0] * 8),
    ],
)
def test_multistep_decay_closed_form(milestones, expected_counts):
    lrs = _drive(MultiStepDecay(0.5, milestones, gamma=0.3), 7)
    _assert_seq(lrs, [0.5 * 0.3**k for k in expected_counts])
    # against the count of milestones already passed
    for e, k in enumerate(expected_counts):
        assert k == sum(m <= e for m in milestones)


@pytest.mark.parametrize("lr0, gamma", [(1.0, 0.9), (0.05, 0.5), (0.01, 1.0)])
def test_exponential_decay_closed_form(lr0, gamma):
    lrs = _drive(ExponentialDecay(lr0, gamma), 15)
    _assert_seq(lrs, [lr0 * gamma**e for e in range(16)])


def test_exponential_decay_equals_keras_staircase_per_step_schedule():
    # Keras/optax: lr0 * rate ** floor(step / decay_steps) at minibatch ``step``;
    # with decay_steps = minibatches per epoch, every minibatch of epoch e + 1
    # uses the rate this schedule gives after e epochs.
    lr0, rate, n_batches = 0.1, 0.7, 4
    lrs = _drive(ExponentialDecay(lr0, rate), 5)
    for step in range(6 * n_batches):
        keras = lr0 * rate ** math.floor(step / n_batches)
        assert lrs[step // n_batches] == pytest.approx(keras, rel=1e-15)


def _cosine_reference(e, lr0, decay, alpha, warmup, start):
    if e < warmup:
        return start * lr0 + (lr0 - start * lr0) * e / warmup
    d = min(e - warmup, decay)
    return lr0 * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * (d / decay))) + alpha)


@pytest.mark.parametrize(
    "lr0, decay, alpha, warmup, start",
    [
        (1.0, 4, 0.0, 0, 0.0),
        (0.1, 6, 0.1, 0, 0.0),
        (0.01, 5, 0.2, 3, 0.0),
        (0.3, 3, 0.0, 4, 1 / 3),
        (0.05, 1, 0.5, 1, 0.5),
    ],
)
def test_cosine_decay_closed_form(lr0, decay, alpha, warmup, start):
    sched = CosineDecay(
        lr0,
        decay_epochs=decay,
        alpha=alpha,
        warmup_epochs=warmup,
        warmup_start_factor=start,
    )
    n = warmup + decay + 5
    lrs = _drive(sched, n)
    expected = [
        _cosine_reference(e, lr0, decay, alpha, warmup, start) for e in range(n + 1)
    ]
    _assert_seq(lrs, expected, rel=4e-15)
    # shape: warm-up ends at the peak, the cosine ends at alpha * lr0, then clamped
    assert lrs[0] == pytest.approx(start * lr0 if warmup else lr0, rel=1e-15)
    assert lrs[warmup] == pytest.approx(lr0, rel=1e-15)
    assert lrs[warmup + decay :] == [lrs[warmup + decay]] * 6
    assert lrs[-1] == pytest.approx(alpha * lr0, rel=1e-15, abs=1e-18)
    assert all(np.diff(lrs[: warmup + 1]) > 0)
    assert all(np.diff(lrs[warmup : warmup + decay + 1]) < 0)


def test_cosine_decay_matches_torch_until_t_max_then_stays_clamped():
    # torch CosineAnnealingLR(T_max=4, eta_min=0.1), lr 1: 1,.868,.55,.232,.1,.232,...
    torch_values = [1, 0.868, 0.55, 0.232, 0.1, 0.232, 0.55, 0.868]
    lrs = _drive(CosineDecay(1.0, decay_epochs=4, alpha=0.1), 7)
    np.testing.assert_allclose(lrs[:5], torch_values[:5], atol=5e-4)
    assert lrs[5:] == [lrs[4]] * 3
    assert lrs[4] == pytest.approx(0.1, rel=1e-15)
    for e in range(5):
        torch_closed = 0.1 + (1 - 0.1) * (1 + math.cos(math.pi * e / 4)) / 2
        assert lrs[e] == pytest.approx(torch_closed, rel=1e-15)


def test_cosine_warmup_matches_optax_warmup_cosine_decay():
    # optax.warmup_cosine_decay_schedule(0, 1e-2, warmup_steps=2, decay_steps=6,
    # end_value=1e-3): 0, .005, .01, .00868, .0055, .00232, .001, .001
    optax_values = [0, 0.005, 0.01, 0.00868, 0.0055, 0.00232, 0.001, 0.001]
    sched = CosineDecay(1e-2, decay_epochs=4, alpha=0.1, warmup_epochs=2)
    np.testing.assert_allclose(_drive(sched, 7), optax_values, atol=5e-6)
    assert sched.init().lr == 0.0


def test_constant_and_epoch_schedules_ignore_loss_and_samples():
    scheds = [
        Constant(0.2),
        StepDecay(0.2, 2, 0.5),
        MultiStepDecay(0.2, [1, 3]),
        ExponentialDecay(0.2, 0.8),
        CosineDecay(0.2, decay_epochs=3, warmup_epochs=1),
    ]
    for sched in scheds:
        state = sched.init()
        a = sched.after_epoch(state, n_samples_seen=10, epoch=2, loss=5.0)
        b = sched.after_epoch(state, n_samples_seen=999, epoch=2, loss=float("nan"))
        assert a == b
        if not isinstance(sched, Constant):
            # a closed form of the epoch, whatever the incoming state
            c = sched.after_epoch(
                ScheduleState(lr=123.0), n_samples_seen=1, epoch=2, loss=0
            )
            assert c.lr == a.lr == sched.lr_at(2)
        # the estimator's stopping rule stops training
        assert sched.on_plateau(a) == (a, True)


# -------------------------------------------------------------- plateau (torch)
def test_plateau_flat_loss_first_reduction_at_third_bad_epoch():
    # patience 2: epoch 1 improves on +inf, epochs 2, 3, 4 do not -> reduce after 4
    sched = ReduceLROnPlateau(1.0, factor=0.1, patience=2)
    lrs = _plateau_lrs(sched, [1.0] * 8)
    _assert_seq(lrs, [1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01])
    state = sched.init()
    assert state == ScheduleState(lr=1.0, best=np.inf, bad_epochs=0, cooldown=0)
    for e in range(1, 5):
        state = sched.after_epoch(state, n_samples_seen=e, epoch=e, loss=1.0)
        assert state.best == 1.0
        assert state.bad_epochs == [0, 1, 2, 0][e - 1]


def test_plateau_improvement_resets_the_count():
    sched = ReduceLROnPlateau(1.0, factor=0.5, patience=1)
    losses = [5.0, 5.0, 4.0, 4.0, 3.0, 3.0, 3.0, 3.0]
    _assert_seq(_plateau_lrs(sched, losses), [1, 1, 1, 1, 1, 1, 0.5, 0.5])


def test_plateau_default_patience_is_ten():
    lrs = _plateau_lrs(ReduceLROnPlateau(0.5), [2.0] * 24)
    assert lrs[:11] == [0.5] * 11
    assert lrs[11] == pytest.approx(0.05, rel=1e-15)
    assert lrs[22] == pytest.approx(0.005, rel=1e-15)
    assert len(set(lrs)) == 3


def test_plateau_cooldown():
    # patience 1, cooldown 2, flat: reduce after epoch 3; epochs 4, 5 cool down
    # (bad epochs not counted), 6 and 7 are bad -> reduce after 7
    lrs = _plateau_lrs(ReduceLROnPlateau(1.0, 0.5, patience=1, cooldown=2), [1.0] * 9)
    _assert_seq(lrs, [1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25])
    lrs = _plateau_lrs(ReduceLROnPlateau(1.0, 0.5, patience=1), [1.0] * 9)
    _assert_seq(lrs, [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.0625])
    # an improvement during the cooldown still moves the best loss
    sched = ReduceLROnPlateau(1.0, 0.5, patience=0, cooldown=3)
    state = sched.init()
    for e, loss in enumerate([2.0, 2.0, 1.0], start=1):
        state = sched.after_epoch(state, n_samples_seen=e, epoch=e, loss=loss)
    assert state.best == 1.0 and state.cooldown == 2 and state.lr == 0.5


def test_plateau_min_lr_floor_and_on_plateau():
    sched = ReduceLROnPlateau(1.0, factor=0.1, patience=0, min_lr=0.05)
    lrs = _plateau_lrs(sched, [1.0] * 5)
    _assert_seq(lrs, [1, 0.1, 0.05, 0.05, 0.05])
    # on_plateau: training goes on while the rate can still be lowered
    for lr, stop in [(1.0, False), (0.1, False), (0.050000005, True), (0.05, True)]:
        state = ScheduleState(lr=lr, best=1.0, bad_epochs=3, cooldown=1)
        assert sched.on_plateau(state) == (state, stop)
    assert ReduceLROnPlateau(1e-3).on_plateau(ScheduleState(lr=1e-3))[1] is False
    assert ReduceLROnPlateau(1e-3).on_plateau(ScheduleState(lr=1e-8))[1] is True


def test_plateau_eps_skips_tiny_reductions():
    sched = ReduceLROnPlateau(1e-7, factor=0.5, patience=0)
    lrs = _plateau_lrs(sched, [1.0] * 6)
    # 1e-7 -> 5e-8 -> 2.5e-8 -> 1.25e-8, then 1.25e-8 - 6.25e-9 <= 1e-8: kept
    _assert_seq(lrs, [1e-7, 5e-8, 2.5e-8, 1.25e-8, 1.25e-8, 1.25e-8])
    lrs = _plateau_lrs(ReduceLROnPlateau(1e-7, 0.5, patience=0, eps=0.0), [1.0] * 6)
    _assert_seq(lrs, [1e-7 * 0.5**k for k in range(6)])
    # a skipped reduction still restarts the count and the cooldown
    sched = ReduceLROnPlateau(1.5e-8, 0.5, patience=1, cooldown=1)
    state = sched.init()
    for e in range(1, 4):
        state = sched.after_epoch(state, n_samples_seen=e, epoch=e, loss=1.0)
    assert state == ScheduleState(lr=1.5e-8, best=1.0, bad_epochs=0, cooldown=1)


def test_plateau_rel_versus_abs_threshold():
    # best 10, threshold 0.5: 9 is an improvement in abs (< 9.5), not in rel (< 5)
    losses = [10.0, 9.0, 4.0]
    rel = ReduceLROnPlateau(1.0, 0.1, patience=0, threshold=0.5)
    abs_ = ReduceLROnPlateau(1.0, 0.1, patience=0, threshold=0.5, threshold_mode="abs")
    _assert_seq(_plateau_lrs(rel, losses), [1, 0.1, 0.1])
    _assert_seq(_plateau_lrs(abs_, losses), [1, 1, 1])
    # best 0.1, threshold 0.01: 0.095 improves in rel (< 0.099), not in abs (< 0.09)
    losses = [0.1, 0.095]
    rel = ReduceLROnPlateau(1.0, 0.1, patience=0, threshold=0.01)
    abs_ = ReduceLROnPlateau(1.0, 0.1, patience=0, threshold=0.01, threshold_mode="abs")
    _assert_seq(_plateau_lrs(rel, losses), [1, 1])
    _assert_seq(_plateau_lrs(abs_, losses), [1, 0.1])
    # the boundary itself is not an improvement (strict inequality)
    lrs = _plateau_lrs(ReduceLROnPlateau(1.0, 0.1, patience=0, threshold=0), [1.0, 1.0])
    _assert_seq(lrs, [1, 0.1])


def test_plateau_nan_loss_is_not_an_improvement():
    sched = ReduceLROnPlateau(1.0, 0.5, patience=1)
    state = sched.init()
    for e, loss in enumerate([1.0, np.nan, np.nan], start=1):
        state = sched.after_epoch(state, n_samples_seen=e, epoch=e, loss=loss)
    assert state.best == 1.0 and state.lr == 0.5


def _keras_reduce_lr_on_plateau(
    losses, lr, factor, patience, min_delta, cooldown, min_lr
):
    """keras.callbacks.ReduceLROnPlateau.on_epoch_end in "min" mode."""
    best, wait, cooldown_counter, out = np.inf, 0, 0, []
    for current in losses:
        if cooldown_counter > 0:
            cooldown_counter -= 1
            wait = 0
        if current < best - min_delta:
            best, wait = current, 0
        elif not cooldown_counter > 0:
            wait += 1
            if wait >= patience and lr > min_lr:
                lr = max(lr * factor, min_lr)
                cooldown_counter, wait = cooldown, 0
        out.append(lr)
    return out


@pytest.mark.parametrize("patience", [0, 1, 2, 4])
@pytest.mark.parametrize("cooldown", [0, 1, 3])
def test_plateau_emulates_keras_as_documented(patience, cooldown):
    rng = np.random.RandomState(patience * 10 + cooldown)
    losses = np.round(2.0 - 0.01 * np.arange(80) + rng.uniform(0, 0.2, 80), 2)
    lr, factor, min_delta, min_lr = 1.0, 0.5, 0.02, 1e-3
    keras = _keras_reduce_lr_on_plateau(
        losses, lr, factor, patience, min_delta, cooldown, min_lr
    )
    ours = ReduceLROnPlateau(
        lr,
        factor,
        patience=max(patience - 1, 0),
        threshold=min_delta,
        threshold_mode="abs",
        cooldown=max(cooldown - 1, 0),
        min_lr=min_lr,
        eps=0.0,
    )
    lrs = _plateau_lrs(ours, losses)
    assert lrs == keras
    assert len(set(lrs)) > 2  # several reductions happened
    # with the same patience and a relative threshold, the rules differ
    same = _plateau_lrs(
        ReduceLROnPlateau(lr, factor, patience=max(patience, 1)), losses
    )
    assert same != keras


# ------------------------------------------------------- through the optimizers
def test_optimizers_read_the_schedule():
    params = [np.ones(3)]
    for opt in [
        SGD(learning_rate=StepDecay(0.1, 2, 0.5), momentum=0.0),
        Adam(learning_rate=CosineDecay(0.1, decay_epochs=4, warmup_epochs=2)),
        RMSprop(learning_rate=ExponentialDecay(0.1, 0.5)),
    ]:
        sched = opt.learning_rate
        state = opt.init(params)
        assert state.lr == sched.init().lr
        for e in range(1, 8):
            state = opt.end_epoch(state, n_samples_seen=10 * e, epoch=e, loss=1.0)
            assert state.lr == sched.lr_at(e)
    # the step the SGD update takes uses the scheduled rate
    opt = SGD(learning_rate=StepDecay(0.1, 2, 0.5), momentum=0.0)
    state = opt.init(params)
    state = opt.end_epoch(state, n_samples_seen=20, epoch=2, loss=1.0)
    opt.update(params, [np.ones(3)], state)
    np.testing.assert_allclose(params[0], 1 - 0.05, rtol=1e-15)


@pytest.mark.parametrize(
    "sched, expected",
    [
        (StepDecay(0.1, 2, 0.5), 0.1 * 0.5**3),
        (MultiStepDecay(0.1, [1, 4, 9], 0.2), 0.1 * 0.2**2),
        (ExponentialDecay(0.1, 0.8), 0.1 * 0.8**6),
        (
            CosineDecay(0.1, decay_epochs=5, alpha=0.1, warmup_epochs=2),
            0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * (4 / 5))) + 0.1),
        ),
    ],
    ids=["step", "multistep", "exponential", "cosine"],
)
def test_estimator_fit_ends_at_closed_form(sched, expected):
    X, y = _data()
    est = MLPClassifier(
        optimizer=SGD(learning_rate=sched),
        hidden_layer_sizes=(5,),
        max_iter=6,
        tol=0,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    assert est.n_iter_ == 6
    assert est._optimizer_state.lr == pytest.approx(expected, rel=1e-15)


def test_estimator_drives_plateau_with_training_loss():
    X, y = _data()
    sched = ReduceLROnPlateau(0.5, factor=0.5, patience=0, threshold=0.05)
    est = MLPClassifier(
        optimizer=SGD(learning_rate=sched, momentum=0.0),
        hidden_layer_sizes=(5,),
        max_iter=12,
        n_iter_no_change=100,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    expected = _plateau_lrs(sched, est.loss_curve_)
    assert est._optimizer_state.lr == expected[-1]
    assert expected[-1] < 0.5  # the loss plateaued and the rate was lowered


def test_estimator_stopping_rule_waits_for_plateau_floor():
    X, y = _data()
    kw = dict(hidden_layer_sizes=(5,), max_iter=300, tol=10.0, n_iter_no_change=1)
    kw.update(random_state=0)
    # with tol=10 every epoch after the first counts as not improving, so the
    # stopping rule fires after epoch 3: a plain schedule stops there
    est = MLPClassifier(optimizer=SGD(learning_rate=StepDecay(0.1, 1)), **kw)
    est.fit(X, y)
    assert est.n_iter_ == 3
    # the plateau schedule (which sees no 50% improvement, so reduces after each
    # epoch from the 2nd: 0.1, 0.01, 0.001, 1e-4) lets training go on when the
    # rule fires after epoch 3 at 0.001; the rule fires again two epochs later,
    # with the rate at min_lr, and training stops
    sched = ReduceLROnPlateau(0.1, factor=0.1, patience=0, threshold=0.5, min_lr=1e-4)
    est = MLPClassifier(optimizer=SGD(learning_rate=sched), **kw).fit(X, y)
    assert est.n_iter_ == 5
    assert est._optimizer_state.lr == pytest.approx(1e-4, rel=1e-12)
    assert est._optimizer_state.lr == _plateau_lrs(sched, est.loss_curve_)[-1]


def test_estimator_partial_fit_counts_epochs_across_calls():
    X, y = _data()
    est = MLPClassifier(
        optimizer=SGD(learning_rate=StepDecay(0.1, 1, 0.5)),
        hidden_layer_sizes=(5,),
        random_state=0,
    )
    for k in range(1, 4):
        est.partial_fit(X, y, classes=[0, 1])
        assert est._optimizer_state.lr == pytest.approx(0.1 * 0.5**k, rel=1e-15)


@pytest.mark.parametrize("learning_rate", ["invscaling", "adaptive"])
def test_sklearn_schedules_preserved_in_estimator(learning_rate):
    X, y = _data()
    params = dict(
        solver="sgd",
        learning_rate=learning_rate,
        learning_rate_init=0.05,
        power_t=0.3,
        hidden_layer_sizes=(5,),
        max_iter=40,
        tol=1e-2,
        n_iter_no_change=2,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPClassifier(**params).fit(X, y)
        theirs = SkMLPClassifier(**params).fit(X, y)
    expected_cls = InvScaling if learning_rate == "invscaling" else Adaptive
    assert type(ours.optimizer_.learning_rate) is expected_cls
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-12)
    assert ours._optimizer_state.lr == pytest.approx(
        theirs._optimizer.learning_rate, rel=1e-15
    )
    if learning_rate == "adaptive":
        assert ours._optimizer_state.lr < 0.05  # the rate was divided at least once


def test_invscaling_and_adaptive_unchanged():
    lrs = _drive(InvScaling(0.1, power_t=0.25), 4)
    _assert_seq(lrs, [0.1] + [0.1 / (N_SAMPLES * e + 1) ** 0.25 for e in range(1, 5)])
    sched = Adaptive(1e-3)
    assert _drive(sched, 3) == [1e-3] * 4
    state, lrs, stop = sched.init(), [], False
    while not stop:
        state, stop = sched.on_plateau(state)
        lrs.append(state.lr)
    _assert_seq(lrs, [1e-3 / 5**k for k in range(1, 6)] + [1e-3 / 5**5])


# -------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "sched, param",
    [
        (Constant(0), "learning_rate"),
        (StepDecay(-0.1), "learning_rate"),
        (CosineDecay("0.1"), "learning_rate"),
        (ReduceLROnPlateau(0.0), "learning_rate"),
        (InvScaling(0.1, power_t=-0.5), "power_t"),
        (Adaptive(0.1, factor=1.0), "factor"),
        (Adaptive(0.1, min_lr=-1.0), "min_lr"),
        (StepDecay(0.1, step_size=0), "step_size"),
        (StepDecay(0.1, step_size=2.0), "step_size"),
        (StepDecay(0.1, step_size=True), "step_size"),
        (StepDecay(0.1, 2, gamma=0.0), "gamma"),
        (StepDecay(0.1, 2, gamma=1.5), "gamma"),
        (MultiStepDecay(0.1, [2, 0]), "milestones"),
        (MultiStepDecay(0.1, 3), "milestones"),
        (MultiStepDecay(0.1, [2], gamma=-0.1), "gamma"),
        (ExponentialDecay(0.1, gamma=0), "gamma"),
        (ExponentialDecay(0.1, gamma=1.01), "gamma"),
        (CosineDecay(0.1, decay_epochs=0), "decay_epochs"),
        (CosineDecay(0.1, alpha=-0.1), "alpha"),
        (CosineDecay(0.1, alpha=1.5), "alpha"),
        (CosineDecay(0.1, warmup_epochs=-1), "warmup_epochs"),
        (
            CosineDecay(0.1, warmup_epochs=2, warmup_start_factor=2),
            "warmup_start_factor",
        ),
        (ReduceLROnPlateau(0.1, factor=0), "factor"),
        (ReduceLROnPlateau(0.1, factor=1), "factor"),
        (ReduceLROnPlateau(0.1, patience=-1), "patience"),
        (ReduceLROnPlateau(0.1, patience=1.5), "patience"),
        (ReduceLROnPlateau(0.1, threshold=-1e-4), "threshold"),
        (ReduceLROnPlateau(0.1, threshold_mode="relative"), "threshold_mode"),
        (ReduceLROnPlateau(0.1, cooldown=-2), "cooldown"),
        (ReduceLROnPlateau(0.1, min_lr=-1.0), "min_lr"),
        (ReduceLROnPlateau(0.1, eps=-1.0), "eps"),
    ],
)
def test_invalid_parameters_raise_at_init(sched, param):
    with pytest.raises(ValueError, match=f"^{type(sched).__name__} {param} "):
        sched.init()
    with pytest.raises(ValueError, match=f"{type(sched).__name__} {param} "):
        SGD(learning_rate=sched).init([np.zeros(2)])


def test_boundary_values_are_valid():
    assert StepDecay(0.1, 1, gamma=1.0).init().lr == 0.1
    assert MultiStepDecay(0.1, []).init().lr == 0.1
    assert ExponentialDecay(0.1, np.float64(1.0)).init().lr == 0.1
    assert CosineDecay(0.1, np.int64(1), alpha=1.0).init().lr == 0.1
    assert (
        CosineDecay(0.1, 1, warmup_epochs=1, warmup_start_factor=1.0).init().lr == 0.1
    )
    sched = ReduceLROnPlateau(0.1, patience=0, threshold=0, min_lr=0, eps=0)
    assert sched.init().lr == 0.1
    assert InvScaling(0.1, power_t=0).init().lr == 0.1


# ------------------------------------------------------- registry and parameters
EXAMPLES = [
    Constant(0.02),
    InvScaling(0.02, power_t=0.3),
    Adaptive(0.02, factor=0.5, min_lr=1e-5),
    StepDecay(0.02, 3, 0.5),
    MultiStepDecay(0.02, (2, 7), 0.3),
    ExponentialDecay(0.02, 0.95),
    CosineDecay(0.02, 50, alpha=0.01, warmup_epochs=5, warmup_start_factor=0.1),
    ReduceLROnPlateau(0.02, factor=0.3, patience=4, threshold_mode="abs", cooldown=1),
]


def test_registry_names():
    assert set(SCHEDULES) == {
        "constant",
        "invscaling",
        "adaptive",
        "step",
        "multistep",
        "exponential",
        "cosine",
        "reduce_on_plateau",
    }
    assert {type(s) for s in EXAMPLES} == set(SCHEDULES.values())


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_get_every_name(name):
    cls = SCHEDULES[name]
    sched = get(name)
    assert type(sched) is cls and sched == cls()
    assert get(name.upper()) == sched
    assert get(cls) == sched
    assert get(sched) is sched
    assert isinstance(sched, Schedule)
    assert repr(sched) == f"{cls.__name__}()"
    state = sched.init()  # the defaults are valid
    assert isinstance(state, ScheduleState) and state.lr == 0.001
    assert clone(sched) == sched


def test_get_errors():
    with pytest.raises(ValueError, match="Unknown schedule 'cosin'") as info:
        get("cosin")
    for name in SCHEDULES:
        assert name in str(info.value)
    with pytest.raises(TypeError):
        get(0.1)
    with pytest.raises(TypeError):
        get(SGD)


@pytest.mark.parametrize("sched", EXAMPLES, ids=lambda s: type(s).__name__)
def test_params_clone_repr(sched):
    cls = type(sched)
    params = sched.get_params()
    assert params["learning_rate"] == 0.02
    assert cls(**params) == sched
    cloned = clone(sched)
    assert cloned == sched and cloned is not sched
    assert eval(repr(sched)) == sched
    assert repr(sched).startswith(f"{cls.__name__}(")
    assert "learning_rate=0.02" in repr(sched)
    assert hash(cloned) == hash(sched)
    cloned.set_params(learning_rate=0.5)
    assert cloned.learning_rate == 0.5 and sched.learning_rate == 0.02
    assert cloned != sched
    with pytest.raises(ValueError, match="Invalid parameter 'gama'"):
        cloned.set_params(gama=0.1)

    opt = SGD(learning_rate=sched)
    deep = opt.get_params(deep=True)
    for key, value in params.items():
        assert deep[f"learning_rate__{key}"] == value
    opt2 = clone(opt)
    assert opt2.learning_rate == sched and opt2.learning_rate is not sched


@pytest.mark.parametrize("sched", EXAMPLES, ids=lambda s: type(s).__name__)
def test_schedule_not_mutated_by_use(sched):
    before = joblib.hash(sched)
    state = sched.init()
    for e in range(1, 15):
        state = sched.after_epoch(state, n_samples_seen=10 * e, epoch=e, loss=1.0)
        state, _ = sched.on_plateau(state)
    X, y = _data()
    est = MLPClassifier(
        optimizer=SGD(learning_rate=sched),
        hidden_layer_sizes=(3,),
        max_iter=3,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    assert joblib.hash(sched) == before
    assert joblib.hash(est.get_params(deep=True)["optimizer__learning_rate"]) == before


def test_grid_search_tunes_nested_schedule_parameter():
    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    est = MLPClassifier(
        optimizer=SGD(learning_rate=StepDecay(0.1, 2)),
        max_iter=4,
        hidden_layer_sizes=(8,),
        random_state=0,
    )
    before = joblib.hash(est)
    grid = {"optimizer__learning_rate__gamma": [0.1, 0.5]}
    assert est.get_params()["optimizer__learning_rate__gamma"] == 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(est, grid, cv=2).fit(X, y)
    assert joblib.hash(est) == before
    assert est.optimizer.learning_rate.gamma == 0.1
    assert [
        p["optimizer__learning_rate__gamma"] for p in search.cv_results_["params"]
    ] == [0.1, 0.5]
    gamma = search.best_params_["optimizer__learning_rate__gamma"]
    best = search.best_estimator_
    assert best.optimizer.learning_rate == StepDecay(0.1, 2, gamma)
    assert best.optimizer.learning_rate is not est.optimizer.learning_rate
    assert best._optimizer_state.lr == pytest.approx(0.1 * gamma**2, rel=1e-15)
    # the two candidates trained differently
    losses = [
        clone(est).set_params(optimizer__learning_rate__gamma=g).fit(X, y).loss_
        for g in (0.1, 0.5)
    ]
    assert losses[0] != losses[1]
