"""
Initializing a deep ReLU network: Glorot, He and orthogonal
===========================================================

A ReLU sets about half of its inputs to zero, so it halves the mean square of
the signal that passes through it. An initializer that keeps the variance of a
linear layer (Glorot/Xavier: ``Var(W) = 2 / (fan_in + fan_out)``, i.e.
``1 / n`` for a square layer; orthogonal with ``gain=1``) therefore shrinks the
signal by a factor of about ``1 / sqrt(2) = 0.71`` per layer, and after ten
layers the top of the network sees a signal more than 20 times weaker than the
bottom. He/Kaiming (``Var(W) = 2 / fan_in``) and orthogonal with
``gain=sqrt(2)`` put that factor of 2 back and keep the signal's scale.

Left: the standard deviation of each hidden layer's activations at
initialization, for ten ReLU layers of 64 units on the standardized digits.
Right: the training loss of the same networks trained with SGD (Nesterov
momentum). The shrinking initializations sit on the plateau of the constant
prediction (loss ``log 10 = 2.30``) for several epochs before they start to
learn. Adam rescales every step by the gradient's own size and hides much of
this difference, which is why the curves use SGD.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skweights import MLPClassifier
from skweights.initializers import GlorotUniform, HeUniform, Orthogonal

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
depth, width = 10, 64

inits = {
    "Glorot uniform": (GlorotUniform(), 1 / np.sqrt(2)),
    "He uniform": (HeUniform(), 1.0),
    "orthogonal, gain=1": (Orthogonal(), 1 / np.sqrt(2)),
    "orthogonal, gain=sqrt(2)": (Orthogonal(gain=np.sqrt(2)), 1.0),
}

# %%
# The signal at initialization. ``hidden_activations`` needs a fitted model, so
# each network takes a single ``partial_fit`` step with a learning rate of
# 1e-12: its weights are, to twelve digits, the ones the initializer drew.
# Biases start at zero so that only the weights set the scale. The factors hold
# on average for infinitely wide layers; layers of 64 units land a little below
# them (0.67 for 0.71, 0.95 for 1).
fig, (ax_std, ax_loss) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
layers = np.arange(1, depth + 1)
print("std of the activations: factor per layer (layers 1 to 10)")
for i, (name, (init, expected)) in enumerate(inits.items()):
    probe = MLPClassifier(
        (width,) * depth,
        init=init,
        bias_init="zeros",
        learning_rate_init=1e-12,
        random_state=0,
    )
    probe.partial_fit(X, y, classes=np.unique(y))
    std = np.array([a.std() for a in probe.hidden_activations(X, layer="all")])
    factor = (std[-1] / std[0]) ** (1 / (depth - 1))
    print(f"  {name:26s} measured {factor:.2f}, expected {expected:.2f}")
    ax_std.plot(layers, std, "o-", color=f"C{i}", label=name)
    ax_std.plot(layers, std[0] * expected ** (layers - 1), ":", color=f"C{i}")
ax_std.set_yscale("log")
ax_std.set_xlabel("hidden layer")
ax_std.set_ylabel("std of the activations at initialization")
ax_std.set_title(
    f"{depth} ReLU layers of {width}: signal per layer\n"
    "(dotted: a factor of 1 or 1/sqrt(2) per layer)"
)
_ = ax_std.legend()
# sphinx_gallery_defer_figures

# %%
# Training: the same initializations, 30 epochs of SGD with Nesterov momentum.
print("\ntraining loss after 5, 10 and 30 epochs of SGD")
for i, (name, (init, _)) in enumerate(inits.items()):
    clf = MLPClassifier(
        (width,) * depth,
        init=init,
        bias_init="zeros",
        optimizer="sgd",
        learning_rate_init=0.01,
        max_iter=30,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    loss = clf.loss_curve_
    print(f"  {name:26s} {loss[4]:.3f} {loss[9]:.3f} {loss[-1]:.4f}")
    ax_loss.plot(np.arange(1, len(loss) + 1), loss, color=f"C{i}", label=name)
ax_loss.axhline(np.log(10), color="gray", ls="--", lw=1, label="constant prediction")
ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training loss (log scale)")
ax_loss.set_title("SGD, learning rate 0.01, Nesterov momentum 0.9")
_ = ax_loss.legend()
plt.show()
