# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""Extrapolation from a short history of vectors (Anderson 1965).

Coordinate-descent iterates, and the residuals they produce, converge
linearly along a few directions. Given the last K + 1 vectors h_0..h_K, the
weights c (sum c = 1) minimising ||sum_a c_a (h_{a+1} - h_a)|| give the
extrapolated point sum_a c_a h_{a+1}. The solvers use it for Anderson
acceleration of the primal iterates (Bertrand & Massias 2021, "Anderson
acceleration of coordinate descent", AISTATS) and dual extrapolation of the
residuals (Massias, Gramfort & Salmon 2018, "Celer", ICML), and keep an
extrapolated point only when it improves on the current one.
"""
from libc.math cimport fabs

cdef enum:
    MAX_DEPTH = 8  # longest history


cdef inline void difference_gram(
    const double* history, Py_ssize_t stride, Py_ssize_t length, int depth,
    double* gram,
) noexcept nogil:
    """gram[a, b] = u_a.u_b (row-major, stride MAX_DEPTH) for the differences
    u_a = h_{a+1} - h_a of the ``depth + 1`` vectors stored in ``history``."""
    cdef int a, b
    cdef Py_ssize_t k
    cdef double acc, ua, ub
    for a in range(depth):
        for b in range(a, depth):
            acc = 0.0
            for k in range(length):
                ua = history[(a + 1) * stride + k] - history[a * stride + k]
                ub = history[(b + 1) * stride + k] - history[b * stride + k]
                acc += ua * ub
            gram[a * MAX_DEPTH + b] = acc
            gram[b * MAX_DEPTH + a] = acc


cdef inline bint affine_weights(double* gram, int depth, double* c) noexcept nogil:
    """Weights c with sum(c) = 1 minimising ||sum_a c_a u_a||, from the Gram
    matrix of the differences u_a (overwritten): c = z / sum(z) with
    (U U^T + ridge) z = 1, by Gaussian elimination with partial pivoting.
    This is the extrapolation step shared by Anderson acceleration of the
    primal iterates and by dual extrapolation of the residuals. Returns
    False when the system is numerically singular."""
    cdef int a, b, m, best
    cdef double trace = 0.0, factor, pivot, acc, total = 0.0
    for a in range(depth):
        trace += gram[a * MAX_DEPTH + a]
    if trace <= 0.0:
        return False
    for a in range(depth):
        gram[a * MAX_DEPTH + a] += 1e-10 * trace
        c[a] = 1.0
    for a in range(depth):
        best = a
        for b in range(a + 1, depth):
            if fabs(gram[b * MAX_DEPTH + a]) > fabs(gram[best * MAX_DEPTH + a]):
                best = b
        if fabs(gram[best * MAX_DEPTH + a]) <= 1e-14 * trace:
            return False
        if best != a:
            for m in range(depth):
                gram[a * MAX_DEPTH + m], gram[best * MAX_DEPTH + m] = (
                    gram[best * MAX_DEPTH + m], gram[a * MAX_DEPTH + m])
            c[a], c[best] = c[best], c[a]
        pivot = gram[a * MAX_DEPTH + a]
        for b in range(a + 1, depth):
            factor = gram[b * MAX_DEPTH + a] / pivot
            for m in range(a, depth):
                gram[b * MAX_DEPTH + m] -= factor * gram[a * MAX_DEPTH + m]
            c[b] -= factor * c[a]
    for a in range(depth - 1, -1, -1):
        acc = c[a]
        for m in range(a + 1, depth):
            acc -= gram[a * MAX_DEPTH + m] * c[m]
        c[a] = acc / gram[a * MAX_DEPTH + a]
    for a in range(depth):
        total += c[a]
    if total == 0.0:
        return False
    for a in range(depth):
        c[a] /= total
    return True


cdef inline double project_on_face(double current, double proposed) noexcept nogil:
    """An extrapolated coefficient projected on the closed face of the
    current iterate: 0 where the current entry is 0 or the proposal has the
    other sign, the proposal otherwise. Coordinate descent (and the passes
    over a Newton model) is a linear fixed-point map only while the signs
    hold, the regime where Bertrand & Massias prove Anderson acceleration;
    unprojected, a few coordinates pushed across zero add more l1 penalty
    than the step gains, and the extrapolated point is rejected."""
    return proposed if current * proposed > 0 else 0.0
