"""Checking that a config describes its weights, before anything is built."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np

from ._codec import decode_value
from ._weights import FORMAT_VERSION, Weights

__all__ = ["check_config", "classes_array", "hidden_activations"]

ESTIMATORS = ("MLPClassifier", "MLPRegressor")
Y_TYPES = ("binary", "multiclass", "multilabel-indicator")
REQUIRED = {
    "format",
    "format_version",
    "estimator",
    "activation",
    "activation_params",
    "out_activation",
    "layer_units",
    "dtype",
    "n_features_in",
}
REQUIRED_BY_ESTIMATOR = {
    "MLPClassifier": {"classes", "classes_dtype", "y_type"},
    "MLPRegressor": {"loss"},
}
#: the fields that must be strings when present
STRING_FIELDS = (
    "activation",
    "out_activation",
    "dtype",
    "skweights_version",
    "classes_dtype",
    "y_type",
    "loss",
)
#: what each entry of config["fitted"] holds (after decoding): the counters are
#: integers, the rest numbers, a list of numbers or null
FITTED_FIELDS = {
    "n_iter_": "integer",
    "t_": "integer",
    "no_improvement_count": "integer",
    "weight_seen": "number",
    "loss_": "number",
    "best_loss_": "number",
    "best_validation_score_": "number",
    "loss_curve_": "list",
    "validation_scores_": "list",
}


def hidden_activations() -> list[str]:
    """The hidden activations a file may name: those of skweights' registry."""
    from ..activations import ACTIVATIONS

    return sorted({cls.name for cls in ACTIVATIONS.values()})


def check_config(weights: Weights) -> dict[str, Any]:
    """Check that ``weights.config`` describes ``weights``; return the config.

    Raises
    ------
    ValueError
        Naming ``weights.source`` and the problem: not a skweights config, a
        newer ``format_version``, a missing key, a field of the wrong JSON type
        (named), an unknown estimator, output or hidden activation, activation
        parameters the activation refuses, layer units or a dtype that do not
        match the arrays, or a number of classes that does not match the output
        units.
    """
    config, src = weights.config, weights.source
    if not config:
        raise ValueError(
            f"{src}: holds no skweights config, so the network it came from is "
            "unknown; save a fitted estimator with skweights.io.save."
        )
    if config.get("format") != "skweights":
        raise ValueError(f"{src}: the config is not a skweights config.")
    version = config.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"{src}: invalid format_version {version!r}.")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{src}: written in format version {version}, newer than the "
            f"version {FORMAT_VERSION} this skweights reads; upgrade skweights."
        )
    name = config.get("estimator")
    if name not in ESTIMATORS:
        raise ValueError(
            f"{src}: unknown estimator {name!r}; expected one of {', '.join(ESTIMATORS)}."
        )
    missing = sorted((REQUIRED | REQUIRED_BY_ESTIMATOR[name]) - set(config))
    if missing:
        raise ValueError(f"{src}: the config lacks the key(s) {', '.join(missing)}.")
    for key in STRING_FIELDS:
        if key in config and not isinstance(config[key], str):
            raise ValueError(
                f"{src}: the config's {key!r} must be a string; got "
                f"{_kind(config[key])}."
            )
    _check_layers(config, weights)
    _check_activation(config, src)
    expected_out = _expected_output(config, src)
    if config["out_activation"] != expected_out:
        raise ValueError(
            f"{src}: out_activation is {config['out_activation']!r} but this "
            f"{name} needs {expected_out!r}."
        )
    if name == "MLPClassifier":
        _check_classes(config, weights)
    names = config.get("feature_names_in")
    if names is not None and (
        not isinstance(names, list)
        or len(names) != config["n_features_in"]
        or not all(isinstance(n, str) for n in names)
    ):
        raise ValueError(
            f"{src}: feature_names_in must be a list of {config['n_features_in']} "
            "strings or null."
        )
    _check_containers(config, src)
    return config


def _kind(value) -> str:
    return "null" if value is None else type(value).__name__


def _is_int(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _check_activation(config, src):
    """A registry activation whose parameters build it and compute: checked at
    load, so that a bad value fails here rather than at ``predict``."""
    from .. import activations

    name, params = config["activation"], config["activation_params"]
    hidden = hidden_activations()
    if name not in hidden:
        raise ValueError(
            f"{src}: unknown hidden activation {name!r}; "
            f"expected one of {', '.join(hidden)}."
        )
    if not isinstance(params, dict):
        raise ValueError(f"{src}: activation_params is not a mapping.")
    params = {
        k: decode_value(v, f"{src}: activation_params[{k!r}]")
        for k, v in params.items()
    }
    for key, value in params.items():
        if not _is_number(value):
            raise ValueError(
                f"{src}: activation_params[{key!r}] of {name!r} must be a number; "
                f"got {value!r}."
            )
    try:
        act = activations.get(name).set_params(**params)
        with np.errstate(all="ignore"):
            out = act.forward(np.array([[-1.0, 0.0, 1.0]]))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{src}: invalid activation_params ({exc}).") from None
    if not np.isfinite(out).all():
        raise ValueError(
            f"{src}: invalid activation_params {params!r}: {name} gives non-finite "
            "values."
        )


def _check_containers(config, src):
    """``params``, ``dropped_params`` and ``fitted``: the right JSON types."""
    for key in ("params", "fitted"):
        if config.get(key) is not None and not isinstance(config[key], dict):
            raise ValueError(
                f"{src}: the config's {key!r} must be a mapping; got "
                f"{_kind(config[key])}."
            )
    dropped = config.get("dropped_params")
    if dropped is not None and not (
        isinstance(dropped, list) and all(isinstance(d, str) for d in dropped)
    ):
        raise ValueError(
            f"{src}: the config's 'dropped_params' must be a list of strings."
        )
    fitted = config.get("fitted") or {}
    for key, kind in FITTED_FIELDS.items():
        where = f"{src}: fitted[{key!r}]"
        value = decode_value(fitted.get(key), where)
        if value is None:
            continue
        if kind == "integer":
            ok = _is_int(value) and value >= 0
            need = "a non-negative integer"
        elif kind == "number":
            ok, need = _is_number(value), "a number"
        else:
            ok = isinstance(value, list) and all(_is_number(v) for v in value)
            need = "a list of numbers"
        if not ok:
            raise ValueError(f"{where} must be {need} or null; got {value!r}.")


def _check_layers(config, weights):
    src, units = weights.source, config["layer_units"]
    if not isinstance(units, list) or not all(_is_int(u) and u >= 1 for u in units):
        raise ValueError(f"{src}: layer_units must be a list of positive integers.")
    if len(units) - 1 != weights.n_layers:
        raise ValueError(
            f"{src}: the config describes {len(units) - 1} layer(s) of weights "
            f"(layer_units={units}) but the file holds {weights.n_layers}."
        )
    for i, W in enumerate(weights.coefs):
        if tuple(units[i : i + 2]) != W.shape:
            raise ValueError(
                f"{src}: layer {i} has weights of shape {W.shape} but the config "
                f"says ({units[i]}, {units[i + 1]}) (layer_units={units})."
            )
    if not _is_int(config["n_features_in"]) or config["n_features_in"] != units[0]:
        raise ValueError(
            f"{src}: n_features_in is {config['n_features_in']!r} but layer 0 "
            f"takes {units[0]} inputs."
        )
    if config["dtype"] != str(weights.dtype):
        raise ValueError(
            f"{src}: the config says dtype {config['dtype']!r} but the arrays are "
            f"{weights.dtype}."
        )


def _expected_output(config, src):
    from ..losses import REGRESSION_LOSSES

    if config["estimator"] == "MLPRegressor":
        loss = config["loss"]
        if loss not in REGRESSION_LOSSES:
            raise ValueError(
                f"{src}: unknown loss {loss!r}; expected one of "
                f"{', '.join(REGRESSION_LOSSES)}."
            )
        return REGRESSION_LOSSES[loss].output_activation
    y_type = config["y_type"]
    if y_type not in Y_TYPES:
        raise ValueError(
            f"{src}: unknown y_type {y_type!r}; expected one of {', '.join(Y_TYPES)}."
        )
    return "softmax" if y_type == "multiclass" else "logistic"


def _check_classes(config, weights):
    src, classes = weights.source, config["classes"]
    if not isinstance(classes, list) or not classes:
        raise ValueError(f"{src}: classes must be a non-empty list.")
    values = [decode_value(c, f"{src}: classes") for c in classes]
    if not all(isinstance(v, (str, int, float)) for v in values):
        raise ValueError(
            f"{src}: classes must be a list of strings or numbers; got {classes!r}."
        )
    n_out = weights.layer_units[-1]
    if config["y_type"] == "binary":
        ok, need = (
            n_out == 1 and len(classes) <= 2,
            "1 output unit and at most 2 classes",
        )
    else:
        ok, need = n_out == len(classes), f"one output unit per class ({len(classes)})"
    if not ok:
        raise ValueError(
            f"{src}: {len(classes)} classes ({config['y_type']}) but the output "
            f"layer has {n_out} unit(s); expected {need}."
        )
    classes_array(config, src)


def classes_array(config, src) -> np.ndarray:
    """The classes with their exact dtype; only plain (non-structured) dtypes."""
    try:
        dtype = np.dtype(config["classes_dtype"])
    except (TypeError, ValueError):
        raise ValueError(
            f"{src}: invalid classes_dtype {config['classes_dtype']!r}."
        ) from None
    if dtype.kind not in "biufUO":
        raise ValueError(f"{src}: unsupported classes_dtype {dtype.str!r}.")
    values = [decode_value(c, f"{src}: classes") for c in config["classes"]]
    if dtype.kind == "O" and not all(isinstance(v, (str, int, float)) for v in values):
        raise ValueError(f"{src}: classes must be strings or numbers.")
    try:
        if dtype.kind == "O":
            classes = np.empty(len(values), dtype=object)
            classes[:] = values
            return classes
        return np.array(values, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(
            f"{src}: classes {values!r} do not fit dtype {dtype.str} ({exc})."
        ) from None
