"""The config stored next to the weights, and the estimator rebuilt from both."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ._check import FITTED_FIELDS, check_config, classes_array
from ._codec import NotStorable, decode_value, encode_value
from ._weights import FORMAT_VERSION, Weights

__all__ = ["build_estimator", "config_of", "dump_config", "parse_config"]

#: fitted attributes stored under config["fitted"]; private ones without underscore
FITTED = tuple(FITTED_FIELDS)


def _estimator_name(estimator) -> tuple[str, bool]:
    """``("MLPClassifier" | "MLPRegressor", is_sklearn)``."""
    from sklearn import neural_network as sk

    from ..neural_network import MLPClassifier, MLPRegressor

    for ours, theirs in (
        (MLPClassifier, sk.MLPClassifier),
        (MLPRegressor, sk.MLPRegressor),
    ):
        if isinstance(estimator, ours):
            return ours.__name__, False
        if isinstance(estimator, theirs):
            return ours.__name__, True
    raise TypeError(
        "Expected a fitted skweights or scikit-learn MLPClassifier or MLPRegressor; "
        f"got {type(estimator).__name__}."
    )


def _hidden_activation(estimator, is_sklearn) -> tuple[str, dict]:
    from .. import activations

    if is_sklearn:
        return estimator.activation, {}
    act = activations.get(estimator.activation)
    if type(act) not in set(activations.ACTIVATIONS.values()):
        return type(act).__name__, {}
    return act.name, {k: encode_value(v) for k, v in act.get_params(False).items()}


def config_of(estimator) -> dict[str, Any]:
    """The JSON-serializable description of a fitted MLP, stored next to its weights.

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
        A skweights estimator, or a scikit-learn one (its ``solver`` becomes
        ``optimizer``).

    Returns
    -------
    config : dict
        Keys ``format``, ``format_version``, ``skweights_version``,
        ``estimator``, ``activation``, ``activation_params``,
        ``out_activation``, ``layer_units``, ``dtype``, ``n_features_in``,
        ``feature_names_in``, ``params``, ``dropped_params``, ``fitted``; a
        classifier adds ``classes``, ``classes_dtype`` and ``y_type``, a
        regressor ``loss``. See :mod:`skweights.io`.

    Examples
    --------
    >>> import numpy as np
    >>> from skweights import MLPRegressor
    >>> from skweights.io import config_of
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> reg = MLPRegressor(hidden_layer_sizes=(3,), optimizer="lbfgs",
    ...                    random_state=0).fit(X, X.sum(axis=1))
    >>> config = config_of(reg)
    >>> config["estimator"], config["layer_units"], config["loss"]
    ('MLPRegressor', [2, 3, 1], 'squared_error')
    """
    from .. import __version__

    name, is_sklearn = _estimator_name(estimator)
    coefs = estimator.coefs_
    activation, activation_params = _hidden_activation(estimator, is_sklearn)
    raw = dict(estimator.get_params(deep=False))
    if is_sklearn:
        raw["optimizer"] = raw.pop("solver")
    params, dropped = {}, []
    for key, value in raw.items():
        if key == "init" and _points_at_weights(value):
            dropped.append(key)  # data outside the file, as Pretrained is
            continue
        try:
            params[key] = encode_value(value)
        except NotStorable:
            dropped.append(key)
    names = getattr(estimator, "feature_names_in_", None)
    config = {
        "format": "skweights",
        "format_version": FORMAT_VERSION,
        "skweights_version": __version__,
        "estimator": name,
        "activation": activation,
        "activation_params": activation_params,
        "out_activation": estimator.out_activation_,
        "layer_units": [int(coefs[0].shape[0])] + [int(W.shape[1]) for W in coefs],
        "dtype": str(np.asarray(coefs[0]).dtype),
        "n_features_in": int(estimator.n_features_in_),
        "feature_names_in": None if names is None else [str(n) for n in names],
        "params": params,
        "dropped_params": dropped,
    }
    if name == "MLPClassifier":
        classes = np.asarray(estimator.classes_)
        config["classes"] = [encode_value(c) for c in classes.tolist()]
        config["classes_dtype"] = classes.dtype.str
        config["y_type"] = estimator._label_binarizer.y_type_
    else:
        config["loss"] = estimator.loss
    private = {"no_improvement_count": "_no_improvement_count"}
    private["weight_seen"] = "_weight_seen" if not is_sklearn else "t_"
    fitted = {}
    for key in FITTED:
        value = getattr(estimator, private.get(key, key), None)
        fitted[key] = encode_value(_plain(value))
    config["fitted"] = fitted
    return config


def _points_at_weights(init) -> bool:
    from ..initializers import as_pretrained

    try:
        return as_pretrained(init) is not None
    except TypeError:
        return False


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def parse_config(text: str, source: str) -> dict[str, Any]:
    """Parse the JSON config read from ``source``; ``ValueError`` if it is not."""
    try:
        config = json.loads(text)
    except (TypeError, ValueError, RecursionError) as exc:  # too deeply nested
        raise ValueError(
            f"{source} is corrupted: its skweights config is not valid JSON ({exc})."
        ) from None
    if not isinstance(config, dict):
        raise ValueError(
            f"{source} is corrupted: its skweights config is not a mapping."
        )
    return config


def dump_config(config: dict[str, Any]) -> str:
    """The config as strict JSON (no NaN or infinity literals)."""
    return json.dumps(config, allow_nan=False, sort_keys=True)


def build_estimator(weights: Weights):
    """A new fitted estimator from weights and their config.

    The estimator predicts exactly as the one that was saved and can be trained
    further with ``partial_fit`` or ``fit`` with ``warm_start=True``. The
    optimizer's state (Adam moments, momentum, the schedule's position) is not
    stored: further training starts it afresh, as scikit-learn does at each
    ``fit``. Parameters that could not be stored (``config["dropped_params"]``)
    take their defaults.

    Parameters
    ----------
    weights : Weights
        Weights with a config, as read from a file or made by
        :meth:`Weights.from_estimator` (a skweights or scikit-learn MLP).

    Returns
    -------
    estimator : MLPClassifier or MLPRegressor
        A new skweights estimator.

    Raises
    ------
    ValueError
        If the config is missing, invalid or does not match the arrays; the
        message names ``weights.source``.

    Examples
    --------
    >>> import numpy as np
    >>> from skweights import MLPClassifier
    >>> from skweights.io import Weights, build_estimator
    >>> X, y = np.eye(4), np.array([0, 1, 1, 0])
    >>> clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=20,
    ...                     random_state=0).fit(X, y)
    >>> copy = build_estimator(Weights.from_estimator(clf))
    >>> bool((copy.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    from sklearn.preprocessing import LabelBinarizer

    from ..neural_network import MLPClassifier, MLPRegressor

    config = check_config(weights)
    src = weights.source
    cls = MLPClassifier if config["estimator"] == "MLPClassifier" else MLPRegressor
    est = cls(**_params(config, cls, src))
    units = config["layer_units"]
    try:
        sizes = est._hidden_layer_sizes()
    except ValueError:
        sizes = None
    if sizes != units[1:-1]:
        est.hidden_layer_sizes = tuple(units[1:-1])
    if config["estimator"] == "MLPRegressor":
        est.loss = config["loss"]
    _set_activation(est, config, src)
    est.coefs_ = [np.array(W) for W in weights.coefs]
    est.intercepts_ = [np.array(b) for b in weights.intercepts]
    est.n_features_in_ = units[0]
    if config.get("feature_names_in") is not None:
        est.feature_names_in_ = np.array(config["feature_names_in"], dtype=object)
    est.n_layers_ = len(units)
    est.n_outputs_ = units[-1]
    est.out_activation_ = config["out_activation"]
    if cls is MLPClassifier:
        binarizer = LabelBinarizer()
        binarizer.classes_ = classes_array(config, src)
        binarizer.y_type_ = config["y_type"]
        binarizer.sparse_input_ = False
        est._label_binarizer = binarizer
        est.classes_ = binarizer.classes_
    _set_fitted(est, config.get("fitted") or {}, src)
    try:
        est.optimizer_ = est._resolve_optimizer()
        est.penalty_ = est._resolve_penalty()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{src}: invalid stored parameters ({exc}).") from None
    est._best_coefs = [W.copy() for W in est.coefs_]
    est._best_intercepts = [b.copy() for b in est.intercepts_]
    est._optimizer_state = None
    return est


def _params(config, cls, src):
    stored = config.get("params") or {}
    if not isinstance(stored, dict):
        raise ValueError(f"{src}: params is not a mapping.")
    valid = set(cls().get_params(deep=False))
    unknown = sorted(set(stored) - valid)
    if unknown:
        raise ValueError(
            f"{src}: {cls.__name__} has no parameter(s) {', '.join(unknown)}."
        )
    return {k: decode_value(v, f"{src}: params[{k!r}]") for k, v in stored.items()}


def _set_activation(est, config, src):
    """Keep the stored ``activation`` parameter if it is the stored activation."""
    from .. import activations

    name, params = config["activation"], config["activation_params"]
    try:
        wanted = activations.get(name).set_params(
            **{
                k: decode_value(v, f"{src}: activation_params")
                for k, v in params.items()
            }
        )
    except ValueError as exc:
        raise ValueError(f"{src}: invalid activation_params ({exc}).") from None
    try:
        current = activations.get(est.activation)
    except (TypeError, ValueError):
        current = None
    if current != wanted:
        est.activation = name if wanted == activations.get(name) else wanted


def _set_fitted(est, fitted, src):
    # The types were checked by check_config.
    values = {k: decode_value(fitted.get(k), f"{src}: fitted[{k!r}]") for k in FITTED}
    est.n_iter_ = values["n_iter_"] or 0
    est.t_ = values["t_"] or 0
    est._no_improvement_count = values["no_improvement_count"] or 0
    seen = values["weight_seen"]
    est._weight_seen = est.t_ if seen is None else seen
    est.loss_ = values["loss_"]
    est.loss_curve_ = list(values["loss_curve_"] or [])
    # The stopping rule needs numbers matching the early_stopping parameter, even
    # for a model fitted by L-BFGS (which leaves them unset in scikit-learn).
    if est.early_stopping:
        est.best_loss_ = None
        est.validation_scores_ = list(values["validation_scores_"] or [])
        best = values["best_validation_score_"]
        est.best_validation_score_ = -np.inf if best is None else best
    else:
        best = values["best_loss_"]
        est.best_loss_ = np.inf if best is None else best
        est.validation_scores_ = None
        est.best_validation_score_ = None
