# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""Updates of an upper Cholesky factor R (R^T R = A) as columns of A enter
and leave, for the direct solves on the support (``shrinkage._face``).

R lives in the leading m x m block of a Fortran-ordered capacity buffer
(leading dimension = the buffer's row count), so a change costs O(m^2) and
no copy of R:

* append a column a = [b; d] of A: R^T r = b (one triangular solve), and
  the new diagonal entry is sqrt(d - r.r), the norm of what the new column
  adds beyond the span of the others (a block of columns: one solve with
  all of them, then the Cholesky factor of their Schur complement);
* delete column k: dropping it leaves R upper Hessenberg from column k on,
  and Givens rotations of rows (k, k+1), (k+1, k+2), ... zero the
  subdiagonal again; rotations are orthogonal, so R^T R is A without row
  and column k (Golub & Van Loan, Matrix Computations, section 6.5).

Each function checks the shapes against m and the buffer before it reads
or writes (they run without bounds checks).
"""
from libc.math cimport sqrt
from libc.string cimport memmove

import numpy as np
from scipy.linalg.cython_blas cimport drot, drotg, dsyrk, dtrsm, dtrsv
from scipy.linalg.cython_lapack cimport dpotrf


def append_columns(double[::1, :] R, Py_ssize_t m, double[::1, :] cross,
                   const double[::1, :] block, double rel_pivot,
                   unsigned char[::1] kept):
    """Append k columns to the factor of A (m x m -> m+a x m+a, a <= k).

    ``cross`` (m x k) holds the new columns' entries against the m columns
    of A, ``block`` (k x k) their entries against each other (symmetric).
    With R^T C = cross (``dtrsm``), the new diagonal block is the Cholesky
    factor of the Schur complement S = block - C^T C (``dsyrk``, then
    LAPACK's blocked ``dpotrf``; from an empty factor that is all of it).
    Column i enters only if its pivot (the squared norm it adds beyond the
    span of the columns before it) exceeds ``rel_pivot * block[i, i]``. A
    column that does not is skipped and the later ones still enter: when
    ``dpotrf`` meets one, S is factored again column by column (an
    unblocked Cholesky that leaves such columns out). ``kept[i]`` is set to
    1 for the columns appended (in their order) and 0 for those skipped.
    Returns the number appended. ``cross`` is overwritten (with C).
    """
    cdef int n = <int>m, k = <int>cross.shape[1], lda = <int>R.shape[0]
    cdef int ldc = <int>cross.shape[0], info = 0
    cdef Py_ssize_t i, a, t, s, appended
    cdef double unit = 1.0, minus = -1.0, acc
    cdef char left = b'L', upper = b'U', trans = b'T', nounit = b'N'
    if (m < 0 or R.shape[0] < m + k or R.shape[1] < m + k
            or cross.shape[0] != m or block.shape[0] != k or block.shape[1] != k
            or kept.shape[0] != k):
        raise ValueError("append_columns: shapes do not fit the factor.")
    if k == 0:
        return 0
    # S's upper triangle, kept for the column-by-column pass
    schur_arr = np.empty((k, k), dtype=np.float64, order="F")
    cdef double[::1, :] schur = schur_arr
    cdef Py_ssize_t[::1] order = np.empty(k, dtype=np.intp)
    with nogil:
        for i in range(k):
            for a in range(m + i + 1):
                R[m + i, a] = 0.0  # below the diagonal of the new rows
            for a in range(i + 1):
                R[m + a, m + i] = block[a, i]
        if n > 0:
            # R^T C = cross: the new columns' part against the old ones
            dtrsm(&left, &upper, &trans, &nounit, &n, &k, &unit, &R[0, 0], &lda,
                  &cross[0, 0], &ldc)
            for i in range(k):
                for a in range(m):
                    R[a, m + i] = cross[a, i]
            # the Schur complement's upper triangle: block - C^T C
            dsyrk(&upper, &trans, &k, &n, &minus, &cross[0, 0], &ldc, &unit,
                  &R[m, m], &lda)
        for i in range(k):
            for a in range(i + 1):
                schur[a, i] = R[m + a, m + i]
        dpotrf(&upper, &k, &R[m, m], &lda, &info)
        # info > 0: the leading info - 1 columns were factored
        appended = k if info == 0 else info - 1
        for i in range(appended):
            if not R[m + i, m + i] * R[m + i, m + i] > rel_pivot * block[i, i]:
                appended = i
                break
        if appended == k:
            for i in range(k):
                kept[i] = 1
        else:
            # Column by column, skipping the dependent ones: U (upper, of
            # the columns kept so far, order[0..appended)) in R's new block.
            appended = 0
            for i in range(k):
                kept[i] = 0
                for t in range(appended):
                    acc = schur[order[t], i]
                    for s in range(t):
                        acc = acc - R[m + s, m + t] * R[m + s, m + appended]
                    R[m + t, m + appended] = acc / R[m + t, m + t]
                acc = schur[i, i]
                for t in range(appended):
                    acc = acc - R[m + t, m + appended] * R[m + t, m + appended]
                if acc > rel_pivot * block[i, i]:
                    R[m + appended, m + appended] = sqrt(acc)
                    order[appended] = i
                    kept[i] = 1
                    appended += 1
            # C's columns of the kept ones, in their new places
            if n > 0:
                for t in range(appended):
                    for a in range(m):
                        R[a, m + t] = cross[a, order[t]]
            # nothing past the appended columns
            for i in range(appended, k):
                for a in range(m + k):
                    R[a, m + i] = 0.0
                    R[m + i, a] = 0.0
            for i in range(appended):
                for a in range(appended, k):
                    R[m + a, m + i] = 0.0
    return appended


def delete_column(double[::1, :] R, Py_ssize_t m, Py_ssize_t k):
    """Remove column k of A from its m x m factor (-> m-1 x m-1)."""
    cdef int lda = <int>R.shape[0], count
    cdef Py_ssize_t i, j
    cdef double c, s, a, b
    if not (0 <= k < m <= R.shape[0] and m <= R.shape[1]):
        raise ValueError("delete_column: column outside the factor.")
    with nogil:
        # Shift columns k+1.. one to the left (each holds rows 0..j).
        for j in range(k, m - 1):
            memmove(&R[0, j], &R[0, j + 1], (j + 2) * sizeof(double))
        # Column j now has a subdiagonal entry R[j+1, j]; rotate it away.
        for j in range(k, m - 1):
            a = R[j, j]
            b = R[j + 1, j]
            drotg(&a, &b, &c, &s)
            R[j, j] = a
            R[j + 1, j] = 0.0
            count = <int>(m - 2 - j)
            if count > 0:
                drot(&count, &R[j, j + 1], &lda, &R[j + 1, j + 1], &lda, &c, &s)
        for i in range(m):
            R[m - 1, i] = 0.0
            R[i, m - 1] = 0.0


def solve(double[::1, :] R, Py_ssize_t m, double[::1] rhs):
    """rhs <- A^{-1} rhs, A = R^T R on the leading m x m block."""
    cdef int n = <int>m, lda = <int>R.shape[0], one = 1
    cdef char upper = b'U', trans = b'T', notrans = b'N', nounit = b'N'
    if m < 0 or m > R.shape[0] or m > R.shape[1] or rhs.shape[0] != m:
        raise ValueError("solve: shapes do not fit the factor.")
    if m == 0:
        return
    with nogil:
        dtrsv(&upper, &trans, &nounit, &n, &R[0, 0], &lda, &rhs[0], &one)
        dtrsv(&upper, &notrans, &nounit, &n, &R[0, 0], &lda, &rhs[0], &one)
