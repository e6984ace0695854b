"""The gallery's image scraper: sphinx-gallery's matplotlib scraper, checking first
that every panel of every figure shows something.

sphinx-gallery saves and closes the open figures at the end of each code cell. A
figure whose axes are created in one cell and filled in a later one is therefore
saved with empty panels, and the build would not notice. This scraper logs a
warning for each empty panel before saving; ``sphinx-build -W`` makes it an
error. A cell that draws into a figure the next cell finishes ends with
``# sphinx_gallery_defer_figures``.
"""

from __future__ import annotations

from typing import Any

from sphinx.util import logging
from sphinx_gallery.scrapers import matplotlib_scraper

__all__ = ["empty_axes", "checked_matplotlib_scraper"]

logger = logging.getLogger("skweights.gallery")


def empty_axes(fig) -> list[str]:
    """The visible axes of ``fig`` that hold no data.

    An axes holds data when it has a line, an image, a patch or a collection
    (:meth:`matplotlib.axes.Axes.has_data`). An axes that is hidden, or turned
    off with nothing in it, is a deliberate blank and is not reported.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    list of str
        One description per empty axes: its position among the figure's axes
        and its title, if any.
    """
    empty = []
    for i, ax in enumerate(fig.get_axes(), start=1):
        if not ax.get_visible() or not ax.axison or ax.has_data():
            continue
        title = ax.get_title() or ax.get_title("left") or ax.get_title("right")
        empty.append(f"axes {i}" + (f" ({title!r})" if title else ""))
    return empty


def checked_matplotlib_scraper(
    block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any], **kwargs
) -> str:
    """Warn about empty panels, then save the figures as sphinx-gallery does."""
    import matplotlib.pyplot as plt

    for number in plt.get_fignums():
        empty = empty_axes(plt.figure(number))
        if empty:
            logger.warning(
                "%s: figure %d is saved with empty axes: %s. Draw the figure in "
                "one cell, or end the cells before the last with "
                "'# sphinx_gallery_defer_figures'.",
                block_vars.get("src_file", "an example"),
                number,
                ", ".join(empty),
            )
    return matplotlib_scraper(block, block_vars, gallery_conf, **kwargs)
