"""Starting from given weights (Pretrained) and freezing layers (frozen_layers)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

from skweights import MLPClassifier, MLPRegressor, optimizers
from skweights._network import Workspace, loss_and_gradients
from skweights.activations import ReLU
from skweights.initializers import Pretrained
from skweights.io import Weights
from skweights.losses import LogLoss
from skweights.penalties import L2

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


@pytest.fixture(scope="module")
def source(digits):
    X, y = digits
    return MLPClassifier((16, 8), max_iter=20, random_state=0).fit(X[:500], y[:500])


def same_layers(a, b, layers):
    return all(
        np.array_equal(a.coefs_[i], b.coefs_[i])
        and np.array_equal(a.intercepts_[i], b.intercepts_[i])
        for i in layers
    )


# ------------------------------------------------------------------- Pretrained
def test_start_point_is_the_source(digits, source):
    # A step this small moves no float64 weight: what fit ends on is where it began.
    X, y = digits
    tiny = optimizers.SGD(learning_rate=1e-300, momentum=0)
    model = MLPClassifier(
        (16, 8), init=source, optimizer=tiny, alpha=0, max_iter=1, random_state=1
    ).fit(X[:100], y[:100])
    assert same_layers(model, source, range(3))


def test_sources_agree(digits, source, tmp_path):
    X, y = digits
    weights = Weights.from_estimator(source)
    arrays = ([c.copy() for c in source.coefs_], [b.copy() for b in source.intercepts_])
    built = [
        Pretrained(s).build([64, 16, 8, 10], np.random.RandomState(0), np.float64)
        for s in (source, weights, arrays)
    ]
    for coefs, intercepts in built:
        for a, b in zip(
            coefs + intercepts, source.coefs_ + source.intercepts_, strict=True
        ):
            assert np.array_equal(a, b)
            assert not np.shares_memory(a, b)


@pytest.mark.parametrize(
    "form", ["pair", "list_pair", "npz", "path_npz", "safetensors", "onnx"]
)
def test_init_takes_arrays_and_paths_directly(digits, source, form, tmp_path):
    # init=(coefs, intercepts) and init="<file>" mean Pretrained(that).
    if form in ("safetensors", "onnx"):
        pytest.importorskip(form)
    from skweights.io import save

    X, y = digits
    if form in ("pair", "list_pair"):
        init = (source.coefs_, source.intercepts_)
        init = list(init) if form == "list_pair" else init
    elif form == "path_npz":  # a pathlib.Path as well as a str
        init = tmp_path / "source.npz"
        save(source, init)
    else:
        init = str(tmp_path / f"source.{form.upper()}")  # suffixes in any case
        save(source, init, format=form)
    tiny = optimizers.SGD(learning_rate=1e-300, momentum=0)
    model = MLPClassifier(
        (16, 8), init=init, optimizer=tiny, alpha=0, max_iter=1, random_state=1
    )
    assert same_layers(model.fit(X[:100], y[:100]), source, range(3))
    head = MLPClassifier((16, 8), init=init, frozen_layers=1, max_iter=2)
    head.fit(X[:100], y[:100])
    assert same_layers(head, source, [0])
    assert not np.array_equal(head.coefs_[1], source.coefs_[1])
    clone(model).fit(X[:100], y[:100])  # survives clone, as parameters do


@pytest.mark.parametrize(
    "init, match",
    [
        (lambda s: s.coefs_, r"init holds arrays but is not a pair \(coefs, inter"),
        (lambda s: (s.coefs_, s.intercepts_, s.coefs_), r"got a tuple of 3 entries"),
        (lambda s: [s.coefs_[0], "zeros", "zeros"], r"init=\(coefs, intercepts\)"),
    ],
)
def test_arrays_that_are_not_a_pair_point_to_the_forms(digits, source, init, match):
    X, y = digits
    with pytest.raises(TypeError, match=match):
        MLPClassifier((16, 8), init=init(source)).fit(X[:50], y[:50])


def test_non_mlp_as_init_says_it_is_not_an_mlp(digits):
    from sklearn.linear_model import LogisticRegression

    X, y = digits
    fitted = LogisticRegression(max_iter=50).fit(X[:100], y[:100])
    model = MLPClassifier((16,), max_iter=3, random_state=0).fit(X[:100], y[:100])
    before = [c.copy() for c in model.coefs_]
    with pytest.raises(TypeError, match="LogisticRegression is not an MLP"):
        model.set_params(init=fitted).fit(X[:100], y[:100])
    assert all(np.array_equal(a, b) for a, b in zip(before, model.coefs_, strict=True))


def test_new_number_of_outputs_points_to_a_new_head(digits, source):
    X, y = digits
    with pytest.raises(
        ValueError,
        match=r"output layer \(layer 2\).*\(8, 10\).*\(8, 1\).*"
        r"init=Pretrained\(source, layers='body'\)",
    ):
        MLPClassifier((16, 8), init=source).fit(X[:50], y[:50] % 2)


def test_scikit_learn_model_as_source(digits):
    X, y = digits
    sk = SkMLPClassifier((16,), max_iter=20, random_state=0).fit(X[:300], y[:300])
    coefs, _ = Pretrained(sk).build([64, 16, 10], np.random.RandomState(0), np.float64)
    assert np.array_equal(coefs[0], sk.coefs_[0])


def test_new_head_is_drawn_by_init(digits, source):
    X, y = digits
    coefs, intercepts = Pretrained(source, layers="body", init="zeros").build(
        [64, 16, 8, 1],
        np.random.RandomState(0),
        np.float64,
        bias_inits=[None] * 2
        + [lambda shape, rng, dtype, **kw: np.full(shape, 0.5, dtype)],
    )
    assert np.array_equal(coefs[1], source.coefs_[1])
    assert coefs[2].shape == (8, 1) and not coefs[2].any()
    assert np.array_equal(intercepts[2], [0.5])


@pytest.mark.parametrize("layers, taken", [(1, 1), (-2, 1), ("body", 2), (2, 2)])
def test_layers_counts_from_the_input(digits, source, layers, taken):
    coefs, _ = Pretrained(source, layers=layers).build(
        [64, 16, 8, 3],
        np.random.RandomState(0),
        np.float64,
        bias_inits=[lambda shape, rng, dtype, **kw: np.zeros(shape, dtype)] * 3,
    )
    for i in range(3):
        assert np.array_equal(coefs[i], source.coefs_[i]) == (i < taken)


def test_float32_training_casts_the_weights(digits, source):
    X, y = digits
    model = MLPClassifier((16, 8), init=source, frozen_layers=2, max_iter=2)
    model.fit(X[:200].astype(np.float32), y[:200])
    assert model.coefs_[0].dtype == np.float32
    assert np.array_equal(model.coefs_[0], source.coefs_[0].astype(np.float32))


def test_pretrained_survives_clone_and_grid_search(digits, source):
    X, y = digits
    model = MLPClassifier(
        (16, 8), init=Pretrained(source), frozen_layers=2, max_iter=5, random_state=0
    )
    assert clone(model).init.weights is source
    search = GridSearchCV(model, {"alpha": [1e-4, 1e-2]}, cv=2).fit(X[:300], y[:300])
    assert same_layers(search.best_estimator_, source, [0, 1])


def test_unfitted_estimator_as_init_says_why(digits, source):
    X, y = digits
    # clone() of an estimator parameter is unfitted: the error must say so.
    model = clone(MLPClassifier((16, 8), init=source))
    with pytest.raises(ValueError, match="not fitted.*clone.*Weights.from_estimator"):
        model.fit(X[:50], y[:50])


def test_shape_mismatch_names_the_layer(digits, source):
    X, y = digits
    with pytest.raises(
        ValueError, match=r"Layer 1 of .* has shape \(16, 8\).*\(16, 9\)"
    ):
        MLPClassifier((16, 9), init=source).fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="Layer 0 .* inputs"):
        MLPClassifier((16, 8), init=source).fit(X[:50, :32], y[:50])
    with pytest.raises(ValueError, match="layers='all' they must match"):
        MLPClassifier((16, 8, 4), init=source).fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="only 2 layers"):
        MLPClassifier((16,), init=Pretrained(source, layers=3)).fit(X[:50], y[:50])


@pytest.mark.parametrize("layers", [0, 4, -3, "head", 1.5, True])
def test_bad_layers(digits, source, layers):
    X, y = digits
    with pytest.raises(ValueError, match="Pretrained layers"):
        MLPClassifier((16, 8), init=Pretrained(source, layers=layers)).fit(
            X[:50], y[:50]
        )


def test_bad_arrays_are_named(digits):
    X, y = digits
    coefs = [np.ones((64, 4)), np.full((4, 10), np.nan)]
    with pytest.raises(
        ValueError, match=r"layer 1 weights \(coefs\[1\]\) has 40 non-finite"
    ):
        MLPClassifier((4,), init=Pretrained((coefs, [np.zeros(4), np.zeros(10)]))).fit(
            X[:50], y[:50]
        )
    with pytest.raises(ValueError, match="layer 1 takes 5 inputs"):
        Weights([np.ones((64, 4)), np.ones((5, 10))], [np.zeros(4), np.zeros(10)])
    with pytest.raises(TypeError, match="Expected Weights"):
        MLPClassifier((4,), init=Pretrained(42)).fit(X[:50], y[:50])
    with pytest.raises(
        ValueError, match="layer 1 intercepts are float32 but layer 0 weights are"
    ):
        Weights(
            [np.ones((64, 4)), np.ones((4, 10))],
            [np.zeros(4), np.zeros(10, dtype=np.float32)],
        )


def test_failed_pretrained_fit_keeps_the_fitted_state(digits, source):
    X, y = digits
    model = MLPClassifier((16, 8), max_iter=3, random_state=0).fit(X[:100], y[:100])
    before = [c.copy() for c in model.coefs_]
    model.set_params(init=Pretrained(source), hidden_layer_sizes=(16, 9))
    with pytest.raises(ValueError, match="Layer 1"):
        model.fit(X[:100], y[:100])
    assert all(np.array_equal(a, b) for a, b in zip(before, model.coefs_, strict=True))


# ---------------------------------------------------------------- frozen layers
STOCHASTIC = sorted(
    name for name, cls in optimizers.OPTIMIZERS.items() if cls().stochastic
)


@pytest.mark.parametrize("optimizer", [*STOCHASTIC, "lbfgs"])
@pytest.mark.parametrize("penalty", ["l2", "elasticnet"])
def test_frozen_layers_stay_bit_identical(digits, source, optimizer, penalty):
    X, y = digits
    model = MLPClassifier(
        (16, 8),
        init=source,
        frozen_layers=[0, 2],
        optimizer=optimizer,
        penalty=penalty,
        alpha=1e-2,
        # L-BFGS takes constraints as bounds: only non_neg
        constraint="non_neg" if optimizer == "lbfgs" else "max_norm",
        max_iter=3,
        random_state=0,
    ).fit(X[500:800], y[500:800])
    assert same_layers(model, source, [0, 2])
    assert not np.array_equal(model.coefs_[1], source.coefs_[1])
    assert not np.array_equal(model.intercepts_[1], source.intercepts_[1])


def test_decoupled_weight_decay_spares_frozen_layers(digits, source):
    X, y = digits
    model = MLPClassifier(
        (16, 8),
        init=source,
        frozen_layers=-1,
        optimizer=optimizers.AdamW(weight_decay=0.5),
        max_iter=3,
    ).fit(X[:200], y[:200])
    assert same_layers(model, source, [0, 1])


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop", "adamw"])
def test_partial_fit_respects_frozen_layers(digits, source, optimizer):
    X, y = digits
    model = MLPClassifier(
        (16, 8), init=source, frozen_layers=1, optimizer=optimizer, random_state=0
    )
    for start in range(0, 600, 200):
        batch = slice(start, start + 200)
        model.partial_fit(X[batch], y[batch], classes=np.arange(10))
    assert same_layers(model, source, [0])
    for i in (1, 2):  # the layers above train
        assert not np.array_equal(model.coefs_[i], source.coefs_[i])
        assert not np.array_equal(model.intercepts_[i], source.intercepts_[i])
    # Unfreezing restarts the optimizer on the new set of parameters.
    model.set_params(frozen_layers=None).partial_fit(X[:200], y[:200])
    assert not np.array_equal(model.coefs_[0], source.coefs_[0])


def test_frozen_regressor_with_lbfgs_and_nonneg():
    X, y = make_regression(200, 5, random_state=0)
    base = MLPRegressor(
        hidden_layer_sizes=(8, 4), optimizer="lbfgs", max_iter=50, random_state=0
    )
    base.fit(X, y)
    model = clone(base).set_params(
        init=base, frozen_layers=[1], constraint="non_neg", warm_start=False
    )
    model.fit(X, y / 2)
    assert same_layers(model, base, [1])
    assert (model.coefs_[0] >= 0).all() and (model.coefs_[2] >= 0).all()


@pytest.mark.parametrize("frozen", [[1], (0, 2), 2, -1])
def test_gradients_of_trainable_layers_are_unchanged(frozen):
    rng = np.random.RandomState(0)
    X, y = rng.randn(20, 5), np.eye(3)[rng.randint(3, size=20)]
    coefs = [rng.randn(5, 6), rng.randn(6, 4), rng.randn(4, 3)]
    intercepts = [rng.randn(6), rng.randn(4), rng.randn(3)]
    trainable = MLPClassifier((6, 4), frozen_layers=frozen)
    trainable.coefs_ = coefs
    mask = trainable._trainable_layers()

    def grads(mask):
        ws = Workspace([5, 6, 4, 3], 20, np.float64)
        cg, ig = [None] * 3, [None] * 3
        value, _ = loss_and_gradients(
            X, y, None, coefs, intercepts, hidden=ReLU(), loss=LogLoss(),
            penalty=L2(), alpha=0.1, coef_grads=cg, intercept_grads=ig,
            workspace=ws, trainable=mask,
        )  # fmt: skip
        return value, [g.copy() for g in cg + ig]

    full_value, full = grads(None)
    value, masked = grads(mask)
    assert value == full_value
    for i, t in enumerate(mask * 2):
        if t:
            assert np.array_equal(masked[i], full[i])
        else:
            assert not masked[i].any()


@pytest.mark.parametrize(
    "frozen, match",
    [
        (3, "nothing is left"),
        ([0, 1, -1], "nothing is left"),
        (5, r"\[-3, 2\]"),
        ([3], r"layer indices in \[-3, 2\]"),
        ([True], "layer indices"),
        ("body", "frozen_layers"),
    ],
)
def test_bad_frozen_layers(digits, frozen, match):
    X, y = digits
    with pytest.raises((ValueError, TypeError), match=match):
        MLPClassifier((4, 4), frozen_layers=frozen, max_iter=1).fit(X[:50], y[:50])


# --------------------------------------------------------------- fine-tuning
def _shared_subspace_task(n, projection, readout, rng):
    """Gaussian inputs whose class is the argmax of a linear readout of
    ``X @ projection``: tasks with different readouts share that subspace."""
    X = rng.normal(size=(n, projection.shape[0]))
    return X, (X @ projection @ readout).argmax(axis=1)


def test_fine_tuned_head_beats_training_from_scratch():
    # Two tasks on 40 features that depend on the same 3-dimensional subspace
    # (the setting where a shared representation is known to transfer) through
    # independent readouts: the pretraining task has 8 classes, the new one 3,
    # so the body never sees the new labels. Pretrained on plenty of data, the
    # body maps the inputs onto that subspace; a new head on the frozen body then
    # learns the new task from 4 examples per class, where a network trained
    # from scratch must also find the subspace among 40 directions from 12
    # examples. Five draws of the few examples (and of the seeds); the mean gain
    # must exceed 0.1 plus three standard errors of it. Over eight draws of the
    # tasks the gain ranged from 0.19 to 0.32 with standard errors of 0.01-0.024;
    # a body pretrained on an unrelated subspace loses to scratch (-0.09).
    rng = np.random.RandomState(0)
    projection = np.linalg.qr(rng.normal(size=(40, 3)))[0]
    old, new = rng.normal(size=(3, 8)), rng.normal(size=(3, 3))
    X, y = _shared_subspace_task(2000, projection, old, rng)
    body = MLPClassifier((32,), max_iter=100, random_state=0).fit(X, y)
    X_test, y_test = _shared_subspace_task(1000, projection, new, rng)
    tuned, scratch = [], []
    for seed in range(5):
        draw = np.random.RandomState(100 + seed)
        X, y = _shared_subspace_task(300, projection, new, draw)
        few = np.concatenate(
            [draw.choice(np.flatnonzero(y == c), 4, replace=False) for c in range(3)]
        )
        model = MLPClassifier(
            (32,),
            init=Pretrained(body, layers="body"),
            frozen_layers=-1,
            optimizer="lbfgs",
            max_iter=200,
            random_state=seed,
        ).fit(X[few], y[few])
        assert same_layers(model, body, [0])
        assert model.coefs_[1].shape == (32, 3)
        tuned.append(model.score(X_test, y_test))
        fresh = MLPClassifier((32,), optimizer="lbfgs", max_iter=200, random_state=seed)
        scratch.append(fresh.fit(X[few], y[few]).score(X_test, y_test))
    gain = np.subtract(tuned, scratch)
    standard_error = gain.std(ddof=1) / np.sqrt(len(gain))
    assert gain.mean() > 0.1 + 3 * standard_error, (tuned, scratch)
