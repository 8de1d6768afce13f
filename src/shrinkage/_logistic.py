"""Penalized logistic regression (binary and multinomial) by proximal Newton.

Objective, with ``S = sum(sample_weight)`` and the elastic-net penalty of
:class:`shrinkage.ElasticNet`::

    binary:      1/S sum_i sw_i log(1 + exp(-y_i (x_i.w + b)))          y_i = +-1
    multinomial: 1/S sum_i sw_i [logsumexp_k(x_i.w_k + b_k) - (x_i.w_yi + b_yi)]
    penalty:     alpha l1_ratio ||W||_1 + alpha (1 - l1_ratio)/2 ||W||_F^2

scikit-learn's ``LogisticRegression(C=...)`` minimises ``C sum_i loss_i +
penalty`` (penalty without alpha), so ``alpha = 1 / (n C)`` (``S`` instead of
n with weights). glmnet (``family="binomial"/"multinomial"``,
``standardize=FALSE``) uses the mean loss too: ``lambda = alpha``.

Algorithm: proximal Newton (Lee, Sun & Saunders 2014; glmnet, Friedman,
Hastie & Tibshirani 2010) with working sets. At the current linear
predictors Z (n x K; one column for binary models) the loss is replaced by
its second-order model and the penalty kept exact::

    m(D, d) = 1/S sum_i sw_i [g_i.a_i + 1/2 a_i^T H_i a_i] + pen(W + D) - pen(W)
    a_i = D x_i + d,   g_i = p_i - u_i,   H_i = diag(p_i) - p_i p_i^T

(u_i the one-hot label). A backtracking line search on the true objective
makes every step a descent step.

* Binary: the whole loop (model, coordinate descent on it over a working
  set, line search, gap, screening) runs in compiled code,
  :func:`shrinkage._kernels._prox_newton.binary_logistic`; its module
  docstring has the math. Python only packs the arguments: the per-step
  NumPy and SciPy work around a compiled inner solve cost more than the
  solve itself on problems of a few thousand rows.
* Multinomial: the model couples the class rows through ``-p_ik p_il``. It
  is minimised jointly (see :func:`_multinomial_direction`): sweeps over the
  rows, each row's model being a weighted least-squares problem for the
  compiled elastic-net core, plus direct solves on the support. Taking one
  Newton step per class against fresh probabilities instead (glmnet's
  scheme, and this module's former one) converges only linearly, at the
  rate of the class coupling: dozens of sweeps, each paying new column
  statistics and line searches.
* Multinomial: once every zero coefficient satisfies its optimality
  condition strictly, the support is most likely the final one and the
  step is taken by one direct solve of the model on it
  (:func:`_refine_on_support`, O(n m^2) for m non-zeros, BLAS-3), without
  the core: the endgame is plain Newton on the support. (The binary solver
  has no such step: its coordinate descent solves the one model on the
  support in a few epochs, which cost less than forming its Gram matrix.)
* Working sets (as in celer and skglm): each step only moves the columns of
  the support plus those closest to violating their optimality condition,
  so its model statistics and core solves cost O(n |ws|), not O(n p); the
  full gradient is formed once per step, for the gap.

Inner accuracy (multinomial): each model is solved to ``eta * e`` with the
forcing term ``eta = min(0.1, e / L0)`` (``e`` the gap, or the objective
when smaller, ``L0`` the loss of the null model), so the outer iterations
converge superlinearly (Lee et al. 2014, section 3.3) and early steps, far
from the optimum, stay cheap. The binary kernel uses the same forcing term
on the model's optimality violation instead of its gap.

Stopping rule: the duality gap of the full problem. The negative gradient
("generalised residual") theta = u - p, rescaled to be dual feasible, gives
a lower bound: the conjugate of the logistic loss is the binary negative
entropy, that of the multinomial loss the negative entropy on the simplex
(the dual used by celer and skglm). The intercepts are first made optimal
(Newton), so that sum_i sw_i theta_i = 0, the dual constraint an intercept
adds. Gap Safe screening (:func:`_screen`) removes the features certified
zero; the gap a fit stops on is always evaluated on every feature.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.linalg import blas
from scipy.special import expit, logsumexp, softmax, xlogy
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import ThreadpoolController

from ._coordinate_descent import EnetSolution, design_stats, solve_enet
from ._kernels._prox_newton import binary_logistic
from ._validation import (
    Design,
    _canonical_csc,
    apply_class_weight,
    as_design,
    check_bool,
    check_fraction,
    check_magnitudes,
    check_nonnegative_real,
    check_positive_int,
    validate_classification_data,
    validate_predict_data,
)

_H_MIN = 1e-10  # floor on the Hessian weights p (1 - p)
_ETA_MAX = 0.1  # largest forcing term: a model is solved to 0.1 * gap at least
_COMPACT = 0.3  # copy out the live columns once this fraction of them is dead
_WS_MIN = 32  # smallest working set (columns)
_WS_FULL = 0.5  # no working set once it would hold this fraction of the columns
_MAX_SWEEPS = 100  # row sweeps per multinomial Newton step
_ANDERSON_DEPTH = 5  # sweeps combined by Anderson extrapolation
_CLASS_TOL = 0.1  # per-row core solves, relative to the model accuracy
_CLASS_TOL_FIRST = 1.0  # the same in a step's first sweep
_REFINE_MAX = 1000  # largest support solved directly (O(n m^2 + m^3))
_REFINE_COST = 200  # ... and only while n m^2 <= this * (n p K), a gradient's cost
_SLOW_STEPS = 2  # slow binary core steps in a row before support steps
_SUPPORT_STEPS = 8  # most Newton steps on the support between two core runs
_SUPPORT_ENTRIES = 2**22  # largest n x m block of support columns formed

_BLAS_LOCK = threading.Lock()
_BLAS_STATE: dict[str, Any] = {"depth": 0, "limiter": None, "controller": None}


@contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """Run the solver with one BLAS thread.

    Its BLAS calls are small products interleaved with the single-threaded
    compiled core: waking BLAS worker threads for each costs more than they
    save, and on a loaded machine a product can stall for milliseconds
    waiting for a descheduled worker (measured on a busy 2-core machine: a
    multinomial fit on digits ran twice as long with two BLAS threads as
    with one). Re-entrant and
    thread-safe (the CV fits folds in threads): the first entry sets the
    limit, the last exit restores it. The controller is built once
    (threadpoolctl, a scikit-learn dependency): building one scans the
    loaded libraries (~10 ms).
    """
    with _BLAS_LOCK:
        if _BLAS_STATE["depth"] == 0:
            if _BLAS_STATE["controller"] is None:
                _BLAS_STATE["controller"] = ThreadpoolController()
            controller = _BLAS_STATE["controller"]
            _BLAS_STATE["limiter"] = controller.limit(limits=1, user_api="blas")
        _BLAS_STATE["depth"] += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_STATE["depth"] -= 1
            if _BLAS_STATE["depth"] == 0:
                _BLAS_STATE["limiter"].restore_original_limits()
                _BLAS_STATE["limiter"] = None


@dataclass
class LogisticSolution:
    coef: np.ndarray  # (n_rows, n_features): 1 row (binary) or K rows
    intercept: np.ndarray  # (n_rows,)
    dual_gap: float
    n_iter: int
    converged: bool
    tol: float
    screened: np.ndarray | None = None  # entries certified zero (Gap Safe)


@dataclass
class _Problem:
    """Validated data and settings shared by the solvers."""

    X: Any  # the full design (dense Fortran or canonical CSC)
    U: np.ndarray  # (n, K) one-hot labels
    y: np.ndarray  # (n,) encoded labels
    sw: np.ndarray  # (n,) float64 sample weights
    total: float  # S
    l1: float
    l2: float
    positive: bool
    fit_intercept: bool
    tol_abs: float
    null_loss: float
    max_iter: int
    max_epochs: int
    screening: bool


def _penalty(W: np.ndarray, l1: float, l2: float) -> float:
    w = W.astype(np.float64, copy=False)
    return l1 * np.abs(w).sum() + 0.5 * l2 * np.sum(w * w)


def _conjugate_penalty(
    V: np.ndarray, l1: float, l2: float, positive: bool, feasible: bool = False
) -> float:
    """g*(V) of the elastic-net penalty, +inf outside the domain when l2 = 0.

    ``feasible`` declares V inside the domain (a point rescaled onto it,
    whose largest entry may exceed l1 by a rounding error).
    """
    excess = (V if positive else np.abs(V)) - l1
    if l2 > 0:
        excess = np.maximum(excess, 0.0)
        return float(np.sum(excess * excess) / (2.0 * l2))
    return 0.0 if feasible or np.all(excess <= 0.0) else np.inf


def _best_dual(
    entropy_of_scale, V: np.ndarray, l1: float, l2: float, positive: bool
) -> tuple[float, float]:
    """max over a few scales s in (0, 1] of -entropy(s) - g*(s V), and its s."""
    v_max = float(np.max(V if positive else np.abs(V))) if V.size else 0.0
    scales = [1.0]
    if v_max > l1 > 0:
        scales.append(l1 / v_max)
    best, best_scale = -np.inf, 1.0
    for s in scales:
        conj = _conjugate_penalty(s * V, l1, l2, positive, feasible=s < 1.0)
        value = -entropy_of_scale(s) - conj
        if value > best:
            best, best_scale = value, s
    return best, best_scale


@dataclass
class _Subset:
    """Columns a Newton step works on: ``X``/``design`` (a copy of those
    columns, or the parent's own), ``alive`` (rows x columns, False where
    certified zero) and ``index`` (positions in the parent; None: all)."""

    X: Any
    design: Design
    alive: np.ndarray
    index: np.ndarray | None


class _Columns:
    """The columns of X still in play, and the Gap Safe statistics.

    ``X``/``design`` is the full X, or a copy of its columns ``index`` made
    once screening has certified enough of them zero in every row (a CSC
    column slice, or a Fortran copy of the dense columns: either costs less
    than one pass over X, and every later pass is over the kept columns
    only). ``alive[k, j]`` is False for entries certified zero; dead entries
    of live columns are kept out of the compiled core by a zero curvature.
    ``xbar``/``lipschitz`` are the weighted column means (absolute values)
    and centred squared norms ``||x_j - xbar_j||^2_sw / S`` of the kept
    columns.
    """

    def __init__(
        self, X: Any, n_rows: int, sw: np.ndarray | None, fit_intercept, stats=None
    ):
        self.X = X
        self.design = as_design(X)
        self.index: np.ndarray | None = None
        self.alive = np.ones((n_rows, X.shape[1]), dtype=bool)
        if stats is None:
            stats = design_stats(self.design, sw, fit_intercept)
        xbar, self.lipschitz = stats
        self.xbar = np.abs(xbar.astype(np.float64))

    @property
    def reduced(self) -> bool:
        return self.index is not None

    def compact(self, W: np.ndarray, V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Drop the columns dead in every row (W is zero there); return W and
        V (rows x columns arrays) on the kept columns."""
        drop = ~self.alive.any(axis=0) & ~np.any(W != 0, axis=0)
        n_drop = int(drop.sum())
        if n_drop == 0 or n_drop < _COMPACT * drop.size:
            return W, V
        keep = np.flatnonzero(~drop)
        if keep.size == 0:  # everything certified zero: keep one dead column
            keep = np.zeros(1, dtype=np.intp)
        self.X = _column_copy(self.X, keep)
        self.design = as_design(self.X)
        self.index = keep if self.index is None else self.index[keep]
        self.alive = self.alive[:, keep]
        self.xbar = self.xbar[keep]
        self.lipschitz = self.lipschitz[keep]
        return np.ascontiguousarray(W[:, keep]), V[:, keep]

    def subset(self, index: np.ndarray | None) -> _Subset:
        if index is None:
            return _Subset(self.X, self.design, self.alive, None)
        X = _column_copy(self.X, index)
        return _Subset(X, as_design(X), self.alive[:, index], index)

    def screened(self, n_features: int) -> np.ndarray:
        """Mask (rows x all features) of the entries certified zero."""
        if self.index is None:
            return ~self.alive
        dead = np.ones((self.alive.shape[0], n_features), dtype=bool)
        dead[:, self.index] = ~self.alive
        return dead

    def scatter(self, W: np.ndarray, n_features: int) -> np.ndarray:
        """W on the kept columns -> W on all features (zeros elsewhere)."""
        if self.index is None:
            return W
        full = np.zeros((W.shape[0], n_features), dtype=W.dtype)
        full[:, self.index] = W
        return full


def _column_copy(X: Any, index: np.ndarray) -> Any:
    """Columns ``index`` of X in the kernels' layout (CSC, or Fortran)."""
    if sp.issparse(X):
        return _canonical_csc(X[:, index])
    return X.T[index].T  # one copy, Fortran-ordered


def _linear(X: Any, W: np.ndarray, b) -> np.ndarray:
    """X W^T + b as an (n, rows) float64 array, from the non-zero columns of
    W only (a sparse W, the common case, costs O(n nnz) instead of O(n p))."""
    n = X.shape[0]
    Z = np.empty((n, W.shape[0]))
    Z[:] = b
    nz = np.flatnonzero(np.any(W != 0, axis=0))
    if nz.size == 0:
        return Z
    Wd = W.astype(np.float64, copy=False)
    if 2 * nz.size > W.shape[1]:
        Z += np.asarray(safe_sparse_dot(X, Wd.T, dense_output=True))
    elif sp.issparse(X):
        Z += np.asarray(X[:, nz] @ Wd[:, nz].T)
    else:
        Z += (Wd[:, nz] @ X.T[nz]).T
    return Z


def _correlation(X: Any, R: np.ndarray) -> np.ndarray:
    """X^T R for R of shape (n, rows): an array of shape (rows, n_columns)."""
    return np.asarray(safe_sparse_dot(X.T, R, dense_output=True)).T


def _screen(
    cols: _Columns,
    V: np.ndarray,
    scale: float,
    gap: float,
    resid_sum: np.ndarray,
    factor: float,
    pb: _Problem,
) -> None:
    """Gap Safe screening with the logistic radius (Ndiaye, Fercoq, Gramfort &
    Salmon 2017, "Gap safe screening rules for sparsity enforcing
    penalties", JMLR 18(128), sections 3-4 and their logistic example).

    Dual: D(theta) = -1/S sum_i sw_i f_i*(-theta_i) - g*(X^T (sw theta)/S)
    (f_i the loss of sample i, g the penalty), with sum_i sw_i theta_i = 0
    when there is an intercept. Our dual point is theta = s (u - p), the
    rescaled generalised residual; ``V = X^T (sw (u - p)) / S`` (rows x
    columns), ``gap = P(W) - D(theta)`` at that same s.

    * Binary: f* is the binary negative entropy, f*'' = 1/(q(1-q)) >= 4 (the
      logistic loss is 1/4-smooth), so D is (4/S)-strongly concave in
      ||.||_sw. Strong concavity and optimality of theta^ give
      (2/S) ||theta - theta^||^2_sw <= D(theta^) - D(theta) <= gap.
    * Multinomial: f* is the negative entropy on the simplex; along
      directions delta with sum_k delta_k = 0, sum_k delta_k^2 / q_k >=
      ||delta||_1^2 >= 2 ||delta||_2^2 (Cauchy-Schwarz, then the zero sum),
      so it is 2-strongly convex (the softmax loss is 1/2-smooth) and
      (1/S) ||Theta - Theta^||^2_sw,F <= gap. Rows of Theta and Theta^ sum
      to zero, so one class column holds at most (K-1)/K of the squared
      norm: ||delta_:k||^2_sw <= (K-1)/K S gap. Each entry W[k, j] gets its
      own test (the L1 penalty is entrywise: no groups).

    Optimality gives W*_kj = 0 whenever |v^_kj| < l1 (v^ = X^T (sw
    theta^)/S; v^_kj < l1 when positive), at every optimum since theta^ is
    unique. With an intercept both dual points satisfy the constraint, so
    x_j may be centred: |v^_kj - s v_kj| <= ||x_j - xbar_j||_sw
    ||delta_:k||_sw / S = sqrt(factor L_j gap), with ``factor`` = 1/2
    (binary) or (K-1)/K and L_j = ||x_j - xbar_j||^2_sw / S; the term
    |xbar_j| s |sum_i sw_i (u_ik - p_ik)| / S covers the rounding left in
    that constraint. The elastic net changes nothing: g* is then finite and
    smooth, D stays strongly concave through the entropy, and W*_kj =
    S_l1(v^_kj) / l2 still vanishes when |v^_kj| < l1. Entries with
    ``s |v_kj| + radius < l1`` are certified zero for good.
    """
    radius = np.sqrt(factor * max(gap, 0.0) * cols.lipschitz)[None, :]
    radius = radius + scale * np.abs(resid_sum)[:, None] * cols.xbar[None, :]
    viol = scale * (V if pb.positive else np.abs(V))
    cols.alive &= viol + radius + 1e-12 * pb.l1 >= pb.l1


def _working_set(cols: _Columns, V: np.ndarray, W: np.ndarray, pb: _Problem) -> _Subset:
    """The columns the next Newton step may move.

    The support, then the columns closest to violating their optimality
    condition, ranked by the distance to the constraint of their most
    violating live entry in units of the column's norm, (l1 - |v_kj|) /
    sqrt(L_j + l2), as the compiled core ranks its own. The set holds at
    least twice the support, and every violating column up to n_samples of
    them (a support has at most n columns of a binary model; violators
    beyond the most violating rarely enter).
    """
    width = W.shape[1]
    if pb.l1 == 0 or width <= _WS_MIN:
        return cols.subset(None)
    in_support = np.any(W != 0, axis=0)
    viol = V if pb.positive else np.abs(V)
    norm = np.sqrt(cols.lipschitz + pb.l2)
    with np.errstate(divide="ignore", invalid="ignore"):
        dist = np.where(cols.alive & (norm > 0), (pb.l1 - viol) / norm, np.inf)
    dist = dist.min(axis=0)
    dist[in_support] = -np.inf
    n_support = int(in_support.sum())
    n_violating = int(np.sum(dist < 0)) - n_support
    grow = min(n_violating, max(2 * _WS_MIN, 2 * n_support), pb.X.shape[0])
    size = max(_WS_MIN, 2 * n_support, n_support + grow)
    if size >= _WS_FULL * width:
        return cols.subset(None)
    index = np.sort(np.argpartition(dist, size)[:size])
    return cols.subset(index)


def _zero_dead(lipschitz: np.ndarray, alive_row: np.ndarray) -> np.ndarray:
    """Curvatures of a model with its dead entries out of the compiled core
    (a zero curvature makes it fix the coefficient at zero and skip it)."""
    if not alive_row.all():
        lipschitz[~alive_row] = 0.0
    return lipschitz


def _solve_wls(
    ws: _Subset,
    target: np.ndarray,
    weights: np.ndarray,
    stats,
    coef: np.ndarray,
    pb: _Problem,
    tol: float,
) -> EnetSolution:
    """min 1/S sum_i weights_i/2 (target_i - x_i.c - b)^2 + pen(c) on the
    columns ``ws``, warm started at ``coef``, to an absolute gap ``tol``.

    The core normalises its loss by sum(weights) instead of S: the penalty
    and the tolerance are rescaled by S / sum(weights) to keep the same
    minimiser and the same meaning of the tolerance.
    """
    dtype = ws.design.data.dtype
    ratio = pb.total / float(weights.sum(dtype=np.float64))
    return solve_enet(
        ws.design,
        target.astype(dtype),
        weights,
        l1=pb.l1 * ratio,
        l2=pb.l2 * ratio,
        positive=pb.positive,
        fit_intercept=pb.fit_intercept,
        max_iter=pb.max_epochs,
        tol=0.0,
        coef_init=coef,
        stats=stats,
        absolute_tol=tol * ratio,
        face_solves=False,  # a Newton model changes every step: no Gram reuse
    )


def _inner_accuracy(gap: float, primal: float, pb: _Problem) -> float:
    """Accuracy the Newton model is solved to: a forcing sequence eta * e
    with eta = min(0.1, e / L0), never finer than needed for ``tol``. e
    bounds the suboptimality: the gap, or the objective itself (the optimum
    is >= 0), smaller when the dual point is poor (a tiny l2 and a large
    gradient make the Fenchel dual very loose)."""
    bound = min(gap, primal)
    eta = min(_ETA_MAX, bound / pb.null_loss) if pb.null_loss > 0 else _ETA_MAX
    return max(eta * bound, 0.05 * pb.tol_abs)


# Steps in a row that leave the objective within its rounding noise, without
# bringing the duality gap 10% below the best seen, after which a fit stops
# (not converged).
_STALL_STEPS = 5


def _no_decrease(f0: float, f1: float) -> bool:
    """Whether f1 is not below f0 by more than the rounding noise of f."""
    return f0 - f1 <= 8 * np.finfo(np.float64).eps * abs(f0)


def _line_search(objective, f0: float, slope: float):
    """Backtracking (Armijo) step in (0, 1] for a convex composite objective.

    Near the optimum the decrease falls below the rounding error of f (a few
    ulps): the step is then accepted as long as f does not grow beyond that
    noise, so the iterates can converge past sqrt(machine epsilon).
    """
    t = 1.0
    noise = 8 * np.finfo(np.float64).eps * abs(f0)
    while t > 1e-10:
        f = objective(t)
        if f <= f0 + 1e-4 * t * slope + noise:
            return t, f
        t *= 0.5
    return 0.0, f0


def solve_logistic(
    design: Design,
    X: Any,
    y_encoded: np.ndarray,
    n_classes: int,
    sample_weight: np.ndarray | None,
    *,
    l1: float,
    l2: float,
    fit_intercept: bool,
    max_iter: int,
    tol: float,
    max_epochs: int = 1000,
    positive: bool = False,
    coef_init: np.ndarray | None = None,
    intercept_init: np.ndarray | None = None,
    screening: bool = True,
    stats: tuple[np.ndarray, np.ndarray] | None = None,
) -> LogisticSolution:
    """Proximal Newton on validated data; ``tol`` is relative (see estimator).

    ``design`` is ``as_design(X)`` (its dtype and shape are used; the
    solvers build the designs of column subsets themselves). ``screening``
    switches Gap Safe screening off (for tests and comparisons). ``stats``:
    ``design_stats(design, sample_weight, fit_intercept)`` when already
    computed (a path shares them between its alphas).
    """
    n, p = design.n_samples, design.n_features
    dtype = design.data.dtype
    sw = (
        np.ones(n)
        if sample_weight is None
        else np.asarray(sample_weight, dtype=np.float64)
    )
    total = float(sw.sum())
    n_rows = 1 if n_classes == 2 else n_classes
    W = np.zeros((n_rows, p), dtype=dtype)
    b = np.zeros(n_rows)
    if coef_init is not None and coef_init.shape == W.shape:
        W[:] = coef_init
        if intercept_init is not None and fit_intercept:
            b[:] = intercept_init
    y = np.asarray(y_encoded, dtype=np.intp)
    U = np.zeros((n, n_classes))
    U[np.arange(n), y] = 1.0

    # Tolerance relative to the loss of the best constant model (the
    # weighted entropy of the class frequencies; log K without intercept).
    prior = (sw @ U) / total
    null_loss = (
        -float(prior @ np.log(np.maximum(prior, 1e-300)))
        if fit_intercept
        else float(np.log(n_classes))
    )
    pb = _Problem(
        X=X,
        U=U,
        y=y,
        sw=sw,
        total=total,
        l1=float(l1),
        l2=float(l2),
        positive=bool(positive),
        fit_intercept=bool(fit_intercept),
        tol_abs=tol * null_loss,
        null_loss=null_loss,
        max_iter=max_iter,
        max_epochs=max_epochs,
        screening=bool(screening) and l1 > 0,
    )
    solver = _solve_binary if n_rows == 1 else _solve_multinomial
    with _single_threaded_blas():
        cols = _Columns(X, n_rows, sample_weight, fit_intercept, stats)
        W, b, gap, n_iter, converged = solver(pb, cols, W, b)
    W = cols.scatter(W, p)
    return LogisticSolution(
        W, b, float(gap), n_iter, converged, pb.tol_abs, cols.screened(p)
    )


def _full_gap(pb: _Problem, primal: float, entropy, R: np.ndarray) -> float:
    """Duality gap with the dual point built on every feature of X."""
    V = _correlation(pb.X, R)
    return primal - _best_dual(entropy, V, pb.l1, pb.l2, pb.positive)[0]


def _embed(ws: _Subset, W_ws: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Coefficients on the working set -> on every column (``like`` elsewhere)."""
    if ws.index is None:
        return W_ws
    W = like.copy()
    W[:, ws.index] = W_ws
    return W


def _restrict(ws: _Subset, W: np.ndarray) -> np.ndarray:
    return W if ws.index is None else np.ascontiguousarray(W[:, ws.index])


# --------------------------------------------------------------------- binary


def _solve_binary(pb: _Problem, cols: _Columns, W: np.ndarray, b: np.ndarray):
    """Binary models: the proximal-Newton loop runs in the compiled core
    (:func:`shrinkage._kernels._prox_newton.binary_logistic`, whose
    docstring has the math). A fit whose gap the core stops shrinking
    (``_SLOW_STEPS`` Newton steps in a row that leave it above 0.9 x the
    last, or another early stop) gets Newton steps on its support
    (:func:`_binary_support_steps`), and the core then resumes from their
    result with the steps left: it certifies the fit (an optimal support
    passes its first gap check) or carries on where the support was not
    the optimal one."""
    w = W[0].astype(np.float64)
    alive = cols.alive[0].astype(np.uint8)
    labels = np.ascontiguousarray(pb.U[:, 1])
    omega = pb.sw / pb.total
    intercept = float(b[0])

    def core(max_iter: int, slow_steps: int):
        return binary_logistic(
            *cols.design.kernel_args(),
            labels,
            omega,
            w,
            intercept,
            cols.xbar,
            cols.lipschitz,
            alive,
            pb.l1,
            pb.l2,
            pb.positive,
            pb.fit_intercept,
            pb.tol_abs,
            pb.null_loss,
            max_iter,
            pb.max_epochs,
            pb.screening,
            slow_steps,
        )

    intercept, gap, total, converged = core(pb.max_iter, _SLOW_STEPS)
    if not converged and total < pb.max_iter:
        _, intercept = _binary_support_steps(pb, cols.X, w, intercept, labels, omega)
        intercept, gap, n_iter, converged = core(pb.max_iter - total, 0)
        total += n_iter
    cols.alive[0] = alive.astype(bool)
    b[0] = intercept
    return w.astype(W.dtype)[None, :], b, gap, total, converged


def _binary_support_steps(
    pb: _Problem,
    X: Any,
    w: np.ndarray,
    b: float,
    labels: np.ndarray,
    omega: np.ndarray,
) -> tuple[bool, float]:
    """Newton steps of the binary objective on the support and signs of
    ``w`` (updated in place); returns (whether w or b moved, new b).

    Coordinate descent on the Newton model converges slowly where that
    model is ill-conditioned on the support, as with nearly separable
    classes at small alpha (most samples' weights p (1 - p) vanish): each
    core step is then a capped run of epochs that shrinks the gap by a few
    %, while an entry of the support creeps towards zero (the basehock fold
    of ``tests/test_real_data.py`` does not converge in 100 core steps
    without these steps). On the orthant
    face of the current signs the objective is smooth, and its Newton step
    solves one linear system in the non-zero entries (and the intercept):
    ``M delta = -grad``, ``M = B^T diag(omega p (1 - p)) B + l2 I`` with B
    the support's columns (and a column of ones), ``omega`` the normalised
    sample weights (``pb.sw / pb.total``). The step is cut where an entry
    first reaches zero (it leaves the support) and damped by backtracking on
    P (:func:`_line_search`); the steps converge
    quadratically once the support is the optimal one. Skipped for float32
    X (whose coefficients the core keeps float32), positivity constraints,
    and supports too large to solve directly (the bounds of
    :func:`_refine_on_support`, and ``_SUPPORT_ENTRIES`` on the n x m block).
    """
    n, p = X.shape
    support = np.flatnonzero(w)
    icpt = int(pb.fit_intercept)
    m = support.size + icpt
    if (
        pb.positive
        or X.dtype != np.float64
        or support.size == 0
        or m > min(_REFINE_MAX, n)
        or m * m > _REFINE_COST * p
        or n * m > _SUPPORT_ENTRIES
    ):
        return False, b
    l1, l2 = pb.l1, pb.l2
    cols = X[:, support]
    B = np.ones((n, m), order="F")
    B[:, : support.size] = cols.toarray() if sp.issparse(cols) else cols
    theta = np.append(w[support], b) if icpt else w[support].copy()

    def objective(z, coef):
        loss = float(omega @ (np.logaddexp(0.0, z) - labels * z))
        return loss + l1 * np.abs(coef).sum() + 0.5 * l2 * float(coef @ coef)

    z = B @ theta
    value = objective(z, theta[: support.size])
    moved = False
    for _ in range(_SUPPORT_STEPS):
        k = support.size
        coef = theta[:k]
        prob = expit(z)
        h = np.maximum(prob * (1.0 - prob), _H_MIN)
        grad = B.T @ (omega * (prob - labels))
        grad[:k] += l1 * np.sign(coef) + l2 * coef
        M = _gram(B * np.sqrt(omega * h)[:, None])
        M[np.arange(k), np.arange(k)] += l2
        solved = _newton_system(M, grad)
        if solved is None:
            break
        delta = solved[0]
        slope = float(grad @ delta)
        if not slope < 0:
            break
        # the largest step keeping every sign (an entry may reach zero)
        cross = coef * delta[:k] < 0
        ratio = np.full(k, np.inf)
        ratio[cross] = -coef[cross] / delta[:k][cross]
        t_cut = float(ratio.min())
        t_max = min(1.0, t_cut)
        dz = B @ delta

        def along(s, z=z, dz=t_max * dz, dc=t_max * delta[:k], c=theta[:k]):
            """P at s in (0, 1] along the step cut at t_max."""
            return objective(z + s * dz, c + s * dc)

        s, new_value = _line_search(along, value, t_max * slope)
        if s == 0.0:
            break
        t = s * t_max
        flat = _no_decrease(value, new_value)
        theta, z, value, moved = theta + t * delta, z + t * dz, new_value, True
        if t == t_cut < 1.0:  # the entries that reached zero leave the support
            stay = np.ones(m, dtype=bool)
            stay[:k] = ratio > t_cut
            theta, B, support = theta[stay], B[:, stay], support[stay[:k]]
            m = B.shape[1]
            if support.size == 0:
                break
            z = B @ theta
        elif flat:
            break
    if moved:
        w[:] = 0.0
        w[support] = theta[: support.size]
        if icpt:
            b = float(theta[-1])
    return moved, b


# ---------------------------------------------------------------- multinomial


def _softmax_lse(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise softmax and log-sum-exp of Z from one exponential."""
    top = Z.max(axis=1)
    E = Z - top[:, None]
    np.exp(E, out=E)
    s = E.sum(axis=1)
    E /= s[:, None]
    return E, top + np.log(s)


def _multinomial_loss(Z: np.ndarray, pb: _Problem) -> float:
    top = Z.max(axis=1)
    lse = top + np.log(np.exp(Z - top[:, None]).sum(axis=1))
    return float(pb.sw @ (lse - Z[np.arange(Z.shape[0]), pb.y]) / pb.total)


def _optimal_intercepts_multinomial(Z, pb: _Problem, b):
    """Newton's method on the intercept vector (K unknowns).

    The Hessian sum_i sw_i (diag(p_i) - p_i p_i^T) is singular along the
    all-ones direction (the softmax ignores a common shift), so the step is
    taken with its pseudo-inverse. Steps are damped (halving on the loss)
    only while the Newton decrement g^T H^+ g / S is large; close to the
    optimum, where the linear predictors arrive after a Newton step that
    already moved the intercepts, pure steps converge quadratically without
    loss evaluations. Returns Z, b and the softmax and log-sum-exp of Z.
    """
    sw, U, total = pb.sw, pb.U, pb.total
    rows = np.arange(Z.shape[0])
    for _ in range(50):
        P, lse = _softmax_lse(Z)
        g = sw @ (P - U)
        if np.max(np.abs(g)) <= 1e-15 * total:
            return Z, b, P, lse
        Psw = P * sw[:, None]
        H = np.diag(Psw.sum(axis=0)) - Psw.T @ P
        step = np.linalg.pinv(H, rcond=1e-12, hermitian=True) @ g
        t = 1.0
        if g @ step > 1e-2 * total:
            f0 = float(sw @ (lse - Z[rows, pb.y])) / total
            while t > 1e-12 and _multinomial_loss(Z - t * step, pb) > f0:
                t *= 0.5
            if t <= 1e-12:
                break
        Z = Z - t * step
        b = b - t * step
    P, lse = _softmax_lse(Z)
    return Z, b, P, lse


def _anderson_weights(history: list[np.ndarray]) -> np.ndarray | None:
    """Anderson extrapolation of a list of iterates (same as the CD core's):
    weights c with sum 1 minimising ||sum_k c_k (x_k - x_{k-1})||; the
    extrapolated point is ``c @ history[1:]``."""
    X = np.array(history)
    D = np.diff(X, axis=0)
    gram = D @ D.T
    trace = np.trace(gram)
    if trace <= 0:
        return None
    try:
        z = np.linalg.solve(gram + 1e-10 * trace * np.eye(len(D)), np.ones(len(D)))
    except np.linalg.LinAlgError:
        return None
    if z.sum() == 0 or not np.all(np.isfinite(z)):
        return None
    return (z / z.sum()) @ X[1:]


def _symmetrize(W: np.ndarray, l1: float, l2: float) -> np.ndarray:
    """Per-feature shift c_j minimising the penalty of the rows W_k - c.

    The multinomial loss is unchanged when the same vector is subtracted from
    every class row, so the penalty alone picks the representative (glmnet
    does the same): c_j = argmin_c sum_k l1 |W_kj - c| + l2/2 (W_kj - c)^2,
    a 1-D convex piecewise quadratic whose minimiser is a breakpoint W_kj or
    the stationary point of one of the pieces between them.
    """
    K = W.shape[0]
    Wd = W.astype(np.float64)
    srt = np.sort(Wd, axis=0)
    candidates = [srt]
    if l2 > 0:
        total = Wd.sum(axis=0)
        lows = np.vstack([np.full((1, W.shape[1]), -np.inf), srt])
        highs = np.vstack([srt, np.full((1, W.shape[1]), np.inf)])
        for m in range(K + 1):  # m rows below c, K - m above
            c = (total - l1 * (2 * m - K) / l2) / K
            candidates.append(np.clip(c, lows[m], highs[m])[None, :])
    cand = np.vstack(candidates)  # (n_candidates, p)
    diff = Wd[None, :, :] - cand[:, None, :]
    cost = l1 * np.abs(diff).sum(axis=1) + 0.5 * l2 * (diff * diff).sum(axis=1)
    best = cand[np.argmin(cost, axis=0), np.arange(W.shape[1])]
    return best


def _symmetrize_columns(W: np.ndarray, alive: np.ndarray, pb: _Problem):
    """The penalty-optimal shift of the non-zero columns whose entries are
    all alive (a shift would move a certified-zero entry off zero).

    Returns (column indices, shifts), or None when nothing moves.
    """
    if pb.positive or (pb.l1 == 0 and pb.l2 == 0):
        return None
    sel = np.flatnonzero(alive.all(axis=0) & np.any(W != 0, axis=0))
    if sel.size == 0:
        return None
    shift = _symmetrize(W[:, sel], pb.l1, pb.l2)
    moved = shift != 0
    if not moved.any():
        return None
    return sel[moved], shift[moved]


def _gram(C: np.ndarray) -> np.ndarray:
    """C^T C by a symmetric rank-k update (BLAS syrk: half a general product)."""
    if C.shape[1] == 0:
        return np.zeros((0, 0))
    upper = blas.dsyrk(1.0, np.asfortranarray(C), trans=1)
    return np.triu(upper) + np.triu(upper, 1).T


def _refine_on_support(pb, X, Wn, bn, A, P, G):
    """Newton step of the model on the current support of ``Wn`` (in place).

    On the orthant face of the current signs the model is a quadratic, and
    its minimiser solves one linear system in the non-zero entries (and the
    intercepts): M delta = -grad, M_(kj),(lj') = 1/S sum_i sw_i x_ij x_ij'
    (p_ik delta_kl - p_ik p_il) (+ l2) (multinomial models; binary ones
    have :func:`_binary_support_steps`). Row-wise sweeps
    converge slowly along directions that are nearly flat for the loss yet
    not for one row alone (two classes sharing a feature where the others
    have no probability mass: the Hessian of those two rows is then nearly
    singular along (1, 1)); this solve takes them in one step, and it costs less than a
    pass of the compiled core once the support is known. M is formed in
    O(n m^2) for m non-zero entries (BLAS-3) and solved by a
    pseudo-inverse (the model is flat along common shifts). The step is cut
    where the first entry reaches zero (that entry stays at zero), so the
    model decreases.

    Returns (Wn, bn, A) updated in place, or None when nothing was done
    (no support, or one too large for a direct solve).
    """
    n, n_classes = A.shape
    sw, total = pb.sw, pb.total
    support = [np.flatnonzero(Wn[k]) for k in range(n_classes)]
    sizes = [s.size + int(pb.fit_intercept) for s in support]
    m = sum(sizes)
    if m == 0 or m > _REFINE_MAX or m * m > _REFINE_COST * n_classes * pb.X.shape[1]:
        return None
    starts = np.concatenate([[0], np.cumsum(sizes)])
    # B (rows x m): the support columns of every class row side by side, with
    # a column of ones per row for the intercepts; row k owns B[:, starts[k]:
    # starts[k+1]]. Formed by blocks of samples (a few MB each), so memory
    # stays O(m^2) whatever n: M and the gradient are sums over samples.
    union, position = np.unique(np.concatenate(support), return_inverse=True)
    picks = np.split(position, np.cumsum([s.size for s in support])[:-1])
    Xu = X[:, union].tocsr() if sp.issparse(X) else X
    rows = max(1, min(n, 2**20 // max(m, 1)))
    grad = np.zeros(m)
    M = np.zeros((m, m))
    for lo in range(0, n, rows):
        hi = min(n, lo + rows)
        if sp.issparse(X):
            Xb = np.asarray(Xu[lo:hi].toarray(), dtype=np.float64)
        else:
            Xb = np.asarray(X[lo:hi].T[union].T, dtype=np.float64)
        B = np.ones((hi - lo, m), order="F")
        for k in range(n_classes):
            B[:, starts[k] : starts[k] + support[k].size] = Xb[:, picks[k]]
        Pb, Ab = P[lo:hi], A[lo:hi]
        root = np.sqrt(sw[lo:hi] / total)
        c = np.sum(Pb * Ab, axis=1)
        # model gradient in z: g + H a, H a = p a - p (p.a)
        Rb = (sw[lo:hi] / total)[:, None] * (G[lo:hi] + Pb * Ab - Pb * c[:, None])
        # M = sum_k B_k^T diag(sw p_k) B_k / S - C^T diag(sw) C / S, C_k =
        # p_k B_k: both Gram products by symmetric rank-k updates.
        C = np.empty_like(B)
        for k in range(n_classes):
            blk = slice(starts[k], starts[k + 1])
            grad[blk] += Rb[:, k] @ B[:, blk]
            M[blk, blk] += _gram(B[:, blk] * (root * np.sqrt(Pb[:, k]))[:, None])
            np.multiply(B[:, blk], (root * Pb[:, k])[:, None], out=C[:, blk])
        M -= _gram(C)
    for k in range(n_classes):
        w = Wn[k, support[k]].astype(np.float64)
        entries = np.arange(starts[k], starts[k] + w.size)
        grad[entries] += pb.l1 * np.sign(w) + pb.l2 * w
        if pb.l2 > 0:
            M[entries, entries] += pb.l2
    solved = _newton_system(M, grad)
    if solved is None:
        return None
    delta, null = solved
    # Largest step in [0, 1] keeping every sign (entries may reach zero).
    t = _sign_preserving_step(Wn, support, starts, delta, 1.0)
    if t == 1.0 and null.shape[1]:
        delta += _null_space_step(Wn, support, starts, delta, null, grad, pb.l1)
    if t <= 0:
        return None
    step = np.zeros((n_classes, Wn.shape[1]))
    db = np.zeros(n_classes)
    for k in range(n_classes):
        idx = support[k]
        w = Wn[k, idx].astype(np.float64)
        d = delta[starts[k] : starts[k] + idx.size]
        new = w + t * d
        # the entries the cut step brings to zero (up to rounding)
        new[(w * new <= 0) | (np.abs(new) <= 1e-12 * np.abs(w))] = 0.0
        new = new.astype(Wn.dtype)
        step[k, idx] = new.astype(np.float64) - w
        if pb.fit_intercept:
            db[k] = t * delta[starts[k + 1] - 1]
        Wn[k, idx] = new
    bn += db
    A += _linear(X, step, db)
    return Wn, bn, A


def _newton_system(M: np.ndarray, grad: np.ndarray):
    """Minimum-norm solution of ``M delta = -grad`` for a positive
    semi-definite M, by its eigendecomposition with the eigenvalues below
    1e-12 x the largest dropped (the model is flat along those directions:
    collinear support columns, the multinomial's common shifts). Returns
    (delta, an orthonormal basis of the dropped directions), or None when M
    is 0."""
    evals, evecs = np.linalg.eigh(M)
    keep = evals > evals[-1] * 1e-12 if evals[-1] > 0 else np.zeros(evals.size, bool)
    if not keep.any():
        return None
    delta = -(evecs[:, keep] @ ((evecs[:, keep].T @ grad) / evals[keep]))
    return delta, evecs[:, ~keep]


def _sign_preserving_step(Wn, support, starts, delta, t_max: float) -> float:
    """Largest t in [0, t_max] such that no entry of the support changes sign
    along ``delta`` (entries may reach zero)."""
    t = t_max
    for k in range(len(support)):
        w = Wn[k, support[k]].astype(np.float64)
        d = delta[starts[k] : starts[k] + w.size]
        cross = w * d < 0
        if cross.any():
            t = min(t, float(np.min(-w[cross] / d[cross])))
    return t


def _null_space_step(Wn, support, starts, delta, null, grad, l1: float) -> np.ndarray:
    """Move along the flat directions of the model (``null``: an orthonormal
    basis of the eigenvectors the solve dropped) to the first sign change.

    With linearly dependent support columns (duplicated or collinear
    features: common in text data) the loss is constant along the null space
    of the support's Gram matrix while the L1 penalty is linear there, so
    the minimiser lies on the boundary of the sign orthant: moving along the
    projected negative gradient -P g decreases the model by |P g|^2 per unit
    step until an entry reaches zero. The pseudo-inverse solve alone never
    takes that move, and a support that is optimal up to such a direction
    would otherwise stall the outer loop with a gap that cannot shrink.
    The loss part of the gradient lies in the range of the Gram matrix, so
    P g is P (l1 sign(w) + l2 w): up to rounding (a few ulps of l1) it
    vanishes along flat directions that leave the penalty unchanged (a
    common shift of the multinomial intercepts, or of a feature's class
    rows with balanced signs). Returns the extra step, zeros when the
    projected gradient is at that rounding level on the coefficients
    (intercept entries aside: a step along a common intercept shift alone,
    scaled to a sign change it cannot cause, would be rounding noise
    blown up), or when there is no L1 term (no flat direction then
    decreases the model).
    """
    if l1 <= 0:
        return np.zeros_like(delta)
    d = -(null @ (null.T @ grad))
    on_coef = np.concatenate(
        [d[starts[k] : starts[k] + len(support[k])] for k in range(len(support))]
    )
    if not (on_coef.size and np.abs(on_coef).max() > 1e-8 * l1):
        return np.zeros_like(delta)
    # The largest multiple of d such that delta + tau d keeps every sign
    # (delta alone does); finite whenever there is an L1 term, as d then
    # points against sign(w) on average.
    tau = np.inf
    for k in range(len(support)):
        w = Wn[k, support[k]].astype(np.float64)
        blk = slice(starts[k], starts[k] + w.size)
        w1, dk = w + delta[blk], d[blk]
        cross = w1 * dk < 0
        if cross.any():
            tau = min(tau, float(np.min(-w1[cross] / dk[cross])))
    return tau * d if np.isfinite(tau) else np.zeros_like(delta)


def _zeros_satisfy_kkt(V: np.ndarray, W: np.ndarray, alive: np.ndarray, pb) -> bool:
    """Whether every live zero entry satisfies its optimality condition
    strictly (|v_kj| < l1): the support is then likely the optimal one, and
    a Newton step on it (:func:`_refine_on_support`) is the model's
    minimiser."""
    if pb.l1 == 0:
        return False
    zero = (W == 0) & alive
    viol = V if pb.positive else np.abs(V)
    return not np.any(viol[zero] >= pb.l1)


def _support_direction(pb, X, W, b, P, G):
    """The model's minimiser on the current support, as (W_new, b_new, A),
    or None (see :func:`_refine_on_support`)."""
    Wn = W.copy()
    bn = np.array(b, dtype=np.float64)
    A = np.zeros((P.shape[0], W.shape[0]))
    if _refine_on_support(pb, X, Wn, bn, A, P, G) is None:
        return None
    return Wn, bn, A


def _multinomial_direction(pb, ws, W, b, Z, P, accuracy):
    """Minimise the joint quadratic model around Z on the working set.

    Block coordinate descent over the class rows: with the other rows' a_l
    fixed, row k's model is the weighted least-squares problem
    ``1/S sum_i sw_i h_ik/2 (t_ik - x_i.w_k - b_k)^2 + pen(w_k)`` with
    ``h_k = p_k (1 - p_k)`` and ``t_k = z_k - (g_k - p_k c_k)/h_k``,
    ``c_ik = sum_{l != k} p_il a_il``, solved warm-started by the core. The
    weights do not change during the step, so each row's column statistics
    are computed once. The sweeps are Anderson-extrapolated (on a quadratic
    the sweep map is affine once the supports settle), the penalty picks the
    representative of the common-shift directions the model is flat along,
    and the model is solved directly on the support (:func:`_refine_on_support`)
    first, then whenever a sweep leaves the support unchanged. Stops when the
    model is estimated within ``accuracy`` of its minimum.

    Returns the model minimiser (W_new, b_new) on the working set and A =
    X (W_new - W)^T + (b_new - b), the change of the linear predictors.
    """
    n, n_classes = Z.shape
    sw, total = pb.sw, pb.total
    dtype = W.dtype
    G = P - pb.U
    H = np.maximum(P * (1.0 - P), _H_MIN)
    weights = (sw[:, None] * H).astype(dtype).T.copy()  # (K, n), rows contiguous
    stats = []
    for k in range(n_classes):
        xbar, lipschitz = design_stats(ws.design, weights[k], pb.fit_intercept)
        stats.append((xbar, _zero_dead(lipschitz, ws.alive[k])))
    pen0 = _penalty(W, pb.l1, pb.l2)

    def model(A, Wn):
        c = np.sum(P * A, axis=1)
        quad = np.sum(G * A, axis=1) + 0.5 * (np.sum(P * A * A, axis=1) - c * c)
        return float(sw @ quad) / total + _penalty(Wn, pb.l1, pb.l2) - pen0

    Wn = W.copy()
    bn = np.array(b, dtype=np.float64)
    A = np.zeros((n, n_classes))  # change of the linear predictors
    value = 0.0
    last_decrease = 0.0
    class_tol = accuracy / n_classes
    history: list[np.ndarray] = []
    support, refined = W != 0, None
    if support.any():
        # Start from the model's minimiser on the current support: the
        # sweeps then mostly have the support's changes left to make.
        if _refine_on_support(pb, ws.X, Wn, bn, A, P, G) is not None:
            value = model(A, Wn)
            refined, support = support, Wn != 0
    for sweep in range(_MAX_SWEEPS):
        c = np.sum(P * A, axis=1)  # sum_l p_l a_l, kept up to date below
        for k in range(n_classes):
            pk = P[:, k]
            others = c - pk * A[:, k]
            target = Z[:, k] - (G[:, k] - pk * others) / H[:, k]
            # The first sweep's targets move with the later rows: solve it
            # loosely, the next ones tightly.
            row_tol = class_tol * (_CLASS_TOL_FIRST if sweep == 0 else _CLASS_TOL)
            sol = _solve_wls(ws, target, weights[k], stats[k], Wn[k], pb, row_tol)
            dw = sol.coef.astype(np.float64) - Wn[k].astype(np.float64)
            new_b = sol.intercept if pb.fit_intercept else 0.0
            da = _linear(ws.X, dw[None, :], new_b - bn[k])[:, 0]
            A[:, k] += da
            c += pk * da
            Wn[k] = sol.coef
            bn[k] = new_b
        # The model, like the loss, is flat along a common shift of a
        # column in every row (H_i 1 = 0, g_i.1 = 0): let the penalty pick
        # the representative, which row-wise sweeps cannot do.
        moved = _symmetrize_columns(Wn, ws.alive, pb)
        if moved is not None:
            sel, shift = moved
            Wn[:, sel] -= shift.astype(dtype)
            row = np.zeros((1, Wn.shape[1]))
            row[0, sel] = shift
            A -= _linear(ws.X, row, 0.0)
        # Once a sweep leaves the support unchanged, solve the model on it
        # directly (once per support): the sweeps then only check it. This
        # also settles the last digits, which model values cannot resolve
        # (a gradient of 1e-9 changes the model by 1e-18).
        previous, support = support, Wn != 0
        if np.array_equal(previous, support) and (
            refined is None or not np.array_equal(refined, support)
        ):
            refined = support
            if _refine_on_support(pb, ws.X, Wn, bn, A, P, G) is not None:
                history = []
                support = Wn != 0
        new_value = model(A, Wn)
        if _ANDERSON_DEPTH:
            history.append(np.concatenate([Wn.ravel().astype(np.float64), bn]))
            if len(history) == _ANDERSON_DEPTH + 1:
                guess = _anderson_weights(history)
                history = [history[-1]]
                if guess is not None:
                    W_try = guess[: Wn.size].reshape(Wn.shape).astype(dtype)
                    b_try = guess[Wn.size :] if pb.fit_intercept else bn
                    if not (pb.positive and np.any(W_try < 0)):
                        dW_try = W_try.astype(np.float64) - W
                        A_try = _linear(ws.X, dW_try, b_try - b)
                        value_try = model(A_try, W_try)
                        if value_try < new_value:
                            Wn, bn, A, new_value = W_try, b_try, A_try, value_try
                            support = Wn != 0
        # Stop once the model is within ``accuracy`` of its minimum, that
        # distance estimated from the last decrease and the observed rate of
        # the sweeps (a linear rate rho leaves decrease * rho / (1 - rho)).
        # The first sweep gives no rate: a second one always runs.
        decrease = value - new_value
        rho = min(decrease / last_decrease, 0.99) if last_decrease > 0 else 0.99
        value, last_decrease = new_value, decrease
        if decrease <= 0 or (sweep > 0 and decrease * rho / (1.0 - rho) <= accuracy):
            break
    return Wn, bn, A


def _solve_multinomial(pb: _Problem, cols: _Columns, W: np.ndarray, b: np.ndarray):
    n_classes = pb.U.shape[1]
    sw, U, total = pb.sw, pb.U, pb.total
    l1, l2 = pb.l1, pb.l2
    gap = np.inf
    converged = False
    n_iter = 0
    failures = 0
    cut = False
    rows = np.arange(U.shape[0])
    stalls, best_gap, flat = 0, np.inf, False
    while True:
        Z = _linear(cols.X, W, b)
        if pb.fit_intercept:
            Z, b, P, lse = _optimal_intercepts_multinomial(Z, pb, b)
        else:
            P, lse = _softmax_lse(Z)
        primal = float(sw @ (lse - Z[rows, pb.y])) / total + _penalty(W, l1, l2)
        R = sw[:, None] * (U - P) / total
        V = _correlation(cols.X, R)

        def entropy(s, P=P):
            Q = (1 - s) * U + s * P
            return float(sw @ np.sum(xlogy(Q, Q), axis=1) / total)

        dual, scale = _best_dual(entropy, V, l1, l2, pb.positive)
        gap = screen_gap = primal - dual
        if cols.reduced and (gap <= pb.tol_abs or n_iter >= pb.max_iter):
            gap = _full_gap(pb, primal, entropy, R)
        if gap <= pb.tol_abs:
            converged = True
            break
        # A gap stuck above tol at the rounding floor of P (the binary
        # kernel's rule, STALL_STEPS in _prox_newton.pyx): steps that leave
        # P flat and do not bring the gap 10% below the best seen end the fit.
        if gap < 0.9 * best_gap:
            stalls, best_gap = 0, gap
        else:
            stalls = stalls + 1 if flat else 0
        if n_iter >= pb.max_iter or failures >= 3 or stalls >= _STALL_STEPS:
            break
        flat = False
        if pb.screening and np.isfinite(screen_gap):
            factor = (n_classes - 1) / n_classes
            _screen(cols, V, scale, screen_gap, R.sum(axis=0), factor, pb)
            W, V = cols.compact(W, V)
        n_iter += 1

        # Newton direction: on the support when its zeros are optimal,
        # else the joint model on the working set.
        step = None
        if _zeros_satisfy_kkt(V, W, cols.alive, pb) and failures == 0 and not cut:
            step = _support_direction(pb, cols.X, W, b, P, P - U)
            ws = cols.subset(None)
        from_support = step is not None
        if step is None:
            ws = _working_set(cols, V, W, pb)
            accuracy = _inner_accuracy(gap, primal, pb) * 1e-3**failures
            step = _multinomial_direction(pb, ws, _restrict(ws, W), b, Z, P, accuracy)
        W_new, b_new, A = step
        W_ws = _restrict(ws, W)
        if not (np.any(W_new != W_ws) or np.any(b_new != b)):
            failures += 1  # the model was solved too loosely to move: retry
            continue
        # Line search on the true objective along the joint step.
        wd = W_ws.astype(np.float64)
        dW = W_new.astype(np.float64) - wd
        db = b_new - b
        pen_ws = _penalty(wd, l1, l2)
        pen_rest = _penalty(W, l1, l2) - pen_ws
        slope = float(sw @ np.sum((P - U) * A, axis=1)) / total
        slope = min(slope + _penalty(wd + dW, l1, l2) - pen_ws, 0.0)

        def objective(t, Z=Z, A=A, wd=wd, dW=dW, pen_rest=pen_rest):
            loss = _multinomial_loss(Z + t * A, pb)
            return loss + pen_rest + _penalty(wd + t * dW, l1, l2)

        t, value = _line_search(objective, primal, slope)
        if t == 0.0:
            failures += 1  # retry with a more accurate model solve
            continue
        # A support step that does not decrease the objective beyond its
        # rounding noise while the gap is above the tolerance: the support
        # is not the optimal one after all; the next step comes from the
        # working-set model, solved more accurately.
        flat = _no_decrease(primal, value)
        failures = int(from_support and flat)
        # A support step cut where an entry reaches zero leaves the others
        # short of the face's minimiser, and the next support step would
        # again drop one entry at a time (dozens of steps when the first
        # loose model solve over-shot the support): the working-set model
        # drops every such entry in one step.
        cut = from_support and np.count_nonzero(W_new) < np.count_nonzero(W_ws)
        new = W_new if t == 1.0 else (wd + t * dW).astype(W.dtype)
        W = _embed(ws, new, W)
        b = b + t * db
        moved = _symmetrize_columns(W, cols.alive, pb)
        if moved is not None:
            W[:, moved[0]] -= moved[1].astype(W.dtype)
    # The softmax ignores a common shift of the intercepts: report the
    # representative with zero mean, so the fitted model is unique.
    b = b - b.mean()
    return W, b, gap, n_iter, converged


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """L1, L2 and elastic-net penalized logistic regression.

    Minimises the mean (weighted) logistic loss plus the elastic-net penalty
    (see the module docstring for the exact objective). Two classes: a binary
    model with one coefficient row; three or more: a multinomial (softmax)
    model with one row per class, not one-vs-rest.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, >= 0. scikit-learn's ``C`` maps to
        ``alpha = 1 / (n_samples * C)``; glmnet's ``lambda`` is ``alpha``.
    l1_ratio : float in [0, 1], default=1.0
        1 is the L1 (sparse) penalty, 0 the L2 penalty.
    fit_intercept : bool, default=True
    tol : float, default=1e-4
        Stop when the duality gap is <= ``tol`` times the loss of the best
        constant model (the entropy of the class frequencies).
    max_iter : int, default=100
        Maximum number of proximal Newton iterations (each one a step of all
        class rows together for multinomial models).
    max_epochs : int, default=1000
        Epoch limit of each inner coordinate-descent solve.
    warm_start : bool, default=False
    class_weight : dict or 'balanced', default=None
        Weights of the classes, multiplied into the sample weights of the
        fit: ``{label: weight}`` (labels left out weigh 1), or
        ``'balanced'``: class k weighs ``S / (n_classes * S_k)``, with
        ``S_k`` the total sample weight of its samples (their count without
        sample weights: scikit-learn's ``n_samples / (n_classes *
        np.bincount(y))``) and ``S`` that of all. The loss stays a mean over
        the combined weights (the module docstring's ``S`` is their sum), so
        scaling every class weight by one factor changes nothing;
        scikit-learn's ``C`` maps to ``alpha = 1 / (S C)`` (with
        ``'balanced'`` and no sample weights, ``S = n_samples``: the usual
        ``alpha = 1 / (n_samples C)``).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        Proximal Newton iterations run.
    dual_gap_ : float
        Duality gap at exit (a certificate of suboptimality).
    n_features_in_ : int
    """

    def __init__(
        self,
        alpha: float = 1.0,
        l1_ratio: float = 1.0,
        *,
        fit_intercept: bool = True,
        tol: float = 1e-4,
        max_iter: int = 100,
        max_epochs: int = 1000,
        warm_start: bool = False,
        class_weight: dict | str | None = None,
    ) -> None:
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.max_epochs = max_epochs
        self.warm_start = warm_start
        self.class_weight = class_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # CSC/CSR/COO are fitted without densifying
        return tags

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticRegression:
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Labels of any type; at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        check_nonnegative_real(self.alpha, "alpha")
        check_fraction(self.l1_ratio, "l1_ratio")
        check_bool(self.fit_intercept, "fit_intercept")
        check_nonnegative_real(self.tol, "tol")
        check_positive_int(self.max_iter, "max_iter")
        check_positive_int(self.max_epochs, "max_epochs")
        check_bool(self.warm_start, "warm_start")
        X, classes, y_enc, sw = validate_classification_data(
            self, X, y, sample_weight, check_values=False
        )
        sw = apply_class_weight(self.class_weight, classes, y_enc, sw, X.dtype)
        # X's values are checked from the column statistics' pass (one pass
        # over X instead of two), before any solver runs.
        design = as_design(X)
        stats = design_stats(design, sw, self.fit_intercept, summary=True)
        check_magnitudes(X, None, sw, x_summary=stats[2])
        warm = (
            self.warm_start
            and getattr(self, "coef_", None) is not None
            and (len(getattr(self, "classes_", [])) == len(classes))
        )
        solution = solve_logistic(
            design,
            X,
            y_enc,
            len(classes),
            sw,
            l1=self.alpha * self.l1_ratio,
            l2=self.alpha * (1.0 - self.l1_ratio),
            fit_intercept=self.fit_intercept,
            max_iter=self.max_iter,
            tol=self.tol,
            max_epochs=self.max_epochs,
            coef_init=self.coef_ if warm else None,
            intercept_init=self.intercept_ if warm else None,
            stats=stats[:2],
        )
        if not solution.converged and solution.n_iter < self.max_iter:
            warnings.warn(
                f"Proximal Newton stopped after {solution.n_iter} iterations "
                f"without progress: duality gap {solution.dual_gap:.3e} > "
                f"tolerance {solution.tol:.3e}. The gap no longer decreases: "
                "this tolerance asks for more than floating-point arithmetic "
                "resolves on this problem. Increase tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        elif not solution.converged:
            warnings.warn(
                f"Proximal Newton did not converge in max_iter={self.max_iter} "
                f"iterations: duality gap {solution.dual_gap:.3e} > tolerance "
                f"{solution.tol:.3e}. Increase max_iter or tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self._set_fitted(solution, classes)

    def _set_fitted(self, solution: LogisticSolution, classes: np.ndarray):
        """Fitted attributes from a solution (shared with the CV estimator)."""
        self.classes_ = classes
        self.coef_ = solution.coef
        self.intercept_ = (
            solution.intercept
            if self.fit_intercept
            else np.zeros(solution.coef.shape[0])
        )
        self.dual_gap_ = solution.dual_gap
        self.n_iter_ = solution.n_iter
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """Linear predictor: (n_samples,) for binary, (n_samples, n_classes) else."""
        check_is_fitted(self)
        X = validate_predict_data(self, X)
        scores = safe_sparse_dot(X, self.coef_.T, dense_output=True) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p1 = expit(scores)
            return np.column_stack([1.0 - p1, p1])
        return softmax(scores, axis=1)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Log of :meth:`predict_proba`, computed stably."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return np.column_stack(
                [-np.logaddexp(0, scores), -np.logaddexp(0, -scores)]
            )
        return scores - logsumexp(scores, axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each sample."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]
