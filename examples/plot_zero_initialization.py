"""
Why zero (or constant) initialization fails
===========================================

If every hidden unit of a layer starts with the same incoming weights and the
same bias, every unit computes the same output, receives the same gradient and
takes the same step: the units stay copies of each other for the whole of
training, and a layer of 16 units is worth one unit. With all-zero weights it is
worse still: the error reaching the hidden layer is multiplied by the zero
output weights, so the hidden layer gets no gradient at all and only the output
biases learn (the network predicts the most frequent class).

skweights notices the symmetry when it initializes the network and warns. Below,
a network with one hidden layer of 16 ReLU units is trained on the digits with
zero weights, constant weights (0.05) and zero biases, with zero weights and
random biases (scikit-learn's bias initialization), and with Glorot uniform
weights. The images show each trained unit's 64 incoming weights as a row: the
symmetric starts give rows that are exactly equal (the first one all zero), the
random start gives 16 different units. Random biases alone do break the
symmetry here, but slowly (the training loss after 50 epochs is three times the
random start's), and the units whose random bias is negative never switch on:
their weights stay zero (the white rows).
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skweights import MLPClassifier
from skweights.initializers import Constant

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)

starts = {
    "zero weights, zero biases": ("zeros", "zeros"),
    "constant weights 0.05, zero biases": (Constant(0.05), "zeros"),
    "zero weights, random biases": ("zeros", "sklearn"),
    "Glorot uniform weights, zero biases": ("glorot_uniform", "zeros"),
}

models = {}
for name, (init, bias_init) in starts.items():
    clf = MLPClassifier(
        hidden_layer_sizes=(16,),
        init=init,
        bias_init=bias_init,
        max_iter=200,
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        clf.fit(X_train, y_train)
    W = clf.coefs_[0]  # shape (64 pixels, 16 hidden units)
    distinct = len(np.unique(W.T, axis=0))
    print(
        f"{name}: {clf.n_iter_} epochs, test accuracy {clf.score(X_test, y_test):.3f}"
    )
    print(f"  distinct first-layer weight vectors: {distinct} of {W.shape[1]}")
    print(f"  units whose weights are all zero: {np.sum(~W.any(axis=0))}")
    epoch = min(50, clf.n_iter_)
    print(f"  training loss at epoch {epoch}: {clf.loss_curve_[epoch - 1]:.3f}")
    for warning in caught:
        print(f"  {type(warning.message).__name__}: {warning.message}")
    models[name] = clf

# %%
# The first-layer weights after training, one row per hidden unit, on one color
# scale shared by the four panels (white is zero).
vmax = max(np.abs(clf.coefs_[0]).max() for clf in models.values())
fig, axes = plt.subplots(len(models), 1, figsize=(10, 9), layout="constrained")
for ax, (name, clf) in zip(axes, models.items(), strict=True):
    image = ax.imshow(
        clf.coefs_[0].T, cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto"
    )
    ax.set_title(f"{name}: test accuracy {clf.score(X_test, y_test):.2f}")
    ax.set_ylabel("hidden unit")
axes[-1].set_xlabel("input pixel (0 to 63)")
fig.colorbar(image, ax=axes, label="first-layer weight after training")
fig.suptitle("Symmetric starts give identical hidden units")
plt.show()
