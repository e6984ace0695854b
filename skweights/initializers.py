"""Weight and bias initializers.

An initializer is called with a shape and a random generator and returns a new
array; it stores no seed and no state, so the same object can be reused, cloned and
tuned. Weight matrices have scikit-learn's (and Keras') layout ``(fan_in, fan_out)``.

>>> import numpy as np
>>> from skweights.initializers import GlorotUniform
>>> W = GlorotUniform()((64, 32), np.random.RandomState(0))
>>> W.shape, bool(abs(W).max() <= np.sqrt(6 / (64 + 32)))
((64, 32), True)

Names follow the papers and PyTorch where frameworks disagree: ``"he_normal"`` and
``"glorot_normal"`` draw from an *untruncated* normal, as ``torch.nn.init`` and the
papers do. Keras' truncated versions (same variance, cut at two standard
deviations) are ``"he_truncated_normal"``, ``"glorot_truncated_normal"`` and
``"lecun_truncated_normal"``, or ``VarianceScaling(..., distribution="truncated_normal")``.

``"kaiming_uniform"`` and ``"kaiming_normal"`` are :class:`KaimingUniform` and
:class:`KaimingNormal`, which carry PyTorch's knobs (``a``, ``mode``,
``nonlinearity``) so that they can be tuned as ``init__nonlinearity``. With their
defaults (``a=0``, ``"leaky_relu"``, hence gain sqrt(2)) they draw exactly what
``"he_uniform"`` and ``"he_normal"`` draw, bit for bit from the same generator.

Hyperparameters are checked when the initializer is called, not when it is
created (``__init__`` only stores them, as scikit-learn requires): a bad value
raises ``ValueError`` naming the class and the parameter. The ``gain`` of the
random initializers (Glorot, He, LeCun, orthogonal) must be > 0: a negative gain
gives the same distribution as its absolute value and a zero gain gives all-zero
weights (ask for ``"zeros"`` explicitly). ``Identity``'s gain may be any number,
as ``-I`` and ``0`` are distinct deterministic matrices.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._component import Component, resolve
from ._validation import check_option, check_real

__all__ = [
    "Initializer",
    "Zeros",
    "Ones",
    "Constant",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "GlorotUniform",
    "GlorotNormal",
    "HeUniform",
    "HeNormal",
    "LecunUniform",
    "LecunNormal",
    "KaimingUniform",
    "KaimingNormal",
    "Orthogonal",
    "Identity",
    "Sparse",
    "SklearnUniform",
    "TorchLinear",
    "NONLINEARITIES",
    "calculate_gain",
    "INITIALIZERS",
    "get",
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


class VarianceScaling(Initializer):
    r"""Draws whose variance is ``scale / n``, the general form of Glorot, He and LeCun.

    With :math:`n` = ``fan_in``, ``fan_out`` or :math:`(\text{fan\_in} +
    \text{fan\_out})/2` by ``mode`` (at least 1) and :math:`s = \text{scale}/n`:

    - ``"truncated_normal"`` (Keras' default; ``"normal"`` is an alias as in
      Keras): a normal cut at :math:`\pm 2\sigma` with
      :math:`\sigma = \sqrt{s}/0.87962566103423978`, so that the variance *after*
      truncation is :math:`s`;
    - ``"untruncated_normal"``: :math:`\mathcal N(0, s)`;
    - ``"uniform"``: :math:`U[-\sqrt{3s}, \sqrt{3s}]`.

    Parameters
    ----------
    scale : float, default=1.0
        Must be > 0.
    mode : {"fan_in", "fan_out", "fan_avg"}, default="fan_in"
    distribution : {"truncated_normal", "normal", "untruncated_normal", "uniform"}, \
            default="truncated_normal"

    References
    ----------
    Keras 3, ``keras.initializers.VarianceScaling``.

    Examples
    --------
    >>> from skweights.initializers import VarianceScaling
    >>> W = VarianceScaling(2.0, "fan_in", "uniform")((50, 20), 0)
    >>> bool(abs(W).max() <= (3 * 2.0 / 50) ** 0.5)
    True
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "normal", "untruncated_normal", "uniform")

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
    ):
        self.scale = scale
        self.mode = mode
        self.distribution = distribution

    def _variance(self, fans):
        check_option(self, "mode", self.mode, self._MODES)
        check_option(self, "distribution", self.distribution, self._DISTRIBUTIONS)
        scale = self._number("scale", low=0, low_open=True)
        fan_in, fan_out = fans
        if self.mode == "fan_in":
            n = fan_in
        elif self.mode == "fan_out":
            n = fan_out
        else:
            n = (fan_in + fan_out) / 2.0
        return scale / max(1.0, n)

    def _draw(self, shape, rng, fans, activation):
        s = self._variance(fans)
        if self.distribution in ("truncated_normal", "normal"):
            return _truncated_normal(rng, 0.0, np.sqrt(s) / TRUNCATED_NORMAL_STD, shape)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, np.sqrt(s), shape)
        limit = np.sqrt(3.0 * s)
        return rng.uniform(-limit, limit, shape)


class _GainScaled(VarianceScaling):
    """A named preset of ``VarianceScaling`` with a PyTorch-style ``gain``.

    The variance is ``gain**2 * base_scale / n``; ``gain`` must be > 0.
    """

    _base_scale = 1.0
    _mode = "fan_in"
    _distribution = "uniform"

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    @property
    def scale(self):
        return self.gain**2 * self._base_scale

    @property
    def mode(self):
        return self._mode

    @property
    def distribution(self):
        return self._distribution

    def _variance(self, fans):
        self._number("gain", low=0, low_open=True)
        return super()._variance(fans)


class GlorotUniform(_GainScaled):
    r"""Glorot/Xavier uniform: :math:`U[\pm\,\text{gain}\sqrt{6/(\text{fan\_in}+\text{fan\_out})}]`.

    ``VarianceScaling(gain**2, "fan_avg", "uniform")``. Equal to
    ``torch.nn.init.xavier_uniform_(w, gain)`` and, for ``gain=1``, Keras'
    ``GlorotUniform``.

    Parameters
    ----------
    gain : float, default=1.0
        Must be > 0.

    References
    ----------
    Glorot & Bengio (2010), Understanding the difficulty of training deep
    feedforward neural networks, AISTATS.
    """

    _mode = "fan_avg"
    _distribution = "uniform"


class GlorotNormal(_GainScaled):
    r"""Glorot/Xavier normal: :math:`\mathcal N(0, \text{gain}^2\,2/(\text{fan\_in}+\text{fan\_out}))`.

    ``VarianceScaling(gain**2, "fan_avg", "untruncated_normal")``. Untruncated, as
    ``torch.nn.init.xavier_normal_(w, gain)``; Keras' ``GlorotNormal`` is the
    truncated ``"glorot_truncated_normal"``.

    Parameters
    ----------
    gain : float, default=1.0
        Must be > 0.

    References
    ----------
    Glorot & Bengio (2010), Understanding the difficulty of training deep
    feedforward neural networks, AISTATS.
    """

    _mode = "fan_avg"
    _distribution = "untruncated_normal"


class HeUniform(_GainScaled):
    r"""He uniform: :math:`U[\pm\,\text{gain}\sqrt{6/\text{fan\_in}}]`.

    ``VarianceScaling(2 * gain**2, "fan_in", "uniform")``: ``gain`` multiplies
    the ReLU gain :math:`\sqrt 2` already built in. For ``gain=1`` equal to
    ``torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")``, to
    ``KaimingUniform()`` and to Keras' ``HeUniform``.

    Parameters
    ----------
    gain : float, default=1.0
        Must be > 0.

    References
    ----------
    He, Zhang, Ren & Sun (2015), Delving deep into rectifiers: surpassing
    human-level performance on ImageNet classification, ICCV.
    """

    _base_scale = 2.0
    _mode = "fan_in"
    _distribution = "uniform"


class HeNormal(_GainScaled):
    r"""He normal: :math:`\mathcal N(0, \text{gain}^2\,2/\text{fan\_in})`, untruncated.

    ``VarianceScaling(2 * gain**2, "fan_in", "untruncated_normal")``. For
    ``gain=1`` equal in distribution to
    ``torch.nn.init.kaiming_normal_(w, nonlinearity="relu")`` and to
    ``KaimingNormal()``; Keras' ``HeNormal`` is the truncated
    ``"he_truncated_normal"``.

    Parameters
    ----------
    gain : float, default=1.0
        Must be > 0.

    References
    ----------
    He, Zhang, Ren & Sun (2015), Delving deep into rectifiers: surpassing
    human-level performance on ImageNet classification, ICCV.
    """

    _base_scale = 2.0
    _mode = "fan_in"
    _distribution = "untruncated_normal"


class LecunUniform(_GainScaled):
    r"""LeCun uniform: :math:`U[\pm\,\text{gain}\sqrt{3/\text{fan\_in}}]`.

    ``VarianceScaling(gain**2, "fan_in", "uniform")``; for ``gain=1`` Keras'
    ``LecunUniform`` and ``torch.nn.init.kaiming_uniform_(w,
    nonlinearity="linear")``.

    Parameters
    ----------
    gain : float, default=1.0
        Must be > 0.

    References
    ----------
    LeCun, Bottou, Orr & Müller (1998), Efficient BackProp, in Neural Networks:
    Tricks of the Trade; Klambauer et al. (2017), Self-normalizing neural
    networks, NeurIPS (cited by Keras).
    """

    _mode = "fan_in"
    _distribution = "uniform"


class LecunNormal(_GainScaled):
    r"""LeCun normal: :math:`\mathcal N(0, \text{gain}^2/\text{fan\_in})`, untruncated.

    ``VarianceScaling(gain**2, "fan_in", "untruncated_normal")``, equal in
    distribution to ``torch.nn.init.kaiming_normal_(w, nonlinearity="linear")``;
    Keras' ``LecunNormal`` is the truncated ``"lecun_truncated_normal"``.

    Parameters
    ----------
    gain : float, default=1.0
        Must be > 0.

    References
    ----------
    LeCun, Bottou, Orr & Müller (1998), Efficient BackProp, in Neural Networks:
    Tricks of the Trade; Klambauer et al. (2017), Self-normalizing neural
    networks, NeurIPS (cited by Keras).
    """

    _mode = "fan_in"
    _distribution = "untruncated_normal"


class _Kaiming(Initializer):
    """PyTorch's ``kaiming_*_`` variance: ``calculate_gain(nonlinearity, a)**2 / fan``."""

    def __init__(
        self,
        a: float = 0.0,
        mode: str = "fan_in",
        nonlinearity: str = "leaky_relu",
    ):
        self.a = a
        self.mode = mode
        self.nonlinearity = nonlinearity

    def _variance(self, fans):
        a = self._number("a")
        check_option(self, "mode", self.mode, ("fan_in", "fan_out"))
        check_option(self, "nonlinearity", self.nonlinearity, NONLINEARITIES)
        gain2 = _gain(self, self.nonlinearity, a)[1]
        fan = fans[0] if self.mode == "fan_in" else fans[1]
        return gain2 / max(1.0, fan)


class KaimingUniform(_Kaiming):
    r"""PyTorch's ``kaiming_uniform_``: :math:`U[\pm\,\text{gain}\sqrt{3/\text{fan}}]`.

    :math:`\text{gain} = \text{calculate\_gain}(\text{nonlinearity}, a)` and
    :math:`\text{fan}` = ``fan_in`` or ``fan_out`` by ``mode`` (at least 1). The
    defaults (``a=0``, ``"leaky_relu"``) give gain :math:`\sqrt 2`, the bound
    :math:`\sqrt{6/\text{fan\_in}}` and the same draws as :class:`HeUniform`;
    ``a=sqrt(5)`` gives PyTorch's ``nn.Linear`` default
    :math:`U[\pm 1/\sqrt{\text{fan\_in}}]` (:class:`TorchLinear`).

    Parameters
    ----------
    a : float, default=0.0
        The negative slope of the rectifier, used only with
        ``nonlinearity="leaky_relu"``; a finite number.
    mode : {"fan_in", "fan_out"}, default="fan_in"
        ``"fan_in"`` preserves the variance of the activations in the forward
        pass, ``"fan_out"`` that of the gradients in the backward pass.
    nonlinearity : str, default="leaky_relu"
        One of :data:`NONLINEARITIES`; see :func:`calculate_gain`.

    References
    ----------
    He, Zhang, Ren & Sun (2015), Delving deep into rectifiers: surpassing
    human-level performance on ImageNet classification, ICCV;
    ``torch.nn.init.kaiming_uniform_``.

    Examples
    --------
    >>> from skweights.initializers import KaimingUniform
    >>> W = KaimingUniform(nonlinearity="tanh", mode="fan_out")((50, 20), 0)
    >>> bool(abs(W).max() <= 5 / 3 * (3 / 20) ** 0.5)
    True
    """

    def _draw(self, shape, rng, fans, activation):
        limit = np.sqrt(3.0 * self._variance(fans))
        return rng.uniform(-limit, limit, shape)


class KaimingNormal(_Kaiming):
    r"""PyTorch's ``kaiming_normal_``: :math:`\mathcal N(0, \text{gain}^2/\text{fan})`, untruncated.

    :math:`\text{gain} = \text{calculate\_gain}(\text{nonlinearity}, a)` and
    :math:`\text{fan}` = ``fan_in`` or ``fan_out`` by ``mode`` (at least 1), so the
    standard deviation is :math:`\text{gain}/\sqrt{\text{fan}}`. The defaults give
    the same draws as :class:`HeNormal`.

    Parameters
    ----------
    a : float, default=0.0
        The negative slope of the rectifier, used only with
        ``nonlinearity="leaky_relu"``; a finite number.
    mode : {"fan_in", "fan_out"}, default="fan_in"
    nonlinearity : str, default="leaky_relu"
        One of :data:`NONLINEARITIES`; see :func:`calculate_gain`.

    References
    ----------
    He, Zhang, Ren & Sun (2015), Delving deep into rectifiers: surpassing
    human-level performance on ImageNet classification, ICCV;
    ``torch.nn.init.kaiming_normal_``.
    """

    def _draw(self, shape, rng, fans, activation):
        return rng.normal(0.0, np.sqrt(self._variance(fans)), shape)


class Orthogonal(Initializer):
    r"""A (semi-)orthogonal matrix times ``gain``.

    Draws a standard normal matrix of shape ``(max(r, c), min(r, c))``, takes its QR
    decomposition :math:`A = QR`, fixes the signs with
    :math:`Q \leftarrow Q\,\mathrm{diag}(\mathrm{sign}(\mathrm{diag}\,R))` (which
    makes :math:`Q` uniform on the orthogonal group) and transposes when the matrix
    is wide, so the shorter side is orthonormal: :math:`W^\top W =
    \text{gain}^2 I` for a tall weight, :math:`W W^\top = \text{gain}^2 I` for a
    wide one. This is Keras' ``Orthogonal`` and, for the same logical layer,
    ``torch.nn.init.orthogonal_``. A 1-D shape (a bias) is drawn as a normal
    vector scaled to norm ``gain``.

    Parameters
    ----------
    gain : float, default=1.0
        Must be > 0 (``-Q`` has the same distribution as ``Q``).

    References
    ----------
    Saxe, McClelland & Ganguli (2014), Exact solutions to the nonlinear dynamics of
    learning in deep linear neural networks, ICLR.
    """

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def _draw(self, shape, rng, fans, activation):
        gain = self._number("gain", low=0, low_open=True)
        if len(shape) == 1:
            v = rng.normal(0.0, 1.0, shape)
            return gain * v / max(np.linalg.norm(v), np.finfo(float).tiny)
        rows, cols = shape
        a = rng.normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return gain * q


class Identity(Initializer):
    """``gain`` times the (rectangular) identity matrix; a 2-D shape is required.

    :math:`W_{ij} = \\text{gain}` if :math:`i = j`, else 0, as Keras' ``Identity``
    and ``torch.nn.init.eye_`` (which has no gain).

    Parameters
    ----------
    gain : float, default=1.0
        Any finite number.
    """

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def _draw(self, shape, rng, fans, activation):
        gain = self._number("gain")
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape; got {shape}.")
        return gain * np.eye(*shape)


class Sparse(Initializer):
    r"""PyTorch's ``sparse_``: normal draws with a fixed number of zeros per input unit.

    Every entry is drawn from :math:`\mathcal N(0, \text{std}^2)`; then in every
    *row* of the ``(fan_in, fan_out)`` weight, that is among the outgoing weights
    of each input unit, :math:`k = \lceil \text{sparsity}\cdot\text{fan\_out}\rceil`
    entries chosen uniformly at random are set to 0. This is
    ``torch.nn.init.sparse_`` on PyTorch's transposed ``(fan_out, fan_in)``
    weight, which zeros :math:`\lceil \text{sparsity}\cdot\text{rows}\rceil` rows
    *per column*. :math:`k` is computed in floating point as PyTorch does
    (``sparsity=0.07`` with 100 outputs gives ``ceil(7.000000000000001) = 8``).
    The number of zeros among the incoming weights of an output unit varies.
    Unlike PyTorch, the positions come from the generator passed in, so draws are
    reproducible. A 1-D shape (a bias) is treated as one row.

    Parameters
    ----------
    sparsity : float, default=0.1
        The fraction of each row set to zero, in [0, 1].
    std : float, default=0.01
        Standard deviation of the non-zero entries; must be >= 0.

    Notes
    -----
    Martens (2010) fixes the number of non-zero *incoming* weights of each unit
    (15 in his experiments); PyTorch's ``sparse_``, reproduced here, fixes the
    number of zeros among the *outgoing* weights of each input instead.

    References
    ----------
    Martens (2010), Deep learning via Hessian-free optimization, ICML;
    ``torch.nn.init.sparse_``.

    Examples
    --------
    >>> from skweights.initializers import Sparse
    >>> W = Sparse(sparsity=0.25)((5, 8), 0)
    >>> (W == 0).sum(axis=1).tolist()
    [2, 2, 2, 2, 2]
    """

    def __init__(self, sparsity: float = 0.1, std: float = 0.01):
        self.sparsity = sparsity
        self.std = std

    def _draw(self, shape, rng, fans, activation):
        sparsity = self._number("sparsity", low=0, high=1)
        std = self._number("std", low=0)
        W = rng.normal(0.0, std, shape)
        rows = W.reshape(math.prod(shape[:-1]), shape[-1])
        n_zeros = math.ceil(sparsity * rows.shape[1])
        if n_zeros:
            # A uniformly random subset of each row: the first k of a random order.
            order = np.argsort(rng.uniform(size=rows.shape), axis=1, kind="stable")
            np.put_along_axis(rows, order[:, :n_zeros], 0.0, axis=1)
        return rows.reshape(shape)


class SklearnUniform(Initializer):
    r"""scikit-learn's MLP scheme: :math:`U[\pm\sqrt{\text{factor}/(\text{fan\_in}+\text{fan\_out})}]`.

    ``factor`` defaults to 2 when the network's hidden activation is ``"logistic"``
    and 6 otherwise, exactly as ``sklearn.neural_network.MLPClassifier``; it is used
    for the weights *and* the biases (scikit-learn draws biases from the same
    uniform, not zeros). With the same ``RandomState`` the draws are bit-identical
    to scikit-learn's.

    Parameters
    ----------
    factor : float or None, default=None
        None chooses 2 or 6 from the hidden activation, as scikit-learn does;
        otherwise a number > 0.

    References
    ----------
    scikit-learn, ``BaseMultilayerPerceptron._init_coef``.
    """

    def __init__(self, factor: float | None = None):
        self.factor = factor

    def _draw(self, shape, rng, fans, activation):
        if self.factor is None:
            factor = 2.0 if activation == "logistic" else 6.0
        else:
            factor = self._number("factor", low=0, low_open=True)
        bound = np.sqrt(factor / (fans[0] + fans[1]))
        return rng.uniform(-bound, bound, shape)


class TorchLinear(Initializer):
    r"""PyTorch's ``nn.Linear`` default: :math:`U[\pm 1/\sqrt{\text{fan\_in}}]`.

    ``nn.Linear.reset_parameters`` uses ``kaiming_uniform_(a=sqrt(5))`` for the
    weight, whose bound is :math:`\sqrt{2/(1+5)}\sqrt{3/\text{fan\_in}} =
    1/\sqrt{\text{fan\_in}}` (``KaimingUniform(a=math.sqrt(5))``), and the same
    bound for the bias.

    References
    ----------
    PyTorch, ``torch.nn.Linear.reset_parameters``.
    """

    def _draw(self, shape, rng, fans, activation):
        bound = 1.0 / np.sqrt(max(1, fans[0]))
        return rng.uniform(-bound, bound, shape)


def _preset(distribution, scale, mode):
    return lambda: VarianceScaling(scale=scale, mode=mode, distribution=distribution)


#: Initializers by name; aliases where the field uses two names.
INITIALIZERS = {
    "zeros": Zeros,
    "zero": Zeros,
    "ones": Ones,
    "one": Ones,
    "constant": Constant,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform,
    "xavier_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "xavier_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "kaiming_uniform": KaimingUniform,
    "he_normal": HeNormal,
    "kaiming_normal": KaimingNormal,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "glorot_truncated_normal": _preset("truncated_normal", 1.0, "fan_avg"),
    "he_truncated_normal": _preset("truncated_normal", 2.0, "fan_in"),
    "lecun_truncated_normal": _preset("truncated_normal", 1.0, "fan_in"),
    "orthogonal": Orthogonal,
    "identity": Identity,
    "eye": Identity,
    "sparse": Sparse,
    "sklearn": SklearnUniform,
    "torch_linear": TorchLinear,
}


def get(identifier) -> Initializer:
    """Return the initializer named by ``identifier`` (a name, class or instance).

    Examples
    --------
    >>> from skweights import initializers
    >>> initializers.get("he_normal")
    HeNormal()
    >>> initializers.get("kaiming_normal")
    KaimingNormal()
    """
    return resolve(identifier, INITIALIZERS, Initializer, "initializer")
