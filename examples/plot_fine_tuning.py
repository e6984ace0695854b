"""
Fine-tuning a pretrained network on a new task with few labels
==============================================================

A network trained on one task learns features (its hidden layers, the *body*)
that can serve a related task. Here the body is a hidden layer of 64 ReLU units
pretrained on all ten digits of the first 1000 samples. The new task is to
tell the digits 5 to 9 apart, five classes instead of ten, from only a handful
of labelled images per class, taken from samples 1000 to 1399; the test set is
the digits 5 to 9 among the samples from 1400 on.

``init=Pretrained(body, layers="body")`` copies the pretrained hidden layer and
draws a new output layer of the right size; ``frozen_layers=-1`` trains only
that output layer, keeping the body bit for bit. The plot compares it with
training the same network from scratch, and with fine-tuning the whole network
from the pretrained start, over five random draws of the training images. With
one to twenty images per class, the frozen body beats training from scratch at
every size; updating the body as well falls in between: with so few images,
moving the pretrained features does not pay. The body was pretrained on other
images of these same digits (among others), which is why its features serve
the new task so well.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skweights import MLPClassifier
from skweights.initializers import Pretrained

X, y = load_digits(return_X_y=True)
X = X / 16
index = np.arange(len(y))
pool = (index >= 1000) & (index < 1400) & (y >= 5)  # where the few labels come from
test = (index >= 1400) & (y >= 5)

body = MLPClassifier(hidden_layer_sizes=(64,), max_iter=200, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    body.fit(X[:1000], y[:1000])
score = body.score(X[1000:], y[1000:])
print(f"pretrained on digits 0-9: accuracy {score:.3f} on the samples from 1000 on")


def few_per_class(n, seed):
    """Indices of n random images of each digit 5 to 9 from the pool."""
    rng = np.random.RandomState(seed)
    return np.concatenate(
        [
            rng.choice(np.flatnonzero(pool & (y == c)), n, replace=False)
            for c in range(5, 10)
        ]
    )


methods = {
    "pretrained body, frozen (only the new head trains)": dict(
        init=Pretrained(body, layers="body"), frozen_layers=-1
    ),
    "pretrained body, fine-tuned with the head": dict(
        init=Pretrained(body, layers="body")
    ),
    "from scratch": dict(),
}
sizes, seeds = [1, 2, 5, 10, 20], range(5)
accuracy = {name: np.zeros((len(sizes), len(seeds))) for name in methods}
for i, n in enumerate(sizes):
    for seed in seeds:
        train = few_per_class(n, seed)
        for name, params in methods.items():
            clf = MLPClassifier(
                hidden_layer_sizes=(64,),
                learning_rate_init=0.01,
                max_iter=100,
                random_state=seed,
                **params,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                clf.fit(X[train], y[train])
            accuracy[name][i, seed] = clf.score(X[test], y[test])

print("\nmean test accuracy over 5 draws, per number of training images per class")
print(f"{'':52s}" + "".join(f"{n:>7d}" for n in sizes))
for name, acc in accuracy.items():
    print(f"{name:52s}" + "".join(f"{a:7.3f}" for a in acc.mean(axis=1)))

# %%
# The frozen body is left exactly as it was: the fine-tuned network's hidden
# layer equals the pretrained one bit for bit, and only the new 64 x 5 head
# differs from the pretrained 64 x 10 one.
train = few_per_class(20, seed=0)
tuned = MLPClassifier(
    hidden_layer_sizes=(64,),
    init=Pretrained(body, layers="body"),
    frozen_layers=-1,
    learning_rate_init=0.01,
    max_iter=100,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    tuned.fit(X[train], y[train])
same = np.array_equal(tuned.coefs_[0], body.coefs_[0]) and np.array_equal(
    tuned.intercepts_[0], body.intercepts_[0]
)
print(f"\nbody weights and biases bit-identical after fine-tuning: {same}")
print(f"head: pretrained {body.coefs_[1].shape}, fine-tuned {tuned.coefs_[1].shape}")
print(f"classes: {tuned.classes_}")

fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
for name, acc in accuracy.items():
    mean, std = acc.mean(axis=1), acc.std(axis=1)
    ax.plot(sizes, mean, "o-", label=name)
    ax.fill_between(sizes, mean - std, mean + std, alpha=0.2)
ax.set_xscale("log")
ax.set_xticks(sizes, [str(n) for n in sizes])
ax.set_xlabel("training images per class (digits 5 to 9)")
ax.set_ylabel("test accuracy (mean +- std over 5 draws)")
ax.set_title("Re-heading a network pretrained on digits 0-9")
ax.legend(loc="lower right")
plt.show()
