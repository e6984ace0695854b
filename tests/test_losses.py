"""Loss values against their formulas, including the one-hot shortcut of the log-loss."""

import numpy as np
import pytest
from scipy.special import xlogy

from skweights.losses import BinaryLogLoss, LogLoss, Poisson, SquaredError


def _probabilities(n=40, k=5, seed=0):
    rng = np.random.RandomState(seed)
    p = rng.dirichlet(np.ones(k), size=n)
    labels = rng.randint(k, size=n)
    return p, np.eye(k, dtype=bool)[labels]


@pytest.mark.parametrize("weighted", [False, True])
def test_log_loss_one_hot_shortcut_equals_the_full_formula(weighted):
    p, y = _probabilities()
    sw = np.random.RandomState(1).rand(len(p)) if weighted else None
    full = -np.average(xlogy(y.astype(float), p), weights=sw, axis=0).sum()
    assert LogLoss().value(y, p, sw) == pytest.approx(full, rel=1e-13)
    # float labels take the general path and agree
    assert LogLoss().value(y.astype(float), p, sw) == pytest.approx(full, rel=1e-13)


def test_log_loss_rows_that_are_not_one_hot_use_the_general_path():
    p, y = _probabilities(n=4, k=3)
    y = np.array([[1, 1, 0], [0, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=bool)  # sum 4
    expected = -np.average(xlogy(y, p), axis=0).sum()
    assert LogLoss().value(y, p) == pytest.approx(expected, rel=1e-13)


def test_log_loss_clips_zero_probabilities():
    p = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([[False, True], [False, True]])
    eps = np.finfo(float).eps
    assert LogLoss().value(y, p) == pytest.approx(-(np.log(eps) + np.log1p(-eps)) / 2)


def test_binary_squared_and_poisson_formulas():
    rng = np.random.RandomState(2)
    p = rng.rand(30, 3)
    y = rng.rand(30, 3) > 0.5
    expected = -np.mean(xlogy(y, p) + xlogy(1 - y, 1 - p), axis=0).sum()
    assert BinaryLogLoss().value(y, p) == pytest.approx(expected, rel=1e-13)
    t = rng.rand(30, 3)
    assert SquaredError().value(t, p) == pytest.approx(
        0.5 * ((t - p) ** 2).mean(axis=0).sum(), rel=1e-13
    )
    counts = rng.poisson(2.0, size=(30, 1)).astype(float)
    mu = rng.rand(30, 1) + 0.5
    dev = xlogy(counts, counts / mu) - counts + mu
    assert Poisson().value(counts, mu) == pytest.approx(dev.mean(), rel=1e-13)
