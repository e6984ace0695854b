"""Forward and backward passes of a dense network over lists of arrays.

Pure numpy and scipy (sparse inputs): nothing here imports scikit-learn or knows
about estimators. Weights are ``coefs[l]`` of shape ``(fan_in, fan_out)`` and
``intercepts[l]`` of shape ``(fan_out,)``; ``activations[0]`` is the input.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from . import _fused as fused
from ._threads import for_chunks


def forward(X, coefs, intercepts, hidden, output, workspace=None):
    """Return the list of layer outputs, ``[X, A_1, ..., A_L]``.

    ``hidden`` is applied after every layer but the last, ``output`` after the
    last; both work in place. With a :class:`Workspace` the layer outputs are
    written into its buffers instead of new arrays.
    """
    n = X.shape[0]
    activations = [X]
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        if workspace is None:
            A = activations[-1] @ W
        else:
            out = workspace.activations[i][:n]
            A = np.matmul(A, W, out=out) if i else _matmul_into(X, W, out)
        (output if i == last else hidden).forward_bias(A, b)
        activations.append(A)
    return activations


def predict(X, coefs, intercepts, hidden, output):
    """Return the network's output for ``X`` without keeping the hidden layers."""
    A = X
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        A = A @ W
        (output if i == last else hidden).forward_bias(A, b)
    return A


def pack(arrays, dtype):
    """Copy ``arrays`` into one flat array; return it and views shaped like them."""
    flat = np.empty(sum(a.size for a in arrays), dtype)
    views, start = [], 0
    for a in arrays:
        view = flat[start : start + a.size].reshape(a.shape)
        view[...] = a
        views.append(view)
        start += a.size
    return flat, views


def is_packed(arrays) -> bool:
    """Whether ``arrays`` are consecutive views tiling one flat array."""
    base = arrays[0].base
    if base is None or base.ndim != 1 or base.size != sum(a.size for a in arrays):
        return False
    start = 0
    for a in arrays:
        if a.base is not base or not a.flags.c_contiguous:
            return False
        offset = a.__array_interface__["data"][0] - base.__array_interface__["data"][0]
        if offset != start * base.itemsize:
            return False
        start += a.size
    return True


class Workspace:
    """Buffers for one batch size, allocated once per fit and reused every batch.

    ``activations[l]`` holds the output of layer ``l + 1``, ``deltas[l]`` the
    backpropagated error at hidden layer ``l + 1``; a batch of ``n`` rows uses the
    first ``n`` rows of each (a contiguous view). The gradients are views into two
    flat arrays, ``grad_w`` and ``grad_b``, laid out like packed parameters.
    """

    def __init__(self, layer_units, batch_size, dtype):
        pairs = list(pairwise(layer_units))
        self.batch_size = batch_size
        self._rows = {"X": np.empty((batch_size, layer_units[0]), dtype)}
        self.activations = [np.empty((batch_size, u), dtype) for u in layer_units[1:]]
        self.deltas = [np.empty((batch_size, u), dtype) for u in layer_units[1:-1]]
        self.grad_w, self.coef_grads = pack([np.empty(p, dtype) for p in pairs], dtype)
        self.grad_b, self.intercept_grads = pack(
            [np.empty(b, dtype) for _, b in pairs], dtype
        )

    def gather(self, A, idx, slot="X"):
        """``A[idx]``, into the workspace's buffer ``slot`` when A is a dense array
        (``"X"``, shaped for the input; any other slot is made, for A's rows,
        at first use)."""
        if not isinstance(A, np.ndarray):
            return A[idx]
        out = self._rows.get(slot)
        if out is None or out.dtype != A.dtype or out.shape[1:] != A.shape[1:]:
            if slot == "X":  # the input in another dtype: no buffer for it
                return A[idx]
            out = self._rows[slot] = np.empty((self.batch_size, *A.shape[1:]), A.dtype)
        out = out[: len(idx)]
        # The compiled copy checks every index before it writes, and is split
        # over the training pool's threads (see _threads.blas_pool); numpy's
        # mode="clip" also writes straight into out, where "raise" (the
        # default) first gathers into a temporary: 4x slower on a 200 x 64
        # batch. The indices here are a permutation's.
        if not fused.run("gather_rows", A, idx, out):
            A.take(idx, axis=0, out=out, mode="clip")
        return out


def _finish_gradient(penalty, alpha, W, grad, s):
    """``grad = (grad + alpha * R'(W)) / s`` in place.

    Elementwise and in this order (scikit-learn's, so that the weights stay
    bit-identical to its): one compiled pass when the penalty's gradient is a
    multiple of ``W``, else numpy chunk by chunk; the values are the same.
    """
    factor = penalty.smooth_factor(alpha) if alpha else 0.0
    if factor is not None and W.shape == grad.shape:
        if fused.run("scale_gradient", W if factor else None, grad, factor, s):
            return

    def scale(w, g):
        if alpha:
            penalty.add_gradient(w, g, alpha)
        g /= s

    for_chunks(scale, W, grad)


def _matmul_into(A, B, out):
    if isinstance(A, np.ndarray):
        np.matmul(A, B, out=out)
    else:  # scipy sparse
        out[...] = A @ B
    return out


def loss_and_gradients(
    X,
    y,
    sample_weight,
    coefs,
    intercepts,
    *,
    hidden,
    loss,
    penalty,
    alpha,
    coef_grads,
    intercept_grads,
    workspace=None,
    packed=None,
    trainable=None,
    output=None,
    scale_weights=True,
):
    r"""Return the objective on ``(X, y)`` and fill the gradient lists in place.

    The objective is :math:`\frac1S\sum_i s_i \ell_i + \frac{\alpha}{S}\sum_l
    R(W_l)` with :math:`S` the number of rows, or the sum of ``sample_weight``.
    Only the smooth part of the penalty enters the gradient; its L1 part is left to
    the optimizer's proximal step (see :mod:`skweights.penalties`). Intercepts are
    penalized only when ``penalty.penalize_intercepts`` is True.

    With a :class:`Workspace` (of at least ``X.shape[0]`` rows) nothing is
    allocated per call: ``coef_grads`` and ``intercept_grads`` then receive the
    workspace's gradient arrays, which the next call overwrites. ``packed``, the
    flat arrays the coefs and intercepts are views of (see :func:`pack`), lets the
    penalty act on all layers in one operation; the values are the same.

    ``trainable``, one bool per layer, skips the gradients of frozen layers: they
    are set to zero, and the error is not propagated below the lowest trainable
    layer. ``output`` is ``loss.output()``, made once by a caller that calls
    this for every batch. ``scale_weights=False`` (with ``packed``) leaves the
    weights' gradient as the data term's sum, for a caller that adds the
    penalty term and divides by S itself (see :func:`_finish_gradient`).
    """
    n = X.shape[0]
    if workspace is None or workspace.batch_size < n:
        units = [X.shape[1]] + [W.shape[1] for W in coefs]
        workspace = Workspace(units, n, coefs[0].dtype)
    last = len(coefs) - 1
    if output is None:
        output = loss.output()
    activations = forward(X, coefs, intercepts, hidden, output, workspace)
    # the output buffer becomes delta
    data_loss, delta = loss.value_and_delta(y, activations[-1], sample_weight)
    if sample_weight is None:
        sw_sum = n
    else:
        sw_sum = sample_weight.sum()
    penalize_b = bool(alpha) and penalty.penalize_intercepts
    if packed is not None:
        layers_w, layers_b = [packed[0]], [packed[1]]
        grads_w, grads_b = [workspace.grad_w], [workspace.grad_b]
    else:
        layers_w, layers_b = coefs, intercepts
        grads_w, grads_b = workspace.coef_grads, workspace.intercept_grads
    reg = 0.0
    if alpha:
        for W in layers_w:
            reg += penalty.value(W)
        if penalize_b:
            for b in layers_b:
                reg += penalty.value(b)
    value = data_loss + alpha * reg / sw_sum

    lowest = 0 if trainable is None else trainable.index(True)
    summed = False  # whether the derivative's pass also summed delta's columns
    for i in range(last, -1, -1):
        grad = workspace.coef_grads[i]
        coef_grads[i] = grad
        intercept_grads[i] = workspace.intercept_grads[i]
        if trainable is not None and not trainable[i]:
            grad[...] = 0
            intercept_grads[i][...] = 0
        else:
            if isinstance(activations[i], np.ndarray):
                np.matmul(activations[i].T, delta, out=grad)
            else:
                grad[...] = activations[i].T @ delta
            # numpy's column sums, compiled: the same values in a third of the
            # time on a 32 x 64 delta
            if not summed and not fused.run("column_sums", delta, intercept_grads[i]):
                np.add.reduce(delta, axis=0, out=intercept_grads[i])
        if i > lowest:
            delta = np.matmul(delta, coefs[i].T, out=workspace.deltas[i - 1][:n])
            summed = hidden.derivative_sums(
                activations[i], delta, workspace.intercept_grads[i - 1]
            )

    s = float(sw_sum)  # a Python float: a float32 division in float32
    if scale_weights:
        for W, grad in zip(layers_w, grads_w, strict=True):
            _finish_gradient(penalty, alpha, W, grad, s)
    for b, grad in zip(layers_b, grads_b, strict=True):
        _finish_gradient(penalty, alpha if penalize_b else 0, b, grad, s)
    if trainable is not None and not all(trainable):
        for i, t in enumerate(trainable):
            if not t:  # the penalty term above touched the packed arrays whole
                coef_grads[i][...] = 0
                intercept_grads[i][...] = 0
    return float(value), sw_sum
