"""Regularization paths: the whole alpha grid with warm starts.

A path solves the elastic net for a decreasing grid of alphas, each solve
starting from the previous solution (warm start). Inside every solve the
compiled core seeds its working set with that previous support and screens
features with Gap Safe tests, so the early, very sparse part of the path
costs almost nothing. The column statistics (means, curvatures) are computed
once for the whole path.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._coordinate_descent import (
    WarmGradient,
    centred_target,
    design_stats,
    scaled_tolerance,
    solve_enet,
)
from ._face import FACE_BUDGET, GramCache, design_matrix
from ._gram import GramForm, gram_problem, use_gram
from ._kernels._enet import enet_path_loop
from ._ridge import Ridge
from ._validation import (
    Design,
    as_design,
    check_bool,
    check_finite_result,
    check_fraction,
    check_magnitudes,
    check_nonnegative_real,
    check_positive_int,
    check_precompute,
    validate_regression_data,
)

# Along a path the warm start's working set (the previous support and the
# strong set) is mostly right, so each is solved to the final tolerance at
# once rather than to a fraction of the outer gap: once the set is right,
# descent converges linearly and its epochs barely depend on how the gap
# reduction is split into outer steps, while every outer step costs a
# gradient over all active features (on elastic-net paths those gradients
# were most of the work: ad-hoc counts of column passes on the leukemia,
# rcv1 and 500 x 5000 paths).
# Single fits keep the default.
_INNER_SHARE = 0.0
# Below this tol each alpha forms its residual afresh (see compute_path).
_RESIDUAL_KEEP_MIN_TOL = 1e-10
# Secant warm starts (see _Secant): only on designs with at least as many
# samples as features, after an alpha whose descent ran at least this many
# epochs (an alpha settled by a direct solve on the support, or in a few
# epochs, gains nothing from a better start), and while the support holds
# at most this share of the samples. On wide designs the support changes
# too much from one alpha to the next for the line through two solutions
# to help, and near n it is ill-conditioned: ad hoc runs of the rcv1 Lasso
# path took more epochs with secant starts than without, and on the 500 x
# 5000 path they kept the direct solves on the support from taking over.
_SECANT_MIN_EPOCHS = 5
_SECANT_SUPPORT_SHARE = 0.5
# Designs of at most this many features and stored entries (Gram mode of a
# tall problem: p x p) run their path in one compiled call
# (enet_path_loop): a solve costs a few microseconds there, less than
# compute_path's Python work per alpha (cv_cv27.md, peers_tallpaths7.md).
# An alpha that descent does not finish within FACE_BUDGET epochs hands the
# rest of the path back to the Python loop, whose direct solves on the
# support finish ill-conditioned ones (without them, strongly correlated
# designs at tight tolerances stopped converging). Not wide sparse designs
# of few stored entries: rcv1's CV folds (800 x 47117, 60000 entries) took
# the compiled loop, and its LassoCV took 0.645 s in cv_jobs25.md against
# 0.464 s in cv_jobs24.md.
_COMPILED_PATH_MAX_ENTRIES = 65536
_COMPILED_PATH_MAX_FEATURES = 256


def _validate_path_data(X: Any, y: Any, sample_weight: Any, check_values=True):
    # (no estimator: a function keeps no feature names)
    return validate_regression_data(
        None, X, y, sample_weight, check_values=check_values
    )


def alpha_max(
    X: Any,
    y: Any,
    *,
    l1_ratio: float = 1.0,
    sample_weight: Any = None,
    fit_intercept: bool = True,
) -> float:
    """Smallest alpha at which all coefficients are zero.

    ``max_j |xc_j . (sw yc)| / (S * l1_ratio)``: at ``w = 0`` the KKT
    conditions hold exactly when every feature's correlation with the
    (centred, weighted) response is at most ``alpha * l1_ratio``.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    l1_ratio : float in (0, 1], default=1.0
    sample_weight : array-like of shape (n_samples,), default=None
    fit_intercept : bool, default=True

    Returns
    -------
    float
    """
    _check_grid_params(l1_ratio, fit_intercept)
    X, y, sw = _validate_path_data(X, y, sample_weight)
    return _alpha_max(X, y, sw, l1_ratio, fit_intercept)


def _check_grid_params(l1_ratio: Any, fit_intercept: Any) -> None:
    check_fraction(l1_ratio, "l1_ratio")
    if l1_ratio == 0:
        raise ValueError(
            "l1_ratio == 0, must be > 0: alpha_max is infinite for a pure L2 "
            "penalty (every alpha leaves some coefficient non-zero)."
        )
    check_bool(fit_intercept, "fit_intercept")


def _max_corr(X, y, sw, fit_intercept: bool) -> float:
    """``max_j |xc_j . (sw yc)| / S``: alpha_max at l1_ratio 1."""
    yd = np.asarray(y, dtype=np.float64)
    swd = np.ones_like(yd) if sw is None else np.asarray(sw, dtype=np.float64)
    total = swd.sum()
    yc = yd - (swd @ yd) / total if fit_intercept else yd
    # sum_i sw_i yc_i = 0 with an intercept, so X^T (sw yc) is already centred.
    corr = np.asarray(X.T @ (swd * yc)).ravel()
    return float(np.max(np.abs(corr)) / total)


def _alpha_max(
    X, y, sw, l1_ratio: float, fit_intercept: bool, max_corr: float | None = None
) -> float:
    """alpha_max; ``max_corr``: :func:`_max_corr` of the data, when known."""
    if l1_ratio <= 0:
        raise ValueError(
            "An automatic alpha grid needs l1_ratio > 0 (alpha_max is infinite "
            "for a pure L2 penalty); pass alphas explicitly."
        )
    if max_corr is None:
        max_corr = _max_corr(X, y, sw, fit_intercept)
    top = float(max_corr / l1_ratio)
    check_finite_result("alpha_max", top)
    return top


def alpha_grid(
    X: Any,
    y: Any,
    *,
    l1_ratio: float = 1.0,
    eps: float = 1e-3,
    n_alphas: int = 100,
    sample_weight: Any = None,
    fit_intercept: bool = True,
) -> np.ndarray:
    """The default grid: ``n_alphas`` values log-spaced from alpha_max down to
    ``eps * alpha_max``, in decreasing order."""
    _check_grid_params(l1_ratio, fit_intercept)
    X, y, sw = _validate_path_data(X, y, sample_weight)
    return _alpha_grid(X, y, sw, l1_ratio, eps, n_alphas, fit_intercept)


def _alpha_grid(
    X, y, sw, l1_ratio, eps, n_alphas, fit_intercept, max_corr=None
) -> np.ndarray:
    check_nonnegative_real(eps, "eps")
    if not 0 < eps < 1:
        raise ValueError(f"eps must be in (0, 1), got {eps!r}.")
    check_positive_int(n_alphas, "n_alphas")
    top = _alpha_max(X, y, sw, l1_ratio, fit_intercept, max_corr)
    if top <= np.finfo(np.float64).tiny:
        # y is constant (after centring): any alpha gives w = 0.
        top = np.finfo(np.float64).resolution
    return np.geomspace(top, top * eps, num=n_alphas)


@dataclass
class PathResult:
    """Everything one path computation produces (one column per alpha)."""

    alphas: np.ndarray
    coef_matrix: sp.csc_matrix  # (n_features, n_alphas), the non-zeros only
    intercepts: np.ndarray  # (n_alphas,)
    dual_gaps: np.ndarray
    n_iters: np.ndarray
    converged: np.ndarray

    def columns(self) -> np.ndarray:
        """The column (alpha index) of each stored non-zero of
        ``coef_matrix``, in storage order."""
        m = self.coef_matrix
        return np.repeat(np.arange(m.shape[1]), np.diff(m.indptr))

    @property
    def coefs(self) -> np.ndarray:
        """The coefficients as a dense (n_features, n_alphas) array.

        C-ordered, as scikit-learn's ``enet_path`` returns them: a feature's
        values along the path are contiguous, so the scatter of the
        non-zeros into the (lazily zeroed) result touches only the pages of
        features that were ever active (a Fortran-ordered result of a wide
        path has a non-zero on nearly every page of every column). scipy's
        ``toarray`` would go through a CSR copy and write every entry.
        """
        m = self.coef_matrix
        out = np.zeros(m.shape, dtype=m.dtype)
        out[m.indices, self.columns()] = m.data
        return out


def _progress(iterable, total: int, verbose: bool | int, desc: str):
    """A tqdm progress bar when asked for and available, else the iterable."""
    if not verbose:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:  # optional dependency (extra "progress")
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False)


def secant_weight(a0: float, a1: float, alpha: float) -> float | None:
    """``t`` such that ``x1 + t (x1 - x0)`` continues the line through the
    solutions ``x0`` at ``a0`` and ``x1`` at ``a1`` to ``alpha``; None unless
    ``a0 > a1 > alpha`` (a decreasing grid). Shared by the regression
    (:class:`_Secant`) and logistic (``_logistic_cv._secant_start``) paths.
    """
    if not a0 > a1 > alpha:
        return None
    return (alpha - a1) / (a1 - a0)


class _Secant:
    """Secant warm starts: the next alpha's solution predicted on the line
    through the last two.

    While the support and signs stay the same, the solution of the path is
    an affine function of alpha for the Lasso (it solves
    ``X_S^T X_S w_S / n = c_S - alpha s_S``, and is smooth for the elastic
    net), so the line through the solutions at the two previous alphas lands
    close to the next one: a far better start than the last solution, where
    descent would spend most of its epochs covering the distance from one
    alpha's solution to the next (the idea of the predictor step of
    predictor-corrector path following; Allgower & Georg 1990). The gradient
    ``xc_j . (sw r) / S`` is affine in w, so the same line through the two
    gradients gives the predicted start's gradient exactly, without a pass
    over X: the kernel's first gap check can use it, as with any warm start.
    The prediction is only a warm start; the solve certifies its result by
    the duality gap as always.

    Kept for float64 designs only (a float32 coefficient rounds the line
    off the affine relation) and above ``_RESIDUAL_KEEP_MIN_TOL`` (the
    gradients are combined, so their rounding errors add up, as a residual
    kept from alpha to alpha would).
    """

    def __init__(self, enabled: bool, max_support: int) -> None:
        self.enabled = enabled
        self.max_support = max_support
        # (alpha, coef, gradient) of the last converged solutions, each with
        # the gradient at it, oldest first
        self.points: list[tuple[float, np.ndarray, np.ndarray]] = []

    def record(self, alpha: float, sol: Any, gradient: WarmGradient) -> None:
        """Keep the solution of ``alpha`` (when converged, with its gradient)."""
        if not (self.enabled and sol.converged and gradient.ready):
            self.points = []
            return
        point = (alpha, sol.coef.copy(), gradient.values.copy())
        self.points = [*self.points[-1:], point]

    def predict(
        self, alpha: float, epochs: int, support: np.ndarray, gradient: WarmGradient
    ) -> np.ndarray | None:
        """The predicted start of ``alpha`` (``gradient`` then holds its
        gradient), or None when the last solution is the better start:
        ``epochs`` (what the last alpha's descent ran) too few, the support
        too large, or fewer than two solutions to draw the line through."""
        if (
            len(self.points) < 2
            or epochs < _SECANT_MIN_EPOCHS
            or support.size > self.max_support
        ):
            return None
        (a0, w0, g0), (a1, w1, g1) = self.points
        t = secant_weight(a0, a1, alpha)
        if t is None:
            return None
        np.add(g1, t * (g1 - g0), out=gradient.values)
        return w1 + t * (w1 - w0)


def compute_path(
    design: Design,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    alphas: np.ndarray,
    *,
    l1_ratio: float,
    fit_intercept: bool,
    positive: bool,
    max_iter: int,
    tol: float,
    coef_init: np.ndarray | None = None,
    early_stop: bool = False,
    verbose: bool | int = False,
    null_deviance: float | None = None,
    rss_extra: float = 0.0,
    n_samples: int | None = None,
) -> PathResult:
    """Solve on validated data for every alpha (decreasing), warm-started.

    ``null_deviance``: the deviance of the null model of the original
    problem, when ``design`` and ``y`` are an equivalent one whose data term
    differs by a constant (Gram mode, see :func:`gram_path`): ``tol`` and
    the early stop are relative to it. By default, that of ``y``.
    ``rss_extra``: the compiled solver's (see :func:`gram_path`).
    ``n_samples``: the samples of the original problem (those of
    ``design`` by default), which bound the supports that secant warm
    starts are used on (see :class:`_Secant`).
    """
    n_alphas = len(alphas)
    p = design.n_features
    dtype = design.data.dtype
    # The coefficients are kept column by column in CSC form (support and
    # values of each alpha): a CV fold predicts from the features its path
    # used, and a dense p x n_alphas array would cost a fresh (page-faulting)
    # allocation and p writes per alpha for mostly zeros.
    # (in chunks of consecutive alphas: one per alpha of the Python loop
    # below, one for all those of the compiled loop; counts[k] is alpha k's)
    supports: list[np.ndarray] = []
    values: list[np.ndarray] = []
    counts = np.zeros(n_alphas + 1, dtype=np.int64)
    intercepts = np.zeros(n_alphas)
    gaps = np.zeros(n_alphas)
    n_iters = np.zeros(n_alphas, dtype=np.int64)
    recent_efforts: list[int] = []  # of the last three alphas
    converged = np.ones(n_alphas, dtype=bool)
    stats = design_stats(design, sample_weight, fit_intercept)
    # for the solves on supports, kept along the path
    gram_cache = GramCache(design, sample_weight, shared=True)
    # the last gradient of each alpha starts the next one's first gap check
    warm_gradient = WarmGradient(p)
    # the compiled solver's scratch buffers, allocated once for the path
    workspace: dict = {}
    rows = design.n_samples if n_samples is None else n_samples
    secant = _Secant(
        dtype == np.float64 and tol >= _RESIDUAL_KEEP_MIN_TOL and rows >= p,
        int(_SECANT_SUPPORT_SHARE * rows),
    )
    last_epochs = 0  # of the last alpha's descent
    # y centred once for the path (each solve would copy it again)
    y_shift, y_solve = (
        centred_target(y, sample_weight, dtype) if fit_intercept else (None, y)
    )
    coef = None if coef_init is None else np.asarray(coef_init, dtype=dtype)
    # the deviance at w = 0, and the null model's of the original problem
    # (the same but for an equivalent problem: the gaps and the deviance
    # changes are the same in both)
    zero_deviance = scaled_tolerance(y, sample_weight, 1.0, fit_intercept)
    if null_deviance is None:
        null_deviance = zero_deviance
    last = n_alphas
    previous_r2 = None
    kept = False  # the workspace holds the residual of coef
    support = None  # flatnonzero(coef), after the first alpha
    start = 0  # the first alpha of the loop below
    spent = 0  # epochs the compiled loop spent on it
    if (
        design.data.size <= _COMPILED_PATH_MAX_ENTRIES
        and p <= _COMPILED_PATH_MAX_FEATURES
        and not early_stop
        and not verbose
        and zero_deviance > 0
    ):
        start, spent, coef = _compiled_path(
            design,
            y_solve,
            sample_weight,
            alphas,
            stats,
            coef,
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            positive=positive,
            max_iter=max_iter,
            tol=tol * null_deviance if null_deviance > 0 else 0.0,
            keep_residual=tol >= _RESIDUAL_KEEP_MIN_TOL,
            y_shift=y_shift if fit_intercept else 0.0,
            rss_extra=rss_extra,
            out=(supports, values, counts, intercepts, gaps, n_iters, converged),
        )
        if spent:
            support = np.flatnonzero(coef != 0)
            recent_efforts = [spent]  # a hard alpha: try a direct solve first
    for k in _progress(range(start, n_alphas), n_alphas - start, verbose, "path"):
        # Sequential strong rule (Tibshirani et al. 2012, "Strong rules for
        # discarding predictors in lasso-type problems"): with the previous
        # solution as warm start, features with |x_j^T r| / n below
        # 2 l1_k - l1_{k-1} are likely to stay zero at alpha_k. The others
        # seed the first working set; the kernel's optimality (KKT) check at
        # every outer step brings in any feature the rule missed, and the
        # duality gap certifies the result, so the rule only saves work.
        strong_l1 = (
            l1_ratio * (2.0 * alphas[k] - alphas[k - 1])
            if k > 0 and coef is not None and alphas[k] < alphas[k - 1]
            else -1.0
        )
        predicted = None
        if k > start and warm_gradient.ready:
            predicted = secant.predict(alphas[k], last_epochs, support, warm_gradient)
        if predicted is not None:
            # (the previous solution is stored already: it may be replaced)
            coef = predicted.astype(dtype, copy=False)
        sol = solve_enet(
            design,
            y_solve,
            sample_weight,
            l1=alphas[k] * l1_ratio,
            l2=alphas[k] * (1.0 - l1_ratio),
            positive=positive,
            fit_intercept=fit_intercept,
            max_iter=max_iter - spent if k == start else max_iter,
            tol=tol,
            # tol relative to the null deviance, computed once for the path
            # (a constant y keeps solve_enet's own exact shortcut)
            absolute_tol=tol * null_deviance if null_deviance > 0 else None,
            coef_init=coef,
            stats=stats,
            strong_l1=strong_l1,
            # the recent alphas' work predicts this one's (counting what
            # their direct solves on the support stood for)
            expected_epochs=max(recent_efforts, default=0),
            gram_cache=gram_cache,
            warm_gradient=warm_gradient,
            inner_share=_INNER_SHARE,
            workspace=workspace,
            y_shift=y_shift,
            # the workspace's residual and the support are the warm start's
            # (the residual formed afresh for tight tolerances: kept from
            # alpha to alpha, its rounding error piles up, and a gap asked
            # to reach 0 could stall on it)
            residual_ready=(
                kept and tol >= _RESIDUAL_KEEP_MIN_TOL and predicted is None
            ),
            support_init=support if predicted is None else None,
            # the previous alpha's solution, stored already (not the
            # caller's coef_init)
            overwrite_coef_init=k > 0,
            rss_extra=rss_extra,
        )
        coef = sol.coef
        kept = sol.residual_kept
        support = np.flatnonzero(coef != 0)
        supports.append(support)
        values.append(coef[support])
        counts[k + 1] = support.size
        intercepts[k] = sol.intercept
        gaps[k] = sol.dual_gap
        n_iters[k] = sol.n_iter + (spent if k == start else 0)
        recent_efforts = [*recent_efforts[-2:], int(sol.effort)]
        last_epochs = int(sol.n_iter)
        secant.record(alphas[k], sol, warm_gradient)
        converged[k] = sol.converged
        if early_stop and null_deviance > 0:
            # glmnet's rule: stop once the fraction of deviance explained
            # is (almost) 1 or has stopped changing along the path.
            r2 = (zero_deviance - _deviance(design, y, sample_weight, sol)) / (
                null_deviance
            )
            if r2 > 0.999 or (previous_r2 is not None and r2 - previous_r2 < 1e-5 * r2):
                last = k + 1
                break
            previous_r2 = r2
    coef_matrix = sp.csc_matrix(
        (
            np.concatenate(values).astype(dtype, copy=False),
            np.concatenate(supports),
            np.cumsum(counts[: last + 1]),
        ),
        shape=(p, last),
    )
    return PathResult(
        alphas[:last].copy(),
        coef_matrix,
        intercepts[:last],
        gaps[:last],
        n_iters[:last],
        converged[:last],
    )


def _compiled_path(
    design: Design,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    alphas: np.ndarray,
    stats: tuple[np.ndarray, np.ndarray],
    coef_init: np.ndarray | None,
    *,
    l1_ratio: float,
    fit_intercept: bool,
    positive: bool,
    max_iter: int,
    tol: float,
    keep_residual: bool,
    y_shift: float,
    rss_extra: float,
    out: tuple,
) -> tuple[int, int, np.ndarray]:
    """:func:`compute_path`'s loop in one compiled call (``enet_path_loop``),
    for small designs; ``y`` is centred already (by ``y_shift``) when
    ``fit_intercept``, ``tol`` absolute. Appends the solutions to ``out``'s
    lists (one chunk for all its alphas) and fills its arrays (compute_path's,
    ``counts[k + 1]`` the non-zeros of alpha k) up to the first alpha that
    descent does not finish within the epochs before a direct solve on the
    support (``FACE_BUDGET``). Returns that alpha's index, the epochs spent
    on it and its current coefficients (the warm start of the rest)."""
    supports, values, counts, intercepts, gaps, n_iters, converged = out
    dtype = design.data.dtype
    p = design.n_features
    n_alphas = len(alphas)
    coef = (
        np.zeros(p, dtype=dtype)
        if coef_init is None
        else np.array(coef_init, dtype=dtype, copy=True)
    )
    coefs = np.empty((n_alphas, p), dtype=dtype)
    done_flags = np.zeros(n_alphas, dtype=np.uint8)
    sw = sample_weight if sample_weight is not None else np.empty(0, dtype=dtype)
    xbar, lipschitz = stats
    # (no direct solves without an l1 part, as in solve_enet)
    budget = FACE_BUDGET if l1_ratio > 0 else max_iter
    done, spent = enet_path_loop(
        *design.kernel_args(),
        y,
        sw,
        coef,
        xbar,
        lipschitz,
        np.ascontiguousarray(alphas, dtype=np.float64),
        float(l1_ratio),
        bool(positive),
        bool(fit_intercept),
        int(max_iter),
        int(budget),
        float(tol),
        bool(keep_residual),
        _INNER_SHARE,
        float(rss_extra),
        coefs,
        intercepts,
        gaps,
        n_iters,
        done_flags,
    )
    intercepts[:done] += y_shift
    converged[:done] = done_flags[:done].astype(bool)
    # the non-zeros alpha by alpha, each alpha's in increasing feature order:
    # its CSC column (rows of coefs are alphas)
    rows, cols = np.nonzero(coefs[:done])
    supports.append(cols)
    values.append(coefs[rows, cols])
    counts[1 : done + 1] = np.bincount(rows, minlength=done)
    return done, spent, coef


def _deviance(design: Design, y, sample_weight, sol) -> float:
    """Mean (weighted) squared residual of a solution."""
    pred = design_matrix(design) @ sol.coef
    r = np.asarray(y, dtype=np.float64) - pred - sol.intercept
    return float(np.average(r**2, weights=sample_weight))


def solve_path(
    X: Any,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    alphas: np.ndarray,
    *,
    l1_ratio: float,
    fit_intercept: bool,
    positive: bool,
    max_iter: int,
    tol: float,
    precompute: bool | str = "auto",
    coef_init: np.ndarray | None = None,
    early_stop: bool = False,
    verbose: bool | int = False,
    gram_form: GramForm | None = None,
) -> PathResult:
    """:func:`compute_path` on validated X, or :func:`gram_path` on its Gram
    form when ``use_gram(X, precompute, path=True)`` (``gram_form``, when
    the caller has formed it already)."""
    options = dict(
        l1_ratio=l1_ratio,
        positive=positive,
        max_iter=max_iter,
        tol=tol,
        coef_init=coef_init,
        early_stop=early_stop,
        verbose=verbose,
    )
    if gram_form is not None or use_gram(X, precompute, path=True):
        form = gram_form or gram_problem(X, y, sample_weight, fit_intercept)
        return gram_path(form, alphas, **options)
    return compute_path(
        as_design(X), y, sample_weight, alphas, fit_intercept=fit_intercept, **options
    )


def gram_path(form: GramForm, alphas: np.ndarray, **options: Any) -> PathResult:
    """:func:`compute_path` on a Gram form (:mod:`shrinkage._gram`).

    X^T X is formed once, then every epoch costs O(p) per coordinate instead
    of O(n). The form's data term differs from the original by a constant,
    so it has the same solutions; each solve is certified by the original
    problem's duality gap (``rss_extra``), the tolerance and the early stop
    stay relative to the original y's null deviance, and each intercept
    follows from the means, ``ybar - xbar . w``. ``options``: those of
    :func:`compute_path` but ``fit_intercept``.
    """
    result = compute_path(
        form.design,
        form.z,
        None,
        alphas,
        fit_intercept=False,
        null_deviance=form.null_deviance,
        rss_extra=form.rss_extra,
        n_samples=form.n_samples,
        **options,
    )
    # ybar - xbar . w for every column (a scipy product would transpose the
    # matrix first)
    m = result.coef_matrix
    products = np.bincount(
        result.columns(), weights=m.data * form.xbar[m.indices], minlength=m.shape[1]
    )
    result.intercepts = form.ybar - products
    return result


def warn_path_not_converged(result: PathResult, max_iter: int) -> None:
    """One ConvergenceWarning naming the alphas that did not converge."""
    bad = np.flatnonzero(~result.converged)
    if bad.size:
        warnings.warn(
            f"Coordinate descent did not converge for {bad.size} of "
            f"{result.alphas.size} alphas (max_iter={max_iter}); smallest such "
            f"alpha {result.alphas[bad].min():.3e}, largest duality gap "
            f"{result.dual_gaps[bad].max():.3e}. Increase max_iter or tol.",
            ConvergenceWarning,
            stacklevel=3,
        )


def enet_path(
    X: Any,
    y: Any,
    *,
    l1_ratio: float = 0.5,
    eps: float = 1e-3,
    n_alphas: int = 100,
    alphas: Any = None,
    fit_intercept: bool = False,
    sample_weight: Any = None,
    positive: bool = False,
    max_iter: int = 1000,
    tol: float = 1e-4,
    coef_init: Any = None,
    return_n_iter: bool = False,
    return_intercepts: bool = False,
    early_stop: bool = False,
    verbose: bool | int = False,
    precompute: bool | str = "auto",
) -> tuple[np.ndarray, ...]:
    """Elastic-net coefficients along a decreasing grid of alphas.

    Solves, for each alpha,
    ``1/(2S) sum_i sw_i (y_i - x_i.w - b)^2 + alpha l1_ratio ||w||_1
    + alpha (1 - l1_ratio)/2 ||w||^2`` with warm starts, working sets and
    Gap Safe screening (see :class:`shrinkage.ElasticNet`).

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    l1_ratio : float in [0, 1], default=0.5
    eps : float, default=1e-3
        Grid end as a fraction of alpha_max (``alpha_min = eps * alpha_max``).
    n_alphas : int, default=100
    alphas : array-like, default=None
        Explicit grid (sorted in decreasing order here); overrides
        ``eps``/``n_alphas``.
    fit_intercept : bool, default=False
        As in scikit-learn's ``enet_path``, the default fits no intercept
        (data assumed centred). With True, X is centred implicitly.
    sample_weight : array-like of shape (n_samples,), default=None
    positive : bool, default=False
    max_iter : int, default=1000
        Epoch limit of each solve.
    tol : float, default=1e-4
        Relative duality-gap tolerance of each solve (as the estimators').
    coef_init : array-like of shape (n_features,), default=None
        Warm start for the first alpha.
    return_n_iter : bool, default=False
        Also return the epochs of each solve.
    return_intercepts : bool, default=False
        Also return the intercept of each solve.
    early_stop : bool, default=False
        Stop the path (glmnet's rule) once the fraction of explained deviance
        exceeds 0.999 or changes by less than 1e-5 relative between alphas;
        the returned arrays are then shorter than the grid. The rule sees
        the deviances only as precisely as ``tol`` solves them: with a loose
        ``tol`` (1e-4), a warm start already within it at the next alpha
        does not move, and the path stops there.
    verbose : bool or int, default=False
        Show a progress bar over the alphas (needs ``tqdm``).
    precompute : {'auto', True, False}, default='auto'
        Gram mode (see :class:`shrinkage.ElasticNet`): the path is solved on
        the equivalent p x p problem built once from X^T X, which makes each
        epoch cost O(p) per coordinate instead of O(n_samples). 'auto' uses
        it for dense X with n_samples > n_features and n_features <= 4096.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_features, n_alphas)
    dual_gaps : ndarray of shape (n_alphas,)
        The duality gap certified at each alpha.
    n_iters : ndarray of shape (n_alphas,), if ``return_n_iter``
    intercepts : ndarray of shape (n_alphas,), if ``return_intercepts``
    """
    l1_ratio = check_fraction(l1_ratio, "l1_ratio")
    check_bool(fit_intercept, "fit_intercept")
    check_bool(positive, "positive")
    check_positive_int(max_iter, "max_iter")
    check_nonnegative_real(tol, "tol")
    check_precompute(precompute)
    X, y, sw = _validate_path_data(X, y, sample_weight, check_values=False)
    if alphas is not None:  # (checked before any work on X)
        grid = _resolve_alphas(X, y, sw, alphas, l1_ratio, eps, n_alphas, fit_intercept)
    form = None
    if use_gram(X, precompute, path=True):
        # X's values are checked from the Gram sums' pass, and alpha_max
        # comes from the form's correlations: one pass over X in all
        form = gram_problem(X, y, sw, fit_intercept, check_values=True)
        max_corr = float(np.max(np.abs(form.correlations), initial=0.0))
    else:
        check_magnitudes(X, y, sw)
        max_corr = None
    if alphas is None:
        grid = _alpha_grid(
            X, y, sw, l1_ratio, eps, n_alphas, fit_intercept, max_corr=max_corr
        )
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=X.dtype)
        if coef_init.shape != (X.shape[1],):
            raise ValueError(
                f"coef_init must have shape ({X.shape[1]},), got {coef_init.shape}."
            )
        if not np.all(np.isfinite(coef_init)):
            raise ValueError("coef_init contains NaN or infinity.")
    result = solve_path(
        X,
        y,
        sw,
        grid,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        positive=positive,
        max_iter=max_iter,
        tol=tol,
        precompute=precompute,
        coef_init=coef_init,
        early_stop=early_stop,
        verbose=verbose,
        gram_form=form,
    )
    # the non-zeros hold every value that could have overflowed
    check_finite_result("The path", result.coef_matrix.data, result.intercepts)
    coefs = result.coefs
    warn_path_not_converged(result, max_iter)
    out: tuple[np.ndarray, ...] = (result.alphas, coefs, result.dual_gaps)
    if return_n_iter:
        out += (result.n_iters,)
    if return_intercepts:
        out += (result.intercepts,)
    return out


def _resolve_alphas(X, y, sw, alphas, l1_ratio, eps, n_alphas, fit_intercept):
    if alphas is None:
        return _alpha_grid(X, y, sw, l1_ratio, eps, n_alphas, fit_intercept)
    grid = np.asarray(alphas, dtype=np.float64).ravel()
    if grid.size == 0:
        raise ValueError("alphas must not be empty.")
    if not np.all(np.isfinite(grid)) or np.any(grid < 0):
        raise ValueError("alphas must be finite and non-negative.")
    return np.sort(grid)[::-1].copy()


def lasso_path(X: Any, y: Any, **kwargs: Any) -> tuple[np.ndarray, ...]:
    """Lasso coefficients along a decreasing grid of alphas.

    :func:`enet_path` with ``l1_ratio=1``; same parameters and returns.
    """
    if "l1_ratio" in kwargs:
        raise TypeError("lasso_path has no l1_ratio; use enet_path.")
    return enet_path(X, y, l1_ratio=1.0, **kwargs)


def ridge_path(
    X: Any,
    y: Any,
    alphas: Any,
    *,
    fit_intercept: bool = True,
    sample_weight: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ridge coefficients for several alphas (scikit-learn's Ridge convention).

    Dense X: one eigendecomposition of the smaller Gram matrix (X^T X or
    X X^T, centred and weighted) serves every alpha. Sparse X: LSQR per
    alpha, matrix-free with implicit centring.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alphas : array-like of shape (n_alphas,)
        Non-negative; returned in decreasing order.
    fit_intercept : bool, default=True
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_features, n_alphas)
    intercepts : ndarray of shape (n_alphas,)
    """
    check_bool(fit_intercept, "fit_intercept")
    X, y, sw = _validate_path_data(X, y, sample_weight)
    grid = _resolve_alphas(X, y, sw, alphas, 1.0, 1e-3, 1, fit_intercept)
    if sp.issparse(X):
        coefs = np.empty((X.shape[1], grid.size), dtype=X.dtype)
        intercepts = np.empty(grid.size)
        for k, a in enumerate(grid):
            model = Ridge(alpha=a, fit_intercept=fit_intercept, tol=1e-10)
            model.fit(X, y, sample_weight=sw)
            coefs[:, k], intercepts[k] = model.coef_, model.intercept_
        return grid, coefs, intercepts
    swd = np.ones(X.shape[0]) if sw is None else np.asarray(sw, dtype=np.float64)
    total = swd.sum()
    xbar = (swd @ X) / total if fit_intercept else np.zeros(X.shape[1])
    ybar = (swd @ y) / total if fit_intercept else 0.0
    root = np.sqrt(swd)
    Xc = (X - xbar) * root[:, None]
    yc = (y - ybar) * root
    # Thin SVD Xc = U diag(s) V^T: w(alpha) = V diag(s / (s^2 + alpha)) U^T yc.
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    uty = U.T @ yc
    denom = s[:, None] ** 2 + grid[None, :]
    # s = 0 directions carry no data: their coefficient is 0 (min-norm).
    shrink = np.divide(s[:, None], denom, out=np.zeros_like(denom), where=denom > 0)
    coefs = (Vt.T @ (shrink * uty[:, None])).astype(X.dtype)
    intercepts = ybar - xbar @ coefs
    check_finite_result("The Ridge path", coefs, intercepts)
    return grid, coefs, np.asarray(intercepts, dtype=np.float64)
