"""What the plotting functions share: the lazy matplotlib import and the figure."""

from __future__ import annotations


def _pyplot():
    try:
        import matplotlib.pyplot as plt  # noqa: PLC0415 - optional
    except ImportError:
        raise ImportError(
            "skweights.plotting needs matplotlib: "
            'pip install "skweights[plot]" (or pip install matplotlib).'
        ) from None
    return plt


def _figure(fig, figsize, layout="constrained"):
    """``fig`` if given (a Figure or SubFigure), else a new pyplot figure."""
    plt = _pyplot()
    if fig is None:
        return plt.figure(figsize=figsize, layout=layout)
    from matplotlib.figure import FigureBase  # noqa: PLC0415 - optional

    if not isinstance(fig, FigureBase):
        raise TypeError(
            "fig must be a matplotlib Figure or SubFigure (fig.subfigures(...)); "
            f"got {type(fig).__name__}."
        )
    return fig


def _shape_label(W) -> str:
    return f"{W.shape[0]} x {W.shape[1]}"
