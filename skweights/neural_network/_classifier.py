"""MLPClassifier."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .. import losses
from .._sklearn_private import _check_partial_fit_first_call, _fit_context
from ._base import BaseMLP, validate_data
from ._docs import ATTRIBUTES, PARAMETERS


def _comparable(function, labels, name):
    """``function(labels)``, with a clear message where labels cannot be sorted
    or are objects other than strings."""
    if getattr(getattr(labels, "dtype", None), "kind", None) == "O" and len(labels):
        array = np.asarray(labels)  # a pandas categorical of ints is numeric here
        first = array.flat[0]
        if array.dtype.kind == "O" and not isinstance(first, str):
            # scikit-learn reads such an array as labels of "unknown" type
            raise ValueError(
                f"Unknown label type: {name} has dtype object and holds "
                f"{type(first).__name__} values, which scikit-learn does not read "
                f"as class labels (only strings may be objects). Pass {name} with "
                f"a numeric dtype (e.g. np.asarray({name}.tolist())) or as strings."
            )
    try:
        return function(labels)
    except TypeError as exc:
        raise TypeError(
            f"{name} mixes labels of types that cannot be sorted together ({exc}); "
            "use labels of one type, e.g. all strings or all integers."
        ) from exc


def _fit_labels(binarizer, labels, name):
    """Fit ``binarizer`` to ``labels``; a clear TypeError for mixed label types."""
    return _comparable(binarizer.fit, labels, name)


class MLPClassifier(ClassifierMixin, BaseMLP):
    __doc__ = f"""Multi-layer perceptron classifier with pluggable weights.

    A drop-in superset of :class:`sklearn.neural_network.MLPClassifier`: every
    parameter keeps its name, default and meaning (``solver`` is spelled
    ``optimizer``), and ``init``, ``bias_init``, ``penalty`` and ``optimizer``
    accept names or component objects. With default parameters it learns the
    same weights as scikit-learn for the same ``random_state``.

    Binary and multilabel targets use logistic outputs with the binary log-loss;
    multiclass targets a softmax output with the log-loss.

    Parameters
    ----------
{PARAMETERS}
    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels (``[0, ..., n_labels - 1]`` for a multilabel indicator y).

{ATTRIBUTES}
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skweights import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), init="he_uniform",
    ...                     optimizer="lbfgs", random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """

    def __init__(
        self,
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
        if getattr(self, "_label_binarizer", None) is not None and (
            self._label_binarizer.y_type_ == "multiclass"
        ):
            return losses._OneHotLogLoss()  # y is the binarizer's one-hot rows
        return losses.BinaryLogLoss()

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
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = _fit_labels(LabelBinarizer(), y, "y")
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = _comparable(unique_labels, y, "y")
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        f"as in the previous call to fit. Previously got "
                        f"{self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    "`y` has classes not in `self.classes_`. "
                    f"`self.classes_` has {self.classes_}. 'y' has {classes}."
                )
        y = self._label_binarizer.transform(y).astype(bool)
        return X, y

    def _decode_y(self, y):
        return self._label_binarizer.inverse_transform(y)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label indicator matrix for multilabel.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : MLPClassifier
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if(lambda est: est._check_stochastic())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Optimizer state (moments, momentum, schedule position) and the shuffling
        random state carry over between calls. If anything fails, the model is left
        exactly as it was.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array of shape (n_classes,), default=None
            All the classes that can appear; required on the first call.

        Returns
        -------
        self : MLPClassifier
        """
        previous = self.__dict__.get("_label_binarizer")
        first = _comparable(
            lambda labels: _check_partial_fit_first_call(self, labels),
            classes,
            "classes",
        )
        try:
            if first:
                self._label_binarizer = LabelBinarizer()
                if _comparable(type_of_target, y, "y").startswith("multilabel"):
                    _fit_labels(self._label_binarizer, y, "y")
                else:
                    _fit_labels(self._label_binarizer, classes, "classes")
            return self._fit(X, y, sample_weight=sample_weight, incremental=True)
        except BaseException:  # a KeyboardInterrupt too: a first call undone
            if first:
                for name in ("classes_", "_label_binarizer"):
                    self.__dict__.pop(name, None)
                if previous is not None:
                    self._label_binarizer = previous
            raise

    def predict(self, X):
        """Predict class labels (or a label indicator matrix for multilabel).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        check_is_fitted(self)
        return self._predict(X)

    _score_function = staticmethod(accuracy_score)

    def _prediction(self, output):
        if self.n_outputs_ == 1:
            output = output.ravel()
        return self._label_binarizer.inverse_transform(output)

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``; for multilabel, one independent
            probability per label.
        """
        check_is_fitted(self)
        y_pred = self._forward(X)
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        if y_pred.ndim == 1:
            if len(self.classes_) == 1:  # one column per class: the only one is sure
                return np.ones((len(y_pred), 1), dtype=y_pred.dtype)
            return np.vstack([1 - y_pred, y_pred]).T
        return y_pred

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (``-inf`` where a probability is 0).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        y_prob = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(y_prob, out=y_prob)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
