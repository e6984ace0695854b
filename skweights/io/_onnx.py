"""ONNX export built with ``onnx.helper``, and reading the weights back."""

from __future__ import annotations

import re

import numpy as np

from ._check import classes_array
from ._codec import decode_value
from ._files import existing_file, read_weights, writable_weights
from ._weights import Weights

__all__ = ["read_onnx", "save_onnx", "to_onnx"]

#: metadata_props key of the JSON config
METADATA_KEY = "skweights"
#: opset used when none is asked for: run by every onnxruntime since 1.13
DEFAULT_OPSET = 17
#: Softmax over one axis, ArgMax and Squeeze with an axes input start here
MIN_OPSET = 13
_INITIALIZER = re.compile(r"(coefs|intercepts)_(0|[1-9][0-9]*)")


def _onnx():
    try:
        import onnx
    except ImportError:
        raise ImportError(
            'Exporting to and reading ONNX needs onnx: pip install "skweights[onnx]" '
            "(onnxruntime, also installed, runs the exported models)."
        ) from None
    return onnx


class _Graph:
    """Nodes and constants of one graph, with unique generated names."""

    def __init__(self, onnx, dtype):
        self.onnx, self.helper = onnx, onnx.helper
        self.np_dtype = np.dtype(dtype)
        self.elem = onnx.helper.np_dtype_to_tensor_dtype(self.np_dtype)
        self.nodes, self.initializers, self._count = [], [], 0

    def name(self, hint):
        self._count += 1
        return f"{hint}_{self._count}"

    def op(self, op_type, inputs, out=None, **attrs):
        out = out or self.name(op_type.lower())
        self.nodes.append(
            self.helper.make_node(
                op_type, inputs, [out], name=self.name(op_type), **attrs
            )
        )
        return out

    def const(self, value, hint="const", dtype=None):
        """A constant of the weights' dtype (or ``dtype``), as a Constant node."""
        array = np.asarray(value, dtype=dtype or self.np_dtype)
        tensor = self.onnx.numpy_helper.from_array(array, self.name(hint))
        return self.op("Constant", [], value=tensor)

    def initializer(self, name, array):
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name


def _hidden(g: _Graph, name: str, params: dict, x: str) -> str:
    """The hidden activation; composed from basic ops where onnxruntime has no
    float64 kernel (LeakyRelu, Elu, Softplus)."""
    float32 = g.np_dtype == np.float32
    if name in ("identity", "logistic", "tanh", "relu"):
        op = {"identity": "Identity", "logistic": "Sigmoid", "tanh": "Tanh"}
        return g.op(op.get(name, "Relu"), [x])
    if name == "leaky_relu":
        slope = float(params.get("negative_slope", 0.01))
        if float32:
            return g.op("LeakyRelu", [x], alpha=slope)
        positive = g.op("Greater", [x, g.const(0.0)])
        return g.op("Where", [positive, x, g.op("Mul", [x, g.const(slope)])])
    if name == "elu":
        alpha = float(params.get("alpha", 1.0))
        if float32:
            return g.op("Elu", [x], alpha=alpha)
        negative = g.op("Less", [x, g.const(0.0)])
        expm1 = g.op("Sub", [g.op("Exp", [x]), g.const(1.0)])
        return g.op("Where", [negative, g.op("Mul", [expm1, g.const(alpha)]), x])
    if name == "softplus":
        if float32:
            return g.op("Softplus", [x])
        # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): no overflow, as np.logaddexp
        tail = g.op("Exp", [g.op("Neg", [g.op("Abs", [x])])])
        log1p = g.op("Log", [g.op("Add", [tail, g.const(1.0)])])
        return g.op("Add", [g.op("Relu", [x]), log1p])
    raise ValueError(f"No ONNX form for the hidden activation {name!r}.")


def _classes_tensor(g: _Graph, classes: np.ndarray, src: str):
    """The classes as a constant, and the ONNX element type of the labels."""
    TensorProto = g.onnx.TensorProto
    values = classes.tolist()
    if len(values) == 1:  # a binary problem that saw one class predicts it always
        values = values * 2
    if classes.dtype.kind in "iu" or (
        classes.dtype.kind == "O" and all(type(v) is int for v in values)
    ):
        elem, array = TensorProto.INT64, np.array(values, dtype=np.int64)
    elif classes.dtype.kind == "f":
        elem, array = TensorProto.DOUBLE, np.array(values, dtype=np.float64)
    elif classes.dtype.kind == "b":
        elem, array = TensorProto.BOOL, np.array(values, dtype=bool)
    elif all(isinstance(v, str) for v in values):
        tensor = g.helper.make_tensor(
            g.name("classes"),
            TensorProto.STRING,
            [len(values)],
            [v.encode("utf-8") for v in values],
        )
        return g.op("Constant", [], value=tensor), TensorProto.STRING
    else:
        raise ValueError(
            f"{src}: classes of dtype {classes.dtype} have no ONNX tensor type."
        )
    return g.const(array, "classes", dtype=array.dtype), elem


def _classifier_outputs(g: _Graph, config: dict, z: str, src: str) -> list:
    """``"label"`` and ``"probabilities"`` from the output layer's values ``z``."""
    INT64 = g.onnx.TensorProto.INT64
    info = g.helper.make_tensor_value_info
    y_type, n_out = config["y_type"], config["layer_units"][-1]
    if y_type == "multilabel-indicator":  # independent labels, p > 0.5 as 0/1
        proba = g.op("Sigmoid", [z], out="probabilities")
        above = g.op("Greater", [proba, g.const(0.5)])
        g.op("Cast", [above], out="label", to=INT64)
        return [
            info("label", INT64, [None, n_out]),
            info("probabilities", g.elem, [None, n_out]),
        ]
    if y_type == "multiclass":
        proba = g.op("Softmax", [z], out="probabilities", axis=-1)
        index = g.op("ArgMax", [proba], axis=1, keepdims=0)
        n_proba = n_out
    else:  # binary: predict_proba is [1 - p, p], the label classes[p > 0.5]
        p = g.op("Sigmoid", [z])
        g.op("Concat", [g.op("Sub", [g.const(1.0), p]), p], out="probabilities", axis=1)
        index = g.op("Cast", [g.op("Greater", [p, g.const(0.5)])], to=INT64)
        index = g.op("Squeeze", [index, g.const([1], "axes", dtype=np.int64)])
        n_proba = 2
    table, elem = _classes_tensor(g, classes_array(config, src), src)
    g.op("Gather", [table, index], out="label", axis=0)
    return [info("label", elem, [None]), info("probabilities", g.elem, [None, n_proba])]


def to_onnx(estimator, opset: int | None = None):
    """An ONNX model computing ``predict`` and ``predict_proba`` (or ``predict``).

    Input ``"X"`` of shape ``[None, n_features]`` in the weights' dtype (float32
    or float64; onnxruntime refuses inputs of the other dtype). Layer ``i`` is ``MatMul`` by the initializer ``coefs_<i>`` then
    ``Add`` of ``intercepts_<i>``, followed by the hidden activation (Identity,
    Sigmoid, Tanh, Relu, LeakyRelu, Elu, Softplus; in float64, where
    onnxruntime has no kernel, LeakyRelu, Elu and Softplus are composed from
    Where, Exp, Log, ...) or the output activation (Softmax, Sigmoid, Identity,
    Exp). Outputs follow skl2onnx's names:

    - classifiers: ``"label"``, what ``predict`` returns (the class labels,
      int64, double, bool or string; for multilabel the int64 0/1 indicator
      matrix), and ``"probabilities"``, what ``predict_proba`` returns
      (``[1 - p, p]`` for a binary problem);
    - regressors: ``"variable"`` of shape ``[None, n_outputs]``; for a single
      output ``predict`` is ``variable[:, 0]``.

    The config is stored as JSON in ``model.metadata_props`` under
    ``"skweights"``, so :func:`skweights.io.load` rebuilds the estimator.

    Parameters
    ----------
    estimator : fitted MLP or Weights
    opset : int, optional
        The ONNX opset, at least 13; default 17.

    Returns
    -------
    model : onnx.ModelProto
        Checked by ``onnx.checker.check_model``.

    Examples
    --------
    >>> import numpy as np
    >>> from skweights import MLPRegressor
    >>> from skweights.io import to_onnx
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> reg = MLPRegressor(hidden_layer_sizes=(3,), optimizer="lbfgs",
    ...                    random_state=0).fit(X, X.sum(axis=1))
    >>> model = to_onnx(reg)
    >>> [o.name for o in model.graph.output]
    ['variable']
    """
    onnx = _onnx()
    helper = onnx.helper
    latest = onnx.defs.onnx_opset_version()
    opset = DEFAULT_OPSET if opset is None else opset
    if not isinstance(opset, int) or not MIN_OPSET <= opset <= latest:
        raise ValueError(
            f"opset must be an integer from {MIN_OPSET} to {latest}; got {opset!r}."
        )
    weights, config_text = writable_weights(estimator)
    config, src = weights.config, weights.source
    g = _Graph(onnx, weights.dtype)
    n_out = weights.layer_units[-1]
    params = {
        k: decode_value(v, f"{src}: activation_params")
        for k, v in config["activation_params"].items()
    }
    x = "X"
    for i, (W, b) in enumerate(zip(weights.coefs, weights.intercepts, strict=True)):
        x = g.op("MatMul", [x, g.initializer(f"coefs_{i}", W)])
        x = g.op("Add", [x, g.initializer(f"intercepts_{i}", b)])
        if i < weights.n_layers - 1:
            x = _hidden(g, config["activation"], params, x)
    if config["estimator"] == "MLPRegressor":
        op = "Exp" if config["out_activation"] == "exp" else "Identity"
        g.op(op, [x], out="variable")
        outputs = [helper.make_tensor_value_info("variable", g.elem, [None, n_out])]
    else:
        outputs = _classifier_outputs(g, config, x, src)
    graph = helper.make_graph(
        g.nodes,
        f"skweights_{config['estimator']}",
        [helper.make_tensor_value_info("X", g.elem, [None, weights.layer_units[0]])],
        outputs,
        initializer=g.initializers,
    )
    opset_imports = [helper.make_opsetid("", opset)]
    model = helper.make_model(
        graph,
        opset_imports=opset_imports,
        producer_name="skweights",
        producer_version=str(config.get("skweights_version", "")),
        ir_version=helper.find_min_ir_version_for(opset_imports),
    )
    helper.set_model_props(model, {METADATA_KEY: config_text})
    onnx.checker.check_model(model, full_check=True)
    return model


def save_onnx(estimator, path, opset: int | None = None) -> None:
    """Write :func:`to_onnx`'s model to ``path``."""
    onnx = _onnx()
    onnx.save_model(to_onnx(estimator, opset=opset), str(path))


def read_onnx(path) -> Weights:
    """Read the weights and config of a model written by :func:`save_onnx`.

    Only the initializers ``coefs_<i>`` and ``intercepts_<i>`` and the
    ``"skweights"`` metadata are read, bit for bit; the graph is not. External
    data (tensors stored in other files) is refused.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Naming the file (and the layer): not a valid ONNX model, no skweights
        metadata, a missing, external or non-float initializer, arrays that do
        not match the config.
    """
    onnx = _onnx()
    path = existing_file(path)
    try:
        model = onnx.load_model(str(path), load_external_data=False)
    except Exception as exc:  # protobuf's DecodeError and friends
        raise ValueError(f"{path} is not a valid ONNX model: {exc}.") from None
    props = {p.key: p.value for p in model.metadata_props}
    if METADATA_KEY not in props:
        raise ValueError(
            f"{path} has no {METADATA_KEY!r} metadata: it was not written by "
            "skweights (or is corrupted), so the network it holds is unknown."
        )
    tensors = {
        t.name: t for t in model.graph.initializer if _INITIALIZER.fullmatch(t.name)
    }
    n = max((int(name.split("_")[1]) for name in tensors), default=-1) + 1
    coefs, intercepts = [], []
    for i in range(n):
        for kind, out in (("coefs", coefs), ("intercepts", intercepts)):
            name = f"{kind}_{i}"
            if name not in tensors:
                raise ValueError(f"{path} is corrupted: layer {i} has no {name!r}.")
            out.append(_array(onnx, tensors[name], path))
    return read_weights(coefs, intercepts, props[METADATA_KEY], str(path))


def _array(onnx, tensor, path) -> np.ndarray:
    if tensor.data_location == onnx.TensorProto.EXTERNAL:
        raise ValueError(
            f"{path}: initializer {tensor.name!r} refers to external data; "
            "skweights reads only self-contained models."
        )
    if tensor.data_type not in (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE):
        raise ValueError(
            f"{path}: initializer {tensor.name!r} is not float32 or float64."
        )
    try:
        return onnx.numpy_helper.to_array(tensor)
    except Exception as exc:
        raise ValueError(
            f"{path} is corrupted: initializer {tensor.name!r}: {exc}."
        ) from None
