"""Initializers with a structure beyond their variance: orthogonal, identity, sparse."""

from __future__ import annotations

import math

import numpy as np

from ._base import Initializer


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
