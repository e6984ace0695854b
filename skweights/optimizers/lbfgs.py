"""L-BFGS, through scipy's L-BFGS-B."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.optimize

from .._validation import check_int
from ._base import Optimizer


class LBFGSResult(NamedTuple):
    x: np.ndarray
    fun: float
    n_iter: int
    status: int
    message: str


class LBFGS(Optimizer):
    """Limited-memory BFGS on the full batch (``scipy.optimize.minimize``, L-BFGS-B).

    The estimator's ``max_iter``, ``max_fun`` and ``tol`` (as ``gtol``) bound the
    run, exactly as scikit-learn's ``solver="lbfgs"``; ``batch_size``, ``shuffle``
    and ``early_stopping`` do not apply.

    Parameters
    ----------
    maxcor : int, default=10
        Number of correction pairs kept (scipy's default).
    ftol : float, default=2.220446049250313e-09
        Relative reduction of the objective at which to stop (scipy's default).
    """

    stochastic = False
    sklearn_params: dict[str, str] = {}

    def __init__(self, maxcor: int = 10, ftol: float = 2.220446049250313e-09):
        self.maxcor = maxcor
        self.ftol = ftol

    def init(self, params):  # pragma: no cover - L-BFGS keeps its state in scipy
        raise TypeError("LBFGS is a full-batch optimizer; call minimize().")

    def update(self, params, grads, state):  # pragma: no cover
        raise TypeError("LBFGS is a full-batch optimizer; call minimize().")

    def minimize(
        self, fun, x0, *, max_iter, max_fun, tol, bounds=None, callback=None
    ) -> LBFGSResult:
        """Minimize ``fun(x) -> (value, gradient)`` from ``x0``."""
        check_int(self, "maxcor", self.maxcor, 1)
        res = scipy.optimize.minimize(
            fun,
            x0,
            method="L-BFGS-B",
            jac=True,
            bounds=bounds,
            callback=callback,
            options={
                "maxfun": max_fun,
                "maxiter": max_iter,
                "gtol": tol,
                "maxcor": self.maxcor,
                "ftol": self.ftol,
            },
        )
        message = res.message
        if isinstance(message, bytes):  # scipy < 1.11
            message = message.decode("latin1")
        return LBFGSResult(
            x=res.x,
            fun=float(res.fun),
            n_iter=int(res.nit),
            status=int(res.status),
            message=str(message),
        )
