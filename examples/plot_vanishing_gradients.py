"""
Diagnosing vanishing gradients from ``history_``
================================================

The gradient of a layer's weights is the error arriving from above, which has
been multiplied by one weight matrix and one activation derivative per layer on
its way down. When the weights are too small, each of those products shrinks it,
and the gradient reaching the bottom layers of a deep network is orders of
magnitude smaller than the top layer's: the bottom layers barely learn, and the
network sits on the plateau of the constant prediction (loss ``log 10 = 2.30``
on the ten digits).

Every fit records, per epoch and per layer of weights, the root mean square of
the gradient norm over the epoch's minibatches in ``history_["grad_norm"]``
(shape ``(n_epochs, n_layers)``). skweights compares each layer's gradient with
the top layer's once per epoch and raises a
:class:`~skweights.exceptions.GradientWarning` when one falls below 1e-4 of it.

What to look for, on eight ReLU layers of 64 units: with weights drawn from
``N(0, 0.01^2)``, the curves of the layers fan out over more than five decades
in the first epoch, the bottom layers lowest, and the loss stays flat at 2.30
for several epochs. Adam's steps do not shrink with the gradient, so the lower
layers eventually catch up (around epoch 7 here) and the fan narrows, but after
30 epochs the loss is still far above He initialization's, whose curves lie
together from the first epoch on.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skweights import MLPClassifier
from skweights.exceptions import GradientWarning
from skweights.initializers import HeUniform, RandomNormal

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

inits = {"N(0, 0.01^2)": RandomNormal(stddev=0.01), "He uniform": HeUniform()}
models = {}
for name, init in inits.items():
    clf = MLPClassifier((64,) * 8, init=init, max_iter=30, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GradientWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    first = clf.history_["grad_norm"][0]  # epoch 1, one value per layer
    losses = ", ".join(f"{clf.loss_curve_[i]:.3f}" for i in (0, 9, 29))
    print(f"{name}: training loss after 1, 10 and 30 epochs: {losses}")
    print(f"  epoch 1 gradient norm, layer 0 / top layer: {first[0] / first[-1]:.1e}")
    for warning in caught:
        print(f"  {type(warning.message).__name__}: {warning.message}")
    if not caught:
        print("  no GradientWarning")
    models[name] = clf

# %%
# One curve per layer of weights, from the first hidden layer (dark) to the
# output layer (yellow), on a shared log scale; then the two loss curves.
fig, axes = plt.subplots(1, 3, figsize=(14, 4.5), layout="constrained")
n_layers = len(models["He uniform"].coefs_)
colors = plt.cm.viridis(np.linspace(0, 0.9, n_layers))
for ax, (name, clf) in zip(axes[:2], models.items(), strict=True):
    epochs = clf.history_["epoch"]
    for layer, color in enumerate(colors):
        label = "output layer" if layer == n_layers - 1 else f"layer {layer}"
        ax.plot(epochs, clf.history_[f"grad_norm_{layer}"], color=color, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel('history_["grad_norm"] (log scale)')
    ax.set_title(f"init={name}: gradient norm per layer")
norms = np.concatenate([clf.history_["grad_norm"].ravel() for clf in models.values()])
for ax in axes[:2]:  # one scale for both, to compare them
    ax.set_ylim(norms[norms > 0].min() / 2, norms.max() * 2)
axes[1].legend(fontsize="small", ncols=2, loc="lower left")
for name, clf in models.items():
    axes[2].plot(clf.history_["epoch"], clf.history_["loss"], label=f"init={name}")
axes[2].axhline(np.log(10), color="gray", ls="--", lw=1, label="constant prediction")
axes[2].set_yscale("log")
axes[2].set_xlabel("epoch")
axes[2].set_ylabel("training loss (log scale)")
axes[2].set_title("Training loss")
axes[2].legend()
plt.show()
