"""Logistic regularization paths and cross-validated logistic regression.

Same machinery as the regression paths: a decreasing alpha grid from the
exact alpha_max, each fit warm-started from the previous one; folds in
threads (the compiled core releases the GIL).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from scipy.special import logsumexp

from ._coordinate_descent import design_stats
from ._cv import _n_workers, _rows
from ._logistic import LogisticRegression, solve_logistic
from ._path import _progress, secant_weight
from ._validation import (
    apply_class_weight,
    as_design,
    check_bool,
    check_finite_result,
    check_fraction,
    check_nonnegative_real,
    check_positive_int,
    cv_splits,
    validate_classification_data,
)


def _logistic_alpha_max(X, y_encoded, n_classes, sw, l1_ratio, fit_intercept):
    """Smallest alpha with an all-zero solution.

    At W = 0 the optimal intercepts reproduce the weighted class frequencies
    (or give p = 1/K without intercept); W = 0 is optimal iff every entry of
    the gradient X^T sw (u - p) / S is at most alpha * l1_ratio in size.
    """
    if l1_ratio <= 0:
        raise ValueError("An automatic alpha grid needs l1_ratio > 0.")
    n = X.shape[0]
    swd = np.ones(n) if sw is None else np.asarray(sw, dtype=np.float64)
    total = swd.sum()
    U = np.zeros((n, n_classes))
    U[np.arange(n), y_encoded] = 1.0
    prior = (swd @ U) / total if fit_intercept else np.full(n_classes, 1 / n_classes)
    if n_classes == 2:
        R = (U[:, 1] - prior[1])[:, None]
    else:
        R = U - prior
    G = np.asarray(X.T @ (swd[:, None] * R)) / total
    return float(np.max(np.abs(G)) / l1_ratio)


def _grid(X, y_enc, n_classes, sw, alphas, n_alphas, eps, l1_ratio, fit_intercept):
    if alphas is not None and not isinstance(alphas, (int, np.integer)):
        grid = np.asarray(alphas, dtype=np.float64).ravel()
        if grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid < 0):
            raise ValueError("alphas must be a non-empty array of finite values >= 0.")
        return np.sort(grid)[::-1].copy()
    if isinstance(alphas, (int, np.integer)):
        n_alphas = check_positive_int(alphas, "alphas (a number of alphas)")
    check_positive_int(n_alphas, "n_alphas")
    check_nonnegative_real(eps, "eps")
    if not 0 < eps < 1:
        raise ValueError(f"eps must be in (0, 1), got {eps!r}.")
    top = _logistic_alpha_max(X, y_enc, n_classes, sw, l1_ratio, fit_intercept)
    top = max(top, np.finfo(np.float64).resolution)
    return np.geomspace(top, top * eps, num=n_alphas)


# Secant warm starts along logistic paths (see _fit_path); tests switch
# them off to compare.
_SECANT = True


def _secant_start(alpha, points):
    """The start of ``alpha`` on the line through the last two converged
    solutions ``points`` ((alpha, coef, intercept) each, oldest first), or
    None when there are not two of them or the grid does not decrease there
    (:func:`shrinkage._path.secant_weight`).

    On a fixed support and signs the solution of a penalized smooth loss is
    a smooth function of alpha (the implicit function theorem applied to its
    optimality conditions), so the line through two solutions lands close to
    the next one, far closer than the last solution itself (the predictor
    step of predictor-corrector path following; Allgower & Georg 1990; for
    the Lasso, whose path is piecewise affine, see
    :class:`shrinkage._path._Secant`). It is only a warm start: proximal
    Newton's line search and duality-gap stop decide as for any other.
    """
    if not _SECANT or len(points) < 2:
        return None
    (a0, c0, b0), (a1, c1, b1) = points
    t = secant_weight(a0, a1, alpha)
    if t is None:
        return None
    return c1 + t * (c1 - c0), b1 + t * (b1 - b0)


def _fit_path(
    design,
    X,
    y_enc,
    n_classes,
    sw,
    grid,
    *,
    l1_ratio,
    fit_intercept,
    tol,
    max_iter,
    max_epochs,
    verbose=False,
):
    rows = 1 if n_classes == 2 else n_classes
    coefs = np.zeros((grid.size, rows, X.shape[1]), dtype=X.dtype)
    intercepts = np.zeros((grid.size, rows))
    gaps = np.zeros(grid.size)
    n_iters = np.zeros(grid.size, dtype=np.int64)
    coef, intercept = None, None
    stats = design_stats(design, sw, fit_intercept)  # shared by every alpha
    points: list = []  # the last two converged solutions, oldest first
    for k in _progress(range(grid.size), grid.size, verbose, "path"):
        start = _secant_start(grid[k], points)
        if start is not None:
            coef, intercept = start
        sol = solve_logistic(
            design,
            X,
            y_enc,
            n_classes,
            sw,
            l1=grid[k] * l1_ratio,
            l2=grid[k] * (1 - l1_ratio),
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            max_epochs=max_epochs,
            coef_init=coef,
            intercept_init=intercept,
            stats=stats,
        )
        coef, intercept = sol.coef, sol.intercept
        points = [*points[-1:], (grid[k], coef, intercept)] if sol.converged else []
        coefs[k], intercepts[k], gaps[k], n_iters[k] = (
            sol.coef,
            sol.intercept,
            sol.dual_gap,
            sol.n_iter,
        )
    return coefs, intercepts, gaps, n_iters


def logistic_path(
    X: Any,
    y: Any,
    *,
    l1_ratio: float = 1.0,
    alphas: Any = None,
    n_alphas: int = 100,
    eps: float = 1e-3,
    fit_intercept: bool = True,
    sample_weight: Any = None,
    tol: float = 1e-4,
    max_iter: int = 100,
    max_epochs: int = 1000,
    verbose: bool | int = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Penalized logistic regression along a decreasing grid of alphas.

    Same objective and parameters as :class:`shrinkage.LogisticRegression`;
    each fit is warm-started from the previous one.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    l1_ratio : float in (0, 1], default=1.0
    alphas : array-like or int, default=None
        Explicit grid, or the number of alphas of the automatic grid
        (from alpha_max, where all coefficients vanish, to eps * alpha_max).
    n_alphas : int, default=100
    eps : float, default=1e-3
    fit_intercept : bool, default=True
    sample_weight : array-like of shape (n_samples,), default=None
    tol, max_iter, max_epochs : as in :class:`LogisticRegression`
    verbose : bool, default=False
        Progress bar over alphas (needs ``tqdm``).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_alphas, n_rows, n_features)
        ``n_rows`` is 1 for two classes, else the number of classes.
    intercepts : ndarray of shape (n_alphas, n_rows)
    dual_gaps : ndarray of shape (n_alphas,)
    """
    l1_ratio = check_fraction(l1_ratio, "l1_ratio")
    check_bool(fit_intercept, "fit_intercept")
    check_nonnegative_real(tol, "tol")
    check_positive_int(max_iter, "max_iter")
    check_positive_int(max_epochs, "max_epochs")
    X, classes, y_enc, sw = validate_classification_data(None, X, y, sample_weight)
    grid = _grid(
        X, y_enc, len(classes), sw, alphas, n_alphas, eps, l1_ratio, fit_intercept
    )
    coefs, intercepts, gaps, _ = _fit_path(
        as_design(X),
        X,
        y_enc,
        len(classes),
        sw,
        grid,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        tol=tol,
        max_iter=max_iter,
        max_epochs=max_epochs,
        verbose=verbose,
    )
    check_finite_result("The path", coefs, intercepts)
    return grid, coefs, intercepts, gaps


def _score(scoring: str, X_test, y_test, sw_test, coefs, intercepts, n_classes):
    """Score of every point of a path on held-out data (higher is better)."""
    out = np.empty(coefs.shape[0])
    n = X_test.shape[0]
    for k in range(coefs.shape[0]):
        Z = np.asarray(X_test @ coefs[k].T, dtype=np.float64) + intercepts[k]
        if n_classes == 2:
            z = Z[:, 0]
            if scoring == "accuracy":
                per_sample = ((z > 0).astype(int) == y_test).astype(float)
            else:
                sign = np.where(y_test == 1, 1.0, -1.0)
                per_sample = -np.logaddexp(0, -sign * z)
        else:
            if scoring == "accuracy":
                per_sample = (np.argmax(Z, axis=1) == y_test).astype(float)
            else:
                per_sample = Z[np.arange(n), y_test] - logsumexp(Z, axis=1)
        out[k] = np.average(per_sample, weights=sw_test)
    return out


class LogisticRegressionCV(LogisticRegression):
    """Penalized logistic regression with alpha chosen by cross-validation.

    Parameters
    ----------
    alphas : int or array-like, default=100
        Number of alphas of the automatic grid, or the grid itself.
    l1_ratio : float in (0, 1], default=1.0
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the automatic grid.
    cv : int, splitter or iterable, default=None
        As scikit-learn (None: 5-fold ``StratifiedKFold``).
    scoring : {'neg_log_loss', 'accuracy'}, default='neg_log_loss'
    n_jobs : int, default=None
        Threads over folds.
    fit_intercept, tol, max_iter, max_epochs : as in :class:`LogisticRegression`
    verbose : bool, default=False
    class_weight : dict or 'balanced', default=None
        As in :class:`LogisticRegression`: multiplied into the sample weights
        of every fit (the grid's alpha_max, the folds' paths and the final
        fit; ``'balanced'`` from the classes' total sample weights over all
        of y). The held-out
        scores weigh samples by ``sample_weight`` alone, as scikit-learn's
        ``LogisticRegressionCV`` does.

    Attributes
    ----------
    alpha_ : float
        Alpha with the best mean held-out score.
    alpha_1se_ : float
        Largest alpha whose mean score is within one standard error of the
        best.
    alphas_ : ndarray of shape (n_alphas,)
    scores_ : ndarray of shape (n_alphas, n_folds)
        Held-out score of each alpha on each fold (higher is better).
    classes_, coef_, intercept_, dual_gap_, n_iter_ :
        Of the final fit on all data at ``alpha_``.
    """

    def __init__(
        self,
        alphas: Any = 100,
        *,
        l1_ratio: float = 1.0,
        eps: float = 1e-3,
        cv: Any = None,
        scoring: str = "neg_log_loss",
        n_jobs: int | None = None,
        fit_intercept: bool = True,
        tol: float = 1e-4,
        max_iter: int = 100,
        max_epochs: int = 1000,
        verbose: bool | int = False,
        class_weight: dict | str | None = None,
    ) -> None:
        self.alphas = alphas
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.max_epochs = max_epochs
        self.verbose = verbose
        self.class_weight = class_weight

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticRegressionCV:
        """Choose alpha by CV, then refit on all data at that alpha.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        l1_ratio = check_fraction(self.l1_ratio, "l1_ratio")
        check_bool(self.fit_intercept, "fit_intercept")
        check_nonnegative_real(self.tol, "tol")
        check_positive_int(self.max_iter, "max_iter")
        check_positive_int(self.max_epochs, "max_epochs")
        if self.scoring not in ("neg_log_loss", "accuracy"):
            raise ValueError(
                f"scoring must be 'neg_log_loss' or 'accuracy', got {self.scoring!r}."
            )
        X, classes, y_enc, sw = validate_classification_data(self, X, y, sample_weight)
        n_classes = len(classes)
        # the fits' weights; the held-out scores keep sw
        fit_sw = apply_class_weight(self.class_weight, classes, y_enc, sw, X.dtype)
        grid = _grid(
            X,
            y_enc,
            n_classes,
            fit_sw,
            self.alphas,
            100,
            self.eps,
            l1_ratio,
            self.fit_intercept,
        )
        folds = cv_splits(self.cv, X, y_enc, sw, classifier=True)

        def run(fold):
            train, test = fold
            Xt = _rows(X, train)
            yt = y_enc[train]
            present = np.unique(yt)
            if present.size < n_classes:
                raise ValueError(
                    "A training fold lacks some classes; use fewer folds or a "
                    "stratified splitter."
                )
            sw_t = None if fit_sw is None else fit_sw[train]
            coefs, intercepts, _, _ = _fit_path(
                as_design(Xt),
                Xt,
                yt,
                n_classes,
                sw_t,
                grid,
                l1_ratio=l1_ratio,
                fit_intercept=self.fit_intercept,
                tol=self.tol,
                max_iter=self.max_iter,
                max_epochs=self.max_epochs,
            )
            return _score(
                self.scoring,
                X[test],
                y_enc[test],
                None if sw is None else sw[test],
                coefs,
                intercepts,
                n_classes,
            )

        workers = _n_workers(self.n_jobs, len(folds))
        if workers == 1:
            scores = [run(f) for f in _progress(folds, len(folds), self.verbose, "cv")]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                scores = list(pool.map(run, folds))
        scores = np.column_stack(scores)  # (n_alphas, n_folds)
        # -inf is a valid (terrible) log-loss score; NaN means overflow
        check_finite_result("The cross-validation score", scores[~np.isinf(scores)])
        mean = scores.mean(axis=1)
        best = int(np.argmax(mean))
        se = (
            scores.std(axis=1, ddof=1) / np.sqrt(len(folds))
            if len(folds) > 1
            else np.zeros_like(mean)
        )
        within = np.flatnonzero(mean >= mean[best] - se[best])
        self.alphas_ = grid
        self.scores_ = scores
        self.alpha_ = float(grid[best])
        self.alpha_1se_ = float(grid[within[0]])

        solution = solve_logistic(
            as_design(X),
            X,
            y_enc,
            n_classes,
            fit_sw,
            l1=self.alpha_ * l1_ratio,
            l2=self.alpha_ * (1 - l1_ratio),
            fit_intercept=self.fit_intercept,
            max_iter=self.max_iter,
            tol=self.tol,
            max_epochs=self.max_epochs,
        )
        return self._set_fitted(solution, classes)
