# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""The elastic-net penalty as the solvers see it: a prox and a dual constraint.

    g(w) = l1 * ||w||_1 + l2 / 2 * ||w||_2^2      (+ the constraint w >= 0
                                                    when ``positive``)

Coordinate descent (Friedman, Hastie & Tibshirani 2010) minimises, for one
coordinate with curvature L = ||x_j||^2 / n and the rest held fixed,

    L/2 (w - z/L)^2 + l1 |w| + l2/2 w^2,     z = L w_j + x_j . r / n,

whose minimiser is the proximal step ``enet_prox(z, L)`` below:
soft-threshold z by l1, then shrink by 1 / (L + l2).
"""
from libc.math cimport fabs


cdef inline double soft_threshold_scalar(double x, double threshold) noexcept nogil:
    """sign(x) * max(|x| - threshold, 0)."""
    if x > threshold:
        return x - threshold
    if x < -threshold:
        return x + threshold
    return 0.0


cdef inline double enet_prox(
    double z, double lipschitz, double l1, double l2, bint positive,
) noexcept nogil:
    """Exact minimiser of the one-coordinate elastic-net model above."""
    if positive:
        if z > l1:
            return (z - l1) / (lipschitz + l2)
        return 0.0
    return soft_threshold_scalar(z, l1) / (lipschitz + l2)


cdef inline double dual_violation(double v, bint positive) noexcept nogil:
    """The quantity a dual point must keep below l1 for feature j.

    The dual of the (augmented) Lasso is feasible when |x_j^T theta| <= l1 for
    all j; with ``positive`` only the upper side x_j^T theta <= l1 binds.
    """
    # fabs, not a test on the sign: the gap check and the screening call
    # this for every feature, and a branch on the sign of a gradient of
    # random signs cannot be predicted.
    return v if positive else fabs(v)
