"""History: what training recorded, epoch by epoch."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["History", "LAYER_COLUMNS"]

#: the per-layer records, one column per layer of weights each
LAYER_COLUMNS = ("weight_norm", "grad_norm", "update_ratio")

#: the per-epoch scalar records
COLUMNS = ("epoch", "loss", "val_loss", "val_score", "learning_rate", "time")


class History:
    """The training record of a fitted estimator: one row per epoch.

    Filled by the stochastic optimizers at the end of every epoch (appended across
    ``partial_fit`` calls and warm-started fits) and by L-BFGS at every
    iteration. Columns:

    ``epoch``
        1, 2, ... counted across calls (L-BFGS: the iteration).
    ``loss``
        The training objective, penalty included: ``loss_curve_``.
    ``val_loss``, ``val_score``
        On the held-out split when ``early_stopping=True`` (else NaN): the data
        loss without the penalty, and the score ``score`` reports.
    ``learning_rate``
        The optimizer's learning rate during the epoch (NaN for L-BFGS).
    ``time``
        Seconds the epoch took.
    ``weight_norm``, ``grad_norm``, ``update_ratio`` (per layer)
        The Frobenius norm of each layer's weights at the end of the epoch; the
        root mean square, over the epoch's minibatches, of the norm of the
        gradient the optimizer received for the layer's weights (penalty
        included; zero for a frozen layer); and how far the epoch moved the
        weights, :math:`\\lVert W_{end} - W_{start}\\rVert / \\lVert
        W_{start}\\rVert`. Intercepts are not included.

    ``history[name]`` returns a scalar column as a 1-D array (of integers for
    ``epoch``, of floats for the others) and a per-layer one
    as an array of shape ``(n_epochs, n_layers)``; ``history["grad_norm_0"]`` is
    one layer's column. :meth:`to_frame` gives a pandas DataFrame with one
    column per layer (``grad_norm_0``, ...).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skweights import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)  # doctest: +SKIP
    >>> clf.history_["grad_norm"].shape  # doctest: +SKIP
    (5, 2)
    """

    def __init__(self, n_layers: int):
        self.n_layers = int(n_layers)
        self._rows: dict[str, list] = {name: [] for name in COLUMNS}
        for name in LAYER_COLUMNS:
            self._rows[name] = []

    def append(self, **row: Any) -> None:
        """Add one epoch; missing scalar columns are NaN (``epoch`` is required)."""
        unknown = set(row) - set(self._rows)
        if unknown:
            raise KeyError(f"Unknown History columns: {sorted(unknown)}.")
        epoch = row.get("epoch")
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)):
            raise ValueError(
                f"History.append needs epoch= as an integer (1, 2, ...); got {epoch!r}."
            )
        for name in COLUMNS:
            value = row.get(name, np.nan)
            if name == "epoch":
                self._rows[name].append(int(value))
            else:
                self._rows[name].append(np.nan if value is None else float(value))
        for name in LAYER_COLUMNS:
            values = row.get(name)
            if values is None:
                values = np.full(self.n_layers, np.nan)
            self._rows[name].append(np.asarray(values, dtype=float).copy())

    def __len__(self) -> int:
        return len(self._rows["epoch"])

    def keys(self) -> list[str]:
        """The scalar columns, then the per-layer ones."""
        return list(COLUMNS) + list(LAYER_COLUMNS)

    def __getitem__(self, key: str) -> np.ndarray:
        if key == "epoch":
            return np.asarray(self._rows[key], dtype=np.int64)
        if key in COLUMNS:
            return np.asarray(self._rows[key], dtype=float)
        if key in LAYER_COLUMNS:
            return np.asarray(self._rows[key], dtype=float).reshape(
                len(self), self.n_layers
            )
        name, _, layer = key.rpartition("_")
        if name in LAYER_COLUMNS and layer.isdigit() and int(layer) < self.n_layers:
            return self[name][:, int(layer)]
        raise KeyError(
            f"{key!r} is not a History column; columns are {self.keys()}, and "
            f"<per-layer column>_<layer> for layers 0 to {self.n_layers - 1}."
        )

    def to_dict(self) -> dict[str, list]:
        """Plain lists: scalar columns, then ``<name>_<layer>`` per layer."""
        out = {name: self[name].tolist() for name in COLUMNS}
        for name in LAYER_COLUMNS:
            values = self[name]
            for i in range(self.n_layers):
                out[f"{name}_{i}"] = values[:, i].tolist()
        return out

    def to_frame(self):
        """A pandas DataFrame of :meth:`to_dict`, indexed by epoch."""
        try:
            import pandas as pd  # noqa: PLC0415 - optional
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "History.to_frame needs pandas: pip install pandas. "
                "History.to_dict() gives the same columns as plain lists."
            ) from None
        return pd.DataFrame(self.to_dict()).set_index("epoch")

    def truncate(self, n_epochs: int) -> None:
        """Keep the first ``n_epochs`` rows (used when training rolls back)."""
        for rows in self._rows.values():
            del rows[n_epochs:]

    def __repr__(self) -> str:
        return f"History(n_epochs={len(self)}, n_layers={self.n_layers})"
