"""Forward and backward passes of a dense network over lists of arrays.

Pure numpy and scipy (sparse inputs): nothing here imports scikit-learn or knows
about estimators. Weights are ``coefs[l]`` of shape ``(fan_in, fan_out)`` and
``intercepts[l]`` of shape ``(fan_out,)``; ``activations[0]`` is the input.
"""

from __future__ import annotations

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
):
    r"""Return the objective on ``(X, y)`` and fill the gradient lists in place.

    The objective is :math:`\frac1S\sum_i s_i \ell_i + \frac{\alpha}{S}\sum_l
    R(W_l)` with :math:`S` the number of rows, or the sum of ``sample_weight``.
    Only the smooth part of the penalty enters the gradient; its L1 part is left to
    the optimizer's proximal step (see :mod:`skweights.penalties`). Intercepts are
    penalized only when ``penalty.penalize_intercepts`` is True.
    """
    activations = forward(X, coefs, intercepts, hidden, loss.output())
    y_pred = activations[-1]
    data_loss = loss.value(y, y_pred, sample_weight)
    if sample_weight is None:
        sw_sum = X.shape[0]
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

    last = len(coefs) - 1
    delta = y_pred - y
    if sample_weight is not None:
        delta *= sample_weight.reshape(-1, 1)
    for i in range(last, -1, -1):
        grad = activations[i].T @ delta
        if alpha:
            penalty.add_gradient(coefs[i], grad, alpha)
        grad /= sw_sum
        coef_grads[i] = np.asarray(grad)
        if penalize_b:
            grad_b = np.sum(delta, axis=0)
            penalty.add_gradient(intercepts[i], grad_b, alpha)
            intercept_grads[i] = grad_b / sw_sum
        else:
            intercept_grads[i] = np.sum(delta, axis=0) / sw_sum
        if i > 0:
            delta = delta @ coefs[i].T
            hidden.derivative(activations[i], delta)
    return float(value), sw_sum
