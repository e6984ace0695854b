"""Conversion to and from scikit-learn's MLPClassifier and MLPRegressor."""

from __future__ import annotations

import copy
from numbers import Real

from ._config import build_estimator
from ._weights import Weights

__all__ = ["from_sklearn", "to_sklearn"]

#: hidden activations scikit-learn has
SKLEARN_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
#: the optimizers scikit-learn has, by its solver name
SKLEARN_SOLVERS = {"SGD": "sgd", "Adam": "adam", "LBFGS": "lbfgs"}
_FITTED = (
    "n_features_in_",
    "feature_names_in_",
    "n_layers_",
    "n_outputs_",
    "out_activation_",
    "n_iter_",
    "t_",
    "loss_",
    "best_loss_",
    "best_validation_score_",
    "_no_improvement_count",
)


def _optimizer_params(optimizer) -> dict:
    """scikit-learn's flat parameters read from an optimizer object.

    The inverse of ``Optimizer.sklearn_params``; a learning-rate schedule
    becomes ``learning_rate_init`` (its initial rate) and, for SGD, scikit-learn's
    ``learning_rate`` when it is one of its three schedules.
    """
    from ..optimizers import Adaptive, Constant, InvScaling, Schedule

    flat = {}
    for sk_name, own in type(optimizer).sklearn_params.items():
        value = getattr(optimizer, own)
        if isinstance(value, Schedule):
            schedules = {
                Constant: "constant",
                InvScaling: "invscaling",
                Adaptive: "adaptive",
            }
            if sk_name == "learning_rate_init" and type(value) in schedules:
                flat["learning_rate"] = schedules[type(value)]
                if isinstance(value, InvScaling):
                    flat["power_t"] = value.power_t
            value = getattr(value, "learning_rate", None)
        if isinstance(value, Real):
            flat[sk_name] = value
    return flat


def to_sklearn(estimator):
    """A fitted scikit-learn MLP that predicts exactly as ``estimator``.

    ``predict``, ``predict_proba`` and ``score`` of the result are bit for bit
    those of ``estimator``: the same weights go through the same operations.
    Only the *fitted* model is exact. The hyperparameters, which matter only
    for further training, are the closest scikit-learn has: ``solver`` is the
    optimizer's name when it is sgd, adam or lbfgs, else ``"adam"`` (with the
    optimizer's learning rate); an optimizer object's learning rate, momentum,
    betas and epsilon become the flat parameters, its other options (AMSGrad,
    the PyTorch variants, schedules other than constant, invscaling and
    adaptive) are lost; the penalty becomes scikit-learn's L2 with the same
    ``alpha`` whatever it was (L1, elastic net, penalized intercepts);
    ``init``, ``bias_init`` (used only to refit from scratch) and
    ``constraint`` are dropped. The optimizer state restarts, as after any
    ``fit`` in scikit-learn.

    Parameters
    ----------
    estimator : fitted skweights MLPClassifier or MLPRegressor, or Weights

    Returns
    -------
    sk_estimator : sklearn.neural_network.MLPClassifier or MLPRegressor

    Raises
    ------
    ValueError
        If the hidden activation is not one scikit-learn has (identity,
        logistic, tanh, relu).

    Examples
    --------
    >>> import numpy as np
    >>> from skweights import MLPClassifier
    >>> from skweights.io import to_sklearn
    >>> X, y = np.eye(4), np.array([0, 1, 1, 0])
    >>> clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=20,
    ...                     random_state=0).fit(X, y)
    >>> sk = to_sklearn(clf)
    >>> sk
    MLPClassifier(hidden_layer_sizes=(3,), max_iter=20, random_state=0)
    >>> bool((sk.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    from sklearn import neural_network as sk
    from sklearn.utils.validation import check_is_fitted

    from .. import activations
    from ..neural_network import MLPClassifier, MLPRegressor

    if isinstance(estimator, Weights):
        estimator = build_estimator(estimator)
    if not isinstance(estimator, (MLPClassifier, MLPRegressor)):
        raise TypeError(
            "to_sklearn expects a fitted skweights MLPClassifier or MLPRegressor; "
            f"got {type(estimator).__name__}."
        )
    check_is_fitted(estimator)
    act = activations.get(estimator.activation)
    plain = {activations.ACTIVATIONS[n] for n in SKLEARN_ACTIVATIONS}
    if type(act) not in plain:
        raise ValueError(
            f"scikit-learn has no hidden activation {act.name or act!r}: it knows "
            f"{', '.join(SKLEARN_ACTIVATIONS)}. Only networks with one of those can "
            "be converted."
        )
    sk_cls = (
        sk.MLPClassifier if isinstance(estimator, MLPClassifier) else sk.MLPRegressor
    )
    ours = estimator.get_params(deep=False)
    params = {k: ours[k] for k in sk_cls().get_params(deep=False) if k in ours}
    params["activation"] = act.name
    optimizer = estimator._resolve_optimizer()
    params["solver"] = SKLEARN_SOLVERS.get(type(optimizer).__name__, "adam")
    if not isinstance(estimator._optimizer_identifier(), str):
        params.update(_optimizer_params(optimizer))
    params["hidden_layer_sizes"] = tuple(W.shape[1] for W in estimator.coefs_[:-1])
    out = sk_cls(**params)
    out.coefs_ = [W.copy() for W in estimator.coefs_]
    out.intercepts_ = [b.copy() for b in estimator.intercepts_]
    for name in _FITTED:
        if hasattr(estimator, name):
            setattr(out, name, copy.deepcopy(getattr(estimator, name)))
    for name in ("loss_curve_", "validation_scores_"):
        value = getattr(estimator, name, None)
        setattr(out, name, None if value is None else list(value))
    out._best_coefs = [W.copy() for W in estimator.coefs_]
    out._best_intercepts = [b.copy() for b in estimator.intercepts_]
    if isinstance(estimator, MLPClassifier):
        out._label_binarizer = copy.deepcopy(estimator._label_binarizer)
        out.classes_ = out._label_binarizer.classes_
    return out


def from_sklearn(sk_model):
    """A fitted skweights MLP that predicts exactly as a scikit-learn one.

    The parameters carry over (``solver`` becomes ``optimizer``), as do the
    fitted attributes; the optimizer state restarts, as after any ``fit``.

    Parameters
    ----------
    sk_model : fitted sklearn.neural_network.MLPClassifier or MLPRegressor

    Returns
    -------
    estimator : skweights MLPClassifier or MLPRegressor

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neural_network import MLPRegressor
    >>> from skweights.io import from_sklearn
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> sk = MLPRegressor(hidden_layer_sizes=(3,), solver="lbfgs",
    ...                   random_state=0).fit(X, X.sum(axis=1))
    >>> ours = from_sklearn(sk)
    >>> ours.optimizer, bool((ours.predict(X) == sk.predict(X)).all())
    ('lbfgs', True)
    """
    from sklearn import neural_network as sk

    if not isinstance(sk_model, (sk.MLPClassifier, sk.MLPRegressor)):
        raise TypeError(
            "from_sklearn expects a fitted sklearn.neural_network.MLPClassifier or "
            f"MLPRegressor; got {type(sk_model).__name__}."
        )
    return build_estimator(Weights.from_estimator(sk_model))
