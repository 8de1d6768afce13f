"""Direct solves of the elastic net on the support ("face solves").

On the face of the orthant where the support S keeps its signs s, the
elastic net is a quadratic: with the weighted, centred Gram matrix
``G = Xc_S^T W Xc_S / S`` and ``c = Xc_S^T W yc / S`` its minimiser solves

    (G + l2 I) w_S = c - l1 s.

Coordinate descent reaches that point slowly when G is ill-conditioned
(the small-alpha end of a wide path, where the support nears n); one
solve lands on it. The solves here only propose warm starts: the compiled
solver checks each result (optimality of the zeros, duality gap) as it
checks any other.

Along a path the support changes by a few columns from one alpha to the
next, so the Cholesky factor of ``G + l2 I`` is kept from solve to solve
(:class:`FaceFactor`) and updated as columns enter (one triangular solve
and a small factorisation) or leave (Givens rotations): O(m^2) per change
instead of O(m^3) per solve. :class:`GramCache` keeps the Gram entries of
the columns seen so far, so each entering column costs one product with
the cached ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ._kernels._cholesky import append_columns, delete_column
from ._kernels._cholesky import solve as solve_factored
from ._kernels._enet import column_products, residual_on
from ._validation import Design

# Epochs of coordinate descent before the first direct solve on the support.
FACE_BUDGET = 50
# Largest support solved directly.
_FACE_MAX = 3000
# A solve is tried only when its cost, in flops of descent, is at most
# _FACE_SHARE times that of the epochs run since the last one (2 nnz(X_S)
# flops each: a working set holds the support). Its cost: the Gram entries
# of the columns new to the cache; the factor's updates (m^2 per column
# that enters or leaves, or m^3 / 3 for a factor from scratch; dense linear
# algebra, counted at 1/_FACE_SPEED of its flops, measured on a 500 x 5000
# path); _FACE_TYPICAL_ROUNDS active-set rounds, each two triangular solves
# and a pass over X (the zeros' optimality check); a fixed overhead (Python,
# allocations) in flops. The model is optimistic on purpose: on a path the
# epochs it is weighed against come from the recent alphas, which a solve
# may have settled in few epochs. A dearer model, fitted to ad-hoc timings
# of single solves, made the rcv1 and 500 x 5000 paths slower: solves ran
# too rarely at the small-alpha end.
_FACE_SPEED = 10
# A stored value of a sparse column costs an epoch about this many times a
# dense entry (indexed access; set from ad-hoc timings of epochs on the rcv1
# and 500 x 5000 paths; the path benchmarks are what it was judged by).
_SPARSE_EPOCH_COST = 5
# What a dense coordinate update costs beyond the 2n flops of its dot and
# axpy, in flops. benchmarks/bench_update_cost.py measures the update
# inside the loop (the prox, the loop, the epochs' share of gap checks and
# extrapolation) on the supports of the leukemia and 500 x 5000 Lasso at
# alpha_max/100. With the portable column kernels it gave 2n + 40 to
# 2n + 230 over six runs; with the AVX2 kernels, whose arithmetic per entry
# is cheaper, 2n + 157 to 2n + 416 over four. On a path an epoch also
# shares its alpha's fixed work (a gap check over every feature); 240
# stands for both, and is what makes short columns count: with it the
# leukemia Lasso path (tol 1e-7) keeps 33 direct solves and runs 4992
# epochs, with 120 it keeps 6 and runs 10356 (the same script,
# --coordinate-cost). A model term for that fixed work, spread over the
# epochs an alpha runs, would say this directly.
_DENSE_COORDINATE_COST = 240
_FACE_TYPICAL_ROUNDS = 3
_FACE_SHARE = 0.5
_FACE_OVERHEAD = 1e6
# Active-set rounds per call, and how many violating zeros enter per round.
_FACE_ROUNDS = 8
_FACE_ENTER = 10
# Columns a GramCache holds before it starts over (8 * 3000^2 bytes: 72 MB).
_CACHE_MAX = 3000
# Columns whose squared mean exceeds this times their centred curvature are
# not solved directly: X^T W X / S - xbar xbar^T would cancel their digits
# (the kernel centres such columns explicitly, see its _high_mean).
_FACE_HIGH_MEAN = 1e4
# A column enters the factor only if the squared norm it adds beyond the
# span of the others exceeds this fraction of its own (else G + l2 I is
# numerically singular on them).
_FACE_PIVOT = 1e-12


def face_solve_epochs(
    design: Design,
    support: np.ndarray,
    cache: GramCache | None = None,
    l2: float = 0.0,
) -> float:
    """Epochs of descent on ``support`` that pay for one :func:`face_solve`
    (and the restart of the compiled solver after it); inf when none do.
    ``cache``: the one the solve would use (what it holds costs nothing)."""
    n, m = design.n_samples, support.size
    if m == 0 or m > _FACE_MAX:
        return np.inf
    kept = cache is not None and cache.index.size > 0
    if design.is_sparse:
        counts = design.indptr[support + 1] - design.indptr[support]
        nnz = int(counts.sum())
        fresh = cache.position[support] < 0 if kept else np.ones(m, dtype=bool)
        # Gram entries of the new columns with all m: column_products reads
        # every column of the support once per new column (indexed access,
        # priced like a sparse epoch's stored value, not as BLAS work). A
        # path's cache serves every later alpha with them: there the cost
        # is spread, counted as a product that used the rows' counts (spread
        # evenly: nnz(new) nnz / n).
        if cache is not None and cache.shared:
            gram_flops = int(counts[fresh].sum()) * nnz / n
        else:
            gram_flops = int(fresh.sum()) * nnz * _SPARSE_EPOCH_COST * _FACE_SPEED
    else:
        nnz = n * m
        new = int(np.count_nonzero(cache.position[support] < 0)) if kept else m
        gram_flops = n * new * m
    if nnz == 0:
        return np.inf
    factor = None if cache is None else cache.factor
    if factor is None or factor.columns.size == 0 or factor.l2 != l2:
        factor_flops = m**3 / 3
    else:
        common = int(np.count_nonzero(factor.held[support]))
        changes = m + factor.columns.size - 2 * common
        factor_flops = min(changes * m * m, m**3 / 3)
    rounds = _FACE_TYPICAL_ROUNDS
    cost = (gram_flops + factor_flops + rounds * 2 * m * m) / _FACE_SPEED
    cost += rounds * design.data.size + _FACE_OVERHEAD
    if design.is_sparse:
        epoch = 2 * nnz * _SPARSE_EPOCH_COST
    else:
        epoch = 2 * nnz + _DENSE_COORDINATE_COST * m
    return cost / (_FACE_SHARE * epoch)


def face_solve(
    design: Design,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    coef: np.ndarray,
    stats: tuple[np.ndarray, np.ndarray],
    l1: float,
    l2: float,
    epochs: int,
    positive: bool = False,
    cache: GramCache | None = None,
    gradient_out: np.ndarray | None = None,
    support: np.ndarray | None = None,
) -> bool:
    """Minimise the objective on the current support and signs (in place).

    Solves ``(G + l2 I) w_S = c - l1 s`` (see the module doc). That is the
    optimum when S and s are right. Otherwise a few active-set rounds
    correct them (the idea of homotopy/LARS, Osborne, Presnell & Turlach
    2000): entries whose solution changes sign leave S, and when none does,
    the zeros that violate their optimality condition
    ``|xc_j . (sw r)| / S <= l1`` enter S (the worst first, with the sign of
    their correlation). The last sign-consistent solution is kept if it
    lowers the objective (an ill-conditioned Gram matrix, a support near n,
    can make it worse than the descent's point). It is a warm start: the
    caller's solver checks it like any other. ``y`` is centred already when
    there is an intercept (the kernels' convention).

    ``cache`` (a :class:`GramCache` of the same design and weights) keeps
    the Gram entries and the factor from solve to solve.

    Returns True when coef was replaced, False (coef untouched) when the
    solve is not worth it (the support is too large, or the solve would
    cost more than ``epochs`` epochs of descent) or does not help. When coef
    is replaced, ``gradient_out`` (if given) receives the gradient
    ``xc_j.(sw r)/S`` of every feature at the new coef, from the optimality
    check of its last round. ``support``: ``flatnonzero(coef)`` when the
    caller has it.
    """
    n = design.n_samples
    if support is None:
        support = np.flatnonzero(coef != 0)
    if not _face_fits(support.size, n, l2):
        return False
    if cache is None:
        cache = GramCache(design, sample_weight)
    if epochs < face_solve_epochs(design, support, cache, l2):
        return False
    xbar = np.asarray(stats[0], dtype=np.float64)
    lipschitz = np.asarray(stats[1], dtype=np.float64)
    sw = None if sample_weight is None else np.asarray(sample_weight, np.float64)
    total = float(n if sw is None else sw.sum())
    yd = np.asarray(y, dtype=np.float64)
    target = cache.target(yd, total)
    sw_arg = np.empty(0) if sw is None else sw
    if cache.factor is None:
        cache.factor = FaceFactor(design.n_features)
    factor = cache.factor
    sign = np.sign(coef).astype(np.float64)
    w = coef[support].astype(np.float64)
    r = residual_on(*design.kernel_args(), yd, xbar, support, w, sw_arg)
    before = _penalised(r, sw, total, w, l1, l2)
    best = None  # (w, gradient) of the last sign-consistent solve
    barred = np.zeros(design.n_features, dtype=bool)  # dependent columns
    for _ in range(_FACE_ROUNDS):
        mean = xbar[support]
        if np.any(mean * mean > _FACE_HIGH_MEAN * lipschitz[support]):
            break  # centring the Gram matrix would cancel every digit
        dependent = factor.set_columns(cache, support, xbar, total, l2)
        if dependent.size:
            # Their columns lie in the span of the others': solved without
            # them (at zero), and kept out of this call's support. When a
            # column duplicates one of the support (the usual case), the
            # solution without it is an optimum of the full problem too.
            sign[dependent] = 0.0
            barred[dependent] = True
        support = factor.columns
        new = factor.solve(target[support] - l1 * sign[support])
        if not np.all(np.isfinite(new)):
            break
        keep = new * sign[support] > 0
        if not keep.all():  # leave S; solve again without them
            sign[support[~keep]] = 0.0
            support = support[keep]
            if support.size == 0:
                break
            continue
        # The zeros' optimality: xc_j . (sw r) / S for every feature.
        gradient = np.empty(design.n_features)
        r = residual_on(*design.kernel_args(), yd, xbar, support, new, sw_arg, gradient)
        best = (support, new, gradient, r)
        grown, sign = _enter_violators(
            support, sign, gradient, l1, n, l2, positive, barred
        )
        if grown.size == support.size:
            break
        support = grown
    if best is None:
        return False
    support, w, gradient, r = best
    if not _penalised(r, sw, total, w, l1, l2) < before:
        return False
    coef[:] = 0
    coef[support] = w
    if gradient_out is not None:
        gradient_out[:] = gradient
    return True


class FaceFactor:
    """Upper Cholesky factor ``R`` (``R^T R = G + l2 I``) of the centred
    Gram matrix on an ordered set of columns, updated as columns change
    (the compiled ``_cholesky`` updates: O(m^2) per column that enters or
    leaves, no copy of R). ``held`` marks the columns by feature index.
    """

    def __init__(self, n_features: int) -> None:
        self.held = np.zeros(n_features, dtype=bool)
        self._reset(0.0)

    def _reset(self, l2: float) -> None:
        self.columns = np.empty(0, dtype=np.intp)
        self.R = np.zeros((0, 0), order="F")
        self.held[:] = False
        self.l2 = l2

    def set_columns(
        self,
        cache: GramCache,
        support: np.ndarray,
        xbar: np.ndarray,
        total: float,
        l2: float,
    ) -> np.ndarray:
        """Factor ``G + l2 I`` on the columns of ``support`` (``columns``
        then holds them, in the factor's order), leaving out each column
        that is numerically dependent on those before it (duplicated
        columns, common in one-hot and text data, make the Gram matrix of
        a Lasso support singular). Returns the columns left out."""
        if l2 != self.l2:  # another matrix: start over
            self._reset(l2)
        wanted = np.zeros_like(self.held)
        wanted[support] = True
        stays = wanted[self.columns]
        if not stays.all():
            for k in np.flatnonzero(~stays)[::-1]:
                delete_column(self.R, self.columns.size, k)
            self.held[self.columns[~stays]] = False
            self.columns = self.columns[stays]
        enter = support[~self.held[support]]
        if enter.size == 0:
            return enter
        m, k = self.columns.size, enter.size
        if m + k > self.R.shape[0]:  # grow the buffer (geometrically)
            R = np.zeros((max(m + k, min(2 * (m + k), _FACE_MAX)),) * 2, order="F")
            R[:m, :m] = self.R[:m, :m]
            self.R = R
        cross = np.asfortranarray(cache.centred(self.columns, enter, xbar, total))
        block = cache.centred(enter, enter, xbar, total)
        block[np.diag_indices_from(block)] += l2
        kept = np.zeros(k, dtype=np.uint8)
        append_columns(self.R, m, cross, np.asfortranarray(block), _FACE_PIVOT, kept)
        kept = kept.view(bool)
        self.columns = np.concatenate([self.columns, enter[kept]])
        self.held[enter[kept]] = True
        return enter[~kept]

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``(G + l2 I)^{-1} rhs`` on ``columns`` (two triangular solves)."""
        out = np.array(rhs, dtype=np.float64)
        solve_factored(self.R, self.columns.size, out)
        return out


def _enter_violators(
    support, sign, gradient, l1: float, n: int, l2: float, positive, barred
):
    """``support`` (sorted) and ``sign`` with the zeros that violate their
    optimality condition most (up to _FACE_ENTER, with the sign of their
    gradient) added, as far as the support may grow; never the ``barred``
    ones (columns found dependent on the support)."""
    score = gradient.copy() if positive else np.abs(gradient)
    score[support] = 0.0
    score[barred] = 0.0
    violating = np.flatnonzero(score > l1 * (1.0 + 1e-9))
    room = _FACE_MAX - support.size if l2 > 0 else min(_FACE_MAX, n - 1) - support.size
    if violating.size == 0 or room <= 0:
        return support, sign
    enter = violating[np.argsort(-score[violating])[: min(_FACE_ENTER, room)]]
    sign[enter] = np.sign(gradient[enter])
    return np.sort(np.concatenate([support, enter])), sign


def _face_fits(m: int, n: int, l2: float) -> bool:
    """Whether a support of m columns can be solved directly: not too large,
    and a non-singular Gram matrix is possible (m < n without L2 term)."""
    return 0 < m <= _FACE_MAX and (l2 > 0 or m < n)


def _penalised(r, sw, total: float, w: np.ndarray, l1: float, l2: float) -> float:
    """The elastic-net objective from the residual r at w."""
    loss = float(r @ r if sw is None else sw @ (r * r)) / (2.0 * total)
    return loss + l1 * float(np.abs(w).sum()) + 0.5 * l2 * float(w @ w)


def design_matrix(design: Design) -> Any:
    """The design as a NumPy (Fortran-ordered view) or CSC matrix."""
    shape = (design.n_samples, design.n_features)
    if design.is_sparse:
        return sp.csc_matrix((design.data, design.indices, design.indptr), shape=shape)
    return design.data.reshape(shape, order="F")


def design_columns(design: Design, index: np.ndarray) -> np.ndarray:
    """Columns ``index`` of a dense design, as a float64 (n, m) array."""
    return np.asarray(design_matrix(design)[:, index], dtype=np.float64)


class GramCache:
    """Entries ``x_i^T diag(sw) x_j`` of the columns seen so far, and the
    :class:`FaceFactor` of the last face solve.

    Entries of columns new to the cache are computed on demand (their
    products with the cached columns and with each other: O(n k m) for k
    new of m columns, dense, or a sparse product). Past ``_CACHE_MAX``
    columns it starts over.
    """

    def __init__(
        self, design: Design, sw: np.ndarray | None, shared: bool = False
    ) -> None:
        self.design = design
        self.sw = sw
        self.shared = shared  # serves a sequence of solves (a path)
        self.index = np.empty(0, dtype=np.intp)
        self.block = np.empty((0, 0))
        self.position = np.full(design.n_features, -1, dtype=np.intp)
        self.factor: FaceFactor | None = None
        self._target: tuple[np.ndarray, np.ndarray] | None = None

    def target(self, yd: np.ndarray, total: float) -> np.ndarray:
        """``c = Xc^T W yc / S`` for every feature (yc = ``yd``, centred
        already: no xbar term), kept while the same y comes back (a path)."""
        if self._target is None or not np.array_equal(self._target[0], yd):
            sw = self.sw
            wy = yd if sw is None else np.asarray(sw, np.float64) * yd
            c = np.asarray(design_matrix(self.design).T @ wy).ravel() / total
            self._target = (yd.copy(), c)
        return self._target[1]

    def centred(
        self, rows: np.ndarray, cols: np.ndarray, xbar: np.ndarray, total: float
    ) -> np.ndarray:
        """``Xc_rows^T W Xc_cols / S`` (xbar: the weighted means)."""
        block = self._block(rows, cols) / total
        if rows.size and cols.size and np.any(xbar):
            block -= np.outer(xbar[rows], xbar[cols])
        return block

    def _block(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        both = np.concatenate([rows, cols])
        new = both[self.position[both] < 0]
        if new.size:
            if self.index.size + new.size > _CACHE_MAX:  # start over
                self.index = np.empty(0, dtype=np.intp)
                self.position[:] = -1
                new = both
            self._add(np.unique(new))
        return self.block[np.ix_(self.position[rows], self.position[cols])]

    def _add(self, new: np.ndarray) -> None:
        m, k = self.index.size, new.size
        if m + k > self.block.shape[0]:  # grow the buffer (geometrically)
            block = np.empty((max(m + k, min(2 * (m + k), _CACHE_MAX)),) * 2)
            block[:m, :m] = self.block[:m, :m]
            self.block = block
        block = self.block
        both = np.concatenate([self.index, new])
        if self.design.is_sparse:
            # compiled products (O(nnz) each): no sparse-matrix set-up
            sw = np.empty(0) if self.sw is None else np.asarray(self.sw, np.float64)
            cross = column_products(*self.design.kernel_args(), both, new, sw)
        else:  # one BLAS-3 product (the new columns are the last k copied)
            X_both = design_columns(self.design, both)
            X_new = X_both[:, m:]
            cross = X_both.T @ (X_new if self.sw is None else X_new * self.sw[:, None])
        block[: m + k, m : m + k] = cross
        block[m : m + k, :m] = cross[:m].T
        self.position[new] = np.arange(m, m + k)
        self.index = both
