"""Hostile input through fit, partial_fit, predict, predict_proba and score.

Property: for random shapes, dtypes, extreme values, sparse formats, sample
weights and parameter combinations, every call either succeeds (finite weights,
predictions of the right shape and dtype) or raises ValueError/TypeError with a
message naming the problem, never another exception type, a numpy warning on
ordinary data, or NaN weights. ``max_iter`` stays small so nothing can hang.

About half the cases are clean and must train; the others carry one problem or
several. A problem either must be rejected (NaN in X, a negative sample weight,
words as regression targets): a case that carries one and trains fails the
test; or it may be (values near the end of the float range, early stopping on a
tiny set). Three cases in seven first fit the estimator on clean data and make
the hostile call as a refit, a warm-started fit or a ``partial_fit``: if that
call fails, the weights, ``n_iter_``, the optimizer state and the predictions
must be exactly those of before. Every fitted estimator is then given hostile
input at ``predict``, ``predict_proba`` and ``score``.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import (
    ConvergenceWarning,
    DataConversionWarning,
    NotFittedError,
    UndefinedMetricWarning,
)

from skweights import MLPClassifier, MLPRegressor
from skweights import optimizers as opt
from skweights.exceptions import DivergenceError, GradientWarning
from skweights.optimizers import OPTIMIZERS

SETTINGS = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

INITS = ["sklearn", "glorot_uniform", "he_normal", "lecun_normal", "orthogonal"]
INITS += ["identity", "sparse", "zeros", "ones", "truncated_normal", "torch_linear"]
BIAS_INITS = ["sklearn", "sklearn", "zeros", "ones", "glorot_uniform"]
PENALTIES = [None, "none", "l2", "l1", "elasticnet"]
CONSTRAINTS = [None, None, None, "max_norm", "unit_norm", "non_neg", "min_max_norm"]
ACTIVATIONS = ["relu", "tanh", "logistic", "identity", "leaky_relu", "elu", "softplus"]
#: initializers that give every hidden unit the same incoming weights (a warning)
SYMMETRIC_INITS = {"zeros", "ones", "sparse", "identity"}
#: optimizer objects beside the names: schedules, clipping, the torch variants
OPTIMIZER_OBJECTS = [
    lambda: opt.Adam(opt.StepDecay(0.01, step_size=1, gamma=0.5)),
    lambda: opt.SGD(opt.CosineDecay(0.01, decay_epochs=2, warmup_epochs=1)),
    lambda: opt.SGD(opt.ReduceLROnPlateau(0.01, factor=0.5, patience=0)),
    lambda: opt.RMSprop(opt.MultiStepDecay(0.01, milestones=[1, 2])),
    lambda: opt.NAdam(opt.ExponentialDecay(0.01, gamma=0.7)),
    lambda: opt.ClipByGlobalNorm(opt.Adam(0.01), max_norm=0.5),
    lambda: opt.ClipByValue(opt.SGD(0.01), clip_value=0.1),
    lambda: opt.ClipByNorm("adamw", max_norm=1.0),
    lambda: opt.Adam(0.01, amsgrad=True, variant="torch"),
    lambda: opt.SGD(0.005, momentum=0.9, nesterov=False, variant="torch"),
    lambda: opt.RMSprop(0.01, momentum=0.5, centered=True, variant="torch"),
]

EARLY_STOPPING = (
    r"validation set is too small|test_size|train_size|least populated class"
    r"|should be greater|resulting train set will be empty|split all are zero"
)
#: problem -> (whether a call carrying it must fail, what its message says)
PROBLEMS = {
    "no_samples": (True, r"0 sample"),
    "no_features": (True, r"0 feature"),
    "x_nan": (True, r"X contains NaN"),
    "x_inf": (True, r"X contains infinity"),
    "complex": (True, r"[Cc]omplex"),
    "x_words": (True, r"could not convert string to float"),
    "y_nan": (True, r"NaN"),
    "y_inf": (True, r"y contains infinity"),
    "y_length": (True, r"inconsistent numbers of samples"),
    "y_words": (True, r"numeric y, but y has dtype"),
    "continuous": (True, r"Unknown label type"),
    "mixed_labels": (True, r"mixes labels of types"),
    "object_labels": (True, r"has dtype object and holds \w+ values"),
    "multiclass_multioutput": (True, r"Multioutput target data is not supported"),
    "poisson_negative": (True, r"non-negative y"),
    "sw_negative": (True, r"sample_weight must be non-negative"),
    "sw_nan": (True, r"sample_weight contains NaN"),
    "sw_inf": (True, r"sample_weight contains infinity"),
    "sw_all_zero": (True, r"at least one non-zero"),
    "sw_length": (True, r"sample_weight\.shape|expected \(\d+,\)"),
    "sw_2d": (True, r"Sample weights must be 1D"),
    "sw_unusable": (True, r"sample_weight sums to .*, which training cannot divide"),
    "bad_param": (True, r"The '\w+' parameter of MLP\w+ must be"),
    "unknown_name": (True, r"Unknown \w+ 'bogus'"),
    "init_length": (True, r"is a list of \d+ initializers"),
    "all_frozen": (True, r"nothing is left to train"),
    "lbfgs_projection": (True, r"L-BFGS takes no separate steps"),
    "partial_fit_early_stopping": (True, r"partial_fit does not support early_stop"),
    "new_classes": (
        True,
        r"has classes not in `self.classes_`|warm_start can only be used where `y`",
    ),
    # may fail, may train
    "extreme": (False, r"diverged|non-finite|infinity|too large|beyond the range"),
    "strong_penalty": (False, r"diverged"),
    "may_diverge": (False, r"diverged"),  # exp output, weights of ones
    "early_stopping": (False, EARLY_STOPPING),
}
MUST_FAIL = {name for name, (must, _) in PROBLEMS.items() if must}

#: what predict, predict_proba and score are given after a fit, and what the
#: message says where they must fail (None: they must succeed)
PREDICT_INPUTS = {
    "train": None,
    "large": None,  # finite logits beyond exp's range: softmax, exp stay finite
    "extreme": None,
    "denormal": None,
    "float32": None,
    "float16": None,
    "int": None,
    "bool": None,
    "object": None,
    "list": None,
    "one_row": None,
    "sparse": None,
    "other_features": r"X has \d+ features, but MLP\w+ is expecting \d+ features",
    "nan": r"X contains NaN",
    "inf": r"X contains infinity",
    "empty": r"0 sample",
    "1d": r"Expected 2D array",
    "3d": r"dim 3",
    "complex": r"[Cc]omplex",
    "words": r"could not convert string to float",
    "y_length": r"inconsistent numbers of samples",
}
SPARSE_FORMATS = ["csr", "csc", "coo", "lil", "dok", "bsr", "dia"]


# ------------------------------------------------------------------ strategies


def _sparse(X, fmt, array):
    return (sp.csr_array(X) if array else sp.csr_matrix(X)).asformat(fmt)


@st.composite
def _shape(draw, hostile):
    n_samples = draw(st.sampled_from([1, 2, 3, 5, 8, 13, 30, 30]))
    n_features = draw(st.sampled_from([1, 1, 2, 3, 5]))
    if hostile:
        which = draw(st.sampled_from(["samples", "features", "both"]))
        n_samples = 0 if which in ("samples", "both") else n_samples
        n_features = 0 if which in ("features", "both") else n_features
    return n_samples, n_features


@st.composite
def _X(draw, n_samples, n_features, hostile):
    """A feature matrix and the problems it carries (read from its values)."""
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    X = rng.randn(n_samples, n_features)
    benign = ["denormal", "constant", "all_constant"]
    values = [np.nan, np.inf, -np.inf, 1e300, -1e300]
    if n_samples and n_features and (hostile or draw(st.booleans())):
        for value in draw(
            st.lists(
                st.sampled_from(values if hostile else benign),
                min_size=1,
                max_size=2,
            )
        ):
            i = draw(st.integers(0, n_samples - 1))
            j = draw(st.integers(0, n_features - 1))
            if value == "constant":
                X[:, j] = 3.0
            elif value == "all_constant":
                X[:] = -1.5
            elif value == "denormal":
                X[i, j] = 5e-324
            else:
                X[i, j] = value
    dtypes = ["float64", "float32", "float16", "int64", "uint8", "bool", "object"]
    dtypes += ["float64", "float64", "list"]
    if hostile:  # dtypes that keep NaN and infinities, and the rejected ones
        dtypes = ["float64", "float64", "float32", "float16", "object", "list"]
        dtypes += ["complex", "words"]
    dtype = draw(st.sampled_from(dtypes))
    problems = set()
    with np.errstate(over="ignore", invalid="ignore"):
        if dtype in ("int64", "uint8", "bool"):
            X = np.nan_to_num(X, posinf=7, neginf=-7)
            X = (X > 0) if dtype == "bool" else np.round(np.abs(X)).astype(dtype)
        elif dtype in ("float32", "float16"):
            X = X.astype(dtype)  # 1e300 becomes inf here
    if np.issubdtype(X.dtype, np.floating):
        problems |= {"x_nan"} if np.isnan(X).any() else set()
        problems |= {"x_inf"} if np.isinf(X).any() else set()
        finite = X[np.isfinite(X)].astype(np.float64)
        problems |= {"extreme"} if (np.abs(finite) > 1e30).any() else set()
    if dtype == "object":
        X = X.astype(object)
    elif dtype == "list" and X.size:  # [] would be a 1-D input
        X = X.tolist()
    elif dtype == "complex":
        X = X + 1j
        problems.add("complex")
    elif dtype == "words" and X.size:
        X = X.astype(object)
        X[0, 0] = "many"
        problems.add("x_words")
    fmt = draw(st.sampled_from([None, None, None, *SPARSE_FORMATS]))
    if fmt is not None and isinstance(X, np.ndarray) and X.dtype.kind in "fiub":
        if X.dtype != np.float16:
            X = _sparse(X, fmt, array=draw(st.booleans()))
    return X, problems


#: label vocabularies by kind of classification target
LABELS = {
    "int": np.array([-2, 1, 4, 7]),
    "str": np.array(["cat", "dog", "eel", "fox"]),
    "str_object": np.array(["cat", "dog", "eel", "fox"], dtype=object),
    "bool": np.array([False, True]),
    "float64": np.array([0.0, 1.0, 2.0, -1.0]),
    "float32": np.array([0.0, 1.0, 2.0, -1.0], dtype=np.float32),
    "float16": np.array([0.0, 1.0, 2.0, -1.0], dtype=np.float16),
    "uint8": np.array([0, 1, 2, 3], dtype=np.uint8),
}


@st.composite
def _classification_y(draw, n_samples, hostile):
    """(y, problems, all the classes y is drawn from)."""
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    kinds = [*LABELS, "int", "str", "multilabel", "multilabel"]
    if hostile:
        kinds = ["continuous", "nan", "mixed", "multiclass_multioutput", "length"]
        kinds += ["object_numbers"]
    kind = draw(st.sampled_from(kinds))
    n_classes = draw(st.integers(1, 2 if kind == "bool" else 4))
    labels = rng.randint(n_classes, size=n_samples)
    if kind == "multilabel":
        n_labels = n_classes + 1
        return rng.randint(2, size=(n_samples, n_labels)), set(), n_labels
    if kind in LABELS:
        return LABELS[kind][labels], set(), LABELS[kind][:n_classes]
    if kind == "continuous":
        problems = {"continuous"} if n_samples else set()
        return labels / 2 + 0.25, problems, None
    if kind == "nan":
        y = labels.astype(float)
        if n_samples:
            y[rng.randint(n_samples)] = np.nan
        return y, {"y_nan"} if n_samples else set(), None
    if kind == "mixed":
        y = np.array(["cat", 3], dtype=object)[rng.randint(2, size=n_samples)]
        numbers = any(not isinstance(v, str) for v in y)
        return y, {"mixed_labels", "object_labels"} if numbers else set(), None
    if kind == "object_numbers":  # "unknown" labels to scikit-learn
        y = np.array([3, 1, 4, 5], dtype=object)[labels]
        return y, {"object_labels"} if n_samples else set(), None
    if kind == "multiclass_multioutput":
        y = rng.randint(3, size=(n_samples, 3))
        if n_samples:  # two values or fewer make a multilabel indicator
            y[0] = [0, 1, 2]
        return y, {"multiclass_multioutput"} if n_samples else set(), None
    # a y longer or shorter than X
    n = max(n_samples + draw(st.sampled_from([-1, 1])), 0)
    y = LABELS["int"][rng.randint(2, size=n)]
    return y, {"y_length"}, None


@st.composite
def _regression_y(draw, n_samples, loss, hostile):
    """(y, problems, number of outputs)."""
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    n_outputs = draw(st.sampled_from([1, 1, 2]))
    problems = set()
    y = rng.randn(n_samples, n_outputs)
    if loss == "poisson":
        y = np.abs(y)
    kinds = ["float64", "float64", "float32", "float16", "int64", "bool", "object"]
    kinds += ["strings", "tiny", "denormal"]
    if hostile:
        kinds = ["nan", "inf", "words", "length", "huge", "huge_entry"]
        kinds += ["negative"] if loss == "poisson" else []
    kind = draw(st.sampled_from(kinds))
    if kind == "tiny":
        y *= 1e-300
    elif kind == "denormal" and n_samples:
        y[rng.randint(n_samples), 0] = 5e-324
    elif kind == "huge":
        y *= 1e300
    elif kind == "huge_entry" and n_samples:
        y[rng.randint(n_samples), 0] = -1e300 if loss != "poisson" else 1e300
    elif kind in ("nan", "inf") and n_samples:
        y[rng.randint(n_samples), 0] = np.nan if kind == "nan" else np.inf
        problems.add(f"y_{kind}")
    elif kind == "negative" and n_samples:
        y[rng.randint(n_samples), 0] = -1.0
        problems.add("poisson_negative")
    elif kind == "length":
        y = y[: max(n_samples - 1, 0)] if draw(st.booleans()) else np.r_[y, y[:1] + 1]
        problems.add("y_length" if len(y) != n_samples else "no_samples")
    if n_samples and np.abs(y[np.isfinite(y)]).max(initial=0) > 1e30:
        problems.add("extreme")
    if kind in ("float32", "float16", "int64", "bool"):
        y = np.round(y).astype(kind) if kind == "int64" else y.astype(kind)
        if kind == "bool":
            y = y != 0
    elif kind == "object":
        y = y.astype(object)
    elif kind == "strings":
        y = y.astype(str)
    elif kind == "words" and n_samples:
        y = y.astype(str)
        y[rng.randint(n_samples), 0] = "many"
        problems.add("y_words")
    if n_outputs == 1 and y.ndim == 2 and not draw(st.integers(0, 3)) == 0:
        y = y[:, 0]
    return y, problems, n_outputs


@st.composite
def _sample_weight(draw, n_samples, hostile):
    kinds = [None, None, None, "ones", "int", "scalar", "list", "some_zero"]
    kinds += ["tiny", "large"]
    if hostile:
        kinds = ["negative", "nan", "inf", "all_zero", "wrong_length", "scalar_zero"]
        kinds += ["2d", "beyond_float64"]
    kind = draw(st.sampled_from(kinds))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    problems = set()
    sw = rng.rand(n_samples) + 0.1
    if kind is None:
        return None, problems
    if kind == "ones":
        sw = np.ones(n_samples)
    elif kind == "int":
        sw = rng.randint(1, 5, size=n_samples)
    elif kind == "scalar":
        sw = 2.0
    elif kind == "list":
        sw = sw.tolist()
    elif kind == "some_zero" and n_samples > 1:
        sw[rng.rand(n_samples) < 0.5] = 0
        sw[rng.randint(n_samples)] = 1.0
    elif kind == "tiny":
        sw = sw * 1e-30
    elif kind == "large":
        sw = sw * 1e300
        problems.add("large_weights")  # beyond float32: see _case
    elif kind == "negative" and n_samples:
        sw[rng.randint(n_samples)] = -1.0
        problems.add("sw_negative")
    elif kind == "nan" and n_samples:
        sw[rng.randint(n_samples)] = np.nan
        problems.add("sw_nan")
    elif kind == "inf" and n_samples:
        sw[rng.randint(n_samples)] = np.inf
        problems.add("sw_inf")
    elif kind == "all_zero":
        sw[:] = 0
        problems.add("sw_all_zero")
    elif kind == "scalar_zero":
        sw = 0.0
        problems.add("sw_all_zero")
    elif kind == "wrong_length":
        sw = np.ones(max(n_samples + draw(st.sampled_from([-1, 1, 5])), 0))
        problems.add("sw_length")
    elif kind == "2d":
        sw = np.ones((n_samples, 2))
        problems.add("sw_2d")
    elif kind == "beyond_float64":  # the sum overflows
        sw = np.full(n_samples, 1e308)
        problems.add("sw_unusable" if n_samples > 1 else "extreme")
    return sw, problems


@st.composite
def _params(draw, classifier, n_layers_of, hostile):
    """Estimator parameters across the component families, and their problems."""
    hidden = draw(st.sampled_from([(3,), (2,), (4, 3), 1]))
    n_layers = n_layers_of(hidden)
    optimizer = draw(
        st.one_of(
            st.sampled_from(sorted(OPTIMIZERS)),
            st.sampled_from(OPTIMIZER_OBJECTS).map(lambda make: make()),
        )
    )
    init = draw(st.sampled_from(INITS))
    if not draw(st.integers(0, 4)):
        init = [draw(st.sampled_from(INITS)) for _ in range(n_layers)]
    params = {
        "hidden_layer_sizes": hidden,
        "activation": draw(st.sampled_from(ACTIVATIONS)),
        "optimizer": optimizer,
        "init": init,
        "bias_init": draw(st.sampled_from(BIAS_INITS)),
        "penalty": draw(st.sampled_from(PENALTIES)),
        "constraint": draw(st.sampled_from(CONSTRAINTS)),
        "frozen_layers": draw(st.sampled_from([None, None, None, 1, [-1]])),
        "batch_size": draw(st.sampled_from(["auto", 1, 4, 100])),
        "shuffle": draw(st.booleans()),
        "early_stopping": not draw(st.integers(0, 4)),
        "alpha": draw(st.sampled_from([0.0, 1e-4, 1e-4, 1e-2])),
        "learning_rate": draw(st.sampled_from(["constant", "invscaling", "adaptive"])),
        "n_iter_no_change": draw(st.sampled_from([10, 1])),
        "max_iter": draw(st.integers(1, 3)),
        "random_state": draw(st.integers(0, 5)),
    }
    if not classifier:
        params["loss"] = draw(st.sampled_from(["squared_error", "poisson"]))
    problems = set()
    if hostile:
        what = draw(
            st.sampled_from(
                ["bad_param", "unknown_name", "init_length", "all_frozen"]
                + ["strong_penalty", "lbfgs_projection"]
            )
        )
        if what == "bad_param":
            name, value = draw(
                st.sampled_from(
                    [
                        ("learning_rate_init", 0.0),
                        ("alpha", np.nan),
                        ("max_iter", 0),
                        ("batch_size", 0),
                        ("tol", -1.0),
                        ("momentum", 2.0),
                        ("validation_fraction", 1.0),
                        ("random_state", -1),
                        ("shuffle", "yes"),
                    ]
                )
            )
            params[name] = value
        elif what == "unknown_name":
            name = draw(st.sampled_from(["optimizer", "init", "activation", "penalty"]))
            params[name] = "bogus"
        elif what == "init_length":
            params["init"] = ["glorot_uniform"] * (n_layers + 1)
        elif what == "all_frozen":
            params["frozen_layers"] = list(range(n_layers))
        elif what == "strong_penalty":
            params["alpha"] = 1e3
        elif what == "lbfgs_projection":
            params["optimizer"] = "lbfgs"
            params["constraint"] = "max_norm"
        problems.add(what)
    elif _is_lbfgs(params["optimizer"]) and params["constraint"] not in (
        None,
        "non_neg",
    ):
        problems.add("lbfgs_projection")
    if params["early_stopping"]:
        problems.add("early_stopping")
    inits = init if isinstance(init, list) else [init]
    if params.get("loss") == "poisson" or "ones" in [*inits, params["bias_init"]]:
        problems.add("may_diverge")
    return params, problems


def _is_lbfgs(optimizer):
    return isinstance(optimizer, str) and optimizer in ("lbfgs", "l-bfgs")


def _n_layers(hidden):
    return (len(hidden) if isinstance(hidden, tuple) else 1) + 1


@st.composite
def cases(draw, cls):
    classifier = cls is MLPClassifier
    # clean (about half: these must train), one problem, or several; an empty X
    # hides every other problem, so shapes are hostile less often
    level = draw(st.sampled_from(["clean", "clean", "one", "many"]))
    parts = ["shape", "X", "X", "y", "y", "sample_weight", "sample_weight"]
    parts += ["params", "params"]
    if level == "clean":
        hostile = set()
    elif level == "one":
        hostile = {draw(st.sampled_from(parts))}
    else:
        hostile = set(draw(st.lists(st.sampled_from(parts), min_size=2, max_size=3)))
    params, problems = draw(_params(classifier, _n_layers, "params" in hostile))
    n_samples, n_features = draw(_shape("shape" in hostile))
    # fresh: fit or partial_fit a new estimator; otherwise fit on clean data
    # first, then refit, warm-start or partial_fit it with this case
    mode = draw(
        st.sampled_from(
            ["fit", "fit", "partial_fit", "partial_fit"]
            + ["refit", "warm_start", "continue"]
        )
    )
    incremental = mode in ("partial_fit", "continue")
    if level == "clean" and params["early_stopping"]:
        # early stopping where it can work: a training set large enough to split
        if n_samples < 30 or incremental:
            params["early_stopping"] = False
            problems.discard("early_stopping")
        else:
            params["validation_fraction"] = 0.3
    if level == "clean" and "lbfgs_projection" in problems:
        params["constraint"] = None
        problems.discard("lbfgs_projection")
    X, x_problems = draw(_X(n_samples, n_features, "X" in hostile))
    n_outputs = None
    if classifier:
        y, y_problems, classes = draw(_classification_y(n_samples, "y" in hostile))
    else:
        y, y_problems, n_outputs = draw(
            _regression_y(n_samples, params["loss"], "y" in hostile)
        )
        classes = None
    sw, sw_problems = draw(_sample_weight(n_samples, "sample_weight" in hostile))
    problems |= x_problems | y_problems | sw_problems
    if "large_weights" in problems:  # usable in float64, not in float32
        problems.discard("large_weights")
        float32 = getattr(X, "dtype", None) == np.float32
        problems.add("sw_unusable" if float32 and n_samples else "extreme")
    if n_samples == 0:
        problems.add("no_samples")
    if n_features == 0:
        problems.add("no_features")
    if incremental and not _is_lbfgs(params["optimizer"]) and params["early_stopping"]:
        problems.add("partial_fit_early_stopping")
    if classifier and mode in ("warm_start", "continue"):
        label_kind = classes is not None and not isinstance(classes, int)
        if level == "clean" and mode == "warm_start" and label_kind:
            classes = np.unique(y)  # fitted first on the labels y has
        if classes is None:  # a hostile y: labels other than the fitted ones
            problems.add("new_classes")
        elif (
            mode == "warm_start"
            and label_kind
            and set(np.unique(y).tolist()) != set(classes.tolist())
        ):
            problems.add("new_classes")
    return {
        "cls": cls,
        "params": params,
        "X": X,
        "y": y,
        "sample_weight": sw,
        "classes": classes,
        "n_features": n_features,
        "n_outputs": n_outputs,
        "problems": problems,
        "mode": mode,
        "level": level,
        "predict_inputs": draw(
            st.lists(st.sampled_from(sorted(PREDICT_INPUTS)), min_size=1, max_size=3)
        ),
        "seed": draw(st.integers(0, 2**16)),
    }


# -------------------------------------------------------------------- checking


def _allowed_warnings(case):
    """The warnings a case may raise, as (category, message regex) pairs."""
    params, problems = case["params"], case["problems"]
    allowed = [
        (ConvergenceWarning, ""),
        (GradientWarning, ""),  # diagnostics of deep-ish nets on noise
        (UserWarning, "batch_size"),  # batch_size larger than the training set
    ]
    inits = params["init"] if isinstance(params["init"], list) else [params["init"]]
    if SYMMETRIC_INITS & set(inits):
        allowed.append((UserWarning, "same incoming weights"))
    if getattr(case["y"], "ndim", 1) == 2:
        allowed.append((DataConversionWarning, "column-vector y"))
    allowed.append((UndefinedMetricWarning, "R\\^2 score is not well-defined"))
    if problems & {"extreme", "x_inf", "strong_penalty", "may_diverge"}:
        # data beyond the range in which float arithmetic stays finite: numpy says
        # so on its way to the DivergenceError (see test_diverging_fit_is_silent),
        # and scikit-learn's check for infinities sums +inf and -inf
        allowed.append((RuntimeWarning, "overflow|invalid value|divide by zero"))
    return allowed


def _check_warnings(records, allowed):
    for record in records:
        ok = any(
            issubclass(record.category, category)
            and re.search(pattern, str(record.message))
            for category, pattern in allowed
        )
        assert ok, (
            f"unexpected {record.category.__name__}: {record.message} "
            f"({record.filename}:{record.lineno})"
        )


def _check_error(exc, case):
    """An error must be a ValueError/TypeError whose message names a problem."""
    assert isinstance(exc, (ValueError, TypeError)), f"{type(exc).__name__}: {exc}"
    message = str(exc)
    patterns = [PROBLEMS[p][1] for p in case["problems"]]
    assert any(re.search(p, message) for p in patterns), (
        f"{type(exc).__name__} for problems {sorted(case['problems'])}: {message}"
    )
    if isinstance(exc, DivergenceError):
        diverging = {"extreme", "x_inf", "strong_penalty", "may_diverge"}
        assert case["problems"] & diverging, message


def _finite_weights(est):
    return all(np.isfinite(w).all() for w in est.coefs_ + est.intercepts_)


def _n_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


def _check_fitted(est, X, case):
    assert _finite_weights(est), "non-finite weights"
    n = _n_rows(X)
    with np.errstate(over="ignore", invalid="ignore"):  # weights x extreme X
        y_pred = est.predict(X)
    if isinstance(est, MLPClassifier):
        proba = est.predict_proba(X)
        multilabel = est._label_binarizer.y_type_.startswith("multilabel")
        n_classes = len(est.classes_)
        assert proba.shape == (n, n_classes)
        assert proba.dtype in (np.float32, np.float64)
        if "extreme" not in case["problems"]:
            assert np.isfinite(proba).all()
            assert ((proba >= 0) & (proba <= 1)).all()
            if not multilabel:
                assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
        if multilabel:
            assert y_pred.shape == (n, n_classes)
        else:
            assert y_pred.shape == (n,)
            assert y_pred.dtype == est.classes_.dtype
            assert np.isin(y_pred, est.classes_).all()
    else:
        expected = (n,) if est.n_outputs_ == 1 else (n, est.n_outputs_)
        assert y_pred.shape == expected
        assert y_pred.dtype in (np.float32, np.float64)
        if "extreme" not in case["problems"]:
            assert np.isfinite(y_pred).all()
    sw = case["sample_weight"]
    sw = sw if isinstance(sw, np.ndarray) and sw.shape == (n,) else None
    with np.errstate(over="ignore", invalid="ignore"):
        score = est.score(X, case["y"], sample_weight=sw)
    assert isinstance(score, float)


def _leaves(obj):
    """Every array and scalar in a nested optimizer state, in order."""
    if isinstance(obj, (list, tuple)):
        return [leaf for value in obj for leaf in _leaves(value)]
    if isinstance(obj, dict):
        return [leaf for key in sorted(obj) for leaf in _leaves(obj[key])]
    return [np.array(obj, copy=True)]


def _snapshot(est, X):
    """What a failed call must not change."""
    outputs = [est.predict(X)]
    if isinstance(est, MLPClassifier):
        outputs.append(est.predict_proba(X))
    return {
        "weights": [w.copy() for w in est.coefs_ + est.intercepts_],
        "counters": (est.n_iter_, est.t_, list(est.loss_curve_)),
        "state": _leaves(getattr(est, "_optimizer_state", None)),
        "outputs": outputs,
    }


def _assert_unchanged(est, before, X):
    after = _snapshot(est, X)
    for key in ("weights", "state", "outputs"):
        assert len(after[key]) == len(before[key]), key
        for u, v in zip(after[key], before[key], strict=True):
            assert_array_equal(u, v, err_msg=key)
    assert after["counters"] == before["counters"]


def _classes_of(case):
    classes = case["classes"]
    if isinstance(classes, int):  # multilabel: the number of labels
        return np.arange(classes)
    if classes is not None:
        return classes
    try:
        return np.unique(case["y"])
    except TypeError:  # labels that cannot be sorted together
        return np.array(list(dict.fromkeys(case["y"].tolist())), dtype=object)


def _clean_data(case):
    """Clean training data of the case's kind, to fit before the hostile call."""
    rng = np.random.RandomState(case["seed"])
    X = rng.randn(40, case["n_features"] or 2)
    if case["cls"] is MLPRegressor:
        y = rng.randn(40, case["n_outputs"])
        y = np.abs(y) if case["params"]["loss"] == "poisson" else y
        return X, y[:, 0] if case["n_outputs"] == 1 else y
    classes = case["classes"]
    if isinstance(classes, int):
        return X, rng.randint(2, size=(40, classes))
    return X, np.resize(LABELS["int"][:2] if classes is None else classes, 40)


def _call(est, case):
    X, y, sw = case["X"], case["y"], case["sample_weight"]
    mode = case["mode"]
    if mode in ("fit", "refit", "warm_start") or not hasattr(est, "partial_fit"):
        est.fit(X, y, sample_weight=sw)
    elif mode == "continue":
        est.partial_fit(X, y, sample_weight=sw)
    else:
        kwargs = {"classes": _classes_of(case)} if case["cls"] is MLPClassifier else {}
        est.partial_fit(X, y, sample_weight=sw, **kwargs)
        est.partial_fit(X, y, sample_weight=sw)


def _run(case):
    est = case["cls"](**case["params"])
    before = clean = None
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        if case["mode"] in ("refit", "warm_start", "continue"):
            clean = _clean_data(case)
            try:
                est.fit(*clean)
            except Exception as exc:  # noqa: BLE001 - the property inspects it
                _check_error(exc, case)  # a parameter that fails on any data
                _check_warnings(records, _allowed_warnings(case))
                return "rejected"
            before = _snapshot(est, clean[0])
            est.set_params(warm_start=case["mode"] == "warm_start")
        try:
            _call(est, case)
        except Exception as exc:  # noqa: BLE001 - the property inspects it
            _check_error(exc, case)
            if isinstance(exc, DivergenceError):  # keeps the last finite epoch
                assert _finite_weights(est)
            elif before is None:
                with pytest.raises(NotFittedError):
                    est.predict(np.zeros((1, 1)))
            else:  # a failed call changes nothing
                _assert_unchanged(est, before, clean[0])
            outcome = "rejected"
        else:
            must_fail = case["problems"] & MUST_FAIL
            assert not must_fail, f"accepted a case with {sorted(must_fail)}"
            _check_fitted(est, case["X"], case)
            outcome = "trained"
    _check_warnings(records, _allowed_warnings(case))
    if hasattr(est, "coefs_"):
        for kind in case["predict_inputs"]:
            _check_predict_input(est, kind, case)
    return outcome


# ------------------------------------------------- hostile input after a fit


def _predict_input(est, kind, case):
    """(X, y for score) of the given kind for a fitted estimator."""
    rng = np.random.RandomState(case["seed"])
    n_features = est.n_features_in_
    X = rng.randn(7, n_features)
    if kind == "train" and _n_rows(case["X"]) and not case["problems"] & MUST_FAIL:
        X = case["X"]
    elif kind == "large":
        X = X * 1e5
    elif kind == "extreme":
        X = X * 1e300
    elif kind == "denormal":
        X[0] = 5e-324
    elif kind in ("float32", "float16", "bool"):
        X = (X > 0) if kind == "bool" else X.astype(kind)
    elif kind == "int":
        X = np.round(X * 3).astype(np.int64)
    elif kind == "object":
        X = X.astype(object)
    elif kind == "list":
        X = X.tolist()
    elif kind == "one_row":
        X = X[:1]
    elif kind == "sparse":
        X[X < 0.3] = 0
        fmt = SPARSE_FORMATS[case["seed"] % len(SPARSE_FORMATS)]
        X = _sparse(X, fmt, array=case["seed"] % 2 == 0)
    elif kind == "other_features":
        X = rng.randn(7, n_features + 1 + case["seed"] % 2)
    elif kind == "nan":
        X[rng.randint(7), rng.randint(n_features)] = np.nan
    elif kind == "inf":
        X[rng.randint(7), rng.randint(n_features)] = np.inf
        X[rng.randint(7), rng.randint(n_features)] = -np.inf
    elif kind == "empty":
        X = X[:0]
    elif kind == "1d":
        X = X[0]
    elif kind == "3d":
        X = X[:, :, np.newaxis]
    elif kind == "complex":
        X = X + 1j
    elif kind == "words":
        X = X.astype(object)
        X[0, 0] = "many"
    n = _n_rows(X) if kind != "1d" else 1
    if kind == "y_length":
        n += 1
    if isinstance(est, MLPRegressor):
        y = rng.randn(n, est.n_outputs_)
        y = np.abs(y[:, 0] if est.n_outputs_ == 1 else y)
    elif (
        isinstance(est.classes_, list)
        or est.n_outputs_ > 1
        and not (est._label_binarizer.y_type_ == "multiclass")
    ):
        y = rng.randint(2, size=(n, est.n_outputs_))
    else:
        y = est.classes_[rng.randint(len(est.classes_), size=n)]
    return X, y


def _check_predict_input(est, kind, case):
    X, y = _predict_input(est, kind, case)
    weights = [w.copy() for w in est.coefs_ + est.intercepts_]
    classifier = isinstance(est, MLPClassifier)
    calls = {"predict": est.predict, "score": lambda X: est.score(X, y)}
    if classifier:
        calls["predict_proba"] = est.predict_proba
    expected = PREDICT_INPUTS[kind]
    extreme = kind == "extreme" or (kind == "train" and case["problems"] & {"extreme"})
    allowed = [(UndefinedMetricWarning, "R\\^2 score is not well-defined")]
    if kind == "inf":  # scikit-learn's check sums +inf and -inf
        allowed.append((RuntimeWarning, "invalid value encountered in reduce"))
    if extreme or (kind == "large" and not classifier):
        # a regression score of predictions near the float range overflows
        allowed.append((RuntimeWarning, "overflow|invalid value"))
    results = {}
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        for name, call in calls.items():
            if expected is None or (kind == "y_length" and name != "score"):
                results[name] = call(X)
                continue
            with pytest.raises((ValueError, TypeError)) as excinfo:
                call(X)
            assert re.search(expected, str(excinfo.value)), (
                f"{name} on {kind}: {excinfo.value}"
            )
    if kind != "extreme" or "score" in results:
        _check_warnings(records, allowed)
    for u, v in zip(weights, est.coefs_ + est.intercepts_, strict=True):
        assert_array_equal(u, v)
    if "predict" not in results:
        return
    n = _n_rows(X)
    y_pred = results["predict"]
    if classifier:
        proba = results["predict_proba"]
        assert proba.shape == (n, len(est.classes_))
        assert y_pred.shape[0] == n
        if not extreme:
            assert np.isfinite(proba).all() and ((proba >= 0) & (proba <= 1)).all()
            if est._label_binarizer.y_type_ == "multiclass":
                assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
        output = proba
    else:
        assert y_pred.shape == ((n,) if est.n_outputs_ == 1 else (n, est.n_outputs_))
        if not extreme:
            assert np.isfinite(y_pred).all()
        output = y_pred
    if "score" in results:
        assert isinstance(results["score"], float)
    if kind in ("int", "bool", "object", "list"):  # converted to float64 first
        dense = np.asarray(X, dtype=np.float64)
        reference = est.predict_proba(dense) if classifier else est.predict(dense)
        assert_array_equal(output, reference)
    elif kind == "sparse":
        dense = X.toarray()
        reference = est.predict_proba(dense) if classifier else est.predict(dense)
        assert_allclose(output, reference, rtol=1e-6, atol=1e-12)


@SETTINGS
@given(case=cases(MLPClassifier))
def test_classifier_on_hostile_input(case):
    _run(case)


@SETTINGS
@given(case=cases(MLPRegressor))
def test_regressor_on_hostile_input(case):
    _run(case)


# ----------------------------------------------------- what the property found


def test_sparse_multi_output_y_is_densified_for_regression():
    rng = np.random.RandomState(0)
    X, y = rng.randn(12, 3), rng.randn(12, 2)
    reg = MLPRegressor(hidden_layer_sizes=(3,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sparse = reg.fit(X, sp.csr_matrix(y)).predict(X)
        dense = reg.fit(X, y).predict(X)
    assert_array_equal(sparse, dense)


@pytest.mark.parametrize("value", [1e39, 1e300])
def test_y_beyond_float32_range_of_x_is_rejected(value):
    X = np.random.RandomState(0).randn(10, 2).astype(np.float32)
    y = np.r_[np.zeros(9), value]
    reg = MLPRegressor(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with pytest.raises(ValueError, match="beyond the range of float32.*float64"):
        reg.fit(X, y)
    assert not hasattr(reg, "coefs_")


@pytest.mark.parametrize(
    "labels",
    [np.array(["a", 1] * 5, dtype=object), np.array(["a", None] * 5, dtype=object)],
    ids=["str_and_int", "str_and_none"],
)
def test_mixed_label_types_raise_a_clear_type_error(labels):
    X = np.random.RandomState(0).randn(10, 2)
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2)
    with pytest.raises(TypeError, match="mixes labels of types"):
        clf.fit(X, labels)
    with pytest.raises(TypeError, match="y mixes labels of types"):
        clf.partial_fit(X, labels, classes=np.unique(labels[labels == "a"]))
    assert not hasattr(clf, "classes_")
    with pytest.raises(ValueError, match="Mix of label input types"):
        clf.partial_fit(X, np.ones(10, dtype=int), classes=[1, "a"])
    assert not hasattr(clf, "classes_")


def test_failed_first_partial_fit_leaves_the_estimator_unfitted():
    # classes_ used to stay behind when fitting the labels failed, so predict
    # raised AttributeError (coefs_) instead of NotFittedError.
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2)
    with pytest.raises(ValueError, match="0 samples"):
        clf.partial_fit(np.zeros((0, 2)), np.zeros((0, 2), dtype=int), classes=[0, 1])
    assert not hasattr(clf, "classes_")
    with pytest.raises(NotFittedError):
        clf.predict(np.zeros((1, 2)))


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_single_class_predict_proba_has_one_column_per_class(optimizer):
    X = np.random.RandomState(0).randn(10, 2)
    clf = MLPClassifier((3,), optimizer=optimizer, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, np.full(10, "only"))
    assert_array_equal(clf.classes_, ["only"])
    assert_array_equal(clf.predict_proba(X), np.ones((10, 1)))
    assert_array_equal(clf.predict_log_proba(X), np.zeros((10, 1)))
    assert_array_equal(clf.predict(X), np.full(10, "only"))


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_minibatches_of_zero_weight_are_skipped(cls, optimizer):
    # A minibatch of zero weight once divided by its zero weight sum; it is
    # skipped, so training is that on the other rows, bit for bit.
    X = np.random.RandomState(0).randn(10, 3)
    y = np.arange(10) % 2
    sw = np.r_[0.0, 0.0, np.ones(8)]
    params = dict(
        hidden_layer_sizes=(3,),
        optimizer=optimizer,
        batch_size=1,
        shuffle=False,
        max_iter=2,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = cls(**params).fit(X, y, sample_weight=sw)
        without = cls(**params).fit(X[2:], y[2:])
    for u, v in zip(
        weighted.coefs_ + weighted.intercepts_,
        without.coefs_ + without.intercepts_,
        strict=True,
    ):
        assert_array_equal(u, v)
    if optimizer != "lbfgs":
        # the loss is the mean over the rows trained on, not over every row
        assert weighted.loss_curve_ == without.loss_curve_


@pytest.mark.parametrize("where", ["fit", "predict"])
def test_both_infinities_raise_one_clear_error_and_no_warning(where):
    # pytest turns the "invalid value" RuntimeWarning of a naive check into an error
    X = np.random.RandomState(0).randn(20, 3)
    y = np.arange(20) % 2
    bad = X.copy()
    bad[0, 0], bad[1, 1] = np.inf, -np.inf
    est = MLPClassifier(hidden_layer_sizes=(3,), max_iter=300, random_state=0)
    if where == "predict":
        est.fit(X, y)
    call = est.fit if where == "fit" else est.predict
    args = (bad, y) if where == "fit" else (bad,)
    with pytest.raises(ValueError, match="Input X contains infinity"):
        call(*args)


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_negative_sample_weight_is_rejected_and_changes_nothing(cls, optimizer):
    X = np.random.RandomState(0).randn(10, 3)
    y = np.arange(10) % 2
    sw = np.r_[-0.5, np.ones(9)]
    est = cls(hidden_layer_sizes=(3,), optimizer=optimizer, max_iter=2, random_state=0)
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        est.fit(X, y, sample_weight=sw)
    assert not hasattr(est, "coefs_")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    weights = [w.copy() for w in est.coefs_ + est.intercepts_]
    for call in ("refit", "warm_start", "partial_fit"):
        if call == "partial_fit" and optimizer == "lbfgs":
            continue
        est.set_params(warm_start=call == "warm_start")
        method = est.partial_fit if call == "partial_fit" else est.fit
        with pytest.raises(ValueError, match="sample_weight must be non-negative"):
            method(X, y, sample_weight=sw)
    for u, v in zip(weights, est.coefs_ + est.intercepts_, strict=True):
        assert_array_equal(u, v)


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
@pytest.mark.parametrize("value", [1e308, 5e-324], ids=["sum_overflows", "denormal"])
def test_sample_weight_of_unusable_scale_is_rejected(optimizer, value):
    X = np.random.RandomState(0).randn(10, 3)
    y = np.arange(10) % 2
    clf = MLPClassifier((3,), optimizer=optimizer, max_iter=2, random_state=0)
    with pytest.raises(ValueError, match="sample_weight"):
        clf.fit(X, y, sample_weight=np.full(10, value))


def test_partial_fit_of_lbfgs_is_an_attribute_error_that_says_why():
    # scikit-learn's protocol: hasattr(est, "partial_fit") is False for L-BFGS.
    clf = MLPClassifier(optimizer="lbfgs")
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError) as excinfo:
        clf.partial_fit(np.zeros((2, 1)), [0, 1], classes=[0, 1])
    assert "not stochastic" in str(excinfo.value.__cause__)


@pytest.mark.parametrize("fmt", ["coo", "lil", "dok", "bsr", "dia"])
def test_other_sparse_formats_are_converted(fmt):
    rng = np.random.RandomState(0)
    X = sp.random(12, 4, density=0.5, format="csr", random_state=rng)
    y = np.arange(12) % 3
    params = dict(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = MLPClassifier(**params).fit(X, y)
        other = MLPClassifier(**params).fit(X.asformat(fmt), y)
    for a, b in zip(reference.coefs_, other.coefs_, strict=True):
        assert_array_equal(a, b)
    assert_array_equal(other.predict_proba(X.asformat(fmt)), reference.predict_proba(X))


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_diverging_fit_is_silent(optimizer):
    X = np.random.RandomState(0).randn(10, 3)
    y = np.random.RandomState(1).randn(10) * 1e300
    reg = MLPRegressor(hidden_layer_sizes=(3,), optimizer=optimizer, max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            reg.fit(X, y)
        except DivergenceError:
            pass  # the stochastic loop rolls back; L-BFGS may stop where it is
    assert all(np.isfinite(w).all() for w in reg.coefs_ + reg.intercepts_)


@pytest.mark.parametrize(
    "y, dtype",
    [
        (np.array(["a", "b"] * 5), "<U1"),
        (np.array(["1.5", 2.0, "x"] * 3 + ["y"], dtype=object), "object"),
        (np.array([{}, 1.0] * 5, dtype=object), "object"),
        (np.arange(10).astype("datetime64[D]"), "datetime64"),
        (np.arange(10).astype("timedelta64[s]"), "timedelta64"),
    ],
    ids=["str", "object_words", "object_dict", "datetime", "timedelta"],
)
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_rejects_a_non_numeric_y_naming_its_dtype(y, dtype, loss):
    # numpy's UFuncTypeError ("ufunc 'absolute' did not contain a loop") escaped
    X = np.random.RandomState(0).randn(10, 2)
    reg = MLPRegressor(hidden_layer_sizes=(3,), loss=loss, max_iter=2, random_state=0)
    with pytest.raises(ValueError, match=f"numeric y, but y has dtype {dtype}"):
        reg.fit(X, y)
    assert not hasattr(reg, "coefs_")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, np.arange(10.0))
    weights = [w.copy() for w in reg.coefs_ + reg.intercepts_]
    for call in (reg.fit, reg.partial_fit):
        with pytest.raises(ValueError, match="numeric y"):
            call(X, y)
    for u, v in zip(weights, reg.coefs_ + reg.intercepts_, strict=True):
        assert_array_equal(u, v)


def test_regressor_converts_a_y_of_numbers_held_as_strings_or_objects():
    X = np.random.RandomState(0).randn(10, 2)
    y = np.arange(10) / 4
    params = dict(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = MLPRegressor(**params).fit(X, y).predict(X)
        for held in (y.astype(str), y.astype(object), y.astype(str).astype(object)):
            assert_array_equal(
                MLPRegressor(**params).fit(X, held).predict(X), reference
            )
    with pytest.raises(ValueError, match="y contains NaN"):
        MLPRegressor(**params).fit(X, np.append(y[:-1].astype(str), "nan"))


def test_object_labels_other_than_strings_are_rejected_naming_their_type():
    # scikit-learn reads an object array of numbers as labels of "unknown" type
    # and said only "Unknown label type: (array([3, 1, ...], dtype=object),)"
    X = np.random.RandomState(0).randn(10, 2)
    labels = np.array([3, 1] * 5, dtype=object)
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with pytest.raises(ValueError, match="y has dtype object and holds int values"):
        clf.fit(X, labels)
    with pytest.raises(ValueError, match="y has dtype object and holds int values"):
        clf.partial_fit(X, labels, classes=[1, 3])
    with pytest.raises(ValueError, match="classes has dtype object and holds int"):
        clf.partial_fit(X, labels.astype(int), classes=labels[:2])
    assert not hasattr(clf, "classes_")
    # what the message suggests works
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, np.asarray(labels.tolist()))
    assert_array_equal(clf.classes_, [1, 3])


def test_partial_fit_classes_that_cannot_be_sorted_raise_a_clear_type_error():
    # numpy's bare "'<' not supported between instances of 'NoneType' and 'str'"
    X = np.random.RandomState(0).randn(10, 2)
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2)
    with pytest.raises(TypeError, match="classes mixes labels of types"):
        clf.partial_fit(X, ["a"] * 10, classes=np.array(["a", None], dtype=object))
    assert not hasattr(clf, "classes_")


def test_pandas_categorical_labels_of_numbers_still_train():
    pd = pytest.importorskip("pandas")
    X = np.random.RandomState(0).randn(10, 2)
    y = pd.Series([3, 1] * 5, dtype="category")  # an object dtype, numeric values
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
        assert_array_equal(clf.classes_, [1, 3])
        clf = clone(clf).partial_fit(X, y, classes=y.unique())
        assert_array_equal(clf.classes_, [1, 3])
    assert np.isin(clf.predict(X), [1, 3]).all()
