# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""Choosing a working set: the features with the smallest scores.

Both solvers rank their candidate features by a score (the distance to the
dual constraint in units of the column norm; the support scores -inf), keep
the k smallest with a quickselect, and sort the chosen indices so that the
epochs walk X in memory order.
"""

from libc.stdint cimport uint64_t


cdef extern from *:
    """
    /* Index of the lowest set bit of a non-zero 64-bit word. */
    #if defined(_MSC_VER)
    #include <intrin.h>
    static __inline int shrinkage_lowest_bit(unsigned __int64 x) {
        unsigned long i;
        _BitScanForward64(&i, x);
        return (int)i;
    }
    #else
    #define shrinkage_lowest_bit(x) __builtin_ctzll(x)
    #endif
    """
    int lowest_bit "shrinkage_lowest_bit"(uint64_t x) noexcept nogil


cdef inline void sort_distinct_indices(
    Py_ssize_t* idx, Py_ssize_t k, uint64_t* bits,
) noexcept nogil:
    """Sort ``k`` distinct non-negative indices in place, without comparing
    them: set one bit per index in ``bits`` (a bitmap of at least
    max(idx) // 64 + 1 words, all zero), then read the set bits back in
    order, clearing them (the bitmap is left zero). O(k + range / 64): on
    the wide sets of a path (thousands of features out of tens of
    thousands) it replaces a comparison sort's k log k calls through a
    function pointer."""
    cdef Py_ssize_t i, w, first, last, m = 0
    cdef uint64_t word
    if k < 2:
        return
    first = idx[0] >> 6
    last = first
    for i in range(k):
        w = idx[i] >> 6
        bits[w] |= (<uint64_t>1) << (idx[i] & 63)
        if w < first:
            first = w
        elif w > last:
            last = w
    for w in range(first, last + 1):
        word = bits[w]
        if word:
            bits[w] = 0
            while word:
                idx[m] = (w << 6) + lowest_bit(word)
                m += 1
                word &= word - 1


cdef struct ScoredFeature:
    double score
    Py_ssize_t index


cdef inline void select_smallest(ScoredFeature* a, Py_ssize_t n, Py_ssize_t k) noexcept nogil:
    """Partially order a[0:n] so that a[0:k] holds the k smallest scores
    (Hoare's quickselect with a median-of-three pivot: O(n) on average,
    instead of sorting all n features at every outer iteration)."""
    cdef Py_ssize_t lo = 0, hi = n - 1, i, j, mid
    cdef double pivot
    cdef ScoredFeature tmp
    if k <= 0 or k >= n:
        return
    while lo < hi:
        mid = lo + (hi - lo) // 2
        # median of three as pivot value
        if a[mid].score < a[lo].score:
            tmp = a[mid]; a[mid] = a[lo]; a[lo] = tmp
        if a[hi].score < a[lo].score:
            tmp = a[hi]; a[hi] = a[lo]; a[lo] = tmp
        if a[hi].score < a[mid].score:
            tmp = a[hi]; a[hi] = a[mid]; a[mid] = tmp
        pivot = a[mid].score
        i = lo
        j = hi
        while i <= j:
            while a[i].score < pivot:
                i += 1
            while a[j].score > pivot:
                j -= 1
            if i <= j:
                tmp = a[i]; a[i] = a[j]; a[j] = tmp
                i += 1
                j -= 1
        # now a[lo..j] <= pivot <= a[i..hi]
        if k - 1 <= j:
            hi = j
        elif k - 1 >= i:
            lo = i
        else:
            return
