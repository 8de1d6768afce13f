"""Ridge regression with the penalty chosen by cross-validation.

``cv=None`` scores every candidate alpha by exact leave-one-out (LOO) from a
single decomposition of the (centred, weighted) data. For a linear smoother
``yhat = H y`` fitted by penalised least squares, the prediction for sample
``i`` of the model refitted without it is known in closed form::

    y_i - yhat_{-i}(x_i) = e_i / (1 - h_ii),     e = y - H y,

(the PRESS identity of Allen, 1974; Golub, Heath & Wahba, 1979, derive
generalised cross-validation from it by replacing ``h_ii`` with
``trace(H) / n``, while here the exact ``h_ii`` are used). Ridge with an
unpenalised intercept and weights ``W = diag(sw)``, ``S = sum(sw)``, is such a
smoother, with

    H = 1 sw^T / S + Xc (Xc^T W Xc + alpha I)^{-1} Xc^T W,
    h_ii = sw_i / S + sw_i xc_i^T (Xc^T W Xc + alpha I)^{-1} xc_i,

``Xc = X - 1 xbar^T`` centred by the weighted column means (the ``sw_i / S``
term and the centring disappear without an intercept). Eigendecomposing
``Xc^T W Xc = V diag(s) V^T`` (or the n x n kernel, whichever is smaller)
once gives ``h_ii`` and ``e`` for every alpha by rescaling ``1 / (s + alpha)``.
Refitting without sample ``i`` removes it entirely (the weighted LOO), and
the score is scikit-learn's: ``-mean_i sw_i (e_i / (1 - h_ii))^2``, so that
``alpha_``, ``best_score_`` and ``cv_results_`` equal those of
:class:`sklearn.linear_model.RidgeCV`.

References
----------
D. M. Allen (1974). The relationship between variable selection and data
augmentation and a method for prediction. *Technometrics* 16(1), 125-127.

G. H. Golub, M. Heath and G. Wahba (1979). Generalized cross-validation as a
method for choosing a good ridge parameter. *Technometrics* 21(2), 215-223.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.metrics import check_scoring

from ._base import LinearPredictorMixin
from ._ridge import Ridge, _constant_columns, _weighted_means
from ._validation import (
    check_bool,
    check_finite_result,
    check_nonnegative_real,
    cv_splits,
    validate_regression_data,
)

_GCV_MODES = (None, "auto", "eigen", "svd")
# Rows (or columns) per block: about 2**20 float64 values (8 MiB) per block.
_BLOCK_VALUES = 1 << 20


def _block_slices(n: int, width: int) -> Iterator[slice]:
    step = max(1, min(n, _BLOCK_VALUES // max(width, 1)))
    for start in range(0, n, step):
        yield slice(start, min(start + step, n))


def _shrink(eigvals: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """``1 / (eigvals + alpha)`` as an (n_eigvals, n_alphas) matrix.

    For ``alpha == 0`` (allowed with k-fold CV) eigenvalues below rounding
    level get 0, i.e. the pseudo-inverse: the minimum-norm least-squares fit.
    """
    out = np.empty((eigvals.shape[0], alphas.shape[0]))
    tol = eigvals.max(initial=0.0) * eigvals.shape[0] * np.finfo(np.float64).eps
    for j, alpha in enumerate(alphas):
        if alpha > 0:
            out[:, j] = 1.0 / (eigvals + alpha)
        else:
            keep = eigvals > tol
            out[:, j] = np.where(keep, 1.0 / np.where(keep, eigvals, 1.0), 0.0)
    return out


def _per_alpha(D: np.ndarray, proj: np.ndarray) -> np.ndarray:
    """``D[:, j] * proj`` for every alpha j, as a (k, n_alphas * T) matrix:
    one matrix product then serves all alphas and targets at once."""
    k, T = proj.shape
    return (D[:, :, None] * proj[:, None, :]).reshape(k, D.shape[1] * T)


class _Decomposition:
    """One decomposition of centred, weighted data, reused for every alpha.

    ``X`` is float64, dense or CSC; ``Y`` is (n, n_targets). Three routes:

    ``'cov'`` (n_features < n_samples): ``Xc^T W Xc = V diag(s) V^T``, p x p.
        Dense X: accumulated from centred row blocks. Sparse X: ``X^T W X -
        S xbar xbar^T`` from the sparse product, never densifying X. The hat
        diagonal and the fitted values are computed per row block from
        ``Z = Xc V`` (sparse X: ``X V - 1 xbar^T V``). Memory
        O(p^2 + block * p), never n x n.
    ``'gram'`` (n_samples <= n_features): the kernel ``K = W^1/2 Xc Xc^T
        W^1/2 = Q diag(lam) Q^T``, n x n (the smaller side), formed from
        column blocks (dense) or row blocks of the sparse product ``X X^T``
        corrected for centring. With an intercept, ``K`` has the null vector
        ``u0 = sqrt(sw) / sqrt(S)``; it is shifted to a non-zero eigenvalue
        before ``eigh`` (exact, see ``loo_blocks``) so the intercept's
        ``sw_i / S`` term does not cancel against a ``1 / alpha`` term.
    ``'svd'`` (dense X only): thin SVD of ``W^1/2 Xc`` (a centred copy of X).
    """

    def __init__(
        self,
        X: Any,
        Y: np.ndarray,
        sw: np.ndarray | None,
        fit_intercept: bool,
        mode: str,
    ) -> None:
        n, p = X.shape
        self.X, self.sw = X, sw
        self.fit_intercept = fit_intercept
        self.sparse = sp.issparse(X)
        self.total = float(n if sw is None else sw.sum(dtype=np.float64))
        if fit_intercept:
            self.xbar, self.ybar = _weighted_means(X, Y, sw)
        else:
            self.xbar, self.ybar = np.zeros(p), np.zeros(Y.shape[1])
        self.Yc = Y - self.ybar
        self.sqrt_sw = None if sw is None else np.sqrt(sw)
        if mode == "svd" and self.sparse:
            mode = "eigen"
        if mode != "svd":
            mode = "gram" if n <= p else "cov"
        self.mode = mode
        self._csr = None
        getattr(self, f"_init_{mode}")()

    # -- helpers --------------------------------------------------------------

    def _weights(self, rows: slice) -> np.ndarray:
        if self.sw is None:
            return np.ones(rows.stop - rows.start)
        return self.sw[rows]

    def _centred_rows(self, rows: slice) -> np.ndarray:
        """Dense ``X[rows] - xbar`` (a block of Xc), for dense X."""
        block = np.array(self.X[rows], order="C")
        block -= self.xbar
        return block

    def _projected_rows(self, rows: slice) -> np.ndarray:
        """``Xc[rows] V``; for sparse X a sparse-dense product (cost nnz * p)
        minus the centring ``xbar^T V``, X never densified."""
        if not self.sparse:
            return self._centred_rows(rows) @ self.V
        if self._csr is None:
            self._csr = self.X.tocsr()
        Z = np.asarray(self._csr[rows] @ self.V)
        if self.fit_intercept:
            Z -= self._xbar_v
        return Z

    def _xc_t_dot(self, v: np.ndarray) -> np.ndarray:
        """``Xc^T v`` for v of shape (n, k), without forming Xc."""
        out = np.asarray(self.X.T @ v)
        if self.fit_intercept:
            out -= np.outer(self.xbar, v.sum(axis=0))
        return out

    # -- 'cov': p x p ---------------------------------------------------------

    def _init_cov(self) -> None:
        X, sw = self.X, self.sw
        p = X.shape[1]
        if self.sparse:
            if sw is None:
                WX = X
            else:
                WX = X.tocsc(copy=True)
                WX.data *= sw[WX.indices]
            A = np.asarray((X.T @ WX).toarray())
            if self.fit_intercept:
                A -= self.total * np.outer(self.xbar, self.xbar)
        else:
            A = np.zeros((p, p))
            for rows in _block_slices(X.shape[0], p):
                block = self._centred_rows(rows)
                A += (block * self._weights(rows)[:, None]).T @ block
        WYc = self.Yc if sw is None else self.Yc * sw[:, None]
        s, V = np.linalg.eigh(A)
        self.eigvals = np.clip(s, 0.0, None)
        self.V = V
        self._xbar_v = self.xbar @ V
        self.proj = V.T @ self._xc_t_dot(WYc)  # V^T Xc^T W Yc, (p, T)

    def _coefs_cov(self, D: np.ndarray) -> np.ndarray:
        # w(alpha_j) = V diag(D[:, j]) V^T Xc^T W Yc
        m, (p, T) = D.shape[1], self.proj.shape
        scaled = _per_alpha(D, self.proj)
        return (self.V @ scaled).reshape(p, m, T).transpose(1, 2, 0)

    def _loo_cov(self, alphas: np.ndarray) -> Iterator[tuple[slice, np.ndarray]]:
        D = _shrink(self.eigvals, alphas)
        m, (p, T) = alphas.shape[0], self.proj.shape
        scaled = _per_alpha(D, self.proj)
        for rows in _block_slices(self.X.shape[0], max(p, m * T)):
            Z = self._projected_rows(rows)  # rows of Xc V
            w = self._weights(rows)
            h = (Z**2 @ D) * w[:, None]  # (b, m)
            if self.fit_intercept:
                h += (w / self.total)[:, None]
            fitted = (Z @ scaled).reshape(-1, m, T)
            resid = self.Yc[rows, None, :] - fitted
            yield rows, resid / (1.0 - h)[:, :, None]

    # -- 'gram': n x n --------------------------------------------------------

    def _init_gram(self) -> None:
        X, n = self.X, self.X.shape[0]
        if self.sparse:
            self._csr = X.tocsr()
            XT = self._csr.T.tocsr()
            K = np.empty((n, n))
            for rows in _block_slices(n, n):
                K[rows] = (self._csr[rows] @ XT).toarray()
            if self.fit_intercept:
                m = np.asarray(X @ self.xbar).ravel()
                K -= m[:, None]
                K -= m[None, :]
                K += self.xbar @ self.xbar
        else:
            K = np.zeros((n, n))
            for cols in _block_slices(X.shape[1], n):
                block = X[:, cols] - self.xbar[cols]
                K += block @ block.T
        if self.sqrt_sw is not None:
            K *= self.sqrt_sw[:, None]
            K *= self.sqrt_sw[None, :]
        self.shift = 0.0
        if self.fit_intercept:
            # K u0 = 0 for u0 = sqrt(sw) / sqrt(S): move that eigenvalue from 0
            # to `shift` (exact, as u0 is an eigenvector).
            u0 = self._u0()
            self.shift = float(np.max(np.diag(K), initial=0.0)) or 1.0
            K += self.shift * np.outer(u0, u0)
        lam, Q = np.linalg.eigh(K)
        del K
        self.eigvals = np.clip(lam, 0.0, None)
        self.Q = Q
        Yt = self.Yc if self.sqrt_sw is None else self.Yc * self.sqrt_sw[:, None]
        self.proj = Q.T @ Yt  # (n, T)

    def _u0(self) -> np.ndarray:
        n = self.X.shape[0]
        root = np.ones(n) if self.sqrt_sw is None else self.sqrt_sw
        return root / np.sqrt(self.total)

    def _dual(self, D: np.ndarray) -> np.ndarray:
        """``c = (K + alpha I)^{-1} W^1/2 Yc`` for each alpha: (n, m, T)."""
        m, (n, T) = D.shape[1], self.proj.shape
        return (self.Q @ _per_alpha(D, self.proj)).reshape(n, m, T)

    def _coefs_gram(self, D: np.ndarray) -> np.ndarray:
        # w = Xc^T W^1/2 c
        c = self._dual(D)
        n, m, T = c.shape
        if self.sqrt_sw is not None:
            c *= self.sqrt_sw[:, None, None]
        return self._xc_t_dot(c.reshape(n, m * T)).reshape(-1, m, T).transpose(1, 2, 0)

    def _loo_gram(self, alphas: np.ndarray) -> Iterator[tuple[slice, np.ndarray]]:
        # With G = K + alpha I, the scaled LOO residual is c_i / d_i with
        # c = G^{-1} W^1/2 Yc and d_i = [G^{-1}]_ii - sw_i / (S alpha)
        # (1 - h_ii = alpha d_i). With the shifted kernel G' = G + shift u0 u0^T,
        # G'^{-1} = G^{-1} + (1/(shift + alpha) - 1/alpha) u0 u0^T; as
        # u0^T W^1/2 Yc = 0, c is unchanged and d_i = [G'^{-1}]_ii
        # - u0_i^2 / (shift + alpha): no cancellation between 1/alpha terms.
        D = _shrink(self.eigvals, alphas)
        d = self.Q**2 @ D  # (n, m)
        if self.fit_intercept:
            d -= np.outer(self._u0() ** 2, 1.0 / (self.shift + alphas))
        looe = self._dual(D) / d[:, :, None]
        if self.sqrt_sw is not None:
            looe /= self.sqrt_sw[:, None, None]
        yield slice(0, self.X.shape[0]), looe

    # -- 'svd': dense only ----------------------------------------------------

    def _init_svd(self) -> None:
        Xt = self.X - self.xbar
        if self.sqrt_sw is not None:
            Xt *= self.sqrt_sw[:, None]
        U, sigma, Vt = np.linalg.svd(Xt, full_matrices=False)
        self.U, self.sigma, self.Vt = U, sigma, Vt
        self.eigvals = sigma**2
        Yt = self.Yc if self.sqrt_sw is None else self.Yc * self.sqrt_sw[:, None]
        self.Yt = Yt
        self.proj = U.T @ Yt  # (k, T)

    def _coefs_svd(self, D: np.ndarray) -> np.ndarray:
        # w = V diag(sigma / (sigma^2 + alpha)) U^T W^1/2 Yc
        m, T = D.shape[1], self.proj.shape[1]
        scaled = _per_alpha(D * self.sigma[:, None], self.proj)
        return (self.Vt.T @ scaled).reshape(-1, m, T).transpose(1, 2, 0)

    def _loo_svd(self, alphas: np.ndarray) -> Iterator[tuple[slice, np.ndarray]]:
        F = self.eigvals[:, None] * _shrink(self.eigvals, alphas)  # s^2/(s^2+a)
        m, T = alphas.shape[0], self.proj.shape[1]
        h = self.U**2 @ F
        if self.fit_intercept:
            h += (self._weights(slice(0, self.X.shape[0])) / self.total)[:, None]
        fitted = (self.U @ _per_alpha(F, self.proj)).reshape(-1, m, T)
        resid = self.Yt[:, None, :] - fitted
        if self.sqrt_sw is not None:
            resid /= self.sqrt_sw[:, None, None]
        yield slice(0, self.X.shape[0]), resid / (1.0 - h)[:, :, None]

    # -- public ---------------------------------------------------------------

    def coefs(self, alphas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients (m, T, p) and intercepts (m, T), one fit per alpha."""
        D = _shrink(self.eigvals, alphas)
        coef = getattr(self, f"_coefs_{self.mode}")(D)
        return coef, self.ybar - coef @ self.xbar

    def loo_blocks(self, alphas: np.ndarray) -> Iterator[tuple[slice, np.ndarray]]:
        """Yield (rows, LOO residuals ``e_i / (1 - h_ii)`` of shape (b, T, m)).

        Needs every weight positive (rows of weight 0 are left out upstream).
        """
        for rows, looe in getattr(self, f"_loo_{self.mode}")(alphas):
            yield rows, looe.transpose(0, 2, 1)


class _Precomputed(RegressorMixin, BaseEstimator):
    """A regressor whose "X" is its own prediction: lets a scorer score LOO
    predictions (scikit-learn's RidgeCV does the same)."""

    def fit(self, X: Any, y: Any = None) -> _Precomputed:
        return self

    def predict(self, X: Any) -> Any:
        return X


def _r2(y: np.ndarray, pred: np.ndarray, sw: np.ndarray | None) -> float:
    """``sklearn.metrics.r2_score`` (uniform average over the columns of the
    (n, T) arrays, force_finite, optionally weighted)."""
    w = np.ones(y.shape[0]) if sw is None else sw
    mean = (w @ y) / w.sum()
    ss_res = w @ (y - pred) ** 2
    ss_tot = w @ (y - mean) ** 2
    ok = ss_tot != 0
    score = np.where(ss_res == 0, 1.0, 0.0)
    score[ok] = 1.0 - ss_res[ok] / ss_tot[ok]
    return float(score.mean())


def _fitted_ridge(
    coef: np.ndarray, intercept: np.ndarray, alpha: float, est: RidgeCV, y_ndim: int
) -> Ridge:
    """A :class:`Ridge` in the state ``fit`` would leave it at this solution."""
    ridge = Ridge(alpha=alpha, fit_intercept=est.fit_intercept)
    ridge.coef_ = coef[0] if y_ndim == 1 else coef
    ridge.intercept_ = float(intercept[0]) if y_ndim == 1 else intercept
    ridge.n_features_in_ = est.n_features_in_
    ridge.n_iter_ = np.ones(coef.shape[0], dtype=np.int64)
    ridge.solver_ = "cholesky"
    return ridge


class RidgeCV(LinearPredictorMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Ridge regression with alpha chosen by (leave-one-out) cross-validation.

    Same objective as :class:`shrinkage.Ridge`
    (``sum_i sw_i (y_i - x_i.w - b)^2 + alpha ||w||^2``) and the same
    parameters and fitted attributes as
    :class:`sklearn.linear_model.RidgeCV`.

    With ``cv=None`` every alpha is scored by exact leave-one-out from one
    decomposition of the centred, weighted data: the LOO residual of sample
    ``i`` is ``e_i / (1 - h_ii)``, with ``e`` the residual of the fit on all
    samples and ``h_ii`` the diagonal of the hat matrix, intercept included
    (Allen 1974; Golub, Heath & Wahba 1979; formulas in the module
    docstring). The decomposition is of the smaller of ``Xc^T W Xc``
    (p x p: used when n_features < n_samples, dense or sparse, in row blocks,
    memory O(p^2), never n x n) and ``W^1/2 Xc Xc^T W^1/2`` (n x n: when
    n_samples <= n_features; sparse X is never densified but the n x n
    kernel is formed, O(n^2) <= O(n p) memory).

    Parameters
    ----------
    alphas : float or array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Candidate penalties: > 0 with ``cv=None``, >= 0 otherwise.
    fit_intercept : bool, default=True
    scoring : str, callable or None, default=None
        None: negative (weighted) mean squared LOO error for ``cv=None``, the
        estimator's R^2 (``Ridge.score``) with k-fold CV, as scikit-learn
        does. Otherwise a scikit-learn scorer; with ``cv=None`` it scores the
        LOO predictions (with ``sample_weight`` passed on).
    cv : int, cross-validation generator or iterable, default=None
        None: efficient leave-one-out. Otherwise as in scikit-learn (an int
        is ``KFold``): one decomposition per training fold gives the fits at
        every alpha; sample weights weight the fits and the held-out scores
        (as scikit-learn's GridSearchCV passes them to the scorer).
    gcv_mode : {'auto', 'svd', 'eigen'}, default=None
        ``None``/``'auto'``/``'eigen'``: eigendecomposition of the smaller
        Gram matrix. ``'svd'``: SVD of the centred, weighted X (dense X only,
        a centred copy of X; sparse X falls back to 'eigen' with a warning).
    store_cv_results : bool, default=False
        Store the LOO values in ``cv_results_`` (``cv=None`` only).
    alpha_per_target : bool, default=False
        Choose one alpha per target (``cv=None`` only).

    Attributes
    ----------
    alpha_ : float or ndarray of shape (n_targets,)
    best_score_ : float or ndarray of shape (n_targets,)
        Score of the chosen alpha (higher is better).
    cv_results_ : ndarray of shape (n_samples, n_alphas) or \
            (n_samples, n_targets, n_alphas)
        With ``scoring=None`` the weighted squared LOO errors
        ``sw_i (e_i / (1 - h_ii))^2``, otherwise the LOO predictions. Only
        with ``store_cv_results=True``.
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Fit on all samples at ``alpha_``, exact (from the decomposition).
        1-D when y has one column, as in scikit-learn.
    intercept_ : float or ndarray of shape (n_targets,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X has string feature names.

    Notes
    -----
    Computations run in float64; float32 input gives float32 ``coef_``,
    ``intercept_`` and ``cv_results_``. Samples of weight zero do not enter
    the decomposition: their LOO prediction is that of the full fit.
    """

    def __init__(
        self,
        alphas: Any = (0.1, 1.0, 10.0),
        *,
        fit_intercept: bool = True,
        scoring: Any = None,
        cv: Any = None,
        gcv_mode: str | None = None,
        store_cv_results: bool = False,
        alpha_per_target: bool = False,
    ) -> None:
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.gcv_mode = gcv_mode
        self.store_cv_results = store_cv_results
        self.alpha_per_target = alpha_per_target

    def _check_alphas(self, loo: bool) -> np.ndarray:
        values = np.atleast_1d(np.asarray(self.alphas, dtype=object))
        if values.ndim != 1 or values.shape[0] == 0:
            raise ValueError(
                f"alphas must be a positive float or a non-empty 1-D array-like, "
                f"got {self.alphas!r}."
            )
        alphas = np.empty(values.shape[0])
        for i, value in enumerate(values):
            name = "alphas" if np.ndim(self.alphas) == 0 else f"alphas[{i}]"
            alphas[i] = check_nonnegative_real(value, name)
            if loo and alphas[i] == 0:
                raise ValueError(
                    f"{name} == 0.0, must be > 0 with cv=None (leave-one-out "
                    "needs a positive penalty); use cv=k for alpha=0."
                )
        return alphas

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> RidgeCV:
        """Choose alpha by cross-validation, then fit on all samples.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.store_cv_results, "store_cv_results")
        check_bool(self.alpha_per_target, "alpha_per_target")
        if self.gcv_mode not in _GCV_MODES:
            raise ValueError(
                f"gcv_mode must be one of {_GCV_MODES}, got {self.gcv_mode!r}."
            )
        loo = self.cv is None
        if not loo and self.store_cv_results:
            raise ValueError("cv!=None and store_cv_results=True are incompatible")
        if not loo and self.alpha_per_target:
            raise ValueError("cv!=None and alpha_per_target=True are incompatible")
        alphas = self._check_alphas(loo)
        scorer = (
            None
            if self.scoring is None
            else check_scoring(Ridge(), scoring=self.scoring)
        )
        X, y, sw = validate_regression_data(
            self, X, y, sample_weight, multi_output=True
        )
        out_dtype = X.dtype
        if X.dtype != np.float64:
            X = X.astype(np.float64)
        y64 = y.astype(np.float64)
        Y = y64.reshape(X.shape[0], -1)
        sw = None if sw is None else sw.astype(np.float64)

        mode = "svd" if self.gcv_mode == "svd" else "eigen"
        if loo:
            if mode == "svd" and sp.issparse(X):
                warnings.warn(
                    "gcv_mode='svd' needs dense X; using gcv_mode='eigen' for "
                    "sparse X.",
                    UserWarning,
                    stacklevel=2,
                )
                mode = "eigen"
            full = self._fit_loo(X, y64, Y, sw, alphas, scorer, mode)
        else:
            full = self._fit_kfold(X, y64, Y, sw, alphas, scorer)

        # Refit on all samples at the chosen alpha(s), from the decomposition.
        best = np.atleast_1d(self.alpha_)
        coef, intercept = full.coefs(np.unique(best))
        pick = np.searchsorted(np.unique(best), best)
        targets = np.arange(Y.shape[1])
        coef = coef[pick, targets] if best.shape[0] > 1 else coef[pick[0]]
        intercept = intercept[pick, targets] if best.shape[0] > 1 else intercept[0]
        if self.fit_intercept:
            # As in Ridge: constant columns and targets get exact answers.
            coef[:, _constant_columns(X)] = 0.0
            constant_y = np.ptp(Y, axis=0) == 0
            coef[constant_y] = 0.0
            intercept = np.where(constant_y, Y[0], full.ybar - coef @ full.xbar)
        check_finite_result("The RidgeCV solution", coef, intercept)
        self.coef_ = (coef[0] if Y.shape[1] == 1 else coef).astype(out_dtype)
        if not self.fit_intercept:
            self.intercept_ = 0.0
        elif y.ndim == 1:
            self.intercept_ = float(intercept[0])
        else:
            self.intercept_ = intercept.astype(out_dtype)
        if self.store_cv_results:
            self.cv_results_ = self.cv_results_.astype(out_dtype, copy=False)
        return self

    def _fit_loo(
        self,
        X: Any,
        y: np.ndarray,
        Y: np.ndarray,
        sw: np.ndarray | None,
        alphas: np.ndarray,
        scorer: Any,
        mode: str,
    ) -> _Decomposition:
        n, T = Y.shape
        m = alphas.shape[0]
        keep = None if sw is None or np.all(sw > 0) else np.flatnonzero(sw > 0)
        if keep is None:
            dec = _Decomposition(X, Y, sw, self.fit_intercept, mode)
            rows_of = np.arange(n)
        else:
            # A weight-0 sample changes no fit: leave it out of the
            # decomposition (which is then also the fit on all samples); its
            # LOO prediction is the full fit's.
            dec = _Decomposition(X[keep], Y[keep], sw[keep], self.fit_intercept, mode)
            rows_of = keep
        if self.fit_intercept and rows_of.shape[0] < 2:
            raise ValueError(
                "Leave-one-out with an intercept needs at least 2 samples with "
                f"positive weight, got n_samples = {rows_of.shape[0]}."
            )
        need_all = self.store_cv_results or scorer is not None
        values = np.zeros((n, T, m)) if need_all else None
        sq_sum = np.zeros((T, m))
        for rows, looe in dec.loo_blocks(alphas):
            idx = rows_of[rows]
            w = np.ones(looe.shape[0]) if sw is None else sw[idx]
            sq = looe**2 * w[:, None, None]
            sq_sum += sq.sum(axis=0)
            if need_all:
                values[idx] = sq if scorer is None else Y[idx, :, None] - looe
        if keep is not None and scorer is not None:
            zero = np.flatnonzero(sw == 0)
            coef, intercept = dec.coefs(alphas)  # (m, T, p), (m, T)
            X0 = X[zero]
            for j in range(m):
                pred = np.asarray(X0 @ coef[j].T) + intercept[j]
                values[zero, :, j] = pred

        if scorer is None:
            per_target = -sq_sum / n  # (T, m)
            scores = per_target if self.alpha_per_target else per_target.mean(axis=0)
        else:
            kwargs = {} if sw is None else {"sample_weight": sw}
            ident = _Precomputed()

            def score(pred: np.ndarray, target: np.ndarray) -> float:
                return float(scorer(ident, pred, target, **kwargs))

            if self.alpha_per_target:
                scores = np.array(
                    [
                        [score(values[:, t, j], Y[:, t]) for j in range(m)]
                        for t in range(T)
                    ]
                )
            else:
                scores = np.array(
                    [
                        score(values[:, 0, j] if y.ndim == 1 else values[:, :, j], y)
                        for j in range(m)
                    ]
                )
        self._choose(alphas, scores, y.ndim, T)
        if self.store_cv_results:
            self.cv_results_ = values[:, 0, :] if y.ndim == 1 else values
        return dec

    def _choose(
        self, alphas: np.ndarray, scores: np.ndarray, y_ndim: int, T: int
    ) -> None:
        """Best alpha (first on ties), per target with alpha_per_target."""
        if scores.ndim == 2:  # (T, m): alpha_per_target
            best = np.argmax(scores, axis=1)
            best_scores = scores[np.arange(T), best]
            if T > 1:
                self.alpha_ = alphas[best]
                self.best_score_ = best_scores
                return
            # One target: a single alpha, as scikit-learn.
            self.alpha_ = float(alphas[best[0]])
            self.best_score_ = float(best_scores[0]) if y_ndim == 1 else best_scores
            return
        j = int(np.argmax(scores))
        self.alpha_ = float(alphas[j])
        self.best_score_ = float(scores[j])

    def _fit_kfold(
        self,
        X: Any,
        y: np.ndarray,
        Y: np.ndarray,
        sw: np.ndarray | None,
        alphas: np.ndarray,
        scorer: Any,
    ) -> _Decomposition:
        folds = cv_splits(self.cv, X, y, sw)
        scores = np.empty((len(folds), alphas.shape[0]))
        for f, (train, test) in enumerate(folds):
            dec = _Decomposition(
                X[train],
                Y[train],
                None if sw is None else sw[train],
                self.fit_intercept,
                "eigen",
            )
            coef, intercept = dec.coefs(alphas)
            X_test = X[test]
            sw_test = None if sw is None else sw[test]
            kwargs = {} if sw is None else {"sample_weight": sw_test}
            for j, alpha in enumerate(alphas):
                if scorer is None:
                    pred = np.asarray(X_test @ coef[j].T) + intercept[j]
                    scores[f, j] = _r2(Y[test], pred, sw_test)
                else:
                    ridge = _fitted_ridge(coef[j], intercept[j], alpha, self, y.ndim)
                    scores[f, j] = scorer(ridge, X_test, y[test], **kwargs)
        self._choose(alphas, scores.mean(axis=0), y.ndim, Y.shape[1])
        return _Decomposition(X, Y, sw, self.fit_intercept, "eigen")
