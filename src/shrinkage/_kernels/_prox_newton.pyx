# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""Binary logistic regression by proximal Newton, the whole loop compiled.

Problem (``omega_i = sw_i / S``, labels u_i in {0, 1}, y_i = 2 u_i - 1)::

    P(w, b) = sum_i omega_i log(1 + exp(-y_i z_i)) + g(w),   z = X w + b,
    g(w)    = l1 ||w||_1 + l2/2 ||w||_2^2                  [+ w >= 0]

Outer step (proximal Newton: Lee, Sun & Saunders 2014, "Proximal Newton-type
methods for minimizing composite functions", SIAM J. Optim. 24(3); the
scheme of glmnet, celer and skglm). At z, with p = sigmoid(z), the loss is
replaced by its second-order model in the change a = X d + e of z::

    m(d, e) = sum_i [g_i a_i + h_i/2 a_i^2] + g(w + d) - g(w),
    g_i = omega_i (p_i - u_i),   h_i = omega_i max(p_i (1 - p_i), 1e-10),

minimised by coordinate descent over a working set. The intercept change e
is kept optimal for the current d (sum_i g_i + h_i a_i = 0), which
centres every column in the h-weighted metric without touching X: a change
c of d_j moves a by c x_j and e by -c xbar_j (xbar_j = sum_i h_i x_ij /
sum_i h_i), and its curvature is the centred sum_i h_i (x_ij - xbar_j)^2.
The descent alternates glmnet's passes over the whole working set with
passes over the model's support only, those accelerated by Anderson
extrapolation (Bertrand & Massias 2021), and stops once the largest
optimality violation on the working set falls below a fraction of the one
it started from (skglm's inner rule, with a forcing term). A backtracking
(Armijo) line search on P then makes the step a descent step.

Stopping rule: the duality gap of the full problem. At z the rescaled
generalised residual theta = s (u - p) is dual feasible for the right s;
the conjugate of the logistic loss is the binary negative entropy, so

    D(theta) = -sum_i omega_i [H(s a_i)] - g*(s X^T (omega (u - p))),
    H(q) = q log q + (1 - q) log(1 - q),   a_i = |u_i - p_i|,

with s = 1 or the largest s making s v feasible (v = X^T (omega (u - p)))
when g* is not finite (l2 = 0). With an intercept, b is first made optimal
(one-dimensional Newton) so that sum_i omega_i (u_i - p_i) = 0, the
constraint the intercept adds to the dual.

Gap Safe screening (Ndiaye, Fercoq, Gramfort & Salmon 2017, JMLR 18(128)):
D is 4-strongly concave in the omega-weighted norm (the logistic loss is
1/4-smooth), so the dual optimum lies within sqrt(gap / 2) of theta in
that norm and feature j is certified zero once
s |v_j| + sqrt(L_j gap / 2) + s |sum_i omega_i (u_i - p_i)| xbar_j < l1
(L_j = sum_i omega_i (x_ij - xbar_j)^2, xbar_j the omega-weighted mean,
both of the problem, not of the model). The gap a fit stops on is always
evaluated on every feature.
"""
import numpy as np

from cython cimport floating
from libc.float cimport DBL_EPSILON
from libc.math cimport INFINITY, exp, fabs, isfinite, log, log1p, sqrt
from libc.stdint cimport uint64_t
from libc.string cimport memcpy

from ._design cimport (
    col_axpy_f64, col_dot_f64, col_h_moments, index_t, simd_request,
)
from ._extrapolation cimport (
    MAX_DEPTH, affine_weights, difference_gram, project_on_face,
)
from ._penalty cimport dual_violation, enet_prox
from ._workset cimport ScoredFeature, select_smallest, sort_distinct_indices


cdef double H_MIN = 1e-10     # floor on the Hessian weights p (1 - p)
cdef double INNER_RATIO = 0.3  # model solved to this fraction of its violation
cdef Py_ssize_t WS_MIN = 32   # smallest working set
cdef double WS_FULL = 0.5     # no working set once it would hold this fraction
cdef double TOL_SHARE = 0.05  # ... but never below this share of tol / gap
cdef int ANDERSON_DEPTH = 5   # passes combined by Anderson extrapolation
cdef int STALL_STEPS = 5      # flat steps that end a fit whose gap is stuck


cdef struct State:
    # problem
    const double* u          # labels in {0, 1}
    const double* omega      # sample weights / their sum
    const double* xbar       # |omega-weighted column means| (0 w/o intercept)
    const double* col_norm   # sqrt(L_j), L_j the omega-weighted centred
                             # squared column norm
    const double* inv_scale  # 1 / sqrt(L_j + l2), 0 for constant columns
    double l1
    double l2
    bint positive
    bint fit_intercept
    # iterate
    double* w
    double b
    double* z                # X w + b
    unsigned char* alive     # 0: certified zero (Gap Safe)
    # The features any step may still touch, in increasing order: the live
    # ones and the non-zero coefficients (a feature certified zero keeps its
    # coefficient until the next step moves it to zero). Every per-feature
    # loop but the final certificate runs over this list, which screening
    # shrinks; outside it, w_j = 0 and the feature is dead for good.
    Py_ssize_t* cand
    Py_ssize_t n_cand


cdef inline double log1pexp(double x) noexcept nogil:
    """log(1 + exp(x)) without overflow."""
    if x > 0:
        return x + log1p(exp(-x))
    return log1p(exp(x))


cdef inline double sigmoid(double x) noexcept nogil:
    cdef double e
    if x >= 0:
        return 1.0 / (1.0 + exp(-x))
    e = exp(x)
    return e / (1.0 + e)


cdef inline double xlogx(double x) noexcept nogil:
    return x * log(x) if x > 0 else 0.0


cdef double loss_at(
    const State* st, Py_ssize_t n, const double* a, double t, double shift,
) noexcept nogil:
    """sum_i omega_i log(1 + exp(-y_i m_i)), m = z + t a + shift (a may be NULL)."""
    cdef Py_ssize_t i
    cdef double acc = 0.0, m
    for i in range(n):
        m = st.z[i] + shift
        if a != NULL:
            m += t * a[i]
        acc += st.omega[i] * log1pexp(-m if st.u[i] > 0 else m)
    return acc


cdef inline double penalty_term(double w, double l1, double l2) noexcept nogil:
    return l1 * fabs(w) + 0.5 * l2 * w * w


cdef double penalty(const State* st) noexcept nogil:
    cdef Py_ssize_t j, k
    cdef double acc = 0.0
    for k in range(st.n_cand):
        j = st.cand[k]
        if st.w[j] != 0.0:
            acc += penalty_term(st.w[j], st.l1, st.l2)
    return acc


cdef void optimal_intercept(State* st, Py_ssize_t n) noexcept nogil:
    """Newton on b alone until sum_i omega_i (p_i - u_i) vanishes, halving the
    step on the loss only while the Newton decrement g^2 / h is large."""
    cdef Py_ssize_t i, it
    cdef double g, h, pr, step, t, f0
    for it in range(50):
        g = 0.0
        h = 0.0
        for i in range(n):
            pr = sigmoid(st.z[i])
            g += st.omega[i] * (pr - st.u[i])
            h += st.omega[i] * pr * (1.0 - pr)
        if fabs(g) <= 1e-15 or h <= 0.0:
            return
        step = g / h
        t = 1.0
        if g * step > 1e-2:
            f0 = loss_at(st, n, NULL, 0.0, 0.0)
            while t > 1e-12 and loss_at(st, n, NULL, 0.0, -t * step) > f0:
                t *= 0.5
            if t <= 1e-12:
                return
        for i in range(n):
            st.z[i] -= t * step
        st.b -= t * step


cdef struct Work:
    double* prob      # (n) sigmoid(z)
    double* rho       # (n) omega (u - p): the generalised residual
    double* h         # (n) Hessian weights of the model
    double* at        # (n) X d: the model's change of z, intercept aside
    double* v         # (p) X^T rho on the live columns
    Py_ssize_t* ws    # (p) working set, sorted
    ScoredFeature* scored  # (p)
    uint64_t* bitmap  # (p // 64 + 1) all zero between uses
    double* grad0     # (|ws|) x_j . g at the start of the step
    double* hsum      # (|ws|) sum_i h_i x_ij
    double* curv      # (|ws|) centred curvature sum_i h_i (x_ij - xbar_j)^2
    double* wnew      # (|ws|) the model's coefficients
    double* history   # ((ANDERSON_DEPTH + 1) |ws|) the last passes' wnew
    double* w_try     # (|ws|) extrapolated coefficients
    double* at_try    # (n) their X d


cdef void exact_predictor(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, State* st,
) noexcept nogil:
    """z = X w + b from the non-zero coefficients (O(n + nnz of the support))."""
    cdef Py_ssize_t i, j, k
    for i in range(n):
        st.z[i] = st.b
    for k in range(st.n_cand):
        j = st.cand[k]
        if st.w[j] != 0.0:
            col_axpy_f64(data, indices, indptr, is_sparse, n, j, st.w[j], st.z)


cdef double entropy(const State* st, const Work* wk, Py_ssize_t n, double s) noexcept nogil:
    """sum_i omega_i H(s a_i), a_i = |u_i - p_i| (the probability given to the
    other class): minus the dual's loss part at theta = s (u - p)."""
    cdef Py_ssize_t i
    cdef double acc = 0.0, q
    for i in range(n):
        q = s * fabs(st.u[i] - wk.prob[i])
        acc += st.omega[i] * (xlogx(q) + xlogx(1.0 - q))
    return acc


cdef double conjugate_penalty(
    const State* st, const double* v, Py_ssize_t p, bint every, double s,
    bint feasible,
) noexcept nogil:
    """g*(s v) over the live columns (all with ``every``); +inf outside the
    domain when l2 = 0. ``feasible``: s v is known to be inside it (a point
    rescaled onto it, whose largest entry may exceed l1 by rounding)."""
    cdef Py_ssize_t j, k, count = p if every else st.n_cand
    cdef double acc = 0.0, excess
    for k in range(count):
        j = k if every else st.cand[k]
        if not (every or st.alive[j]):
            continue
        excess = s * dual_violation(v[j], st.positive) - st.l1
        if excess > 0:
            if st.l2 > 0:
                acc += excess * excess
            elif not feasible:
                return INFINITY
    return acc / (2.0 * st.l2) if st.l2 > 0 else 0.0


cdef double best_dual(
    const State* st, const Work* wk, Py_ssize_t n, Py_ssize_t p, bint every,
    double* scale,
) noexcept nogil:
    """The larger of D at theta = u - p and at theta rescaled into the dual
    domain (s = l1 / max_j |v_j|), and that s."""
    cdef Py_ssize_t j, k, count = p if every else st.n_cand
    cdef double v_max = 0.0, value, best, s
    cdef bint seen = False
    for k in range(count):
        j = k if every else st.cand[k]
        if every or st.alive[j]:
            value = dual_violation(wk.v[j], st.positive)
            if not seen or value > v_max:
                v_max = value
                seen = True
    # theta = u - p itself is infeasible (g* infinite) unless l2 > 0 or
    # every |v_j| <= l1; its entropy is then not needed
    best = -conjugate_penalty(st, wk.v, p, every, 1.0, False)
    if best > -INFINITY:
        best -= entropy(st, wk, n, 1.0)
    scale[0] = 1.0
    if v_max > st.l1 > 0:
        s = st.l1 / v_max
        value = -entropy(st, wk, n, s) - conjugate_penalty(st, wk.v, p, every, s, True)
        if value > best:
            best = value
            scale[0] = s
    return best


cdef void screen(
    State* st, const Work* wk, double scale, double gap, double rho_sum,
) noexcept nogil:
    """Gap Safe rule with the logistic radius (see the module docstring);
    the candidate list then drops the dead features with w_j = 0."""
    cdef Py_ssize_t j, k, kept = 0
    cdef double radius, root = sqrt(0.5 * (gap if gap > 0 else 0.0))
    cdef double shift = scale * fabs(rho_sum)
    for k in range(st.n_cand):
        j = st.cand[k]
        if st.alive[j]:
            radius = root * st.col_norm[j] + shift * st.xbar[j]
            if scale * dual_violation(wk.v[j], st.positive) + radius + 1e-12 * st.l1 < st.l1:
                st.alive[j] = 0
        if st.alive[j] or st.w[j] != 0.0:
            st.cand[kept] = j
            kept += 1
    st.n_cand = kept


cdef Py_ssize_t working_set(
    const State* st, Work* wk, Py_ssize_t n,
) noexcept nogil:
    """The columns the next step may move: the support (live or not: a
    support column certified zero is moved to zero), then the live columns
    closest to violating their optimality condition, ranked by
    (l1 - |v_j|) / sqrt(L_j + l2). The set holds at least twice the support
    and every violator up to n of them; all candidates once that is half
    of them."""
    cdef Py_ssize_t j, k, n_cand = 0, n_support = 0, n_violating = 0
    cdef Py_ssize_t grow, size
    cdef double score
    for k in range(st.n_cand):
        j = st.cand[k]
        if st.w[j] != 0.0:
            score = -INFINITY
            n_support += 1
        elif st.alive[j]:
            if st.inv_scale[j] <= 0:
                continue
            score = (st.l1 - dual_violation(wk.v[j], st.positive)) * st.inv_scale[j]
            if score < 0:
                n_violating += 1
        else:
            continue
        wk.scored[n_cand].score = score
        wk.scored[n_cand].index = j
        n_cand += 1
    size = n_cand
    if st.l1 > 0 and n_cand > WS_MIN:
        grow = n_violating
        if grow > 2 * WS_MIN and grow > 2 * n_support:
            grow = 2 * WS_MIN if 2 * WS_MIN > 2 * n_support else 2 * n_support
        if grow > n:
            grow = n
        size = n_support + grow
        if size < 2 * n_support:
            size = 2 * n_support
        if size < WS_MIN:
            size = WS_MIN
        if size >= WS_FULL * n_cand:
            size = n_cand
        else:
            select_smallest(wk.scored, n_cand, size)
    for k in range(size):
        wk.ws[k] = wk.scored[k].index
    if size < n_cand:  # (all candidates: already in increasing order)
        sort_distinct_indices(wk.ws, size, wk.bitmap)
    return size


cdef inline double kkt_violation(double grad, double w, double l1, bint positive) noexcept nogil:
    """Distance of -grad to the subdifferential of l1 |.| (+ w >= 0) at w;
    ``grad`` includes the l2 term."""
    if w > 0:
        return fabs(grad + l1)
    if w < 0:
        return fabs(grad - l1)
    if positive:
        return -grad - l1 if -grad > l1 else 0.0
    return fabs(grad) - l1 if fabs(grad) > l1 else 0.0


cdef double model_epoch(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, const State* st, Work* wk, Py_ssize_t m,
    bint support_only, double h_total, double* off,
) noexcept nogil:
    """One coordinate-descent pass over the working set (``support_only``:
    over the model's non-zero coefficients); returns the largest optimality
    violation it met."""
    cdef Py_ssize_t j, k
    cdef double cur, new, grad, viol, worst = 0.0, c
    for k in range(m):
        j = wk.ws[k]
        cur = wk.wnew[k]
        if support_only and cur == 0.0:
            continue
        if not st.alive[j] or wk.curv[k] <= 0:
            # Certified zero, or a column along which the model is flat (empty
            # or constant on the weighted samples: with the intercept kept
            # optimal, moving w_j changes no prediction): the penalty alone
            # decides, and 0 minimises it. A warm start may have left w_j != 0.
            new = 0.0
        else:
            # Model gradient with e optimal: x_j . (g + h a), a = at + e.
            grad = (wk.grad0[k] + off[0] * wk.hsum[k]
                    + col_dot_f64(data, indices, indptr, is_sparse, n, j, wk.at, wk.h))
            viol = kkt_violation(grad + st.l2 * cur, cur, st.l1, st.positive)
            if viol > worst:
                worst = viol
            # 1-D model: grad (x - cur) + curv/2 (x - cur)^2 + g(x)
            new = enet_prox(wk.curv[k] * cur - grad, wk.curv[k],
                            st.l1, st.l2, st.positive)
        if new != cur:
            c = new - cur
            wk.wnew[k] = new
            col_axpy_f64(data, indices, indptr, is_sparse, n, j, c, wk.at)
            if st.fit_intercept:
                off[0] -= c * wk.hsum[k] / h_total
    return worst


cdef double model_value(
    const State* st, const Work* wk, Py_ssize_t n, Py_ssize_t m,
    const double* at, double off, const double* coef,
) noexcept nogil:
    """The model at a = at + off and coefficients ``coef`` on the working set,
    up to a constant: sum_i [g_i a_i + h_i/2 a_i^2] + g(coef)."""
    cdef Py_ssize_t i, k
    cdef double acc = 0.0, a
    for i in range(n):
        a = at[i] + off
        acc += a * (0.5 * wk.h[i] * a - wk.rho[i])
    for k in range(m):
        acc += penalty_term(coef[k], st.l1, st.l2)
    return acc


cdef bint extrapolate_model(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, const State* st, Work* wk, Py_ssize_t m,
    double h_total, double g_total, double* off,
) noexcept nogil:
    """Anderson acceleration of the passes over the model's support (Bertrand
    & Massias 2021): the extrapolation of the last ANDERSON_DEPTH + 1
    coefficient vectors replaces the current ones when it lowers the model.
    The extrapolation is projected on the current pass's signs
    (``project_on_face``)."""
    cdef double gram[MAX_DEPTH * MAX_DEPTH]
    cdef double c[MAX_DEPTH]
    cdef double acc, off_try = 0.0, h_at = 0.0
    cdef Py_ssize_t i, j, k
    cdef int a
    difference_gram(wk.history, m, m, ANDERSON_DEPTH, gram)
    if not affine_weights(gram, ANDERSON_DEPTH, c):
        return False
    for i in range(n):
        wk.at_try[i] = 0.0
    for k in range(m):
        acc = 0.0
        for a in range(ANDERSON_DEPTH):
            acc += c[a] * wk.history[(a + 1) * m + k]
        j = wk.ws[k]
        acc = project_on_face(wk.wnew[k], acc)
        if acc != 0 and not st.alive[j]:
            return False
        wk.w_try[k] = acc
        if acc != st.w[j]:
            col_axpy_f64(data, indices, indptr, is_sparse, n, j, acc - st.w[j],
                         wk.at_try)
    if st.fit_intercept:  # the optimal e for that d
        for i in range(n):
            h_at += wk.h[i] * wk.at_try[i]
        off_try = -(g_total + h_at) / h_total
    if not (model_value(st, wk, n, m, wk.at_try, off_try, wk.w_try)
            < model_value(st, wk, n, m, wk.at, off[0], wk.wnew)):
        return False
    for k in range(m):
        wk.wnew[k] = wk.w_try[k]
    for i in range(n):
        wk.at[i] = wk.at_try[i]
    off[0] = off_try
    return True


cdef double solve_model(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, State* st, Work* wk, Py_ssize_t m,
    double accuracy, int max_epochs,
) noexcept nogil:
    """Coordinate descent on the Newton model over the working set.

    Leaves the model's coefficients in wk.wnew and the change of the linear
    predictor, a = X (wnew - w) + e, in wk.at; returns e. The model is
    solved until an epoch sees no optimality violation above ``accuracy``
    times the largest one at its start.
    """
    cdef Py_ssize_t i, j, k
    cdef double h_total = 0.0, g_total = 0.0, pr, off = 0.0
    cdef double s1, s2, cur, new, grad, viol, viol0 = 0.0, tol_in, c
    cdef int epoch, n_recorded
    for i in range(n):
        pr = wk.prob[i]
        wk.h[i] = st.omega[i] * (pr * (1.0 - pr) if pr * (1.0 - pr) > H_MIN else H_MIN)
        h_total += wk.h[i]
        g_total -= wk.rho[i]
        wk.at[i] = 0.0
    if st.fit_intercept:
        off = -g_total / h_total
    for k in range(m):
        j = wk.ws[k]
        cur = st.w[j]
        wk.wnew[k] = cur
        if st.alive[j]:
            wk.grad0[k] = -wk.v[j]
        else:
            wk.grad0[k] = -col_dot_f64(data, indices, indptr, is_sparse, n, j, wk.rho, NULL)
        col_h_moments(data, indices, indptr, is_sparse, n, j, wk.h, &s1, &s2)
        if st.fit_intercept:
            wk.hsum[k] = s1
            # centred curvature; a column constant in the h metric has only
            # rounding noise left
            wk.curv[k] = s2 - s1 * s1 / h_total
            if wk.curv[k] <= 1e-12 * s2:
                wk.curv[k] = 0.0
        else:
            wk.hsum[k] = 0.0
            wk.curv[k] = s2
        grad = wk.grad0[k] + off * wk.hsum[k] + st.l2 * cur
        viol = kkt_violation(grad, cur, st.l1, st.positive)
        if viol > viol0:
            viol0 = viol
    tol_in = accuracy * viol0
    # glmnet's active-set cycling: after a pass over the working set, passes
    # over the model's non-zero coefficients only until they are solved,
    # then a pass over the whole set again to check the others. Every
    # ANDERSON_DEPTH + 1 passes over the support, Anderson extrapolation.
    epoch = 0
    while epoch < max_epochs:
        viol0 = model_epoch(data, indices, indptr, is_sparse, n, st, wk, m,
                            False, h_total, &off)
        epoch += 1
        if viol0 <= tol_in:
            break
        n_recorded = 0
        while epoch < max_epochs:
            viol0 = model_epoch(data, indices, indptr, is_sparse, n, st, wk, m,
                                True, h_total, &off)
            epoch += 1
            if viol0 <= tol_in:
                break
            memcpy(&wk.history[n_recorded * m], wk.wnew, m * sizeof(double))
            n_recorded += 1
            if n_recorded == ANDERSON_DEPTH + 1:
                extrapolate_model(data, indices, indptr, is_sparse, n, st, wk,
                                  m, h_total, g_total, &off)
                n_recorded = 0
    for i in range(n):
        wk.at[i] += off
    return off


cdef double line_search(
    State* st, Work* wk, Py_ssize_t n, Py_ssize_t m, double primal,
    double pen_total, bint* flat,
) noexcept nogil:
    """Armijo backtracking on P along the model's step; returns the step
    length in (0, 1], or 0 when no step decreases P. Near the optimum the
    decrease falls below P's rounding error: a step is then accepted while P
    does not grow beyond that noise, so iterates converge past sqrt(eps);
    ``flat`` tells whether the accepted step left P within that noise."""
    cdef Py_ssize_t i, j, k
    cdef double slope = 0.0, pen_ws = 0.0, pen_new = 0.0, t = 1.0, f
    cdef double noise = 8 * DBL_EPSILON * fabs(primal)
    for i in range(n):
        slope -= wk.rho[i] * wk.at[i]
    for k in range(m):
        j = wk.ws[k]
        pen_ws += penalty_term(st.w[j], st.l1, st.l2)
        pen_new += penalty_term(wk.wnew[k], st.l1, st.l2)
    slope += pen_new - pen_ws
    # slope >= 0 only from rounding when the step is tiny
    if slope > 0:
        slope = 0.0
    while t > 1e-10:
        f = loss_at(st, n, wk.at, t, 0.0) + pen_total - pen_ws
        if t == 1.0:
            f += pen_new
        else:
            for k in range(m):
                j = wk.ws[k]
                f += penalty_term(st.w[j] + t * (wk.wnew[k] - st.w[j]), st.l1, st.l2)
        if f <= primal + 1e-4 * t * slope + noise:
            flat[0] = f > primal - noise
            return t
        t *= 0.5
    return 0.0


cdef void gradient(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, Py_ssize_t p, const State* st, Work* wk,
    bint dead,
) noexcept nogil:
    """v_j = x_j . rho on the live columns (``dead``: on the others, all of
    which are outside the candidate list unless they have w_j != 0)."""
    cdef Py_ssize_t j, k
    if dead:
        for j in range(p):
            if not st.alive[j]:
                wk.v[j] = col_dot_f64(data, indices, indptr, is_sparse, n, j, wk.rho, NULL)
        return
    for k in range(st.n_cand):
        j = st.cand[k]
        if st.alive[j]:
            wk.v[j] = col_dot_f64(data, indices, indptr, is_sparse, n, j, wk.rho, NULL)


cdef void solve(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, Py_ssize_t p, State* st, Work* wk,
    double tol, double null_loss, int max_iter, int max_epochs, bint screening,
    int slow_steps, double* gap_out, int* n_iter_out, bint* converged_out,
) noexcept nogil:
    cdef Py_ssize_t i, j, k, m, n_dead
    cdef int n_iter = 0, failures = 0, stalls = 0, slow = 0, counted = -1
    cdef bint exact = True, limit, moved, converged = False, flat = False
    cdef double best_gap = INFINITY, last_gap = INFINITY
    cdef double pen_total, primal, dual, gap = INFINITY, screen_gap, scale
    cdef double rho_sum, off, t, accuracy, pr, m_i, e, full_scale
    while True:
        # z after a step is z + t a, recomputed from the support whenever that
        # could differ from X w + b beyond rounding, and before the fit
        # stops: the gap that certifies the fit is that of (w, b) itself.
        if exact:
            exact_predictor(data, indices, indptr, is_sparse, n, st)
        if st.fit_intercept:
            optimal_intercept(st, n)
        rho_sum = 0.0
        primal = 0.0
        for i in range(n):
            # one exp for both: e = exp(-|z|), sigmoid(z) = 1/(1+e) or e/(1+e),
            # log(1 + exp(-y z)) = log1p(e) + max(-y z, 0)
            m_i = st.z[i]
            e = exp(-fabs(m_i))
            pr = 1.0 / (1.0 + e) if m_i >= 0 else e / (1.0 + e)
            if st.u[i] > 0:
                m_i = -m_i
            primal += st.omega[i] * (log1p(e) + (m_i if m_i > 0 else 0.0))
            wk.prob[i] = pr
            wk.rho[i] = st.omega[i] * (st.u[i] - pr)
            rho_sum += wk.rho[i]
        pen_total = penalty(st)
        primal += pen_total
        gradient(data, indices, indptr, is_sparse, n, p, st, wk, False)
        dual = best_dual(st, wk, n, p, False, &scale)
        gap = screen_gap = primal - dual
        # A gap stuck above tol: near the optimum P - P* is second order in
        # the error of w, the gap only first order (through the dual point),
        # so the gap can stall above a tiny tol while P no longer moves
        # beyond its own rounding (as on basehock's small-alpha CV folds at
        # tol 1e-12, where extended precision gives the same gap at those
        # iterates). Steps that leave P flat and do not bring
        # the gap 10% below the best seen count as stalls; STALL_STEPS of
        # them in a row end the fit (not converged) instead of running
        # max_iter steps at that floor. (A gap still falling by a few % per
        # step never stalls.)
        if gap < 0.9 * best_gap:
            best_gap = gap
            stalls = 0
        elif flat:
            stalls += 1
        else:
            stalls = 0
        # Slow steps (``slow_steps > 0``): a healthy fit's gap falls by a
        # large factor at every Newton step once near the optimum; one that
        # stays above 0.9 x the last step's gap for slow_steps steps in a row
        # ends the run, so that the caller can take Newton steps on the
        # support (see ``_binary_support_steps`` in _logistic.py).
        if n_iter > counted:  # once per Newton step
            slow = slow + 1 if gap > 0.9 * last_gap else 0
            last_gap = gap
            counted = n_iter
        limit = (
            n_iter >= max_iter or failures >= 3 or stalls >= STALL_STEPS
            or (slow_steps > 0 and slow >= slow_steps)
        )
        if (gap <= tol or limit) and not exact:
            exact = True  # a fit stops on the exact predictor only
            continue
        n_dead = p
        for k in range(st.n_cand):
            n_dead -= st.alive[st.cand[k]] != 0
        if n_dead > 0 and (gap <= tol or n_iter >= max_iter):
            gradient(data, indices, indptr, is_sparse, n, p, st, wk, True)
            gap = primal - best_dual(st, wk, n, p, True, &full_scale)
        if gap <= tol:
            converged = True
            break
        if limit:
            break
        if screening and isfinite(screen_gap):
            screen(st, wk, scale, screen_gap, rho_sum)
        n_iter += 1

        m = working_set(st, wk, n)
        # Forcing term (Lee et al. 2014, section 3.3): the model is solved to
        # eta times its starting violation, eta = min(0.3, e / L0) with e
        # the gap (or P when smaller) and L0 the null model's loss, so the
        # outer steps converge superlinearly while the early ones, far from
        # the optimum, stay cheap. eta never goes below 0.05 tol / gap: near
        # the end the gap falls about in proportion to the violation, so
        # that already brings it under tol, and more epochs would be wasted.
        # After a failed step (no move, or no decrease) the model is solved
        # more accurately.
        accuracy = min(gap, primal) / null_loss if null_loss > 0 else INNER_RATIO
        if gap > 0 and accuracy < TOL_SHARE * tol / gap:
            accuracy = TOL_SHARE * tol / gap
        if accuracy > INNER_RATIO:
            accuracy = INNER_RATIO
        for k in range(failures):
            accuracy *= 1e-3
        off = solve_model(data, indices, indptr, is_sparse, n, st, wk, m,
                          accuracy, max_epochs)
        moved = off != 0.0
        for k in range(m):
            if wk.wnew[k] != st.w[wk.ws[k]]:
                moved = True
                break
        exact = False
        flat = False
        if not moved:
            failures += 1
            continue
        t = line_search(st, wk, n, m, primal, pen_total, &flat)
        if t == 0.0:
            failures += 1
            continue
        failures = 0
        for k in range(m):
            j = wk.ws[k]
            if t == 1.0:
                st.w[j] = wk.wnew[k]
            else:
                st.w[j] += t * (wk.wnew[k] - st.w[j])
            if floating is float:
                st.w[j] = <double><float>st.w[j]  # the coefficients' dtype
        st.b += t * off
        for i in range(n):
            st.z[i] += t * wk.at[i]
    gap_out[0] = gap
    n_iter_out[0] = n_iter
    converged_out[0] = converged


def binary_logistic(
    const floating[::1] X_data,
    const index_t[::1] X_indices,
    const index_t[::1] X_indptr,
    bint is_sparse,
    Py_ssize_t n_samples,
    Py_ssize_t n_features,
    const double[::1] labels,
    const double[::1] omega,
    double[::1] coef,
    double intercept,
    const double[::1] xbar,
    const double[::1] lipschitz,
    unsigned char[::1] alive,
    double l1,
    double l2,
    bint positive,
    bint fit_intercept,
    double tol,
    double null_loss,
    int max_iter,
    int max_epochs,
    bint screening,
    int slow_steps=0,
):
    """Minimise the binary logistic objective in place of ``coef``.

    Inputs are validated by the Python layer (``shrinkage._logistic``);
    nothing is checked here. ``X_data``/``X_indices``/``X_indptr`` as for
    :func:`shrinkage._kernels._enet.enet_coordinate_descent`; ``labels`` in
    {0, 1}; ``omega`` the sample weights divided by their sum; ``xbar`` the
    absolute omega-weighted column means (zeros without intercept) and
    ``lipschitz`` the omega-weighted centred squared column norms, for Gap
    Safe screening; ``alive`` (0 or 1 per feature) is updated in place, 0
    for the features certified zero. ``tol`` is absolute (on the gap);
    ``null_loss`` (the loss of the best constant model) scales the forcing
    term of the inner solves; ``max_iter`` caps the Newton steps,
    ``max_epochs`` the coordinate-descent epochs of each step;
    ``slow_steps`` > 0 stops the fit (not converged) after that many Newton
    steps in a row that each leave the gap above 0.9 x the last one. With
    float32 X the coefficients are kept float32-representable.

    Returns
    -------
    intercept : float
    gap : float
        Duality gap of the full problem at exit.
    n_iter : int
        Newton steps taken.
    converged : bool
    """
    cdef Py_ssize_t n = n_samples, p = n_features
    cdef State st
    cdef Work wk
    cdef double gap
    cdef int n_iter
    cdef bint converged
    cdef const floating* data = &X_data[0] if X_data.shape[0] > 0 else NULL
    cdef double[::1] z = np.empty(n)
    cdef double[::1] vec_n = np.empty(5 * n)
    cdef double[::1] vec_p = np.zeros((7 + ANDERSON_DEPTH) * p + 1)
    cdef Py_ssize_t[::1] ws = np.empty(p + 1, dtype=np.intp)
    alive_arr = np.asarray(alive)
    cand_arr = np.flatnonzero((alive_arr != 0) | (np.asarray(coef) != 0))
    cand_buffer = np.empty(p + 1, dtype=np.intp)
    cand_buffer[:cand_arr.shape[0]] = cand_arr
    cdef Py_ssize_t[::1] cand = cand_buffer
    cdef ScoredFeature[::1] scored
    scored_buffer = np.empty(
        p + 1, dtype=np.dtype([("score", np.float64), ("index", np.intp)])
    )
    scored = scored_buffer
    cdef uint64_t[::1] bitmap = np.zeros(p // 64 + 1, dtype=np.uint64)
    st.u = &labels[0]
    st.omega = &omega[0]
    st.xbar = &xbar[0] if p > 0 else NULL
    # per-feature constants of the screening radius and the working-set score
    col_norm_arr = np.sqrt(np.asarray(lipschitz))
    scale_arr = np.sqrt(np.asarray(lipschitz) + l2)
    inv_scale_arr = np.divide(1.0, scale_arr, out=np.zeros(p), where=scale_arr > 0)
    cdef const double[::1] col_norm = col_norm_arr
    cdef const double[::1] inv_scale = inv_scale_arr
    st.col_norm = &col_norm[0] if p > 0 else NULL
    st.inv_scale = &inv_scale[0] if p > 0 else NULL
    st.l1 = l1
    st.l2 = l2
    st.positive = positive
    st.fit_intercept = fit_intercept
    st.w = &coef[0] if p > 0 else NULL
    st.b = intercept if fit_intercept else 0.0
    st.z = &z[0]
    st.alive = &alive[0] if p > 0 else NULL
    st.cand = &cand[0]
    st.n_cand = cand_arr.shape[0]
    wk.prob = &vec_n[0]
    wk.rho = &vec_n[n]
    wk.h = &vec_n[2 * n]
    wk.at = &vec_n[3 * n]
    wk.v = &vec_p[0]
    wk.grad0 = &vec_p[p]
    wk.hsum = &vec_p[2 * p]
    wk.curv = &vec_p[3 * p]
    wk.wnew = &vec_p[4 * p]
    wk.w_try = &vec_p[5 * p]
    wk.history = &vec_p[6 * p]
    wk.at_try = &vec_n[4 * n]
    wk.ws = &ws[0]
    wk.scored = &scored[0]
    wk.bitmap = &bitmap[0]
    with nogil:
        solve(data, &X_indices[0], &X_indptr[0], is_sparse, n, p,
              &st, &wk, tol, null_loss, max_iter, max_epochs, screening,
              slow_steps, &gap, &n_iter, &converged)
    return st.b, gap, n_iter, converged


def set_simd(enabled=None):
    """This module's AVX2 switch (see ``shrinkage._kernels.set_simd``)."""
    return bool(simd_request(enabled is None, bool(enabled)))
