"""Estimator parameters to JSON and back, rebuilding components from a whitelist.

A parameter value is stored as plain JSON where it can be (None, bool, int,
finite float, str, list), and otherwise as a one-key object:

- ``{"tuple": [...]}`` for a tuple (``hidden_layer_sizes=(100,)``),
- ``{"float": "inf"}`` (or ``"-inf"``, ``"nan"``) for a non-finite float,
- ``{"component": "Adam", "module": "skweights.optimizers", "params": {...}}``
  for a component object, and the same without ``"params"`` for a component
  class (``optimizer=RMSprop``).

Reading never imports a module named by the file: a component's ``module`` must
be one of :data:`COMPONENT_MODULES`, its class must be listed in that module's
``__all__`` and be a subclass of :class:`skweights._component.Component`, and it
is built by calling the class with the stored keyword arguments (a component's
``__init__`` only stores them).
"""

from __future__ import annotations

import importlib
import math
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = ["COMPONENT_MODULES", "NotStorable", "decode_value", "encode_value"]

#: The only modules components are rebuilt from.
COMPONENT_MODULES = (
    "skweights.activations",
    "skweights.initializers",
    "skweights.penalties",
    "skweights.optimizers",
    "skweights.constraints",
)

#: Components that point at data outside the file (pretrained weights): never
#: stored, the loaded network already holds its weights.
UNSTORED_COMPONENTS = frozenset({"Pretrained"})


class NotStorable(Exception):
    """A value that has no JSON form (an array, a callable, a foreign object)."""


def _module_of(cls: type) -> str | None:
    """The whitelisted module that exports ``cls`` under its own name."""
    for name in COMPONENT_MODULES:
        module = importlib.import_module(name)
        if cls.__name__ in getattr(module, "__all__", ()) and (
            getattr(module, cls.__name__, None) is cls
        ):
            return name
    return None


def encode_value(value: Any) -> Any:
    """The JSON form of a parameter value; raises :class:`NotStorable`.

    Examples
    --------
    >>> from skweights.optimizers import Adam
    >>> encode_value((32, 16))
    {'tuple': [32, 16]}
    >>> encode_value(Adam(beta_1=0.8))["params"]["beta_1"]
    0.8
    """
    from .._component import Component

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        value = float(value)
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, tuple):
        return {"tuple": [encode_value(v) for v in value]}
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    is_class = isinstance(value, type) and issubclass(value, Component)
    if is_class or isinstance(value, Component):
        cls = value if is_class else type(value)
        module = _module_of(cls)
        if module is None or cls.__name__ in UNSTORED_COMPONENTS:
            raise NotStorable(cls.__name__)
        out = {"component": cls.__name__, "module": module}
        if not is_class:
            params = value.get_params(deep=False)
            out["params"] = {name: encode_value(sub) for name, sub in params.items()}
        return out
    raise NotStorable(type(value).__name__)


def decode_value(value: Any, where: str) -> Any:
    """Rebuild a value written by :func:`encode_value`.

    ``where`` names the value in error messages (``"<file>: params['optimizer']"``).

    Raises
    ------
    ValueError
        For anything :func:`encode_value` does not write, a component outside the
        whitelist, or parameters the component does not take.
    """
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, list):
        return [decode_value(v, where) for v in value]
    if isinstance(value, dict):
        if set(value) == {"tuple"} and isinstance(value["tuple"], list):
            return tuple(decode_value(v, where) for v in value["tuple"])
        if set(value) == {"float"} and value["float"] in ("inf", "-inf", "nan"):
            return float(value["float"])
        if set(value) in ({"component", "module"}, {"component", "module", "params"}):
            return _decode_component(value, where)
    raise ValueError(f"{where}: cannot read the stored value {value!r}.")


def _decode_component(value: dict, where: str) -> Any:
    from .._component import Component

    name, module_name = value["component"], value["module"]
    if module_name not in COMPONENT_MODULES:
        raise ValueError(
            f"{where}: component module {module_name!r} is not one of "
            f"{', '.join(COMPONENT_MODULES)}; components are only rebuilt from "
            "skweights."
        )
    module = importlib.import_module(module_name)
    cls = getattr(module, name, None) if isinstance(name, str) else None
    if (
        name not in getattr(module, "__all__", ())
        or not isinstance(cls, type)
        or not issubclass(cls, Component)
    ):
        raise ValueError(f"{where}: {module_name} has no component {name!r}.")
    if "params" not in value:
        return cls
    params = value["params"]
    if not isinstance(params, dict):
        raise ValueError(f"{where}: the parameters of {name} are not a mapping.")
    kwargs = {key: decode_value(sub, f"{where}.{key}") for key, sub in params.items()}
    unknown = sorted(set(kwargs) - set(cls._param_names()))
    if unknown:
        raise ValueError(
            f"{where}: {name} takes no parameter(s) {', '.join(unknown)}; valid "
            f"parameters are {', '.join(cls._param_names())}."
        )
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"{where}: cannot build {name}: {exc}") from None
