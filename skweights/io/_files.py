"""What every format reader and writer shares: paths, checks, the config."""

from __future__ import annotations

import os
from pathlib import Path

from ._check import check_config
from ._config import dump_config, parse_config
from ._weights import Weights, weights_of

__all__ = ["existing_file", "read_weights", "writable_weights"]


def existing_file(path) -> Path:
    """``path`` as a Path; ``FileNotFoundError`` if there is no such file."""
    path = Path(os.fspath(path))
    if not path.exists():
        raise FileNotFoundError(f"No such file: {str(path)!r}.")
    if not path.is_file():
        raise ValueError(f"{path} is not a file.")
    return path


def writable_weights(estimator) -> tuple[Weights, str]:
    """The weights to write and their config as JSON, checked to load back.

    ``estimator`` is a fitted skweights or scikit-learn MLP, or :class:`Weights`
    with a config. A network that could not be loaded again (a hidden activation
    outside :mod:`skweights.activations`' registry) raises ``ValueError`` before
    anything is written.
    """
    if isinstance(estimator, (str, os.PathLike)):
        raise TypeError(
            "Expected a fitted estimator or Weights to save; got a path. The "
            "signature is save(estimator, path)."
        )
    weights = weights_of(estimator)
    check_config(weights)
    return weights, dump_config(weights.config)


def read_weights(coefs, intercepts, config_text, source) -> Weights:
    """Weights read from a file, checked against their config.

    Raises
    ------
    ValueError
        Naming ``source``: arrays that do not chain or are not finite, an invalid
        config, or one that does not describe the arrays.
    """
    config = parse_config(config_text, source)
    weights = Weights(coefs, intercepts, config=config, source=str(source))
    check_config(weights)
    return weights
