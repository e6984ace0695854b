"""
Saving, loading and exporting a network: npz, scikit-learn and ONNX
===================================================================

A fitted network leaves skweights in three ways:

- ``skweights.io.save(model, "model.npz")`` and ``skweights.io.load`` round-trip
  it through a NumPy file (weights bit for bit, plus a JSON description; no
  pickle), and the loaded model predicts exactly as the saved one;
- ``model.to_sklearn()`` gives a scikit-learn ``MLPClassifier`` holding the
  same weights, for code that expects scikit-learn's class; its predictions are
  bit for bit the same;
- ``skweights.io.to_onnx(model)`` (or ``save`` to a ``.onnx`` file) builds an
  ONNX graph that any ONNX runtime runs without Python or skweights. Its outputs
  ``label`` and ``probabilities`` are ``predict`` and ``predict_proba``.

onnxruntime computes in its own kernels (its own order of summation, its own
exponential), so its probabilities differ from skweights' by at most a few
float32 epsilons (1.2e-7 each), and its labels are the same.
The network is trained in float32, the usual dtype for deployment.
"""

import os
import tempfile
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skweights import MLPClassifier, io

try:
    import onnx  # noqa: F401 - skweights.io writes ONNX files with it
    import onnxruntime
except ImportError:  # the parts that need them are skipped
    onnxruntime = None
    print("onnx or onnxruntime is not installed: pip install onnx onnxruntime")

X, y = load_digits(return_X_y=True)
X = (X / 16).astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
clf = MLPClassifier(hidden_layer_sizes=(64, 32), max_iter=100, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf.fit(X_train, y_train)
proba = clf.predict_proba(X_test)
accuracy = clf.score(X_test, y_test)
print(f"weights dtype: {clf.coefs_[0].dtype}, test accuracy {accuracy:.3f}")

# %%
# Each route's probabilities for the test set, next to skweights' own.
routes = {}
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "digits.npz")
    io.save(clf, path)
    routes["npz save + load"] = io.load(path).predict_proba(X_test)
    routes["to_sklearn()"] = clf.to_sklearn().predict_proba(X_test)
    if onnxruntime is not None:
        path = os.path.join(folder, "digits.onnx")
        io.save(clf, path)
        # One thread is plenty for a graph this small, and an idle thread pool
        # left spinning would slow whatever numpy runs next on a small machine.
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            path, options, providers=["CPUExecutionProvider"]
        )
        labels, routes["onnxruntime"] = session.run(
            ["label", "probabilities"], {"X": X_test}
        )
        del session  # releases onnxruntime's threads
        same = np.array_equal(labels, clf.predict(X_test))
        print(f"onnxruntime labels equal predict: {same}")
        # to_onnx gives the same graph in memory, as an onnx.ModelProto
        model = io.to_onnx(clf)
        print(
            f"ONNX graph: inputs {[i.name for i in model.graph.input]}, outputs",
            [o.name for o in model.graph.output],
        )

print("max |difference| from skweights' predict_proba:")
for name, p in routes.items():
    print(f"  {name:16s} {np.abs(p - proba).max():.2e}")

# %%
# Left: every probability of every route against skweights' own (the points lie
# on the diagonal down to 1e-14). Right: the differences, in units of float32's
# machine epsilon; saving to npz and converting to scikit-learn give exactly 0.
eps = np.finfo(np.float32).eps
fig, (ax_scatter, ax_hist) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
styles = {
    "npz save + load": dict(marker="s", lw=5, ls="-"),
    "to_sklearn()": dict(marker="^", lw=2, ls="--"),
    "onnxruntime": dict(marker=".", lw=2, ls="-"),
}
for i, (name, p) in enumerate(routes.items()):
    style = styles[name]
    ax_scatter.scatter(
        proba.ravel(), p.ravel(), s=14, marker=style["marker"], label=name, alpha=0.6
    )
    diff = (p - proba).ravel() / eps
    ax_hist.hist(
        diff,
        bins=np.arange(-6.25, 6.5, 0.5),
        histtype="step",
        color=f"C{i}",
        lw=style["lw"],
        ls=style["ls"],
        label=f"{name}: max |diff| {np.abs(diff).max():.1f} eps",
    )
ax_scatter.set_xscale("log")
ax_scatter.set_yscale("log")
ax_scatter.set_xlabel("skweights predict_proba")
ax_scatter.set_ylabel("probability from the saved / exported model")
ax_scatter.set_title(f"All {proba.size} test probabilities (log scales)")
_ = ax_scatter.legend()
ax_hist.set_yscale("log")
ax_hist.set_ylim(0.5, 50 * proba.size)  # room for the legend
ax_hist.set_xlabel("saved / exported - skweights probability, in float32 epsilons")
ax_hist.set_ylabel("count (log scale)")
ax_hist.set_title(f"Differences (1 epsilon = {eps:.2e})")
_ = ax_hist.legend(loc="upper left")
plt.show()
