"""Pictures of a fitted network: first-layer weights, weight histograms, training.

Needs matplotlib (``pip install "skweights[plot]"``), imported when a function is
called, not when this package is. Every function draws into a new pyplot figure,
or into ``fig=`` (a Figure or a SubFigure, to place several plots side by side),
and returns the figure and its axes.

>>> import matplotlib.pyplot as plt
>>> from sklearn.datasets import load_digits
>>> from skweights import MLPClassifier
>>> from skweights.plotting import plot_first_layer_weights, plot_history
>>> X, y = load_digits(return_X_y=True)
>>> clf = MLPClassifier((16,), max_iter=20, random_state=0).fit(X / 16, y)
>>> fig, axes = plot_first_layer_weights(clf)  # 16 images of 8x8 pixels
>>> len(axes)
16
>>> fig, axes = plot_history(clf)
>>> [ax.get_title() for ax in axes]
['Loss', 'Gradient norm', 'Relative update']
>>> plt.close("all")
"""

from ._history import plot_history
from ._weights import plot_first_layer_weights, plot_weight_histograms

__all__ = [
    "plot_first_layer_weights",
    "plot_history",
    "plot_weight_histograms",
]
