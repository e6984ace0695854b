"""
Sparse weights: L1, L2 and elastic net
======================================

An L2 penalty pulls every weight towards zero in proportion to its size, so
weights get small but almost never exactly zero. An L1 penalty pulls each weight
by the same amount whatever its size: skweights applies it as a proximal
(soft-thresholding) step after every update, so a weight whose gradient cannot
hold it away from zero lands on exactly zero and stays there. The elastic net
mixes the two (here half and half, ``l1_ratio=0.5``) and lies in between.

The same network, two hidden layers of 64 and 32 ReLU units, is trained on the
digits with each penalty at ``alpha=0.3`` and Adam. The L1 network keeps about
one first-layer weight in six and loses little test accuracy.

Last, the L1 objective is minimized with L-BFGS, which treats the L1 term
exactly (each weight split into a positive and a negative part, bound-constrained
L-BFGS-B). As in scikit-learn, ``alpha`` is divided by the number of samples
in the batch it is applied to, so a minibatch of 200 penalizes ``n / 200`` times
more than a full batch of ``n``: the L-BFGS run uses ``alpha * n / 200`` to
minimize the same objective. It reaches a lower objective in 100 iterations than
Adam in 200 epochs, and more zeros: Adam's noisy minibatch gradients keep
knocking weights off zero.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skweights import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)
alpha, batch_size = 0.3, 200

runs = {
    "L2, Adam": dict(penalty="l2", alpha=alpha),
    "elastic net, Adam": dict(penalty="elasticnet", l1_ratio=0.5, alpha=alpha),
    "L1, Adam": dict(penalty="l1", alpha=alpha),
    "L1, L-BFGS": dict(
        penalty="l1",
        alpha=alpha * len(X_train) / batch_size,
        optimizer="lbfgs",
        max_iter=100,
    ),
}
models = {}
print(f"{'':18s} exact zeros per layer   test acc  L1 objective")
for name, params in runs.items():
    params = {"max_iter": 200, **params}
    clf = MLPClassifier(
        hidden_layer_sizes=(64, 32), batch_size=batch_size, random_state=0, **params
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    zeros = [np.mean(W == 0) for W in clf.coefs_]
    accuracy = clf.score(X_test, y_test)
    objective = f"{clf.loss_:.3f}" if "L1" in name else ""
    per_layer = "  ".join(f"{z:5.1%}" for z in zeros)
    print(f"{name:18s} {per_layer}   {accuracy:.3f}     {objective}")
    models[name] = clf, zeros, accuracy

# %%
# Left: the share of exactly-zero weights in each layer of weights (the output
# layer last). Right: the histogram of all the weights of each network, with
# the exact zeros as a separate red bar; counts on a log scale.
fig = plt.figure(figsize=(12, 6.5), layout="constrained")
ax_bars, right = fig.subfigures(1, 2, width_ratios=[1, 1.2])
ax_bars = ax_bars.subplots()
layer_names = ["64 inputs -> 64", "64 -> 32", "32 -> 10 outputs"]
width = 0.2
for i, (name, (_, zeros, accuracy)) in enumerate(models.items()):
    x = np.arange(len(zeros)) + (i - 1.5) * width
    bars = ax_bars.bar(x, zeros, width, label=f"{name} (test acc {accuracy:.2f})")
    ax_bars.bar_label(bars, [f"{z:.0%}" for z in zeros], fontsize="small")
ax_bars.set_xticks(np.arange(3), layer_names)
ax_bars.set_ylim(0, 1.3)
ax_bars.set_yticks(np.linspace(0, 1, 6))
ax_bars.set_ylabel("share of weights exactly zero")
ax_bars.set_xlabel("layer of weights")
ax_bars.set_title(f"Exact zeros per layer (alpha={alpha} per minibatch)")
ax_bars.legend(loc="upper right")

axes = right.subplots(len(models), 1, sharex=True)
largest = max(np.abs(W).max() for clf, _, _ in models.values() for W in clf.coefs_)
bins = np.linspace(-largest, largest, 61)
for ax, (name, (clf, _, _)) in zip(axes, models.items(), strict=True):
    w = np.concatenate([W.ravel() for W in clf.coefs_])
    ax.hist(w[w != 0], bins=bins, color="gray", label="nonzero")
    ax.bar(0, np.sum(w == 0), bins[1] - bins[0], color="tab:red", label="exactly zero")
    ax.set_yscale("log")
    ax.set_ylim(0.8, w.size)
    ax.set_ylabel("count")
    ax.set_title(name, fontsize="medium")
axes[0].legend(loc="upper right")
axes[-1].set_xlabel("weight value (all layers)")
right.suptitle("Weight histograms")
plt.show()
