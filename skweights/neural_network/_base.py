"""BaseMLP: parameter validation, component resolution, initialization and fitting."""

from __future__ import annotations

import os
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils import validation as _sk_validation
from sklearn.utils.validation import check_is_fitted

from .. import activations as _activations
from .. import constraints as _constraints
from .. import initializers as _initializers
from .. import optimizers as _optimizers
from .. import penalties as _penalties
from .._history import History
from .._network import Workspace, is_packed, loss_and_gradients, pack, predict
from .._sklearn_private import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
    _check_sample_weight,
)
from ..exceptions import DivergenceError
from ..io._weights import Weights
from ._callbacks import CallbackSupportMixin, FitTasks
from ._diagnostics import user_stacklevel
from ._full_batch import FullBatchMixin
from ._stochastic import StochasticMixin


def validate_data(*args, **kwargs):
    """scikit-learn's ``validate_data``, without the "invalid value encountered"
    RuntimeWarning its finiteness check gives for an X holding both +inf and -inf
    before it raises its ValueError (which names the problem)."""
    with np.errstate(invalid="ignore"):
        return _sk_validation.validate_data(*args, **kwargs)


class _SavedState:
    """What a failed ``fit`` or ``partial_fit`` restores, saved at O(model) cost.

    A fresh fit builds new arrays and records, so the attribute dict is enough. A
    continued one (``partial_fit``, warm start) also changes in place the
    weights, the optimizer's arrays, the generator and the growing records: their
    values and lengths are saved, not deep copies of the records, which would make
    every ``partial_fit`` call slower than the one before.
    """

    RECORDS = ("loss_curve_", "validation_scores_", "history_")

    def __init__(self, estimator, continuing):
        self.attributes = dict(estimator.__dict__)
        self.continuing = continuing
        if not continuing:
            return
        self.weights = [
            (a, a.copy()) for a in (*estimator.coefs_, *estimator.intercepts_)
        ]
        self.state = _copy_arrays(getattr(estimator, "_optimizer_state", None))
        rng = getattr(estimator, "_random_state", None)
        self.rng = None if rng is None else (rng, rng.get_state())
        self.lengths = {
            name: len(getattr(estimator, name))
            for name in self.RECORDS
            if getattr(estimator, name, None) is not None
        }

    def restore(self, estimator):
        estimator.__dict__.clear()
        estimator.__dict__.update(self.attributes)
        if not self.continuing:
            return
        for array, values in self.weights:
            array[...] = values
        estimator._optimizer_state = self.state
        if self.rng is not None:
            self.rng[0].set_state(self.rng[1])
        for name, length in self.lengths.items():
            records = getattr(estimator, name)
            if isinstance(records, list):
                del records[length:]
            else:
                records.truncate(length)


def _copy_arrays(state):
    """A copy of a nest of tuples, lists and dicts whose arrays are copied."""
    if isinstance(state, np.ndarray):
        return state.copy()
    if isinstance(state, tuple) and hasattr(state, "_fields"):
        return type(state)(*(_copy_arrays(v) for v in state))
    if isinstance(state, (list, tuple)):
        return type(state)(_copy_arrays(v) for v in state)
    if isinstance(state, dict):
        return {k: _copy_arrays(v) for k, v in state.items()}
    return state


class BaseMLP(
    CallbackSupportMixin,
    StochasticMixin,
    FullBatchMixin,
    BaseEstimator,
    metaclass=ABCMeta,
):
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
        "init": [
            str,
            os.PathLike,
            type,
            list,
            tuple,
            _initializers.Initializer,
            _initializers.Pretrained,
            Weights,
            HasMethods(["predict", "get_params"]),
        ],
        "bias_init": [str, type, list, tuple, _initializers.Initializer],
        "penalty": [str, _penalties.Penalty, None],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "constraint": [str, list, tuple, _constraints.Constraint, None],
        "frozen_layers": [Integral, list, tuple, None],
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
        # Checked in float64 first: a float32 cast would turn 1e300 into inf.
        checked = _check_sample_weight(sample_weight, X, dtype=np.float64)
        if np.any(checked < 0):
            raise ValueError("sample_weight must be non-negative.")
        with np.errstate(over="ignore", divide="ignore"):
            total = checked.sum()
            usable = np.isfinite(total) and np.isfinite(1 / total)
            if X.dtype == np.float32:
                limit = np.finfo(np.float32).max
                usable = usable and checked.max() <= limit and total <= limit
                usable = usable and np.float32(total) > 0
        if not usable:
            raise ValueError(
                f"sample_weight sums to {total:g}, which training cannot divide by "
                f"in {X.dtype}; rescale it (e.g. sample_weight / sample_weight.max())."
            )
        return checked.astype(X.dtype, copy=False)

    # ------------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight=None, incremental=False):
        """Fit, restoring the previous fitted state if anything fails."""
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        # Opened before the state is saved, so that a restore keeps the callback
        # context that with_callbacks tears down.
        tasks = FitTasks(self, X, y, sample_weight, 1 if incremental else self.max_iter)
        saved = _SavedState(self, continuing=not first_pass)
        try:
            self._fit_unsafe(X, y, sample_weight, incremental, first_pass, tasks)
            tasks.end()
            return self
        except DivergenceError:
            tasks.end()
            raise  # the estimator was rolled back to its last finite epoch
        except BaseException:
            # Anything else, an interruption before the first epoch included,
            # leaves the estimator as it was before the call.
            saved.restore(self)
            raise

    def _fit_unsafe(self, X, y, sample_weight, incremental, first_pass, tasks):
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
        loss = self._loss()
        ctx = dict(
            hidden=hidden,
            loss=loss,
            output=loss.output(),
            penalty=penalty,
            alpha=self.alpha,
            trainable=self._trainable_layers(),
        )
        if optimizer.stochastic:
            self._fit_stochastic(
                X, y, sample_weight, optimizer, ctx, constraints, incremental, tasks
            )
        else:
            self._fit_full_batch(
                X, y, sample_weight, optimizer, ctx, constraints, tasks
            )
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
        bias_inits = self._resolve_layer_inits(self.bias_init, n, "bias_init")
        act = self._hidden_activation_name()
        pretrained = _initializers.as_pretrained(self.init)
        if pretrained is not None:
            self.coefs_, self.intercepts_ = pretrained.build(
                layer_units, self._random_state, dtype, act, bias_inits
            )
        else:
            inits = self._resolve_layer_inits(self.init, n, "init")
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
        # Early stopping's best weights, set by its first validation (a copy of
        # the weights kept only when early stopping needs it).
        self._best_coefs = self._best_intercepts = None
        self._optimizer_state = None
        self.loss_curve_ = []
        self.history_ = History(n)
        self._gradient_warnings = set()
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
                stacklevel=user_stacklevel(),
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

    def _objective(self, X, y, sample_weight, ctx, workspace, packed=None, **kwargs):
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
            **kwargs,
        )

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

    def hidden_activations(self, X, layer=-1):
        """The output of a hidden layer for ``X``: learned features.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        layer : int or "all", default=-1
            Index of the hidden layer, 0 for the first and -1 for the last (the
            input of the output layer); ``"all"`` returns every hidden layer.

        Returns
        -------
        activations : ndarray of shape (n_samples, hidden_layer_sizes[layer])
            After the hidden activation function; a list of them for ``"all"``.
            Pushed through the output layer (``A @ coefs_[-1] +
            intercepts_[-1]`` and the output activation), the last one gives
            what ``predict_proba`` (``predict`` for a regressor) returns.

        Notes
        -----
        A method, not ``transform``: the estimators are not transformers, so a
        pipeline step cannot use them as one by accident. Wrap this method in
        :class:`~sklearn.preprocessing.FunctionTransformer` to use the features
        in a pipeline.
        """
        check_is_fitted(self)
        n_hidden = len(self.coefs_) - 1
        if n_hidden == 0:
            raise ValueError("The network has no hidden layer.")
        if isinstance(layer, str) and layer == "all":
            wanted = n_hidden - 1
        elif isinstance(layer, (Integral, np.integer)) and not isinstance(layer, bool):
            if not -n_hidden <= layer < n_hidden:
                raise ValueError(
                    f"layer={layer} is out of range: the network has {n_hidden} "
                    f"hidden layer(s); use an index in [{-n_hidden}, {n_hidden - 1}] "
                    "or 'all'."
                )
            wanted = int(layer) % n_hidden
        else:
            raise ValueError(f"layer must be an int or 'all'; got {layer!r}.")
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        hidden = self._resolve_hidden_activation()
        outputs, A = [], X
        for W, b in zip(self.coefs_[: wanted + 1], self.intercepts_, strict=False):
            A = A @ W
            A += b
            A = hidden.forward(A)
            outputs.append(A)
        return outputs if isinstance(layer, str) else outputs[wanted]

    def to_sklearn(self):
        """The same fitted network as a scikit-learn MLP that predicts identically.

        See :func:`skweights.io.to_sklearn`; the hidden activation must be one
        scikit-learn has (identity, logistic, tanh, relu).
        """
        from ..io import to_sklearn  # noqa: PLC0415 - io reads estimators

        return to_sklearn(self)

    def _score_output(self, output, y, sample_weight=None):
        """``score`` from the network's output on X (NaN if it is not finite)."""
        y_pred = self._prediction(output)
        if np.issubdtype(y_pred.dtype, np.floating) and not np.isfinite(y_pred).all():
            return np.nan
        return self._score_function(y, y_pred, sample_weight=sample_weight)

    def _score(self, X, y, sample_weight=None):
        return self._score_output(self._forward(X, check_input=False), y, sample_weight)

    def _predict(self, X, check_input=True):
        return self._prediction(self._forward(X, check_input=check_input))

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
