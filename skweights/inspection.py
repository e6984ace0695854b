"""What a fitted network learned: weight statistics, features and gradient flow.

Every function here only reads a fitted estimator (``coefs_``, ``intercepts_``,
``history_``); nothing is trained or changed, and nothing needs matplotlib (see
:mod:`skweights.plotting` for the pictures).

>>> import numpy as np
>>> from sklearn.datasets import load_iris
>>> from skweights import MLPClassifier
>>> from skweights.inspection import gradient_ratios, weight_summary
>>> X, y = load_iris(return_X_y=True)
>>> clf = MLPClassifier((8,), max_iter=300, random_state=0).fit(X, y)
>>> summary = weight_summary(clf)
>>> summary["shape"].tolist()
[[4, 8], [8, 3]]
>>> bool(np.isclose(summary["l2_norm"][0], np.linalg.norm(clf.coefs_[0])))
True
>>> gradient_ratios(clf).shape == (clf.n_iter_, 2)
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._history import History
from .neural_network._diagnostics import GradientMonitor

__all__ = [
    "History",
    "Table",
    "gradient_ratios",
    "hidden_activations",
    "weight_summary",
]


class Table:
    """A small read-only table: named columns of equal length, one row per item.

    What :func:`weight_summary` returns. Printing it gives an aligned text table,
    so it is readable without pandas; :meth:`to_frame` gives a pandas DataFrame
    when pandas is installed.

    Parameters
    ----------
    columns : mapping of str to sequence
        Column name to values, all of the same length. Values may be numbers or
        tuples (such as a layer's shape), printed as ``64x16``.
    index : str or None, default=None
        The column that identifies a row: repeated on every block when a wide
        table is printed in several blocks, and the DataFrame's index.

    Examples
    --------
    >>> from skweights.inspection import Table
    >>> table = Table({"layer": [0, 1], "shape": [(4, 8), (8, 3)], "mean": [0.1, -0.25]})
    >>> print(table)
    layer  shape   mean
        0    4x8    0.1
        1    8x3  -0.25
    >>> table["mean"]
    array([ 0.1 , -0.25])
    >>> len(table), table.columns
    (2, ['layer', 'shape', 'mean'])
    """

    def __init__(self, columns: Mapping[str, Sequence[Any]], index: str | None = None):
        self._columns = {str(name): list(values) for name, values in columns.items()}
        lengths = {len(values) for values in self._columns.values()}
        if len(lengths) > 1:
            raise ValueError(
                "Table columns must all have the same length; got lengths "
                f"{ {name: len(v) for name, v in self._columns.items()} }."
            )
        if index is not None and index not in self._columns:
            raise ValueError(f"index={index!r} is not a column of {self.columns}.")
        self.index = index

    @property
    def columns(self) -> list[str]:
        """The column names, in order."""
        return list(self._columns)

    def keys(self) -> list[str]:
        """The column names, in order (so that ``dict(table)`` works)."""
        return self.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __contains__(self, column: object) -> bool:
        return column in self._columns

    def __len__(self) -> int:
        return len(next(iter(self._columns.values()), []))

    def __getitem__(self, column: str) -> np.ndarray:
        """One column as an array (tuples become rows of a 2-D array)."""
        try:
            return np.asarray(self._columns[column])
        except (KeyError, TypeError):
            raise KeyError(
                f"{column!r} is not a column of this table; columns are {self.columns}."
            ) from None

    def to_dict(self) -> dict[str, list]:
        """Column name to a plain list of values (Python numbers and tuples)."""
        return {
            name: [v.item() if isinstance(v, np.generic) else v for v in values]
            for name, values in self._columns.items()
        }

    def to_frame(self):
        """A pandas DataFrame of :meth:`to_dict`, indexed by the ``index`` column.

        Needs pandas (not a dependency of skweights); :meth:`to_dict` gives the
        same columns as plain lists.
        """
        try:
            import pandas as pd  # noqa: PLC0415 - optional
        except ImportError:
            raise ImportError(
                "Table.to_frame needs pandas: pip install pandas. "
                "Table.to_dict() gives the same columns as plain lists, and "
                "print(table) shows them as text."
            ) from None
        frame = pd.DataFrame(self.to_dict())
        return frame.set_index(self.index) if self.index is not None else frame

    def to_string(self, max_width: int | None = 100) -> str:
        """The table as aligned text, split into blocks of columns no wider than
        ``max_width`` characters (``None``: one block)."""
        cells = {
            name: [name] + [_format_cell(v) for v in values]
            for name, values in self._columns.items()
        }
        widths = {name: max(len(c) for c in col) for name, col in cells.items()}
        blocks, block, width = [], [], -2
        lead = [self.index] if self.index is not None else []
        lead_width = sum(widths[n] + 2 for n in lead) - 2
        for name in self.columns:
            if name in lead:
                continue
            if block and max_width is not None and width + widths[name] + 2 > max_width:
                blocks.append(block)
                block, width = [], lead_width
            block.append(name)
            width += widths[name] + 2
        if block or not blocks:
            blocks.append(block)
        lines = []
        for block in blocks:
            names = lead + block
            if lines:
                lines.append("")
            for row in range(len(self) + 1):
                lines.append("  ".join(cells[n][row].rjust(widths[n]) for n in names))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_string()

    __repr__ = __str__


def _format_cell(value: Any) -> str:
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (Integral, np.integer)):
        return str(int(value))
    if isinstance(value, (Real, np.floating)):
        return f"{float(value):.4g}"
    return str(value)


def _check_network(estimator, needs: str = "coefs_") -> None:
    """A fitted MLP with ``needs``; NotFittedError if unfitted, else TypeError."""
    check_is_fitted(estimator)
    if not (hasattr(estimator, "coefs_") and hasattr(estimator, "intercepts_")):
        hint = (
            " For a Pipeline, pass its last step (pipeline[-1])."
            if hasattr(estimator, "steps")
            else ""
        )
        raise TypeError(
            "Expected a fitted MLP with coefs_ and intercepts_ (such as "
            f"skweights.MLPClassifier); got {type(estimator).__name__}.{hint}"
        )
    if needs == "history_" and getattr(estimator, "history_", None) is None:
        raise ValueError(
            f"{type(estimator).__name__} has no training history (history_): it "
            "was not trained by skweights (a scikit-learn MLP, or a model loaded "
            "from a file). Train it with fit or partial_fit to record one."
        )


def weight_summary(estimator, near_zero: float = 1e-3) -> Table:
    """Statistics of every layer's weights and intercepts.

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
        Any fitted estimator with ``coefs_`` and ``intercepts_`` works,
        including scikit-learn's MLPs.
    near_zero : float in [0, 1), default=1e-3
        Relative threshold of the ``frac_near_zero`` column: a weight counts as
        near zero when ``|w| <= near_zero * max|W|``, ``max|W|`` being the
        largest absolute weight of its layer. Relative, so that the column means
        the same for small and large weights; ``0`` counts exact zeros only.

    Returns
    -------
    summary : Table
        One row per layer of weights (``coefs_[i]``, shape ``(fan_in,
        fan_out)``; the last row is the output layer), with columns:

        ``layer``, ``shape``, ``n_weights``
            Index into ``coefs_``, ``(fan_in, fan_out)``, and their product.
        ``mean``, ``std``, ``min``, ``max``
            Of the weights (``std`` is the population standard deviation).
        ``l1_norm``, ``l2_norm``, ``max_abs``
            :math:`\\sum |w|`, the Frobenius norm :math:`\\sqrt{\\sum w^2}`
            (what ``history_["weight_norm"]`` records), and :math:`\\max |w|`.
        ``frac_zero``
            The fraction of weights exactly 0 (what ``penalty="l1"`` produces).
        ``frac_near_zero``
            The fraction with ``|w| <= near_zero * max_abs`` (exact zeros
            included; 1 for a layer of zeros).
        ``intercept_mean``, ``intercept_std``, ``intercept_norm``
            Of ``intercepts_[i]``; the norm is the Euclidean one.

        Statistics are computed in float64 whatever the weights' dtype.

    Raises
    ------
    NotFittedError
        If the estimator is not fitted.
    ValueError
        If ``near_zero`` is not a number in [0, 1).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skweights import MLPClassifier
    >>> from skweights.inspection import weight_summary
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MLPClassifier((16,), penalty="l1", alpha=0.01, max_iter=30,
    ...                     random_state=0).fit(X[:500] / 16, y[:500])
    >>> summary = weight_summary(clf)
    >>> summary["shape"].tolist()
    [[64, 16], [16, 10]]
    >>> bool(summary["frac_zero"][0] > 0.1)  # L1 zeroes weights exactly
    True
    >>> print(summary)  # doctest: +SKIP
    layer  shape  n_weights        mean     std      min     max  l1_norm  ...
        0  64x16       1024  -0.0006082  0.1388  -0.3514  0.3446    103.2  ...
        1  16x10        160     -0.0126  0.2906  -0.5629  0.5688    38.78  ...
    """
    if (
        isinstance(near_zero, (bool, np.bool_))
        or not isinstance(near_zero, (Real, np.floating, np.integer))
        or not 0 <= near_zero < 1
    ):
        raise ValueError(
            "near_zero must be a number in [0, 1), the fraction of each layer's "
            f"largest absolute weight below which a weight counts as near zero; "
            f"got {near_zero!r}."
        )
    _check_network(estimator)
    rows: dict[str, list] = {
        name: []
        for name in (
            "layer",
            "shape",
            "n_weights",
            "mean",
            "std",
            "min",
            "max",
            "l1_norm",
            "l2_norm",
            "max_abs",
            "frac_zero",
            "frac_near_zero",
            "intercept_mean",
            "intercept_std",
            "intercept_norm",
        )
    }
    for i, (W, b) in enumerate(
        zip(estimator.coefs_, estimator.intercepts_, strict=True)
    ):
        W = np.asarray(W, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        absW = np.abs(W)
        max_abs = float(absW.max()) if W.size else 0.0
        rows["layer"].append(i)
        rows["shape"].append(tuple(int(n) for n in W.shape))
        rows["n_weights"].append(int(W.size))
        rows["mean"].append(float(W.mean()))
        rows["std"].append(float(W.std()))
        rows["min"].append(float(W.min()))
        rows["max"].append(float(W.max()))
        rows["l1_norm"].append(float(absW.sum()))
        rows["l2_norm"].append(float(np.linalg.norm(W)))
        rows["max_abs"].append(max_abs)
        rows["frac_zero"].append(float(np.mean(W == 0)))
        rows["frac_near_zero"].append(float(np.mean(absW <= near_zero * max_abs)))
        rows["intercept_mean"].append(float(b.mean()))
        rows["intercept_std"].append(float(b.std()))
        rows["intercept_norm"].append(float(np.linalg.norm(b)))
    return Table(rows, index="layer")


def hidden_activations(estimator, X, layer: int | str = -1):
    """The output of a hidden layer for ``X``: what the network learned to compute.

    The function form of the estimators' ``hidden_activations`` method, with the
    same arguments and result.

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    layer : int or "all", default=-1
        Index of the hidden layer, 0 for the first and -1 for the last; ``"all"``
        returns a list with every hidden layer's.

    Returns
    -------
    activations : ndarray of shape (n_samples, hidden_layer_sizes[layer])
        After the hidden activation function; a list of them for ``"all"``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skweights import MLPClassifier
    >>> from skweights.inspection import hidden_activations
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((8, 5), max_iter=300, random_state=0).fit(X, y)
    >>> hidden_activations(clf, X, layer=0).shape
    (150, 8)
    >>> [A.shape for A in hidden_activations(clf, X, layer="all")]
    [(150, 8), (150, 5)]
    """
    _check_network(estimator)
    method = getattr(estimator, "hidden_activations", None)
    if method is None:
        raise TypeError(
            f"{type(estimator).__name__} has no hidden_activations method; use "
            "skweights.MLPClassifier or MLPRegressor (skweights.io.from_sklearn "
            "converts a scikit-learn MLP)."
        )
    return method(X, layer=layer)


def gradient_ratios(estimator) -> np.ndarray:
    """Per epoch and layer, the RMS gradient per weight relative to the top layer's.

    The quantity the vanishing/exploding-gradient warning
    (:class:`~skweights.exceptions.GradientWarning`) looks at, for every epoch of
    ``history_``:

    .. math::

        r_{e,i} = \\frac{g_{e,i} / \\sqrt{n_i}}{g_{e,t} / \\sqrt{n_t}}

    where :math:`g_{e,i}` is ``history_["grad_norm"][e, i]`` (the RMS over the
    epoch's minibatches of the Frobenius norm of layer ``i``'s weight gradient),
    :math:`n_i` the number of weights of layer ``i`` and :math:`t` the topmost
    trainable layer (the output layer unless it is frozen).

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
        Trained by skweights, so that it has ``history_``.

    Returns
    -------
    ratios : ndarray of shape (n_epochs, n_layers)
        1 in the top trainable layer's column; NaN in frozen layers' columns (by
        the estimator's current ``frozen_layers``) and where the top layer's
        gradient is zero. Values far below 1 in the lower layers mean their
        gradient vanishes on the way down; far above, that it explodes.

    Raises
    ------
    NotFittedError
        If the estimator is not fitted.
    ValueError
        If the estimator has no ``history_`` (loaded from a file, or a
        scikit-learn MLP).

    Notes
    -----
    During training the estimators warn when a ratio falls below 1e-4
    (vanishing) or rises above 1e4 (exploding), in networks of at least three
    trainable layers. With
    L-BFGS a row is one iteration and the gradient that of its accepted point.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skweights import MLPClassifier
    >>> from skweights.inspection import gradient_ratios
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MLPClassifier((32, 32), max_iter=5, random_state=0)
    >>> clf = clf.fit(X / 16, y)
    >>> gradient_ratios(clf).shape
    (5, 3)
    """
    _check_network(estimator, needs="history_")
    grad_norm = estimator.history_["grad_norm"]
    coefs = estimator.coefs_
    trainable_layers = getattr(estimator, "_trainable_layers", None)
    trainable = tuple(trainable_layers()) if trainable_layers else (True,) * len(coefs)
    monitor = GradientMonitor(len(coefs))
    ratios = [monitor.ratios(row, coefs, trainable) for row in grad_norm]
    return np.array(ratios, dtype=float).reshape(len(grad_norm), len(coefs))
