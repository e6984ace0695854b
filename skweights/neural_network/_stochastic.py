"""The minibatch training loop of the stochastic optimizers."""

from __future__ import annotations

import contextlib
import math
import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches

from .. import _fused as fused
from .._history import History
from .._network import _finish_gradient
from .._threads import CHUNK, blas_pool, one_blas_thread, scratch
from ..exceptions import DivergenceError, TrainingInterruptedWarning
from ..optimizers import Adam
from ._diagnostics import GradientMonitor, user_stacklevel

#: batch_size * largest fan_in * fan_out at or below which training uses one BLAS
#: thread (digits at 200 x 64 x 100 is 1.3e6; the 256 x 256 x 512 layer is 3.4e7)
SMALL_GEMM = 1 << 22


class StochasticMixin:
    """Epochs of minibatches, early stopping and frozen layers, for BaseMLP."""

    #: whether minibatch training records per-layer gradient norms (history_ and
    #: the GradientWarning). Always on; turned off on an instance only by
    #: benchmarks/run.py, to measure what recording them costs.
    _track_gradients = True

    def _fit_stochastic(
        self, X, y, sample_weight, optimizer, ctx, constraints, incremental, tasks
    ):
        # The optimizer sees two flat arrays, all weights and all intercepts, whose
        # views are coefs_ and intercepts_: one update, one penalty and one
        # proximal step per batch instead of one per layer.
        packed = self._packed_parameters()
        trainable = ctx["trainable"]
        workspace = self._workspace(
            X.shape[1], self._batch_size(X.shape[0], early=True)
        )
        params, grads, is_bias = self._trainable_views(packed, workspace, trainable)
        kind = _optimizer_kind(optimizer)
        if (
            not incremental
            or getattr(self, "_optimizer_state", None) is None
            or getattr(self, "_trainable", None) != trainable
            or getattr(self, "_optimizer_kind", None) != kind
        ):
            # A change of frozen_layers changes what the state is shaped like, a
            # change of optimizer what it holds: both start it afresh.
            self._optimizer_state = optimizer.init(params, is_bias)
            self._schedule_epoch = 0  # epochs the schedule has seen, across calls
        self._trainable = trainable
        self._optimizer_kind = kind
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True.")
        val = None
        if self.early_stopping:
            X, y, sample_weight, val = self._split_validation(X, y, sample_weight)
        n_samples = X.shape[0]
        batch_size = self._batch_size(n_samples)
        penalty, alpha = ctx["penalty"], ctx["alpha"]
        prox = []  # indices into params of the arrays with an L1 part
        if alpha > 0 and penalty.l1 > 0:
            prox = [
                i
                for i, bias in enumerate(is_bias)
                if not bias or penalty.penalize_intercepts
            ]
        constrained = [
            (W, c)
            for W, c, t in zip(self.coefs_, constraints, trainable, strict=True)
            if c is not None and t
        ]
        # Per-layer squared gradient norms, summed over an epoch's batches.
        track = self._track_gradients
        layer_grads = [
            (i, workspace.coef_grads[i].reshape(-1))
            for i, t in enumerate(trainable)
            if t and track
        ]
        # Small networks: the same as (i, start, stop) parts of the flat
        # gradient, one compiled call per batch instead of one np.dot per layer
        # (summed in float64, in another order than np.dot's: equal to
        # rounding). Past a chunk of weights np.dot's SIMD is 5x faster.
        bounds = np.cumsum([0] + [W.size for W in self.coefs_]).tolist()
        spans = [(i, bounds[i], bounds[i + 1]) for i in range(len(self.coefs_))]
        grad_parts = None
        if fused.enabled and 0 < len(layer_grads) <= 256 and bounds[-1] <= CHUNK:
            grad_parts = tuple(spans[i] for i, _ in layer_grads)
        # Adam's compiled pass reads the weights and their gradient anyway: the
        # gradient's penalty term and 1/S, and the history's squared norms, are
        # done in it instead of in two passes of their own (the same steps bit
        # for bit; the norms summed in float64 as for small networks).
        factor = penalty.smooth_factor(alpha) if alpha else 0.0
        scaled_parts = None
        if (
            fused.enabled
            and isinstance(optimizer, Adam)
            and all(trainable)
            and factor is not None
            and len(self.coefs_) <= 256
        ):
            scaled_parts = tuple(spans)
        history = self._history()
        monitor = GradientMonitor(
            len(self.coefs_), getattr(self, "_gradient_warnings", ())
        )

        # Small products run faster on one BLAS thread than split across several
        # (measured: digits 4.9 against 5.1 ms/epoch, 8x64 layers at batch 32 0.43
        # against 0.49 s/epoch); restored when the epochs end, however they end.
        largest = batch_size * max(W.size for W in self.coefs_)
        settings = contextlib.ExitStack()  # undone however the epochs end
        small = largest <= SMALL_GEMM and isinstance(X, np.ndarray)
        settings.enter_context(one_blas_thread(small))
        # Large products: the BLAS's threads and the fused loops' are one pool
        # (the same values; see _threads.blas_pool).
        settings.enter_context(blas_pool(not small))
        # The loop checks losses and weights for non-finite values itself and rolls
        # back; numpy's overflow warnings on the way would only mask that error.
        settings.enter_context(
            np.errstate(over="ignore", invalid="ignore", divide="ignore")
        )
        sample_idx = np.arange(n_samples, dtype=int)
        self.n_iter_ = 0
        checkpoint = None
        # The generator's state is read once per call (a 31 us copy): an epoch
        # draws from it only its shuffle, so the state at the start of epoch k
        # is this one advanced by k shuffles of n_samples, replayed on a rollback.
        rng_start = (
            (self._random_state.get_state(), n_samples) if self.shuffle else None
        )
        try:
            for epoch in range(self.max_iter):
                # Where training goes back to if this epoch diverges or is
                # interrupted: the weights, optimizer state, generator and records
                # at the end of the last completed epoch.
                checkpoint = self._checkpoint(packed, rng_start, epoch)
                tasks.begin_epoch()
                started = time.perf_counter()
                if self.shuffle:
                    # In place, the permutation sklearn.utils.shuffle draws from
                    # the same generator (without its input checks: 0.15 ms).
                    self._random_state.shuffle(sample_idx)
                accumulated_loss = 0.0
                rows_trained = 0  # minibatches of zero weight are skipped
                grad_sq = np.zeros(len(self.coefs_))
                n_batches = 0
                state = self._optimizer_state
                for batch in gen_batches(n_samples, batch_size):
                    if self.shuffle:
                        idx = sample_idx[batch]
                        X_batch = workspace.gather(X, idx)
                    else:
                        idx = batch
                        X_batch = X[batch]
                    sw = None if sample_weight is None else sample_weight[idx]
                    if sw is not None and not sw.any():
                        continue  # a minibatch of zero weight holds no information
                    y_batch = workspace.gather(y, idx, "y") if self.shuffle else y[idx]
                    batch_loss, sw_sum = self._objective(
                        X_batch,
                        y_batch,
                        sw,
                        ctx,
                        workspace,
                        packed,
                        scale_weights=scaled_parts is None,
                    )
                    if not math.isfinite(batch_loss):
                        raise _Diverged(
                            f"a minibatch loss became non-finite ({batch_loss})"
                        )
                    accumulated_loss += batch_loss * (batch.stop - batch.start)
                    rows_trained += batch.stop - batch.start
                    n_batches += 1
                    stepped = scaled_parts is not None and optimizer.update_scaled(
                        params,
                        grads,
                        state,
                        factor,
                        float(sw_sum),
                        scaled_parts,
                        grad_sq,
                    )
                    if stepped:
                        state = stepped
                    else:
                        if scaled_parts is not None:  # declined: the steps one by one
                            _finish_gradient(
                                penalty,
                                alpha,
                                packed[0],
                                workspace.grad_w,
                                float(sw_sum),
                            )
                        if grad_parts is None or not fused.run(
                            "add_squared_norms", workspace.grad_w, grad_parts, grad_sq
                        ):
                            for i, g in layer_grads:
                                grad_sq[i] += np.dot(g, g)
                        state = optimizer.update(params, grads, state)
                    for i in prox:
                        step = optimizer.step_size(state, i)
                        penalty.prox(params[i], step * (alpha / sw_sum))
                    for W, constraint in constrained:
                        constraint(W)
                    self._optimizer_state = state
                if not (_all_finite(packed[0]) and _all_finite(packed[1])):
                    raise _Diverged("an update made weights non-finite")
                self.n_iter_ += 1
                self._schedule_epoch += 1
                self.loss_ = accumulated_loss / rows_trained
                self.t_ += n_samples
                # Schedules count sample weight, so that a weight of k is k copies.
                self._weight_seen += (
                    n_samples if sample_weight is None else float(sample_weight.sum())
                )
                self.loss_curve_.append(self.loss_)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
                val_loss, val_score = self._update_no_improvement_count(val, ctx)
                grad_norm = np.sqrt(grad_sq / max(n_batches, 1))
                if not track:
                    grad_norm[:] = np.nan
                weight_norm, update_ratio = _weight_changes(
                    self.coefs_, checkpoint["weights"][0]
                )
                history.append(
                    epoch=len(history) + 1,
                    loss=self.loss_,
                    val_loss=val_loss,
                    val_score=val_score,
                    learning_rate=getattr(state, "lr", np.nan),
                    time=time.perf_counter() - started,
                    weight_norm=weight_norm,
                    grad_norm=grad_norm,
                    update_ratio=update_ratio,
                )
                if track:
                    monitor.check(grad_norm, self.coefs_, trainable, len(history))
                self._gradient_warnings = monitor.warned
                state = optimizer.end_epoch(
                    state,
                    n_samples_seen=self._weight_seen,
                    epoch=self._schedule_epoch,
                    loss=self.loss_,
                )
                self._optimizer_state = state
                if tasks.end_epoch():
                    if self.verbose:
                        print("A callback asked to stop.")
                    break
                if self._no_improvement_count > self.n_iter_no_change:
                    what = "Validation score" if val else "Training loss"
                    msg = (
                        f"{what} did not improve more than tol={self.tol:f} for "
                        f"{self.n_iter_no_change} consecutive epochs."
                    )
                    state, stop = optimizer.on_plateau(state)
                    self._optimizer_state = state
                    if stop:
                        if self.verbose:
                            print(msg + " Stopping.")
                        break
                    if self.verbose:
                        print(msg + f" Setting learning rate to {state.lr:f}")
                    self._no_improvement_count = 0
                if incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                        stacklevel=user_stacklevel(),
                    )
        except KeyboardInterrupt:
            if checkpoint is None or self.n_iter_ == 0:
                # No epoch of this call completed: nothing is worth keeping, and
                # the caller restores the estimator as it was before the call.
                raise
            self._restore(checkpoint, packed)
            tasks.abandon_epoch()
            warnings.warn(
                f"Training interrupted after {self.n_iter_} completed epoch(s) "
                f"(n_iter_={self.n_iter_}); the weights of the last completed epoch "
                "were kept. Continue with partial_fit, or fit with warm_start=True.",
                TrainingInterruptedWarning,
                stacklevel=user_stacklevel(),
            )
        except _Diverged as exc:
            self._restore(checkpoint, packed)
            # The moments may hold the infinities that made the weights diverge.
            self._optimizer_state = optimizer.init(params, is_bias)
            tasks.abandon_epoch()
            self._end_early_stopping(val)
            if self.n_iter_:
                kept = (
                    f"the weights of the last completed epoch ({self.n_iter_}, "
                    f"training loss {self.loss_:.6g})"
                )
            else:
                kept = "its initial weights (no epoch completed)"
            raise DivergenceError(
                f"Training diverged in epoch {self.n_iter_ + 1}: {exc}. The "
                f"estimator keeps {kept}, and its optimizer restarts. Try a "
                "lower learning rate (learning_rate_init="
                f"{self.learning_rate_init:g} now), gradient clipping (e.g. "
                "optimizer=ClipByGlobalNorm(optimizer, max_norm=1.0) from "
                "skweights.optimizers), scaling the inputs (StandardScaler), or an "
                "initializer suited to the activation (e.g. init='he_uniform' for "
                "relu)."
            ) from None
        finally:
            settings.close()
        self._end_early_stopping(val)

    def _history(self):
        history = getattr(self, "history_", None)
        if history is None or history.n_layers != len(self.coefs_):
            history = self.history_ = History(len(self.coefs_))
        return history

    #: what a checkpoint restores besides the weights and the generator
    _EPOCH_ATTRIBUTES = (
        "n_iter_",
        "t_",
        "loss_",
        "best_loss_",
        "best_validation_score_",
        "_weight_seen",
        "_schedule_epoch",
        "_no_improvement_count",
        "_best_coefs",
        "_best_intercepts",
    )

    def _checkpoint(self, packed, rng_start=None, shuffles=0):
        """The state to go back to; the generator's as ``rng_start`` (its state
        and the rows shuffled per epoch, None: not shuffled) and ``shuffles``
        shuffles drawn since."""
        return {
            "weights": (packed[0].copy(), packed[1].copy()),
            "rng": (rng_start, shuffles),
            "attributes": {
                name: getattr(self, name, None) for name in self._EPOCH_ATTRIBUTES
            },
            "lengths": {
                name: len(getattr(self, name) or ())
                for name in ("loss_curve_", "validation_scores_", "history_")
            },
        }

    def _restore(self, checkpoint, packed):
        """Go back to the end of the last completed epoch.

        The optimizer state is not part of a checkpoint: a copy of Adam's moments
        would cost twice the model's memory every epoch. The caller keeps it (an
        interruption: finite, a few steps ahead) or restarts it (a divergence).
        """
        packed[0][...] = checkpoint["weights"][0]
        packed[1][...] = checkpoint["weights"][1]
        rng_start, shuffles = checkpoint["rng"]
        if rng_start is not None:
            state, n_samples = rng_start
            self._random_state.set_state(state)
            # a shuffle's draws depend on the generator and the length only
            rows = np.empty(n_samples, dtype=int)
            for _ in range(shuffles):
                self._random_state.shuffle(rows)
        for name, value in checkpoint["attributes"].items():
            setattr(self, name, value)
        for name, length in checkpoint["lengths"].items():
            records = getattr(self, name)
            if isinstance(records, list):
                del records[length:]
            elif records is not None:
                records.truncate(length)

    def _end_early_stopping(self, val):
        if val is not None and self._best_coefs is not None:
            self.coefs_ = [c.copy() for c in self._best_coefs]
            self.intercepts_ = [b.copy() for b in self._best_intercepts]

    def _batch_size(self, n_samples, early=False):
        """The minibatch size for ``n_samples`` rows (``early``: before the split,
        an upper bound that does not warn)."""
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples and not early:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is "
                "going to be clipped",
                stacklevel=user_stacklevel(),
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _trainable_layers(self):
        """One bool per layer of weights: False for the frozen ones."""
        n = len(self.coefs_)
        frozen = self.frozen_layers
        if frozen is None:
            return (True,) * n
        if isinstance(frozen, (Integral, np.integer)) and not isinstance(frozen, bool):
            if not -n <= frozen <= n:
                raise ValueError(
                    f"frozen_layers={frozen} freezes layers[:{frozen}] but the "
                    f"network has {n} layers of weights; use an int in "
                    f"[{-n}, {n - 1}]."
                )
            indices = range(n)[: int(frozen)]
        elif isinstance(frozen, (list, tuple)):
            indices = []
            for i in frozen:
                if (
                    not isinstance(i, (Integral, np.integer))
                    or isinstance(i, bool)
                    or not -n <= i < n
                ):
                    raise ValueError(
                        f"frozen_layers must hold layer indices in [{-n}, {n - 1}] "
                        f"(the network has {n} layers of weights); got {i!r}."
                    )
                indices.append(int(i) % n)
        else:
            raise TypeError(
                "frozen_layers must be None, an int or a list of layer indices; got "
                f"{type(frozen).__name__}."
            )
        trainable = tuple(i not in set(indices) for i in range(n))
        if not any(trainable):
            raise ValueError(
                f"frozen_layers={frozen!r} freezes all {n} layers: nothing is left "
                "to train."
            )
        return trainable

    def _trainable_views(self, packed, workspace, trainable):
        """The optimizer's parameters, gradients and bias flags: one view per run
        of consecutive trainable layers, weights first, into the flat arrays."""
        params, grads, is_bias = [], [], []
        for flat, grad, arrays, bias in (
            (packed[0], workspace.grad_w, self.coefs_, False),
            (packed[1], workspace.grad_b, self.intercepts_, True),
        ):
            start, run = 0, None
            for a, t in zip(arrays, trainable, strict=True):
                if t and run is None:
                    run = start
                elif not t and run is not None:
                    params.append(flat[run:start])
                    grads.append(grad[run:start])
                    is_bias.append(bias)
                    run = None
                start += a.size
            if run is not None:
                params.append(flat[run:start])
                grads.append(grad[run:start])
                is_bias.append(bias)
        return params, grads, is_bias

    def _split_validation(self, X, y, sample_weight):
        """The training part, and ``(X, y encoded, y decoded, sample_weight)`` of
        the held-out part."""
        stratify = None
        if is_classifier(self) and self.out_activation_ == "softmax":
            stratify = y.argmax(axis=1)
        elif is_classifier(self) and self.n_outputs_ == 1:
            stratify = y.ravel()
        arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
        split = train_test_split(
            *arrays,
            random_state=self._random_state,
            test_size=self.validation_fraction,
            stratify=stratify,
        )
        X_train, X_val, y_train, y_val = split[:4]
        sw_train, sw_val = (None, None) if sample_weight is None else split[4:]
        for part, weights in (("training", sw_train), ("validation", sw_val)):
            if weights is not None and not weights.any():
                raise ValueError(
                    f"The sample weights of the {part} split all are zero; with "
                    "early stopping both splits need some weight. Change "
                    "validation_fraction or random_state, or turn early_stopping off."
                )
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or "
                "the size of your dataset."
            )
        return X_train, y_train, sw_train, (X_val, y_val, self._decode_y(y_val), sw_val)

    def _decode_y(self, y):
        return y

    def _update_no_improvement_count(self, val, ctx):
        """Update the stopping counters; return the validation loss and score."""
        if val is not None:
            X_val, y_val, y_decoded, sw_val = val
            output = self._forward(X_val, check_input=False)
            with np.errstate(all="ignore"):
                val_loss = ctx["loss"].value(y_val, output, sw_val)
            score = self._score_output(output, y_decoded, sw_val)
            self.validation_scores_.append(score)
            if self.verbose:
                print(f"Validation score: {score:f}")
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_coefs = [c.copy() for c in self.coefs_]
                self._best_intercepts = [b.copy() for b in self.intercepts_]
            return val_loss, score
        if self.loss_curve_[-1] > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if self.loss_curve_[-1] < self.best_loss_:
            self.best_loss_ = self.loss_curve_[-1]
        return None, None


def _optimizer_kind(optimizer):
    """What an optimizer's state depends on: its class and every parameter that is
    not a number (wrapped optimizers, schedules, options such as ``amsgrad``).

    When only numbers (betas, momentum, the initial learning rate) change between
    ``partial_fit`` calls, the state carries over, the current learning rate
    included, as in scikit-learn; any other change makes it the state of another
    optimizer, which then starts afresh.
    """
    kind = [type(optimizer)]
    for name, value in sorted(optimizer.get_params(deep=True).items()):
        if isinstance(value, (bool, str, type(None))):
            kind.append((name, value))
        elif not isinstance(value, Real):
            kind.append((name, type(value)))
    return tuple(kind)


class _Diverged(Exception):
    """Raised inside the epoch loop; turned into DivergenceError after rollback."""


def _all_finite(a):
    """Whether every entry is finite, without a temporary as large as ``a``.

    A finite sum means every entry is finite (an infinity or NaN makes it
    infinite or NaN); only when it is not (possibly an overflow of large finite
    entries) are the extremes checked: NaN propagates through min and max, and an
    infinity is one of them.
    """
    if a.size == 0 or math.isfinite(np.add.reduce(a)):
        return True
    return bool(np.isfinite(a.min()) and np.isfinite(a.max()))


def _weight_changes(coefs, start_flat):
    """Per layer, ``||W||`` and ``||W - W_start|| / ||W_start||``, ``W_start``
    packed flat; the difference is taken chunk by chunk through a scratch array.
    Norms are ``sqrt(w . w)``, np.linalg.norm's value at a third of its cost."""
    norms, ratios, offset = [], [], 0
    for W in coefs:
        w, w0 = W.reshape(-1), start_flat[offset : offset + W.size]
        offset += W.size
        squared = 0.0
        for lo in range(0, w.size, CHUNK):
            part0 = w0[lo : lo + CHUNK]
            diff = np.subtract(w[lo : lo + CHUNK], part0, out=scratch(part0, 0))
            squared += float(np.dot(diff, diff))
        norms.append(math.sqrt(float(np.dot(w, w))))
        norm0 = math.sqrt(float(np.dot(w0, w0)))
        ratios.append(math.sqrt(squared) / norm0 if norm0 > 0 else math.inf)
    return norms, ratios
