"""Initializers that ignore the layer's fans: constants and plain random draws."""

from __future__ import annotations

import numpy as np

from ._base import Initializer, _truncated_normal


class Zeros(Initializer):
    """All zeros. For hidden-layer weights this never breaks symmetry."""

    def _draw(self, shape, rng, fans, activation):
        return np.zeros(shape)


class Ones(Initializer):
    """All ones."""

    def _draw(self, shape, rng, fans, activation):
        return np.ones(shape)


class Constant(Initializer):
    """Every entry equal to ``value``, as Keras' ``Constant``.

    Parameters
    ----------
    value : float, default=0.0
        A finite number.
    """

    def __init__(self, value: float = 0.0):
        self.value = value

    def _draw(self, shape, rng, fans, activation):
        return np.full(shape, self._number("value"))


class RandomNormal(Initializer):
    r"""Normal draws :math:`\mathcal N(\text{mean}, \text{stddev}^2)`, Keras' ``RandomNormal``.

    Parameters
    ----------
    mean : float, default=0.0
    stddev : float, default=0.05
        Must be >= 0.

    References
    ----------
    Keras 3, ``keras.initializers.RandomNormal`` (defaults); PyTorch's
    ``normal_`` is the same rule with defaults 0 and 1.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05):
        self.mean = mean
        self.stddev = stddev

    def _draw(self, shape, rng, fans, activation):
        mean = self._number("mean")
        stddev = self._number("stddev", low=0)
        return rng.normal(mean, stddev, shape)


class RandomUniform(Initializer):
    r"""Uniform draws on :math:`[\text{minval}, \text{maxval})`, Keras' ``RandomUniform``.

    Parameters
    ----------
    minval : float, default=-0.05
    maxval : float, default=0.05
        Must be > ``minval``.

    References
    ----------
    Keras 3, ``keras.initializers.RandomUniform`` (defaults); PyTorch's
    ``uniform_`` is the same rule with defaults 0 and 1.
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05):
        self.minval = minval
        self.maxval = maxval

    def _draw(self, shape, rng, fans, activation):
        minval = self._number("minval")
        maxval = self._number("maxval")
        if not minval < maxval:
            raise ValueError(
                "RandomUniform minval must be < maxval; got "
                f"minval={self.minval!r}, maxval={self.maxval!r}."
            )
        return rng.uniform(minval, maxval, shape)


class TruncatedNormal(Initializer):
    r"""Normal draws cut at two standard deviations, as Keras' ``TruncatedNormal``.

    :math:`\text{mean} + \text{stddev}\cdot Z` with :math:`Z \sim \mathcal N(0, 1)`
    conditioned on :math:`|Z| \le 2` (values outside are redrawn). ``stddev`` is the
    standard deviation *before* truncation; the realised one is
    :math:`0.8796\,\text{stddev}`. (PyTorch's ``trunc_normal_`` cuts at absolute
    bounds instead, which is a different distribution.)

    Parameters
    ----------
    mean : float, default=0.0
    stddev : float, default=0.05
        Must be >= 0.

    References
    ----------
    Keras 3, ``keras.initializers.TruncatedNormal``.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05):
        self.mean = mean
        self.stddev = stddev

    def _draw(self, shape, rng, fans, activation):
        mean = self._number("mean")
        stddev = self._number("stddev", low=0)
        return _truncated_normal(rng, mean, stddev, shape)
