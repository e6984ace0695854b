"""The base class of every pluggable component, and the registry look-up.

A component (initializer, activation, penalty, loss, optimizer, schedule) is a
container of hyperparameters. Its ``__init__`` stores its arguments under the same
names and does nothing else, so that scikit-learn can read them with
``get_params``, rebuild the object with ``clone`` and tune them through
``GridSearchCV(est, {"optimizer__beta_1": [...]})``. Components never hold state
that changes during training: optimizers return their state from ``init`` and
``update`` and the estimator keeps it.
"""

from __future__ import annotations

import inspect
from typing import Any


class Component:
    """Hyperparameter container with scikit-learn's ``get_params``/``set_params``.

    Subclasses list their hyperparameters as explicit keyword arguments of
    ``__init__`` and store each one, unchanged, as an attribute of the same name.
    """

    @classmethod
    def _param_names(cls) -> list[str]:
        init = cls.__init__
        if init is object.__init__:
            return []
        params = inspect.signature(init).parameters.values()
        for p in params:
            if p.kind == p.VAR_POSITIONAL or p.kind == p.VAR_KEYWORD:
                raise RuntimeError(
                    f"{cls.__name__}.__init__ must not take *args or **kwargs: "
                    "components list their hyperparameters explicitly."
                )
        return sorted(p.name for p in params if p.name != "self")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the hyperparameters of this component.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of nested components, as
            ``<name>__<parameter>``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        out = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                for key, sub in value.get_params(deep=True).items():
                    out[f"{name}__{key}"] = sub
            out[name] = value
        return out

    def set_params(self, **params: Any) -> Component:
        """Set hyperparameters, nested ones as ``<name>__<parameter>``.

        Returns
        -------
        self : Component
        """
        valid = self._param_names()
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, delim, sub_key = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
            if delim:
                nested.setdefault(name, {})[sub_key] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        defaults = {
            p.name: p.default
            for p in inspect.signature(type(self).__init__).parameters.values()
        }
        shown = []
        for name in self._param_names():
            value = getattr(self, name)
            default = defaults.get(name, inspect.Parameter.empty)
            if _same(value, default):
                continue
            shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(
            _same(getattr(self, n), getattr(other, n)) for n in self._param_names()
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self)))


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return a is b


def resolve(identifier: Any, registry: dict[str, Any], base: type, kind: str) -> Any:
    """Turn a string name, a class or an instance into a component instance.

    Parameters
    ----------
    identifier : str, type or instance of ``base``
        A registry key (case-insensitive), a subclass of ``base`` (instantiated
        with its defaults) or an instance (returned as is).
    registry : dict
        Lowercase names mapped to component classes or to zero-argument
        factories returning an instance.
    base : type
        The component family's base class.
    kind : str
        The family's name, used in error messages ("initializer", ...).

    Returns
    -------
    component : instance of ``base``

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid names.
    TypeError
        For anything that is neither a name, a subclass nor an instance.
    """
    if isinstance(identifier, base):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, base):
        return identifier()
    if isinstance(identifier, str):
        factory = registry.get(identifier.lower())
        if factory is None:
            raise ValueError(
                f"Unknown {kind} {identifier!r}. Valid names are: "
                f"{', '.join(sorted(registry))}; or pass a {base.__name__} instance."
            )
        return factory()
    raise TypeError(
        f"The {kind} must be a name (one of {', '.join(sorted(registry))}) or a "
        f"{base.__name__} instance; got {identifier!r} of type "
        f"{type(identifier).__name__}."
    )
