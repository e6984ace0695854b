"""Gradient clipping, as optimizers wrapping an optimizer."""

from __future__ import annotations

import numpy as np

from .._component import resolve
from .._validation import check_real
from ._base import Optimizer

__all__ = ["ClipByValue", "ClipByNorm", "ClipByGlobalNorm"]


class _Clip(Optimizer):
    """Clip the gradients, then let the wrapped optimizer take its step.

    The wrapper has no state of its own: ``init`` returns the wrapped optimizer's
    state, and ``step_size``, ``end_epoch``, ``on_plateau``, ``schedule`` and
    ``stochastic`` are the wrapped optimizer's.
    """

    sklearn_params: dict[str, str] = {}

    #: name of the threshold parameter
    _threshold = ""

    def _inner(self) -> Optimizer:
        from . import OPTIMIZERS

        return resolve(self.optimizer, OPTIMIZERS, Optimizer, "optimizer")

    @property
    def stochastic(self) -> bool:
        return self._inner().stochastic

    def schedule(self):
        return self._inner().schedule()

    def init(self, params, is_bias=None):
        inner = self._inner()
        if not inner.stochastic:
            raise ValueError(self._full_batch_message(inner))
        threshold = getattr(self, self._threshold)
        check_real(self, self._threshold, threshold, low=0, low_open=True, finite=False)
        return inner.init(params, is_bias)

    def update(self, params, grads, state):
        """Clip ``grads`` in place, then update ``params`` with the wrapped optimizer."""
        self.clip(grads)
        return self._inner().update(params, grads, state)

    def clip(self, grads) -> None:
        """Clip the list of gradient arrays ``grads`` in place."""
        raise NotImplementedError

    def step_size(self, state, i):
        return self._inner().step_size(state, i)

    def end_epoch(self, state, *, n_samples_seen, epoch, loss):
        return self._inner().end_epoch(
            state, n_samples_seen=n_samples_seen, epoch=epoch, loss=loss
        )

    def on_plateau(self, state):
        return self._inner().on_plateau(state)

    def minimize(self, *args, **kwargs):
        raise ValueError(self._full_batch_message(self._inner()))

    def _full_batch_message(self, inner):
        return (
            f"{type(self).__name__} optimizer must be a stochastic optimizer; "
            f"{inner!r} is full-batch and takes no clipped gradients."
        )


class ClipByValue(_Clip):
    r"""Clip every gradient coordinate to :math:`[-c, c]`, then step.

    .. math::

        g \leftarrow \min(\max(g, -c), c)

    Keras' ``clipvalue=c``, PyTorch's ``torch.nn.utils.clip_grad_value_(params,
    c)``, optax's ``clip(c)``.

    Parameters
    ----------
    optimizer : Optimizer or str
        The optimizer that takes the clipped gradients (its parameters are tunable
        as ``optimizer__<name>``; a name means that optimizer's defaults).
    clip_value : float > 0, default=1.0
        :math:`c`.

    Examples
    --------
    >>> import numpy as np
    >>> from skweights.optimizers import SGD
    >>> opt = ClipByValue(SGD(learning_rate=1.0, momentum=0.0), clip_value=0.5)
    >>> w = [np.zeros(2)]
    >>> state = opt.update(w, [np.array([2.0, -0.1])], opt.init(w))
    >>> w[0].tolist()
    [-0.5, 0.1]
    """

    _threshold = "clip_value"

    def __init__(self, optimizer, clip_value: float = 1.0):
        self.optimizer = optimizer
        self.clip_value = clip_value

    def clip(self, grads):
        c = self.clip_value
        for g in grads:
            np.clip(g, -c, c, out=g)


class ClipByNorm(_Clip):
    r"""Rescale each gradient array to a norm of at most :math:`c`, then step.

    Per parameter array (each layer's weights, each layer's biases):

    .. math::

        g \leftarrow g\, \frac{c}{\max(\lVert g\rVert_2, c)}

    Keras' ``clipnorm=c``. For one global norm over all arrays (PyTorch's
    ``clip_grad_norm_``), use :class:`ClipByGlobalNorm`.

    Parameters
    ----------
    optimizer : Optimizer or str
        The optimizer that takes the clipped gradients (its parameters are tunable
        as ``optimizer__<name>``; a name means that optimizer's defaults).
    max_norm : float > 0, default=1.0
        :math:`c`.
    """

    _threshold = "max_norm"

    def __init__(self, optimizer, max_norm: float = 1.0):
        self.optimizer = optimizer
        self.max_norm = max_norm

    def clip(self, grads):
        c = self.max_norm
        for g in grads:
            norm = np.sqrt(np.vdot(g, g))
            if norm > c:
                g *= c / norm


class ClipByGlobalNorm(_Clip):
    r"""Rescale all gradients together to a global norm of at most :math:`c`.

    With :math:`\lVert G\rVert_2 = (\sum_k \lVert g_k\rVert_2^2)^{1/2}` over all
    parameter arrays:

    .. math::

        g_k \leftarrow g_k \min\Bigl(1, \frac{c}{\lVert G\rVert_2}\Bigr)

    Keras' ``global_clipnorm=c`` and optax's ``clip_by_global_norm(c)``, exactly.
    PyTorch's ``torch.nn.utils.clip_grad_norm_(params, c)`` (and skorch's
    ``GradientNormClipping``) divide by :math:`\lVert G\rVert_2 + 10^{-6}`: a
    relative difference of about :math:`10^{-6}/\lVert G\rVert_2` in the clipped
    gradients.

    Parameters
    ----------
    optimizer : Optimizer or str
        The optimizer that takes the clipped gradients (its parameters are tunable
        as ``optimizer__<name>``; a name means that optimizer's defaults).
    max_norm : float > 0, default=1.0
        :math:`c`.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skweights import MLPClassifier
    >>> from skweights.optimizers import AdamW
    >>> clf = MLPClassifier(optimizer=ClipByGlobalNorm(AdamW(), max_norm=5.0))
    >>> search = GridSearchCV(
    ...     clf, {"optimizer__optimizer__weight_decay": [0.0, 0.1]}
    ... )
    """

    _threshold = "max_norm"

    def __init__(self, optimizer, max_norm: float = 1.0):
        self.optimizer = optimizer
        self.max_norm = max_norm

    def clip(self, grads):
        c = self.max_norm
        norm = np.sqrt(sum(float(np.vdot(g, g)) for g in grads))
        if norm > c:
            scale = c / norm
            for g in grads:
                g *= scale
