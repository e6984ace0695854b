"""skweights.io: round trips through every format, ONNX runtime, scikit-learn, errors."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import cache

import numpy as np
import pytest
from sklearn import neural_network as sk
from sklearn.base import ClassifierMixin

from skweights import MLPClassifier, MLPRegressor, initializers
from skweights.activations import ELU, Activation, LeakyReLU
from skweights.initializers import GlorotUniform, HeUniform
from skweights.io import (
    FORMAT_VERSION,
    Weights,
    config_of,
    from_sklearn,
    load,
    load_weights,
    save,
    to_onnx,
    to_sklearn,
)
from skweights.io._files import checksums_of
from skweights.optimizers import SGD, Adam, ClipByGlobalNorm, InvScaling, RMSprop
from skweights.penalties import ElasticNet

CASES = [
    "binary",
    "multiclass",
    "multiclass_str",
    "multilabel",
    "single",
    "multi",
    "poisson",
]
DTYPES = [np.float32, np.float64]
FORMATS = ["npz", "safetensors", "onnx"]
EXTRAS = {"npz": "numpy", "safetensors": "safetensors", "onnx": "onnx"}
HIDDEN = ["identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "softplus"]


def _data(case, dtype, n=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 5)).astype(dtype)
    z = X @ rng.normal(size=(5, 3))
    if case == "binary":
        return X, (z[:, 0] > 0).astype(int)
    if case == "multiclass":
        return X, z.argmax(axis=1) + 3
    if case == "multiclass_str":
        return X, np.array(["ant", "bee", "cat"], dtype=object)[z.argmax(axis=1)]
    if case == "multilabel":
        return X, (z > 0).astype(int)
    if case == "single":
        return X, z[:, 0]
    if case == "multi":
        return X, z[:, :2]
    return X, np.exp(z[:, 0] / 3).round()  # poisson counts


@cache
def fitted(case, dtype, activation="relu", optimizer="adam"):
    """A small fitted network; shared, so tests must not modify it."""
    X, y = _data(case, dtype)
    kw = dict(
        hidden_layer_sizes=(7, 4),
        activation=activation,
        optimizer=optimizer,
        max_iter=15,
        random_state=0,
    )
    if case in ("single", "multi", "poisson"):
        loss = "poisson" if case == "poisson" else "squared_error"
        return MLPRegressor(loss=loss, **kw).fit(X, y)
    return MLPClassifier(**kw).fit(X, y)


def _assert_same_predictions(a, b, X):
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    if hasattr(b, "predict_proba"):
        np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    X_s, y_s = X[:20], b.predict(X[:20])
    assert a.score(X_s, y_s) == b.score(X_s, y_s)


# ----------------------------------------------------------------- round trips
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES)
def test_round_trip_predicts_identically(case, dtype, fmt, tmp_path):
    pytest.importorskip(EXTRAS[fmt])
    est = fitted(case, dtype)
    path = tmp_path / f"model.{fmt}"
    save(est, path)
    loaded = load(path)
    assert type(loaded) is type(est) and loaded is not est
    X, _ = _data(case, dtype, seed=1)
    _assert_same_predictions(loaded, est, X)
    assert load_weights(path) == Weights.from_estimator(est)  # bit for bit
    for W in loaded.coefs_:
        assert W.dtype == dtype and W.flags.writeable
    if isinstance(est, MLPClassifier):
        np.testing.assert_array_equal(loaded.classes_, est.classes_)
        assert loaded.classes_.dtype == est.classes_.dtype
    assert loaded.loss_curve_ == est.loss_curve_
    assert (loaded.n_iter_, loaded.t_, loaded.loss_) == (est.n_iter_, est.t_, est.loss_)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES)
def test_onnx_runtime_matches_predict(case, dtype, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    est = fitted(case, dtype)
    path = tmp_path / "model.onnx"
    save(est, path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["X"]
    X, _ = _data(case, dtype, seed=2)
    outputs = dict(
        zip(
            [o.name for o in session.get_outputs()],
            session.run(None, {"X": X}),
            strict=True,
        )
    )
    tol = 1e-5 if dtype == np.float32 else 1e-12
    if isinstance(est, MLPRegressor):
        assert list(outputs) == ["variable"]
        variable = outputs["variable"]
        assert variable.shape == (len(X), est.n_outputs_) and variable.dtype == dtype
        pred = est.predict(X).reshape(len(X), -1)
        np.testing.assert_allclose(variable, pred, rtol=tol, atol=tol)
        return
    assert sorted(outputs) == ["label", "probabilities"]
    assert outputs["probabilities"].dtype == dtype
    np.testing.assert_allclose(outputs["probabilities"], est.predict_proba(X), atol=tol)
    np.testing.assert_array_equal(outputs["label"], est.predict(X))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", HIDDEN + ["leaky_relu_0.2", "elu_0.5"])
def test_every_hidden_activation_runs_in_onnxruntime(activation, dtype):
    ort = pytest.importorskip("onnxruntime")
    act = {"leaky_relu_0.2": LeakyReLU(negative_slope=0.2), "elu_0.5": ELU(alpha=0.5)}
    est = fitted("multiclass", dtype, activation=act.get(activation, activation))
    model = to_onnx(est)
    session = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    X, _ = _data("multiclass", dtype, seed=3)
    X = np.concatenate([X, 40 * X]).astype(dtype)  # large inputs: no overflow
    label, proba = session.run(["label", "probabilities"], {"X": X})
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(proba, est.predict_proba(X), atol=tol)
    np.testing.assert_array_equal(label, est.predict(X))


def test_onnx_model_layout():
    onnx = pytest.importorskip("onnx")
    est = fitted("binary", np.float64)
    model = to_onnx(est, opset=13)
    onnx.checker.check_model(model, full_check=True)
    names = {t.name for t in model.graph.initializer}
    assert names == {
        "coefs_0",
        "coefs_1",
        "coefs_2",
        "intercepts_0",
        "intercepts_1",
        "intercepts_2",
    }
    props = {p.key: p.value for p in model.metadata_props}
    stored = json.loads(props["skweights"])
    assert stored.pop("config_checksum") == _sealed(stored)["config_checksum"]
    assert stored.pop("checksums") == checksums_of(Weights.from_estimator(est))
    assert stored == config_of(est)
    assert model.opset_import[0].version == 13
    with pytest.raises(ValueError, match="opset must be an integer from 13"):
        to_onnx(est, opset=9)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES)
def test_to_sklearn_and_back_predict_identically(case, dtype):
    est = fitted(case, dtype, activation="tanh")
    converted = to_sklearn(est)
    assert type(converted).__module__.startswith("sklearn.neural_network")
    X, _ = _data(case, dtype, seed=4)
    _assert_same_predictions(converted, est, X)
    assert converted.get_params()["activation"] == "tanh"
    back = from_sklearn(converted)
    assert type(back) is type(est)
    _assert_same_predictions(back, est, X)
    X, y = _data(case, dtype, seed=5)
    converted.partial_fit(X, y)  # further training works in scikit-learn too
    assert converted.t_ == est.t_ + len(X)


@pytest.mark.parametrize("kind", ["bool", "float", "int32", "str", "object"])
def test_classes_keep_their_dtype(kind, tmp_path):
    X, y = _data("binary", np.float64)
    labels = {
        "bool": y.astype(bool),
        "float": np.where(y, 2.0, -1.0),
        "int32": y.astype(np.int32) + 7,
        "str": np.array(["no", "yes"])[y],
        "object": np.array(["no", "yes"])[y],
    }[kind]
    est = MLPClassifier((4,), max_iter=5, random_state=0).fit(X, labels)
    if kind == "object":  # LabelBinarizer makes str arrays; object ones are rarer
        est.classes_ = est._label_binarizer.classes_ = est.classes_.astype(object)
    save(est, tmp_path / "m.npz")
    loaded = load(tmp_path / "m.npz")
    assert loaded.classes_.dtype == est.classes_.dtype
    assert loaded.predict(X).dtype == est.predict(X).dtype
    _assert_same_predictions(loaded, est, X)
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(
        to_onnx(est).SerializeToString(), providers=["CPUExecutionProvider"]
    )
    np.testing.assert_array_equal(session.run(["label"], {"X": X})[0], est.predict(X))


def test_to_sklearn_maps_optimizer_objects():
    est = fitted("binary", np.float64, optimizer=Adam(learning_rate=0.01, beta_1=0.8))
    params = to_sklearn(est).get_params()
    assert params["solver"] == "adam"
    assert (params["learning_rate_init"], params["beta_1"]) == (0.01, 0.8)
    lbfgs = to_sklearn(fitted("single", np.float64, optimizer="lbfgs"))
    assert lbfgs.get_params()["solver"] == "lbfgs"


def test_to_sklearn_refuses_activations_sklearn_lacks():
    est = fitted("binary", np.float64, activation="leaky_relu")
    with pytest.raises(ValueError, match="no hidden activation 'leaky_relu'"):
        to_sklearn(est)


def test_from_sklearn_models_load_and_save(tmp_path):
    X, y = _data("multiclass_str", np.float64)
    sk_clf = sk.MLPClassifier((6,), max_iter=20, random_state=0).fit(X, y)
    config = config_of(sk_clf)
    assert config["params"]["optimizer"] == "adam" and "solver" not in config["params"]
    json.dumps(config)
    save(sk_clf, tmp_path / "sk.npz")
    _assert_same_predictions(load(tmp_path / "sk.npz"), sk_clf, X)
    X, y = _data("poisson", np.float64)
    sk_reg = sk.MLPRegressor(
        loss="poisson", hidden_layer_sizes=(6,), solver="lbfgs", random_state=0
    ).fit(X, y)
    ours = from_sklearn(sk_reg)
    assert ours.loss == "poisson" and ours.optimizer == "lbfgs"
    _assert_same_predictions(ours, sk_reg, X)


# --------------------------------------------------------- loaded estimators
@pytest.mark.parametrize("case", ["multiclass_str", "multi"])
def test_loaded_estimator_trains_further(case, tmp_path):
    est = fitted(case, np.float64)
    save(est, tmp_path / "m.npz")
    before = [W.copy() for W in est.coefs_]
    X, y = _data(case, np.float64, seed=5)
    loaded = load(tmp_path / "m.npz")
    loaded.partial_fit(X, y)
    assert loaded.t_ == est.t_ + len(X)
    assert len(loaded.loss_curve_) == len(est.loss_curve_) + 1
    assert not np.array_equal(loaded.coefs_[0], before[0])
    assert np.isfinite(loaded.score(X, y))
    warm = load(tmp_path / "m.npz").set_params(warm_start=True, max_iter=3)
    warm.fit(X, y)
    assert warm.n_iter_ == 3
    for W, W0 in zip(est.coefs_, before, strict=True):  # the original is untouched
        np.testing.assert_array_equal(W, W0)


def test_loaded_lbfgs_estimator_warm_starts(tmp_path):
    pytest.importorskip("safetensors")
    est = fitted("single", np.float64, optimizer="lbfgs")
    save(est, tmp_path / "m.safetensors")
    loaded = load(tmp_path / "m.safetensors").set_params(warm_start=True, max_iter=5)
    X, y = _data("single", np.float64, seed=6)
    loaded.fit(X, y)
    assert loaded.score(X, y) > est.score(X, y) - 1e-9


def test_get_params_round_trip(tmp_path):
    X, y = _data("multiclass", np.float64)
    est = MLPClassifier(
        hidden_layer_sizes=(6, 3),
        activation=LeakyReLU(negative_slope=0.2),
        optimizer=Adam(beta_1=0.8),
        alpha=1e-3,
        batch_size=16,
        n_iter_no_change=np.inf,
        max_iter=5,
        penalty="elasticnet",
        random_state=3,
    ).fit(X, y)
    save(est, tmp_path / "m.npz")
    loaded = load(tmp_path / "m.npz")
    assert loaded.get_params() == est.get_params()
    assert loaded.optimizer == Adam(beta_1=0.8)
    assert loaded.get_params()["optimizer__beta_1"] == 0.8
    assert isinstance(loaded.hidden_layer_sizes, tuple)
    assert load_weights(tmp_path / "m.npz").config["dropped_params"] == []


@pytest.mark.parametrize(
    "params",
    [
        dict(optimizer=RMSprop(rho=0.8), init=HeUniform, activation="sigmoid"),
        dict(
            optimizer=SGD(learning_rate=InvScaling(0.05, power_t=0.25)),
            init=[HeUniform(), "glorot_uniform", GlorotUniform],
            penalty=ElasticNet(l1_ratio=0.5),
            constraint="max_norm",
            hidden_layer_sizes=[6, 3],
        ),
        dict(optimizer=ClipByGlobalNorm(Adam(amsgrad=True), max_norm=2.0)),
    ],
)
def test_component_params_round_trip(params, tmp_path):
    X, y = _data("multiclass", np.float64)
    est = MLPClassifier(**{"hidden_layer_sizes": (6, 3), "max_iter": 3, **params})
    est.fit(X, y)
    save(est, tmp_path / "m.npz")
    loaded = load(tmp_path / "m.npz")
    assert loaded.get_params() == est.get_params()
    assert {type(v) for v in loaded.get_params().values()} == {
        type(v) for v in est.get_params().values()
    }
    loaded.partial_fit(X, y)


def test_unstorable_params_are_dropped_and_listed(tmp_path):
    X, y = _data("binary", np.float64)
    est = MLPClassifier((4,), max_iter=5, random_state=np.random.RandomState(0))
    est.fit(X, y)
    assert config_of(est)["dropped_params"] == ["random_state"]
    save(est, tmp_path / "m.npz")
    loaded = load(tmp_path / "m.npz")
    assert loaded.random_state is None
    _assert_same_predictions(loaded, est, X)


def test_feature_names_survive(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("safetensors")
    pytest.importorskip("onnx")
    X, y = _data("binary", np.float64)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    est = MLPClassifier((4,), max_iter=5, random_state=0).fit(frame, y)
    for fmt in FORMATS:
        save(est, tmp_path / f"m.{fmt}")
        loaded = load(tmp_path / f"m.{fmt}")
        np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)
        _assert_same_predictions(loaded, est, frame)


@pytest.mark.parametrize("form", ["Pretrained", "path", "pair"])
def test_pretrained_init_is_dropped(form, tmp_path):
    # Whatever its form, an init pointing at weights outside the file is not
    # stored: the loaded network holds its weights already.
    source = fitted("binary", np.float64)
    save(source, tmp_path / "source.npz")
    init = {
        "Pretrained": initializers.Pretrained(source),
        "path": str(tmp_path / "source.npz"),
        "pair": (source.coefs_, source.intercepts_),
    }[form]
    X, y = _data("binary", np.float64)
    est = MLPClassifier((7, 4), init=init, max_iter=3, random_state=0)
    est.fit(X, y)
    assert config_of(est)["dropped_params"] == ["init"]
    save(est, tmp_path / "m.npz")
    loaded = load(tmp_path / "m.npz")
    assert loaded.init == "sklearn"
    _assert_same_predictions(loaded, est, X)


def test_save_with_swapped_arguments_says_the_order(tmp_path):
    est = fitted("binary", np.float64)
    for path in (tmp_path / "m.npz", str(tmp_path / "m.onnx")):
        with pytest.raises(
            TypeError,
            match=r"save\(estimator, path\) takes the estimator first and the path "
            r"second; got the path .*m\.(npz|onnx)' as the estimator and the "
            r"MLPClassifier as the path: swap them",
        ):
            save(path, est)
    assert list(tmp_path.iterdir()) == []


def test_non_mlp_estimators_are_not_mlps(tmp_path):
    from sklearn.linear_model import LogisticRegression

    X, y = _data("binary", np.float64)
    for model in (LogisticRegression().fit(X, y), LogisticRegression()):
        with pytest.raises(TypeError, match="LogisticRegression is not an MLP"):
            save(model, tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="MLPClassifier is not fitted"):
        save(MLPClassifier(), tmp_path / "m.npz")


def test_npz_with_a_damaged_member(tmp_path):
    path = tmp_path / "m.npz"
    save(fitted("multiclass", np.float64), path)
    data = bytearray(path.read_bytes())
    data[data.find(b"NUMPY") + 200] ^= 0xFF  # inside coefs_0's data
    path.write_bytes(bytes(data))
    with pytest.raises(
        ValueError, match=r"m\.npz is corrupted: layer 0 weights \(member 'coefs_0'\)"
    ):
        load(path)


@pytest.mark.parametrize(
    "where, why",
    [
        # the zip signature: numpy would read the file as a pickle
        (lambda data: 0, r"not a valid \.npz file: not a zip archive"),
        # inside a .npy header's Python literal (tokenize.TokenError in numpy)
        (lambda data: data.rfind(b"'shape': (), }") + 13, r"member 'config'"),
        # the central directory's compression method and zip version
        # (NotImplementedError in zipfile)
        (
            lambda data: data.find(b"PK\x01\x02") + 10,
            r"layer 0 weights \(member 'coefs_0'\): That compression method",
        ),
        (lambda data: data.find(b"PK\x01\x02") + 6, r"zip file version"),
    ],
)
def test_damaged_npz_raises_value_error_naming_the_file(where, why, tmp_path):
    path = tmp_path / "m.npz"
    save(fitted("binary", np.float64), path)
    data = bytearray(path.read_bytes())
    data[where(data)] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=rf"m\.npz (is corrupted: )?.*{why}") as info:
        load(path)
    assert "allow_pickle" not in str(info.value)


def test_save_refuses_networks_it_could_not_load(tmp_path):
    class Square(Activation):
        def forward(self, Z):
            return np.square(Z, out=Z)

        def derivative(self, A, delta):
            delta *= 2 * np.sqrt(A)
            return delta

    X, y = _data("single", np.float64)
    est = MLPRegressor(
        hidden_layer_sizes=(3,), activation=Square(), max_iter=3, random_state=0
    ).fit(X, y)
    with pytest.raises(ValueError, match="unknown hidden activation 'Square'"):
        save(est, tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


def test_unknown_suffix_and_format(tmp_path):
    est = fitted("binary", np.float64)
    with pytest.raises(ValueError, match=r"\.npz, \.safetensors, \.onnx"):
        save(est, tmp_path / "m.pkl")
    with pytest.raises(ValueError, match="Unknown format 'pickle'"):
        save(est, tmp_path / "m.npz", format="pickle")
    save(est, tmp_path / "weights.bin", format="npz")
    assert load(tmp_path / "weights.bin", format="npz").n_layers_ == est.n_layers_


@pytest.mark.parametrize("fmt", ["safetensors", "onnx"])
def test_missing_extra_raises_install_hint(fmt, tmp_path, monkeypatch):
    pytest.importorskip(fmt)
    est = fitted("binary", np.float64)
    X, y = _data("binary", np.float64)
    saved = tmp_path / f"saved.{fmt}"
    save(est, saved)  # written while the extra is there
    monkeypatch.setitem(sys.modules, fmt, None)  # import fmt now fails
    hint = rf'pip install "skweights\[{fmt}\]"'
    with pytest.raises(ImportError, match=hint):
        save(est, tmp_path / f"new.{fmt}")
    assert not (tmp_path / f"new.{fmt}").exists()
    for read in (load, load_weights):
        with pytest.raises(ImportError, match=hint):
            read(saved)
    for init in (initializers.Pretrained(saved), str(saved)):
        with pytest.raises(ImportError, match=hint):
            MLPClassifier((7, 4), init=init, max_iter=2).fit(X, y)
    if fmt == "onnx":
        with pytest.raises(ImportError, match=hint):
            to_onnx(est)


# ---------------------------------------------------------------- with torch
TORCH_ACTIVATIONS = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "logistic": "Sigmoid",
    "identity": "Identity",
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", list(TORCH_ACTIVATIONS))
@pytest.mark.parametrize("case", ["binary", "multiclass", "multilabel"])
def test_safetensors_load_into_torch_sequential(case, activation, dtype, tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    est = fitted(case, dtype, activation=activation)
    path = tmp_path / "m.safetensors"
    save(est, path)
    units = [est.coefs_[0].shape[0]] + [W.shape[1] for W in est.coefs_]
    layers = []
    for fan_in, fan_out in zip(units, units[1:], strict=False):
        act = getattr(torch.nn, TORCH_ACTIVATIONS[activation])()
        layers += [torch.nn.Linear(fan_in, fan_out), act]
    net = torch.nn.Sequential(*layers[:-1]).to(getattr(torch, np.dtype(dtype).name))
    net.load_state_dict(load_file(path), strict=True)
    X, _ = _data(case, dtype, seed=7)
    with torch.no_grad():
        logits = net(torch.from_numpy(X))
        proba = torch.softmax(logits, 1) if case == "multiclass" else logits.sigmoid()
    proba = proba.numpy()
    if case == "binary":
        proba = np.hstack([1 - proba, proba])
    np.testing.assert_allclose(proba, est.predict_proba(X), rtol=0, atol=1e-6)


# ----------------------------------------------------------------- bad files
def _sealed(config):
    """``config`` with ``config_checksum`` set as documented: the SHA-256 of the
    other fields as compact, key-sorted, ASCII JSON."""
    content = {k: v for k, v in config.items() if k != "config_checksum"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return dict(content, config_checksum=hashlib.sha256(text.encode()).hexdigest())


def _rewrite_npz(path, change, checksums=True):
    """Apply ``change`` to the members; ``checksums=False`` also drops the
    config's digests, as in a file written before they were stored."""
    with np.load(path, allow_pickle=False) as npz:
        members = dict(npz)
    if not checksums:
        config = json.loads(str(members["config"]))
        del config["checksums"], config["config_checksum"]
        members["config"] = np.array(json.dumps(config))
    change(members)
    with open(path, "wb") as f:
        np.savez(f, **members)


def _set_config(members, **changes):
    config = json.loads(str(members["config"]))
    config.update(changes)
    members["config"] = np.array(json.dumps(config))


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_file(fmt, tmp_path):
    pytest.importorskip(EXTRAS[fmt])
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load(tmp_path / f"nowhere.{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_truncated_and_random_files(fmt, tmp_path):
    pytest.importorskip(EXTRAS[fmt])
    path = tmp_path / f"m.{fmt}"
    save(fitted("multiclass", np.float64), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        ValueError, match=rf"m\.{fmt}.*(not a valid|corrupted|no 'skweights')"
    ):
        load(path)
    path.write_bytes(np.random.RandomState(0).bytes(2000))
    with pytest.raises(
        ValueError, match=rf"m\.{fmt}.*(not a valid|corrupted|no 'skweights')"
    ):
        load(path)


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda m: m.pop("intercepts_1"), r"layer 1 has no 'intercepts_1'"),
        (lambda m: m.pop("config"), r"no 'config' member"),
        (lambda m: m.update(extra=np.ones(2)), r"unexpected member\(s\) extra"),
        (
            lambda m: m.update(coefs_1=np.ones((7, 5)), intercepts_1=np.ones(5)),
            r"layer 2 takes 4 inputs but layer 1 has 5 outputs",
        ),
        (
            lambda m: m.update(coefs_0=np.ones((6, 7))),
            r"layer 0 has weights of shape \(6, 7\) but the config says \(5, 7\)",
        ),
        (
            lambda m: [m.pop(k) for k in ("coefs_2", "intercepts_2")],
            r"describes 3 layer\(s\).*holds 2",
        ),
        (
            lambda m: m["coefs_1"].__setitem__((0, 0), np.nan),
            r"layer 1 weights \(coefs\[1\]\) has 1 non-finite",
        ),
        (lambda m: _set_config(m, format_version=FORMAT_VERSION + 1), r"newer"),
        (
            lambda m: m.update(coefs_1=m["coefs_1"].astype(np.float16)),
            r"member 'coefs_1' has dtype float16; expected float32 or float64",
        ),
        (lambda m: _set_config(m, estimator="SVC"), r"unknown estimator 'SVC'"),
        (lambda m: _set_config(m, layer_units=None), r"layer_units must be a list"),
        (lambda m: _set_config(m, n_features_in=4), r"n_features_in is 4.*5 inputs"),
        (lambda m: _set_config(m, dtype="float32"), r"says dtype 'float32'"),
        (
            lambda m: _set_config(m, y_type="binary"),
            r"out_activation is 'softmax' but this MLPClassifier needs",
        ),
        (
            lambda m: _set_config(m, activation="gelu"),
            r"unknown hidden activation 'gelu'",
        ),
        (lambda m: _set_config(m, classes=[1, 2]), r"2 classes.*3 unit"),
        (lambda m: m.update(config=np.array("{not json")), r"not valid JSON"),
        (lambda m: m.update(config=np.array("[" * 10**5)), r"not valid JSON"),
        (
            lambda m: _set_config(
                m,
                params={
                    "optimizer": {"component": "system", "module": "os", "params": {}}
                },
            ),
            r"component module 'os' is not one of",
        ),
    ],
)
def test_bad_npz_contents(change, match, tmp_path):
    path = tmp_path / "bad.npz"
    save(fitted("multiclass", np.float64), path)
    # Without checksums, so each check is reached (a digest would catch most).
    _rewrite_npz(path, change, checksums=False)
    with pytest.raises(ValueError, match=rf"bad\.npz.*{match}"):
        load(path)


def _set(*keys_and_value):
    """An edit setting ``config[k1][k2]... = value``."""
    *keys, value = keys_and_value

    def edit(config):
        node = config
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return edit


@pytest.mark.parametrize(
    "case, edit, match",
    [
        ("single", _set("loss", []), r"config's 'loss' must be a string; got list"),
        ("single", _set("loss", {"a": 1}), r"'loss' must be a string; got dict"),
        ("multiclass", _set("y_type", ["binary"]), r"'y_type' must be a string"),
        ("multiclass", _set("activation", 3), r"'activation' must be a string"),
        ("multiclass", _set("out_activation", None), r"'out_activation' must be a"),
        ("multiclass", _set("dtype", None), r"'dtype' must be a string"),
        (
            "single",
            _set("fitted", "loss_curve_", 1.5),
            r"fitted\['loss_curve_'\] must be a list of numbers or null; got 1\.5",
        ),
        (
            "single",
            _set("fitted", "loss_curve_", [0.5, "a"]),
            r"fitted\['loss_curve_'\] must be a list of numbers",
        ),
        (
            "multiclass",
            _set("fitted", "n_iter_", True),
            r"fitted\['n_iter_'\] must be a non-negative integer",
        ),
        ("multiclass", _set("fitted", "t_", -3), r"fitted\['t_'\] must be a non-neg"),
        ("multiclass", _set("fitted", "loss_", "low"), r"fitted\['loss_'\] must be a"),
        ("multiclass", _set("fitted", []), r"'fitted' must be a mapping; got list"),
        ("multiclass", _set("params", "x"), r"'params' must be a mapping; got str"),
        ("multiclass", _set("dropped_params", "init"), r"'dropped_params' must be"),
        (
            "multiclass",
            _set("classes", [[3, 4], 4, 5]),
            r"classes must be a list of strings or numbers",
        ),
        ("multiclass", _set("layer_units", [5, 7, 0, 3]), r"positive integers"),
        ("multiclass", _set("layer_units", [5.0, 7, 4, 3]), r"positive integers"),
        ("multiclass", _set("n_features_in", "5"), r"n_features_in is '5'"),
    ],
)
def test_malformed_config_fields_name_the_file_and_field(case, edit, match, tmp_path):
    path = tmp_path / "bad.npz"
    save(fitted(case, np.float64), path)
    _edit_config(path, "npz", edit)
    with pytest.raises(ValueError, match=rf"bad\.npz: .*{match}"):
        load(path)
    with pytest.raises(ValueError, match=rf"bad\.npz: .*{match}"):
        load_weights(path)


@pytest.mark.parametrize(
    "value, match",
    [
        (-1, r"invalid activation_params.*negative_slope must be a number > 0"),
        ("x", r"activation_params\['negative_slope'\] of 'leaky_relu' must be a num"),
        (None, r".*must be a number; got None"),
        ({"float": "inf"}, r"invalid activation_params.*gives non-finite values"),
    ],
)
def test_invalid_activation_params_fail_at_load(value, match, tmp_path):
    path = tmp_path / "bad.npz"
    est = fitted("multiclass", np.float64, activation=LeakyReLU(negative_slope=0.2))
    save(est, path)
    _edit_config(path, "npz", _set("activation_params", "negative_slope", value))
    with pytest.raises(ValueError, match=rf"bad\.npz: {match}"):
        load(path)


_UNPICKLED = []


def _record_unpickling():
    _UNPICKLED.append(True)
    return "unpickled"


class _Payload:
    def __reduce__(self):
        return (_record_unpickling, ())


def test_npz_object_array_is_never_unpickled(tmp_path):
    path = tmp_path / "evil.npz"
    save(fitted("binary", np.float64), path)
    payload = np.empty((2, 2), dtype=object)
    payload[:] = _Payload()
    _rewrite_npz(path, lambda m: m.update(coefs_0=payload))
    with pytest.raises(
        ValueError, match=r"evil\.npz: member 'coefs_0' holds Python objects"
    ):
        load(path)
    assert _UNPICKLED == []


def test_bad_safetensors_contents(tmp_path):
    pytest.importorskip("safetensors")
    from safetensors.numpy import load_file, save_file

    path = tmp_path / "bad.safetensors"
    save(fitted("multiclass", np.float64), path)
    tensors = load_file(path)
    del tensors["2.bias"]
    save_file(
        tensors,
        path,
        metadata={"skweights": json.dumps(config_of(fitted("multiclass", np.float64)))},
    )
    with pytest.raises(ValueError, match=r"bad\.safetensors.*layer 1 has no '2\.bias'"):
        load(path)
    save_file(load_file(path), path)  # no metadata: not a skweights file
    with pytest.raises(
        ValueError, match=r"bad\.safetensors has no 'skweights' metadata"
    ):
        load(path)


def test_bad_onnx_contents(tmp_path):
    onnx = pytest.importorskip("onnx")
    est = fitted("multiclass", np.float64)
    model = to_onnx(est)
    inits = [t for t in model.graph.initializer if t.name != "coefs_1"]
    del model.graph.initializer[:]
    model.graph.initializer.extend(inits)
    onnx.save_model(model, tmp_path / "bad.onnx")
    with pytest.raises(ValueError, match=r"bad\.onnx.*layer 1 has no 'coefs_1'"):
        load(tmp_path / "bad.onnx")
    model = to_onnx(est)
    model.graph.initializer[0].data_location = onnx.TensorProto.EXTERNAL
    (tmp_path / "external.onnx").write_bytes(model.SerializeToString())
    with pytest.raises(ValueError, match=r"external\.onnx.*external data"):
        load(tmp_path / "external.onnx")


def _rewrite_tensors(path, fmt, change, checksums=True):
    """Rewrite a .safetensors or .onnx file with ``change`` applied to its arrays,
    given as ``{"coefs_<i>": (fan_in, fan_out) array, "intercepts_<i>": ...}``,
    keeping the config (without its digests if ``checksums=False``)."""
    weights = load_weights(path)
    config = dict(weights.config)
    if not checksums:
        del config["checksums"], config["config_checksum"]
    arrays = {f"coefs_{i}": np.array(W) for i, W in enumerate(weights.coefs)}
    arrays.update(
        {f"intercepts_{i}": np.array(b) for i, b in enumerate(weights.intercepts)}
    )
    change(arrays)
    if fmt == "safetensors":
        from safetensors.numpy import save_file

        tensors = {}
        for name, a in arrays.items():
            kind, i = name.split("_")
            layout = a.T if kind == "coefs" else a
            key = f"{2 * int(i)}.{'weight' if kind == 'coefs' else 'bias'}"
            tensors[key] = np.ascontiguousarray(layout)
        save_file(tensors, path, metadata={"skweights": json.dumps(config)})
        return
    import onnx

    model = onnx.load_model(str(path))
    del model.graph.initializer[:]
    model.graph.initializer.extend(
        onnx.numpy_helper.from_array(a, name) for name, a in arrays.items()
    )
    next(p for p in model.metadata_props if p.key == "skweights").value = json.dumps(
        config
    )
    onnx.save_model(model, str(path))


def _set_nan(arrays):
    arrays["coefs_1"][0, 0] = np.nan


@pytest.mark.parametrize(
    "change, checksums, match",
    [
        (
            lambda a: a.update(coefs_0=np.ones((6, 7))),
            True,
            r"layer 0 has weights of shape \(6, 7\) but the config says \(5, 7\)",
        ),
        (
            lambda a: [a.pop(k) for k in ("coefs_2", "intercepts_2")],
            True,
            r"describes 3 layer\(s\).*holds 2",
        ),
        (
            lambda a: a.update(coefs_1=np.ones((7, 5)), intercepts_1=np.ones(5)),
            True,
            r"layer 2 takes 4 inputs but layer 1 has 5 outputs",
        ),
        (_set_nan, False, r"layer 1 weights \(coefs\[1\]\) has 1 non-finite"),
        (_set_nan, True, r"corrupted: layer 1 weights do not match their checksum"),
    ],
)
@pytest.mark.parametrize("fmt", ["safetensors", "onnx"])
def test_bad_tensor_contents(fmt, change, checksums, match, tmp_path):
    pytest.importorskip(fmt)
    path = tmp_path / f"bad.{fmt}"
    save(fitted("multiclass", np.float64), path)
    _rewrite_tensors(path, fmt, change, checksums=checksums)
    with pytest.raises(ValueError, match=rf"bad\.{fmt}.*{match}"):
        load(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_expected_estimator(fmt, tmp_path):
    pytest.importorskip(EXTRAS[fmt])
    path = tmp_path / f"reg.{fmt}"
    save(fitted("single", np.float64), path)
    with pytest.raises(
        ValueError,
        match=rf"reg\.{fmt} holds an MLPRegressor, not the expected MLPClassifier",
    ):
        load(path, expected=MLPClassifier)
    with pytest.raises(ValueError, match="not the expected ClassifierMixin"):
        load(path, expected=ClassifierMixin)
    assert isinstance(load(path, expected="MLPRegressor"), MLPRegressor)
    assert isinstance(load(path, expected=sk.MLPRegressor), MLPRegressor)
    with pytest.raises(ValueError, match="expected must be"):
        load(path, expected="SVC")


def test_build_estimator_checks_in_memory_configs():
    from skweights.io import build_estimator

    weights = Weights.from_estimator(fitted("single", np.float64))
    config = {k: v for k, v in weights.config.items() if k != "loss"}
    bad = Weights(weights.coefs, weights.intercepts, config=config, source="mine")
    with pytest.raises(ValueError, match=r"^mine: the config lacks the key\(s\) loss"):
        build_estimator(bad)
    with pytest.raises(ValueError, match="holds no skweights config"):
        build_estimator(Weights(weights.coefs, weights.intercepts))


def test_weights_of_accepts_paths_and_estimators(tmp_path):
    est = fitted("binary", np.float32)
    save(est, tmp_path / "m.npz")
    from skweights.io import weights_of

    assert weights_of(os.fspath(tmp_path / "m.npz")) == weights_of(est)
    assert weights_of(tmp_path / "m.npz").source == str(tmp_path / "m.npz")


# ------------------------------------------------------------------ checksums
def _tensor_spans(path, fmt, est):
    """``{(layer, "weights" | "intercepts"): (start, stop)}``: where each array's
    values lie in the file."""
    data = path.read_bytes()
    spans = {}
    if fmt == "safetensors":  # u64 header length, JSON header, then the data
        n = int.from_bytes(data[:8], "little")
        for name, info in json.loads(data[8 : 8 + n]).items():
            if name != "__metadata__":
                index, kind = name.split(".")
                start, stop = info["data_offsets"]
                key = (int(index) // 2, "weights" if kind == "weight" else "intercepts")
                spans[key] = (8 + n + start, 8 + n + stop)
    else:  # npz (stored, uncompressed) and onnx (raw_data) hold the bytes as is
        for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_, strict=True)):
            for kind, a in (("weights", W), ("intercepts", b)):
                raw = np.ascontiguousarray(a).tobytes()
                start = data.find(raw)
                assert start >= 0 and data.find(raw, start + 1) == -1
                spans[(i, kind)] = (start, start + len(raw))
    return spans


def _edit_config(path, fmt, edit, reseal=True):
    """Rewrite the file with ``edit(config)`` applied to its stored config (in
    place), keeping the arrays. ``reseal`` updates the config's own digest if
    it still has one, so that the checks after it are reached; without it the
    edit is damage the digest must catch."""

    def edited(text):
        config = json.loads(text)
        edit(config)
        if reseal and "config_checksum" in config:
            config = _sealed(config)
        return json.dumps(config)

    if fmt == "npz":

        def change(members):
            members["config"] = np.array(edited(str(members["config"])))

        _rewrite_npz(path, change)
    elif fmt == "safetensors":
        from safetensors.numpy import load_file, safe_open, save_file

        with safe_open(str(path), framework="np") as f:
            metadata = f.metadata()
        metadata["skweights"] = edited(metadata["skweights"])
        save_file(load_file(path), path, metadata=metadata)
    else:
        import onnx

        model = onnx.load_model(str(path))
        prop = next(p for p in model.metadata_props if p.key == "skweights")
        prop.value = edited(prop.value)
        onnx.save_model(model, str(path))


def _stored_config(path, fmt) -> str:
    """The config's JSON text as the file stores it."""
    if fmt == "npz":
        with np.load(path, allow_pickle=False) as npz:
            return str(npz["config"])
    if fmt == "safetensors":
        from safetensors import safe_open

        with safe_open(str(path), framework="np") as f:
            return f.metadata()["skweights"]
    import onnx

    model = onnx.load_model(str(path))
    return next(p.value for p in model.metadata_props if p.key == "skweights")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_flipped_tensor_bytes_name_the_file_and_layer(fmt, dtype, tmp_path):
    pytest.importorskip(EXTRAS[fmt])
    est = fitted("multiclass", dtype)
    path = tmp_path / f"m.{fmt}"
    save(est, path)
    good = path.read_bytes()
    spans = _tensor_spans(path, fmt, est)
    assert len(spans) == 2 * len(est.coefs_)
    W = est.coefs_[1]
    layout = W.T if fmt == "safetensors" else W
    assert good[slice(*spans[1, "weights"])] == np.ascontiguousarray(layout).tobytes()
    # npz's zip CRC names the member; the other formats rely on the digests.
    why = "" if fmt == "npz" else " do not match their checksum"
    rng = np.random.RandomState(0)
    for (layer, kind), (start, stop) in spans.items():
        middle = (start + stop) // 2
        for pos in {start, middle, stop - 1, *rng.randint(start, stop, size=2)}:
            for bit in (0x01, 0x80):
                data = bytearray(good)
                data[pos] ^= bit
                path.write_bytes(bytes(data))
                with pytest.raises(
                    ValueError,
                    match=rf"m\.{fmt} is corrupted: layer {layer} {kind}{why}",
                ):
                    load(path)
    path.write_bytes(good)
    _assert_same_predictions(load(path), est, _data("multiclass", dtype)[0])


def test_npz_rewritten_with_other_values_fails_its_checksum(tmp_path):
    # A valid zip (fresh CRCs) whose arrays were changed after saving: only the
    # digests catch it, including a change to a non-finite value.
    path = tmp_path / "m.npz"
    est = fitted("multiclass", np.float64)
    for i, member, value in [(2, "intercepts_2", 1e-3), (1, "coefs_1", np.nan)]:
        save(est, path)

        def nudge(m, member=member, value=value):
            m[member] = m[member].copy()
            m[member].flat[0] += value

        _rewrite_npz(path, nudge)
        kind = "weights" if member.startswith("coefs") else "intercepts"
        with pytest.raises(
            ValueError,
            match=rf"m\.npz is corrupted: layer {i} {kind} do not match their checksum",
        ):
            load(path)


@pytest.mark.parametrize(
    "dropped", [("config_checksum",), ("checksums", "config_checksum")]
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_files_without_checksums_still_load(fmt, dropped, tmp_path):
    # Written before the config's digest was stored, or before any digest was.
    pytest.importorskip(EXTRAS[fmt])
    est = fitted("multilabel", np.float32)
    path = tmp_path / f"m.{fmt}"
    save(est, path)
    assert {"checksums", "config_checksum"} <= set(load_weights(path).config)
    _edit_config(path, fmt, lambda config: [config.pop(k) for k in dropped])
    assert not set(dropped) & set(load_weights(path).config)
    loaded = load(path)
    _assert_same_predictions(loaded, est, _data("multilabel", np.float32)[0])


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda c: c.update(checksums="abc"), "checksums are not a mapping"),
        (lambda c: c["checksums"].update(algorithm="md5"), "checksums are not"),
        (
            lambda c: c["checksums"]["coefs"].pop(),
            r"holds 2 coefs checksum\(s\) for 3 layer\(s\)",
        ),
        (
            lambda c: c["checksums"].update(intercepts=["00"] * 3),
            "not a list of SHA-256 hex",
        ),
    ],
)
def test_malformed_checksums(edit, match, tmp_path):
    path = tmp_path / "m.npz"
    save(fitted("multiclass", np.float64), path)
    _edit_config(path, "npz", edit)
    with pytest.raises(ValueError, match=rf"m\.npz is corrupted: .*{match}"):
        load(path)


# ------------------------------------------------------ the config's checksum
def test_config_checksum_is_the_same_in_every_format_and_round_trip(tmp_path):
    for fmt in FORMATS:
        pytest.importorskip(EXTRAS[fmt])
    est = fitted("multiclass_str", np.float32)
    texts = {}
    for fmt in FORMATS:
        save(est, tmp_path / f"m.{fmt}")
        texts[fmt] = _stored_config(tmp_path / f"m.{fmt}", fmt)
    assert len(set(texts.values())) == 1  # the same JSON text in each format
    stored = json.loads(texts["npz"])
    assert stored == _sealed(stored)  # the documented canonical form
    for fmt in FORMATS:
        # saved again from the loaded Weights and from the loaded estimator,
        # in every other format: the same config and digest
        for i, again in enumerate(
            (load_weights(tmp_path / f"m.{fmt}"), load(tmp_path / f"m.{fmt}"))
        ):
            for other in FORMATS:
                path = tmp_path / f"again_{i}.{other}"
                save(again, path)
                assert json.loads(_stored_config(path, other)) == stored
                assert load_weights(path).config == stored


def _rename_label(config):
    config["classes"][-1] += 1  # [3, 4, 5] -> [3, 4, 6]


def _hidden_size(config):
    config["layer_units"][1] += 1  # the first hidden layer: 7 -> 8 units


@pytest.mark.parametrize(
    "edit",
    [_rename_label, _set("activation", "tanh"), _hidden_size],
    ids=["class_label", "activation", "layer_size"],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_edited_config_fails_its_checksum(fmt, edit, tmp_path):
    pytest.importorskip(EXTRAS[fmt])
    est = fitted("multiclass", np.float64)
    path = tmp_path / f"m.{fmt}"
    save(est, path)
    _edit_config(path, fmt, edit, reseal=False)
    match = (
        rf"m\.{fmt} is corrupted: its configuration does not match its checksum "
        r"\('config_checksum'"
    )
    for read in (load, load_weights):
        with pytest.raises(ValueError, match=match):
            read(path)
    with pytest.raises(ValueError, match=match):  # nor does it start a fit
        MLPClassifier((7, 4), init=initializers.Pretrained(path), max_iter=1).fit(
            *_data("multiclass", np.float64)
        )
    if edit is _rename_label:  # without its digest, the label changes silently
        _edit_config(path, fmt, lambda config: config.pop("config_checksum"))
        assert load(path).classes_.tolist() == [3, 4, 6]


def _rename_field(config):
    del config["config_checksum"]
    config["feature_names_iN"] = config.pop("feature_names_in")


@pytest.mark.parametrize(
    "edit, match",
    [
        (_set("config_checksum", "abc"), r"checksum \('config_checksum'\) is not a"),
        (_set("config_checksum", None), r"checksum \('config_checksum'\) is not a"),
        (
            lambda c: c.update(config_checksum=c["config_checksum"].upper()),
            r"checksum \('config_checksum'\) is not a SHA-256 hex digest",
        ),
        # a damaged field name, in a file without the digest or of the digest
        (
            _rename_field,
            r"has no checksum \('config_checksum'\) and holds unknown field\(s\) "
            r"'feature_names_iN'",
        ),
        (
            lambda c: c.update(config_checksuM=c.pop("config_checksum")),
            r"unknown field\(s\) 'config_checksuM'",
        ),
    ],
    ids=["short", "null", "upper_case", "field_name", "digest_name"],
)
def test_malformed_config_checksum(edit, match, tmp_path):
    path = tmp_path / "m.npz"
    save(fitted("multiclass", np.float64), path)
    _edit_config(path, "npz", edit, reseal=False)
    with pytest.raises(ValueError, match=rf"m\.npz is corrupted: .*{match}"):
        load(path)


def test_newer_format_version_asks_for_an_upgrade_not_a_digest(tmp_path):
    path = tmp_path / "m.npz"
    save(fitted("binary", np.float64), path)
    _edit_config(path, "npz", _set("format_version", FORMAT_VERSION + 1), reseal=False)
    with pytest.raises(ValueError, match=r"m\.npz: written in format version .*upgra"):
        load(path)


def test_flipped_config_bytes_never_load_another_config(tmp_path):
    pytest.importorskip("safetensors")
    est = fitted("multiclass_str", np.float32)
    path = tmp_path / "m.safetensors"
    save(est, path)
    good = path.read_bytes()
    config = load_weights(path).config
    # The config is a JSON string in the JSON header: from its opening quote
    # to its closing one.
    n = int.from_bytes(good[:8], "little")
    header = good[8 : 8 + n].decode()
    start = header.index('"skweights":') + len('"skweights":')
    text, stop = json.JSONDecoder().raw_decode(header, start)
    assert json.loads(text) == config and len(header[start:stop]) > 1000
    outcomes = {"checksum": 0, "other": 0, "same": 0}
    # Each byte in turn, written in place (rewriting the file is much slower),
    # with each bit that keeps it ASCII, so that the JSON is often still valid.
    with open(path, "r+b", buffering=0) as f:
        for pos in range(8 + start, 8 + stop):
            for bit in range(7):
                f.seek(pos)
                f.write(bytes([good[pos] ^ (1 << bit)]))
                try:
                    weights = load_weights(path)
                except ValueError as exc:
                    assert str(exc).startswith(str(path)), exc
                    checksum = "does not match its checksum" in str(exc)
                    outcomes["checksum" if checksum else "other"] += 1
                else:
                    assert weights.config == config, f"byte {pos} changed the config"
                    outcomes["same"] += 1
            f.seek(pos)
            f.write(good[pos : pos + 1])
    assert path.read_bytes() == good
    # Thousands of flips leave valid JSON with other values (a digit, a letter of
    # a name) that only the digest catches.
    assert outcomes["checksum"] > 5000, outcomes
    _assert_same_predictions(load(path), est, _data("multiclass_str", np.float32)[0])
