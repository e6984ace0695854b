"""NpyDirectoryChunks: chunks stored as pairs of .npy files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

import numpy as np

from ._base import ChunkSource, _n_rows

__all__ = ["NpyDirectoryChunks"]


def _natural_key(path: Path):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def _npy_shape(path: Path) -> tuple:
    """The shape in a .npy header, without reading the data."""
    with open(path, "rb") as fh:
        try:
            version = np.lib.format.read_magic(fh)
        except ValueError as exc:
            raise ValueError(f"{path} is not a .npy file: {exc}") from None
        if version == (1, 0):
            return np.lib.format.read_array_header_1_0(fh)[0]
        if version == (2, 0):
            return np.lib.format.read_array_header_2_0(fh)[0]
    return np.load(path, mmap_mode="r", allow_pickle=False).shape


class NpyDirectoryChunks(ChunkSource):
    """Chunks stored as pairs of ``.npy`` files in one directory.

    Parameters
    ----------
    directory : str or path
        The directory holding the files.
    x_pattern, y_pattern : str, default="X_*.npy", "y_*.npy"
        Glob patterns of the feature and target files. With one ``*`` each,
        files pair by what the ``*`` matched (``X_007.npy`` with ``y_007.npy``);
        otherwise by position in the sorted lists.
    mmap : bool, default=True
        Open each file as a read-only memory map and copy it (the map is dropped
        at once); False reads it with a plain ``np.load``.
    w_pattern : str, default=None
        Glob pattern of per-chunk sample weight files, paired like ``y``.

    Notes
    -----
    Files are sorted by name, numbers compared as numbers (``X_2`` before
    ``X_10``). All headers are read when the source is made, so a missing
    partner, a row-count mismatch or a change in the number of features raises
    a ``ValueError`` naming the file before training starts. Pickled (object)
    arrays are refused.

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> from skweights.streaming import NpyDirectoryChunks
    >>> d = tempfile.mkdtemp()
    >>> for i in range(3):
    ...     np.save(f"{d}/X_{i}.npy", np.zeros((4, 2)))
    ...     np.save(f"{d}/y_{i}.npy", np.zeros(4))
    >>> NpyDirectoryChunks(d).n_chunks
    3
    """

    def __init__(
        self,
        directory,
        x_pattern: str = "X_*.npy",
        y_pattern: str = "y_*.npy",
        mmap: bool = True,
        w_pattern: str | None = None,
    ):
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise FileNotFoundError(f"{self.directory} is not a directory.")
        self.mmap = bool(mmap)
        patterns = {"X": x_pattern, "y": y_pattern}
        if w_pattern is not None:
            patterns["sample_weight"] = w_pattern
        names = sorted(p.name for p in self.directory.iterdir() if p.is_file())
        found = {
            role: sorted(
                (self.directory / n for n in names if fnmatchcase(n, pattern)),
                key=_natural_key,
            )
            for role, pattern in patterns.items()
        }
        if not found["X"]:
            raise ValueError(f"No file in {self.directory} matches {x_pattern!r}.")
        self.files = self._pair(found, patterns)
        self._check_shapes()
        self.n_chunks = len(self.files)

    def _pair(self, found, patterns) -> list[tuple[Path, ...]]:
        roles = list(found)
        keyed = all(
            p.count("*") == 1 and not set(p) & set("?[") for p in patterns.values()
        )
        if not keyed:
            counts = {role: len(found[role]) for role in roles}
            if len(set(counts.values())) != 1:
                raise ValueError(
                    f"The patterns match different numbers of files in "
                    f"{self.directory}: {counts}; each X file needs its partners."
                )
            return list(zip(*(found[r] for r in roles), strict=True))
        keys = {}
        for role in roles:
            prefix, suffix = patterns[role].split("*")
            keys[role] = {
                p.name[len(prefix) : len(p.name) - len(suffix)]: p for p in found[role]
            }
        for role in roles:
            for key, path in keys[role].items():
                for other in roles:
                    if key not in keys[other]:
                        missing = patterns[other].replace("*", key)
                        raise ValueError(
                            f"{path} has no partner: {self.directory / missing} "
                            "does not exist."
                        )
        return [tuple(keys[r][k] for r in roles) for k in keys["X"]]

    def _check_shapes(self) -> None:
        n_features = None
        for paths in self.files:
            shapes = [_npy_shape(p) for p in paths]
            if len(shapes[0]) != 2:
                raise ValueError(
                    f"{paths[0]} holds an array of shape {shapes[0]}; X files must "
                    "be 2-D (n_samples, n_features)."
                )
            _check_rows(paths, [s[0] if s else 0 for s in shapes])
            if n_features is None:
                n_features, first = shapes[0][1], paths[0]
            elif shapes[0][1] != n_features:
                raise ValueError(
                    f"{paths[0]} has {shapes[0][1]} features but {first} has "
                    f"{n_features}."
                )

    def _load_file(self, path: Path) -> np.ndarray:
        if not self.mmap:
            return np.load(path, allow_pickle=False)
        mapped = np.load(path, mmap_mode="r", allow_pickle=False)
        out = np.array(mapped)
        del mapped
        return out

    def load(self, i: int) -> tuple:
        """The arrays of the ``i``-th pair (or triple) of files."""
        paths = self.files[i]
        arrays = tuple(self._load_file(p) for p in paths)
        _check_rows(paths, [_n_rows(a) for a in arrays])
        return arrays

    def iter_y(self) -> Iterator[np.ndarray]:
        for paths in self.files:
            yield self._load_file(paths[1])

    def __repr__(self) -> str:
        return f"NpyDirectoryChunks({str(self.directory)!r}, n_chunks={self.n_chunks})"


def _check_rows(paths, rows) -> None:
    for path, n in zip(paths[1:], rows[1:], strict=True):
        if n != rows[0]:
            raise ValueError(
                f"{paths[0]} has {rows[0]} rows but {path} has {n}; each pair of "
                "files must have the same number of rows."
            )
