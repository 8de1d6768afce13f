"""Gram mode: the p x p form of a tall least-squares problem.

With ``S = sum(sw)``, the weighted means ``xbar`` and ``ybar`` (zero without
an intercept), ``G = Xc^T W Xc / S`` and ``c = Xc^T W yc / S``, the data term
of the elastic net is ``1/2 w^T G w - w^T c + const``. Any A of m rows with
``A^T A / m = G`` and a target z with ``A^T z / m = c`` give the same data
term up to a constant, so the compiled solver runs unchanged on the design A
(no intercept, unit weights), with epochs costing O(p^2) instead of O(n p).
We take ``A = sqrt(m) R`` with ``R^T R = G`` (Cholesky; upper triangular,
which the column kernels exploit through each column's extent), or a scaled
eigenbasis when G is singular (see :func:`gram_form`).

What the form leaves out of the residual norm, ``||yc||^2_sw / S -
||z||^2 / m`` (``rss_extra``), is the part of y outside the span of the
centred columns; the compiled solver adds it to its residual norms, so that
each solve is certified, and stops, by the original problem's duality gap.

Cross-validation (:class:`FoldGrams`) forms the sums ``Z^T W Z`` of the
held-out rows of every fold, about one centre near the column means, in one
pass over X when the test folds partition the rows; each training fold's
Gram matrix is the whole minus its test fold, re-centred on the training
mean by a rank-one correction, and the held-out errors of a whole path
follow from the test fold's sums without predicting row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp

from ._kernels._enet import gather_centred_rows
from ._validation import Design, as_design, check_magnitudes

# A training fold's Gram entry obtained by subtraction (whole minus test)
# loses about log10(whole / training) digits to cancellation; a column whose
# centred training sum of squares is below this fraction of its whole-data
# one (nearly constant on the training rows, but not on all rows) sends the
# fold to the direct formation instead.
_CANCELLATION_LIMIT = 1e-6
# A held-out error computed from the test fold's sums loses about
# log10(magnitude / error) digits; an alpha whose error is below this
# fraction of the terms' magnitude is predicted row by row instead.
_ERROR_CANCELLATION_LIMIT = 1e-5
# (100 eps)^2: the relative size of a constant column's centred norm (the
# rule of the kernel's column_stats).
_CONSTANT_TOL = (100 * np.finfo(np.float64).eps) ** 2
# Test folds' sums (k p x p matrices) are kept when they take no more memory
# than twice X or this; otherwise each is formed again when asked for.
_KEEP_BYTES = 2**28
# The test folds' sums are formed over this many ranges of rows (in parallel
# with n_jobs >= 2), whatever the number of workers.
_SUM_RANGES = 2
# Rows per block in the blocked Gram formations, and per window of
# consecutive rows (split by fold) in fold_sums: 8 MiB of float64 (larger
# fresh blocks cost page faults and leave the cache before syrk reads them).
_BLOCK_ENTRIES = 2**20
_WINDOW_ENTRIES = 2**20


@dataclass
class GramForm:
    """The p x p problem of (X, y, sample_weight) in Gram mode.

    ``design`` (A) and ``z``: the equivalent design and target; ``ybar`` and
    ``xbar``: the weighted means (the intercept of a solution w is
    ``ybar - xbar . w``); ``null_deviance``: ``||yc||^2_sw / S`` of the
    original problem (its tolerances are relative to it); ``rss_extra``:
    what the form leaves out of the residual norm (see the module);
    ``correlations``: c, ``Xc^T W yc / S`` (alpha_max is its largest
    magnitude over l1_ratio); ``n_samples``: the original problem's rows.
    """

    design: Design
    z: np.ndarray
    ybar: float
    xbar: np.ndarray
    null_deviance: float
    rss_extra: float
    correlations: np.ndarray
    n_samples: int


def null_deviance(
    y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> float:
    """``sum_i sw_i (y_i - ybar)^2 / S`` (ybar = 0 without an intercept): twice
    the data term at w = 0."""
    yd = np.asarray(y, dtype=np.float64)
    if sample_weight is None:
        u = yd - yd.mean() if fit_intercept else yd
        return float(u @ u) / u.size
    sw = np.asarray(sample_weight, dtype=np.float64)
    ybar = np.average(yd, weights=sw) if fit_intercept else 0.0
    return float(np.average((yd - ybar) ** 2, weights=sw))


def gram_form(
    gram: np.ndarray,
    corr: np.ndarray,
    ybar: float,
    xbar: np.ndarray,
    deviance: float,
    dtype: np.dtype,
    n_samples: int,
) -> GramForm:
    """Factor the scaled, centred Gram matrix ``gram`` (G) and correlations
    ``corr`` (c) of ``n_samples`` rows into the equivalent design and
    target (see the module).

    Columns constant after centring (as ``column_stats`` decides: a centred
    norm that is rounding noise of the mean) are exact zeros of the design,
    and the others' block of G is factored: ``A = sqrt(m) R`` on them (m of
    them, ``R^T R = G``), which keeps ``A^T A / m = G``.
    """
    p = gram.shape[0]
    live = np.flatnonzero(np.diag(gram) > _CONSTANT_TOL * np.square(xbar))
    m = max(live.size, 1)
    every = live.size == p
    G, c = (gram, corr) if every else (gram[np.ix_(live, live)], corr[live])
    z = np.zeros(m)
    # each column's extent: the rows below it are zeros (see as_design)
    extents = np.zeros(p, dtype=np.int64)
    block = None
    if live.size:
        try:
            # R^T R = G, R upper triangular (LAPACK reads G's upper half):
            # live column i of A = sqrt(m) R has rows 0..i only, and the
            # solver's column operations stop there (half the work)
            block = la.cholesky(G, lower=False, check_finite=False)
            extents[live] = np.arange(1, m + 1)
            z = np.sqrt(m) * la.solve_triangular(
                block, c, trans="T", lower=False, check_finite=False
            )
        except la.LinAlgError:
            eigval, eigvec = np.linalg.eigh(G)
            keep = eigval > eigval.max() * m * np.finfo(np.float64).eps
            root = np.sqrt(np.where(keep, eigval, 0.0) * m)
            block = root[:, None] * eigvec.T / np.sqrt(m)
            extents[live] = m
            z = np.where(keep, (eigvec.T @ c) * m / np.where(keep, root, 1.0), 0.0)
    if every:
        A = np.asfortranarray(block, dtype=dtype)
        A *= np.sqrt(m)
    else:
        A = np.zeros((m, p), dtype=dtype, order="F")
        if block is not None:
            A[:, live] = np.sqrt(m) * block
    z = np.ascontiguousarray(z, dtype=dtype)
    # of z as the solver sees it (float32 z is rounded)
    extra = max(0.0, deviance - float(np.mean(np.square(z, dtype=np.float64))))
    return GramForm(
        as_design(A, extents),
        z,
        float(ybar),
        np.asarray(xbar, dtype=np.float64),
        deviance,
        extra,
        np.asarray(corr, dtype=np.float64),
        int(n_samples),
    )


def gram_problem(
    X: Any,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    fit_intercept: bool,
    *,
    check_values: bool = False,
) -> GramForm:
    """The Gram form of validated (X, y, sample_weight).

    ``check_values``: X's values are not checked yet (see
    ``validate_regression_data``); :func:`check_magnitudes` runs here on the
    sums of squares of dense X (:func:`values_summary`), before any
    factorization sees them, instead of a pass of its own.
    """
    n, p = X.shape
    if not sp.issparse(X):
        # about a centre near the means: no pass over X for them (see
        # sampled_centre); the form re-centres on the exact means
        center, ybar = _centres(X, y, sample_weight, fit_intercept)
        with np.errstate(all="ignore"):  # X may hold NaN: checked below
            sums = _sums_about(X, None, y, sample_weight, center, ybar, fit_intercept)
        if check_values:
            _check_from_sums(X, y, sample_weight, sums, center)
        return _form_of(sums, y, sample_weight, center, ybar, fit_intercept, X.dtype)
    if check_values:
        check_magnitudes(X, y, sample_weight)
    sw = np.ones(n) if sample_weight is None else sample_weight.astype(np.float64)
    total = sw.sum()
    yd = np.asarray(y, dtype=np.float64)
    if fit_intercept:
        xbar = np.asarray(X.T @ sw, dtype=np.float64).ravel() / total
        ybar = float(sw @ yd) / total
    else:
        xbar, ybar = np.zeros(p), 0.0
    yc = yd - ybar
    Xw = X.multiply(np.sqrt(sw)[:, None]).tocsc() if sample_weight is not None else X
    gram = np.asarray((Xw.T @ Xw).toarray(), dtype=np.float64)
    gram -= total * np.outer(xbar, xbar)
    # Xc^T (sw yc): sum(sw yc) is 0 only up to rounding, and times a
    # large column mean that rounding would swamp the correlations.
    weighted_yc = sw * yc
    corr = np.asarray(X.T @ weighted_yc, dtype=np.float64).ravel()
    corr -= xbar * float(weighted_yc.sum())
    return gram_form(
        gram / total,
        corr / total,
        ybar,
        xbar,
        null_deviance(y, sample_weight, fit_intercept),
        X.dtype,
        n,
    )


def _centres(
    X: Any, y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> tuple[np.ndarray, float]:
    """The centre of the Gram sums (:func:`sampled_centre`) and y's weighted
    mean; zeros without an intercept."""
    if not fit_intercept:
        return np.zeros(X.shape[1]), 0.0
    with np.errstate(all="ignore"):  # X may hold NaN: checked from the sums
        center = sampled_centre(X)
    yd = np.asarray(y, dtype=np.float64)
    sw = np.ones_like(yd) if sample_weight is None else sample_weight.astype(np.float64)
    return center, float(sw @ yd) / float(sw.sum())


def _check_from_sums(
    X: Any,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    sums: _RowSums,
    center: np.ndarray,
) -> None:
    """:func:`check_magnitudes` of X from all rows' sums about ``center``,
    before any form is factored (see :func:`values_summary`)."""
    summary = values_summary(np.diag(sums.M), center, sample_weight)
    check_magnitudes(X, y, sample_weight, x_summary=summary)


def sampled_centre(X: Any) -> np.ndarray:
    """The mean of up to 1024 rows spread over X: a centre near the column
    means, for sums that are exact about any centre (the means follow from
    them) and, about one near the means, do not cancel; it spares the pass
    over X that the means would take."""
    n = X.shape[0]
    # every step-th row (a slice: no index array to build and gather by)
    step = -(-n // 1024) if n else 1
    return np.asarray(X[::step].mean(axis=0), dtype=np.float64).ravel()


def values_summary(
    squares: np.ndarray, center: np.ndarray, sample_weight: np.ndarray | None
) -> tuple[bool, float] | None:
    """X's values' summary for :func:`check_magnitudes` from
    ``squares[j] = sum_i sw_i (x_ij - center_j)^2``.

    Each term is at most the sum, so ``|x_ij| <= |center_j| +
    sqrt(squares[j] / min sw)``; a NaN or infinite entry, or a square that
    overflows, makes its column's sum NaN or infinite (the terms are never
    negative: no infinity cancels). None (the exact pass decides) when a
    weight is 0, as such a row's values do not reach the sums.
    """
    low = 1.0 if sample_weight is None else float(np.min(sample_weight, initial=1.0))
    if not low > 0:
        return None
    sq = np.asarray(squares, dtype=np.float64)
    if not np.all(np.isfinite(sq)):
        return (False, float("inf"))
    if sq.size == 0:
        return (True, 0.0)
    # (with a margin for the rounding of the sums and of this bound)
    bound = float(np.max(np.abs(center) + np.sqrt(np.maximum(sq, 0.0) / low)))
    bound *= 1.0 + 1e-9
    return (bool(np.isfinite(bound)), bound)


def centred_sums(
    X: Any,
    rows: np.ndarray | None,
    sw: np.ndarray | None,
    center: np.ndarray | None,
    target: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``M = sum_i sw_i z_i z_i^T``, ``s = sum_i sw_i z_i`` and
    ``q = sum_i sw_i z_i t_i`` over ``rows`` of X (all rows when None), with
    ``z_i = x_i - center`` (``x_i`` when None), in float64.

    ``sw`` and ``target`` (t) are of those rows; ``sw`` None for unit
    weights. Symmetric rank-k updates (``Z^T Z``, which NumPy takes to BLAS
    syrk: half the flops of a product) on blocks of rows, each centred and
    weighted before its update: precise for columns with large means, and
    never a copy of X (dense or sparse). Uncentred, unweighted float64 X in
    Fortran order goes to syrk whole.
    """
    n, p = X.shape
    m = n if rows is None else rows.size
    t = np.asarray(target, dtype=np.float64)
    plain = rows is None and sw is None and center is None and not sp.issparse(X)
    if plain and X.dtype == np.float64 and X.flags.f_contiguous:
        # nothing to centre, weight or convert: X itself, without a copy
        # (the right side Fortran-ordered: BLAS gemm reads it in place)
        right = np.empty((n, 2), order="F")
        right[:, 0] = 1.0
        right[:, 1] = t
        sq = X.T @ right
        return X.T @ X, sq[:, 0].copy(), sq[:, 1].copy()
    sums = _Accumulator(p)
    weights = np.ones(m) if sw is None else np.asarray(sw, dtype=np.float64)
    step = max(1, _BLOCK_ENTRIES // max(p, 1))
    for a in range(0, m, step):
        b = min(a + step, m)
        take = slice(a, b) if rows is None else rows[a:b]
        block = _row_block(X, take, center)
        sums.add(block, weights[a:b], t[a:b], sw is not None)
    return sums.result()


def fold_sums(
    X: Any,
    labels: np.ndarray,
    n_folds: int,
    sw: np.ndarray | None,
    center: np.ndarray | None,
    target: np.ndarray,
    start: int,
    stop: int,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`centred_sums` of every fold at once, over rows start..stop of X:
    ``labels[i]`` is row i's fold; ``sw`` and ``target`` are of all rows.

    Gathering one fold's rows of F-ordered X reads nearly all of X (its
    rows share cache lines with the other folds'); instead each window of
    consecutive rows is copied once, centred, with its rows grouped by fold
    (:func:`_row_block`), and every fold's slice of it gets a rank-k update.
    """
    p = X.shape[1]
    sums = [_Accumulator(p) for _ in range(n_folds)]
    t = np.asarray(target, dtype=np.float64)
    weights = np.ones(X.shape[0]) if sw is None else np.asarray(sw, dtype=np.float64)
    step = max(1, _WINDOW_ENTRIES // max(p, 1))
    # (fold labels as small integers: NumPy's stable sort of 8-bit integers
    # is a radix sort, O(rows))
    small = labels[start:stop]
    if n_folds <= 256:
        small = small.astype(np.uint8)
    for a in range(start, stop, step):
        b = min(a + step, stop)
        order = np.argsort(small[a - start : b - start], kind="stable")
        bounds = np.searchsorted(labels[a:b][order], np.arange(n_folds + 1))
        # the window's rows grouped by fold: each fold's rows are one slice
        window = _row_block(X, a + order, center)
        for f in range(n_folds):
            if bounds[f] == bounds[f + 1]:
                continue
            part = slice(bounds[f], bounds[f + 1])
            local = a + order[part]
            sums[f].add(window[part], weights[local], t[local], sw is not None)
    return [acc.result() for acc in sums]


def _row_block(X: Any, take: slice | np.ndarray, center: np.ndarray | None):
    """Rows ``take`` of X less ``center``, as a new float64 array (dense X:
    Fortran order when X has it, in one compiled pass)."""
    if sp.issparse(X):
        block = np.array(X[take].toarray(), dtype=np.float64)
        if center is not None:
            block -= center
        return block
    rows = take
    if isinstance(take, slice):
        rows = np.arange(X.shape[0], dtype=np.intp)[take]
    order = "C" if X.flags.c_contiguous and not X.flags.f_contiguous else "F"
    block = np.empty((rows.size, X.shape[1]), order=order)
    gather_centred_rows(
        X,
        np.ascontiguousarray(rows, dtype=np.intp),
        np.empty(0) if center is None else center,
        block,
    )
    return block


class _Accumulator:
    """Running ``M``, ``s`` and ``q`` of :func:`centred_sums` over blocks."""

    def __init__(self, p: int) -> None:
        self.M = np.zeros((p, p))
        self.product = np.empty((p, p))
        self.sq = np.zeros((p, 2))

    def add(
        self, block: np.ndarray, sw: np.ndarray, t: np.ndarray, weighted: bool
    ) -> None:
        """Add the rows ``block`` (m x p, C or Fortran order; it may be
        overwritten), their weights ``sw`` and targets ``t``. X's values may
        not be checked yet (see :func:`values_summary`): NaN and overflow
        pass into the sums silently (a thread's own error state)."""
        with np.errstate(all="ignore"):
            # (a Fortran-ordered right side: BLAS gemm reads it in place)
            right = np.empty((block.shape[0], 2), order="F")
            right[:, 0] = sw
            np.multiply(sw, t, out=right[:, 1])
            self.sq += block.T @ right
            if weighted:
                block *= np.sqrt(sw)[:, None]
            # NumPy takes block^T block to BLAS syrk (half the flops of a
            # product) and, unlike SciPy's BLAS wrappers, releases the GIL
            # there: the test folds' sums form in parallel threads
            np.matmul(block.T, block, out=self.product)
            self.M += self.product

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.M, self.sq[:, 0].copy(), self.sq[:, 1].copy()


def use_gram(X: Any, precompute: bool | str, path: bool = False) -> bool:
    """Gram mode when asked, or ('auto') for dense X with n >= 10p and
    p <= 1000 (a single fit) or n > p and p <= 4096 (a path).

    Forming G costs about n p^2 / 2 flops at BLAS-3 speed (far faster per
    flop than an epoch's column operations), paid back by solves that run
    enough epochs. A path of 100 alphas runs hundreds of epochs, each O(p)
    per coordinate instead of O(n) on the Gram form: it pays already for n
    slightly above p (as scikit-learn's paths decide), up to a G of 128 MiB.
    """
    if precompute is True:
        return True
    if precompute == "auto" and not sp.issparse(X):
        n, p = X.shape
        if path:
            return n > p and p <= 4096
        return n >= 10 * p and p <= 1000
    return False


def _keep_test_sums(X: Any, n_folds: int) -> bool:
    """Whether the test folds' sums (k p x p matrices) may all be kept: when
    they take no more memory than twice X, or ``_KEEP_BYTES``."""
    size = X.data.nbytes if sp.issparse(X) else X.nbytes
    return (n_folds + 1) * X.shape[1] ** 2 * 8 <= max(2 * size, _KEEP_BYTES)


@dataclass
class _RowSums:
    """Weighted sums over a set of rows about a centre (``z = x - mu``,
    ``u = y - ybar``): ``M = Z^T W Z``, ``s = Z^T sw``,
    ``q = Z^T W u``, ``t = sum sw u``, ``uu = sum sw u^2`` and ``S = sum sw``."""

    M: np.ndarray
    s: np.ndarray
    q: np.ndarray
    t: float
    uu: float
    S: float


def _sums_about(
    X: Any,
    rows: np.ndarray | None,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    center: np.ndarray,
    ycenter: float,
    fit_intercept: bool,
) -> _RowSums:
    """The :class:`_RowSums` of ``rows`` of X (all when None) about
    (center, ycenter); X uncentred without an intercept."""
    if rows is not None:
        # in increasing order (the sums do not depend on it): rows of
        # F-ordered X gather faster, neighbours sharing cache lines
        rows = np.sort(rows)
    sw = sample_weight
    if rows is not None and sw is not None:
        sw = sw[rows]
    yd = np.asarray(y, dtype=np.float64)
    u = (yd if rows is None else yd[rows]) - ycenter
    M, s, q = centred_sums(X, rows, sw, center if fit_intercept else None, u)
    if sw is None:
        return _RowSums(M, s, q, float(u.sum()), float(u @ u), float(u.size))
    weights = sw.astype(np.float64)
    return _RowSums(
        M, s, q, float(weights @ u), float(weights @ u**2), float(weights.sum())
    )


def _form_of(
    sums: _RowSums,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    center: np.ndarray,
    ycenter: float,
    fit_intercept: bool,
    dtype: Any,
) -> GramForm:
    """The Gram form of rows (targets ``y``, weights ``sample_weight``)
    whose sums about (center, ycenter) are ``sums``: re-centred on the
    rows' own means by a rank-one correction."""
    d, e = _offsets(sums, fit_intercept)
    S = sums.S
    # sum sw (z - d)(z - d)^T and sum sw (z - d)(u - e)
    gram = sums.M - S * np.outer(d, d)
    return gram_form(
        gram / S,
        _correlations(sums, fit_intercept),
        ycenter + e,
        center + d,
        null_deviance(y, sample_weight, fit_intercept),
        dtype,
        len(y),
    )


def _offsets(sums: _RowSums, fit_intercept: bool) -> tuple[np.ndarray, float]:
    """The rows' (weighted) means of x and y less the sums' centre (zero
    without an intercept)."""
    if fit_intercept:
        return sums.s / sums.S, sums.t / sums.S
    return np.zeros_like(sums.s), 0.0


def _correlations(sums: _RowSums, fit_intercept: bool) -> np.ndarray:
    """``Xc^T W yc / S`` of the rows, from their sums:
    ``sum sw (z - d)(u - e) / S``."""
    d, e = _offsets(sums, fit_intercept)
    return (sums.q - e * sums.s - d * sums.t + sums.S * d * e) / sums.S


class FoldGrams:
    """The Gram forms of cross-validation folds, and their held-out errors.

    For the test rows T of every fold, the sums of :class:`_RowSums` about a
    centre ``mu`` near the column means. When the test folds partition the
    rows (k-fold splitters), they take one pass over X in all
    (:func:`fold_sums`) and the whole data's sums are theirs added up;
    otherwise each is formed from its rows, and one more pass forms the
    whole data's. A training fold R that is the complement of its
    test fold then has ``M_R = M - M_T`` (and likewise s, q), and with its
    mean offset ``d = s_R / S_R`` its centred Gram matrix is
    ``M_R - S_R d d^T``: no pass over the training rows. Columns nearly
    constant on R, where that subtraction cancels most digits (see
    ``_CANCELLATION_LIMIT``), and training folds that are not complements,
    are formed from their rows directly.

    The held-out squared error of a solution (w, b) on T is, with
    ``c = mu . w + b - ybar`` (ybar: y's weighted mean),
    ``uu_T - 2 q_T.w + w^T M_T w - 2 c (t_T - s_T.w) + S_T c^2``, so a whole
    path is scored in O(p^2) per alpha instead of O(|T| p).

    ``fold_map``: a thread pool's ``map`` forms the test folds' sums in
    parallel (the results are the same with the built-in ``map``).
    ``check_values``: X's values are not checked yet (see
    ``validate_regression_data``): :func:`check_magnitudes` runs on the
    whole data's sums of squares (:func:`values_summary`) before any form
    is factored.
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None,
        fit_intercept: bool,
        folds: list[tuple[np.ndarray, np.ndarray]],
        fold_map: Callable[[Callable, Iterable], Iterable] = map,
        *,
        check_values: bool = False,
    ) -> None:
        n, p = X.shape
        self.X, self.folds, self.fit_intercept = X, folds, fit_intercept
        self.sw = sample_weight
        self.y = np.asarray(y, dtype=np.float64)
        # the sums are taken about a centre near the column means
        self.mu, self.ybar = _centres(X, y, sample_weight, fit_intercept)
        test_count = np.zeros(n, dtype=np.int64)
        self.complement = []
        for train, test in folds:
            # (counts, O(n): np.unique sorts each fold)
            in_test = np.bincount(test, minlength=n)
            test_count += in_test
            self.complement.append(
                train.size + test.size == n
                and in_test.max(initial=0) <= 1
                and not in_test[train].any()
                and np.bincount(train, minlength=n).max(initial=0) <= 1
            )
        partition = bool(np.all(test_count == 1))
        # every test fold's sums are kept unless that takes too much memory
        self._keep = _keep_test_sums(X, len(folds))
        if partition and self._keep:
            with np.errstate(all="ignore"):  # X may hold NaN: checked below
                self.tests = self._partition_sums(fold_map)
                self.whole = _RowSums(
                    sum(t.M for t in self.tests),
                    sum(t.s for t in self.tests),
                    sum(t.q for t in self.tests),
                    sum(t.t for t in self.tests),
                    sum(t.uu for t in self.tests),
                    sum(t.S for t in self.tests),
                )
        else:
            self.tests = [None] * len(folds)
            with np.errstate(all="ignore"):  # X may hold NaN: checked below
                self.whole = self._sums(None, self.mu, self.ybar)
        if check_values:
            _check_from_sums(X, y, sample_weight, self.whole, self.mu)
        # columns constant on all rows (zeros of every fold's form): their
        # sums are rounding noise, and so is any subtraction of them
        w = self.whole
        if fit_intercept:
            mean = self.mu + w.s / w.S
            self.constant = np.diag(w.M) - np.square(w.s) / w.S <= (
                _CONSTANT_TOL * w.S * np.square(mean)
            )
        else:  # all zeros
            self.constant = np.diag(w.M) <= 0.0

    def _partition_sums(
        self, fold_map: Callable[[Callable, Iterable], Iterable]
    ) -> list[_RowSums]:
        """Every test fold's sums, in one pass over X's rows in order (the
        test folds partition them), as ``_SUM_RANGES`` ranges of rows mapped
        by ``fold_map`` (a fixed split: the sums, and so the results, do not
        depend on the number of workers)."""
        n = self.X.shape[0]
        k = len(self.folds)
        labels = np.empty(n, dtype=np.intp)
        for f, (_, test) in enumerate(self.folds):
            labels[test] = f
        u = self.y - self.ybar
        center = self.mu if self.fit_intercept else None
        edges = np.linspace(0, n, _SUM_RANGES + 1).astype(np.intp)
        parts = list(
            fold_map(
                lambda r: fold_sums(self.X, labels, k, self.sw, center, u, *r),
                list(zip(edges[:-1], edges[1:], strict=True)),
            )
        )
        sw = np.ones(n) if self.sw is None else self.sw.astype(np.float64)
        tests = []
        for f, (_, test) in enumerate(self.folds):
            w, ut = sw[test], u[test]
            tests.append(
                _RowSums(
                    sum(part[f][0] for part in parts),
                    sum(part[f][1] for part in parts),
                    sum(part[f][2] for part in parts),
                    float(w @ ut),
                    float(w @ ut**2),
                    float(w.sum()),
                )
            )
        return tests

    def _sums(
        self, rows: np.ndarray | None, center: np.ndarray, ycenter: float
    ) -> _RowSums:
        """The sums of ``rows`` (all when None) about (center, ycenter)."""
        return _sums_about(
            self.X, rows, self.y, self.sw, center, ycenter, self.fit_intercept
        )

    def _form(
        self,
        sums: _RowSums,
        rows: np.ndarray | None,
        center: np.ndarray,
        ycenter: float,
    ) -> GramForm:
        """The Gram form of rows whose sums about (center, ycenter) are
        ``sums``."""
        y = self.y if rows is None else self.y[rows]
        sw = self.sw if rows is None or self.sw is None else self.sw[rows]
        return _form_of(sums, y, sw, center, ycenter, self.fit_intercept, self.X.dtype)

    def max_correlation(self) -> float:
        """``max_j |xc_j . (sw yc)| / S`` of all rows (alpha_max at l1_ratio
        1), from the whole data's sums."""
        corr = _correlations(self.whole, self.fit_intercept)
        return float(np.max(np.abs(corr), initial=0.0))

    def whole_form(self) -> GramForm:
        """The Gram form of all rows (the final refit)."""
        return self._form(self.whole, None, self.mu, self.ybar)

    def train_form(self, f: int) -> GramForm:
        """The Gram form of fold ``f``'s training rows."""
        train, _ = self.folds[f]
        if self.complement[f]:
            test, w = self._test_sums(f), self.whole
            sums = _RowSums(
                w.M - test.M,
                w.s - test.s,
                w.q - test.q,
                w.t - test.t,
                0.0,
                w.S - test.S,
            )
            # The weight sum cancels too when the test rows hold nearly all
            # of it (weights 4, 1e-16, 1e-16: 4 + 2e-16 - 4 is 0).
            if sums.S > _CANCELLATION_LIMIT * w.S:
                centred = np.diag(sums.M) - (
                    sums.s**2 / sums.S if self.fit_intercept else 0.0
                )
                lost = centred <= _CANCELLATION_LIMIT * np.diag(w.M)
                if not np.any(lost & ~self.constant):
                    return self._form(sums, train, self.mu, self.ybar)
        # From the rows, centred on their own means: a column constant on
        # them then has a centred norm of rounding noise of its mean.
        sw = None if self.sw is None else self.sw[train].astype(np.float64)
        if self.fit_intercept:
            S = float(train.size if sw is None else sw.sum())
            weights = np.ones(train.size) if sw is None else sw
            on_rows = np.zeros(self.X.shape[0])
            on_rows[train] = weights
            center = np.asarray(self.X.T @ on_rows, dtype=np.float64).ravel() / S
            ycenter = float(weights @ self.y[train]) / S
        else:
            center, ycenter = self.mu, 0.0
        return self._form(self._sums(train, center, ycenter), train, center, ycenter)

    def _test_sums(self, f: int) -> _RowSums:
        """Fold ``f``'s test rows' sums, formed once (each fold's task alone
        asks for its own; see :meth:`release`)."""
        if self.tests[f] is None:
            self.tests[f] = self._sums(self.folds[f][1], self.mu, self.ybar)
        return self.tests[f]

    def release(self, f: int) -> None:
        """Drop fold ``f``'s test sums (its task is done) unless all folds'
        may be kept: then at most one fold's per worker are held at once."""
        if not self._keep:
            self.tests[f] = None

    def test_errors(
        self, f: int, coefs: sp.csc_matrix, intercepts: np.ndarray
    ) -> np.ndarray:
        """Weighted mean squared errors on fold ``f``'s test rows of the
        solutions ``coefs`` (p x K, CSC) and ``intercepts`` (K)."""
        _, test = self.folds[f]
        sums = self._test_sums(f)
        used = np.unique(coefs.indices)
        # (dense, then the rows: selecting rows of a CSC matrix builds a
        # new sparse matrix; a Gram-mode p x K is small next to the p x p
        # sums)
        W = coefs.toarray()[used]
        if used.size > test.size:  # predicting row by row is cheaper
            return self._direct_errors(test, used, W, intercepts)
        M = sums.M[np.ix_(used, used)]
        s, q = sums.s[used], sums.q[used]
        c = self.mu[used] @ W + intercepts - self.ybar
        quad = np.einsum("ik,ik->k", W, M @ W)
        err = sums.uu - 2 * (q @ W) + quad - 2 * c * (sums.t - s @ W) + sums.S * c**2
        magnitude = sums.uu + quad + sums.S * c**2
        lost = err <= _ERROR_CANCELLATION_LIMIT * magnitude
        if np.any(lost):
            err = err / sums.S
            err[lost] = self._direct_errors(test, used, W[:, lost], intercepts[lost])
            return err
        return err / sums.S

    def _direct_errors(
        self, test: np.ndarray, used: np.ndarray, W: np.ndarray, b: np.ndarray
    ) -> np.ndarray:
        return held_out_errors(self.X, self.y, self.sw, test, used, W, b)


def held_out_errors(
    X: Any,
    y: np.ndarray,
    sw: np.ndarray | None,
    test: np.ndarray,
    used: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
) -> np.ndarray:
    """Weighted mean squared errors on the rows ``test`` of the solutions
    whose coefficients on the features ``used`` are the columns of ``W``
    (zero elsewhere) and whose intercepts are ``b``, predicted row by row."""
    X_test = X[test][:, used] if sp.issparse(X) else X[np.ix_(test, used)]
    err = (y[test, None] - (np.asarray(X_test @ W) + b)) ** 2
    return np.average(err, axis=0, weights=None if sw is None else sw[test])
