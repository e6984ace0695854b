"""Parameter and attribute documentation shared by the two estimators."""

PARAMETERS = """\
hidden_layer_sizes : array-like of shape (n_layers - 2,) or int, default=(100,)
    The ith element is the number of neurons in the ith hidden layer. ``()`` gives a
    network without hidden layer.

activation : str or Activation, default="relu"
    Hidden-layer activation: scikit-learn's ``"identity"``, ``"logistic"``,
    ``"tanh"``, ``"relu"``, or ``"leaky_relu"``, ``"elu"``, ``"softplus"``, or an
    object from :mod:`skweights.activations`.

optimizer : str or Optimizer, default="adam"
    scikit-learn's ``solver``: a name from
    :data:`skweights.optimizers.OPTIMIZERS` (``"adam"``, ``"sgd"``, ``"lbfgs"``,
    ``"adamw"``, ``"nadam"``, ``"adamax"``, ``"rmsprop"``, ``"adagrad"``,
    ``"adadelta"``, ``"lion"``), or an object from :mod:`skweights.optimizers` carrying its own parameters
    (tunable as ``optimizer__<name>``). A string-named optimizer is configured by
    the flat parameters below exactly as in scikit-learn: ``"sgd"`` by
    ``learning_rate_init``, ``learning_rate``, ``power_t``, ``momentum`` and
    ``nesterovs_momentum``; ``"adam"`` by ``learning_rate_init``, ``beta_1``,
    ``beta_2`` and ``epsilon``; ``"lbfgs"`` by ``max_iter``, ``max_fun`` and ``tol``;
    the others by ``learning_rate_init`` (and their
    own defaults). An optimizer object ignores those flat parameters.

alpha : float, default=0.0001
    Strength of the penalty. As in scikit-learn the penalty term of a (mini)batch
    is ``alpha * R(W) / S`` with ``S`` its total sample weight, so with minibatches
    its effect grows with ``n_samples / batch_size``.

batch_size : int or "auto", default="auto"
    Minibatch size for stochastic optimizers; ``"auto"`` is ``min(200, n_samples)``.

learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
    Learning-rate schedule of ``optimizer="sgd"``, exactly as in scikit-learn. Other
    optimizers take a schedule object as their ``learning_rate``.

learning_rate_init : float, default=0.001
    Initial learning rate of string-named stochastic optimizers.

power_t : float, default=0.5
    Exponent of the ``"invscaling"`` schedule.

max_iter : int, default=200
    Epochs for stochastic optimizers; iterations for L-BFGS.

shuffle : bool, default=True
    Whether to shuffle samples every epoch.

random_state : int, RandomState instance or None, default=None
    Drives the weight initialization, the early-stopping split and the shuffling.

tol : float, default=1e-4
    Improvement threshold of the stopping rule; ``gtol`` for L-BFGS.

verbose : bool, default=False
    Print the loss of every epoch (every iteration for L-BFGS).

warm_start : bool, default=False
    Start ``fit`` from the previous solution. As in scikit-learn the optimizer's
    state (Adam moments, momentum) starts afresh at each ``fit``.

momentum : float, default=0.9
    Momentum of ``optimizer="sgd"``.

nesterovs_momentum : bool, default=True
    Nesterov momentum for ``optimizer="sgd"``.

early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the data and stop when the validation score
    stops improving; the best weights are kept.

validation_fraction : float, default=0.1
    Share of the training data held out for early stopping.

beta_1, beta_2 : float, default=0.9, 0.999
    Adam's moment decay rates.

epsilon : float, default=1e-8
    Adam's numerical stability term.

n_iter_no_change : int, default=10
    Epochs without ``tol`` improvement before stopping (stops after
    ``n_iter_no_change + 1`` such epochs, as in scikit-learn).

max_fun : int, default=15000
    Maximum number of loss evaluations of L-BFGS.

init : str, path, Initializer, list, tuple, Pretrained, Weights or fitted MLP, default="sklearn"
    Weight initializer: a name from :data:`skweights.initializers.INITIALIZERS`
    (``"glorot_uniform"``, ``"he_normal"``, ``"orthogonal"``, ``"zeros"``, ...), an
    Initializer object, or a list with one entry per layer of weights (hidden
    layers then output layer). ``"sklearn"`` is scikit-learn's own scheme and gives
    the same weights for the same ``random_state``. To start from learned weights
    (transfer learning), pass :class:`~skweights.initializers.Pretrained` (a
    fitted model, a weights file or arrays; all layers or the bottom ones, with a
    new head), or directly a :class:`~skweights.io.Weights`, a fitted skweights
    or scikit-learn MLP, the path of a weights file (``.npz``, ``.safetensors``,
    ``.onnx``) or a ``(coefs, intercepts)`` pair of lists of arrays, which all mean
    ``Pretrained(that)``.

bias_init : str, Initializer or list, default="sklearn"
    Intercept initializer, same forms as ``init``. ``"sklearn"`` draws intercepts
    from the same uniform as scikit-learn; ``"zeros"`` is Keras' default.

penalty : {"l2", "l1", "elasticnet"}, Penalty or None, default="l2"
    Penalty on the weights; on the intercepts too only with a penalty object
    created with ``penalize_intercepts=True``. ``"l2"`` is scikit-learn's
    ``alpha`` term. ``"l1"`` and ``"elasticnet"`` drive weights to exact zeros
    through a proximal step after every update (see :mod:`skweights.penalties`).

l1_ratio : float, default=0.15
    Share of L1 in ``penalty="elasticnet"``, as in ``SGDClassifier``.

constraint : str, Constraint, list or None, default=None
    A projection applied to the weights after every optimizer step (not to the
    intercepts, not at initialization): ``"max_norm"``, ``"unit_norm"``,
    ``"non_neg"``, ``"min_max_norm"``, an object from :mod:`skweights.constraints`,
    or one per layer of weights. L-BFGS supports only ``"non_neg"``, as bounds.

frozen_layers : int, list of int or None, default=None
    Layers of weights (with their intercepts) that ``fit`` and ``partial_fit``
    keep exactly as they are, whatever the optimizer, penalty or constraint. An
    int ``k`` freezes the bottom ``k`` layers (``layers[:k]``: ``-1`` trains only
    the output layer, ``-2`` the top two); a list names layers by index, 0 being
    the first hidden layer and ``-1`` the output layer. Gradients do not flow
    below the lowest trainable layer, so fine-tuning a head is cheap.

solver : str, Optimizer or None, default=None
    Alias of ``optimizer`` so that code written for scikit-learn runs unchanged;
    leave ``optimizer`` at its default when you use it.
"""

ATTRIBUTES = """\
loss_ : float
    The objective at the end of the last epoch (or at the L-BFGS solution),
    penalty included.

best_loss_ : float or None
    The minimum of ``loss_curve_``; None with early stopping.

loss_curve_ : list of float
    The loss of every epoch of the stochastic optimizers, appended across
    ``partial_fit`` and warm-started fits; empty for L-BFGS.

validation_scores_ : list of float or None
    Score on the held-out split at each epoch, with early stopping.

best_validation_score_ : float or None
    The best of ``validation_scores_``, with early stopping.

t_ : int
    Number of training samples seen by the stochastic optimizers.

coefs_ : list of ndarray of shape (fan_in, fan_out)
    Weight matrices, one per layer; X's dtype (float32 stays float32).

intercepts_ : list of ndarray of shape (fan_out,)
    Bias vectors, one per layer.

n_features_in_ : int
    Number of features seen during fit.

feature_names_in_ : ndarray of shape (``n_features_in_``,)
    Names of the features seen during fit, when X has string column names.

n_iter_ : int
    Epochs (iterations for L-BFGS) run by the last call.

n_layers_ : int
    Number of layers, input and output included.

n_outputs_ : int
    Number of outputs.

out_activation_ : str
    Name of the output activation.

history_ : History
    The training record, one row per epoch (L-BFGS: per iteration), appended
    across ``partial_fit`` calls and warm starts: training and validation loss,
    validation score, learning rate, time, and per layer the weight norm, the
    gradient norm and the update-to-weight ratio. ``history_["grad_norm"]`` is an
    array of shape ``(n_epochs, n_layers)``; ``history_.to_frame()`` a pandas
    DataFrame. See :class:`skweights.inspection.History`.

optimizer_ : Optimizer
    The optimizer the last fit used, resolved from ``optimizer`` and the flat
    parameters.

penalty_ : Penalty
    The penalty the last fit used.
"""
