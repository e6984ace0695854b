"""BaseMLP: parameter validation, component resolution, initialization and fitting."""

from __future__ import annotations

import copy
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, gen_batches, shuffle
from sklearn.utils.validation import validate_data

from .. import activations as _activations
from .. import constraints as _constraints
from .. import initializers as _initializers
from .. import optimizers as _optimizers
from .. import penalties as _penalties
from .._network import Workspace, is_packed, loss_and_gradients, pack, predict
from .._sklearn_private import (
    Interval,
    Options,
    StrOptions,
    _check_sample_weight,
)

try:  # installed with scikit-learn, which requires it; not a dependency of ours
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

#: batch_size * largest fan_in * fan_out at or below which training uses one BLAS
#: thread (digits at 200 x 64 x 100 is 1.3e6; the 256 x 256 x 512 layer is 3.4e7)
SMALL_GEMM = 1 << 22


class BaseMLP(BaseEstimator, metaclass=ABCMeta):
    """Shared machinery of :class:`MLPClassifier` and :class:`MLPRegressor`."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [str, _activations.Activation],
        "optimizer": [str, _optimizers.Optimizer],
        "solver": [str, _optimizers.Optimizer, None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "init": [str, type, list, tuple, _initializers.Initializer],
        "bias_init": [str, type, list, tuple, _initializers.Initializer],
        "penalty": [str, _penalties.Penalty, None],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "constraint": [str, list, tuple, _constraints.Constraint, None],
    }

    @abstractmethod
    def __init__(self, **params):  # pragma: no cover - defined by the subclasses
        ...

    # ------------------------------------------------------------------ components
    def _optimizer_identifier(self):
        if self.solver is None:
            return self.optimizer
        if isinstance(self.optimizer, str) and self.optimizer == "adam":
            return self.solver
        if self.solver is self.optimizer or (
            isinstance(self.solver, str) and self.solver == self.optimizer
        ):
            return self.optimizer
        raise ValueError(
            f"solver={self.solver!r} and optimizer={self.optimizer!r} disagree: "
            "solver is an alias of optimizer kept for code written for "
            "scikit-learn; set only one of them."
        )

    def _resolve_optimizer(self):
        ident = self._optimizer_identifier()
        if isinstance(ident, str):
            cls = type(_optimizers.get(ident))
            return cls.from_estimator_params(self.get_params(deep=False))
        return _optimizers.get(ident)

    def _resolve_penalty(self):
        if isinstance(self.penalty, str) and self.penalty.lower() in (
            "elasticnet",
            "elastic_net",
        ):
            return _penalties.ElasticNet(l1_ratio=self.l1_ratio)
        return _penalties.get(self.penalty)

    def _resolve_layer_inits(self, identifier, n_layers, name):
        if isinstance(identifier, (list, tuple)):
            if len(identifier) != n_layers:
                raise ValueError(
                    f"{name} is a list of {len(identifier)} initializers but the "
                    f"network has {n_layers} layers of weights (one per hidden layer "
                    "plus the output layer)."
                )
            return [_initializers.get(i) for i in identifier]
        return [_initializers.get(identifier)] * n_layers

    def _resolve_constraints(self, n_layers):
        if isinstance(self.constraint, (list, tuple)):
            if len(self.constraint) != n_layers:
                raise ValueError(
                    f"constraint is a list of {len(self.constraint)} entries but the "
                    f"network has {n_layers} layers of weights."
                )
            return [_constraints.get(c) for c in self.constraint]
        return [_constraints.get(self.constraint)] * n_layers

    def _resolve_hidden_activation(self):
        return _activations.get(self.activation)

    def _hidden_activation_name(self):
        act = self.activation
        return act.lower() if isinstance(act, str) else getattr(act, "name", None)

    @abstractmethod
    def _loss(self):
        """The loss object for the current output layout."""

    # ----------------------------------------------------------------- validation
    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        if not hasattr(sizes, "__iter__"):
            sizes = [sizes]
        sizes = list(sizes)
        for s in sizes:
            if (
                not isinstance(s, (Integral, np.integer))
                or isinstance(s, bool)
                or s <= 0
            ):
                raise ValueError(
                    f"hidden_layer_sizes must be positive integers, got {sizes}."
                )
        return [int(s) for s in sizes]

    def _check_sample_weight(self, sample_weight, X):
        if sample_weight is None:
            return None
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        if np.any(sample_weight < 0):
            raise ValueError("sample_weight must be non-negative.")
        return sample_weight

    # ------------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight=None, incremental=False):
        """Fit, restoring the previous fitted state if anything fails."""
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        saved = dict(self.__dict__) if first_pass else copy.deepcopy(self.__dict__)
        try:
            return self._fit_unsafe(X, y, sample_weight, incremental, first_pass)
        except Exception:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    def _fit_unsafe(self, X, y, sample_weight, incremental, first_pass):
        hidden_layer_sizes = self._hidden_layer_sizes()
        optimizer = self._resolve_optimizer()
        if incremental and not optimizer.stochastic:
            raise ValueError(
                f"partial_fit needs a stochastic optimizer; {optimizer!r} is "
                "full-batch. Use fit, or an optimizer such as 'adam' or 'sgd'."
            )
        penalty = self._resolve_penalty()
        hidden = self._resolve_hidden_activation()

        X, y = self._validate_input(X, y, incremental, reset=first_pass)
        sample_weight = self._check_sample_weight(sample_weight, X)
        if y.ndim == 1:
            y = y.reshape((-1, 1))
        if not first_pass and y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y.shape[1]} outputs but the fitted network has "
                f"{self.n_outputs_}."
            )
        n_features = X.shape[1]
        layer_units = [n_features, *hidden_layer_sizes, y.shape[1]]
        if (
            not first_pass
            and [c.shape[0] for c in self.coefs_] + [self.coefs_[-1].shape[1]]
            != layer_units
        ):
            raise ValueError(
                "hidden_layer_sizes changed since the last fit "
                f"({[c.shape[1] for c in self.coefs_[:-1]]} -> {hidden_layer_sizes}); "
                "set warm_start=False to refit from scratch."
            )
        if not incremental or not hasattr(self, "_random_state"):
            self._random_state = check_random_state(self.random_state)
        if first_pass:
            self._initialize(y, layer_units, X.dtype)
        self.optimizer_ = optimizer
        self.penalty_ = penalty
        constraints = self._resolve_constraints(len(layer_units) - 1)
        ctx = dict(hidden=hidden, loss=self._loss(), penalty=penalty, alpha=self.alpha)
        if optimizer.stochastic:
            self._fit_stochastic(
                X, y, sample_weight, optimizer, ctx, constraints, incremental
            )
        else:
            self._fit_full_batch(X, y, sample_weight, optimizer, ctx, constraints)
        if not all(np.isfinite(w).all() for w in (*self.coefs_, *self.intercepts_)):
            raise ValueError(
                "The optimizer produced non-finite weights. The input data may "
                "contain large values and need scaling, or the learning rate is too "
                "high; the previous state of the estimator was kept."
            )
        return self

    def _initialize(self, y, layer_units, dtype):
        self.n_iter_ = 0
        self.t_ = 0
        self._weight_seen = 0
        self.n_outputs_ = y.shape[1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._loss().output_activation
        n = len(layer_units) - 1
        inits = self._resolve_layer_inits(self.init, n, "init")
        bias_inits = self._resolve_layer_inits(self.bias_init, n, "bias_init")
        act = self._hidden_activation_name()
        self.coefs_, self.intercepts_ = [], []
        for i in range(n):
            fans = (layer_units[i], layer_units[i + 1])
            W = inits[i](fans, self._random_state, dtype, fans=fans, activation=act)
            b = bias_inits[i](
                (fans[1],), self._random_state, dtype, fans=fans, activation=act
            )
            self.coefs_.append(W)
            self.intercepts_.append(b)
        self._warn_symmetric()
        self._best_coefs = [c.copy() for c in self.coefs_]
        self._best_intercepts = [b.copy() for b in self.intercepts_]
        self._optimizer_state = None
        self.loss_curve_ = []
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def _warn_symmetric(self):
        for i, W in enumerate(self.coefs_[:-1]):
            if W.shape[1] < 2 or not np.all(W == W[:, :1]):
                continue
            b = self.intercepts_[i]
            if np.all(b == b[0]):
                what = (
                    "and the same bias, so gradient training keeps them identical "
                    "forever (symmetry is never broken)"
                )
            else:
                what = (
                    "so only their initial biases tell them apart: gradient training "
                    "breaks the symmetry slowly, if at all"
                )
            warnings.warn(
                f"The initial weights give every unit of hidden layer {i + 1} the "
                f"same incoming weights, {what}. Use a random initializer for hidden "
                "layers, e.g. init='glorot_uniform'.",
                UserWarning,
                stacklevel=4,
            )

    def _packed_parameters(self):
        """Make coefs_ and intercepts_ views of two flat arrays; return the arrays.

        Already packed parameters are kept (optimizer state stays aligned); a
        user-assigned array, an unpickled or an L-BFGS-fitted model is repacked.
        """
        flat = []
        for name in ("coefs_", "intercepts_"):
            arrays = getattr(self, name)
            if is_packed(arrays):
                flat.append(arrays[0].base)
            else:
                buffer, views = pack(arrays, self.coefs_[0].dtype)
                setattr(self, name, views)
                flat.append(buffer)
        return tuple(flat)

    def _workspace(self, n_features, batch_size):
        units = [n_features] + [W.shape[1] for W in self.coefs_]
        return Workspace(units, batch_size, self.coefs_[0].dtype)

    def _objective(self, X, y, sample_weight, ctx, workspace, packed=None):
        """The objective on a batch; the gradients land in ``workspace``."""
        return loss_and_gradients(
            X,
            y,
            sample_weight,
            self.coefs_,
            self.intercepts_,
            coef_grads=workspace.coef_grads,
            intercept_grads=workspace.intercept_grads,
            workspace=workspace,
            packed=packed,
            **ctx,
        )

    def _fit_stochastic(
        self, X, y, sample_weight, optimizer, ctx, constraints, incremental
    ):
        # The optimizer sees two flat arrays, all weights and all intercepts, whose
        # views are coefs_ and intercepts_: one update, one penalty and one
        # proximal step per batch instead of one per layer.
        packed = self._packed_parameters()
        params = list(packed)
        if not incremental or getattr(self, "_optimizer_state", None) is None:
            self._optimizer_state = optimizer.init(params, [False, True])
            self._schedule_epoch = 0  # epochs the schedule has seen, across calls
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True.")
        early_stopping = self.early_stopping
        if early_stopping:
            X, X_val, y, y_val, sample_weight, sw_val = self._split_validation(
                X, y, sample_weight
            )
        else:
            X_val = y_val = sw_val = None
        n_samples = X.shape[0]
        sample_idx = np.arange(n_samples, dtype=int)
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than sample size. It is "
                    "going to be clipped",
                    stacklevel=4,
                )
            batch_size = int(np.clip(self.batch_size, 1, n_samples))
        penalty, alpha = ctx["penalty"], ctx["alpha"]
        prox = []  # indices into params of the arrays with an L1 part
        if alpha > 0 and penalty.l1 > 0:
            prox = [0, 1] if penalty.penalize_intercepts else [0]
        constrained = [
            (W, c)
            for W, c in zip(self.coefs_, constraints, strict=True)
            if c is not None
        ]
        state = self._optimizer_state
        workspace = self._workspace(X.shape[1], batch_size)
        grads = [workspace.grad_w, workspace.grad_b]
        # Small products run faster on one BLAS thread than split across several
        # (measured: digits 4.9 against 5.1 ms/epoch, 8x64 layers at batch 32 0.43
        # against 0.49 s/epoch); restored when the epochs end, however they end.
        largest = batch_size * max(W.size for W in self.coefs_)
        limiter = (
            threadpool_limits(1, user_api="blas")
            if threadpool_limits and largest <= SMALL_GEMM and isinstance(X, np.ndarray)
            else None
        )
        try:
            self.n_iter_ = 0
            for _ in range(self.max_iter):
                if self.shuffle:
                    sample_idx = shuffle(sample_idx, random_state=self._random_state)
                accumulated_loss = 0.0
                for batch in gen_batches(n_samples, batch_size):
                    if self.shuffle:
                        idx = sample_idx[batch]
                        X_batch = workspace.gather(X, idx)
                    else:
                        idx = batch
                        X_batch = X[batch]
                    sw = None if sample_weight is None else sample_weight[idx]
                    batch_loss, sw_sum = self._objective(
                        X_batch, y[idx], sw, ctx, workspace, packed
                    )
                    accumulated_loss += batch_loss * (batch.stop - batch.start)
                    state = optimizer.update(params, grads, state)
                    for i in prox:
                        step = optimizer.step_size(state, i)
                        penalty.prox(params[i], step * (alpha / sw_sum))
                    for W, constraint in constrained:
                        constraint(W)
                    self._optimizer_state = state
                self.n_iter_ += 1
                self._schedule_epoch += 1
                self.loss_ = accumulated_loss / n_samples
                self.t_ += n_samples
                # Schedules count sample weight, so that a weight of k is k copies.
                self._weight_seen += (
                    n_samples if sample_weight is None else float(sample_weight.sum())
                )
                self.loss_curve_.append(self.loss_)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
                self._update_no_improvement_count(early_stopping, X_val, y_val, sw_val)
                state = optimizer.end_epoch(
                    state,
                    n_samples_seen=self._weight_seen,
                    epoch=self._schedule_epoch,
                    loss=self.loss_,
                )
                self._optimizer_state = state
                if self._no_improvement_count > self.n_iter_no_change:
                    what = "Validation score" if early_stopping else "Training loss"
                    msg = (
                        f"{what} did not improve more than tol={self.tol:f} for "
                        f"{self.n_iter_no_change} consecutive epochs."
                    )
                    state, stop = optimizer.on_plateau(state)
                    self._optimizer_state = state
                    if stop:
                        if self.verbose:
                            print(msg + " Stopping.")
                        break
                    if self.verbose:
                        print(msg + f" Setting learning rate to {state.lr:f}")
                    self._no_improvement_count = 0
                if incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                        stacklevel=4,
                    )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=4)
        finally:
            if limiter is not None:
                limiter.restore_original_limits()
        if early_stopping:
            self.coefs_ = [c.copy() for c in self._best_coefs]
            self.intercepts_ = [b.copy() for b in self._best_intercepts]

    def _split_validation(self, X, y, sample_weight):
        stratify = None
        if is_classifier(self) and self.out_activation_ == "softmax":
            stratify = y.argmax(axis=1)
        elif is_classifier(self) and self.n_outputs_ == 1:
            stratify = y.ravel()
        arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
        split = train_test_split(
            *arrays,
            random_state=self._random_state,
            test_size=self.validation_fraction,
            stratify=stratify,
        )
        X_train, X_val, y_train, y_val = split[:4]
        sw_train, sw_val = (None, None) if sample_weight is None else split[4:]
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or "
                "the size of your dataset."
            )
        return X_train, X_val, y_train, self._decode_y(y_val), sw_train, sw_val

    def _decode_y(self, y):
        return y

    def _update_no_improvement_count(self, early_stopping, X, y, sample_weight):
        if early_stopping:
            score = self._score(X, y, sample_weight)
            self.validation_scores_.append(score)
            if self.verbose:
                print(f"Validation score: {score:f}")
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_coefs = [c.copy() for c in self.coefs_]
                self._best_intercepts = [b.copy() for b in self.intercepts_]
        else:
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if self.loss_curve_[-1] < self.best_loss_:
                self.best_loss_ = self.loss_curve_[-1]

    def _fit_full_batch(self, X, y, sample_weight, optimizer, ctx, constraints):
        """L-BFGS over one vector: the weights, then the intercepts (scikit-learn's
        layout). An L1 part is handled exactly by splitting the penalized entries
        as ``P - N`` with ``P, N >= 0``; ``NonNeg`` constraints become bounds."""
        dtype = self.coefs_[0].dtype
        shapes = [c.shape for c in self.coefs_] + [b.shape for b in self.intercepts_]
        sizes = [int(np.prod(shape)) for shape in shapes]
        n = len(self.coefs_)
        n_w = sum(sizes[:n])
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
            self.coefs_, self.intercepts_ = arrays[:n], arrays[n:]

        def to_theta(x):
            if not split:
                return x
            return np.concatenate([x[:split] - x[split : 2 * split], x[2 * split :]])

        last = {}

        def fun(x):
            theta = to_theta(x)
            set_params(theta)
            value, sw_sum = self._objective(X, y, sample_weight, ctx, workspace)
            grad = np.concatenate(
                [workspace.grad_w, workspace.grad_b], dtype=np.float64
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
            [a.ravel() for a in self.coefs_ + self.intercepts_]
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

        def callback(xk):
            callback.it += 1
            if self.verbose:
                print(f"Iteration {callback.it}, loss = {last['loss']:.8f}")

        callback.it = 0
        res = optimizer.minimize(
            fun,
            x0,
            max_iter=self.max_iter,
            max_fun=self.max_fun,
            tol=self.tol,
            bounds=bounds,
            callback=callback,
        )
        self.n_iter_ = min(res.n_iter, self.max_iter)
        if res.status != 0:
            warnings.warn(
                f"lbfgs failed to converge after {self.n_iter_} iteration(s) "
                f"(status={res.status}): {res.message}. Increase the number of "
                "iterations (max_iter) or scale the data.",
                ConvergenceWarning,
                stacklevel=4,
            )
        set_params(to_theta(res.x))
        self.loss_ = res.fun

    # ------------------------------------------------------------------ predicting
    def _forward(self, X, check_input=True):
        if check_input:
            X = validate_data(
                self,
                X,
                accept_sparse=["csr", "csc"],
                dtype=(np.float64, np.float32),
                reset=False,
            )
        return predict(
            X,
            self.coefs_,
            self.intercepts_,
            self._resolve_hidden_activation(),
            self._loss().output(),
        )

    def _score_with_function(self, X, y, sample_weight, score_function):
        y_pred = self._predict(X, check_input=False)
        if np.issubdtype(y_pred.dtype, np.floating) and not np.isfinite(y_pred).all():
            return np.nan
        return score_function(y, y_pred, sample_weight=sample_weight)

    def _check_stochastic(self):
        """``partial_fit`` exists only for stochastic optimizers."""
        try:
            optimizer = self._resolve_optimizer()
        except (ValueError, TypeError):
            return True  # let partial_fit report the bad parameter
        if not optimizer.stochastic:
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. "
                f"{optimizer!r} is not stochastic."
            )
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
