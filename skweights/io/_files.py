"""What every format reader and writer shares: paths, checks, the config."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np

from ._check import check_config
from ._config import dump_config, parse_config
from ._weights import FORMAT_VERSION, Weights, weights_of

__all__ = [
    "checksums_of",
    "config_checksum_of",
    "existing_file",
    "read_weights",
    "writable_weights",
]

#: the digest stored in ``config["checksums"]`` and ``config["config_checksum"]``
CHECKSUM_ALGORITHM = "sha256"
#: the config's field holding the digest of all its other fields
CONFIG_CHECKSUM = "config_checksum"
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
#: every field of the configs written before they held their own digest
_UNSEALED_FIELDS = frozenset(
    {
        "format",
        "format_version",
        "skweights_version",
        "estimator",
        "activation",
        "activation_params",
        "out_activation",
        "layer_units",
        "dtype",
        "n_features_in",
        "feature_names_in",
        "params",
        "dropped_params",
        "classes",
        "classes_dtype",
        "y_type",
        "loss",
        "fitted",
        "checksums",
    }
)


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
    config = dict(weights.config, checksums=checksums_of(weights))
    config.pop(CONFIG_CHECKSUM, None)  # a loaded config's: computed afresh
    # The digest of the config as a reader parses it, whatever Python objects
    # wrote it (tuples, keys out of order).
    config = parse_config(dump_config(config), weights.source)
    config[CONFIG_CHECKSUM] = config_checksum_of(config)
    return weights, dump_config(config)


def config_checksum_of(config: dict) -> str:
    """``config["config_checksum"]``: the SHA-256 hex digest of the other fields.

    Computed on the config's canonical JSON form: every field but
    ``config_checksum``, keys sorted at every level, no whitespace
    (``separators=(",", ":")``) and ASCII only (``ensure_ascii=True``), encoded
    as ASCII. It depends on the parsed values only, not on how the file's JSON
    text is spaced or ordered, so it is the same in every format and after a
    save, load and save again.
    """
    content = {k: v for k, v in config.items() if k != CONFIG_CHECKSUM}
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _verify_config_checksum(config, source) -> None:
    """Compare the config read with its digest, before any field is used.

    A config without ``config_checksum`` was written before the digest was
    stored and is not checked, but must then hold only the fields such
    configs hold: a damaged field name (of the digest itself, say) is reported,
    not read as a missing field. A config of a newer ``format_version`` is left
    to :func:`check_config`, which refuses it and asks for an upgrade: that
    format may compute its digest otherwise.
    """
    version = config.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool):
        if version > FORMAT_VERSION:
            return
    if CONFIG_CHECKSUM not in config:
        unknown = sorted(set(config) - _UNSEALED_FIELDS)
        if unknown:
            raise ValueError(
                f"{source} is corrupted: its configuration has no checksum "
                f"({CONFIG_CHECKSUM!r}) and holds unknown field(s) "
                f"{', '.join(map(repr, unknown))}: a field name was damaged or "
                "altered."
            )
        return
    digest = config[CONFIG_CHECKSUM]
    if not isinstance(digest, str) or not _HEX_DIGEST.fullmatch(digest):
        raise ValueError(
            f"{source} is corrupted: its configuration's checksum "
            f"({CONFIG_CHECKSUM!r}) is not a SHA-256 hex digest."
        )
    if config_checksum_of(config) != digest:
        raise ValueError(
            f"{source} is corrupted: its configuration does not match its checksum "
            f"({CONFIG_CHECKSUM!r}, the SHA-256 digest of the configuration stored "
            "when the file was written): the file was damaged or its configuration "
            "altered since."
        )


def _digest(array) -> str:
    """SHA-256 of an array's values: its bytes in C order, little-endian.

    The same for every layout a format stores (safetensors keeps ``W.T``), so a
    digest computed at save time checks the array read back in any format.
    """
    a = np.asarray(array)
    a = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
    return hashlib.sha256(a.tobytes()).hexdigest()


def checksums_of(weights: Weights) -> dict:
    """``config["checksums"]``: a digest of every weight and intercept array.

    ``{"algorithm": "sha256", "coefs": [...], "intercepts": [...]}``, one hex
    digest per layer, of the array ``coefs[i]`` (shape ``(fan_in, fan_out)``) or
    ``intercepts[i]`` as :func:`_digest` reads it.
    """
    return {
        "algorithm": CHECKSUM_ALGORITHM,
        "coefs": [_digest(W) for W in weights.coefs],
        "intercepts": [_digest(b) for b in weights.intercepts],
    }


def _verify_checksums(coefs, intercepts, config, source) -> None:
    """Compare the arrays read with the digests stored at save time.

    Done before the arrays are checked otherwise, so that damage that makes a
    value non-finite is reported as damage. Files written before digests were
    stored have no ``"checksums"`` and are not checked. A layer whose shape
    differs from ``layer_units`` is skipped here: :func:`check_config` reports
    the shape, which says more (and :func:`read_weights` that no layer was left
    unchecked).
    """
    if "checksums" not in config:
        return
    stored = config["checksums"]
    if (
        not isinstance(stored, dict)
        or stored.get("algorithm") != CHECKSUM_ALGORITHM
        or set(stored) != {"algorithm", "coefs", "intercepts"}
    ):
        raise ValueError(
            f"{source} is corrupted: its config's checksums are not a mapping of "
            f"'algorithm' ({CHECKSUM_ALGORITHM!r}), 'coefs' and 'intercepts'."
        )
    units = config.get("layer_units")
    for kind, arrays in (("coefs", coefs), ("intercepts", intercepts)):
        digests = stored[kind]
        if not isinstance(digests, list) or not all(
            isinstance(d, str) and _HEX_DIGEST.fullmatch(d) for d in digests
        ):
            raise ValueError(
                f"{source} is corrupted: checksums[{kind!r}] is not a list of "
                "SHA-256 hex digests."
            )
        what = "weights" if kind == "coefs" else "intercepts"
        for i, (a, digest) in enumerate(zip(arrays, digests, strict=False)):
            if not _shape_matches(a, units, i, kind):
                continue
            if _digest(a) != digest:
                raise ValueError(
                    f"{source} is corrupted: layer {i} {what} do not match their "
                    f"checksum ({kind}[{i}]; the SHA-256 digest stored when the file "
                    "was written): the file was damaged or altered since."
                )


def _shape_matches(array, units, i, kind) -> bool:
    if not isinstance(units, list) or i + 1 >= len(units):
        return False
    expected = (units[i], units[i + 1]) if kind == "coefs" else (units[i + 1],)
    return np.shape(array) == expected


def read_weights(coefs, intercepts, config_text, source) -> Weights:
    """Weights read from a file, checked against their config.

    Raises
    ------
    ValueError
        Naming ``source``: a config that does not match its own checksum,
        arrays that do not match the checksums stored in the config, do not
        chain or are not finite, an invalid config, or one that does not
        describe the arrays.
    """
    config = parse_config(config_text, source)
    _verify_config_checksum(config, source)
    _verify_checksums(coefs, intercepts, config, source)
    weights = Weights(coefs, intercepts, config=config, source=str(source))
    check_config(weights)
    # Every layer now has the shape the config says, so each one was checked
    # unless a digest is missing.
    for kind, digests in (config.get("checksums") or {}).items():
        if kind != "algorithm" and len(digests) != weights.n_layers:
            raise ValueError(
                f"{source} is corrupted: its config holds {len(digests)} {kind} "
                f"checksum(s) for {weights.n_layers} layer(s) of weights."
            )
    return weights
