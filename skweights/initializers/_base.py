"""The initializer protocol and the helpers the initializers share.

:class:`Initializer` draws a new array for a shape from a random generator;
:func:`compute_fans` reads the fans from a dense layer's shape and
:func:`calculate_gain` gives PyTorch's recommended gain for a nonlinearity.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._component import Component
from .._validation import check_option, check_real

__all__ = [
    "Initializer",
    "TRUNCATED_NORMAL_STD",
    "NONLINEARITIES",
    "calculate_gain",
    "check_generator",
    "compute_fans",
]

#: Standard deviation of a standard normal truncated to [-2, 2] (Keras' constant).
TRUNCATED_NORMAL_STD = 0.87962566103423978

_LINEAR_FNS = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)

#: The nonlinearity names accepted by :func:`calculate_gain` (PyTorch's).
NONLINEARITIES = (*_LINEAR_FNS, "sigmoid", "tanh", "relu", "leaky_relu", "selu")


def check_generator(random_state):
    """Return a numpy random generator from an int, a generator or None."""
    if random_state is None or isinstance(random_state, numbers.Integral):
        return np.random.RandomState(random_state)
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return random_state
    raise TypeError(
        "random_state must be None, an int, a numpy RandomState or a numpy "
        f"Generator; got {random_state!r}."
    )


def compute_fans(shape) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` for a weight of the given shape.

    A 2-D shape is ``(fan_in, fan_out)``; a 1-D shape (a bias) uses its length for
    both.
    """
    shape = tuple(shape)
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    raise ValueError(f"Dense layers have 1-D or 2-D parameters; got shape {shape}.")


def _gain(owner, nonlinearity, param):
    """Return ``(gain, gain**2)``, the square written exactly where it is rational.

    The square is what the variance needs: ``2.0`` rather than ``sqrt(2)**2``
    keeps ``KaimingUniform()`` bit-identical to ``HeUniform()``.
    """
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1.0, 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3, 25.0 / 9
    if nonlinearity == "relu":
        return math.sqrt(2.0), 2.0
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else check_real(owner, "param", param)
        gain2 = 2.0 / (1 + slope**2)
        return math.sqrt(gain2), gain2
    if nonlinearity == "selu":
        return 3.0 / 4, 9.0 / 16
    check_option(owner, "nonlinearity", nonlinearity, NONLINEARITIES)
    raise AssertionError("unreachable")  # pragma: no cover


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    - ``"linear"``, ``"conv1d"``, ``"conv2d"``, ``"conv3d"``,
      ``"conv_transpose1d"``, ``"conv_transpose2d"``, ``"conv_transpose3d"``,
      ``"sigmoid"``: :math:`1`;
    - ``"tanh"``: :math:`5/3`;
    - ``"relu"``: :math:`\sqrt{2}`;
    - ``"leaky_relu"``: :math:`\sqrt{2/(1+\text{negative\_slope}^2)}`, with
      ``negative_slope = param`` (0.01 when ``param`` is None);
    - ``"selu"``: :math:`3/4`.

    Parameters
    ----------
    nonlinearity : str
        One of :data:`NONLINEARITIES` (PyTorch's names, case-sensitive).
    param : float, optional
        The negative slope of ``"leaky_relu"`` (default 0.01); ignored for the
        other nonlinearities, as in PyTorch.

    Returns
    -------
    gain : float

    Raises
    ------
    ValueError
        For an unknown nonlinearity (the message lists the valid ones) or a
        negative slope that is not a finite number.

    References
    ----------
    PyTorch, ``torch.nn.init.calculate_gain``; the ``selu`` value 3/4 is
    PyTorch's empirical choice (pytorch PR #50664).

    Examples
    --------
    >>> from skweights.initializers import calculate_gain
    >>> calculate_gain("tanh")
    1.6666666666666667
    >>> round(calculate_gain("leaky_relu", 0.2), 5)
    1.38675
    """
    return _gain("calculate_gain", nonlinearity, param)[0]


def _truncated_normal(rng, mean, stddev, size):
    """Normal draws, redrawn until every value lies within two standard deviations."""
    out = rng.normal(0.0, 1.0, size)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.normal(0.0, 1.0, int(bad.sum()))
        bad = np.abs(out) > 2.0
    return mean + stddev * out


class Initializer(Component):
    """Base class: ``init(shape, random_state, dtype)`` returns a new array.

    Subclasses implement ``_draw(shape, rng, fans, activation)`` in float64 and
    check their hyperparameters there.
    """

    def __call__(
        self,
        shape,
        random_state=None,
        dtype=np.float64,
        *,
        fans: tuple[int, int] | None = None,
        activation: str | None = None,
    ) -> np.ndarray:
        """Draw a new array.

        Parameters
        ----------
        shape : tuple of int
            ``(fan_in, fan_out)`` for a weight matrix, ``(fan_out,)`` for a bias.
        random_state : int, numpy RandomState or Generator, default=None
            The source of randomness; the estimators pass their own.
        dtype : numpy dtype, default=float64
            The dtype of the returned array (values are drawn in float64).
        fans : (int, int), optional
            The layer's fans, when they cannot be read from ``shape`` (a bias).
        activation : str, optional
            The name of the network's hidden activation; only initializers that
            depend on it (scikit-learn's scheme) read it.

        Returns
        -------
        array : ndarray of the given shape and dtype

        Raises
        ------
        ValueError
            If a hyperparameter is invalid; the message names the class and the
            parameter.
        """
        shape = tuple(int(s) for s in np.atleast_1d(shape))
        if fans is None:
            fans = compute_fans(shape)
        rng = check_generator(random_state)
        out = self._draw(shape, rng, fans, activation)
        return (
            np.asarray(out, dtype=np.float64).reshape(shape).astype(dtype, copy=False)
        )

    def _draw(self, shape, rng, fans, activation):
        raise NotImplementedError

    def _number(self, name, **limits):
        """Check the hyperparameter ``name`` with ``check_real``."""
        return check_real(self, name, getattr(self, name), **limits)
