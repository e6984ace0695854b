"""Every private scikit-learn name skweights uses, imported here and nowhere else.

These are stable in practice across scikit-learn 1.6-1.9 but carry no public
guarantee; keeping them in one module makes a future break a one-file fix.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
)
from sklearn.utils.multiclass import _check_partial_fit_first_call
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "HasMethods",
    "Interval",
    "Options",
    "StrOptions",
    "_check_partial_fit_first_call",
    "_check_sample_weight",
    "_fit_context",
]
