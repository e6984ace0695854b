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
"""

from __future__ import annotations

import numbers

import numpy as np

from ._component import Component, resolve

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
    "Orthogonal",
    "Identity",
    "SklearnUniform",
    "TorchLinear",
    "INITIALIZERS",
    "get",
]

#: Standard deviation of a standard normal truncated to [-2, 2] (Keras' constant).
TRUNCATED_NORMAL_STD = 0.87962566103423978


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

    Subclasses implement ``_draw(shape, rng, fans, activation)`` in float64.
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


class Zeros(Initializer):
    """All zeros. For hidden-layer weights this never breaks symmetry."""

    def _draw(self, shape, rng, fans, activation):
        return np.zeros(shape)


class Ones(Initializer):
    """All ones."""

    def _draw(self, shape, rng, fans, activation):
        return np.ones(shape)


class Constant(Initializer):
    """Every entry equal to ``value``."""

    def __init__(self, value: float = 0.0):
        self.value = value

    def _draw(self, shape, rng, fans, activation):
        return np.full(shape, float(self.value))


class RandomNormal(Initializer):
    r"""Normal draws :math:`\mathcal N(\text{mean}, \text{stddev}^2)` (Keras defaults)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05):
        self.mean = mean
        self.stddev = stddev

    def _draw(self, shape, rng, fans, activation):
        return rng.normal(self.mean, self.stddev, shape)


class RandomUniform(Initializer):
    r"""Uniform draws on :math:`[\text{minval}, \text{maxval})` (Keras defaults)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05):
        self.minval = minval
        self.maxval = maxval

    def _draw(self, shape, rng, fans, activation):
        return rng.uniform(self.minval, self.maxval, shape)


class TruncatedNormal(Initializer):
    r"""Normal draws cut at two standard deviations, as Keras' ``TruncatedNormal``.

    ``stddev`` is the standard deviation *before* truncation; the realised one is
    :math:`0.8796\,\text{stddev}`.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05):
        self.mean = mean
        self.stddev = stddev

    def _draw(self, shape, rng, fans, activation):
        return _truncated_normal(rng, self.mean, self.stddev, shape)


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
    mode : {"fan_in", "fan_out", "fan_avg"}, default="fan_in"
    distribution : {"truncated_normal", "normal", "untruncated_normal", "uniform"}, \
            default="truncated_normal"

    References
    ----------
    Keras 3, ``keras.initializers.VarianceScaling``.
    """

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
        fan_in, fan_out = fans
        if self.mode == "fan_in":
            n = fan_in
        elif self.mode == "fan_out":
            n = fan_out
        elif self.mode == "fan_avg":
            n = (fan_in + fan_out) / 2.0
        else:
            raise ValueError(
                f"VarianceScaling mode must be 'fan_in', 'fan_out' or 'fan_avg'; "
                f"got {self.mode!r}."
            )
        if not self.scale > 0:
            raise ValueError(f"VarianceScaling scale must be > 0; got {self.scale!r}.")
        return self.scale / max(1.0, n)

    def _draw(self, shape, rng, fans, activation):
        s = self._variance(fans)
        if self.distribution in ("truncated_normal", "normal"):
            return _truncated_normal(rng, 0.0, np.sqrt(s) / TRUNCATED_NORMAL_STD, shape)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, np.sqrt(s), shape)
        if self.distribution == "uniform":
            limit = np.sqrt(3.0 * s)
            return rng.uniform(-limit, limit, shape)
        raise ValueError(
            "VarianceScaling distribution must be 'truncated_normal', 'normal', "
            f"'untruncated_normal' or 'uniform'; got {self.distribution!r}."
        )


class _GainScaled(VarianceScaling):
    """A named preset of ``VarianceScaling`` with a PyTorch-style ``gain``.

    The variance is ``gain**2 * base_scale / n``.
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


class GlorotUniform(_GainScaled):
    r"""Glorot/Xavier uniform: :math:`U[\pm\,\text{gain}\sqrt{6/(\text{fan\_in}+\text{fan\_out})}]`.

    Equal to ``torch.nn.init.xavier_uniform_`` and Keras' ``GlorotUniform``.

    References
    ----------
    Glorot & Bengio (2010), Understanding the difficulty of training deep
    feedforward neural networks, AISTATS.
    """

    _mode = "fan_avg"
    _distribution = "uniform"


class GlorotNormal(_GainScaled):
    r"""Glorot/Xavier normal: :math:`\mathcal N(0, \text{gain}^2\,2/(\text{fan\_in}+\text{fan\_out}))`.

    Untruncated, as ``torch.nn.init.xavier_normal_``; Keras' ``GlorotNormal`` is the
    truncated ``"glorot_truncated_normal"``.
    """

    _mode = "fan_avg"
    _distribution = "untruncated_normal"


class HeUniform(_GainScaled):
    r"""He/Kaiming uniform: :math:`U[\pm\,\text{gain}\sqrt{6/\text{fan\_in}}]`.

    Equal to ``torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")`` and Keras'
    ``HeUniform``.

    References
    ----------
    He et al. (2015), Delving deep into rectifiers, ICCV.
    """

    _base_scale = 2.0
    _mode = "fan_in"
    _distribution = "uniform"


class HeNormal(_GainScaled):
    r"""He/Kaiming normal: :math:`\mathcal N(0, \text{gain}^2\,2/\text{fan\_in})`, untruncated.

    Equal in distribution to ``torch.nn.init.kaiming_normal_(w, nonlinearity="relu")``.
    """

    _base_scale = 2.0
    _mode = "fan_in"
    _distribution = "untruncated_normal"


class LecunUniform(_GainScaled):
    r"""LeCun uniform: :math:`U[\pm\,\text{gain}\sqrt{3/\text{fan\_in}}]`.

    References
    ----------
    LeCun et al. (1998), Efficient BackProp.
    """

    _mode = "fan_in"
    _distribution = "uniform"


class LecunNormal(_GainScaled):
    r"""LeCun normal: :math:`\mathcal N(0, \text{gain}^2/\text{fan\_in})`, untruncated."""

    _mode = "fan_in"
    _distribution = "untruncated_normal"


class Orthogonal(Initializer):
    r"""A (semi-)orthogonal matrix times ``gain``.

    Draws a standard normal matrix of shape ``(max(r, c), min(r, c))``, takes its QR
    decomposition, fixes the signs with ``sign(diag(R))`` and transposes when the
    matrix is wide, so the shorter side is orthonormal (``W.T @ W = gain**2 I`` for a
    tall weight). A 1-D shape (a bias) is drawn as a normal vector scaled to unit
    norm times ``gain``.

    References
    ----------
    Saxe, McClelland & Ganguli (2014), Exact solutions to the nonlinear dynamics of
    learning in deep linear neural networks, ICLR.
    """

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def _draw(self, shape, rng, fans, activation):
        if len(shape) == 1:
            v = rng.normal(0.0, 1.0, shape)
            return self.gain * v / max(np.linalg.norm(v), np.finfo(float).tiny)
        rows, cols = shape
        a = rng.normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return self.gain * q


class Identity(Initializer):
    """``gain`` times the (rectangular) identity matrix; a 2-D shape is required."""

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def _draw(self, shape, rng, fans, activation):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape; got {shape}.")
        return self.gain * np.eye(*shape)


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
        None chooses 2 or 6 from the hidden activation, as scikit-learn does.
    """

    def __init__(self, factor: float | None = None):
        self.factor = factor

    def _draw(self, shape, rng, fans, activation):
        factor = self.factor
        if factor is None:
            factor = 2.0 if activation == "logistic" else 6.0
        bound = np.sqrt(factor / (fans[0] + fans[1]))
        return rng.uniform(-bound, bound, shape)


class TorchLinear(Initializer):
    r"""PyTorch's ``nn.Linear`` default: :math:`U[\pm 1/\sqrt{\text{fan\_in}}]`.

    ``nn.Linear.reset_parameters`` uses ``kaiming_uniform_(a=sqrt(5))`` for the
    weight, which is this distribution, and the same bound for the bias.
    """

    def _draw(self, shape, rng, fans, activation):
        bound = 1.0 / np.sqrt(max(1, fans[0]))
        return rng.uniform(-bound, bound, shape)


def _preset(distribution, scale, mode):
    return lambda: VarianceScaling(scale=scale, mode=mode, distribution=distribution)


#: Initializers by name; aliases where the field uses two names.
INITIALIZERS = {
    "zeros": Zeros,
    "ones": Ones,
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
    "kaiming_uniform": HeUniform,
    "he_normal": HeNormal,
    "kaiming_normal": HeNormal,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "glorot_truncated_normal": _preset("truncated_normal", 1.0, "fan_avg"),
    "he_truncated_normal": _preset("truncated_normal", 2.0, "fan_in"),
    "lecun_truncated_normal": _preset("truncated_normal", 1.0, "fan_in"),
    "orthogonal": Orthogonal,
    "identity": Identity,
    "sklearn": SklearnUniform,
    "torch_linear": TorchLinear,
}


def get(identifier) -> Initializer:
    """Return the initializer named by ``identifier`` (a name, class or instance).

    Examples
    --------
    >>> from skweights import initializers
    >>> initializers.get("kaiming_normal")
    HeNormal()
    """
    return resolve(identifier, INITIALIZERS, Initializer, "initializer")
