"""Errors and warnings raised by skweights."""

from __future__ import annotations

__all__ = ["DivergenceError", "GradientWarning", "TrainingInterruptedWarning"]


class DivergenceError(ValueError, FloatingPointError):
    """Training produced a non-finite loss or non-finite weights.

    Raised by ``fit`` and ``partial_fit`` after rolling the estimator back to the
    end of the last completed epoch (its weights are finite and it predicts; with
    early stopping, the best validated weights so far). The message says at which
    epoch training diverged and what to try. A ``ValueError``, as scikit-learn
    raises for bad input, and a ``FloatingPointError``, as numpy does for
    overflow.
    """


class GradientWarning(UserWarning):
    """A layer's gradients vanished or exploded relative to the other layers'."""


class TrainingInterruptedWarning(UserWarning):
    """Training was interrupted (KeyboardInterrupt); the last completed epoch was kept."""
