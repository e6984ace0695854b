"""Initializers whose scale follows the layer's fans.

:class:`VarianceScaling` (Keras) and its Glorot, He and LeCun presets with a
PyTorch-style ``gain``, PyTorch's :class:`KaimingUniform` and
:class:`KaimingNormal`, and the framework defaults :class:`SklearnUniform`
(scikit-learn's MLP) and :class:`TorchLinear` (PyTorch's ``nn.Linear``).
"""

from __future__ import annotations

import numpy as np

from .._validation import check_option
from ._base import (
    NONLINEARITIES,
    TRUNCATED_NORMAL_STD,
    Initializer,
    _gain,
    _truncated_normal,
)


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
