"""Weight and bias initializers.

An initializer is called with a shape and a random generator and returns a new
array; it stores no seed and no state, so the same object can be reused, cloned and
tuned. Weight matrices have scikit-learn's (and Keras') layout ``(fan_in, fan_out)``.

>>> import numpy as np
>>> from skweights.initializers import GlorotUniform
>>> W = GlorotUniform()((64, 32), np.random.RandomState(0))
>>> W.shape, bool(abs(W).max() <= np.sqrt(6 / (64 + 32)))
((64, 32), True)

Names follow the papers and PyTorch where frameworks disagree: ``"he_normal"`` and
``"glorot_normal"`` draw from an *untruncated* normal, as ``torch.nn.init`` and the
papers do. Keras' truncated versions (same variance, cut at two standard
deviations) are ``"he_truncated_normal"``, ``"glorot_truncated_normal"`` and
``"lecun_truncated_normal"``, or ``VarianceScaling(..., distribution="truncated_normal")``.

``"kaiming_uniform"`` and ``"kaiming_normal"`` are :class:`KaimingUniform` and
:class:`KaimingNormal`, which carry PyTorch's knobs (``a``, ``mode``,
``nonlinearity``) so that they can be tuned as ``init__nonlinearity``. With their
defaults (``a=0``, ``"leaky_relu"``, hence gain sqrt(2)) they draw exactly what
``"he_uniform"`` and ``"he_normal"`` draw, bit for bit from the same generator.

Hyperparameters are checked when the initializer is called, not when it is
created (``__init__`` only stores them, as scikit-learn requires): a bad value
raises ``ValueError`` naming the class and the parameter. The ``gain`` of the
random initializers (Glorot, He, LeCun, orthogonal) must be > 0: a negative gain
gives the same distribution as its absolute value and a zero gain gives all-zero
weights (ask for ``"zeros"`` explicitly). ``Identity``'s gain may be any number,
as ``-I`` and ``0`` are distinct deterministic matrices.
"""

from __future__ import annotations

# numpy in the namespace lets reprs holding numpy scalars (``np.float64(2.0)``)
# evaluate in ``vars(skweights.initializers)``, as they did in the single module.
import numpy as np  # noqa: F401

from .._component import resolve
from ._base import (
    NONLINEARITIES,
    TRUNCATED_NORMAL_STD,
    Initializer,
    calculate_gain,
    check_generator,
    compute_fans,
)
from ._basic import (
    Constant,
    Ones,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    Zeros,
)
from ._pretrained import Pretrained, as_pretrained  # noqa: F401 - used by the estimators
from ._structured import Identity, Orthogonal, Sparse
from ._variance import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    KaimingNormal,
    KaimingUniform,
    LecunNormal,
    LecunUniform,
    SklearnUniform,
    TorchLinear,
    VarianceScaling,
)

__all__ = [
    "Pretrained",
    "Initializer",
    "Zeros",
    "Ones",
    "Constant",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "GlorotUniform",
    "GlorotNormal",
    "HeUniform",
    "HeNormal",
    "LecunUniform",
    "LecunNormal",
    "KaimingUniform",
    "KaimingNormal",
    "Orthogonal",
    "Identity",
    "Sparse",
    "SklearnUniform",
    "TorchLinear",
    "NONLINEARITIES",
    "TRUNCATED_NORMAL_STD",
    "calculate_gain",
    "check_generator",
    "compute_fans",
    "INITIALIZERS",
    "get",
]


def _preset(distribution, scale, mode):
    return lambda: VarianceScaling(scale=scale, mode=mode, distribution=distribution)


#: Initializers by name; aliases where the field uses two names.
INITIALIZERS = {
    "zeros": Zeros,
    "zero": Zeros,
    "ones": Ones,
    "one": Ones,
    "constant": Constant,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform,
    "xavier_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "xavier_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "kaiming_uniform": KaimingUniform,
    "he_normal": HeNormal,
    "kaiming_normal": KaimingNormal,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "glorot_truncated_normal": _preset("truncated_normal", 1.0, "fan_avg"),
    "he_truncated_normal": _preset("truncated_normal", 2.0, "fan_in"),
    "lecun_truncated_normal": _preset("truncated_normal", 1.0, "fan_in"),
    "orthogonal": Orthogonal,
    "identity": Identity,
    "eye": Identity,
    "sparse": Sparse,
    "sklearn": SklearnUniform,
    "torch_linear": TorchLinear,
}


def get(identifier) -> Initializer:
    """Return the initializer named by ``identifier`` (a name, class or instance).

    Examples
    --------
    >>> from skweights import initializers
    >>> initializers.get("he_normal")
    HeNormal()
    >>> initializers.get("kaiming_normal")
    KaimingNormal()
    """
    return resolve(identifier, INITIALIZERS, Initializer, "initializer")
