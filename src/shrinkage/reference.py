"""NumPy reference implementations: the readable ground truth.

Plain NumPy/SciPy, no compiled code and no tricks (no working sets, no
screening, no extrapolation, no Gram caching). The tests use these functions
as the oracle for the compiled solvers, and the benchmarks measure the
compiled core against them. Everything is computed in float64, whatever the
input dtype. This module imports nothing from the rest of the package.

Conventions (scikit-learn's). With sample weights ``sw`` (default all ones)
and ``S = sum(sw)``, the elastic-net primal objective is::

    P(w, b) = 1/(2S) sum_i sw_i (y_i - x_i.w - b)^2 + l1 ||w||_1 + l2/2 ||w||^2

    l1 = alpha * l1_ratio,    l2 = alpha * (1 - l1_ratio)

``positive=True`` adds the constraint ``w >= 0``. With an intercept the
optimal ``b`` is ``ybar - xbar.w`` (sw-weighted means), so the problem is the
same one on the weighted-centred data ``Xc = X - xbar``, ``yc = y - ybar``.

Ridge follows scikit-learn's ``Ridge`` instead (not divided by S)::

    sum_i sw_i (y_i - x_i.w - b)^2 + alpha ||w||^2

Logistic regression (labels encoded 0 .. K-1) uses the mean loss and the
same elastic-net penalty::

    binary (K = 2, one row w):  1/S sum_i sw_i log(1 + exp(-s_i (x_i.w + b)))
                                s_i = +1 for label 1, -1 for label 0
    multinomial (K rows w_k):   1/S sum_i sw_i [logsumexp_k(x_i.w_k + b_k)
                                               - (x_i.w_yi + b_yi)]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.sparse.linalg import svds
from scipy.special import expit, logsumexp, softmax

__all__ = [
    "alpha_max",
    "enet_coordinate_descent",
    "enet_dual_gap",
    "enet_objective",
    "lasso_coordinate_descent",
    "logistic_objective",
    "logistic_proximal_gradient",
    "ridge_closed_form",
    "ridge_objective",
    "soft_threshold_reference",
]

# A column whose weighted centred second moment is below this fraction of its
# uncentred second moment is constant up to rounding: it is treated as the
# zero column (L_j == 0), whose coefficient is 0.
_CONSTANT_COLUMN_RTOL = 1e-24


# --------------------------------------------------------------------------
# Input helpers
# --------------------------------------------------------------------------


def _as_design(X: Any) -> np.ndarray | sp.csc_matrix:
    """X as a float64 2-D ndarray, or (any sparse input) a float64 CSC matrix."""
    if sp.issparse(X):
        # a copy: sum_duplicates must not touch the caller's arrays
        Xs = sp.csc_matrix(X, dtype=np.float64, copy=True)
        Xs.sum_duplicates()
        return Xs
    Xd = np.asarray(X, dtype=np.float64)
    if Xd.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {Xd.shape}.")
    return Xd


def _as_vector(v: ArrayLike, name: str, size: int | None = None) -> np.ndarray:
    """A 1-D float64 copy-free view of ``v``, checked for length."""
    out = np.asarray(v, dtype=np.float64)
    if out.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {out.shape}.")
    if size is not None and out.shape[0] != size:
        raise ValueError(f"{name} has length {out.shape[0]}, expected {size}.")
    return out


def _sample_weights(n: int, sample_weight: ArrayLike | None) -> np.ndarray:
    """Sample weights as a float64 vector (all ones when None), sum > 0."""
    if sample_weight is None:
        return np.ones(n)
    sw = _as_vector(sample_weight, "sample_weight", n)
    if np.any(sw < 0) or not sw.sum() > 0:
        raise ValueError("sample_weight must be non-negative with a positive sum.")
    return sw


def _penalty_strengths(alpha: float, l1_ratio: float) -> tuple[float, float]:
    """``(l1, l2) = (alpha * l1_ratio, alpha * (1 - l1_ratio))``, validated."""
    if not alpha >= 0:
        raise ValueError(f"alpha must be >= 0, got {alpha}.")
    if not 0 <= l1_ratio <= 1:
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio}.")
    return float(alpha * l1_ratio), float(alpha * (1.0 - l1_ratio))


def _matvec(X: np.ndarray | sp.csc_matrix, v: np.ndarray) -> np.ndarray:
    """``X @ v`` as a flat float64 ndarray (dense or sparse X)."""
    return np.asarray(X @ v, dtype=np.float64).ravel()


def _rmatvec(X: np.ndarray | sp.csc_matrix, v: np.ndarray) -> np.ndarray:
    """``X.T @ v`` as a flat float64 ndarray (dense or sparse X)."""
    return np.asarray(X.T @ v, dtype=np.float64).ravel()


def _weighted_means(
    X: np.ndarray | sp.csc_matrix,
    y: np.ndarray,
    sw: np.ndarray,
    fit_intercept: bool,
) -> tuple[np.ndarray, float]:
    """``(xbar, ybar)``: sw-weighted column means and mean of y (0 if no
    intercept)."""
    if not fit_intercept:
        return np.zeros(X.shape[1]), 0.0
    total = sw.sum()
    return _rmatvec(X, sw) / total, float(sw @ y) / total


def _centred_residual(
    X: np.ndarray | sp.csc_matrix,
    yc: np.ndarray,
    w: np.ndarray,
    xbar: np.ndarray,
) -> np.ndarray:
    """``yc - Xc w`` with ``Xc = X - xbar``, without forming Xc."""
    return yc - (_matvec(X, w) - xbar @ w)


def _centred_correlation(
    X: np.ndarray | sp.csc_matrix,
    sw_v: np.ndarray,
    xbar: np.ndarray,
) -> np.ndarray:
    """``Xc.T @ sw_v`` with ``Xc = X - xbar``, without forming Xc."""
    return _rmatvec(X, sw_v) - xbar * sw_v.sum()


# --------------------------------------------------------------------------
# Elementary pieces
# --------------------------------------------------------------------------


def soft_threshold_reference(x: ArrayLike, threshold: float) -> np.ndarray:
    """Soft thresholding, the proximal operator of ``threshold * |.|``.

    Parameters
    ----------
    x : array_like
        Input values.
    threshold : float
        Non-negative threshold.

    Returns
    -------
    numpy.ndarray
        ``sign(x) * max(|x| - threshold, 0)``, elementwise, float64 (0-d for a
        scalar input).
    """
    x = np.asarray(x, dtype=np.float64)
    return np.sign(x) * np.maximum(np.abs(x) - threshold, 0.0)


def _soft_threshold_scalar(z: float, threshold: float) -> float:
    """Scalar soft thresholding (the same formula, without array overhead)."""
    if z > threshold:
        return z - threshold
    if z < -threshold:
        return z + threshold
    return 0.0


def enet_objective(
    X: ArrayLike | sp.spmatrix | sp.sparray,
    y: ArrayLike,
    coef: ArrayLike,
    intercept: float = 0.0,
    *,
    alpha: float,
    l1_ratio: float = 1.0,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Elastic-net primal objective ``P(w, b)`` (scikit-learn convention).

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features)
        Design matrix.
    y : array_like of shape (n_samples,)
        Target.
    coef : array_like of shape (n_features,)
        Coefficients ``w``.
    intercept : float, default=0.0
        Intercept ``b``, used as given.
    alpha : float
        Overall penalty strength.
    l1_ratio : float, default=1.0
        Share of the L1 penalty: ``l1 = alpha * l1_ratio``,
        ``l2 = alpha * (1 - l1_ratio)``.
    sample_weight : array_like of shape (n_samples,), default=None
        Sample weights ``sw``; all ones when None.

    Returns
    -------
    float
        ``1/(2S) sum_i sw_i (y_i - x_i.w - b)^2 + l1 ||w||_1 + l2/2 ||w||^2``
        with ``S = sum(sw)``.
    """
    Xa = _as_design(X)
    y = _as_vector(y, "y", Xa.shape[0])
    w = _as_vector(coef, "coef", Xa.shape[1])
    sw = _sample_weights(len(y), sample_weight)
    l1, l2 = _penalty_strengths(alpha, l1_ratio)
    r = y - _matvec(Xa, w) - float(intercept)
    data_fit = 0.5 * np.sum(sw * r**2) / sw.sum()
    return float(data_fit + l1 * np.abs(w).sum() + 0.5 * l2 * (w @ w))


# --------------------------------------------------------------------------
# Duality gap
# --------------------------------------------------------------------------


def enet_dual_gap(
    X: ArrayLike | sp.spmatrix | sp.sparray,
    y: ArrayLike,
    coef: ArrayLike,
    intercept: float | None = None,
    *,
    alpha: float,
    l1_ratio: float = 1.0,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    positive: bool = False,
) -> float:
    """Duality gap of the elastic net at ``coef``.

    The gap ``P - D`` is non-negative for every ``coef`` (up to rounding), is
    an upper bound on the suboptimality ``P(coef) - min P``, and tends to 0
    as ``coef`` tends to the solution.

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features)
        Design matrix.
    y : array_like of shape (n_samples,)
        Target.
    coef : array_like of shape (n_features,)
        Coefficients ``w`` at which the gap is evaluated. With
        ``positive=True`` they are expected to be non-negative.
    intercept : float or None, default=None
        Only used when ``fit_intercept=False``: a fixed offset ``b``
        subtracted from y (None means 0). With ``fit_intercept=True`` it is
        ignored and the optimal intercept for ``coef`` is used, i.e. the
        problem is the one on weighted-centred data.
    alpha : float
        Overall penalty strength (``alpha > 0`` for a meaningful gap).
    l1_ratio : float, default=1.0
        Share of the L1 penalty.
    sample_weight : array_like of shape (n_samples,), default=None
        Sample weights; all ones when None.
    fit_intercept : bool, default=True
        Whether the problem has a free (unpenalized) intercept.
    positive : bool, default=False
        Whether the problem has the constraint ``w >= 0``.

    Returns
    -------
    float
        ``P(coef) - D(theta)`` for the dual point described below.

    Notes
    -----
    Dual point: the rescaled residual of Fercoq, Gramfort & Salmon (2015),
    "Mind the duality gap: safer rules for the Lasso", and Massias, Gramfort &
    Salmon (2018), "Celer: a fast solver for the Lasso with dual
    extrapolation". The elastic net is a Lasso on the augmented design
    ``[Xc ; sqrt(S l2) I]`` (augmented rows have weight 1) with target
    ``[yc ; 0]``; its dual is
    ``D(theta) = 1/S sum_aug sw_i (theta_i y_i - theta_i^2 / 2)``, feasible
    when ``|x_aug_j . (sw theta)| / S <= l1`` for all j (with ``positive``,
    only ``x_aug_j . (sw theta) / S <= l1``). With ``r = yc - Xc w`` and
    ``g = Xc.T (sw r) / S``, the candidate ``theta = s [r ; -sqrt(S l2) w]``
    gives ``x_aug_j . (sw theta) / S = s (g_j - l2 w_j)`` and the concave
    quadratic ``D_aug(s) = s <r, yc>_sw / S - s^2/2 (|r|^2_sw / S + l2
    |w|^2)``; s is its maximiser clipped into ``[0, s_max]``,
    ``s_max = l1 / max_j |g_j - l2 w_j|``. When ``l2 > 0``, the Fenchel dual
    of the elastic net itself (the penalty's conjugate is
    ``(|v| - l1)_+^2 / (2 l2)``) evaluated at ``theta = r`` is valid too,
    ``D_b = <r, yc - r/2>_sw / S - sum_j (|g_j| - l1)_+^2 / (2 l2)``, and the
    larger of the two dual values is used. With an intercept both points
    satisfy the extra dual constraint ``sum_i sw_i theta_i = 0``, because the
    weighted-centred residual has weighted mean zero.
    """
    Xa = _as_design(X)
    y = _as_vector(y, "y", Xa.shape[0])
    w = _as_vector(coef, "coef", Xa.shape[1])
    sw = _sample_weights(len(y), sample_weight)
    l1, l2 = _penalty_strengths(alpha, l1_ratio)
    total = sw.sum()

    xbar, ybar = _weighted_means(Xa, y, sw, fit_intercept)
    if fit_intercept:
        yc = y - ybar
    else:
        yc = y - (0.0 if intercept is None else float(intercept))
    r = _centred_residual(Xa, yc, w, xbar)
    g = _centred_correlation(Xa, sw * r, xbar) / total

    rss = float(np.sum(sw * r**2)) / total  # |r|^2_sw / S
    r_dot_y = float(np.sum(sw * r * yc)) / total  # <r, yc>_sw / S
    w_sq = float(w @ w)
    primal = 0.5 * rss + l1 * float(np.abs(w).sum()) + 0.5 * l2 * w_sq

    # Dual point 1: s * [r ; -sqrt(S l2) w], the largest feasible s is s_max.
    v = g - l2 * w
    v_max = float(np.max(v if positive else np.abs(v), initial=0.0))
    s_max = l1 / v_max if v_max > 0 else math.inf
    curvature = rss + l2 * w_sq
    s_best = r_dot_y / curvature if curvature > 0 else 0.0
    s = min(max(s_best, 0.0), s_max)
    dual = s * r_dot_y - 0.5 * s**2 * curvature

    # Dual point 2 (l2 > 0 only): theta = r in the elastic-net Fenchel dual.
    if l2 > 0:
        excess = np.maximum((g if positive else np.abs(g)) - l1, 0.0)
        dual_b = r_dot_y - 0.5 * rss - float(excess @ excess) / (2.0 * l2)
        dual = max(dual, dual_b)
    return float(primal - dual)


# --------------------------------------------------------------------------
# Coordinate descent
# --------------------------------------------------------------------------


def enet_coordinate_descent(
    X: ArrayLike | sp.spmatrix | sp.sparray,
    y: ArrayLike,
    *,
    alpha: float,
    l1_ratio: float = 1.0,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    positive: bool = False,
    coef_init: ArrayLike | None = None,
    max_iter: int = 100_000,
    tol: float = 1e-10,
) -> tuple[np.ndarray, float, float, int]:
    """Elastic net by cyclic coordinate descent (Friedman et al., 2010).

    One epoch visits j = 0, ..., p-1. With ``L_j = |xc_j|^2_sw / S`` and
    ``g_j = xc_j . (sw r) / S`` computed from the current residual
    ``r = yc - Xc w``, the exact minimisation along coordinate j is::

        w_j <- soft_threshold(L_j w_j + g_j, l1) / (L_j + l2)

    (with ``positive``: ``max(L_j w_j + g_j - l1, 0) / (L_j + l2)``), followed
    by ``r <- r - (w_j_new - w_j_old) xc_j``. Columns that are zero (or, with
    an intercept, constant) have ``L_j == 0`` and get ``w_j = 0``.

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features)
        Design matrix. Sparse input is converted to CSC and never densified:
        centring is implicit (see Notes).
    y : array_like of shape (n_samples,)
        Target.
    alpha : float
        Overall penalty strength.
    l1_ratio : float, default=1.0
        Share of the L1 penalty: ``l1 = alpha * l1_ratio``,
        ``l2 = alpha * (1 - l1_ratio)``.
    sample_weight : array_like of shape (n_samples,), default=None
        Sample weights; all ones when None.
    fit_intercept : bool, default=True
        Whether to fit an unpenalized intercept.
    positive : bool, default=False
        Whether to constrain the coefficients to be non-negative.
    coef_init : array_like of shape (n_features,), default=None
        Starting coefficients (zeros when None). Not modified.
    max_iter : int, default=100_000
        Maximum number of epochs.
    tol : float, default=1e-10
        Stop when the duality gap (:func:`enet_dual_gap`), checked after every
        epoch, is at most ``tol * sum_i sw_i (y_i - ybar)^2 / S`` (``ybar = 0``
        without an intercept).

    Returns
    -------
    coef : numpy.ndarray of shape (n_features,)
        Coefficients.
    intercept : float
        ``ybar - xbar.coef`` with an intercept, else 0.0.
    dual_gap : float
        Duality gap at the returned coefficients.
    n_iter : int
        Number of epochs run.

    Notes
    -----
    Sparse X: with ``Xc = X - xbar``, the residual is
    ``r = yc - Xc w = r_tilde + (xbar . w)`` where ``r_tilde = yc - X w`` only
    changes on the non-zero rows of the updated column. The scalar offset
    needs no tracking: ``xc_j`` has weighted mean zero, so
    ``xc_j . (sw r) = xc_j . (sw r_tilde)
    = x_j . (sw r_tilde) - xbar_j sum(sw r_tilde)``, which touches only the
    stored entries of column j once ``sum(sw r_tilde)`` is kept as a scalar.
    A change ``d`` of ``w_j`` updates ``r_tilde[rows_j] -= d x_j[rows_j]`` and
    ``sum(sw r_tilde) -= d x_j . sw``.
    """
    Xa = _as_design(X)
    n, p = Xa.shape
    y = _as_vector(y, "y", n)
    sw = _sample_weights(n, sample_weight)
    l1, l2 = _penalty_strengths(alpha, l1_ratio)
    if max_iter < 0:
        raise ValueError(f"max_iter must be >= 0, got {max_iter}.")
    total = sw.sum()
    xbar, ybar = _weighted_means(Xa, y, sw, fit_intercept)
    yc = y - ybar
    if coef_init is None:
        w = np.zeros(p)
    else:
        w = np.array(_as_vector(coef_init, "coef_init", p), dtype=np.float64)

    # Per-column constants: L_j (weighted centred second moment) and whether
    # the column is constant, i.e. L_j is 0 up to rounding.
    raw_moment = _rmatvec(Xa.multiply(Xa) if sp.issparse(Xa) else Xa**2, sw) / total
    if sp.issparse(Xa):
        # sum_i sw_i (x_ij - xbar_j)^2: the stored entries, plus xbar_j^2 for
        # each implicit zero (no cancellation for nearly constant columns).
        lipschitz = np.empty(p)
        for j in range(p):
            rows = Xa.indices[Xa.indptr[j] : Xa.indptr[j + 1]]
            vals = Xa.data[Xa.indptr[j] : Xa.indptr[j + 1]]
            stored = np.sum(sw[rows] * (vals - xbar[j]) ** 2)
            implicit = xbar[j] ** 2 * (total - np.sum(sw[rows]))
            lipschitz[j] = (stored + implicit) / total
    else:
        Xc = np.asfortranarray(Xa - xbar)
        sw_Xc = np.asfortranarray(Xc * sw[:, None])
        lipschitz = np.einsum("ij,ij->j", sw_Xc, Xc) / total
    constant = lipschitz <= _CONSTANT_COLUMN_RTOL * raw_moment

    tol_abs = tol * float(np.sum(sw * yc**2)) / total
    gap_kw = dict(
        alpha=alpha,
        l1_ratio=l1_ratio,
        sample_weight=sw,
        fit_intercept=fit_intercept,
        positive=positive,
    )

    if sp.issparse(Xa):
        indptr, indices, data = Xa.indptr, Xa.indices, Xa.data
        sw_data = sw[indices] * data  # sw_i x_ij for the stored entries
        col_sw_sum = _rmatvec(Xa, sw)  # x_j . sw
        r_tilde = yc - _matvec(Xa, w)  # the residual up to a constant
        sw_r_tilde_sum = float(sw @ r_tilde)
    else:
        r = yc - Xc @ w

    gap = enet_dual_gap(Xa, y, w, **gap_kw) if max_iter == 0 else math.inf
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        if sp.issparse(Xa):
            for j in range(p):
                start, end = indptr[j], indptr[j + 1]
                rows = indices[start:end]
                w_old = w[j]
                if constant[j]:
                    w_new = 0.0
                else:
                    corr = sw_data[start:end] @ r_tilde[rows] - xbar[j] * sw_r_tilde_sum
                    z = lipschitz[j] * w_old + corr / total
                    w_new = _coordinate_update(z, l1, lipschitz[j] + l2, positive)
                if w_new != w_old:
                    delta = w_new - w_old
                    r_tilde[rows] -= delta * data[start:end]
                    sw_r_tilde_sum -= delta * col_sw_sum[j]
                    w[j] = w_new
        else:
            for j in range(p):
                w_old = w[j]
                if constant[j]:
                    w_new = 0.0
                else:
                    z = lipschitz[j] * w_old + (sw_Xc[:, j] @ r) / total
                    w_new = _coordinate_update(z, l1, lipschitz[j] + l2, positive)
                if w_new != w_old:
                    r -= (w_new - w_old) * Xc[:, j]
                    w[j] = w_new
        gap = enet_dual_gap(Xa, y, w, **gap_kw)
        if gap <= tol_abs:
            break

    intercept = ybar - float(xbar @ w) if fit_intercept else 0.0
    return w, float(intercept), float(gap), n_iter


def _coordinate_update(z: float, l1: float, denom: float, positive: bool) -> float:
    """``soft_threshold(z, l1) / denom`` (``max(z - l1, 0) / denom`` if
    positive)."""
    if positive:
        return max(z - l1, 0.0) / denom
    return _soft_threshold_scalar(z, l1) / denom


def lasso_coordinate_descent(
    X: ArrayLike | sp.spmatrix | sp.sparray,
    y: ArrayLike,
    *,
    alpha: float,
    **kwargs: Any,
) -> tuple[np.ndarray, float, float, int]:
    """Lasso by cyclic coordinate descent.

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features)
        Design matrix.
    y : array_like of shape (n_samples,)
        Target.
    alpha : float
        L1 penalty strength.
    **kwargs
        Any other keyword of :func:`enet_coordinate_descent` except
        ``l1_ratio``.

    Returns
    -------
    tuple
        ``(coef, intercept, dual_gap, n_iter)`` of
        :func:`enet_coordinate_descent` with ``l1_ratio=1``.
    """
    if "l1_ratio" in kwargs:
        raise TypeError("lasso_coordinate_descent does not take l1_ratio.")
    return enet_coordinate_descent(X, y, alpha=alpha, l1_ratio=1.0, **kwargs)


def alpha_max(
    X: ArrayLike | sp.spmatrix | sp.sparray,
    y: ArrayLike,
    *,
    l1_ratio: float = 1.0,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
) -> float:
    """Smallest alpha for which ``w = 0`` is an elastic-net solution.

    At ``w = 0`` the optimality condition is ``|g_j| <= l1`` for all j with
    ``g = Xc.T (sw yc) / S``.

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features)
        Design matrix.
    y : array_like of shape (n_samples,)
        Target.
    l1_ratio : float, default=1.0
        Share of the L1 penalty (``inf`` is returned for 0).
    sample_weight : array_like of shape (n_samples,), default=None
        Sample weights; all ones when None.
    fit_intercept : bool, default=True
        Whether the problem has an intercept (then X and y are centred).

    Returns
    -------
    float
        ``max_j |xc_j . (sw yc)| / (S * l1_ratio)``.
    """
    Xa = _as_design(X)
    y = _as_vector(y, "y", Xa.shape[0])
    sw = _sample_weights(len(y), sample_weight)
    _penalty_strengths(1.0, l1_ratio)
    xbar, ybar = _weighted_means(Xa, y, sw, fit_intercept)
    corr = _centred_correlation(Xa, sw * (y - ybar), xbar)
    top = float(np.max(np.abs(corr), initial=0.0)) / sw.sum()
    if l1_ratio == 0:
        return math.inf if top > 0 else 0.0
    return top / l1_ratio


# --------------------------------------------------------------------------
# Ridge
# --------------------------------------------------------------------------


def ridge_closed_form(
    X: ArrayLike | sp.spmatrix | sp.sparray,
    y: ArrayLike,
    *,
    alpha: float | ArrayLike,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
) -> tuple[np.ndarray, float | np.ndarray]:
    """Ridge regression by the normal equations (scikit-learn's convention).

    Minimises ``sum_i sw_i (y_i - x_i.w - b)^2 + alpha ||w||^2`` by solving
    ``(Xc.T W Xc + alpha I) w = Xc.T W yc`` with ``W = diag(sw)``; then
    ``b = ybar - xbar.w``. Sparse X is densified (this is a reference).

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features)
        Design matrix.
    y : array_like of shape (n_samples,) or (n_samples, n_targets)
        Target(s).
    alpha : float or array_like of shape (n_targets,)
        Penalty strength, one value for all targets or one per target.
    sample_weight : array_like of shape (n_samples,), default=None
        Sample weights; all ones when None.
    fit_intercept : bool, default=True
        Whether to fit an unpenalized intercept.

    Returns
    -------
    coef : numpy.ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients, one row per target when y is 2-D.
    intercept : float or numpy.ndarray of shape (n_targets,)
        Intercept(s); 0 without ``fit_intercept``.
    """
    Xa = _as_design(X)
    Xd = Xa.toarray() if sp.issparse(Xa) else Xa
    n, p = Xd.shape
    Y = np.asarray(y, dtype=np.float64)
    if Y.ndim not in (1, 2) or Y.shape[0] != n:
        raise ValueError(f"y must have shape ({n},) or ({n}, k), got {Y.shape}.")
    one_target = Y.ndim == 1
    Y = Y.reshape(n, -1)
    k = Y.shape[1]
    sw = _sample_weights(n, sample_weight)
    alphas = np.asarray(alpha, dtype=np.float64).ravel()
    if alphas.size == 1:
        alphas = np.full(k, alphas[0])
    if alphas.size != k or np.any(alphas < 0):
        raise ValueError(f"alpha must be >= 0, a scalar or {k} values.")

    if fit_intercept:
        xbar = sw @ Xd / sw.sum()
        ybar = sw @ Y / sw.sum()
    else:
        xbar, ybar = np.zeros(p), np.zeros(k)
    Xc = Xd - xbar
    Yc = Y - ybar
    gram = Xc.T @ (sw[:, None] * Xc)
    rhs = Xc.T @ (sw[:, None] * Yc)
    coef = np.empty((k, p))
    for t in range(k):
        coef[t] = np.linalg.solve(gram + alphas[t] * np.eye(p), rhs[:, t])
    intercept = ybar - coef @ xbar
    if one_target:
        return coef[0], float(intercept[0])
    return coef, intercept


def ridge_objective(
    X: ArrayLike | sp.spmatrix | sp.sparray,
    y: ArrayLike,
    coef: ArrayLike,
    intercept: float = 0.0,
    *,
    alpha: float,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Ridge objective in scikit-learn's convention (one target).

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features)
        Design matrix.
    y : array_like of shape (n_samples,)
        Target.
    coef : array_like of shape (n_features,)
        Coefficients ``w``.
    intercept : float, default=0.0
        Intercept ``b``.
    alpha : float
        Penalty strength.
    sample_weight : array_like of shape (n_samples,), default=None
        Sample weights; all ones when None.

    Returns
    -------
    float
        ``sum_i sw_i (y_i - x_i.w - b)^2 + alpha ||w||^2`` (not divided by
        the number of samples).
    """
    Xa = _as_design(X)
    y = _as_vector(y, "y", Xa.shape[0])
    w = _as_vector(coef, "coef", Xa.shape[1])
    sw = _sample_weights(len(y), sample_weight)
    r = y - _matvec(Xa, w) - float(intercept)
    return float(np.sum(sw * r**2) + alpha * (w @ w))


# --------------------------------------------------------------------------
# Logistic regression
# --------------------------------------------------------------------------


def _logistic_loss_and_residual(
    Z: np.ndarray, labels: np.ndarray, sw: np.ndarray
) -> tuple[float, np.ndarray]:
    """Mean loss at the linear predictors Z (n x rows) and its gradient with
    respect to Z, (P - U) sw / S (P the predicted probabilities, U the one-hot
    labels; the single binary row uses the sigmoid of its column)."""
    total = sw.sum()
    n = Z.shape[0]
    if Z.shape[1] == 1:
        sign = np.where(labels == 1, 1.0, -1.0)
        loss = np.logaddexp(0.0, -sign * Z[:, 0])
        P = expit(Z)
        U = (labels == 1).astype(np.float64)[:, None]
    else:
        loss = logsumexp(Z, axis=1) - Z[np.arange(n), labels]
        P = softmax(Z, axis=1)
        U = np.zeros_like(Z)
        U[np.arange(n), labels] = 1.0
    return float(sw @ loss / total), (P - U) * (sw / total)[:, None]


def _logistic_inputs(X, y, sample_weight):
    """X (float64), class indices and sample weights, checked."""
    Xa = _as_design(X)
    labels = np.asarray(y)
    if labels.ndim != 1 or labels.shape[0] != Xa.shape[0]:
        raise ValueError(f"y must have shape ({Xa.shape[0]},), got {labels.shape}.")
    if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise ValueError("y must hold class indices 0 .. K-1.")
    return Xa, labels.astype(np.intp), _sample_weights(len(labels), sample_weight)


def logistic_objective(
    X: ArrayLike | sp.spmatrix | sp.sparray,
    y: ArrayLike,
    coef: ArrayLike,
    intercept: ArrayLike = 0.0,
    *,
    alpha: float,
    l1_ratio: float = 1.0,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Penalized logistic objective (mean loss + elastic net).

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features)
    y : array_like of int, shape (n_samples,)
        Class indices 0 .. K-1.
    coef : array_like of shape (n_features,) or (rows, n_features)
        One row (binary model, sigmoid of x.w + b) or K rows (softmax).
    intercept : float or array_like of shape (rows,), default=0.0
    alpha, l1_ratio : float
        Penalty ``alpha l1_ratio ||W||_1 + alpha (1 - l1_ratio)/2 ||W||_F^2``.
    sample_weight : array_like of shape (n_samples,), default=None

    Returns
    -------
    float
    """
    Xa, labels, sw = _logistic_inputs(X, y, sample_weight)
    W = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    if W.shape[1] != Xa.shape[1]:
        raise ValueError(f"coef has {W.shape[1]} columns, X has {Xa.shape[1]}.")
    l1, l2 = _penalty_strengths(alpha, l1_ratio)
    Z = np.asarray(Xa @ W.T) + np.asarray(intercept, dtype=np.float64)
    loss, _ = _logistic_loss_and_residual(Z, labels, sw)
    return float(loss + l1 * np.abs(W).sum() + 0.5 * l2 * np.sum(W * W))


def logistic_proximal_gradient(
    X: ArrayLike | sp.spmatrix | sp.sparray,
    y: ArrayLike,
    *,
    alpha: float,
    l1_ratio: float = 1.0,
    multinomial: bool = False,
    fit_intercept: bool = True,
    sample_weight: ArrayLike | None = None,
    positive: bool = False,
    max_iter: int = 100_000,
    tol: float = 1e-10,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Penalized logistic regression by accelerated proximal gradient.

    FISTA (Beck & Teboulle 2009, "A fast iterative shrinkage-thresholding
    algorithm for linear inverse problems", SIAM J. Imaging Sci. 2(1)) with
    the adaptive restart of O'Donoghue & Candes (2015, "Adaptive restart for
    accelerated gradient schemes", Found. Comput. Math. 15). The loss
    gradient is Lipschitz with constant ``c ||[X, 1]||_2^2 max(sw) / S``,
    ``c = 1/4`` for the sigmoid and ``1/2`` for the softmax (the largest
    eigenvalue of diag(p) - p p^T); with that fixed step each iteration is::

        G = X^T R,  R = (P - U) sw / S          (gradient at the extrapolated point)
        W <- prox_{step g}(V - step G),  b <- c - step sum_i R_i

    with the elastic-net prox of :func:`soft_threshold_reference` (then the
    shrink 1 / (1 + step l2), and a clip at 0 when ``positive``).

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features)
    y : array_like of int, shape (n_samples,)
        Class indices 0 .. K-1 (0/1 for a binary model).
    alpha, l1_ratio : float
        Penalty strengths, as in :func:`logistic_objective`.
    multinomial : bool, default=False
        K softmax rows (K = max(y) + 1) instead of one sigmoid row.
    fit_intercept : bool, default=True
        Fit unpenalized intercepts.
    sample_weight : array_like of shape (n_samples,), default=None
    positive : bool, default=False
        Constrain the coefficients to be >= 0.
    max_iter : int, default=100000
    tol : float, default=1e-10
        Stop once the step (gradient mapping) ``||W+ - V||_F / step`` is at
        most ``tol``.

    Returns
    -------
    coef : ndarray of shape (rows, n_features)
    intercept : ndarray of shape (rows,)
    n_iter : int
    """
    Xa, labels, sw = _logistic_inputs(X, y, sample_weight)
    l1, l2 = _penalty_strengths(alpha, l1_ratio)
    n, p = Xa.shape
    rows = int(labels.max()) + 1 if multinomial else 1
    if not multinomial and labels.max() > 1:
        raise ValueError("a binary model needs labels in {0, 1}.")
    # Lipschitz constant of the mean loss in (W, b): sigma_max([X, 1])^2 scaled
    ones = np.ones((n, 1))
    if sp.issparse(Xa):
        design = sp.hstack([Xa, sp.csc_matrix(ones)]) if fit_intercept else Xa
        sigma = svds(design.tocsc(), k=1, return_singular_vectors=False)[0]
    else:
        design = np.hstack([Xa, ones]) if fit_intercept else Xa
        sigma = np.linalg.norm(design, 2)
    curvature = 0.5 if multinomial else 0.25
    lipschitz = curvature * sigma**2 * sw.max() / sw.sum()
    step = 1.0 / lipschitz if lipschitz > 0 else 1.0

    def smooth(W, b):
        return _logistic_loss_and_residual(np.asarray(Xa @ W.T) + b, labels, sw)

    def prox(W):
        W = soft_threshold_reference(W.ravel(), step * l1).reshape(W.shape)
        W = W / (1.0 + step * l2)
        return np.maximum(W, 0.0) if positive else W

    W = np.zeros((rows, p))
    b = np.zeros(rows)
    V, c = W.copy(), b.copy()  # the extrapolated point
    momentum = 1.0
    for n_iter in range(1, max_iter + 1):
        _, R = smooth(V, c)
        G = np.asarray(Xa.T @ R).T
        W_new = prox(V - step * G)
        b_new = c - step * R.sum(axis=0) if fit_intercept else c
        mapping = np.sqrt(np.sum((W_new - V) ** 2) + np.sum((b_new - c) ** 2)) / step
        if mapping <= tol:
            return W_new, b_new, n_iter
        # restart the momentum when the step goes against the last move
        if np.sum((V - W_new) * (W_new - W)) + np.sum((c - b_new) * (b_new - b)) > 0:
            momentum = 1.0
        momentum_new = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * momentum**2))
        beta = (momentum - 1.0) / momentum_new
        V = W_new + beta * (W_new - W)
        c = b_new + beta * (b_new - b)
        W, b, momentum = W_new, b_new, momentum_new
    return W, b, max_iter
