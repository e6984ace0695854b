"""scikit-learn's callback API (``sklearn.callback``, 1.9 and later), one task per epoch.

With an older scikit-learn the estimators work as before and have no
``set_callbacks``. The API is used through its public names only:
``CallbackSupportMixin``, ``_init_callback_context`` (the mixin's documented hook
for estimators) and ``CallbackContext.subcontext``; scikit-learn's
``_fit_context`` decorator, which ``fit`` and ``partial_fit`` already carry, tears
the callbacks down however the call ends.
"""

from __future__ import annotations

try:
    from sklearn.callback import CallbackSupportMixin

    HAS_CALLBACKS = True
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """Stands in for scikit-learn's mixin when it has no callback API."""

    HAS_CALLBACKS = False

__all__ = ["CallbackSupportMixin", "FitTasks"]


class FitTasks:
    """The callback tasks of one ``fit`` or ``partial_fit`` call.

    The root task is the call; each epoch (L-BFGS: each iteration) is a subtask,
    so a ``ProgressBar`` advances once per epoch and a ``ScoringMonitor`` scores
    the model as it is at the end of each epoch. Without the callback API every
    method does nothing.
    """

    def __init__(self, estimator, X, y, sample_weight, max_subtasks):
        self.estimator = estimator
        self.data = dict(
            X=X,
            y=y,
            metadata=None
            if sample_weight is None
            else {"sample_weight": sample_weight},
        )
        self.root = None
        self.epoch = None
        if HAS_CALLBACKS:
            self.root = estimator._init_callback_context(max_subtasks=max_subtasks)
            self.root.call_on_fit_task_begin(estimator=estimator, **self.data)

    def _snapshot(self):
        est = self.estimator
        return {
            "coefs_": [c.copy() for c in est.coefs_],
            "intercepts_": [b.copy() for b in est.intercepts_],
        }

    def begin_epoch(self):
        if self.root is not None:
            self.epoch = self.root.subcontext(task_name="epoch")
            self.epoch.call_on_fit_task_begin(estimator=self.estimator, **self.data)

    def end_epoch(self) -> bool:
        """End the current epoch's task; True if a callback asks to stop."""
        if self.epoch is None:
            return False
        epoch, self.epoch = self.epoch, None
        return epoch.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=self._snapshot,
            **self.data,
        )

    def abandon_epoch(self):
        """Close an epoch that did not complete (interrupted or diverged)."""
        if self.epoch is not None:
            epoch, self.epoch = self.epoch, None
            epoch.call_on_fit_task_end(estimator=self.estimator)

    def end(self):
        if self.root is not None:
            self.abandon_epoch()
            self.root.call_on_fit_task_end(
                estimator=self.estimator, reconstruction_attributes={}, **self.data
            )
