"""Cross-validated Lasso and ElasticNet: choose alpha (and l1_ratio) by CV.

For every fold and every l1_ratio, one warm-started path over a common alpha
grid (computed on the whole data, as scikit-learn does) is fitted on the
training rows and scored by the (weighted) mean squared error on the held-out
rows. The fold paths run in threads: the compiled core releases the GIL, so
``n_jobs=2`` uses both cores, and results do not depend on ``n_jobs``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin

from ._base import LinearPredictorMixin
from ._coordinate_descent import set_fitted, solve_data
from ._gram import _SUM_RANGES, FoldGrams, held_out_errors, use_gram
from ._path import (
    _alpha_grid,
    _max_corr,
    _progress,
    _resolve_alphas,
    gram_path,
    solve_path,
)
from ._validation import (
    check_bool,
    check_finite_result,
    check_fraction,
    check_magnitudes,
    check_nonnegative_real,
    check_positive_int,
    check_precompute,
    cv_splits,
    validate_regression_data,
)

# Gram-mode CV forms its test folds' sums in threads when n p^2 (their
# flops) reaches this: below it, a thread pool costs more than it saves.
_PARALLEL_SUMS_MIN = 2**26


def _n_workers(n_jobs: int | None, n_tasks: int) -> int:
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, (int, np.integer)) or isinstance(n_jobs, bool):
        raise TypeError(f"n_jobs must be an int or None, got {n_jobs!r}.")
    if n_jobs == 0:
        raise ValueError("n_jobs must not be 0.")
    cpus = os.cpu_count() or 1
    workers = n_jobs if n_jobs > 0 else max(cpus + 1 + n_jobs, 1)
    return max(1, min(workers, n_tasks))


def _rows(X: Any, idx: np.ndarray) -> Any:
    """Rows of X in the layout the kernel takes (F-ordered or CSC)."""
    if sp.issparse(X):
        sub = X[idx]
        return sub.tocsc() if sub.format != "csc" else sub
    # Taking columns of X.T (C-ordered when X is F-ordered) yields the rows
    # in Fortran order in one pass; X[idx] would come out C-ordered and need
    # a second, transposing copy.
    return np.asfortranarray(X.T.take(idx, axis=1).T)


def _gram_fold(
    grams: FoldGrams,
    f: int,
    ratios: np.ndarray,
    grids: np.ndarray,
    options: dict,
) -> list[np.ndarray]:
    """Fold ``f``'s held-out errors along every l1_ratio's path, all solved
    on the fold's one Gram form."""
    try:
        form = grams.train_form(f)
        errors = []
        for ratio, grid in zip(ratios, grids, strict=True):
            result = gram_path(form, grid, l1_ratio=ratio, **options)
            errors.append(grams.test_errors(f, result.coef_matrix, result.intercepts))
        return errors
    finally:
        grams.release(f)


def _test_errors(
    X: Any, y: np.ndarray, sw: np.ndarray | None, test: np.ndarray, result: Any
) -> np.ndarray:
    """Weighted mean squared errors of a fold's path on its test rows; only
    the features active somewhere on the path predict."""
    coefs = result.coef_matrix
    used = np.unique(coefs.indices)
    W = coefs[used].toarray()
    return held_out_errors(X, y, sw, test, used, W, result.intercepts)


def one_standard_error_index(mse_mean: np.ndarray, mse_std_err: np.ndarray) -> int:
    """Index of the largest alpha (grid is decreasing) whose mean CV error is
    within one standard error of the minimum (Hastie, Tibshirani & Friedman,
    *Elements of Statistical Learning*, sec. 7.10)."""
    best = int(np.argmin(mse_mean))
    threshold = mse_mean[best] + mse_std_err[best]
    return int(np.flatnonzero(mse_mean <= threshold)[0])


class ElasticNetCV(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    """Elastic net with alpha and l1_ratio chosen by cross-validation.

    Same objective as :class:`shrinkage.ElasticNet`; same parameters and
    fitted attributes as :class:`sklearn.linear_model.ElasticNetCV`, plus
    ``alpha_1se_`` (glmnet's ``lambda.1se``).

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        Candidate mixes in (0, 1]; the best (alpha, l1_ratio) pair wins.
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of each automatic grid.
    n_alphas : int, default=100
    alphas : array-like, default=None
        Explicit grid shared by every l1_ratio (overrides eps/n_alphas).
    fit_intercept : bool, default=True
    max_iter : int, default=1000
    tol : float, default=1e-4
        Relative duality-gap tolerance of every fold solve (as
        :class:`shrinkage.ElasticNet`'s). A flat CV curve's minimum can move
        by a grid step or more between tolerances: ``1e-6`` settles the
        choice where ``1e-4`` leaves it to where the solves stopped (see the
        README, "The chosen alpha depends on tol").
    cv : int, cross-validation splitter or iterable, default=None
        As in scikit-learn (None: 5-fold ``KFold``).
    n_jobs : int, default=None
        Threads over (l1_ratio, fold) paths; -1 for all cores. In Gram mode
        the threads form the folds' sums (when n_samples * n_features^2 is
        large enough to pay for them), and the short fold paths run in
        turn. The results do not depend on it.
    positive : bool, default=False
    verbose : bool or int, default=False
        Progress bar over the paths (needs ``tqdm``).
    precompute : {'auto', True, False}, default='auto'
        Gram mode for the fold paths and the final fit (see
        :func:`shrinkage.enet_path`): 'auto' uses it for dense X with
        n_samples > n_features and n_features <= 4096. With a k-fold
        splitter, one pass over X forms every fold's Gram matrix (each
        training fold's as the whole data's less its test fold's), keeping
        k + 1 matrices of n_features^2 float64 when that is at most twice
        X's memory or 256 MiB; otherwise each fold's test rows are read
        again by its own task.

    Attributes
    ----------
    alpha_ : float
        Alpha with the lowest mean CV error.
    alpha_1se_ : float
        Largest alpha whose mean CV error is within one standard error of
        the lowest (at ``l1_ratio_``).
    l1_ratio_ : float
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
    mse_path_ : ndarray of shape (n_alphas, n_folds) or
        (n_l1_ratio, n_alphas, n_folds)
    coef_, intercept_, dual_gap_, n_iter_ :
        Of the final fit on all data at (``alpha_``, ``l1_ratio_``).
    n_features_in_ : int
    """

    def __init__(
        self,
        *,
        l1_ratio: float | list[float] = 0.5,
        eps: float = 1e-3,
        n_alphas: int = 100,
        alphas: Any = None,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        cv: Any = None,
        n_jobs: int | None = None,
        positive: bool = False,
        verbose: bool | int = False,
        precompute: bool | str = "auto",
    ) -> None:
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.positive = positive
        self.verbose = verbose
        self.precompute = precompute

    def _l1_ratios(self) -> np.ndarray:
        ratios = np.atleast_1d(np.asarray(self.l1_ratio, dtype=object))
        if ratios.ndim != 1 or ratios.size == 0:
            raise ValueError("l1_ratio must be a float or a non-empty list.")
        return np.array([check_fraction(r, "l1_ratio") for r in ratios])

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> ElasticNetCV:
        """Choose alpha (and l1_ratio) by CV, then refit on all data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Used in the fits and to weight the held-out squared errors.

        Returns
        -------
        self
        """
        ratios = self._l1_ratios()
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.positive, "positive")
        check_positive_int(self.max_iter, "max_iter")
        check_nonnegative_real(self.tol, "tol")
        check_precompute(self.precompute)
        X, y, sw = validate_regression_data(
            self, X, y, sample_weight, check_values=False
        )
        gram = use_gram(X, self.precompute, path=True)
        if not gram:
            check_magnitudes(X, y, sw)
        if self.alphas is not None:  # (checked before any work on X)
            grids = np.array(
                [
                    _resolve_alphas(
                        X,
                        y,
                        sw,
                        self.alphas,
                        r,
                        self.eps,
                        self.n_alphas,
                        self.fit_intercept,
                    )
                    for r in ratios
                ]
            )
        # (the splitters of scikit-learn read X's shape only: in Gram mode
        # its values are checked from the folds' sums, below)
        folds = cv_splits(self.cv, X, y, sw)
        options = dict(positive=self.positive, max_iter=self.max_iter, tol=self.tol)
        if gram:
            # Gram-mode fold tasks are short and spend much of their time in
            # Python (per alpha), holding the GIL: in threads they slow each
            # other down. Only the test folds' sums (BLAS, without the GIL)
            # run in parallel, when they are large enough to pay for it.
            n, p = X.shape
            workers = _n_workers(self.n_jobs, _SUM_RANGES)  # (checks n_jobs)
            if n * p * p < _PARALLEL_SUMS_MIN:
                workers = 1
        else:
            workers = _n_workers(self.n_jobs, len(folds) * len(ratios))
        pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
        fold_map = map if pool is None else pool.map
        try:
            if gram:
                # The test folds' sums, in one pass over X that also checks
                # its values (see FoldGrams).
                grams = FoldGrams(
                    X, y, sw, self.fit_intercept, folds, fold_map, check_values=True
                )
                # and alpha_max from the whole data's correlations
                max_corr = grams.max_correlation()
            elif self.alphas is None:
                # X^T y once for every l1_ratio's grid
                max_corr = _max_corr(X, y, sw, self.fit_intercept)
            if self.alphas is None:
                grids = np.array(
                    [
                        _alpha_grid(
                            X,
                            y,
                            sw,
                            r,
                            self.eps,
                            self.n_alphas,
                            self.fit_intercept,
                            max_corr=max_corr,
                        )
                        for r in ratios
                    ]
                )
            if gram:
                # One task per fold: its Gram form (from the test folds' sums)
                # serves every l1_ratio's path and scores them.
                tasks = list(range(len(folds)))

                def run(f: int) -> list[np.ndarray]:
                    return _gram_fold(grams, f, ratios, grids, options)

            else:
                tasks = list(range(len(ratios) * len(folds)))

                def run(task: int) -> list[np.ndarray]:
                    i, f = divmod(task, len(folds))
                    train, test = folds[f]
                    result = solve_path(
                        _rows(X, train),
                        y[train],
                        None if sw is None else sw[train],
                        grids[i],
                        l1_ratio=ratios[i],
                        fit_intercept=self.fit_intercept,
                        precompute=False,
                        **options,
                    )
                    return [_test_errors(X, y, sw, test, result)]

            task_map = map if gram else fold_map
            fold_errors = list(
                _progress(task_map(run, tasks), len(tasks), self.verbose, "cv")
            )
        finally:
            if pool is not None:
                pool.shutdown()
        mse = np.empty((len(ratios), grids.shape[1], len(folds)))
        for task, errors in zip(tasks, fold_errors, strict=True):
            if gram:
                for i, e in enumerate(errors):
                    mse[i, :, task] = e
            else:
                i, f = divmod(task, len(folds))
                mse[i, :, f] = errors[0]
        check_finite_result("The cross-validation error", mse)

        mean = mse.mean(axis=2)
        i_best, k_best = np.unravel_index(np.argmin(mean), mean.shape)
        std_err = (
            mse[i_best].std(axis=1, ddof=1) / np.sqrt(len(folds))
            if len(folds) > 1
            else np.zeros(grids.shape[1])
        )
        k_1se = one_standard_error_index(mean[i_best], std_err)

        self.l1_ratio_ = float(ratios[i_best])
        self.alpha_ = float(grids[i_best, k_best])
        self.alpha_1se_ = float(grids[i_best, k_1se])
        single = np.ndim(self.l1_ratio) == 0
        self.alphas_ = grids[0] if single else grids
        self.mse_path_ = mse[0] if single else mse

        solution = solve_data(
            X,
            y,
            sw,
            l1=self.alpha_ * self.l1_ratio_,
            l2=self.alpha_ * (1.0 - self.l1_ratio_),
            positive=self.positive,
            fit_intercept=self.fit_intercept,
            max_iter=self.max_iter,
            tol=self.tol,
            gram=gram,
            gram_form=grams.whole_form() if gram else None,
        )
        return set_fitted(self, solution)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the CV error curve (see :func:`shrinkage.plot.plot_cv`)."""
        from .plot import plot_cv

        return plot_cv(self, ax=ax, **kwargs)


class LassoCV(ElasticNetCV):
    """Lasso with alpha chosen by cross-validation.

    :class:`ElasticNetCV` with ``l1_ratio=1``; same parameters and fitted
    attributes as :class:`sklearn.linear_model.LassoCV`, plus ``alpha_1se_``.
    """

    def __init__(
        self,
        *,
        eps: float = 1e-3,
        n_alphas: int = 100,
        alphas: Any = None,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        cv: Any = None,
        n_jobs: int | None = None,
        positive: bool = False,
        verbose: bool | int = False,
        precompute: bool | str = "auto",
    ) -> None:
        super().__init__(
            l1_ratio=1.0,
            eps=eps,
            n_alphas=n_alphas,
            alphas=alphas,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            cv=cv,
            n_jobs=n_jobs,
            positive=positive,
            verbose=verbose,
            precompute=precompute,
        )
