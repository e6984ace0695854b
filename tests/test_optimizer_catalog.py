"""The optimizer catalog: every optimizer and variant switch against its update
equation written out in numpy, progress on a quadratic and on Rosenbrock's
function, decoupled weight decay and biases, the gradient-clipping wrappers,
validation, the registry, and use from the estimators (string names, nested
tuning in a grid search)."""

import math

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV

from skweights import MLPClassifier, optimizers
from skweights.optimizers import (
    LBFGS,
    OPTIMIZERS,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Adaptive,
    ClipByGlobalNorm,
    ClipByNorm,
    ClipByValue,
    InvScaling,
    Lion,
    NAdam,
    RMSprop,
)

N_STEPS = 5
SHAPES = [(3, 4), (4,)]
IS_BIAS = [False, True]
# gradient scale per step: shrinking and growing, so that running maxima
# (AMSGrad, Adamax) and moving averages actually differ from the latest value
SCALES = [2.0, 0.3, 1.5, 0.05, 1.0]


def _problem(seed=0):
    """Two float64 parameter arrays and N_STEPS fixed gradients for each."""
    rng = np.random.RandomState(seed)
    params = [rng.normal(size=s) for s in SHAPES]
    grads = [[c * rng.normal(size=s) for s in SHAPES] for c in SCALES]
    return params, grads


def _lrs(lr0):
    """Rates of InvScaling(lr0, 0.5) when epoch k has seen 10 k samples."""
    return [lr0] + [lr0 / math.sqrt(10 * k + 1) for k in range(1, N_STEPS)]


def _run(opt, params, grads, is_bias=IS_BIAS):
    """One update per 'epoch' of 10 samples, so that a schedule moves the rate."""
    params = [p.copy() for p in params]
    state = opt.init(params, is_bias)
    for k, g in enumerate(grads, start=1):
        state = opt.update(params, [x.copy() for x in g], state)
        state = opt.end_epoch(state, n_samples_seen=10 * k, epoch=k, loss=1.0)
    return params, state


def _copy(params):
    return [p.copy() for p in params]


# ----------------------------------------------------------- update equations
def ref_sgd_keras(params, grads, lrs, mu, nesterov):
    p, v = _copy(params), [np.zeros_like(x) for x in params]
    for lr, step in zip(lrs, grads, strict=True):
        for i, g in enumerate(step):
            v[i] = mu * v[i] - lr * g
            p[i] = p[i] + (mu * v[i] - lr * g if nesterov else v[i])
    return p


def ref_sgd_torch(params, grads, lrs, mu, nesterov, dampening):
    p, buf = _copy(params), [None] * len(params)
    for lr, step in zip(lrs, grads, strict=True):
        for i, g in enumerate(step):
            d = g
            if mu != 0:
                if buf[i] is None:
                    buf[i] = g.copy()
                else:
                    buf[i] = mu * buf[i] + (1 - dampening) * g
                d = g + mu * buf[i] if nesterov else buf[i]
            p[i] = p[i] - lr * d
    return p


def ref_adam(params, grads, lrs, b1, b2, eps, amsgrad, variant, wd=0.0, decay=None):
    p = _copy(params)
    m = [np.zeros_like(x) for x in p]
    v = [np.zeros_like(x) for x in p]
    vmax = [np.zeros_like(x) for x in p]
    for t, (lr, step) in enumerate(zip(lrs, grads, strict=True), start=1):
        for i, g in enumerate(step):
            if decay is not None and decay[i]:
                p[i] = p[i] - lr * wd * p[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g**2
            vmax[i] = np.maximum(vmax[i], v[i])
            vh = vmax[i] if amsgrad else v[i]
            if variant == "keras":
                alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
                p[i] = p[i] - alpha * m[i] / (np.sqrt(vh) + eps)
            else:
                m_hat = m[i] / (1 - b1**t)
                v_hat = vh / (1 - b2**t)
                p[i] = p[i] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


def ref_nadam(params, grads, lrs, b1, b2, eps, psi):
    def mu(t):
        return b1 if psi == math.inf else b1 * (1 - 0.5 * 0.96 ** (t * psi))

    p = _copy(params)
    m = [np.zeros_like(x) for x in p]
    v = [np.zeros_like(x) for x in p]
    prod = 1.0
    for t, (lr, step) in enumerate(zip(lrs, grads, strict=True), start=1):
        prod *= mu(t)
        for i, g in enumerate(step):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g**2
            m_hat = mu(t + 1) * m[i] / (1 - prod * mu(t + 1)) + (1 - mu(t)) * g / (
                1 - prod
            )
            v_hat = v[i] / (1 - b2**t)
            p[i] = p[i] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


def ref_nadam_optax(params, grads, lrs, b1, b2, eps):
    """optax.nadam: Adam with a Nesterov-corrected first moment, no schedule."""
    p = _copy(params)
    m = [np.zeros_like(x) for x in p]
    v = [np.zeros_like(x) for x in p]
    for t, (lr, step) in enumerate(zip(lrs, grads, strict=True), start=1):
        for i, g in enumerate(step):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g**2
            m_hat = b1 * m[i] / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1**t)
            p[i] = p[i] - lr * m_hat / (np.sqrt(v[i] / (1 - b2**t)) + eps)
    return p


def ref_adamax(params, grads, lrs, b1, b2, eps, variant):
    p = _copy(params)
    m = [np.zeros_like(x) for x in p]
    u = [np.zeros_like(x) for x in p]
    for t, (lr, step) in enumerate(zip(lrs, grads, strict=True), start=1):
        for i, g in enumerate(step):
            m[i] = b1 * m[i] + (1 - b1) * g
            if variant == "keras":
                u[i] = np.maximum(b2 * u[i], np.abs(g))
                p[i] = p[i] - lr * m[i] / ((1 - b1**t) * (u[i] + eps))
            else:
                u[i] = np.maximum(b2 * u[i], np.abs(g) + eps)
                p[i] = p[i] - lr / (1 - b1**t) * m[i] / u[i]
    return p


def ref_rmsprop(params, grads, lrs, rho, eps, mu, centered, variant):
    p = _copy(params)
    s = [np.zeros_like(x) for x in p]
    gbar = [np.zeros_like(x) for x in p]
    buf = [np.zeros_like(x) for x in p]
    for lr, step in zip(lrs, grads, strict=True):
        for i, g in enumerate(step):
            s[i] = rho * s[i] + (1 - rho) * g**2
            gbar[i] = rho * gbar[i] + (1 - rho) * g
            ms = s[i] - gbar[i] ** 2 if centered else s[i]
            if variant == "keras":
                inc = lr * g / np.sqrt(ms + eps)
                buf[i] = mu * buf[i] + inc
                p[i] = p[i] - (buf[i] if mu > 0 else inc)
            else:
                inc = g / (np.sqrt(ms) + eps)
                buf[i] = mu * buf[i] + inc
                p[i] = p[i] - lr * (buf[i] if mu > 0 else inc)
    return p


def ref_adagrad(params, grads, lrs, init, eps, variant, lr_decay):
    p = _copy(params)
    s = [np.full_like(x, init) for x in p]
    for t, (lr, step) in enumerate(zip(lrs, grads, strict=True), start=1):
        clr = lr / (1 + (t - 1) * lr_decay)
        for i, g in enumerate(step):
            s[i] = s[i] + g**2
            if variant == "keras":
                p[i] = p[i] - clr * g / np.sqrt(s[i] + eps)
            else:
                p[i] = p[i] - clr * g / (np.sqrt(s[i]) + eps)
    return p


def ref_adadelta(params, grads, lrs, rho, eps):
    p = _copy(params)
    eg = [np.zeros_like(x) for x in p]
    ed = [np.zeros_like(x) for x in p]
    for lr, step in zip(lrs, grads, strict=True):
        for i, g in enumerate(step):
            eg[i] = rho * eg[i] + (1 - rho) * g**2
            delta = np.sqrt(ed[i] + eps) / np.sqrt(eg[i] + eps) * g
            ed[i] = rho * ed[i] + (1 - rho) * delta**2
            p[i] = p[i] - lr * delta
    return p


def ref_lion(params, grads, lrs, b1, b2, wd, decay):
    p = _copy(params)
    m = [np.zeros_like(x) for x in p]
    for lr, step in zip(lrs, grads, strict=True):
        for i, g in enumerate(step):
            if decay[i]:
                p[i] = p[i] * (1 - lr * wd)
            p[i] = p[i] - lr * np.sign(b1 * m[i] + (1 - b1) * g)
            m[i] = b2 * m[i] + (1 - b2) * g
    return p


def _sched(lr0):
    return InvScaling(lr0, power_t=0.5)


ADAM_HP = {"beta_1": 0.8, "beta_2": 0.6, "epsilon": 1e-2}
ADAM_REF = (0.8, 0.6, 1e-2)

TRAJECTORIES = {}
for _mu, _nest in [(0.9, True), (0.9, False), (0.0, False)]:
    TRAJECTORIES[f"sgd-keras-mu{_mu}-nesterov{_nest}"] = (
        SGD(_sched(0.05), momentum=_mu, nesterov=_nest),
        lambda p, g, lrs, mu=_mu, n=_nest: ref_sgd_keras(p, g, lrs, mu, n),
    )
for _mu, _nest, _damp in [(0.9, True, 0.0), (0.9, False, 0.0), (0.7, False, 0.3)]:
    TRAJECTORIES[f"sgd-torch-mu{_mu}-nesterov{_nest}-damp{_damp}"] = (
        SGD(
            _sched(0.05), momentum=_mu, nesterov=_nest, variant="torch", dampening=_damp
        ),
        lambda p, g, lrs, mu=_mu, n=_nest, d=_damp: ref_sgd_torch(p, g, lrs, mu, n, d),
    )
TRAJECTORIES["sgd-torch-mu0"] = (
    SGD(_sched(0.05), momentum=0.0, nesterov=False, variant="torch"),
    lambda p, g, lrs: ref_sgd_torch(p, g, lrs, 0.0, False, 0.0),
)
for _variant in ["keras", "torch"]:
    for _ams in [False, True]:
        TRAJECTORIES[f"adam-{_variant}-amsgrad{_ams}"] = (
            Adam(_sched(0.05), **ADAM_HP, amsgrad=_ams, variant=_variant),
            lambda p, g, lrs, a=_ams, v=_variant: ref_adam(p, g, lrs, *ADAM_REF, a, v),
        )
        for _db in [False, True]:
            TRAJECTORIES[f"adamw-{_variant}-amsgrad{_ams}-decay_biases{_db}"] = (
                AdamW(
                    _sched(0.05),
                    **ADAM_HP,
                    weight_decay=0.5,
                    amsgrad=_ams,
                    variant=_variant,
                    decay_biases=_db,
                ),
                lambda p, g, lrs, a=_ams, v=_variant, db=_db: ref_adam(
                    p, g, lrs, *ADAM_REF, a, v, wd=0.5, decay=[True, db]
                ),
            )
TRAJECTORIES["adam-defaults"] = (
    Adam(_sched(0.001)),
    lambda p, g, lrs: ref_adam(p, g, lrs, 0.9, 0.999, 1e-8, False, "keras"),
)
TRAJECTORIES["adamw-defaults"] = (
    AdamW(_sched(0.001)),
    lambda p, g, lrs: ref_adam(
        p, g, lrs, 0.9, 0.999, 1e-8, False, "keras", wd=0.01, decay=[True, False]
    ),
)
for _psi in [0.004, 1.0, 0.0, math.inf]:
    TRAJECTORIES[f"nadam-psi{_psi}"] = (
        NAdam(_sched(0.05), beta_1=0.8, beta_2=0.6, epsilon=1e-2, momentum_decay=_psi),
        lambda p, g, lrs, psi=_psi: ref_nadam(p, g, lrs, 0.8, 0.6, 1e-2, psi),
    )
TRAJECTORIES["nadam-inf-is-optax"] = (
    NAdam(_sched(0.05), beta_1=0.8, beta_2=0.6, epsilon=1e-2, momentum_decay=math.inf),
    lambda p, g, lrs: ref_nadam_optax(p, g, lrs, 0.8, 0.6, 1e-2),
)
TRAJECTORIES["nadam-defaults"] = (
    NAdam(_sched(0.001)),
    lambda p, g, lrs: ref_nadam(p, g, lrs, 0.9, 0.999, 1e-8, 0.004),
)
for _variant in ["keras", "torch"]:
    TRAJECTORIES[f"adamax-{_variant}"] = (
        Adamax(_sched(0.05), beta_1=0.8, beta_2=0.6, epsilon=0.1, variant=_variant),
        lambda p, g, lrs, v=_variant: ref_adamax(p, g, lrs, 0.8, 0.6, 0.1, v),
    )
    for _mu in [0.0, 0.5]:
        for _centered in [False, True]:
            TRAJECTORIES[f"rmsprop-{_variant}-mu{_mu}-centered{_centered}"] = (
                RMSprop(
                    _sched(0.01),
                    rho=0.8,
                    epsilon=1e-2,
                    momentum=_mu,
                    centered=_centered,
                    variant=_variant,
                ),
                lambda p, g, lrs, m=_mu, c=_centered, v=_variant: ref_rmsprop(
                    p, g, lrs, 0.8, 1e-2, m, c, v
                ),
            )
    for _decay in [0.0, 0.3]:
        TRAJECTORIES[f"adagrad-{_variant}-lr_decay{_decay}"] = (
            Adagrad(
                _sched(0.1),
                initial_accumulator_value=0.2,
                epsilon=0.05,
                variant=_variant,
                lr_decay=_decay,
            ),
            lambda p, g, lrs, v=_variant, d=_decay: ref_adagrad(
                p, g, lrs, 0.2, 0.05, v, d
            ),
        )
TRAJECTORIES["adamax-defaults"] = (
    Adamax(_sched(0.001)),
    lambda p, g, lrs: ref_adamax(p, g, lrs, 0.9, 0.999, 1e-8, "keras"),
)
TRAJECTORIES["rmsprop-defaults"] = (
    RMSprop(_sched(0.001)),
    lambda p, g, lrs: ref_rmsprop(p, g, lrs, 0.9, 1e-7, 0.0, False, "keras"),
)
TRAJECTORIES["adagrad-defaults"] = (
    Adagrad(_sched(0.001)),
    lambda p, g, lrs: ref_adagrad(p, g, lrs, 0.1, 1e-7, "keras", 0.0),
)
TRAJECTORIES["adadelta-defaults"] = (
    Adadelta(_sched(1.0)),
    lambda p, g, lrs: ref_adadelta(p, g, lrs, 0.9, 1e-6),
)
TRAJECTORIES["adadelta-keras-hyperparameters"] = (
    Adadelta(_sched(0.5), rho=0.95, epsilon=1e-3),
    lambda p, g, lrs: ref_adadelta(p, g, lrs, 0.95, 1e-3),
)
for _wd, _db in [(0.0, False), (0.3, False), (0.3, True)]:
    TRAJECTORIES[f"lion-wd{_wd}-decay_biases{_db}"] = (
        Lion(_sched(0.05), beta_1=0.8, beta_2=0.95, weight_decay=_wd, decay_biases=_db),
        lambda p, g, lrs, wd=_wd, db=_db: ref_lion(
            p, g, lrs, 0.8, 0.95, wd, [True, db]
        ),
    )
TRAJECTORIES["lion-defaults"] = (
    Lion(_sched(0.001)),
    lambda p, g, lrs: ref_lion(p, g, lrs, 0.9, 0.99, 0.0, [True, False]),
)


def _assert_params_close(actual, expected, rtol=1e-12):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        assert a.shape == e.shape and a.dtype == np.float64
        np.testing.assert_allclose(a, e, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("case", sorted(TRAJECTORIES))
def test_trajectory_matches_update_equation(case):
    opt, ref = TRAJECTORIES[case]
    params, grads = _problem(sum(map(ord, case)) % 1000)
    out, state = _run(opt, params, grads)
    lr0 = opt.learning_rate.learning_rate
    expected = ref(params, grads, _lrs(lr0))
    _assert_params_close(out, expected)
    for a, p in zip(out, params, strict=True):
        assert np.abs(a - p).max() > 1e-4  # every array moved
    assert state._fields[0] == "schedule"
    assert state.lr == pytest.approx(lr0 / math.sqrt(10 * N_STEPS + 1), rel=1e-15)


# Each pair differs only in one switch: the switch must change the trajectory.
SWITCHES = [
    (
        SGD(_sched(0.05), nesterov=False),
        SGD(_sched(0.05), nesterov=False, variant="torch"),
    ),
    (
        SGD(0.05, momentum=0.7, nesterov=False, variant="torch"),
        SGD(0.05, momentum=0.7, nesterov=False, variant="torch", dampening=0.3),
    ),
    (Adam(0.05, **ADAM_HP), Adam(0.05, **ADAM_HP, variant="torch")),
    (Adam(0.05, **ADAM_HP), Adam(0.05, **ADAM_HP, amsgrad=True)),
    (AdamW(0.05, weight_decay=0.0), Adam(0.05, variant="keras")),
    (AdamW(0.05, weight_decay=0.5), AdamW(0.05, weight_decay=0.5, decay_biases=True)),
    (AdamW(0.05, **ADAM_HP), AdamW(0.05, **ADAM_HP, variant="torch")),
    (NAdam(0.05), NAdam(0.05, momentum_decay=1.0)),
    (Adamax(0.05, epsilon=0.1), Adamax(0.05, epsilon=0.1, variant="torch")),
    (RMSprop(0.01, epsilon=1e-2), RMSprop(0.01, epsilon=1e-2, variant="torch")),
    (
        RMSprop(_sched(0.01), momentum=0.5),
        RMSprop(_sched(0.01), momentum=0.5, variant="torch"),
    ),
    (Adagrad(0.1, epsilon=0.05), Adagrad(0.1, epsilon=0.05, variant="torch")),
    (Adagrad(0.1), Adagrad(0.1, lr_decay=0.3)),
    (Lion(0.05, weight_decay=0.3), Lion(0.05, weight_decay=0.3, decay_biases=True)),
]


@pytest.mark.parametrize("a, b", SWITCHES, ids=[repr(b) for _, b in SWITCHES])
def test_switch_changes_the_trajectory(a, b):
    params, grads = _problem(11)
    out_a, _ = _run(a, params, grads)
    out_b, _ = _run(b, params, grads)
    same = [
        np.allclose(x, y, rtol=0, atol=1e-9) for x, y in zip(out_a, out_b, strict=True)
    ]
    if isinstance(a, AdamW) and a.weight_decay == 0:
        assert all(same)  # AdamW(weight_decay=0) is Adam
        _assert_params_close(out_a, out_b, rtol=0)
    elif getattr(b, "decay_biases", False):
        assert same == [True, False]  # only the biases change
    else:
        assert not any(same)


def test_sgd_forms_coincide_for_a_constant_rate():
    params, grads = _problem(12)
    for nesterov in (False, True):
        keras, _ = _run(SGD(0.05, nesterov=nesterov), params, grads)
        torch, _ = _run(SGD(0.05, nesterov=nesterov, variant="torch"), params, grads)
        _assert_params_close(keras, torch)


# ------------------------------------------------------------------ progress
A_QUAD = [np.linspace(1.0, 10.0, 12).reshape(3, 4), np.linspace(0.5, 2.0, 4)]


def _quadratic(p):
    value = 0.5 * sum(float((a * x * x).sum()) for a, x in zip(A_QUAD, p, strict=True))
    return value, [a * x for a, x in zip(A_QUAD, p, strict=True)]


def _rosenbrock(p):
    x, y = p[0][0], p[1][0]
    value = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    gx = -2 * (1 - x) - 400 * x * (y - x * x)
    return float(value), [np.array([gx]), np.array([200 * (y - x * x)])]


def _descend(opt, fun, p0, n_steps):
    p = _copy(p0)
    state = opt.init(p, IS_BIAS)
    for _ in range(n_steps):
        _, g = fun(p)
        state = opt.update(p, g, state)
    return fun(p)[0]


# name: (optimizer for the quadratic, optimizer for Rosenbrock's function)
PROGRESS = {
    "sgd": (SGD(0.001), SGD(0.001)),
    "sgd-torch": (SGD(0.002, variant="torch"), SGD(0.002, variant="torch")),
    "adam": (Adam(0.05), Adam(0.05)),
    "adam-torch-amsgrad": (
        Adam(0.05, variant="torch", amsgrad=True),
        Adam(0.05, variant="torch", amsgrad=True),
    ),
    "adamw": (AdamW(0.05), AdamW(0.05)),
    "nadam": (NAdam(0.05), NAdam(0.05)),
    "nadam-keras": (NAdam(0.05, momentum_decay=1.0), NAdam(0.05, momentum_decay=1.0)),
    "adamax": (Adamax(0.1), Adamax(0.2)),
    "adamax-torch": (Adamax(0.1, variant="torch"), Adamax(0.2, variant="torch")),
    "rmsprop": (RMSprop(0.01), RMSprop(0.01)),
    "rmsprop-torch": (
        RMSprop(0.01, momentum=0.5, variant="torch"),
        RMSprop(0.01, momentum=0.5, variant="torch"),
    ),
    "adagrad": (Adagrad(0.5), Adagrad(0.5)),
    "adagrad-torch": (Adagrad(0.5, variant="torch"), Adagrad(0.5, variant="torch")),
    "adadelta": (Adadelta(3.0), Adadelta(1.0)),
    "lion": (Lion(0.02), Lion(0.01)),
    "clip-global-adam": (
        ClipByGlobalNorm(Adam(0.05), max_norm=1.0),
        ClipByGlobalNorm(Adam(0.05), max_norm=1.0),
    ),
    "clip-norm-sgd": (
        ClipByNorm(SGD(0.01), max_norm=1.0),
        ClipByNorm(SGD(0.001), max_norm=10.0),
    ),
    "clip-value-rmsprop": (
        ClipByValue(RMSprop(0.01), clip_value=5.0),
        ClipByValue(RMSprop(0.01), clip_value=5.0),
    ),
}


@pytest.mark.parametrize("name", sorted(PROGRESS))
def test_decreases_quadratic_and_rosenbrock(name):
    quad_opt, rosen_opt = PROGRESS[name]
    rng = np.random.RandomState(0)
    q0 = [rng.normal(size=s) for s in SHAPES]
    f0 = _quadratic(q0)[0]
    assert _descend(quad_opt, _quadratic, q0, 300) < 0.01 * f0
    r0 = [np.array([-1.2]), np.array([1.0])]
    assert _rosenbrock(r0)[0] == pytest.approx(24.2)
    # well past the valley's entrance (f = 4.84 at (-1.2, 1.44)) towards (1, 1)
    assert _descend(rosen_opt, _rosenbrock, r0, 1000) < 1.0


# ------------------------------------------------------- decoupled weight decay
@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: AdamW(0.1, weight_decay=0.5, **kw),
        lambda **kw: AdamW(0.1, weight_decay=0.5, variant="torch", **kw),
        lambda **kw: Lion(0.1, weight_decay=0.5, **kw),
    ],
    ids=["adamw", "adamw-torch", "lion"],
)
def test_decoupled_decay_spares_biases_by_default(make):
    w, b = np.full((2, 3), 1.0), np.full(3, 1.0)
    zero = [np.zeros((2, 3)), np.zeros(3)]
    factor = (1 - 0.1 * 0.5) ** 3

    def run(opt, is_bias):
        p = [w.copy(), b.copy()]
        state = opt.init(p, is_bias)
        for _ in range(3):
            state = opt.update(p, _copy(zero), state)
        return p

    p = run(make(), [False, True])  # zero gradients: only the decay moves
    np.testing.assert_allclose(p[0], factor, rtol=1e-15)
    np.testing.assert_array_equal(p[1], 1.0)
    p = run(make(decay_biases=True), [False, True])
    np.testing.assert_allclose(p[0], factor, rtol=1e-15)
    np.testing.assert_allclose(p[1], factor, rtol=1e-15)
    # without is_bias nothing is known to be a bias: everything decays
    p = run(make(), None)
    np.testing.assert_allclose(p[1], factor, rtol=1e-15)


def test_adamw_decay_uses_the_scheduled_rate():
    opt = AdamW(learning_rate=Adaptive(0.1), weight_decay=0.5)
    p = [np.ones(2), np.ones(2)]
    state = opt.init(p, [False, True])
    state = opt.update(p, [np.zeros(2), np.zeros(2)], state)
    state, stop = opt.on_plateau(state)
    assert not stop and state.lr == pytest.approx(0.02)
    state = opt.update(p, [np.zeros(2), np.zeros(2)], state)
    np.testing.assert_allclose(p[0], (1 - 0.05) * (1 - 0.01), rtol=1e-15)
    np.testing.assert_array_equal(p[1], 1.0)


def test_adamw_in_estimator_decays_intercepts_only_if_asked():
    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    kw = {"hidden_layer_sizes": (4,), "max_iter": 5, "random_state": 0, "alpha": 0.0}
    # lr * weight_decay = 0.9: each step keeps a tenth of every decayed weight
    spared = MLPClassifier(optimizer=AdamW(weight_decay=900.0), **kw).fit(X, y)
    decayed = MLPClassifier(
        optimizer=AdamW(weight_decay=900.0, decay_biases=True), **kw
    ).fit(X, y)
    for fit in (spared, decayed):
        assert max(np.abs(W).max() for W in fit.coefs_) < 0.01
    assert max(np.abs(b).max() for b in decayed.intercepts_) < 0.01
    assert max(np.abs(b).max() for b in spared.intercepts_) > 0.1


# ------------------------------------------------------------------- clipping
def _plain_sgd():
    return SGD(learning_rate=1.0, momentum=0.0)


def _one_step(opt, grads, params=None):
    params = params or [np.zeros(g.shape) for g in grads]
    start = _copy(params)
    state = opt.init(params, IS_BIAS)
    state = opt.update(params, grads, state)
    used = [s - p for s, p in zip(start, params, strict=True)]  # = the gradient used
    return used, state


def test_clip_by_value_is_elementwise():
    g = [np.array([[3.0, -0.2], [-5.0, 0.5]]), np.array([0.7, -0.71])]
    used, _ = _one_step(ClipByValue(_plain_sgd(), clip_value=0.7), _copy(g))
    np.testing.assert_array_equal(used[0], [[0.7, -0.2], [-0.7, 0.5]])
    np.testing.assert_array_equal(used[1], [0.7, -0.7])


def test_clip_by_norm_is_per_array():
    g = [np.array([[3.0, 4.0], [0.0, 12.0]]), np.array([3.0, 4.0])]  # 13 and 5
    used, _ = _one_step(ClipByNorm(_plain_sgd(), max_norm=6.5), _copy(g))
    np.testing.assert_allclose(used[0], g[0] * 0.5, rtol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(used[0]), 6.5, rtol=1e-15)
    np.testing.assert_array_equal(used[1], g[1])  # norm 5 <= 6.5: untouched


def test_clip_by_global_norm_scales_all_arrays_together():
    g = [np.array([[3.0, 4.0], [0.0, 12.0]]), np.array([3.0, 4.0])]
    total = math.sqrt(13**2 + 5**2)
    used, _ = _one_step(ClipByGlobalNorm(_plain_sgd(), max_norm=7.0), _copy(g))
    for u, x in zip(used, g, strict=True):
        np.testing.assert_allclose(u, x * 7.0 / total, rtol=1e-15)
    assert math.sqrt(sum((u**2).sum() for u in used)) == pytest.approx(7.0, rel=1e-14)
    # at or under the threshold nothing changes
    used, _ = _one_step(ClipByGlobalNorm(_plain_sgd(), max_norm=total), _copy(g))
    for u, x in zip(used, g, strict=True):
        np.testing.assert_array_equal(u, x)


@pytest.mark.parametrize(
    "wrapper, clip",
    [
        (
            lambda o: ClipByValue(o, clip_value=0.3),
            lambda gs: [np.clip(g, -0.3, 0.3) for g in gs],
        ),
        (
            lambda o: ClipByNorm(o, max_norm=0.8),
            lambda gs: [g * 0.8 / max(np.linalg.norm(g), 0.8) for g in gs],
        ),
        (
            lambda o: ClipByGlobalNorm(o, max_norm=1.2),
            lambda gs: [
                g * min(1.0, 1.2 / math.sqrt(sum((h**2).sum() for h in gs))) for g in gs
            ],
        ),
    ],
    ids=["value", "norm", "global-norm"],
)
def test_clipped_trajectory_is_inner_optimizer_on_clipped_gradients(wrapper, clip):
    params, grads = _problem(21)
    inner = Adam(_sched(0.05), **ADAM_HP, amsgrad=True)
    out, state = _run(wrapper(inner), params, grads)
    clipped = [clip(step) for step in grads]
    assert any(not np.allclose(c, g) for c, g in zip(clipped[0], grads[0], strict=True))
    expected = ref_adam(params, clipped, _lrs(0.05), *ADAM_REF, True, "keras")
    _assert_params_close(out, expected)
    assert type(state).__name__ == "AdamState" and state.t == N_STEPS


def test_clipping_delegates_to_the_inner_optimizer():
    inner = Adam(learning_rate=Adaptive(0.01))
    opt = ClipByGlobalNorm(inner, max_norm=2.0)
    assert opt.stochastic is True
    assert opt.schedule() == inner.schedule() == Adaptive(0.01)
    params, grads = _problem(22)
    p = _copy(params)
    state = opt.init(p, IS_BIAS)
    assert state._fields == inner.init(_copy(params))._fields
    assert state.lr == 0.01
    state = opt.update(p, _copy(grads[0]), state)
    for i in range(2):
        np.testing.assert_array_equal(
            opt.step_size(state, i), inner.step_size(state, i)
        )
    state = opt.end_epoch(state, n_samples_seen=10, epoch=1, loss=1.0)
    state, stop = opt.on_plateau(state)
    assert not stop and state.lr == pytest.approx(0.002)
    # wrappers nest: the outer clip runs first
    nested = ClipByValue(ClipByNorm(_plain_sgd(), max_norm=0.5), clip_value=0.5)
    used, _ = _one_step(nested, [np.array([3.0, 0.2]), np.array([0.1])])
    expected = np.array([0.5, 0.2]) * 0.5 / math.hypot(0.5, 0.2)
    np.testing.assert_allclose(used[0], expected, rtol=1e-15)
    np.testing.assert_array_equal(used[1], [0.1])
    # a name stands for that optimizer with its defaults
    by_name = ClipByValue("rmsprop")
    assert by_name.schedule() == RMSprop().schedule()
    assert type(by_name.init(_copy(params))).__name__ == "RMSpropState"


def test_clipping_refuses_full_batch_optimizers():
    opt = ClipByGlobalNorm(LBFGS())
    assert opt.stochastic is False
    with pytest.raises(ValueError, match="ClipByGlobalNorm optimizer"):
        opt.init([np.zeros(2)])
    with pytest.raises(ValueError, match="ClipByGlobalNorm optimizer"):
        opt.minimize(None, np.zeros(2), max_iter=1, max_fun=1, tol=1e-4)
    X, y = make_classification(n_samples=30, n_features=4, random_state=0)
    with pytest.raises(ValueError, match="full-batch"):
        MLPClassifier(optimizer=opt, max_iter=2).fit(X, y)


def test_clipping_nested_params_and_clone():
    opt = ClipByGlobalNorm(AdamW(beta_1=0.8), max_norm=3.0)
    params = opt.get_params(deep=True)
    assert params["optimizer__beta_1"] == 0.8
    assert params["optimizer__weight_decay"] == 0.01
    assert params["max_norm"] == 3.0
    assert set(opt.get_params(deep=False)) == {"optimizer", "max_norm"}
    twin = clone(opt)
    assert twin == opt and twin.optimizer is not opt.optimizer
    twin.set_params(optimizer__beta_1=0.5, max_norm=1.0)
    assert twin.optimizer.beta_1 == 0.5 and twin.max_norm == 1.0
    assert opt.optimizer.beta_1 == 0.8 and opt.max_norm == 3.0
    assert repr(opt) == "ClipByGlobalNorm(max_norm=3.0, optimizer=AdamW(beta_1=0.8))"
    deeper = ClipByValue(ClipByNorm(Lion()), clip_value=0.1)
    deeper.set_params(optimizer__optimizer__beta_2=0.5)
    assert deeper.get_params()["optimizer__optimizer__beta_2"] == 0.5


# --------------------------------------------------------------- step sizes
def test_step_size_is_the_factor_each_new_optimizer_applied():
    rng = np.random.RandomState(3)
    g = rng.normal(size=(3, 2))
    cases = {
        # optimizer: the direction its step size multiplies on the first step
        # (Adam-like: the bias-corrected first moment, which is g at step 1)
        AdamW(0.01, weight_decay=0.0): lambda o: g,
        Adam(0.01, variant="torch"): lambda o: g,
        Adam(0.01, amsgrad=True): lambda o: g,
        Adamax(0.01): lambda o: g,
        Adamax(0.01, variant="torch"): lambda o: g,
        RMSprop(0.01, variant="torch"): lambda o: g,
        RMSprop(0.01, centered=True, variant="torch"): lambda o: g,
        Adagrad(0.01): lambda o: g,
        Adagrad(0.01, variant="torch", lr_decay=0.5): lambda o: g,
        Adadelta(): lambda o: g,
        Lion(0.01): lambda o: np.sign(g),
        SGD(0.01, variant="torch", nesterov=False, momentum=0.0): lambda o: g,
    }
    for opt, direction in cases.items():
        p = [np.zeros((3, 2))]
        state = opt.update(p, [g.copy()], opt.init(p))
        step = opt.step_size(state, 0)
        np.testing.assert_allclose(p[0], -step * direction(opt), rtol=1e-12)
    # NAdam: the factor in front of its (bias-corrected) Nesterov direction
    opt = NAdam(0.01)
    p = [np.zeros((3, 2))]
    state = opt.update(p, [g.copy()], opt.init(p))
    mu1, mu2 = (0.9 * (1 - 0.5 * 0.96 ** (t * 0.004)) for t in (1, 2))
    m = (1 - opt.beta_1) * g
    direction = (1 - mu1) / (1 - mu1) * g + mu2 / (1 - mu1 * mu2) * m
    np.testing.assert_allclose(p[0], -opt.step_size(state, 0) * direction, rtol=1e-12)


# --------------------------------------------------------------- validation
INVALID = [
    (SGD(learning_rate=-0.1), "SGD learning_rate"),
    (SGD(variant="pytorch"), "SGD variant"),
    (SGD(variant="torch", dampening=0.5), "SGD dampening"),
    (SGD(variant="torch", nesterov=False, dampening=1.5), "SGD dampening"),
    (SGD(dampening=0.5, nesterov=False), "SGD dampening"),
    (Adam(learning_rate=0.0), "Adam learning_rate"),
    (Adam(beta_1=1.0), "Adam beta_1"),
    (Adam(variant="tf"), "Adam variant"),
    (Adam(amsgrad="yes"), "Adam amsgrad"),
    (AdamW(learning_rate=-1.0), "AdamW learning_rate"),
    (AdamW(weight_decay=-0.01), "AdamW weight_decay"),
    (AdamW(beta_2=-0.1), "AdamW beta_2"),
    (AdamW(decay_biases=None), "AdamW decay_biases"),
    (NAdam(beta_1=1.5), "NAdam beta_1"),
    (NAdam(momentum_decay=-0.004), "NAdam momentum_decay"),
    (NAdam(epsilon=0.0), "NAdam epsilon"),
    (Adamax(beta_2=1.0), "Adamax beta_2"),
    (Adamax(variant=None), "Adamax variant"),
    (RMSprop(variant="Torch"), "RMSprop variant"),
    (RMSprop(learning_rate=-0.01), "RMSprop learning_rate"),
    (Adagrad(initial_accumulator_value=-0.1), "Adagrad initial_accumulator_value"),
    (Adagrad(lr_decay=-1.0), "Adagrad lr_decay"),
    (Adagrad(variant="optax"), "Adagrad variant"),
    (Adadelta(rho=1.0), "Adadelta rho"),
    (Adadelta(learning_rate=-1.0), "Adadelta learning_rate"),
    (Lion(beta_1=-0.5), "Lion beta_1"),
    (Lion(weight_decay=-1.0), "Lion weight_decay"),
    (Lion(weight_decay=math.inf), "Lion weight_decay"),
    (ClipByValue(Adam(), clip_value=-1.0), "ClipByValue clip_value"),
    (ClipByNorm(Adam(), max_norm=0.0), "ClipByNorm max_norm"),
    (ClipByGlobalNorm(Adam(), max_norm=-2.0), "ClipByGlobalNorm max_norm"),
    (ClipByGlobalNorm(Adam(beta_1=2.0)), "Adam beta_1"),
    (ClipByValue("adma"), "adma"),
]


@pytest.mark.parametrize("opt, message", INVALID, ids=[m for _, m in INVALID])
def test_invalid_parameter_raises_at_init(opt, message):
    with pytest.raises(ValueError, match=message):
        opt.init([np.zeros((2, 2)), np.zeros(2)], IS_BIAS)


def test_is_bias_must_match_params():
    with pytest.raises(ValueError, match="AdamW is_bias"):
        AdamW().init([np.zeros(2), np.zeros(2)], [False])
    with pytest.raises(ValueError, match="Lion is_bias"):
        Lion().init([np.zeros(2)], [False, True])


def test_schedule_learning_rate_is_checked():
    with pytest.raises(ValueError, match="InvScaling learning_rate"):
        NAdam(learning_rate=InvScaling(-1.0)).init([np.zeros(2)])


# ------------------------------------------------------------ purity, registry
PURE = [
    SGD(InvScaling(0.05), variant="torch", nesterov=False, dampening=0.2),
    Adam(0.01, amsgrad=True, variant="torch"),
    AdamW(Adaptive(0.01), weight_decay=0.1),
    NAdam(0.01),
    Adamax(0.01, variant="torch"),
    RMSprop(0.01, momentum=0.5, centered=True, variant="torch"),
    Adagrad(0.01, lr_decay=0.1),
    Adadelta(),
    Lion(0.01, weight_decay=0.1),
    ClipByValue(AdamW(), clip_value=0.5),
    ClipByNorm(Lion(), max_norm=0.5),
    ClipByGlobalNorm(ClipByValue(NAdam(Adaptive(0.01))), max_norm=0.5),
]


@pytest.mark.parametrize("opt", PURE, ids=repr)
def test_optimizer_object_not_mutated(opt):
    params, grads = _problem(31)
    before_params = opt.get_params(deep=True)
    before_hash = joblib.hash(opt)
    _, state = _run(opt, params, grads)
    opt.on_plateau(state)
    assert opt.get_params(deep=True) == before_params
    assert joblib.hash(opt) == before_hash


def test_registry_has_the_catalog():
    assert {
        "sgd",
        "adam",
        "adamw",
        "nadam",
        "adamax",
        "rmsprop",
        "adagrad",
        "adadelta",
        "lion",
        "lbfgs",
    } <= set(OPTIMIZERS)
    assert all(name == name.lower() for name in OPTIMIZERS)
    for name in ["ClipByValue", "ClipByNorm", "ClipByGlobalNorm", "AdamW", "Lion"]:
        assert name in optimizers.__all__ and hasattr(optimizers, name)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_name_resolves_clones_and_round_trips(name):
    opt = optimizers.get(name)
    cls = OPTIMIZERS[name]
    assert type(opt) is cls and optimizers.get(name.title()) == opt
    assert repr(opt) == f"{cls.__name__}()"
    cloned = clone(opt)
    assert cloned is not opt and cloned == opt
    params = opt.get_params(deep=False)
    assert cls().set_params(**params) == opt
    # change every float parameter: repr shows it and evaluates back
    changed = {k: v / 2 for k, v in params.items() if isinstance(v, float)}
    other = clone(opt).set_params(**changed)
    assert other != opt and other.get_params(deep=False) == {**params, **changed}
    assert eval(repr(other), vars(optimizers)) == other
    assert joblib.hash(clone(other)) == joblib.hash(other)


@pytest.mark.parametrize(
    "name", ["adamw", "nadam", "adamax", "rmsprop", "adagrad", "adadelta", "lion"]
)
def test_string_names_take_learning_rate_init_only(name):
    est = MLPClassifier(
        optimizer=name, learning_rate_init=0.02, beta_1=0.5, momentum=0.1
    )
    opt = OPTIMIZERS[name].from_estimator_params(est.get_params(deep=False))
    assert opt == OPTIMIZERS[name](learning_rate=0.02)


# ------------------------------------------------------------------ estimator
X_SMALL, Y_SMALL = make_classification(
    n_samples=60, n_features=5, n_informative=3, random_state=0
)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_name_fits_an_mlp(name):
    clf = MLPClassifier(
        hidden_layer_sizes=(5,),
        optimizer=name,
        max_iter=5,
        penalty="l1",
        alpha=1e-3,
        random_state=0,
    ).fit(X_SMALL, Y_SMALL)
    assert type(clf.optimizer_) is OPTIMIZERS[name]
    assert all(np.isfinite(w).all() for w in clf.coefs_ + clf.intercepts_)
    assert np.isfinite(clf.loss_)
    assert clf.predict(X_SMALL).shape == (60,)


def test_grid_search_tunes_a_nested_optimizer_parameter():
    clf = MLPClassifier(
        optimizer=ClipByGlobalNorm(AdamW()),
        max_iter=5,
        hidden_layer_sizes=(8,),
        random_state=0,
    )
    grid = {"optimizer__optimizer__weight_decay": [0.0, 0.1]}
    search = GridSearchCV(clf, grid, cv=2).fit(X_SMALL, Y_SMALL)
    assert len(search.cv_results_["params"]) == 2
    best = search.best_params_["optimizer__optimizer__weight_decay"]
    assert best in (0.0, 0.1)
    assert search.best_estimator_.optimizer_ == ClipByGlobalNorm(
        AdamW(weight_decay=best)
    )
    assert clf.optimizer.optimizer.weight_decay == 0.01  # the template is untouched
    # the nested parameter reaches the fit
    fits = [
        clone(clf)
        .set_params(optimizer__optimizer__weight_decay=wd)
        .fit(X_SMALL, Y_SMALL)
        for wd in (0.0, 50.0)
    ]
    assert np.linalg.norm(fits[1].coefs_[0]) < np.linalg.norm(fits[0].coefs_[0])
