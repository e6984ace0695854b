"""Optimizers and schedules: update rules against hand-written numpy, purity of the
optimizer objects, schedules, validation, registry and scikit-learn parity."""

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from skweights import MLPClassifier, optimizers
from skweights.optimizers import (
    LBFGS,
    OPTIMIZERS,
    SGD,
    Adam,
    Adaptive,
    Constant,
    InvScaling,
    RMSprop,
    ScheduleState,
)

N_STEPS = 5
SHAPES = [(3, 4), (4,)]


def _problem(seed=0):
    """Two parameter arrays and N_STEPS fixed gradients for each."""
    rng = np.random.RandomState(seed)
    params = [rng.normal(size=s) for s in SHAPES]
    grads = [[rng.normal(size=s) for s in SHAPES] for _ in range(N_STEPS)]
    return params, grads


def _run(opt, params, grads):
    params = [p.copy() for p in params]
    state = opt.init(params)
    for g in grads:
        state = opt.update(params, g, state)
    return params, state


def _ref_sgd(params, grads, lr, mu, nesterov):
    params = [p.copy() for p in params]
    vel = [np.zeros_like(p) for p in params]
    for step in grads:
        for i, g in enumerate(step):
            vel[i] = mu * vel[i] - lr * g
            if nesterov:
                params[i] = params[i] + mu * vel[i] - lr * g
            else:
                params[i] = params[i] + vel[i]
    return params


def _ref_adam(params, grads, lr, b1, b2, eps):
    params = [p.copy() for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t, step in enumerate(grads, start=1):
        lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        for i, g in enumerate(step):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g**2
            params[i] = params[i] - lr_t * m[i] / (np.sqrt(v[i]) + eps)
    return params


def _ref_rmsprop(params, grads, lr, rho, eps, mu, centered):
    params = [p.copy() for p in params]
    s = [np.zeros_like(p) for p in params]
    gbar = [np.zeros_like(p) for p in params]
    buf = [np.zeros_like(p) for p in params]
    for step in grads:
        for i, g in enumerate(step):
            s[i] = rho * s[i] + (1 - rho) * g**2
            if centered:
                gbar[i] = rho * gbar[i] + (1 - rho) * g
                den = np.sqrt(s[i] - gbar[i] ** 2 + eps)
            else:
                den = np.sqrt(s[i] + eps)
            inc = lr * g / den
            if mu > 0:
                buf[i] = mu * buf[i] + inc
                params[i] = params[i] - buf[i]
            else:
                params[i] = params[i] - inc
    return params


def _assert_params_close(actual, expected, rtol=1e-12):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        assert a.shape == e.shape
        np.testing.assert_allclose(a, e, rtol=rtol, atol=1e-14)


@pytest.mark.parametrize(
    "momentum, nesterov",
    [(0.0, False), (0.0, True), (0.9, True), (0.9, False)],
)
def test_sgd_matches_hand_written_update(momentum, nesterov):
    params, grads = _problem()
    opt = SGD(learning_rate=0.05, momentum=momentum, nesterov=nesterov)
    out, state = _run(opt, params, grads)
    expected = _ref_sgd(params, grads, 0.05, momentum, nesterov)
    _assert_params_close(out, expected)
    # the parameters actually moved
    assert not np.allclose(out[0], params[0])
    assert state.lr == 0.05


def test_sgd_nesterov_differs_from_classical_momentum():
    params, grads = _problem()
    a, _ = _run(SGD(learning_rate=0.05, momentum=0.9, nesterov=True), params, grads)
    b, _ = _run(SGD(learning_rate=0.05, momentum=0.9, nesterov=False), params, grads)
    assert not np.allclose(a[0], b[0])


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3},
    ],
)
def test_adam_matches_hand_written_update(kwargs):
    params, grads = _problem(1)
    opt = Adam(**kwargs)
    out, state = _run(opt, params, grads)
    full = {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8}
    full.update(kwargs)
    expected = _ref_adam(
        params,
        grads,
        full["learning_rate"],
        full["beta_1"],
        full["beta_2"],
        full["epsilon"],
    )
    _assert_params_close(out, expected)
    assert state.t == N_STEPS
    assert not np.allclose(out[0], params[0])


@pytest.mark.parametrize(
    "momentum, centered",
    [(0.0, False), (0.0, True), (0.5, False), (0.5, True)],
)
def test_rmsprop_matches_hand_written_update(momentum, centered):
    params, grads = _problem(2)
    opt = RMSprop(learning_rate=0.01, rho=0.8, momentum=momentum, centered=centered)
    out, _ = _run(opt, params, grads)
    expected = _ref_rmsprop(params, grads, 0.01, 0.8, 1e-7, momentum, centered)
    _assert_params_close(out, expected)
    assert not np.allclose(out[0], params[0])


def test_rmsprop_variants_differ():
    params, grads = _problem(2)
    results = [
        _run(RMSprop(learning_rate=0.01, momentum=m, centered=c), params, grads)[0][0]
        for m, c in [(0.0, False), (0.0, True), (0.5, False), (0.5, True)]
    ]
    for i in range(len(results)):
        for j in range(i + 1, len(results)):
            assert not np.allclose(results[i], results[j])


def test_rmsprop_default_hyperparameters():
    params, grads = _problem(3)
    out, _ = _run(RMSprop(), params, grads)
    expected = _ref_rmsprop(params, grads, 0.001, 0.9, 1e-7, 0.0, False)
    _assert_params_close(out, expected)


@pytest.mark.parametrize(
    "opt",
    [
        SGD(learning_rate=0.05, momentum=0.9),
        SGD(learning_rate=InvScaling(0.05, power_t=0.3), momentum=0.5),
        Adam(learning_rate=0.01),
        RMSprop(learning_rate=0.01, momentum=0.5, centered=True),
    ],
    ids=["sgd", "sgd-invscaling", "adam", "rmsprop"],
)
def test_optimizer_object_not_mutated(opt):
    params, grads = _problem()
    before_params = opt.get_params(deep=True)
    before_hash = joblib.hash(opt)
    _, state = _run(opt, params, grads)
    state = opt.end_epoch(state, n_samples_seen=100, epoch=1, loss=1.0)
    opt.on_plateau(state)
    assert opt.get_params(deep=True) == before_params
    assert joblib.hash(opt) == before_hash


def test_state_is_namedtuple_with_schedule_first_and_carries():
    params, grads = _problem()
    for opt in [SGD(learning_rate=0.05), Adam(learning_rate=0.02), RMSprop(0.03)]:
        state = opt.init([p.copy() for p in params])
        assert isinstance(state, tuple)
        assert hasattr(state, "_fields") and hasattr(state, "_replace")
        assert state._fields[0] == "schedule"
        assert state.lr == state.schedule.lr == opt.learning_rate

    adam = Adam(learning_rate=0.01)
    work = [p.copy() for p in params]
    state = adam.init(work)
    assert state.t == 0
    for k, g in enumerate(grads, start=1):
        state = adam.update(work, g, state)
        assert state.t == k
    # restarting from the carried state continues the same trajectory
    work_a = [p.copy() for p in params]
    state_a = adam.init(work_a)
    for g in grads[:3]:
        state_a = adam.update(work_a, g, state_a)
    for g in grads[3:]:
        state_a = adam.update(work_a, g, state_a)
    _assert_params_close(work_a, work, rtol=0)


def test_two_states_are_independent():
    params, grads = _problem()
    opt = SGD(learning_rate=0.05, momentum=0.9)
    a = [p.copy() for p in params]
    b = [p.copy() for p in params]
    sa = opt.init(a)
    sb = opt.init(b)
    for g in grads:
        sa = opt.update(a, g, sa)
    # b's state was untouched by a's updates
    for v in sb.velocities:
        assert not v.any()
    for g in grads:
        sb = opt.update(b, g, sb)
    _assert_params_close(a, b, rtol=0)


# --------------------------------------------------------------------- schedules
def _after(sched, lr, n_seen, epoch):
    state = ScheduleState(lr=lr)
    return sched.after_epoch(state, n_samples_seen=n_seen, epoch=epoch, loss=1.0).lr


def _plateau(sched, lr):
    state, stop = sched.on_plateau(ScheduleState(lr=lr))
    return state.lr, stop


def test_invscaling_after_epoch():
    sched = InvScaling(learning_rate=0.1, power_t=0.25)
    assert sched.init().lr == 0.1
    for n_seen in [0, 1, 10, 1000]:
        assert _after(sched, 0.5, n_seen, 3) == pytest.approx(
            0.1 / (n_seen + 1) ** 0.25, rel=1e-15
        )


def test_adaptive_on_plateau():
    sched = Adaptive(learning_rate=1e-3)
    lr, stop = _plateau(sched, 1e-3)
    assert lr == 1e-3 / 5 and not stop
    lr, stop = _plateau(sched, lr)
    assert lr == 1e-3 / 25 and not stop
    assert _after(sched, 0.123, 50, 2) == 0.123
    lr, stop = _plateau(sched, 1e-6)
    assert lr == 1e-6 and stop
    lr, stop = _plateau(sched, 5e-7)
    assert lr == 5e-7 and stop
    # counts the divisions until stop: 1e-3 -> ... -> <= 1e-6
    lr, n, stop = 1e-3, 0, False
    while not stop:
        lr, stop = _plateau(sched, lr)
        n += 1
    assert lr <= 1e-6 and n == 6
    # a custom factor
    lr, stop = _plateau(Adaptive(learning_rate=1.0, factor=0.5), 1.0)
    assert lr == 0.5 and not stop


def test_constant_never_changes():
    sched = Constant(learning_rate=0.01)
    assert sched.init().lr == 0.01
    for n_seen, epoch in [(0, 1), (10, 2), (10_000, 50)]:
        assert _after(sched, 0.01, n_seen, epoch) == 0.01
    assert _plateau(sched, 0.01) == (0.01, True)
    opt = SGD(learning_rate=0.01)
    state = opt.init([np.zeros(2)])
    for epoch in range(1, 5):
        state = opt.end_epoch(state, n_samples_seen=100 * epoch, epoch=epoch, loss=1.0)
        assert state.lr == 0.01
    state, stop = opt.on_plateau(state)
    assert stop and state.lr == 0.01


def test_optimizer_uses_invscaling_schedule():
    opt = SGD(learning_rate=InvScaling(0.1, power_t=0.5), momentum=0.0)
    params = [np.ones(3)]
    state = opt.init(params)
    assert state.lr == 0.1
    state = opt.update(params, [np.ones(3)], state)
    np.testing.assert_allclose(params[0], 1 - 0.1)
    state = opt.end_epoch(state, n_samples_seen=24, epoch=1, loss=1.0)
    assert state.lr == pytest.approx(0.1 / 25**0.5, rel=1e-15)
    state = opt.update(params, [np.ones(3)], state)
    np.testing.assert_allclose(params[0], 1 - 0.1 - 0.1 / 5, rtol=1e-15)
    state = opt.end_epoch(state, n_samples_seen=99, epoch=2, loss=1.0)
    assert state.lr == pytest.approx(0.01, rel=1e-15)

    adam = Adam(learning_rate=InvScaling(0.01, power_t=1.0))
    state = adam.init(params)
    state = adam.end_epoch(state, n_samples_seen=9, epoch=1, loss=1.0)
    assert state.lr == pytest.approx(0.001, rel=1e-15)


def test_optimizer_uses_adaptive_schedule():
    opt = Adam(learning_rate=Adaptive(0.01))
    state = opt.init([np.zeros(2)])
    state = opt.end_epoch(state, n_samples_seen=100, epoch=1, loss=1.0)
    assert state.lr == 0.01
    state, stop = opt.on_plateau(state)
    assert state.lr == 0.01 / 5 and not stop


# -------------------------------------------------------------------- validation
@pytest.mark.parametrize("cls", [SGD, Adam, RMSprop])
@pytest.mark.parametrize("lr", [0, 0.0, -0.1])
def test_nonpositive_learning_rate_raises(cls, lr):
    with pytest.raises(ValueError, match="learning_rate"):
        cls(learning_rate=lr).init([np.zeros(2)])


@pytest.mark.parametrize("lr", [0, -1.0])
def test_nonpositive_schedule_learning_rate_raises(lr):
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(learning_rate=InvScaling(lr)).init([np.zeros(2)])


def test_beta_1_one_raises():
    with pytest.raises(ValueError, match="beta_1"):
        Adam(beta_1=1.0).init([np.zeros(2)])
    with pytest.raises(ValueError, match="beta_2"):
        Adam(beta_2=-0.1).init([np.zeros(2)])
    with pytest.raises(ValueError, match="epsilon"):
        Adam(epsilon=0.0).init([np.zeros(2)])


def test_momentum_out_of_range_raises():
    with pytest.raises(ValueError, match="momentum"):
        SGD(momentum=1.5).init([np.zeros(2)])
    with pytest.raises(ValueError, match="momentum"):
        SGD(momentum=-0.1).init([np.zeros(2)])
    with pytest.raises(ValueError, match="momentum"):
        RMSprop(momentum=1.5).init([np.zeros(2)])
    with pytest.raises(ValueError, match="rho"):
        RMSprop(rho=1.0).init([np.zeros(2)])
    # momentum=1 is allowed for SGD (closed interval, as scikit-learn)
    SGD(momentum=1.0).init([np.zeros(2)])


# ------------------------------------------------------------ scikit-learn parity
@pytest.mark.parametrize("nesterov", [True, False])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_matches_sklearn(momentum, nesterov):
    params, grads = _problem(4)
    ours = [p.copy() for p in params]
    theirs = [p.copy() for p in params]
    opt = SGD(learning_rate=0.1, momentum=momentum, nesterov=nesterov)
    state = opt.init(ours)
    sk = SGDOptimizer(
        theirs,
        learning_rate_init=0.1,
        lr_schedule="constant",
        momentum=momentum,
        nesterov=nesterov,
    )
    for g in grads:
        state = opt.update(ours, g, state)
        sk.update_params(theirs, g)
        _assert_params_close(ours, theirs, rtol=1e-15)


def test_sgd_invscaling_matches_sklearn():
    params, grads = _problem(5)
    ours = [p.copy() for p in params]
    theirs = [p.copy() for p in params]
    opt = SGD(learning_rate=InvScaling(0.1, power_t=0.4), momentum=0.9)
    state = opt.init(ours)
    sk = SGDOptimizer(
        theirs, learning_rate_init=0.1, lr_schedule="invscaling", power_t=0.4
    )
    n_seen = 0
    for epoch, g in enumerate(grads, start=1):
        state = opt.update(ours, g, state)
        sk.update_params(theirs, g)
        n_seen += 7
        state = opt.end_epoch(state, n_samples_seen=n_seen, epoch=epoch, loss=1.0)
        sk.iteration_ends(n_seen)
        assert state.lr == pytest.approx(sk.learning_rate, rel=1e-15)
    _assert_params_close(ours, theirs, rtol=1e-15)


def test_adaptive_matches_sklearn_trigger_stopping():
    opt = SGD(learning_rate=Adaptive(0.01))
    state = opt.init([np.zeros(2)])
    sk = SGDOptimizer([np.zeros(2)], learning_rate_init=0.01, lr_schedule="adaptive")
    for _ in range(10):
        state, stop = opt.on_plateau(state)
        sk_stop = sk.trigger_stopping("", verbose=False)
        assert stop == sk_stop
        assert state.lr == sk.learning_rate


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"beta_1": 0.7, "beta_2": 0.9, "epsilon": 1e-4, "learning_rate": 0.05}],
)
def test_adam_matches_sklearn(kwargs):
    params, grads = _problem(6)
    ours = [p.copy() for p in params]
    theirs = [p.copy() for p in params]
    opt = Adam(**kwargs)
    state = opt.init(ours)
    sk_kwargs = {k: v for k, v in kwargs.items() if k != "learning_rate"}
    sk = AdamOptimizer(
        theirs, learning_rate_init=kwargs.get("learning_rate", 0.001), **sk_kwargs
    )
    for g in grads:
        state = opt.update(ours, g, state)
        sk.update_params(theirs, g)
        _assert_params_close(ours, theirs, rtol=1e-15)
    assert state.t == sk.t


# ------------------------------------------------------------------------ L-BFGS
def test_lbfgs_minimizes_quadratic():
    rng = np.random.RandomState(0)
    M = rng.normal(size=(4, 4))
    A = M @ M.T + 4 * np.eye(4)
    b = rng.normal(size=4)
    x_star = np.linalg.solve(A, b)

    def fun(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    res = LBFGS().minimize(fun, np.zeros(4), max_iter=200, max_fun=1000, tol=1e-10)
    np.testing.assert_allclose(res.x, x_star, rtol=1e-6, atol=1e-8)
    assert res.fun == pytest.approx(-0.5 * b @ x_star, rel=1e-10)
    assert isinstance(res.n_iter, int) and 1 <= res.n_iter <= 200
    assert res.status == 0
    assert isinstance(res.message, str) and res.message


def test_lbfgs_reports_iteration_limit():
    A = np.diag(np.arange(1.0, 11.0) ** 2)

    def fun(x):
        return 0.5 * x @ A @ x, A @ x

    res = LBFGS().minimize(fun, np.ones(10), max_iter=2, max_fun=1000, tol=1e-12)
    assert res.n_iter == 2
    assert res.status == 1


def test_lbfgs_bounds_and_validation():
    def fun(x):
        return float(((x + 1.0) ** 2).sum()), 2 * (x + 1.0)

    res = LBFGS().minimize(
        fun, np.ones(3), max_iter=100, max_fun=1000, tol=1e-10, bounds=[(0, None)] * 3
    )
    np.testing.assert_allclose(res.x, 0.0, atol=1e-10)
    with pytest.raises(ValueError, match="maxcor"):
        LBFGS(maxcor=0).minimize(fun, np.ones(3), max_iter=5, max_fun=10, tol=1e-5)
    assert LBFGS.stochastic is False
    assert SGD.stochastic and Adam.stochastic and RMSprop.stochastic


# ---------------------------------------------------------------------- registry
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_get_every_name(name):
    opt = optimizers.get(name)
    assert type(opt) is OPTIMIZERS[name]
    assert optimizers.get(name.upper()) == opt
    assert optimizers.get(type(opt)) == opt
    assert optimizers.get(opt) is opt
    cloned = clone(opt)
    assert cloned is not opt
    assert cloned == opt
    assert cloned.get_params() == opt.get_params()


def test_get_typo_lists_names():
    with pytest.raises(ValueError) as excinfo:
        optimizers.get("adma")
    msg = str(excinfo.value)
    assert "adma" in msg
    for name in OPTIMIZERS:
        assert name in msg
    with pytest.raises(TypeError):
        optimizers.get(3)


def test_clone_and_nested_params_with_schedule():
    opt = SGD(learning_rate=InvScaling(0.05, power_t=0.3), momentum=0.7)
    params = opt.get_params(deep=True)
    assert params["learning_rate__power_t"] == 0.3
    assert params["learning_rate__learning_rate"] == 0.05
    assert params["momentum"] == 0.7
    assert "learning_rate__power_t" not in opt.get_params(deep=False)

    cloned = clone(opt)
    assert cloned == opt
    assert cloned.learning_rate is not opt.learning_rate
    assert cloned.learning_rate == opt.learning_rate

    cloned.set_params(learning_rate__power_t=0.9, nesterov=False)
    assert cloned.learning_rate.power_t == 0.9
    assert cloned.nesterov is False
    assert opt.learning_rate.power_t == 0.3
    assert opt.nesterov is True

    adam = clone(Adam(learning_rate=0.02, beta_1=0.8))
    assert adam.get_params() == {
        "learning_rate": 0.02,
        "beta_1": 0.8,
        "beta_2": 0.999,
        "epsilon": 1e-8,
        "amsgrad": False,
        "variant": "keras",
    }


# -------------------------------------------------------- from estimator params
@pytest.mark.parametrize("estimator_cls", [MLPClassifier, SkMLPClassifier])
def test_sgd_from_estimator_params(estimator_cls):
    est = estimator_cls(
        learning_rate_init=0.03,
        momentum=0.6,
        nesterovs_momentum=False,
        learning_rate="invscaling",
        power_t=0.3,
    )
    opt = SGD.from_estimator_params(est.get_params(deep=False))
    assert opt.momentum == 0.6
    assert opt.nesterov is False
    assert opt.learning_rate == InvScaling(learning_rate=0.03, power_t=0.3)
    assert opt.get_params()["learning_rate__power_t"] == 0.3

    for name, cls in [("constant", Constant), ("adaptive", Adaptive)]:
        est = estimator_cls(learning_rate_init=0.02, learning_rate=name)
        opt = SGD.from_estimator_params(est.get_params(deep=False))
        assert type(opt.learning_rate) is cls
        assert opt.learning_rate.learning_rate == 0.02
        assert opt.momentum == 0.9
        assert opt.nesterov is True
        state = opt.init([np.zeros(2)])
        assert state.lr == 0.02


@pytest.mark.parametrize("estimator_cls", [MLPClassifier, SkMLPClassifier])
def test_adam_from_estimator_params(estimator_cls):
    est = estimator_cls(
        learning_rate_init=0.004,
        beta_1=0.85,
        beta_2=0.99,
        epsilon=1e-6,
        learning_rate="invscaling",
        momentum=0.2,
    )
    opt = Adam.from_estimator_params(est.get_params(deep=False))
    assert opt == Adam(learning_rate=0.004, beta_1=0.85, beta_2=0.99, epsilon=1e-6)
    # scikit-learn's adam ignores the learning_rate schedule
    assert opt.learning_rate == 0.004

    default = Adam.from_estimator_params(estimator_cls().get_params(deep=False))
    assert default == Adam()


def test_from_estimator_params_drives_same_updates_as_sklearn():
    params, grads = _problem(7)
    est = SkMLPClassifier(
        solver="sgd", learning_rate_init=0.05, momentum=0.8, nesterovs_momentum=False
    )
    opt = SGD.from_estimator_params(est.get_params(deep=False))
    ours = [p.copy() for p in params]
    theirs = [p.copy() for p in params]
    state = opt.init(ours)
    sk = SGDOptimizer(theirs, learning_rate_init=0.05, momentum=0.8, nesterov=False)
    for g in grads:
        state = opt.update(ours, g, state)
        sk.update_params(theirs, g)
    _assert_params_close(ours, theirs, rtol=1e-15)


def test_step_size_is_the_step_each_optimizer_applied():
    """step_size(state, i) is the factor the last update put in front of the
    direction: lr for SGD, lr_t / (sqrt(v) + eps) for Adam, lr / sqrt(s + eps) for
    RMSprop, so that the L1 proximal step works in the optimizer's metric."""
    rng = np.random.RandomState(3)
    g = rng.normal(size=(3, 2))

    sgd = SGD(learning_rate=0.05, momentum=0.0)
    p = [np.zeros((3, 2))]
    state = sgd.update(p, [g], sgd.init(p))
    assert sgd.step_size(state, 0) == 0.05
    np.testing.assert_allclose(p[0], -sgd.step_size(state, 0) * g, rtol=1e-15)

    # with momentum: the steady-state step under a constant gradient, lr / (1 - mu)
    for nesterov in (False, True):
        sgd = SGD(learning_rate=0.05, momentum=0.8, nesterov=nesterov)
        p = [np.zeros((3, 2))]
        state = sgd.init(p)
        for _ in range(400):
            before = p[0].copy()
            state = sgd.update(p, [g], state)
        assert sgd.step_size(state, 0) == pytest.approx(0.25)
        np.testing.assert_allclose(p[0] - before, -0.25 * g, rtol=1e-12)

    adam = Adam(learning_rate=0.01)
    p = [np.zeros((3, 2))]
    state = adam.update(p, [g], adam.init(p))
    # first Adam step: p = -step * m_hat with m_hat = m / (1 - beta_1) = g
    step = adam.step_size(state, 0)
    assert step.shape == (3, 2)
    np.testing.assert_allclose(p[0], -step * g, rtol=1e-12)

    for centered in (False, True):
        rms = RMSprop(learning_rate=0.01, centered=centered)
        p = [np.zeros((3, 2))]
        state = rms.update(p, [g], rms.init(p))
        np.testing.assert_allclose(p[0], -rms.step_size(state, 0) * g, rtol=1e-12)
