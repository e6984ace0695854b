"""
Tuning the initializer, penalty and optimizer with GridSearchCV
===============================================================

``init``, ``penalty`` and ``optimizer`` are ordinary estimator parameters, so a
pipeline tunes them like any other, as ``mlpclassifier__init`` and so on. A
component passed as an object exposes its own parameters one level further
down: with ``optimizer=Adam(...)`` in the grid,
``mlpclassifier__optimizer__beta_1`` tunes Adam's momentum. A list of two grids
searches both at once, 16 combinations and 48 fits in all.

The first grid crosses two initializers, two penalties and three optimizers
(string names take their learning rate from ``learning_rate_init``). With a
single hidden layer the initializer hardly matters; the optimizer does (plain
SGD lags after 20 epochs) and, at this ``alpha``, L1 costs a little accuracy
with the adaptive optimizers. The second grid shows that a long memory of past
gradients (``beta_1=0.99``) is the one setting of Adam's momentum that hurts
here.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skweights import MLPClassifier
from skweights.optimizers import Adam

X, y = load_digits(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier(
        hidden_layer_sizes=(32,),
        alpha=1.0,
        learning_rate_init=0.01,
        max_iter=20,
        random_state=0,
    ),
)
inits, penalties = ["glorot_uniform", "he_uniform"], ["l2", "l1"]
optimizers, betas = ["adam", "sgd", "rmsprop"], [0.0, 0.5, 0.9, 0.99]
param_grid = [
    {
        "mlpclassifier__init": inits,
        "mlpclassifier__penalty": penalties,
        "mlpclassifier__optimizer": optimizers,
    },
    {
        "mlpclassifier__optimizer": [Adam(learning_rate=0.01)],
        "mlpclassifier__optimizer__beta_1": betas,
    },
]
search = GridSearchCV(
    pipe, param_grid, cv=StratifiedKFold(3, shuffle=True, random_state=0)
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    search.fit(X, y)

results = search.cv_results_
n_fits = len(results["params"]) * search.n_splits_
print(
    f"{len(results['params'])} combinations x {search.n_splits_} folds = {n_fits} fits"
)
print(f"best: {search.best_params_}, mean accuracy {search.best_score_:.3f}")
print(f"refitted model's optimizer: {search.best_estimator_[-1].optimizer!r}\n")
for k in np.argsort(results["rank_test_score"], kind="stable")[:5]:
    short = {
        name.removeprefix("mlpclassifier__"): value
        for name, value in results["params"][k].items()
    }
    print(
        f"rank {results['rank_test_score'][k]}: {results['mean_test_score'][k]:.3f}",
        short,
    )

# %%
# Left: mean cross-validated accuracy of the first grid. Right: the second
# grid, Adam's ``beta_1``.
scores = {}
for params, score in zip(results["params"], results["mean_test_score"], strict=True):
    if "mlpclassifier__init" in params:  # the first grid
        key = tuple(
            params[f"mlpclassifier__{k}"] for k in ("init", "penalty", "optimizer")
        )
        scores[key] = score
table = np.array(
    [[scores[(i, p, o)] for o in optimizers] for i in inits for p in penalties]
)
beta_scores = [
    score
    for params, score in zip(results["params"], results["mean_test_score"], strict=True)
    if "mlpclassifier__optimizer__beta_1" in params
]

fig, (ax_map, ax_beta) = plt.subplots(
    1, 2, figsize=(12, 4.5), width_ratios=[1.2, 1], layout="constrained"
)
image = ax_map.imshow(table, cmap="viridis", aspect="auto")
middle = (table.min() + table.max()) / 2
for (row, col), value in np.ndenumerate(table):
    color = "black" if value > middle else "white"
    ax_map.text(col, row, f"{value:.3f}", ha="center", va="center", color=color)
ax_map.set_xticks(range(len(optimizers)), optimizers)
ax_map.set_yticks(range(len(table)), [f"{i}, {p}" for i in inits for p in penalties])
ax_map.set_xlabel("mlpclassifier__optimizer")
ax_map.set_ylabel("mlpclassifier__init, mlpclassifier__penalty")
ax_map.set_title("Mean CV accuracy, grid 1")
fig.colorbar(image, ax=ax_map, label="mean CV accuracy")

bars = ax_beta.bar([str(b) for b in betas], beta_scores, color="tab:green")
ax_beta.bar_label(bars, [f"{s:.3f}" for s in beta_scores])
ax_beta.set_ylim(min(beta_scores) - 0.02, 1.0)
ax_beta.set_xlabel("mlpclassifier__optimizer__beta_1")
ax_beta.set_ylabel("mean CV accuracy (zoomed)")
ax_beta.set_title("Grid 2: Adam(learning_rate=0.01), beta_1")
plt.show()
