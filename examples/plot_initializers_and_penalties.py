"""
Initializers and penalties on a deep ReLU network
=================================================

Two things skweights lets you choose that scikit-learn's ``MLPClassifier`` does
not: how the weights start and how they are penalized.

Left: training curves of a six-layer ReLU network on the digits data with
scikit-learn's own initialization, He (Kaiming) uniform, orthogonal, and zeros.
Zero initialization never breaks the symmetry between hidden units, so the
network cannot learn more than a constant-per-layer function and its loss stalls
(skweights warns about it).

Right: the share of first-layer weights that are *exactly* zero after training
with an L2, elastic-net or L1 penalty of the same strength. L1 is applied as a
proximal step, so unneeded weights reach zero instead of hovering near it.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skweights import MLPClassifier

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

fig, (ax_curves, ax_zeros) = plt.subplots(1, 2, figsize=(11, 4))

for init in ["sklearn", "he_uniform", "orthogonal", "zeros"]:
    clf = MLPClassifier(
        hidden_layer_sizes=(64,) * 6,
        init=init,
        bias_init="zeros",
        max_iter=40,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, UserWarning))
        clf.fit(X, y)
    ax_curves.plot(clf.loss_curve_, label=f"{init} (train acc {clf.score(X, y):.2f})")
ax_curves.set_yscale("log")
ax_curves.set_xlabel("epoch")
ax_curves.set_ylabel("training loss")
ax_curves.set_title("Six ReLU layers of 64 units: initializers")
ax_curves.legend()

penalties = ["l2", "elasticnet", "l1"]
zeros, scores = [], []
for penalty in penalties:
    clf = MLPClassifier(
        hidden_layer_sizes=(64,),
        penalty=penalty,
        alpha=0.3,
        max_iter=60,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    zeros.append(np.mean(clf.coefs_[0] == 0.0))
    scores.append(clf.score(X, y))
bars = ax_zeros.bar(penalties, zeros, color=["tab:blue", "tab:purple", "tab:red"])
for bar, score in zip(bars, scores, strict=True):
    ax_zeros.annotate(
        f"train acc {score:.2f}",
        (bar.get_x() + bar.get_width() / 2, bar.get_height()),
        ha="center",
        va="bottom",
    )
ax_zeros.set_ylim(0, 1)
ax_zeros.set_ylabel("share of exactly-zero first-layer weights")
ax_zeros.set_title("Penalties at alpha=0.3")
fig.tight_layout()
plt.show()
