"""Full-batch training with L-BFGS."""

from __future__ import annotations

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ..exceptions import TrainingInterruptedWarning
from ._diagnostics import user_stacklevel


class FullBatchMixin:
    """L-BFGS over the trainable layers, for BaseMLP."""

    def _fit_full_batch(self, X, y, sample_weight, optimizer, ctx, constraints, tasks):
        """L-BFGS over one vector: the weights, then the intercepts (scikit-learn's
        layout). An L1 part is handled exactly by splitting the penalized entries
        as ``P - N`` with ``P, N >= 0``; ``NonNeg`` constraints become bounds."""
        dtype = self.coefs_[0].dtype
        # Only the trainable layers enter the vector; frozen ones stay untouched.
        layers = [i for i, t in enumerate(ctx["trainable"]) if t]
        shapes = [self.coefs_[i].shape for i in layers] + [
            self.intercepts_[i].shape for i in layers
        ]
        sizes = [int(np.prod(shape)) for shape in shapes]
        n = len(layers)
        n_w = sum(sizes[:n])
        constraints = [constraints[i] for i in layers]
        penalty, alpha = ctx["penalty"], ctx["alpha"]
        l1 = penalty.l1 * alpha if alpha > 0 else 0.0
        split = (n_w + (sum(sizes[n:]) if penalty.penalize_intercepts else 0)) * (
            l1 > 0
        )
        lower = np.full(sum(sizes), -np.inf)
        start = 0
        for constraint, size in zip(constraints, sizes[:n], strict=True):
            if constraint is not None:
                if constraint.bounds is None:
                    raise ValueError(
                        f"constraint={constraint!r} is a projection after each "
                        "step and L-BFGS takes no separate steps; use a stochastic "
                        "optimizer, or NonNeg (which L-BFGS enforces as bounds)."
                    )
                lower[start : start + size] = constraint.bounds[0]
            start += size
        workspace = self._workspace(X.shape[1], X.shape[0])

        def set_params(theta):
            arrays, start = [], 0
            for shape, size in zip(shapes, sizes, strict=True):
                arrays.append(theta[start : start + size].reshape(shape).astype(dtype))
                start += size
            coefs, intercepts = list(self.coefs_), list(self.intercepts_)
            for k, i in enumerate(layers):
                coefs[i], intercepts[i] = arrays[k], arrays[n + k]
            self.coefs_, self.intercepts_ = coefs, intercepts

        def to_theta(x):
            if not split:
                return x
            return np.concatenate([x[:split] - x[split : 2 * split], x[2 * split :]])

        last = {}

        def fun(x):
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                value, grad = objective(x)
            if not (np.isfinite(value) and np.isfinite(grad).all()):
                # L-BFGS-B backs off from an infinite value; NaN would derail it.
                return np.inf, np.zeros_like(grad)
            return value, grad

        def objective(x):
            theta = to_theta(x)
            set_params(theta)
            value, sw_sum = self._objective(X, y, sample_weight, ctx, workspace)
            grad = np.concatenate(
                [workspace.coef_grads[i].ravel() for i in layers]
                + [workspace.intercept_grads[i] for i in layers],
                dtype=np.float64,
            )
            if split:
                # With theta = P - N the L1 part is linear in (P, N).
                pos, neg = x[:split], x[split : 2 * split]
                value += (
                    l1
                    * float((pos + neg).sum() - np.abs(theta[:split]).sum())
                    / (sw_sum)
                )
                g = grad[:split]
                grad = np.concatenate([g + l1 / sw_sum, -g + l1 / sw_sum, grad[split:]])
            last["loss"] = value
            return value, grad

        theta0 = np.concatenate(
            [self.coefs_[i].ravel() for i in layers]
            + [self.intercepts_[i] for i in layers]
        ).astype(np.float64)
        theta0 = np.maximum(theta0, lower)
        nonneg = lower == 0
        if split:
            x0 = np.concatenate(
                [np.maximum(theta0[:split], 0), np.maximum(-theta0[:split], 0)]
                + [theta0[split:]]
            )
            bounds = (
                [(0, None)] * split
                + [(0, 0) if nn else (0, None) for nn in nonneg[:split]]
                + [(0, None) if nn else (None, None) for nn in nonneg[split:]]
            )
        else:
            x0 = theta0
            bounds = (
                [(0, None) if nn else (None, None) for nn in nonneg]
                if nonneg.any()
                else None
            )

        history = self._history()
        n_layers = len(self.coefs_)
        previous = {"theta": theta0, "time": time.perf_counter()}

        def callback(xk):
            # One History row per iteration; the gradients are those of the last
            # evaluation, the line search's accepted point.
            callback.it += 1
            theta = to_theta(np.asarray(xk))
            last["x"], last["x_loss"] = np.array(xk), last["loss"]
            weight_norm = [np.linalg.norm(W) for W in self.coefs_]
            grad_norm, update_ratio = np.zeros(n_layers), np.zeros(n_layers)
            start = 0
            for k, i in enumerate(layers):
                w, w0 = (
                    theta[start : start + sizes[k]],
                    previous["theta"][start:][: sizes[k]],
                )
                start += sizes[k]
                weight_norm[i] = np.linalg.norm(w)
                norm0 = np.linalg.norm(w0)
                update_ratio[i] = np.linalg.norm(w - w0) / norm0 if norm0 else np.inf
                grad_norm[i] = np.linalg.norm(workspace.coef_grads[i])
            now = time.perf_counter()
            history.append(
                epoch=len(history) + 1,
                loss=last["loss"],
                time=now - previous["time"],
                weight_norm=weight_norm,
                grad_norm=grad_norm,
                update_ratio=update_ratio,
            )
            previous.update(theta=theta, time=now)
            # One callback task per iteration, begun and ended here: scipy gives no
            # hook at an iteration's start. A request to stop is not honoured.
            tasks.begin_epoch()
            tasks.end_epoch()
            if self.verbose:
                print(f"Iteration {callback.it}, loss = {last['loss']:.8f}")

        callback.it = 0
        try:
            res = optimizer.minimize(
                fun,
                x0,
                max_iter=self.max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
                bounds=bounds,
                callback=callback,
            )
        except KeyboardInterrupt:
            if "x" not in last:
                raise  # not one iteration done: fit restores the previous state
            set_params(to_theta(last["x"]))
            self.n_iter_, self.loss_ = callback.it, last["x_loss"]
            history.truncate(len(history))
            warnings.warn(
                f"Training interrupted after {callback.it} completed L-BFGS "
                f"iteration(s) (n_iter_={callback.it}); the weights of the last "
                "completed iteration were kept.",
                TrainingInterruptedWarning,
                stacklevel=user_stacklevel(),
            )
            return
        self.n_iter_ = min(res.n_iter, self.max_iter)
        if res.status != 0:
            warnings.warn(
                f"lbfgs failed to converge after {self.n_iter_} iteration(s) "
                f"(status={res.status}): {res.message}. Increase the number of "
                "iterations (max_iter) or scale the data.",
                ConvergenceWarning,
                stacklevel=user_stacklevel(),
            )
        set_params(to_theta(res.x))
        self.loss_ = res.fun
