"""MLPRegressor."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils import assert_all_finite
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .. import losses
from .._sklearn_private import StrOptions, _fit_context
from ._base import BaseMLP, validate_data
from ._docs import ATTRIBUTES, PARAMETERS


def _numeric_target(y):
    """``y`` as numbers; a ValueError naming y and its dtype where it is not.

    Objects and strings that read as numbers (``"1.5"``, ``Decimal``) are
    converted to float64, as scikit-learn converts them in X; anything else,
    words, dates or durations, is rejected before numpy sees it.
    """
    if y.dtype.kind in "biuf":
        return y
    if y.dtype.kind in "OUS":
        try:
            converted = y.astype(np.float64)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"MLPRegressor needs a numeric y, but y has dtype {y.dtype} and its "
                f"values cannot be converted to float ({exc}). Encode the targets "
                "as numbers; for class labels use MLPClassifier."
            ) from exc
        # "nan" and "inf" are numbers once converted
        assert_all_finite(converted, input_name="y")
        return converted
    raise ValueError(
        f"MLPRegressor needs a numeric y, but y has dtype {y.dtype}. Convert it to "
        "numbers first (e.g. y.astype('int64') or a count of days)."
    )


class MLPRegressor(RegressorMixin, BaseMLP):
    __doc__ = f"""Multi-layer perceptron regressor with pluggable weights.

    A drop-in superset of :class:`sklearn.neural_network.MLPRegressor`: every
    parameter keeps its name, default and meaning (``solver`` is spelled
    ``optimizer``), and ``init``, ``bias_init``, ``penalty`` and ``optimizer``
    accept names or component objects. With default parameters it learns the
    same weights as scikit-learn for the same ``random_state``.

    Parameters
    ----------
    loss : {{"squared_error", "poisson"}}, default="squared_error"
        ``"squared_error"`` (identity output) or ``"poisson"`` (half the Poisson
        deviance with an exp output; y must be non-negative). For a multi-output
        y the squared error is summed over outputs, so that it agrees with its
        gradient (scikit-learn averages the loss but sums the gradient).

{PARAMETERS}
    Attributes
    ----------
{ATTRIBUTES}
    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skweights import MLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=0.1,
    ...                        random_state=0)
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), optimizer="lbfgs",
    ...                    init="glorot_uniform", bias_init="zeros",
    ...                    max_iter=500, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    """

    _parameter_constraints: dict = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        optimizer="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        init="sklearn",
        bias_init="sklearn",
        penalty="l2",
        l1_ratio=0.15,
        constraint=None,
        frozen_layers=None,
        solver=None,
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.init = init
        self.bias_init = bias_init
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.constraint = constraint
        self.frozen_layers = frozen_layers
        self.solver = solver

    def _loss(self):
        return losses.REGRESSION_LOSSES[self.loss]()

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if sp.issparse(y):  # accepted by validate_data; the network needs it dense
            y = y.toarray()
        y = _numeric_target(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "loss='poisson' requires non-negative y (counts or rates); "
                f"got a minimum of {y.min()}."
            )
        if y.dtype != X.dtype:
            largest = np.finfo(X.dtype).max
            if np.abs(y).max() > largest:
                raise ValueError(
                    f"y has values up to {np.abs(y).max():g}, beyond the range of "
                    f"{X.dtype} (at most {largest:g}), the dtype of X in which the "
                    "network computes. Pass X as float64, or rescale y."
                )
            y = y.astype(X.dtype)
        return X, y

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MLPRegressor
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if(lambda est: est._check_stochastic())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MLPRegressor
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X):
        """Predict using the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        check_is_fitted(self)
        return self._predict(X)

    _score_function = staticmethod(r2_score)

    def _prediction(self, output):
        return output.ravel() if output.shape[1] == 1 else output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        if self.loss == "poisson":
            tags.target_tags.positive_only = True
        return tags
