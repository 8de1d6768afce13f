"""NumPy reference implementations: the readable ground truth.

Plain NumPy/SciPy, no compiled code and no tricks (no working sets, no
screening, no extrapolation). The tests compare the compiled solvers with
these functions, and the benchmarks measure the compiled core against them.
Everything is computed in float64.

Conventions (scikit-learn's), with sample weights sw and ``S = sum(sw)``::

    P(w, b) = 1/(2S) sum_i sw_i (y_i - x_i.w - b)^2
              + l1 ||w||_1 + l2/2 ||w||^2,     l1 = alpha l1_ratio,
                                               l2 = alpha (1 - l1_ratio)

With an intercept, the optimal ``b`` is ``ybar - xbar.w`` (weighted means),
so the problem is the same one on weighted-centred data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp


def _weights(n: int, sample_weight: Any) -> np.ndarray:
    if sample_weight is None:
        return np.ones(n)
    return np.asarray(sample_weight, dtype=np.float64)


def _dense(X: Any) -> np.ndarray:
    return X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)


def soft_threshold_reference(x: Any, threshold: float) -> np.ndarray:
    """``sign(x) * max(|x| - threshold, 0)``, elementwise."""
    x = np.asarray(x, dtype=np.float64)
    return np.sign(x) * np.maximum(np.abs(x) - threshold, 0.0)


def enet_objective(
    X: Any,
    y: Any,
    coef: Any,
    intercept: float = 0.0,
    *,
    alpha: float,
    l1_ratio: float = 1.0,
    sample_weight: Any = None,
) -> float:
    """The elastic-net primal objective P(w, b) above."""
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(coef, dtype=np.float64)
    sw = _weights(len(y), sample_weight)
    r = y - np.asarray(X @ w).ravel() - intercept
    data_fit = 0.5 * np.sum(sw * r**2) / sw.sum()
    penalty = alpha * (l1_ratio * np.abs(w).sum() + 0.5 * (1 - l1_ratio) * w @ w)
    return float(data_fit + penalty)


def _centred(X: Any, y: np.ndarray, sw: np.ndarray, fit_intercept: bool):
    """Column means, mean of y and centred y (X is centred implicitly)."""
    total = sw.sum()
    if fit_intercept:
        xbar = np.asarray(X.T @ sw).ravel() / total
        ybar = float(sw @ y) / total
    else:
        xbar = np.zeros(X.shape[1])
        ybar = 0.0
    return xbar, ybar, y - ybar


def enet_dual_gap(
    X: Any,
    y: Any,
    coef: Any,
    intercept: float | None = None,
    *,
    alpha: float,
    l1_ratio: float = 1.0,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    positive: bool = False,
) -> float:
    """Duality gap at ``coef``: a bound on ``P(coef, b) - min P``.

    With ``fit_intercept`` the intercept is the optimal one for ``coef``
    (the ``intercept`` argument is ignored); without, ``intercept`` (default
    0) is used as a fixed offset of y.

    Dual point (Fercoq, Gramfort & Salmon 2015, "Mind the duality gap";
    Massias, Gramfort & Salmon 2018): the elastic net is a Lasso on the
    augmented design [Xc; sqrt(S l2) I] with target [yc; 0], whose dual is
    feasible when |x_aug_j . theta| / S <= l1. We take the rescaled residual
    theta = s [r; -sqrt(S l2) w], where v_j = s (g_j - l2 w_j) with
    g_j = xc_j . (sw r) / S, with the best s in [0, s_max]. When l2 > 0, the
    Fenchel dual of the elastic net at theta = r is valid too; the larger
    of the two dual values is used.
    """
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(coef, dtype=np.float64)
    sw = _weights(len(y), sample_weight)
    total = sw.sum()
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    if fit_intercept:
        xbar, _, yc = _centred(X, y, sw, True)
        r = yc - (np.asarray(X @ w).ravel() - xbar @ w)
    else:
        yc = y - (0.0 if intercept is None else intercept)
        r = yc - np.asarray(X @ w).ravel()
    # sum(sw r) = 0 with an intercept, so X^T (sw r) is already centred
    g = np.asarray(X.T @ (sw * r)).ravel() / total
    rss = np.sum(sw * r**2) / total
    ry = np.sum(sw * r * yc) / total
    primal = 0.5 * rss + l1 * np.abs(w).sum() + 0.5 * l2 * w @ w

    v = g - l2 * w
    v_max = np.max(v) if positive else np.max(np.abs(v))
    quad = rss + l2 * w @ w
    s = ry / quad if quad > 0 else 0.0
    s_max = l1 / v_max if v_max > 0 else np.inf
    s = min(max(s, 0.0), s_max)
    dual = s * ry - 0.5 * s**2 * quad
    if l2 > 0:
        excess = np.maximum((g if positive else np.abs(g)) - l1, 0.0)
        dual = max(dual, ry - 0.5 * rss - np.sum(excess**2) / (2 * l2))
    return float(primal - dual)


def enet_coordinate_descent(
    X: Any,
    y: Any,
    *,
    alpha: float,
    l1_ratio: float = 1.0,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    positive: bool = False,
    coef_init: Any = None,
    max_iter: int = 100_000,
    tol: float = 1e-10,
) -> tuple[np.ndarray, float, float, int]:
    """Cyclic coordinate descent for the elastic net (Friedman et al. 2010).

    For coordinate j, with L_j = ||xc_j||^2_sw / S and g_j = xc_j.(sw r)/S
    computed from the current residual r::

        w_j <- soft_threshold(L_j w_j + g_j, l1) / (L_j + l2)

    (with ``positive``: max(L_j w_j + g_j - l1, 0) / (L_j + l2)), then
    r <- r - (w_j_new - w_j_old) xc_j. Stops when the duality gap is
    <= tol * sum_i sw_i (y_i - ybar)^2 / S, checked after every epoch.

    Returns
    -------
    coef, intercept, dual_gap, n_iter (epochs)
    """
    y = np.asarray(y, dtype=np.float64)
    sw = _weights(len(y), sample_weight)
    total = sw.sum()
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    sparse = sp.issparse(X)
    Xs = sp.csc_matrix(X, dtype=np.float64) if sparse else _dense(X)
    n, p = Xs.shape
    xbar, ybar, yc = _centred(Xs, y, sw, fit_intercept)
    w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)

    # Residual of the centred problem; sparse X is centred implicitly:
    # xc_j = x_j - xbar_j, so xc_j . v = x_j . v - xbar_j sum(v).
    r = yc - (np.asarray(Xs @ w).ravel() - xbar @ w)
    columns = []
    lipschitz = np.empty(p)
    for j in range(p):
        if sparse:
            start, end = Xs.indptr[j], Xs.indptr[j + 1]
            rows, vals = Xs.indices[start:end], Xs.data[start:end]
            col = np.zeros(n)
            col[rows] = vals
        else:
            col = Xs[:, j]
        col = col - xbar[j]
        columns.append(col)
        lipschitz[j] = np.sum(sw * col**2) / total

    tol_abs = tol * np.sum(sw * yc**2) / total
    gap = np.inf
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        for j in range(p):
            if lipschitz[j] <= 1e-14 * max(1.0, xbar[j] ** 2):
                w[j] = 0.0
                continue
            col = columns[j]
            z = lipschitz[j] * w[j] + np.sum(sw * col * r) / total
            if positive:
                new = max(z - l1, 0.0) / (lipschitz[j] + l2)
            else:
                new = soft_threshold_reference(z, l1) / (lipschitz[j] + l2)
            if new != w[j]:
                r -= (new - w[j]) * col
                w[j] = new
        gap = enet_dual_gap(
            Xs,
            y,
            w,
            alpha=alpha,
            l1_ratio=l1_ratio,
            sample_weight=sw,
            fit_intercept=fit_intercept,
            positive=positive,
        )
        if gap <= tol_abs:
            break
    intercept = ybar - xbar @ w if fit_intercept else 0.0
    return w, float(intercept), float(gap), n_iter


def lasso_coordinate_descent(
    X: Any, y: Any, *, alpha: float, **kwargs: Any
) -> tuple[np.ndarray, float, float, int]:
    """:func:`enet_coordinate_descent` with ``l1_ratio=1``."""
    return enet_coordinate_descent(X, y, alpha=alpha, l1_ratio=1.0, **kwargs)


def alpha_max(
    X: Any,
    y: Any,
    *,
    l1_ratio: float = 1.0,
    sample_weight: Any = None,
    fit_intercept: bool = True,
) -> float:
    """Smallest alpha for which w = 0 is optimal:
    ``max_j |xc_j . (sw yc)| / (S l1_ratio)``."""
    y = np.asarray(y, dtype=np.float64)
    sw = _weights(len(y), sample_weight)
    _, _, yc = _centred(X, y, sw, fit_intercept)
    corr = np.asarray(X.T @ (sw * yc)).ravel()
    return float(np.max(np.abs(corr)) / (sw.sum() * l1_ratio))


def ridge_closed_form(
    X: Any,
    y: Any,
    *,
    alpha: float | Any,
    sample_weight: Any = None,
    fit_intercept: bool = True,
) -> tuple[np.ndarray, float | np.ndarray]:
    """Ridge by the normal equations, scikit-learn's Ridge convention::

        sum_i sw_i (y_i - x_i.w - b)^2 + alpha ||w||^2

    solved as (Xc^T W Xc + alpha I) w = Xc^T W yc. ``y`` may be 2-D
    (n, k): then coef is (k, p), intercept (k,), and ``alpha`` a scalar or
    one value per target.
    """
    Xd = _dense(X)
    Y = np.asarray(y, dtype=np.float64)
    one_target = Y.ndim == 1
    Y = Y.reshape(len(Y), -1)
    sw = _weights(len(Y), sample_weight)
    total = sw.sum()
    if fit_intercept:
        xbar = sw @ Xd / total
        ybar = sw @ Y / total
    else:
        xbar = np.zeros(Xd.shape[1])
        ybar = np.zeros(Y.shape[1])
    Xc = Xd - xbar
    Yc = Y - ybar
    alphas = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (Y.shape[1],))
    gram = Xc.T @ (sw[:, None] * Xc)
    rhs = Xc.T @ (sw[:, None] * Yc)
    coef = np.empty((Y.shape[1], Xd.shape[1]))
    for k in range(Y.shape[1]):
        coef[k] = np.linalg.solve(gram + alphas[k] * np.eye(len(gram)), rhs[:, k])
    intercept = ybar - coef @ xbar
    if one_target:
        return coef[0], float(intercept[0])
    return coef, intercept


def ridge_objective(
    X: Any,
    y: Any,
    coef: Any,
    intercept: float = 0.0,
    *,
    alpha: float,
    sample_weight: Any = None,
) -> float:
    """``sum_i sw_i (y_i - x_i.w - b)^2 + alpha ||w||^2`` (1-D y)."""
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(coef, dtype=np.float64)
    sw = _weights(len(y), sample_weight)
    r = y - np.asarray(X @ w).ravel() - intercept
    return float(np.sum(sw * r**2) + alpha * w @ w)
