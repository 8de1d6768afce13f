# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""Coordinate descent for the weighted elastic net, with working sets,
Gap Safe screening and a duality-gap stopping rule.

Problem (scikit-learn's convention; ``S = sum_i sw_i``)::

    P(w, b) = 1/(2S) sum_i sw_i (y_i - x_i.w - b)^2
              + l1 ||w||_1 + l2/2 ||w||_2^2        [+ w >= 0 if positive]

With an intercept, the optimal b is ybar - xbar.w (weighted means), so the
problem is the same one on weighted-centred data Xc = X - xbar, yc = y - ybar.
X is never centred in memory. The residual r = yc - Xc w is stored as an
array ``rt`` plus one scalar ``c``, r = rt + c (the mean-shift trick of
glmnet): changing w_j by d costs ``rt -= d x_j`` (O(nnz of column j)) and
``c += d xbar_j`` (O(1)). Because sum_i sw_i r_i = 0 stays true, the centred
gradient is g_j = xc_j.(sw r)/S = x_j.(sw rt)/S + c xbar_j.

Dual point and gap (Fercoq, Gramfort & Salmon 2015; Massias, Gramfort &
Salmon 2018). The elastic net is a Lasso on the augmented design
[Xc; sqrt(S l2) I] with target [yc; 0], whose dual is

    D(theta) = (1/S) [sum_i sw_i (theta_i yc_i - theta_i^2/2) - ||theta_aug||^2/2]

subject to |x_aug_j . theta| / S <= l1. We take theta = s [r; -sqrt(S l2) w],
the rescaled residual, with s the best feasible scale: maximising D along
that ray is a 1-D concave quadratic. When l2 > 0 the Fenchel dual of the
elastic net itself at theta = r is also valid and is used when it is higher.
The gap P - D bounds P(w) - P* and is what every stop is decided on.

Gap Safe rule: D is (1/S)-strongly concave in the sw-weighted norm, so the
optimal dual point lies within sqrt(2 S gap) of theta, and feature j is
certified zero when |v_j| + sqrt(2 (L_j + l2) gap) < l1.

Working sets (Johnson & Guestrin 2015; Massias et al. 2018): the outer loop
ranks features by their distance to the dual constraint, solves the
sub-problem on the current support plus the most violating features to a
fraction of the outer gap, and grows the set as the support grows.
"""
import numpy as np

from cython cimport floating
from libc.math cimport INFINITY, ceil, fabs, isfinite, log, sqrt
from libc.stdint cimport uint64_t
from libc.string cimport memcpy, memmove

from ._design cimport (
    axpy_dot_fusion_pays, col_axpy, col_axpy_dot, col_axpy_f64, col_dot,
    col_dot_f64, col_moments, cols_dot, index_t, pair_axpy_dots, pair_dots,
    simd_on, simd_request,
)
from ._penalty cimport dual_violation, enet_prox
from ._extrapolation cimport (
    MAX_DEPTH, affine_weights, difference_gram, project_on_face,
)
from ._workset cimport ScoredFeature, select_smallest, sort_distinct_indices





cdef struct Problem:
    # Scalars describing the problem and the current residual offset.
    Py_ssize_t n
    Py_ssize_t p
    bint is_sparse
    double sw_sum
    double inv_sw_sum      # 1 / sw_sum: a product in the epochs' chain
    double ybar
    double l1
    double l2
    bint positive
    double offset          # c in r = rt + c
    bint pairs             # epochs take two coordinates per pass
    double rss_extra       # ||r_perp||^2_sw / S of a residual part outside
                           # the design's span, constant in w (see _dual_gap)


cdef inline int _epochs_to(
    double gap_before, int iter_before, double gap, int iter_now,
    double target, int n_epochs,
) noexcept nogil:
    """Epochs until the next gap check: ``n_epochs``, or fewer when the rate
    of the last two checks predicts that the gap reaches ``target`` sooner.

    Coordinate descent converges linearly (Luo & Tseng 1992; for the Lasso,
    on a fixed support): gap_k ~ C rho^k. The rate seen from ``iter_before``
    to ``iter_now`` puts ``target`` at log(target / gap) / log(rho) more
    epochs; checking then, rather than at the end of a fixed block, saves
    up to a block of epochs run past convergence. Never lengthens a block.
    """
    cdef double rate, need
    if not (target > 0.0 and gap > target and gap_before > gap
            and gap_before < INFINITY and iter_now > iter_before):
        return n_epochs
    rate = log(gap / gap_before) / (iter_now - iter_before)  # log rho < 0
    need = ceil(log(target / gap) / rate)
    if need < n_epochs:
        return <int>need if need >= 1.0 else 1
    return n_epochs


cdef inline bint _high_mean(double mean, double lipschitz) noexcept nogil:
    """A column whose mean is over 100 times its (centred) spread."""
    return mean * mean > 1e4 * lipschitz


cdef inline double _gradient_from_dot(
    Problem* pb, double dot, const floating* sw, const floating* xbar,
    const double* lipschitz, const floating* rt, double offset, Py_ssize_t j,
) noexcept nogil:
    """g_j = xc_j.(sw r)/S for r = rt + offset, from dot = x_j.(sw rt).

    Normally x_j.(sw rt)/S + offset xbar_j (implicit centring; exact when
    sum sw r = 0). For a column whose mean dwarfs its spread, rounding
    leaves sum sw r slightly off zero and xbar_j amplifies that drift, so
    the centring is made explicit: (x_j.(sw rt) - xbar_j sum sw rt)/S,
    which needs no offset (xc_j is orthogonal to constants) and costs one
    extra O(n) pass, for such columns only."""
    cdef double total = 0.0
    cdef Py_ssize_t i
    if not _high_mean(xbar[j], lipschitz[j]):
        return dot * pb.inv_sw_sum + offset * xbar[j]
    for i in range(pb.n):
        total += (sw[i] * rt[i]) if sw != NULL else rt[i]
    return (dot - xbar[j] * total) / pb.sw_sum


cdef void _gradient(
    Problem* pb,
    const floating* data, const index_t* indices, const index_t* indptr,
    const floating* sw, const floating* xbar, const double* lipschitz,
    const floating* rt, double offset,
    const Py_ssize_t* features, Py_ssize_t n_features, double* grad,
    floating* dots,
) noexcept nogil:
    """grad[j] = xc_j . (sw r) / S for the listed features, r = rt + offset.

    ``features`` is increasing (the active set, a sorted working set): runs
    of consecutive features take their column dots in one ``cols_dot`` call,
    through ``dots`` (length p, scratch)."""
    cdef Py_ssize_t k = 0, j, m, run
    while k < n_features:
        j = features[k]
        run = 1
        while k + run < n_features and features[k + run] == j + run:
            run += 1
        cols_dot(data, indices, indptr, pb.is_sparse, pb.n, j, run, rt, sw,
                 dots + j)
        for m in range(j, j + run):
            grad[m] = _gradient_from_dot(pb, dots[m], sw, xbar, lipschitz, rt,
                                         offset, m)
        k += run


cdef Py_ssize_t _complement(
    const Py_ssize_t* a, Py_ssize_t n_a, const Py_ssize_t* b, Py_ssize_t n_b,
    Py_ssize_t* out,
) noexcept nogil:
    """The entries of the increasing list ``a`` not in the increasing list
    ``b``, in order, into ``out``; returns their count."""
    cdef Py_ssize_t i, k = 0, m = 0
    for i in range(n_a):
        while k < n_b and b[k] < a[i]:
            k += 1
        if k < n_b and b[k] == a[i]:
            continue
        out[m] = a[i]
        m += 1
    return m


cdef double _dual_gap(
    Problem* pb, const floating* sw, const floating* rt,
    const floating* r_dual, const floating* w, const double* grad,
    const Py_ssize_t* features, Py_ssize_t n_features,
    double* scale, double* gap_aug,
) noexcept nogil:
    """Duality gap of the problem restricted to ``features`` (see module doc).

    The dual point is built from ``r_dual``, a centred residual-like vector
    (NULL: the current residual r = rt + c), and ``grad`` must hold
    xc_j.(sw r_dual)/S on those features (w is zero elsewhere). Writes the
    dual scale s and the gap of the augmented-Lasso dual point (the one the
    Gap Safe radius is measured from).

    With rss = ||r||^2_sw / S and yc = r + Xc w, the data terms of P - D
    combine into one squared distance, r_dual.yc / S = r_dual.r / S + w.g:

        P - D_aug(s) = ||r - s r_dual||^2_sw / (2S) + l1 ||w||_1
                       + (1 + s^2) l2/2 ||w||^2 - s w.g,
        P - D_fenchel = ||r - r_dual||^2_sw / (2S) + l1 ||w||_1
                        + l2/2 ||w||^2 - w.g + sum_j (|g_j| - l1)_+^2 / (2 l2).

    Evaluating these forms instead of P and D separately avoids the
    cancellation between two large numbers when rss is large (as in the
    weighted least-squares models of proximal Newton), so the gap is exact
    down to rounding of its own size.

    ``pb.rss_extra``: the squared norm of a residual part r_perp outside the
    span of the columns, the same for every w (Gram mode: the part of y
    that its p x p problem leaves out). The full residual is r + r_perp,
    and any residual-like dual direction (an affine combination of
    residuals) carries the same r_perp: so rss, r_dual.r and ||r_dual||^2
    each gain it, ||r - s r_dual||^2 gains (1 - s)^2 times it and
    ||r - r_dual||^2 nothing, while the gradients are unchanged. The gap is
    then that of the original problem, whose dual point is built from the
    full residual (a Gram-mode solve stops where a direct one would).
    """
    cdef Py_ssize_t i, k, j
    cdef double ri, di, wi, rss = 0.0, cross = 0.0, dual_sq = 0.0
    cdef double l1_norm = 0.0, l2_sq = 0.0, wg = 0.0
    cdef double v, v_max = 0.0, excess, conj = 0.0
    cdef double quad, s, s_max, gap, gap_fenchel, dist, dist_one = 0.0
    cdef double c = pb.offset
    for i in range(pb.n):
        ri = rt[i] + c
        wi = sw[i] if sw != NULL else 1.0
        rss += wi * ri * ri
        if r_dual != NULL:
            di = r_dual[i]
            cross += wi * di * ri
            dual_sq += wi * di * di
    rss = rss / pb.sw_sum + pb.rss_extra
    if r_dual == NULL:
        cross = rss
        dual_sq = rss
    else:
        cross = cross / pb.sw_sum + pb.rss_extra
        dual_sq = dual_sq / pb.sw_sum + pb.rss_extra
    for k in range(n_features):
        j = features[k]
        l1_norm += fabs(w[j])
        l2_sq += w[j] * w[j]
        wg += w[j] * grad[j]
        v = dual_violation(grad[j] - pb.l2 * w[j], pb.positive)
        if v > v_max:
            v_max = v
        if pb.l2 > 0:
            excess = dual_violation(grad[j], pb.positive) - pb.l1
            if excess > 0:
                conj += excess * excess

    # Best feasible scale s on the ray theta = s [r_dual; -sqrt(S l2) w]:
    # maximise s (r_dual.r/S + w.g) - s^2/2 (||r_dual||^2/S + l2 ||w||^2).
    quad = dual_sq + pb.l2 * l2_sq
    s = (cross + wg) / quad if quad > 0 else 0.0
    s_max = pb.l1 / v_max if v_max > 0 else INFINITY
    if s > s_max:
        s = s_max
    if s < 0:
        s = 0.0
    if r_dual == NULL:
        dist = (1.0 - s) * (1.0 - s) * rss
    else:
        dist = 0.0
        for i in range(pb.n):
            ri = rt[i] + c
            wi = sw[i] if sw != NULL else 1.0
            di = ri - s * r_dual[i]
            dist += wi * di * di
            di = ri - r_dual[i]
            dist_one += wi * di * di
        dist = dist / pb.sw_sum + (1.0 - s) * (1.0 - s) * pb.rss_extra
        dist_one /= pb.sw_sum
    gap = (0.5 * dist + pb.l1 * l1_norm + 0.5 * (1.0 + s * s) * pb.l2 * l2_sq
           - s * wg)
    scale[0] = s
    gap_aug[0] = gap
    if pb.l2 > 0:
        gap_fenchel = (0.5 * dist_one + pb.l1 * l1_norm + 0.5 * pb.l2 * l2_sq
                       - wg + conj / (2.0 * pb.l2))
        if gap_fenchel < gap:
            return gap_fenchel
    return gap


cdef inline Py_ssize_t _next_live(
    const double* lipschitz, const Py_ssize_t* features, Py_ssize_t k,
    Py_ssize_t n_features,
) noexcept nogil:
    """The first position >= k of ``features`` whose column is not constant."""
    while k < n_features and lipschitz[features[k]] == 0.0:
        k += 1
    return k


cdef double _epoch(
    Problem* pb,
    const floating* data, const index_t* indices, const index_t* indptr,
    const floating* sw, const floating* xbar, const double* lipschitz,
    floating* rt, floating* w,
    const Py_ssize_t* features, Py_ssize_t n_features,
) noexcept nogil:
    """One cyclic pass of coordinate updates; returns max |change in w_j|."""
    cdef Py_ssize_t k, j, i, k_next
    cdef double shift, dot
    cdef double grad_j, w_old, w_new, delta, max_delta = 0.0
    cdef bint have_dot = False  # dot = x_j.(sw rt), from the last axpy
    cdef bint high_mean
    for k in range(n_features):
        j = features[k]
        if lipschitz[j] == 0.0:
            continue
        w_old = w[j]
        # Fused update: z = L_j w_j + g_j uses the residual that still holds
        # w_j's own contribution, so one dot and (if w_j moves) one axpy.
        if not have_dot:
            dot = col_dot(data, indices, indptr, pb.is_sparse, pb.n, j, rt, sw)
        have_dot = False
        grad_j = _gradient_from_dot(pb, dot, sw, xbar, lipschitz, rt,
                                    pb.offset, j)
        w_new = enet_prox(lipschitz[j] * w_old + grad_j, lipschitz[j],
                          pb.l1, pb.l2, pb.positive)
        if w_new != w_old:
            delta = w_new - w_old
            high_mean = _high_mean(xbar[j], lipschitz[j])
            # The next feature's dot rides along with this axpy (one pass
            # over rt) where that saves work, unless rt gets another
            # change below (high_mean). Otherwise it is the dot at the top
            # of the loop.
            k_next = n_features
            if axpy_dot_fusion_pays(pb.is_sparse) and not high_mean:
                k_next = _next_live(lipschitz, features, k + 1, n_features)
            if k_next < n_features:
                dot = col_axpy_dot(data, indices, indptr, pb.is_sparse, pb.n,
                                   j, <floating>(-delta), rt,
                                   features[k_next], sw)
                have_dot = True
            else:
                col_axpy(data, indices, indptr, pb.is_sparse, pb.n, j,
                         <floating>(-delta), rt)
            shift = delta * xbar[j]
            if high_mean:
                # A column whose mean dwarfs its spread: centre this update
                # in rt right away (O(n)) rather than through the offset,
                # which would cancel against x_k.rt in the next gradients
                # (see _fold_offset).
                for i in range(pb.n):
                    rt[i] = <floating>(rt[i] + shift)
            else:
                pb.offset += shift
            w[j] = <floating>w_new
            if fabs(delta) > max_delta:
                max_delta = fabs(delta)
    return max_delta


cdef inline double _pair_step(
    Problem* pb, const floating* sw, const floating* xbar,
    const double* lipschitz, const floating* rt, floating* w, Py_ssize_t j,
    double dot,
) noexcept nogil:
    """One coordinate of an ``_epoch_pairs`` pair: the update of ``_epoch``
    from the column's dot with rt, the residual left to the caller (the
    offset takes the centring); returns the change of w_j."""
    cdef double w_old = w[j]
    cdef double w_new = enet_prox(
        lipschitz[j] * w_old
        + _gradient_from_dot(pb, dot, sw, xbar, lipschitz, rt, pb.offset, j),
        lipschitz[j], pb.l1, pb.l2, pb.positive)
    if w_new != w_old:
        pb.offset += (w_new - w_old) * xbar[j]
        w[j] = <floating>w_new
    return w_new - w_old


cdef double _epoch_pairs(
    Problem* pb,
    const floating* data, const index_t* indices, const index_t* indptr,
    const floating* sw, const floating* xbar, const double* lipschitz,
    floating* rt, floating* w,
    const Py_ssize_t* features, Py_ssize_t n_features,
) noexcept nogil:
    """:func:`_epoch` for dense X with long columns: the same cyclic pass,
    two coordinates per pass over the residual.

    With d_a = x_a.(sw rt), d_b = x_b.(sw rt) and g = x_a.(sw x_b) taken
    together, b's dot after a moves by delta (rt <- rt - delta x_a) is
    d_b - delta g, so a then b are updated exactly as one at a time (up to
    rounding), and rt takes both changes in one pass, fused with the next
    pair's three dots (``pair_axpy_dots``). On a long X an epoch streams
    each column twice (its dots, then its update) and the residual once
    per update: per pair, once. Columns whose mean dwarfs their spread
    (centred explicitly, see _high_mean) and an odd last one go alone.
    """
    cdef Py_ssize_t k, kb, kc, kd, a, b
    cdef double dots[3]
    cdef bint have = False  # dots holds the pair (a, b)'s, from the last pass
    cdef double da, db, max_delta = 0.0
    k = _next_live(lipschitz, features, 0, n_features)
    while k < n_features:
        a = features[k]
        kb = _next_live(lipschitz, features, k + 1, n_features)
        if (kb >= n_features or _high_mean(xbar[a], lipschitz[a])
                or _high_mean(xbar[features[kb]], lipschitz[features[kb]])):
            # One coordinate, by _epoch itself.
            have = False
            da = _epoch(pb, data, indices, indptr, sw, xbar, lipschitz, rt, w,
                        features + k, 1)
            if da > max_delta:
                max_delta = da
            k = kb
            continue
        b = features[kb]
        if not have:
            pair_dots(data, pb.n, a, b, rt, sw, dots)
        have = False
        da = _pair_step(pb, sw, xbar, lipschitz, rt, w, a, dots[0])
        dots[1] -= da * dots[2]  # b's dot with rt - da x_a
        db = _pair_step(pb, sw, xbar, lipschitz, rt, w, b, dots[1])
        if fabs(da) > max_delta:
            max_delta = fabs(da)
        if fabs(db) > max_delta:
            max_delta = fabs(db)
        kc = _next_live(lipschitz, features, kb + 1, n_features)
        if da != 0.0 or db != 0.0:
            kd = (_next_live(lipschitz, features, kc + 1, n_features)
                  if kc < n_features else n_features)
            if (kd < n_features
                    and not _high_mean(xbar[features[kc]],
                                       lipschitz[features[kc]])
                    and not _high_mean(xbar[features[kd]],
                                       lipschitz[features[kd]])):
                pair_axpy_dots(data, pb.n, a, <floating>(-da), b,
                               <floating>(-db), rt, features[kc],
                               features[kd], sw, dots)
                have = True
            else:
                pair_axpy_dots(data, pb.n, a, <floating>(-da), b,
                               <floating>(-db), rt, -1, -1, sw, dots)
        k = kc
    return max_delta


cdef double _primal_on(
    Problem* pb, const floating* sw, const floating* rt, double offset,
    const double* w_values, Py_ssize_t n_values,
) noexcept nogil:
    """P(w) from the residual r = rt + offset and the non-zero values of w."""
    cdef Py_ssize_t i
    cdef double ri, rss = 0.0, l1_norm = 0.0, l2_sq = 0.0
    for i in range(pb.n):
        ri = rt[i] + offset
        rss += (sw[i] * ri * ri) if sw != NULL else ri * ri
    for i in range(n_values):
        l1_norm += fabs(w_values[i])
        l2_sq += w_values[i] * w_values[i]
    return 0.5 * rss / pb.sw_sum + pb.l1 * l1_norm + 0.5 * pb.l2 * l2_sq


cdef void _record(
    double* history, int slot, Py_ssize_t stride, const floating* w,
    const Py_ssize_t* features, Py_ssize_t n_features,
) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(n_features):
        history[slot * stride + k] = w[features[k]]


cdef void _fold_offset(Problem* pb, floating* rt) noexcept nogil:
    """rt <- rt + c, c <- 0: the same residual r, stored without the offset.

    The mean-shift trick keeps r = rt + c with rt = y - X w uncentred. When
    a column's mean is large compared with its spread, rt and c are large
    and opposite, and x_j.rt / S + c xbar_j loses the gradient to
    cancellation (an error of order eps xbar_j^2 |w|). Folding c into rt at
    every gap check keeps rt close to the centred residual, so only the
    updates of the last few epochs can re-grow that error, and they shrink
    as the solver converges. O(n), like the gap check itself."""
    cdef Py_ssize_t i
    if pb.offset != 0.0:
        for i in range(pb.n):
            rt[i] = <floating>(rt[i] + pb.offset)
        pb.offset = 0.0


cdef void _push_residual(
    Problem* pb, const floating* rt, double* r_history, int* n_stored, int depth,
) noexcept nogil:
    """Append r = rt + c to the last ``depth + 1`` residuals (oldest dropped)."""
    cdef Py_ssize_t i, n = pb.n
    if n_stored[0] == depth + 1:
        memmove(r_history, r_history + n, depth * n * sizeof(double))
        n_stored[0] = depth
    for i in range(n):
        r_history[n_stored[0] * n + i] = rt[i] + pb.offset
    n_stored[0] += 1


cdef bint _extrapolated_residual(
    Problem* pb, const floating* sw, const double* r_history, int depth,
    floating* r_acc,
) noexcept nogil:
    """Dual extrapolation (Massias, Gramfort & Salmon 2018, "Celer").

    CD residuals r_k converge to the dual optimum S theta* along a few
    linear modes, so the affine combination of the last residuals that
    cancels their differences (the Anderson/Aitken step) lands much closer
    to it than r_k itself. The result, centred to keep sum sw r = 0 (the
    intercept's dual constraint), is a candidate dual direction; the gap
    routine rescales it to feasibility and the caller keeps it only when
    its gap is smaller than the plain residual's."""
    cdef double gram[MAX_DEPTH * MAX_DEPTH]
    cdef double c[MAX_DEPTH]
    cdef Py_ssize_t i, n = pb.n
    cdef int a
    cdef double acc, mean = 0.0
    difference_gram(r_history, n, n, depth, gram)
    if not affine_weights(gram, depth, c):
        return False
    for i in range(n):
        acc = 0.0
        for a in range(depth):
            acc += c[a] * r_history[(a + 1) * n + i]
        r_acc[i] = <floating>acc
        mean += (sw[i] * acc) if sw != NULL else acc
    mean /= pb.sw_sum
    for i in range(n):
        r_acc[i] = <floating>(r_acc[i] - mean)
    return True


cdef bint _extrapolate(
    Problem* pb,
    const floating* data, const index_t* indices, const index_t* indptr,
    const floating* y, const floating* sw, const floating* xbar,
    floating* rt, floating* w, floating* rt_try, double* w_try, double* w_cur,
    const double* history, int depth, Py_ssize_t stride,
    const Py_ssize_t* features, Py_ssize_t n_features,
) noexcept nogil:
    """Anderson extrapolation of the last ``depth + 1`` iterates.

    Coordinate descent iterates converge linearly along a few directions;
    Anderson acceleration (Anderson 1965; for CD, Bertrand & Massias 2021)
    combines the last iterates w_1..w_K with weights c (sum c = 1) that
    minimise ||sum_k c_k (w_k - w_{k-1})|| (see ``affine_weights``). The
    extrapolated point is kept only if it lowers the objective, so
    convergence guarantees are untouched. The extrapolation is projected
    on the current signs (``project_on_face``).
    """
    cdef double gram[MAX_DEPTH * MAX_DEPTH]
    cdef double z[MAX_DEPTH]
    cdef double acc
    cdef int a
    cdef Py_ssize_t i, k, j
    cdef double offset_try, p_try, p_cur
    difference_gram(history, stride, n_features, depth, gram)
    if not affine_weights(gram, depth, z):
        return False
    for k in range(n_features):
        acc = 0.0
        for a in range(depth):
            acc += z[a] * history[(a + 1) * stride + k]
        w_cur[k] = w[features[k]]
        w_try[k] = <floating>project_on_face(w_cur[k], acc)
    # Residual at the extrapolated point, from scratch (features outside the
    # set are zero): rt_try = y - X w_try, offset = xbar.w_try - ybar.
    for i in range(pb.n):
        rt_try[i] = y[i]
    offset_try = -pb.ybar
    for k in range(n_features):
        if w_try[k] != 0.0:
            j = features[k]
            col_axpy(data, indices, indptr, pb.is_sparse, pb.n, j,
                     <floating>(-w_try[k]), rt_try)
            offset_try += w_try[k] * xbar[j]
    p_try = _primal_on(pb, sw, rt_try, offset_try, w_try, n_features)
    p_cur = _primal_on(pb, sw, rt, pb.offset, w_cur, n_features)
    if not p_try < p_cur:
        return False
    for i in range(pb.n):
        rt[i] = rt_try[i]
    pb.offset = offset_try
    _fold_offset(pb, rt)
    for k in range(n_features):
        w[features[k]] = <floating>w_try[k]
    return True


# Active-set cycling (see _epochs) pays where the set's zeros are many; with
# a support of most of the set it saves little, and its switch of sweeps
# disturbs Anderson extrapolation. The share was picked from a few trial
# values on the 500 x 5000 problem of benchmarks/bench_peers.py at
# alpha_max / 100; benchmarks/bench_kernel_choices.py measures cycling on
# and off with it, not other shares.
cdef double CYCLE_SHARE = 0.8

cdef int _epochs(
    Problem* pb,
    const floating* data, const index_t* indices, const index_t* indptr,
    const floating* y, const floating* sw, const floating* xbar,
    const double* lipschitz, floating* rt, floating* w,
    const Py_ssize_t* features, Py_ssize_t n_features, int n_epochs,
    double* history, int* n_recorded, int depth, Py_ssize_t stride,
    floating* rt_try, double* w_try, double* w_cur,
    double* r_history, int* n_residuals, int dual_depth,
    Py_ssize_t* nonzero,
) noexcept nogil:
    """Run ``n_epochs`` CD epochs, with Anderson extrapolation every
    ``depth`` epochs when ``depth > 0``, keeping the last ``dual_depth + 1``
    residuals for dual extrapolation. Returns the epochs run.

    With a buffer ``nonzero`` (length >= n_features), only the first epoch
    visits every feature; the others visit those it left non-zero (the
    active-set cycling of glmnet, Friedman, Hastie & Tibshirani 2010,
    "Regularization paths for generalized linear models via coordinate
    descent"), unless they are CYCLE_SHARE of the features or more: a
    feature at zero that stays there costs a dot per epoch and gains
    nothing, and the caller's gap check after the block, over every
    feature, catches one that should have moved. Anderson's history is
    recorded over all the features (those skipped do not move)."""
    cdef int e
    cdef Py_ssize_t k
    cdef const Py_ssize_t* sweep = features
    cdef Py_ssize_t n_sweep = n_features
    cdef bint cycling = nonzero != NULL and n_epochs > 1
    for e in range(n_epochs):
        if depth > 0 and n_recorded[0] == 0:
            _record(history, 0, stride, w, features, n_features)
            n_recorded[0] = 1
        if pb.pairs:
            _epoch_pairs(pb, data, indices, indptr, sw, xbar, lipschitz, rt,
                         w, sweep, n_sweep)
        else:
            _epoch(pb, data, indices, indptr, sw, xbar, lipschitz, rt, w,
                   sweep, n_sweep)
        if cycling and e == 0:
            n_sweep = 0
            for k in range(n_features):
                if w[features[k]] != 0:
                    nonzero[n_sweep] = features[k]
                    n_sweep += 1
            if n_sweep < CYCLE_SHARE * n_features:
                sweep = nonzero
            else:
                n_sweep = n_features
        if depth > 0:
            _record(history, n_recorded[0], stride, w, features, n_features)
            n_recorded[0] += 1
            if n_recorded[0] == depth + 1:
                if _extrapolate(pb, data, indices, indptr, y, sw, xbar, rt, w,
                                rt_try, w_try, w_cur, history, depth, stride,
                                features, n_features):
                    # A jump, not a CD step: restart the residual sequence.
                    n_residuals[0] = 0
                n_recorded[0] = 0
    # One residual per block of epochs (the gap-check spacing), as in Celer:
    # residuals a few epochs apart expose the slow modes that extrapolation
    # removes better than consecutive ones.
    if dual_depth > 0:
        _push_residual(pb, rt, r_history, n_residuals, dual_depth)
    return n_epochs


def column_stats(
    const floating[::1] X_data,
    const index_t[::1] X_indices,
    const index_t[::1] X_indptr,
    bint is_sparse,
    Py_ssize_t n_samples,
    Py_ssize_t n_features,
    const floating[::1] sample_weight,
    bint fit_intercept,
    bint summary=False,
):
    """Weighted column means and centred curvatures of X.

    Returns ``xbar`` (X's dtype; zeros without intercept) and
    ``lipschitz[j] = sum_i sw_i (x_ij - xbar_j)^2 / S`` (float64), set to 0
    for columns that are constant after centring. Computed once per
    (X, weights) and shared by every solve on it (a path, a CV fold).

    With ``summary``, also ``(finite_sums, bound)`` over X's stored values,
    for input validation (``check_magnitudes``) from the same pass:
    ``finite_sums`` is false when a value is NaN or infinite (or the sums
    overflow); otherwise ``bound`` >= max |x_ij| (see ``col_moments``).
    Nothing here indexes by a value, so such X is safe to read; its
    statistics are then meaningless.
    """
    cdef Py_ssize_t n = n_samples, p = n_features, i, j
    cdef const floating* sw = NULL
    cdef double sw_sum = 0.0, total, total_sq, mean, shift
    cdef double top, bound = 0.0, sums = 0.0
    # (100 eps)^2: the relative size of a constant column's centred norm.
    cdef double const_tol = (
        (100 * 1.2e-7) ** 2 if floating is float else (100 * 2.3e-16) ** 2)
    if sample_weight.shape[0] > 0:
        sw = &sample_weight[0]
    dtype = _F32 if floating is float else _F64
    xbar_arr = np.zeros(p, dtype=dtype)
    lipschitz_arr = np.zeros(p, dtype=np.float64)
    cdef floating[::1] xbar = xbar_arr
    cdef double[::1] lipschitz = lipschitz_arr
    cdef const floating* data = &X_data[0] if X_data.shape[0] > 0 else NULL
    cdef const index_t* indices = &X_indices[0]
    cdef const index_t* indptr = &X_indptr[0]
    with nogil:
        for i in range(n):
            sw_sum += sw[i] if sw != NULL else 1.0
        for j in range(p):
            # One pass about a shift close to the mean (the column's first
            # stored value for dense X; 0 for CSC, whose implicit zeros
            # dominate), then exact correction: sum w (x - m)^2 =
            # sum w (x - c)^2 - S (m - c)^2. No cancellation unless the
            # spread is tiny compared with |mean - shift|.
            shift = 0.0
            if fit_intercept and not is_sparse:
                shift = data[j * n]
            col_moments(data, indices, indptr, is_sparse, n, j, sw, shift,
                        &total, &total_sq, &top)
            bound = top if top > bound else bound
            # NaN or inf when a value is, or when the sums overflow
            sums += total + total_sq
            if fit_intercept:
                # total is sum w x; the centred sum of squares follows.
                mean = total / sw_sum
                total_sq -= sw_sum * (mean - shift) * (mean - shift)
                if is_sparse and total_sq < 1e-4 * sw_sum * mean * mean:
                    # A stored-dense CSC column with a large mean: the
                    # correction cancelled most digits; redo about the mean.
                    shift = mean
                    col_moments(data, indices, indptr, is_sparse, n, j, sw,
                                shift, &total, &total_sq, &top)
                    total_sq -= sw_sum * (total / sw_sum - shift) ** 2
                if total_sq < 0:
                    total_sq = 0.0
            else:
                mean = 0.0
            xbar[j] = <floating>mean
            lipschitz[j] = total_sq / sw_sum
            # A column that is constant (after centring) can never enter:
            # its centred norm is rounding noise of the mean.
            if lipschitz[j] <= const_tol * mean * mean:
                lipschitz[j] = 0.0
    if summary:
        return xbar_arr, lipschitz_arr, (bool(isfinite(sums)), bound)
    return xbar_arr, lipschitz_arr


# enet_coordinate_descent's defaults, named so that enet_path_loop can pass
# them by position (a keyword argument would send its call through Python)
cdef int GAP_FREQ = 10
cdef int FIRST_CHECK = 1
cdef int WS_START = 10
cdef int ANDERSON_DEPTH = 5
cdef int DUAL_DEPTH = 5
cdef Py_ssize_t COLD_WS = 40
cdef double WS_FULL_SHARE = 0.75
cdef Py_ssize_t PAIR_MIN_N = 4096

_SCORED_DTYPE = np.dtype([("score", np.float64), ("index", np.intp)])
# The canonical dtypes of the workspace's buffers (see _buffer).
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_INTP = np.dtype(np.intp)
_U64 = np.dtype(np.uint64)


cdef object _buffer(dict workspace, str name, Py_ssize_t size, object dtype):
    """An uninitialised array of ``size`` items: a fresh one, or the one the
    workspace keeps under ``name`` (replaced when too short or of another
    dtype). A path passes the same workspace to every solve, so the large
    per-feature buffers are allocated (and their pages faulted in) once per
    path, not once per alpha: on a wide problem that was most of the fixed
    cost of a solve."""
    if size < 1:
        size = 1
    if workspace is None:
        return np.empty(size, dtype=dtype)
    buf = workspace.get(name)
    # (dtype: a canonical np.dtype, which the kept array's is on a hit)
    if buf is None or buf.shape[0] < size or buf.dtype is not dtype:
        buf = np.empty(size, dtype=dtype)
        workspace[name] = buf
    # along a path every call asks for the same sizes: no view to make
    return buf if buf.shape[0] == size else buf[:size]


cdef inline object _kept_view(dict workspace, str name, Py_ssize_t size,
                              object dtype):
    """The memoryview object :func:`_keep_view` kept for the workspace's
    buffer ``name`` at this size and dtype, or None. A typed view taken from
    it is a reference count, where one taken from an array goes through the
    buffer protocol (a new memoryview object, a parse of the array's format
    string), once per buffer and call: a fixed cost that counts where a
    solve takes microseconds (a tall path's Gram form)."""
    if workspace is None:
        return None
    views = workspace.get("views")
    if views is None:
        return None
    entry = (<dict>views).get(name)
    if (entry is None or (<tuple>entry)[0] != size
            or (<tuple>entry)[1] is not dtype):
        return None
    return (<tuple>entry)[2]


cdef inline void _keep_view(dict workspace, str name, Py_ssize_t size,
                            object dtype, object view):
    """Keep ``view`` (a typed view of the buffer ``name``, as an object)
    for :func:`_kept_view`."""
    if workspace is not None:
        workspace.setdefault("views", {})[name] = (size, dtype, view)


ctypedef fused scratch_t:
    float
    double
    Py_ssize_t
    uint64_t
    ScoredFeature


cdef scratch_t[::1] _scratch(scratch_t* kind, dict workspace, str name,
                             Py_ssize_t size, object dtype,
                             bint zeroed=False):
    """The workspace's buffer ``name`` (:func:`_buffer`; with ``zeroed``,
    the bitmap of :func:`_zeroed_bitmap`, ``size`` bits) as a typed view,
    kept with :func:`_keep_view` (``kind``, a NULL pointer, only picks the
    type)."""
    cdef scratch_t[::1] buf
    view = _kept_view(workspace, name, size, dtype)
    if view is not None:
        return view
    if zeroed:
        buf = _zeroed_bitmap(workspace, size)
    else:
        buf = _buffer(workspace, name, size, dtype)
    _keep_view(workspace, name, size, dtype, buf)
    return buf


cdef object _zeroed_bitmap(dict workspace, Py_ssize_t n_bits):
    """A bitmap of ``n_bits`` bits, all zero: a fresh one, or the one the
    workspace keeps (its users leave it zero; see sort_distinct_indices)."""
    cdef Py_ssize_t words = n_bits // 64 + 1
    if workspace is None:
        return np.zeros(words, dtype=np.uint64)
    buf = workspace.get("bitmap")
    if buf is None or buf.shape[0] < words:
        buf = np.zeros(words, dtype=np.uint64)
        workspace["bitmap"] = buf
    return buf


cpdef tuple enet_coordinate_descent(
    const floating[::1] X_data,
    const index_t[::1] X_indices,
    const index_t[::1] X_indptr,
    bint is_sparse,
    Py_ssize_t n_samples,
    Py_ssize_t n_features,
    const floating[::1] y,
    const floating[::1] sample_weight,
    floating[::1] coef,
    const floating[::1] xbar,
    const double[::1] lipschitz,
    double l1,
    double l2,
    bint positive,
    bint fit_intercept,
    int max_iter,
    double tol,
    bint use_working_set=True,
    bint use_screening=True,
    int gap_freq=GAP_FREQ,
    int first_check=FIRST_CHECK,
    int ws_start=WS_START,
    int anderson_depth=ANDERSON_DEPTH,
    Py_ssize_t ws_cap_violations=-1,
    int dual_depth=DUAL_DEPTH,
    double strong_l1=-1.0,
    Py_ssize_t cold_ws=COLD_WS,
    double[::1] gradient=None,
    bint gradient_ready=False,
    double inner_share=0.3,
    dict workspace=None,
    double ws_full_share=WS_FULL_SHARE,
    Py_ssize_t pair_min_n=PAIR_MIN_N,
    bint residual_ready=False,
    double rss_extra=0.0,
    bint active_cycling=True,
    bint strong_set_only=True,
):
    """Minimise the weighted elastic net in place of ``coef``.

    Parameters are validated by the Python layer (``shrinkage._validation``);
    nothing is checked here. ``X_data`` is either dense X raveled in
    Fortran order (``is_sparse=False``; indices/indptr are ignored) or the
    ``data`` of a CSC matrix. ``sample_weight`` of length 0 means unit
    weights. ``xbar`` and ``lipschitz`` come from :func:`column_stats` on the
    same X, weights and ``fit_intercept``. ``tol`` is absolute: the solver
    stops once the duality gap of P is <= tol. ``anderson_depth`` and
    ``dual_depth`` (0 to 8; 0 turns it off) are the history lengths of
    Anderson acceleration of the iterates and of dual extrapolation.
    ``strong_l1 > 0`` seeds the first working set with the sequential strong
    set of a path (Tibshirani et al. 2012): the features whose |gradient|
    at the warm start is >= ``strong_l1`` (= 2 l1 - l1 of the previous
    alpha); the outer loop's optimality check adds any feature it missed.
    A strong set larger than ``ws_cap_violations`` and than twice the
    support is ignored.
    ``cold_ws > 0`` caps the first working set from an empty support (0:
    every violator joins it, as later sets).
    ``gradient`` (length p, optional) is the buffer of the gradient
    ``xc_j.(sw r)/S``. With ``gradient_ready`` it already holds the gradient
    at ``coef`` for every feature of non-zero curvature (the previous
    alpha's last check on a path, or a direct solve's optimality check) and
    the first gap check takes it instead of a pass over X.
    ``first_check``: the epochs before the call's first gap check after
    descent (1: easy problems stop after one epoch; later checks come after
    2, 4, ... epochs up to ``gap_freq``). The floor benchmark sets it and
    ``gap_freq`` to its epoch count, so that a call checks once before its
    epochs and once after.
    ``inner_share``: each working set is solved to this fraction of the
    outer gap (never below tol / 2); 0 solves it to tol / 2 at once.
    ``ws_full_share``: a working set of at least this share of the active
    features becomes all of them (values above 1 never do).
    ``pair_min_n``: dense columns of at least this many samples take their
    coordinates two at a time (``_epoch_pairs``, with the AVX2 kernels
    only); on shorter ones the residual sits in cache and the pair's extra
    arithmetic is not repaid. ``benchmarks/bench_kernel_choices.py``
    times both epochs by n.
    ``workspace`` (optional, a dict owned by the caller, e.g. one per path)
    keeps the scratch buffers from call to call; never share one between
    concurrent calls. It also keeps the features of non-zero curvature,
    for as long as the same ``lipschitz`` array comes back (a path's).
    ``residual_ready``: the workspace's residual is that of ``coef`` (its
    last call, on the same X, y, weights and ``fit_intercept``, returned
    this very ``coef``), so it is not formed again (on a path, the warm
    start is the previous alpha's solution).
    ``rss_extra`` (>= 0): the squared norm ``||r_perp||^2_sw / S`` of a part
    of the residual outside the span of X's columns and constant in w; the
    duality gap is then the one of the problem whose residual includes it
    (Gram mode: the original problem; see ``_dual_gap``).
    ``active_cycling``: in each block of epochs between gap checks, the
    epochs after the first visit only the features the first left
    non-zero, unless those are ``CYCLE_SHARE`` (80%) of the set or more
    (see ``_epochs``).
    ``strong_set_only``: a strong set seeds the first working set as the
    whole of it with the support (glmnet's), when the two hold at least
    ``ws_start`` features; otherwise (and always when False) they lead a
    set ranked and filled as any other.

    Returns
    -------
    intercept : float
    gap : float
        Duality gap at exit (a certificate: P(w) - P* <= gap).
    n_iter : int
        Number of coordinate-descent epochs (passes over the working set).
    converged : bool
    gradient_complete : bool
        Whether ``gradient`` (when given) holds, at exit, the gradient at the
        returned ``coef`` for every feature of non-zero curvature: true when
        the fit stopped at a gap check over all of them (none screened, or,
        on dense X with ``gradient`` given, a check after an inner solve,
        which takes every live feature's).
    """
    cdef Problem pb
    cdef Py_ssize_t n = n_samples, p = n_features
    cdef Py_ssize_t i, j, k, n_active, n_support, n_violating, ws_size
    cdef const floating* sw = NULL
    cdef double radius_sq, slack, score, inner_tol
    cdef double prev_gap = INFINITY
    # The last gap check (gap, epoch) of the current run of full-set blocks,
    # for _epochs_to.
    cdef double check_gap = INFINITY
    cdef int check_iter = 0
    cdef double gap = INFINITY, gap_aug = INFINITY, scale = 0.0
    cdef double inner_gap, inner_gap_aug, inner_scale
    cdef int n_iter = 0, inner_epoch, n_epochs, n_recorded = 0, block = 1
    cdef int depth = anderson_depth if 0 <= anderson_depth <= MAX_DEPTH else 0
    cdef int r_depth = dual_depth if 0 <= dual_depth <= MAX_DEPTH else 0
    cdef int n_residuals = 0
    cdef double acc_gap, acc_gap_aug, acc_scale
    cdef const double* g_dual
    cdef Py_ssize_t ws_min, prev_ws_size = 0
    cdef bint converged = False, full_set, was_full = False
    cdef bint first_outer = True, seed_strong = False, strong_only = False
    # grad holds the gradient at coef on working_set[:ws_size] (set by the
    # inner solve's gap checks, spent by the next outer check)
    cdef bint ws_fresh = False
    cdef Py_ssize_t n_rest
    cdef Py_ssize_t n_strong
    if ws_cap_violations < 0:
        ws_cap_violations = n_samples
    cdef Py_ssize_t prev_n_active = -1

    if sample_weight.shape[0] > 0:
        sw = &sample_weight[0]

    if gradient is not None and gradient.shape[0] != p:
        raise ValueError("gradient must have one entry per feature.")
    dtype = _F32 if floating is float else _F64
    # Scratch buffers, none read before it is written (every entry of a
    # per-feature buffer that is read belongs to an active feature, which
    # the same call wrote first).
    residual_ready = (residual_ready and workspace is not None
                      and isinstance(workspace.get("rt"), np.ndarray)
                      and workspace["rt"].shape[0] == n
                      and workspace["rt"].dtype == dtype)
    cdef floating[::1] rt = _scratch(<floating*>NULL, workspace, "rt", n, dtype)
    if not residual_ready:
        for i in range(n):
            rt[i] = y[i]
    # The other scratch buffers are carved from three arenas (per-feature
    # indices, float64, X's dtype): one lookup and one buffer acquisition
    # each instead of a dozen, a fixed cost per call that counts on small
    # problems (a tall path's Gram form).
    cdef Py_ssize_t h_size = (depth + 1) * p if depth > 0 else 0
    cdef Py_ssize_t rh_size = (r_depth + 1) * n if r_depth > 0 else 0
    cdef Py_ssize_t[::1] index_arena = _scratch(
        <Py_ssize_t*>NULL, workspace, "index_arena", 4 * p, _INTP)
    cdef double[::1] float64_arena = _scratch(
        <double*>NULL, workspace, "float64_arena", 4 * p + h_size + rh_size,
        _F64)
    cdef floating[::1] own_arena = _scratch(
        <floating*>NULL, workspace, "own_arena", 2 * n + p, dtype)
    # the features still in play, the working set, the scratch of
    # _complement and the non-zeros of a block of epochs
    cdef Py_ssize_t* active = &index_arena[0]
    cdef Py_ssize_t* working_set = active + p
    cdef Py_ssize_t* rest = working_set + p
    cdef Py_ssize_t* nonzero = rest + p
    # Anderson extrapolation: its trial and current iterates and the last
    # depth + 1 iterates on the set (only recorded slots are read); dual
    # extrapolation: the last r_depth + 1 residuals (only stored ones are
    # read), the correlations of their extrapolation with the features
    cdef double* w_try = &float64_arena[0]
    cdef double* w_cur = w_try + p
    cdef double* g_acc = w_cur + p
    cdef double* history = g_acc + p
    cdef double* r_history = history + h_size
    cdef double* grad = (&gradient[0] if gradient is not None
                         else r_history + rh_size)
    # the residual of an extrapolated step, the extrapolated residual and
    # the column dots of a gradient evaluation (see _gradient)
    cdef floating* rt_try = &own_arena[0]
    cdef floating* r_acc = rt_try + n
    cdef floating* dots = r_acc + n
    cdef bint have_gradient = gradient is not None
    cdef bint skip_gradient = have_gradient and gradient_ready
    cdef bint fresh_all = False
    cdef Py_ssize_t n_live
    # The features of non-zero curvature, found once per lipschitz array
    # (an O(p) pass with a dependent store per feature: on a wide path most
    # of a call's fixed cost was such passes).
    cdef Py_ssize_t[::1] live
    if workspace is not None and workspace.get("live_of") is lipschitz.base:
        live = workspace["live"]
    else:
        live = np.flatnonzero(np.asarray(lipschitz) > 0.0).astype(np.intp)
        if workspace is not None:
            workspace["live"] = live  # (a view object: see _kept_view)
            workspace["live_of"] = lipschitz.base
    cdef ScoredFeature[::1] scored = _scratch(
        <ScoredFeature*>NULL, workspace, "scored", p, _SCORED_DTYPE)
    cdef uint64_t[::1] bitmap = _scratch(
        <uint64_t*>NULL, workspace, "bitmap", p, _U64, True)
    pb.n = n
    pb.p = p
    pb.is_sparse = is_sparse
    pb.l1 = l1
    pb.l2 = l2
    pb.positive = positive
    pb.pairs = not is_sparse and n >= pair_min_n and simd_on()
    pb.offset = 0.0
    pb.ybar = 0.0
    pb.rss_extra = rss_extra

    cdef const floating* data = &X_data[0] if X_data.shape[0] > 0 else NULL
    cdef const index_t* indices = &X_indices[0]
    cdef const index_t* indptr = &X_indptr[0]

    with nogil:
        pb.sw_sum = 0.0
        for i in range(n):
            pb.sw_sum += sw[i] if sw != NULL else 1.0
            pb.ybar += (sw[i] * y[i]) if sw != NULL else y[i]
        pb.inv_sw_sum = 1.0 / pb.sw_sum
        pb.ybar = pb.ybar / pb.sw_sum if fit_intercept else 0.0
        # Residual rt = y - X w, offset c = xbar.w - ybar, so r = yc - Xc w
        # (kept from the last call: rt = r, folded at its last gap check).
        if not residual_ready:
            pb.offset = -pb.ybar
            for j in range(p):
                if coef[j] != 0:
                    if lipschitz[j] == 0.0:
                        coef[j] = 0
                        continue
                    col_axpy(data, indices, indptr, is_sparse, n, j, -coef[j],
                             &rt[0])
                    pb.offset += coef[j] * xbar[j]

        # Features still in play: zero-curvature columns are out for good.
        n_live = live.shape[0]
        if n_live > 0:
            memcpy(&active[0], &live[0], n_live * sizeof(Py_ssize_t))
        n_active = n_live

        ws_min = ws_start if ws_start > 0 else 1
        ws_size = ws_min
        while True:
            _fold_offset(&pb, &rt[0])
            if ws_fresh and have_gradient and not is_sparse:
                _gradient(&pb, data, indices, indptr, sw, &xbar[0],
                          &lipschitz[0], &rt[0], pb.offset, &live[0],
                          n_live, &grad[0], &dots[0])
                fresh_all = True
            elif ws_fresh:
                # The inner solve's last check took the working set's
                # gradient at this very point: only the other active
                # features need one (the same values, up to rounding).
                n_rest = _complement(&active[0], n_active, &working_set[0],
                                     ws_size, &rest[0])
                _gradient(&pb, data, indices, indptr, sw, &xbar[0],
                          &lipschitz[0], &rt[0], pb.offset, &rest[0],
                          n_rest, &grad[0], &dots[0])
                fresh_all = n_active == n_live
            elif not skip_gradient:
                _gradient(&pb, data, indices, indptr, sw, &xbar[0],
                          &lipschitz[0], &rt[0], pb.offset, &active[0],
                          n_active, &grad[0], &dots[0])
                fresh_all = n_active == n_live
            else:
                fresh_all = True
            skip_gradient = False
            ws_fresh = False
            gap = _dual_gap(&pb, sw, &rt[0], NULL, &coef[0], &grad[0],
                            &active[0], n_active, &scale, &gap_aug)
            # The extrapolated residual of the last epochs often gives a far
            # better dual point (tighter gap, more screening, better sets).
            # Not once the plain gap certifies the fit: its gradient over
            # every active feature would then only tighten a certificate
            # already below tol (on a warm-started path, one such gradient
            # per alpha).
            g_dual = &grad[0]
            if (gap > tol and r_depth > 0 and n_residuals == r_depth + 1
                    and _extrapolated_residual(&pb, sw, &r_history[0], r_depth,
                                               &r_acc[0])):
                _gradient(&pb, data, indices, indptr, sw, &xbar[0],
                          &lipschitz[0], &r_acc[0], 0.0, &active[0], n_active,
                          &g_acc[0], &dots[0])
                acc_gap = _dual_gap(&pb, sw, &rt[0], &r_acc[0], &coef[0],
                                    &g_acc[0], &active[0], n_active,
                                    &acc_scale, &acc_gap_aug)
                if acc_gap < gap:
                    gap = acc_gap
                if acc_gap_aug < gap_aug:
                    gap_aug = acc_gap_aug
                    scale = acc_scale
                    g_dual = &g_acc[0]
            if gap <= tol:
                converged = True
                break
            if n_iter >= max_iter:
                break

            # Gap Safe screening: drop features certified to be zero.
            if use_screening and l1 > 0 and gap_aug < INFINITY:
                # |v_j| + sqrt(L_j + l2) radius < l1, squared (no sqrt per
                # feature): l1 - |v_j| > 0 and (l1 - |v_j|)^2 > (L_j + l2) r^2.
                radius_sq = 2.0 * (gap_aug if gap_aug > 0 else 0.0)
                k = 0
                for i in range(n_active):
                    j = active[i]
                    slack = l1 - dual_violation(scale * (g_dual[j] - l2 * coef[j]),
                                                positive)
                    if slack > 0 and slack * slack > (lipschitz[j] + l2) * radius_sq:
                        if coef[j] != 0:
                            n_residuals = 0  # r changes: a new sequence
                            col_axpy(data, indices, indptr, is_sparse, n, j,
                                     coef[j], &rt[0])
                            pb.offset -= coef[j] * xbar[j]
                            coef[j] = 0
                    else:
                        active[k] = j
                        k += 1
                n_active = k

            # Working set: the support first, then the features closest to
            # violating their dual constraint (Gap Safe distance).
            n_support = 0
            n_violating = 0
            for i in range(n_active):
                j = active[i]
                if coef[j] != 0:
                    n_support += 1
                elif dual_violation(grad[j], positive) > l1:
                    n_violating += 1
            if use_working_set:
                # The support and half as many zeros (Celer's pruned sets,
                # Massias et al. 2020, take twice the support; on warm-started
                # paths the extra zeros mostly cost a dot per epoch each),
                # never below the start size or the size reached by growth
                # after a stalled outer step.
                ws_size = n_support + n_support // 2
                # A set that filled up (90% of it entered the support) was
                # too small: the next one is twice the support (Celer's
                # size), up to n samples, so a cold start reaches a large
                # support in fewer outer steps, each a gradient over every
                # active feature. Not past n: a Lasso support has at most n
                # features, and near it the doubled set's extra zeros mostly
                # cost a dot per epoch each.
                if (prev_ws_size > 0 and 10 * n_support >= 9 * prev_ws_size
                        and ws_size < n):
                    ws_size = 2 * n_support if 2 * n_support < n else n
                if ws_size < ws_min:
                    ws_size = ws_min
                # Every feature that violates its optimality condition at the
                # current point joins the set (a KKT-check set, as with
                # glmnet's strong rule): starting small and doubling would
                # take many outer iterations to reach a large support. Not
                # when more than n features violate (by default): a Lasso
                # support has at most n features, and on correlated designs
                # most violators never enter.
                # Except from an empty support (a cold start), where at most
                # cold_ws features start: on correlated columns most of the
                # violators at w = 0 never enter (one explained feature
                # explains its neighbours too), and epochs over all of them
                # cost more than the outer step after a small first set,
                # whose violators are the ones that matter.
                if n_support + n_violating > ws_size and n_violating <= ws_cap_violations:
                    ws_size = n_support + n_violating
                    if n_support == 0 and cold_ws > 0 and ws_size > cold_ws:
                        ws_size = cold_ws if cold_ws > ws_min else ws_min
                seed_strong = first_outer and strong_l1 > 0
                strong_only = False
                if seed_strong:
                    # counted, and collected with the support in the
                    # (increasing) order of the active set: the whole set
                    # when it is taken alone (the other branches below
                    # write their own)
                    n_strong = 0
                    k = 0
                    for i in range(n_active):
                        j = active[i]
                        if coef[j] != 0:
                            working_set[k] = j
                            k += 1
                        elif dual_violation(grad[j], positive) >= strong_l1:
                            working_set[k] = j
                            k += 1
                            n_strong += 1
                    # Capped like the violators: near a saturated fit (the
                    # small-alpha end of a wide path) thousands of features
                    # pass the strong rule and few of them enter. Not a set
                    # of at most twice the support: on short columns (p >> n,
                    # as leukemia's 72 samples) its extra epochs cost less
                    # than ranking every feature for a set of its own.
                    if n_strong > ws_cap_violations and n_strong > 2 * n_support:
                        seed_strong = False
                    elif strong_set_only and n_support + n_strong >= ws_min:
                        # The support and the strong set are the set, as in
                        # glmnet: on a warm-started step the zeros the rule
                        # leaves out rarely enter (the outer check brings in
                        # any that does), and ranking every feature to pick
                        # extra zeros cost more than their dots saved.
                        ws_size = n_support + n_strong
                        strong_only = True
                    elif n_support + n_strong > ws_size:
                        ws_size = n_support + n_strong
                if ws_size > n_active:
                    ws_size = n_active
                # A set of most of the active features saves little per
                # epoch, and each of its inner gap checks costs a gradient
                # over it on top of the outer check's over every feature,
                # while plain epochs over all of them keep the spacing of
                # their checks (a 5000 x 2000 problem whose support is 60%
                # of p ran about one gradient per epoch that way). Take all.
                if ws_size >= ws_full_share * n_active:
                    ws_size = n_active
            else:
                ws_size = n_active
            full_set = ws_size >= n_active
            # (a strong set is not a size to grow from: see the fill rule)
            prev_ws_size = 0 if strong_only else ws_size
            if full_set:
                for i in range(n_active):
                    working_set[i] = active[i]
                ws_size = n_active
            elif not strong_only:  # (a strong set alone: collected above)
                for i in range(n_active):
                    j = active[i]
                    if coef[j] != 0:
                        score = -2.0
                    elif (seed_strong
                          and dual_violation(grad[j], positive) >= strong_l1):
                        score = -1.0  # in the strong set: right after the support
                    else:
                        score = ((l1 - dual_violation(scale * g_dual[j], positive))
                                 / sqrt(lipschitz[j] + l2))
                    scored[i].score = score
                    scored[i].index = j
                select_smallest(&scored[0], n_active, ws_size)
                for i in range(ws_size):
                    working_set[i] = scored[i].index
                # Cyclic order by feature index keeps memory access regular.
                sort_distinct_indices(&working_set[0], ws_size, &bitmap[0])

            # Extrapolation history is only valid on an unchanged set.
            if not (full_set and was_full and n_active == prev_n_active):
                n_recorded = 0
            # Gap checks after 1, 2, 4, ... epochs, then every gap_freq: easy
            # problems stop early, hard ones pay one check per gap_freq epochs.
            # (The first check of the call's first set comes after
            # first_check epochs.)
            if not (full_set and was_full):
                block = first_check if first_outer and first_check > 1 else 1
                check_gap = INFINITY
            was_full = full_set
            first_outer = False
            prev_n_active = n_active

            if full_set:
                # Plain coordinate descent on every feature still in play: a
                # few epochs, then back to the outer loop, which checks the
                # full gap and screens again (dynamic screening).
                n_epochs = _epochs_to(check_gap, check_iter, gap, n_iter, tol,
                                      block)
                check_gap = gap
                check_iter = n_iter
                block = 2 * block if 2 * block < gap_freq else gap_freq
                if n_epochs > max_iter - n_iter:
                    n_epochs = max_iter - n_iter
                n_iter += _epochs(
                    &pb, data, indices, indptr, &y[0], sw, &xbar[0],
                    &lipschitz[0], &rt[0], &coef[0], &working_set[0], ws_size,
                    n_epochs, &history[0], &n_recorded, depth, p, &rt_try[0],
                    &w_try[0], &w_cur[0], &r_history[0], &n_residuals, r_depth,
                    &nonzero[0] if active_cycling else NULL)
                continue

            # Inner solve on the working set to a fraction of the outer gap
            # (0.3 by default, as in Celer: an early set often misses
            # features, and solving it far would be wasted).
            inner_tol = inner_share * gap
            if inner_tol < 0.5 * tol:
                inner_tol = 0.5 * tol
            n_residuals = 0
            while n_iter < max_iter:
                n_epochs = block
                block = 2 * block if 2 * block < gap_freq else gap_freq
                if n_epochs > max_iter - n_iter:
                    n_epochs = max_iter - n_iter
                n_iter += _epochs(
                    &pb, data, indices, indptr, &y[0], sw, &xbar[0],
                    &lipschitz[0], &rt[0], &coef[0], &working_set[0], ws_size,
                    n_epochs, &history[0], &n_recorded, depth, p, &rt_try[0],
                    &w_try[0], &w_cur[0], &r_history[0], &n_residuals, r_depth,
                    &nonzero[0] if active_cycling else NULL)
                _fold_offset(&pb, &rt[0])
                _gradient(&pb, data, indices, indptr, sw, &xbar[0],
                          &lipschitz[0], &rt[0], pb.offset, &working_set[0],
                          ws_size, &grad[0], &dots[0])
                ws_fresh = True
                inner_gap = _dual_gap(
                    &pb, sw, &rt[0], NULL, &coef[0], &grad[0],
                    &working_set[0], ws_size, &inner_scale, &inner_gap_aug)
                if (inner_gap > inner_tol and r_depth > 0
                        and n_residuals == r_depth + 1
                        and _extrapolated_residual(&pb, sw, &r_history[0],
                                                   r_depth, &r_acc[0])):
                    _gradient(&pb, data, indices, indptr, sw, &xbar[0],
                              &lipschitz[0], &r_acc[0], 0.0, &working_set[0],
                              ws_size, &g_acc[0], &dots[0])
                    acc_gap = _dual_gap(
                        &pb, sw, &rt[0], &r_acc[0], &coef[0], &g_acc[0],
                        &working_set[0], ws_size, &inner_scale, &inner_gap_aug)
                    if acc_gap < inner_gap:
                        inner_gap = acc_gap
                if inner_gap <= inner_tol:
                    break
            # Little outer progress: the set misses features; grow it.
            if gap > 0.9 * prev_gap and 2 * ws_size > ws_min:
                ws_min = 2 * ws_size
            prev_gap = gap

    intercept = pb.ybar
    if fit_intercept:
        for j in range(p):
            intercept -= xbar[j] * coef[j]
    # converged: the loop stopped right after a gap check, whose gradient
    # covered every feature still active (every live one: fresh_all)
    return (float(intercept), float(gap), n_iter, bool(converged),
            bool(converged and fresh_all))


def enet_path_loop(
    const floating[::1] X_data,
    const index_t[::1] X_indices,
    const index_t[::1] X_indptr,
    bint is_sparse,
    Py_ssize_t n_samples,
    Py_ssize_t n_features,
    const floating[::1] y,
    const floating[::1] sample_weight,
    floating[::1] coef,
    const floating[::1] xbar,
    const double[::1] lipschitz,
    const double[::1] alphas,
    double l1_ratio,
    bint positive,
    bint fit_intercept,
    int max_iter,
    int budget,
    double tol,
    bint keep_residual,
    double inner_share,
    double rss_extra,
    floating[:, ::1] coefs,
    double[::1] intercepts,
    double[::1] gaps,
    long long[::1] n_iters,
    unsigned char[::1] converged,
):
    """A whole warm-started path in one call: ``enet_coordinate_descent``
    for each alpha of ``alphas`` (decreasing) from the previous solution
    (``coef``, solved in place: on entry, the first alpha's start), with
    the sequential strong rule (Tibshirani et al. 2012) seeding each first
    working set and the last gap check's gradient starting the next.

    For small designs, whose solves cost a few microseconds each, less than
    the Python work per alpha of :func:`shrinkage._path.compute_path`'s
    loop (with its direct solves on the support). Writes row
    k of ``coefs`` and entry k of the other outputs for alpha k (the
    intercept of the centred problem: the caller adds y's mean).
    ``keep_residual``: each solve starts from the previous one's residual
    (not formed afresh).

    An alpha that has not converged after ``budget`` epochs (when that is
    below ``max_iter``) stops the loop: descent is slow there (an
    ill-conditioned support), and the caller's loop, whose direct solves on
    the support finish such alphas, takes over from ``coef``. Returns the
    number of alphas done and the epochs spent on the next one."""
    cdef Py_ssize_t k, n_alphas = alphas.shape[0]
    cdef double strong_l1, intercept, gap
    cdef int n_iter
    cdef bint done, complete = False, residual_ready = False
    cdef double[::1] gradient = np.zeros(n_features)
    workspace = {}
    cdef int epochs = budget if budget < max_iter else max_iter
    if (coefs.shape[0] != n_alphas or coefs.shape[1] != n_features
            or coef.shape[0] != n_features or intercepts.shape[0] != n_alphas
            or gaps.shape[0] != n_alphas or n_iters.shape[0] != n_alphas
            or converged.shape[0] != n_alphas):
        raise ValueError("enet_path_loop: outputs of the wrong shape.")
    for k in range(n_alphas):
        strong_l1 = (l1_ratio * (2.0 * alphas[k] - alphas[k - 1])
                     if k > 0 and alphas[k] < alphas[k - 1] else -1.0)
        intercept, gap, n_iter, done, complete = enet_coordinate_descent(
            X_data, X_indices, X_indptr, is_sparse, n_samples, n_features,
            y, sample_weight, coef, xbar, lipschitz, alphas[k] * l1_ratio,
            alphas[k] * (1.0 - l1_ratio), positive, fit_intercept, epochs,
            tol, True, True, GAP_FREQ, FIRST_CHECK, WS_START, ANDERSON_DEPTH,
            -1, DUAL_DEPTH, strong_l1, COLD_WS, gradient, complete,
            inner_share, workspace, WS_FULL_SHARE, PAIR_MIN_N,
            residual_ready, rss_extra)
        if not done and epochs < max_iter:
            return k, n_iter
        residual_ready = keep_residual
        coefs[k, :] = coef
        intercepts[k] = intercept
        gaps[k] = gap
        n_iters[k] = n_iter
        converged[k] = done
    return n_alphas, 0



cdef _check_design(Py_ssize_t size, const index_t[::1] indptr, bint is_sparse,
                   Py_ssize_t n, Py_ssize_t p):
    """The arrays of X match its shape; a dense X's column extents lie in
    [0, n] (the column kernels read that far)."""
    cdef Py_ssize_t j
    if n < 0 or p < 0 or (
        indptr.shape[0] != p + 1 if is_sparse
        else size != n * p or indptr.shape[0] != p
    ):
        raise ValueError("X's arrays do not match its shape.")
    if not is_sparse:
        for j in range(p):
            if indptr[j] < 0 or indptr[j] > n:
                raise ValueError("X's column extents must lie in [0, n].")


def column_products(
    const floating[::1] X_data,
    const index_t[::1] X_indices,
    const index_t[::1] X_indptr,
    bint is_sparse,
    Py_ssize_t n_samples,
    Py_ssize_t n_features,
    const Py_ssize_t[::1] rows,
    const Py_ssize_t[::1] cols,
    const double[::1] sample_weight,
):
    """``out[a, b] = x_rows[a] . (sw x_cols[b])`` in float64 (uncentred).

    The Gram entries of the direct solves on the support: each column of
    ``cols`` is scattered into a dense float64 vector once, then dotted with
    every column of ``rows`` (for CSC, O(nnz) per product, no index merge),
    through the design ops alone. Indices must be valid columns of X
    (checked here: the loops run without bounds checks).
    """
    cdef Py_ssize_t n = n_samples, a, b, j
    cdef Py_ssize_t p = n_features
    _check_design(X_data.shape[0], X_indptr, is_sparse, n, p)
    for j in rows:
        if not 0 <= j < p:
            raise ValueError("column_products: row index out of range.")
    for j in cols:
        if not 0 <= j < p:
            raise ValueError("column_products: column index out of range.")
    if sample_weight.shape[0] not in (0, n):
        raise ValueError("column_products: sample_weight of the wrong length.")
    out_arr = np.zeros((rows.shape[0], cols.shape[0]))
    cdef double[:, ::1] out = out_arr
    cdef double[::1] z = np.zeros(n)
    cdef const double* sw = &sample_weight[0] if sample_weight.shape[0] > 0 else NULL
    cdef const floating* data = &X_data[0] if X_data.shape[0] > 0 else NULL
    cdef const index_t* indices = &X_indices[0]
    cdef const index_t* indptr = &X_indptr[0]
    if n == 0:
        return out_arr
    with nogil:
        for b in range(cols.shape[0]):
            col_axpy_f64(data, indices, indptr, is_sparse, n, cols[b], 1.0, &z[0])
            for a in range(rows.shape[0]):
                out[a, b] = col_dot_f64(data, indices, indptr, is_sparse, n,
                                        rows[a], &z[0], sw)
            # x - x is exactly 0: z is all zeros again (canonical CSC)
            col_axpy_f64(data, indices, indptr, is_sparse, n, cols[b], -1.0, &z[0])
    return out_arr


def residual_on(
    const floating[::1] X_data,
    const index_t[::1] X_indices,
    const index_t[::1] X_indptr,
    bint is_sparse,
    Py_ssize_t n_samples,
    Py_ssize_t n_features,
    const double[::1] y,
    const double[::1] xbar,
    const Py_ssize_t[::1] support,
    const double[::1] values,
    const double[::1] sample_weight,
    double[::1] gradient=None,
):
    """r = yc - Xc w for w zero outside ``support`` (y centred already):
    O(nnz of the support's columns). With ``gradient`` (length p), also
    ``gradient[j] = xc_j . (sw r) / S`` for every feature, one pass over X.
    Shapes and indices are checked here (the loops run without bounds
    checks)."""
    cdef Py_ssize_t n = n_samples, k, j, i
    cdef Py_ssize_t p = n_features
    _check_design(X_data.shape[0], X_indptr, is_sparse, n, p)
    if y.shape[0] != n or xbar.shape[0] != p or values.shape[0] != support.shape[0]:
        raise ValueError("residual_on: shapes do not match X.")
    if sample_weight.shape[0] not in (0, n):
        raise ValueError("residual_on: sample_weight of the wrong length.")
    if gradient is not None and gradient.shape[0] != p:
        raise ValueError("residual_on: gradient must have one entry per feature.")
    for j in support:
        if not 0 <= j < p:
            raise ValueError("residual_on: support index out of range.")
    r_arr = np.array(y, dtype=np.float64, copy=True)
    cdef double[::1] r = r_arr
    cdef const double* sw = &sample_weight[0] if sample_weight.shape[0] > 0 else NULL
    cdef const floating* data = &X_data[0] if X_data.shape[0] > 0 else NULL
    cdef const index_t* indices = &X_indices[0]
    cdef const index_t* indptr = &X_indptr[0]
    cdef double shift = 0.0, total = 0.0, sw_sum = 0.0
    if n == 0:
        return r_arr
    with nogil:
        for k in range(support.shape[0]):
            col_axpy_f64(data, indices, indptr, is_sparse, n, support[k],
                         -values[k], &r[0])
            shift += xbar[support[k]] * values[k]
        for i in range(n):
            r[i] += shift
        if gradient is not None:
            for i in range(n):
                total += (sw[i] * r[i]) if sw != NULL else r[i]
                sw_sum += sw[i] if sw != NULL else 1.0
            if floating is double:
                # all p dots at once (one BLAS ?gemv for dense unweighted X)
                cols_dot(data, indices, indptr, is_sparse, n, 0, p, &r[0], sw,
                         &gradient[0])
            else:
                for j in range(p):
                    gradient[j] = col_dot_f64(data, indices, indptr, is_sparse,
                                              n, j, &r[0], sw)
            for j in range(p):
                gradient[j] = (gradient[j] - xbar[j] * total) / sw_sum
    return r_arr


def finite_max_abs(const floating[::1] a):
    """Return ``(all_finite, max |a_i|)`` in one pass over ``a``.

    Input validation's check of X: numpy needs a pass for ``isfinite`` and
    two more for ``max`` and ``min``. ``x * 0`` is 0 for finite x and NaN
    for NaN or infinity, so a sum of those products flags any non-finite
    entry; four lanes keep the loop at memory speed. ``max |a_i|`` is only
    meaningful when ``all_finite``.
    """
    cdef Py_ssize_t k = 0, n = a.shape[0]
    cdef double t0, t1, t2, t3
    cdef double m0 = 0.0, m1 = 0.0, m2 = 0.0, m3 = 0.0
    cdef double z0 = 0.0, z1 = 0.0, z2 = 0.0, z3 = 0.0
    with nogil:
        while k + 4 <= n:
            t0 = fabs(a[k])
            t1 = fabs(a[k + 1])
            t2 = fabs(a[k + 2])
            t3 = fabs(a[k + 3])
            m0 = t0 if t0 > m0 else m0
            m1 = t1 if t1 > m1 else m1
            m2 = t2 if t2 > m2 else m2
            m3 = t3 if t3 > m3 else m3
            z0 += t0 * 0.0
            z1 += t1 * 0.0
            z2 += t2 * 0.0
            z3 += t3 * 0.0
            k += 4
        while k < n:
            t0 = fabs(a[k])
            m0 = t0 if t0 > m0 else m0
            z0 += t0 * 0.0
            k += 1
    m0 = m0 if m0 > m1 else m1
    m2 = m2 if m2 > m3 else m3
    return bool((z0 + z1) + (z2 + z3) == 0.0), float(m0 if m0 > m2 else m2)


def gather_centred_rows(const floating[:, :] X, const Py_ssize_t[::1] rows,
                        const double[::1] center, double[:, :] out):
    """``out[i, j] = X[rows[i], j] - center[j]`` in float64, in one pass.

    The Gram sums' gather of row blocks (``shrinkage._gram``): NumPy's
    fancy indexing of F-ordered X reads it with a stride per element, and
    its copy, centring and gather took three passes. Columns are walked in
    X's own order: for F-ordered X each column's rows are read from a
    cache-resident window and ``out`` (F-ordered) is written in sequence.
    An empty ``center`` means no centring. Out-of-range rows or shapes that
    do not match raise ValueError.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], m = rows.shape[0]
    cdef Py_ssize_t i, j, r
    cdef bint centred = center.shape[0] > 0
    cdef bint bad = False
    cdef double c
    if out.shape[0] != m or out.shape[1] != p or (centred and center.shape[0] != p):
        raise ValueError("gather_centred_rows: shapes do not match.")
    with nogil:
        for i in range(m):
            if rows[i] < 0 or rows[i] >= n:
                bad = True
                break
    if bad:
        raise ValueError("gather_centred_rows: a row index is out of range.")
    with nogil:
        if X.strides[0] <= X.strides[1]:  # column-major: one column at a time
            for j in range(p):
                c = center[j] if centred else 0.0
                for i in range(m):
                    out[i, j] = X[rows[i], j] - c
        else:
            for i in range(m):
                r = rows[i]
                for j in range(p):
                    out[i, j] = X[r, j] - (center[j] if centred else 0.0)


def sort_distinct_inplace(Py_ssize_t[::1] idx):
    """Sort distinct non-negative indices in place with the working sets'
    bitmap sort (``_workset.sort_distinct_indices``); for the tests."""
    values = np.asarray(idx)
    if values.size and (values.min() < 0 or np.unique(values).size != values.size):
        raise ValueError("idx must hold distinct non-negative indices.")
    cdef uint64_t[::1] bits = np.zeros(
        (int(values.max()) if values.size else 0) // 64 + 1, dtype=np.uint64)
    with nogil:
        sort_distinct_indices(&idx[0] if idx.shape[0] > 0 else NULL,
                              idx.shape[0], &bits[0])
    return not np.asarray(bits).any()


def soft_threshold_inplace(floating[::1] x, double threshold):
    """x <- sign(x) * max(|x| - threshold, 0), elementwise, in place."""
    cdef Py_ssize_t i
    cdef double xi
    with nogil:
        for i in range(x.shape[0]):
            xi = x[i]
            if xi > threshold:
                x[i] = <floating>(xi - threshold)
            elif xi < -threshold:
                x[i] = <floating>(xi + threshold)
            else:
                x[i] = 0


def set_simd(enabled=None):
    """This module's AVX2 switch (see ``shrinkage._kernels.set_simd``)."""
    return bool(simd_request(enabled is None, bool(enabled)))
