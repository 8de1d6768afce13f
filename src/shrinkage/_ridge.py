"""Ridge regression: closed form for dense X, LSQR/CG for sparse X.

Ridge follows scikit-learn's **Ridge** convention, which is *not* the
ElasticNet one::

    sum_i sw_i (y_i - x_i.w - b)^2 + alpha * ||w||_2^2        (Ridge)
    1/(2S) sum_i sw_i (y_i - x_i.w - b)^2 + alpha_en/2 ||w||^2 (ElasticNet, l1_ratio=0)

so ``alpha_ridge = S * alpha_en`` (S = sum of weights, n without weights).

The intercept is handled by centring: the optimal intercept is
``ybar - xbar.w`` and w solves the problem on weighted-centred data.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning

from ._base import LinearPredictorMixin
from ._validation import (
    check_bool,
    check_finite_result,
    check_nonnegative_real,
    check_positive_int,
    validate_regression_data,
)

_SOLVERS = ("auto", "cholesky", "lsqr", "sparse_cg")


def _weighted_means(X: Any, y: np.ndarray, sw: np.ndarray | None):
    if sw is None:
        xbar = np.asarray(X.mean(axis=0)).ravel()
        ybar = y.mean(axis=0)
    else:
        total = sw.sum(dtype=np.float64)
        xbar = np.asarray(X.T @ sw).ravel() / total
        ybar = (sw @ y) / total
    return xbar.astype(X.dtype, copy=False), ybar


def _constant_columns(X: Any) -> np.ndarray:
    """Boolean mask of the columns whose entries are all equal."""
    if sp.issparse(X):
        hi = X.max(axis=0).toarray().ravel()
        lo = X.min(axis=0).toarray().ravel()
        return hi == lo
    return np.ptp(X, axis=0) == 0


def _solve_cholesky(Xc: np.ndarray, Y: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """Closed form on centred, weight-scaled dense data; Y is (n, k).

    Factor the smaller of Xc^T Xc + alpha I (p x p, primal) and
    Xc Xc^T + alpha I (n x n, dual: w = Xc^T (K + alpha I)^{-1} y) once per
    distinct alpha, solving every target that shares it at once.
    """
    n, p = Xc.shape
    primal = p <= n
    gram = Xc.T @ Xc if primal else Xc @ Xc.T
    rhs = Xc.T @ Y if primal else Y
    coef = np.empty((Y.shape[1], p), dtype=Xc.dtype)
    for alpha in np.unique(alphas):
        targets = np.flatnonzero(alphas == alpha)
        A = gram.copy()
        A.flat[:: A.shape[0] + 1] += alpha
        try:
            sol = la.cho_solve(
                la.cho_factor(A, lower=True, check_finite=False),
                rhs[:, targets],
                check_finite=False,
            )
        except la.LinAlgError:
            warnings.warn(
                f"Ridge system is singular at alpha={alpha}; "
                "falling back to a least-squares solve.",
                la.LinAlgWarning,
                stacklevel=3,
            )
            sol = la.lstsq(A, rhs[:, targets], check_finite=False)[0]
        coef[targets] = (sol if primal else Xc.T @ sol).T
    return coef


def _centred_operator(X: Any, xbar: np.ndarray, sqrt_sw: np.ndarray | None):
    """LinearOperator for sqrt(W) (X - 1 xbar^T) without forming it."""
    n, p = X.shape

    def matvec(w):
        w = np.ravel(w)
        out = X @ w - xbar @ w
        return out * sqrt_sw if sqrt_sw is not None else out

    def rmatvec(v):
        v = np.ravel(v)
        if sqrt_sw is not None:
            v = v * sqrt_sw
        return X.T @ v - xbar * v.sum()

    return spla.LinearOperator((n, p), matvec=matvec, rmatvec=rmatvec, dtype=X.dtype)


class Ridge(LinearPredictorMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Linear regression with an L2 penalty.

    .. warning::
       ``alpha`` follows scikit-learn's Ridge convention, **not**
       ElasticNet's: Ridge minimises
       ``sum_i sw_i (y_i - x_i.w - b)^2 + alpha * ||w||^2`` (no 1/(2n) on the
       data term, no 1/2 on the penalty). ``Ridge(alpha=a)`` equals
       ``ElasticNet(alpha=a / n_samples, l1_ratio=0)`` without weights.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        Non-negative penalty strength(s), one per target if an array.
    fit_intercept : bool, default=True
    solver : {'auto', 'cholesky', 'lsqr', 'sparse_cg'}, default='auto'
        'cholesky': exact closed form via a Cholesky factorisation of the
        smaller of X^T X and X X^T (dense X only). 'lsqr' and 'sparse_cg':
        iterative (scipy.sparse.linalg), matrix-free, with implicit centring;
        for sparse X nothing of size n x n or a dense copy of X is formed.
        'auto' is 'cholesky' for dense and 'lsqr' for sparse X.
    max_iter : int or None, default=None
        Iteration limit of the iterative solvers (scipy's default if None).
    tol : float, default=1e-4
        Tolerance of the iterative solvers.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : ndarray of shape (n_targets,)
        Iterations per target for the iterative solvers; 1 (one exact solve)
        for 'cholesky'.
    solver_ : str
        The solver used.
    n_features_in_ : int
    """

    def __init__(
        self,
        alpha: float | np.ndarray = 1.0,
        *,
        fit_intercept: bool = True,
        solver: str = "auto",
        max_iter: int | None = None,
        tol: float = 1e-4,
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol

    def _check_alphas(self, n_targets: int) -> np.ndarray:
        if np.ndim(self.alpha) == 0:
            return np.full(n_targets, check_nonnegative_real(self.alpha, "alpha"))
        alphas = np.asarray(self.alpha)
        if alphas.dtype.kind not in "iuf" or alphas.ndim != 1:
            raise ValueError(
                "alpha must be a non-negative float or a 1-D array "
                f"of them, got {self.alpha!r}."
            )
        if alphas.shape[0] != n_targets:
            raise ValueError(
                f"alpha has {alphas.shape[0]} entries but y has {n_targets} targets."
            )
        for a in alphas:
            check_nonnegative_real(float(a), "alpha")
        return alphas.astype(np.float64)

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Ridge:
        """Fit Ridge regression.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        check_bool(self.fit_intercept, "fit_intercept")
        if self.solver not in _SOLVERS:
            raise ValueError(f"solver must be one of {_SOLVERS}, got {self.solver!r}.")
        if self.max_iter is not None:
            check_positive_int(self.max_iter, "max_iter")
        check_nonnegative_real(self.tol, "tol")
        X, y, sw = validate_regression_data(
            self, X, y, sample_weight, multi_output=True
        )
        Y = y.reshape(X.shape[0], -1)
        alphas = self._check_alphas(Y.shape[1])
        solver = self.solver
        if solver == "auto":
            solver = "lsqr" if sp.issparse(X) else "cholesky"
        if solver == "cholesky" and sp.issparse(X):
            raise ValueError(
                "solver='cholesky' needs dense X; use 'lsqr' or "
                "'sparse_cg' (or 'auto') for sparse X."
            )

        if self.fit_intercept:
            xbar, ybar = _weighted_means(X, Y, sw)
        else:
            xbar = np.zeros(X.shape[1], dtype=X.dtype)
            ybar = np.zeros(Y.shape[1], dtype=X.dtype)
        sqrt_sw = None if sw is None else np.sqrt(sw)
        Yc = Y - ybar
        if sqrt_sw is not None:
            Yc = Yc * sqrt_sw[:, None]

        n_iter = None
        if solver == "cholesky":
            Xc = X - xbar if self.fit_intercept else np.array(X, copy=True)
            if sqrt_sw is not None:
                Xc *= sqrt_sw[:, None]
            coef = _solve_cholesky(Xc, Yc, alphas)
        else:
            op = _centred_operator(X, xbar, sqrt_sw)
            coef = np.empty((Y.shape[1], X.shape[1]), dtype=X.dtype)
            n_iter = np.empty(Y.shape[1], dtype=np.int64)
            for k in range(Y.shape[1]):
                coef[k], n_iter[k] = self._iterative(op, Yc[:, k], alphas[k], solver)

        if self.fit_intercept:
            # Exact answers where centring leaves only rounding noise: a
            # constant column has no effect (its coefficient is 0) and a
            # constant target is fitted by its intercept alone.
            coef[:, _constant_columns(X)] = 0.0
            coef[np.ptp(Y, axis=0) == 0] = 0.0
        intercept = ybar - coef @ xbar
        constant_y = np.ptp(Y, axis=0) == 0
        if self.fit_intercept and np.any(constant_y):
            intercept = np.where(constant_y, Y[0], intercept)
        if n_iter is None:
            n_iter = np.ones(Y.shape[1], dtype=np.int64)
        check_finite_result("The Ridge solution", coef, intercept)
        if y.ndim == 1:
            coef, intercept = coef[0], float(intercept[0])
        self.coef_ = coef
        self.intercept_ = (
            intercept
            if self.fit_intercept
            else (0.0 if y.ndim == 1 else np.zeros(Y.shape[1]))
        )
        self.n_iter_ = n_iter
        self.solver_ = solver
        return self

    def _iterative(self, op, b: np.ndarray, alpha: float, solver: str):
        if solver == "lsqr":
            # LSQR minimises ||A w - b||^2 + damp^2 ||w||^2: Ridge with damp^2
            # = alpha, exactly.
            res = spla.lsqr(
                op,
                b,
                damp=np.sqrt(alpha),
                atol=self.tol,
                btol=self.tol,
                iter_lim=self.max_iter,
            )
            if res[1] == 7:  # istop 7: the iteration limit was reached
                warnings.warn(
                    f"lsqr did not converge in {res[2]} iterations (max_iter="
                    f"{self.max_iter}; None means 2 * n_features) to tol="
                    f"{self.tol}. Increase max_iter or tol.",
                    ConvergenceWarning,
                    stacklevel=3,
                )
            return res[0], res[2]
        # Conjugate gradient on the normal equations (A^T A + alpha I) w = A^T b.
        p = op.shape[1]
        normal = spla.LinearOperator(
            (p, p),
            matvec=lambda w: op.rmatvec(op.matvec(w)) + alpha * np.ravel(w),
            dtype=op.dtype,
        )
        counter = [0]

        def count(_):
            counter[0] += 1

        w, info = spla.cg(
            normal,
            op.rmatvec(b),
            rtol=self.tol,
            atol=0.0,
            maxiter=self.max_iter,
            callback=count,
        )
        if info > 0:
            warnings.warn(
                f"sparse_cg did not converge in {info} iterations.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return w, counter[0]
