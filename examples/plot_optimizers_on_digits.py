"""
Optimizers on the digits: SGD, Adam and friends, and L-BFGS
===========================================================

The same network (two hidden layers of 64 ReLU units, the same initial weights)
trained on the digits by most of the optimizers skweights ships, for 50 epochs
of minibatches of 200 samples, or 50 iterations of full-batch L-BFGS. Each
optimizer is passed as an object, so its own hyperparameters are at hand
(``SGD(momentum=0.9, nesterov=True)``, ``AdamW(weight_decay=...)``); the
learning rates are the usual defaults (0.001 for Adam and its relatives), with
larger ones for plain SGD and Adagrad, whose defaults are far too slow here.
None is tuned: the ranking is one of these settings, not of the algorithms.

What the curves show: momentum is what makes SGD competitive (the same learning
rate without it ends with a loss more than ten times higher); Adam, AdamW
(whose weight decay of 0.01 changes little in 50 epochs), NAdam and RMSprop
behave alike at this scale; Lion, which moves every weight by exactly the
learning rate in the direction of the sign of its momentum, drives the training
loss lowest, and L-BFGS, one pass over the whole training set per iteration,
second lowest. The right panel is a reminder that the lowest training loss is
not the best test accuracy: nothing here regularizes beyond the default
``alpha``.

The loss is read from ``history_["loss"]``, which holds one row per epoch for
the minibatch optimizers and one per iteration for L-BFGS (``loss_curve_`` is
filled by the minibatch optimizers only, as in scikit-learn).
"""

import time
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skweights import MLPClassifier
from skweights.optimizers import (
    LBFGS,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Lion,
    NAdam,
    RMSprop,
)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)

optimizers = {
    "SGD": SGD(learning_rate=0.05, momentum=0.0, nesterov=False),
    "SGD, Nesterov momentum 0.9": SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    "Adam": Adam(learning_rate=0.001),
    "AdamW, weight decay 0.01": AdamW(learning_rate=0.001, weight_decay=0.01),
    "NAdam": NAdam(learning_rate=0.001),
    "RMSprop": RMSprop(learning_rate=0.001),
    "Adagrad": Adagrad(learning_rate=0.05),
    "Lion": Lion(learning_rate=0.001),
    "L-BFGS (per iteration)": LBFGS(),
}

fig, (ax_loss, ax_acc) = plt.subplots(
    1, 2, figsize=(12, 5), width_ratios=[1.4, 1], layout="constrained"
)
scores = {}
print(f"{'optimizer':28s} {'lr':>6s} {'test acc':>9s} {'fit time':>9s} {'loss':>8s}")
for i, (name, optimizer) in enumerate(optimizers.items()):
    clf = MLPClassifier(
        hidden_layer_sizes=(64, 64),
        optimizer=optimizer,
        max_iter=50,
        tol=0.0,  # run all 50 epochs
        random_state=0,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    loss = clf.history_["loss"]
    scores[name] = clf.score(X_test, y_test)
    lr = getattr(optimizer, "learning_rate", None)  # L-BFGS has none
    lr = "-" if lr is None else f"{lr:g}"
    print(f"{name:28s} {lr:>6s} {scores[name]:9.3f} {fit_time:8.2f}s {loss[-1]:8.4f}")
    ls = "--" if "L-BFGS" in name else "-"
    ax_loss.plot(clf.history_["epoch"], loss, color=f"C{i}", ls=ls, label=name)

ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch (L-BFGS: iteration over the full training set)")
ax_loss.set_ylabel("training loss (log scale)")
ax_loss.set_title("Training loss, two hidden layers of 64 ReLU units")
ax_loss.legend(fontsize="small")

bars = ax_acc.barh(
    list(scores), list(scores.values()), color=[f"C{i}" for i in range(len(scores))]
)
ax_acc.bar_label(bars, [f"{s:.3f}" for s in scores.values()], padding=3)
ax_acc.invert_yaxis()  # same order as the legend
ax_acc.set_xlim(0.9, 1.0)
ax_acc.set_xlabel("test accuracy (the axis starts at 0.9)")
ax_acc.set_title("Test accuracy after 50 epochs")
plt.show()
