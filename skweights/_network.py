"""Forward and backward passes of a dense network over lists of arrays.

Pure numpy and scipy (sparse inputs): nothing here imports scikit-learn or knows
about estimators. Weights are ``coefs[l]`` of shape ``(fan_in, fan_out)`` and
``intercepts[l]`` of shape ``(fan_out,)``; ``activations[0]`` is the input.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np


def forward(X, coefs, intercepts, hidden, output):
    """Return the list of layer outputs, ``[X, A_1, ..., A_L]``.

    ``hidden`` is applied after every layer but the last, ``output`` after the
    last; both work in place.
    """
    activations = [X]
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        A = activations[-1] @ W
        A += b
        (output if i == last else hidden).forward(A)
        activations.append(A)
    return activations


def predict(X, coefs, intercepts, hidden, output):
    """Return the network's output for ``X`` without keeping the hidden layers."""
    A = X
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        A = A @ W
        A += b
        (output if i == last else hidden).forward(A)
    return A


class Workspace:
    """Buffers for one batch size, allocated once per fit and reused every batch.

    ``activations[l]`` holds the output of layer ``l + 1``, ``deltas[l]`` the
    backpropagated error at hidden layer ``l + 1``; a batch of ``n`` rows uses the
    first ``n`` rows of each (a contiguous view).
    """

    def __init__(self, layer_units, batch_size, dtype):
        pairs = list(pairwise(layer_units))
        self.batch_size = batch_size
        self.X = np.empty((batch_size, layer_units[0]), dtype)
        self.activations = [np.empty((batch_size, u), dtype) for u in layer_units[1:]]
        self.deltas = [np.empty((batch_size, u), dtype) for u in layer_units[1:-1]]
        self.coef_grads = [np.empty(pair, dtype) for pair in pairs]
        self.intercept_grads = [np.empty(b, dtype) for _, b in pairs]

    def gather(self, X, idx):
        """``X[idx]``, into the workspace's buffer when X is a dense array."""
        if isinstance(X, np.ndarray) and X.dtype == self.X.dtype:
            out = self.X[: len(idx)]
            np.take(X, idx, axis=0, out=out)
            return out
        return X[idx]


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
):
    r"""Return the objective on ``(X, y)`` and fill the gradient lists in place.

    The objective is :math:`\frac1S\sum_i s_i \ell_i + \frac{\alpha}{S}\sum_l
    R(W_l)` with :math:`S` the number of rows, or the sum of ``sample_weight``.
    Only the smooth part of the penalty enters the gradient; its L1 part is left to
    the optimizer's proximal step (see :mod:`skweights.penalties`). Intercepts are
    penalized only when ``penalty.penalize_intercepts`` is True.

    With a :class:`Workspace` (of at least ``X.shape[0]`` rows) nothing is
    allocated per call: ``coef_grads`` and ``intercept_grads`` then receive the
    workspace's gradient arrays, which the next call overwrites.
    """
    n = X.shape[0]
    if workspace is None or workspace.batch_size < n:
        units = [X.shape[1]] + [W.shape[1] for W in coefs]
        workspace = Workspace(units, n, coefs[0].dtype)
    output = loss.output()
    last = len(coefs) - 1
    A = X
    activations = [X]
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        A = _matmul_into(A, W, workspace.activations[i][:n])
        A += b
        (output if i == last else hidden).forward(A)
        activations.append(A)
    y_pred = activations[-1]
    data_loss = loss.value(y, y_pred, sample_weight)
    if sample_weight is None:
        sw_sum = n
    else:
        sw_sum = sample_weight.sum()
    reg = 0.0
    penalize_b = bool(alpha) and penalty.penalize_intercepts
    if alpha:
        for W in coefs:
            reg += penalty.value(W)
        if penalize_b:
            for b in intercepts:
                reg += penalty.value(b)
    value = data_loss + alpha * reg / sw_sum

    delta = np.subtract(y_pred, y, out=y_pred)  # the output buffer becomes delta
    if sample_weight is not None:
        delta *= sample_weight.reshape(-1, 1)
    for i in range(last, -1, -1):
        grad = workspace.coef_grads[i]
        if isinstance(activations[i], np.ndarray):
            np.matmul(activations[i].T, delta, out=grad)
        else:
            grad[...] = activations[i].T @ delta
        if alpha:
            penalty.add_gradient(coefs[i], grad, alpha)
        grad /= sw_sum
        coef_grads[i] = grad
        grad_b = np.sum(delta, axis=0, out=workspace.intercept_grads[i])
        if penalize_b:
            penalty.add_gradient(intercepts[i], grad_b, alpha)
        grad_b /= sw_sum
        intercept_grads[i] = grad_b
        if i > 0:
            delta = np.matmul(delta, coefs[i].T, out=workspace.deltas[i - 1][:n])
            hidden.derivative(activations[i], delta)
    return float(value), sw_sum
