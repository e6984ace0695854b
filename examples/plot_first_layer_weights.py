"""
What the first layer learns on handwritten digits: L2 against L1
================================================================

Each hidden unit of the first layer computes a weighted sum of the 64 pixels of
an 8 x 8 digit, so its incoming weights, drawn as an 8 x 8 image, show the
pattern of ink that excites the unit (red) and the ink that inhibits it (blue):
bars, arcs and loops in particular places. Both networks below start from the
same weights. With an L2 penalty every pixel keeps some weight; with an L1
penalty, applied as a proximal step, about half of the weights become exactly
zero (white), among them those of the always-blank border pixels, and units the
network can do without lose all their weights ("all 0"). Units blank in both
plots are ReLU units that stopped activating early in training. The histograms
show the same thing as numbers, with the exact zeros as a red bar, and
``weight_summary`` prints it as a table.
"""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skweights import MLPClassifier
from skweights.inspection import weight_summary
from skweights.plotting import plot_first_layer_weights, plot_weight_histograms

X, y = load_digits(return_X_y=True)
X = X / 16  # pixel intensities in [0, 1]

models = {}
for penalty, alpha in [("l2", 1.0), ("l1", 0.1)]:
    clf = MLPClassifier(
        hidden_layer_sizes=(16,),
        penalty=penalty,
        alpha=alpha,
        learning_rate_init=0.01,
        max_iter=60,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    models[penalty] = clf
    print(
        f"penalty={penalty!r}, alpha={alpha}: training accuracy {clf.score(X, y):.3f}"
    )
    print(weight_summary(clf))
    print()

# %%
# First-layer weights, one image per hidden unit, on one color scale per model.
fig = plt.figure(figsize=(12, 6), layout="constrained")
for subfig, (penalty, clf) in zip(fig.subfigures(1, 2), models.items(), strict=True):
    plot_first_layer_weights(clf, fig=subfig)
    subfig.suptitle(f"penalty={penalty!r}, alpha={clf.alpha}")
_ = fig.suptitle("First-layer weights: one 8 x 8 image per hidden unit")

# %%
# Weight histograms: L1 leaves a tall bar of exact zeros (red). The count axis
# is logarithmic, so that the few intercepts (orange, one or two per bin) show
# beside hundreds of weights.
fig = plt.figure(figsize=(9, 6), layout="constrained")
for subfig, (penalty, clf) in zip(fig.subfigures(2, 1), models.items(), strict=True):
    plot_weight_histograms(clf, log=True, fig=subfig)
    subfig.suptitle(f"penalty={penalty!r}, alpha={clf.alpha}")

plt.show()
