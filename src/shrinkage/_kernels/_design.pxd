# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""The design matrix as the solvers see it: a handful of column operations.

A solver loop never looks at the storage format of X. It only asks for

* ``col_dot``   : sum_i sw_i X[i, j] v_i         (column dot residual)
* ``col_axpy``  : v <- v + a X[:, j]             (column axpy)
* ``col_axpy_dot``: the two fused, v <- v + a X[:, j] then
  sum_i sw_i X[i, k] v_i, in one pass over v for dense X
  (``axpy_dot_fusion_pays`` says whether fusing saves work)
* ``cols_dot``: ``col_dot`` of a run of consecutive columns (one BLAS ``?gemv``
  for long dense columns)
* ``col_moments``: sum_i sw_i X[i, j] and sum_i sw_i X[i, j]^2 (and a bound
  on the largest |X[i, j]|, for input validation)
* for dense X with the AVX2 kernels only, ``pair_dots`` and
  ``pair_axpy_dots``: two columns' dots with v and with each other, after
  (in the same pass) an update of v by two columns

and, for solvers that keep their vectors in float64 whatever X's dtype
(the proximal-Newton solver of the logistic loss), ``col_dot_f64``,
``col_axpy_f64`` and ``col_h_moments`` (sum_i h_i X[i, j] and
sum_i h_i X[i, j]^2), which accumulate in double.

and each helper dispatches, once per call (not per element), between

* dense Fortran-ordered storage: ``data`` is X raveled in column-major
  order, column j is ``data[j*n : (j+1)*n]``, and ``indptr[j]`` (<= n) is
  its extent: its entries from row ``indptr[j]`` on are zeros (n for X
  itself; a Gram-mode design is triangular, see shrinkage._gram).
  ``col_dot``, ``col_axpy``, ``col_axpy_dot`` and ``cols_dot`` read a
  column only to its extent; the other helpers read it whole, which is as
  exact (``indices`` unused);
* CSC storage: column j holds ``data[indptr[j]:indptr[j+1]]`` at rows
  ``indices[indptr[j]:indptr[j+1]]``, with int32 or int64 indices.

``sw == NULL`` means unit sample weights, which lets the dense helpers call
BLAS (``?dot``/``?axpy``). All inputs are validated in Python before they get
here: the kernels run with bounds checking off.
"""
from libc.math cimport fabs, sqrt
from libc.stdint cimport int32_t, int64_t
from cython cimport floating
from scipy.linalg.cython_blas cimport daxpy, ddot, dgemv, saxpy, sdot, sgemv

ctypedef fused index_t:
    int32_t
    int64_t


cdef extern from *:
    """
    /* The moments of a dense float64 column (column_stats, once per fit),
       in SSE2 where the compiler targets it (every x86-64 compiler does):
       C compilers do not reorder a floating-point sum into vector lanes by
       themselves, and four scalar lanes run below memory speed here. */
    #if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
    #include <emmintrin.h>
    #define SHRINKAGE_SSE2 1
    #else
    #define SHRINKAGE_SSE2 0
    #endif

    /* sum (x_i - c) and sum (x_i - c)^2 over n doubles. */
    static void shrinkage_dense_moments_f64(
        const double* x, Py_ssize_t n, double c, double* sum, double* sum_sq)
    {
        Py_ssize_t i = 0;
        double s = 0.0, q = 0.0, d;
    #if SHRINKAGE_SSE2
        double lanes[2];
        const __m128d vc = _mm_set1_pd(c), zero = _mm_setzero_pd();
        __m128d s0 = zero, s1 = zero, s2 = zero, s3 = zero;
        __m128d q0 = zero, q1 = zero, q2 = zero, q3 = zero;
        for (; i + 8 <= n; i += 8) {
            __m128d d0 = _mm_sub_pd(_mm_loadu_pd(x + i), vc);
            __m128d d1 = _mm_sub_pd(_mm_loadu_pd(x + i + 2), vc);
            __m128d d2 = _mm_sub_pd(_mm_loadu_pd(x + i + 4), vc);
            __m128d d3 = _mm_sub_pd(_mm_loadu_pd(x + i + 6), vc);
            s0 = _mm_add_pd(s0, d0);
            s1 = _mm_add_pd(s1, d1);
            s2 = _mm_add_pd(s2, d2);
            s3 = _mm_add_pd(s3, d3);
            q0 = _mm_add_pd(q0, _mm_mul_pd(d0, d0));
            q1 = _mm_add_pd(q1, _mm_mul_pd(d1, d1));
            q2 = _mm_add_pd(q2, _mm_mul_pd(d2, d2));
            q3 = _mm_add_pd(q3, _mm_mul_pd(d3, d3));
        }
        _mm_storeu_pd(lanes, _mm_add_pd(_mm_add_pd(s0, s1), _mm_add_pd(s2, s3)));
        s = lanes[0] + lanes[1];
        _mm_storeu_pd(lanes, _mm_add_pd(_mm_add_pd(q0, q1), _mm_add_pd(q2, q3)));
        q = lanes[0] + lanes[1];
    #endif
        for (; i < n; i++) {
            d = x[i] - c;
            s += d;
            q += d * d;
        }
        *sum = s;
        *sum_sq = q;
    }
    """
    void dense_moments_f64 "shrinkage_dense_moments_f64" (
        const double* x, Py_ssize_t n, double c, double* total,
        double* total_sq) noexcept nogil


cdef extern from *:
    """
    /* Dense column kernels in AVX2 + FMA, chosen at run time.

       The wheel targets baseline x86-64 (SSE2), whose scalar code does one
       multiply-add per element; on the short and medium columns of a CD
       epoch (the column and the residual in cache) that, not memory, is the
       bound. Where the CPU and the OS support AVX2 and FMA (probed once,
       through the compiler's CPU detection, which checks the OS's saving of
       the wide registers too), the dense column dot, axpy and fused
       axpy-then-dot run four doubles (eight floats) per instruction. Sums
       are split over several accumulators in every version, so the results
       differ from the portable code's by rounding only.
       shrinkage_simd_set(0) forces the portable code (the tests run both). */
    #if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
    #include <immintrin.h>
    #define SHRINKAGE_AVX2 1
    #else
    #define SHRINKAGE_AVX2 0
    #endif

    static int shrinkage_simd_capable = -1;  /* -1: not probed yet */
    static int shrinkage_simd_state = -1;

    static int shrinkage_simd_probe(void) {
        if (shrinkage_simd_capable < 0) {
    #if SHRINKAGE_AVX2
            __builtin_cpu_init();
            shrinkage_simd_capable = (__builtin_cpu_supports("avx2")
                                      && __builtin_cpu_supports("fma")) ? 1 : 0;
    #else
            shrinkage_simd_capable = 0;
    #endif
        }
        return shrinkage_simd_capable;
    }

    /* 1 when the AVX2 kernels run (a benign race: every thread writes the
       same value). */
    static inline int shrinkage_simd_on(void) {
        if (shrinkage_simd_state < 0)
            shrinkage_simd_state = shrinkage_simd_probe();
        return shrinkage_simd_state;
    }

    /* Allow (on != 0, where the CPU can) or forbid the AVX2 kernels;
       returns whether they run now. */
    static int shrinkage_simd_set(int on) {
        shrinkage_simd_state = on ? shrinkage_simd_probe() : 0;
        return shrinkage_simd_state;
    }

    #if SHRINKAGE_AVX2
    /* One definition per element type: T the scalar, W lanes per vector,
       and the intrinsics of that width. */
    #define SHRINKAGE_AVX2_KERNELS(T, SUF, W, VT, LOAD, STORE, SET1, ZERO, \
                                   FMA, MUL, ADD)                           \
    __attribute__((target("avx2,fma")))                                     \
    static T shrinkage_hsum_##SUF(VT acc) {                                 \
        T lanes[W], s = 0;                                                  \
        int l;                                                              \
        STORE(lanes, acc);                                                  \
        for (l = 0; l < W; l++) s += lanes[l];                              \
        return s;                                                           \
    }                                                                       \
    /* sum_i sw_i x_i v_i (sw NULL: unit weights) */                        \
    __attribute__((target("avx2,fma")))                                     \
    static T shrinkage_avx2_dot_##SUF(const T* x, const T* v, const T* sw,  \
                                      Py_ssize_t n) {                       \
        VT a0 = ZERO(), a1 = ZERO(), a2 = ZERO(), a3 = ZERO();              \
        Py_ssize_t i = 0;                                                   \
        T s;                                                                \
        if (sw == NULL) {                                                   \
            for (; i + 4 * W <= n; i += 4 * W) {                            \
                a0 = FMA(LOAD(x + i), LOAD(v + i), a0);                     \
                a1 = FMA(LOAD(x + i + W), LOAD(v + i + W), a1);             \
                a2 = FMA(LOAD(x + i + 2 * W), LOAD(v + i + 2 * W), a2);     \
                a3 = FMA(LOAD(x + i + 3 * W), LOAD(v + i + 3 * W), a3);     \
            }                                                               \
            for (; i + W <= n; i += W)                                      \
                a0 = FMA(LOAD(x + i), LOAD(v + i), a0);                     \
            s = shrinkage_hsum_##SUF(ADD(ADD(a0, a1), ADD(a2, a3)));        \
            for (; i < n; i++) s += x[i] * v[i];                            \
            return s;                                                       \
        }                                                                   \
        for (; i + 2 * W <= n; i += 2 * W) {                                \
            a0 = FMA(MUL(LOAD(x + i), LOAD(sw + i)), LOAD(v + i), a0);      \
            a1 = FMA(MUL(LOAD(x + i + W), LOAD(sw + i + W)),                \
                     LOAD(v + i + W), a1);                                  \
        }                                                                   \
        s = shrinkage_hsum_##SUF(ADD(a0, a1));                              \
        for (; i < n; i++) s += x[i] * sw[i] * v[i];                        \
        return s;                                                           \
    }                                                                       \
    /* v <- v + a xj, then sum_i sw_i xk_i v_i, in one pass over v */       \
    __attribute__((target("avx2,fma")))                                     \
    static T shrinkage_avx2_axpy_dot_##SUF(const T* xj, T a, T* v,          \
                                           const T* xk, const T* sw,        \
                                           Py_ssize_t n) {                  \
        VT va = SET1(a), a0 = ZERO(), a1 = ZERO(), v0, v1, k0, k1;          \
        Py_ssize_t i = 0;                                                   \
        T s, vi;                                                            \
        for (; i + 2 * W <= n; i += 2 * W) {                                \
            v0 = FMA(va, LOAD(xj + i), LOAD(v + i));                        \
            v1 = FMA(va, LOAD(xj + i + W), LOAD(v + i + W));                \
            STORE(v + i, v0);                                               \
            STORE(v + i + W, v1);                                           \
            k0 = LOAD(xk + i);                                              \
            k1 = LOAD(xk + i + W);                                          \
            if (sw != NULL) {                                               \
                k0 = MUL(k0, LOAD(sw + i));                                 \
                k1 = MUL(k1, LOAD(sw + i + W));                             \
            }                                                               \
            a0 = FMA(k0, v0, a0);                                           \
            a1 = FMA(k1, v1, a1);                                           \
        }                                                                   \
        s = shrinkage_hsum_##SUF(ADD(a0, a1));                              \
        for (; i < n; i++) {                                                \
            vi = v[i] + a * xj[i];                                          \
            v[i] = vi;                                                      \
            s += (sw != NULL ? xk[i] * sw[i] : xk[i]) * vi;                 \
        }                                                                   \
        return s;                                                           \
    }                                                                       \
    /* out = (sum sw xc v, sum sw xd v, sum sw xc xd) (sw NULL: unit) */    \
    __attribute__((target("avx2,fma")))                                     \
    static void shrinkage_avx2_pair_dots_##SUF(                             \
            const T* xc, const T* xd, const T* v, const T* sw,             \
            Py_ssize_t n, double* out) {                                    \
        VT p = ZERO(), q = ZERO(), g = ZERO(), c, d, r, s;                  \
        Py_ssize_t i = 0;                                                   \
        T sp, sq, sg, ci;                                                   \
        for (; i + W <= n; i += W) {                                        \
            c = LOAD(xc + i);                                               \
            d = LOAD(xd + i);                                               \
            r = LOAD(v + i);                                                \
            if (sw != NULL) {                                               \
                s = LOAD(sw + i);                                           \
                c = MUL(c, s);                                              \
                q = FMA(MUL(d, s), r, q);                                   \
            } else {                                                        \
                q = FMA(d, r, q);                                           \
            }                                                               \
            p = FMA(c, r, p);                                               \
            g = FMA(c, d, g);                                               \
        }                                                                   \
        sp = shrinkage_hsum_##SUF(p);                                       \
        sq = shrinkage_hsum_##SUF(q);                                       \
        sg = shrinkage_hsum_##SUF(g);                                       \
        for (; i < n; i++) {                                                \
            ci = sw != NULL ? xc[i] * sw[i] : xc[i];                        \
            sp += ci * v[i];                                                \
            sq += (sw != NULL ? xd[i] * sw[i] : xd[i]) * v[i];              \
            sg += ci * xd[i];                                               \
        }                                                                   \
        out[0] = sp; out[1] = sq; out[2] = sg;                              \
    }                                                                       \
    /* v <- v + ca xa + cb xb, then pair_dots of (xc, xd) with the new v,   \
       in one pass over v; xc NULL: the update alone */                     \
    __attribute__((target("avx2,fma")))                                     \
    static void shrinkage_avx2_pair_axpy_dots_##SUF(                        \
            const T* xa, T ca, const T* xb, T cb, T* v, const T* xc,       \
            const T* xd, const T* sw, Py_ssize_t n, double* out) {          \
        VT va = SET1(ca), vb = SET1(cb), p = ZERO(), q = ZERO(), g = ZERO(); \
        VT r, c, d, s;                                                      \
        Py_ssize_t i = 0;                                                   \
        T sp, sq, sg, ri, ci, di;                                           \
        if (xc == NULL) {                                                   \
            for (; i + W <= n; i += W)                                      \
                STORE(v + i, FMA(vb, LOAD(xb + i),                          \
                                 FMA(va, LOAD(xa + i), LOAD(v + i))));      \
            for (; i < n; i++) v[i] += ca * xa[i] + cb * xb[i];             \
            return;                                                         \
        }                                                                   \
        for (; i + W <= n; i += W) {                                        \
            r = FMA(vb, LOAD(xb + i), FMA(va, LOAD(xa + i), LOAD(v + i)));  \
            STORE(v + i, r);                                                \
            c = LOAD(xc + i);                                               \
            d = LOAD(xd + i);                                               \
            if (sw != NULL) {                                               \
                s = LOAD(sw + i);                                           \
                c = MUL(c, s);                                              \
                p = FMA(c, r, p);                                           \
                q = FMA(MUL(d, s), r, q);                                   \
            } else {                                                        \
                p = FMA(c, r, p);                                           \
                q = FMA(d, r, q);                                           \
            }                                                               \
            g = FMA(c, d, g);                                               \
        }                                                                   \
        sp = shrinkage_hsum_##SUF(p);                                       \
        sq = shrinkage_hsum_##SUF(q);                                       \
        sg = shrinkage_hsum_##SUF(g);                                       \
        for (; i < n; i++) {                                                \
            ri = v[i] + ca * xa[i] + cb * xb[i];                            \
            v[i] = ri;                                                      \
            ci = sw != NULL ? xc[i] * sw[i] : xc[i];                        \
            di = sw != NULL ? xd[i] * sw[i] : xd[i];                        \
            sp += ci * ri;                                                  \
            sq += di * ri;                                                  \
            sg += ci * xd[i];                                               \
        }                                                                   \
        out[0] = sp; out[1] = sq; out[2] = sg;                              \
    }                                                                       \
    /* v <- v + a x */                                                      \
    __attribute__((target("avx2,fma")))                                     \
    static void shrinkage_avx2_axpy_##SUF(const T* x, T a, T* v,            \
                                          Py_ssize_t n) {                   \
        VT va = SET1(a);                                                    \
        Py_ssize_t i = 0;                                                   \
        for (; i + 2 * W <= n; i += 2 * W) {                                \
            STORE(v + i, FMA(va, LOAD(x + i), LOAD(v + i)));                \
            STORE(v + i + W, FMA(va, LOAD(x + i + W), LOAD(v + i + W)));    \
        }                                                                   \
        for (; i < n; i++) v[i] += a * x[i];                                \
    }

    SHRINKAGE_AVX2_KERNELS(double, f64, 4, __m256d, _mm256_loadu_pd,
                           _mm256_storeu_pd, _mm256_set1_pd, _mm256_setzero_pd,
                           _mm256_fmadd_pd, _mm256_mul_pd, _mm256_add_pd)
    SHRINKAGE_AVX2_KERNELS(float, f32, 8, __m256, _mm256_loadu_ps,
                           _mm256_storeu_ps, _mm256_set1_ps, _mm256_setzero_ps,
                           _mm256_fmadd_ps, _mm256_mul_ps, _mm256_add_ps)
    #else
    /* Never called (shrinkage_simd_on() is 0): stubs that keep the
       Cython-generated calls compiling on other targets. */
    #define SHRINKAGE_NO_AVX2(T, SUF)                                           \
    static T shrinkage_avx2_dot_##SUF(const T* x, const T* v, const T* sw,     \
                                      Py_ssize_t n) {                          \
        (void)x; (void)v; (void)sw; (void)n; return 0;                         \
    }                                                                          \
    static T shrinkage_avx2_axpy_dot_##SUF(const T* xj, T a, T* v,             \
                                           const T* xk, const T* sw,           \
                                           Py_ssize_t n) {                     \
        (void)xj; (void)a; (void)v; (void)xk; (void)sw; (void)n; return 0;     \
    }                                                                          \
    static void shrinkage_avx2_axpy_##SUF(const T* x, T a, T* v,               \
                                          Py_ssize_t n) {                      \
        (void)x; (void)a; (void)v; (void)n;                                    \
    }                                                                          \
    static void shrinkage_avx2_pair_dots_##SUF(                                \
            const T* xc, const T* xd, const T* v, const T* sw,                \
            Py_ssize_t n, double* out) {                                       \
        (void)xc; (void)xd; (void)v; (void)sw; (void)n; (void)out;             \
    }                                                                          \
    static void shrinkage_avx2_pair_axpy_dots_##SUF(                           \
            const T* xa, T ca, const T* xb, T cb, T* v, const T* xc,          \
            const T* xd, const T* sw, Py_ssize_t n, double* out) {             \
        (void)xa; (void)ca; (void)xb; (void)cb; (void)v; (void)xc;             \
        (void)xd; (void)sw; (void)n; (void)out;                                \
    }
    SHRINKAGE_NO_AVX2(double, f64)
    SHRINKAGE_NO_AVX2(float, f32)
    #endif
    """
    int simd_on "shrinkage_simd_on" () noexcept nogil
    int simd_set "shrinkage_simd_set" (int on) noexcept nogil
    double avx2_dot_f64 "shrinkage_avx2_dot_f64" (
        const double* x, const double* v, const double* sw,
        Py_ssize_t n) noexcept nogil
    float avx2_dot_f32 "shrinkage_avx2_dot_f32" (
        const float* x, const float* v, const float* sw,
        Py_ssize_t n) noexcept nogil
    double avx2_axpy_dot_f64 "shrinkage_avx2_axpy_dot_f64" (
        const double* xj, double a, double* v, const double* xk,
        const double* sw, Py_ssize_t n) noexcept nogil
    float avx2_axpy_dot_f32 "shrinkage_avx2_axpy_dot_f32" (
        const float* xj, float a, float* v, const float* xk,
        const float* sw, Py_ssize_t n) noexcept nogil
    void avx2_axpy_f64 "shrinkage_avx2_axpy_f64" (
        const double* x, double a, double* v, Py_ssize_t n) noexcept nogil
    void avx2_axpy_f32 "shrinkage_avx2_axpy_f32" (
        const float* x, float a, float* v, Py_ssize_t n) noexcept nogil
    void avx2_pair_dots_f64 "shrinkage_avx2_pair_dots_f64" (
        const double* xc, const double* xd, const double* v,
        const double* sw, Py_ssize_t n, double* out) noexcept nogil
    void avx2_pair_dots_f32 "shrinkage_avx2_pair_dots_f32" (
        const float* xc, const float* xd, const float* v,
        const float* sw, Py_ssize_t n, double* out) noexcept nogil
    void avx2_pair_axpy_dots_f64 "shrinkage_avx2_pair_axpy_dots_f64" (
        const double* xa, double ca, const double* xb, double cb, double* v,
        const double* xc, const double* xd, const double* sw, Py_ssize_t n,
        double* out) noexcept nogil
    void avx2_pair_axpy_dots_f32 "shrinkage_avx2_pair_axpy_dots_f32" (
        const float* xa, float ca, const float* xb, float cb, float* v,
        const float* xc, const float* xd, const float* sw, Py_ssize_t n,
        double* out) noexcept nogil


cdef inline bint simd_request(bint query, bint enabled) noexcept nogil:
    """The state of the AVX2 kernels (``query``), or allow/forbid them and
    return whether they run (each module that cimports this file has its
    own state, behind its ``set_simd``)."""
    return simd_on() if query else simd_set(enabled)


# Below this many samples a dense column dot runs inline: on a short column
# BLAS's call and dispatch are a large share of the work (a p >> n path takes
# one such dot per feature at every gap check).
DEF BLAS_DOT_MIN_N = 256


cdef inline floating dense_dot(
    const floating* a, const floating* b, Py_ssize_t n,
) noexcept nogil:
    """sum_i a_i b_i, in four lanes (one dependent chain of additions runs
    at the adder's latency)."""
    cdef Py_ssize_t i = 0
    cdef floating s0 = 0, s1 = 0, s2 = 0, s3 = 0
    while i + 4 <= n:
        s0 += a[i] * b[i]
        s1 += a[i + 1] * b[i + 1]
        s2 += a[i + 2] * b[i + 2]
        s3 += a[i + 3] * b[i + 3]
        i += 4
    while i < n:
        s0 += a[i] * b[i]
        i += 1
    return (s0 + s1) + (s2 + s3)


ctypedef fused vector_t:
    float
    double


cdef inline double sparse_dot(
    const floating* data, const index_t* indices, Py_ssize_t k,
    Py_ssize_t end, const vector_t* v, const vector_t* w,
) noexcept nogil:
    """sum_k data[k] w[i_k] v[i_k] over the stored values k..end-1 of a CSC
    column, i_k = indices[k] (w NULL: unit weights), in double.

    Four accumulators: with one, each product waits for the previous
    addition (the adder's latency per stored value)."""
    cdef double acc0 = 0.0, acc1 = 0.0, acc2 = 0.0, acc3 = 0.0
    cdef Py_ssize_t i
    if w == NULL:
        while k + 4 <= end:
            acc0 += data[k] * v[indices[k]]
            acc1 += data[k + 1] * v[indices[k + 1]]
            acc2 += data[k + 2] * v[indices[k + 2]]
            acc3 += data[k + 3] * v[indices[k + 3]]
            k += 4
    else:
        while k + 4 <= end:
            acc0 += data[k] * w[indices[k]] * v[indices[k]]
            acc1 += data[k + 1] * w[indices[k + 1]] * v[indices[k + 1]]
            acc2 += data[k + 2] * w[indices[k + 2]] * v[indices[k + 2]]
            acc3 += data[k + 3] * w[indices[k + 3]] * v[indices[k + 3]]
            k += 4
    while k < end:
        i = indices[k]
        acc0 += (data[k] * v[i]) if w == NULL else (data[k] * w[i] * v[i])
        k += 1
    return (acc0 + acc1) + (acc2 + acc3)


cdef inline void sparse_axpy(
    const floating* data, const index_t* indices, Py_ssize_t k,
    Py_ssize_t end, vector_t a, vector_t* v,
) noexcept nogil:
    """v[i_k] += a data[k] over the stored values k..end-1 of a CSC column.

    Four stored values per step, their four loads before the four stores:
    the kernels take CSC columns with distinct row indices (canonical input
    from _validation, and the CV folds' row subsets of it), so no store
    can feed a load of the same step."""
    cdef index_t i0, i1, i2, i3
    cdef vector_t v0, v1, v2, v3
    while k + 4 <= end:
        i0 = indices[k]
        i1 = indices[k + 1]
        i2 = indices[k + 2]
        i3 = indices[k + 3]
        v0 = v[i0] + a * data[k]
        v1 = v[i1] + a * data[k + 1]
        v2 = v[i2] + a * data[k + 2]
        v3 = v[i3] + a * data[k + 3]
        v[i0] = v0
        v[i1] = v1
        v[i2] = v2
        v[i3] = v3
        k += 4
    while k < end:
        v[indices[k]] += a * data[k]
        k += 1


cdef inline floating dense_col_dot(
    const floating* col, Py_ssize_t n, const floating* v, const floating* sw,
) noexcept nogil:
    """col_dot of a dense column."""
    cdef Py_ssize_t i
    cdef floating acc = 0
    cdef int n_int, one = 1
    if simd_on():
        if floating is float:
            return avx2_dot_f32(col, v, sw, n)
        else:
            return avx2_dot_f64(col, v, sw, n)
    if sw == NULL:
        if n < BLAS_DOT_MIN_N:
            return dense_dot(col, v, n)
        n_int = <int>n
        if floating is float:
            return sdot(&n_int, <float*>col, &one, <float*>v, &one)
        else:
            return ddot(&n_int, <double*>col, &one, <double*>v, &one)
    for i in range(n):
        acc += col[i] * sw[i] * v[i]
    return acc


cdef inline floating col_dot(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, Py_ssize_t j,
    const floating* v, const floating* sw,
) noexcept nogil:
    """Return sum_i sw_i * X[i, j] * v_i (sw NULL: unit weights).

    Small on purpose, the dense kernels in a function of their own: then
    the compiler inlines it into the epoch, where a CSC column holds a few
    stored values (17 in an rcv1 epoch) and a call would cost about as much
    as the dot (``peers_floor17.md``: the sparse epochs against
    ``peers_floor16.md``)."""
    if is_sparse:
        return <floating>sparse_dot(data, indices, indptr[j], indptr[j + 1],
                                    v, sw)
    return dense_col_dot(data + j * n, indptr[j], v, sw)


# Columns per product in cols_dot over columns of varying extents.
DEF DOTS_BLOCK = 64


cdef inline void cols_dot(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, Py_ssize_t j, Py_ssize_t count,
    const floating* v, const floating* sw, floating* out,
) noexcept nogil:
    """out[m] = col_dot(column j + m) for the ``count`` consecutive columns
    from j (a gradient over a run of features).

    Dense unweighted columns of at least BLAS_DOT_MIN_N samples go through
    one BLAS ``?gemv`` (X[:, j:j+count]^T v): its kernel reads v once for
    several columns, where a ``?dot`` per column reads it again for each
    (on a tall X, whose gradient is bound by memory traffic, that second
    stream is a large share of the time).
    """
    cdef Py_ssize_t m, start, stop, rows
    if is_sparse or sw != NULL or n < BLAS_DOT_MIN_N or count < 2:
        for m in range(count):
            out[m] = col_dot(data, indices, indptr, is_sparse, n, j + m, v, sw)
        return
    for m in range(count):
        if indptr[j + m] != n:
            break
    else:  # full columns (X itself): one product
        _gemv_t(data + j * n, n, count, n, v, out)
        return
    # Shorter columns (the triangular Gram-mode design): a product per
    # block of columns over the rows the block reaches (half the work for
    # a triangle).
    start = j
    while start < j + count:
        stop = min(start + DOTS_BLOCK, j + count)
        rows = 0
        for m in range(start, stop):
            if indptr[m] > rows:
                rows = indptr[m]
        if rows == 0:
            for m in range(start, stop):
                out[m - j] = 0
        else:
            _gemv_t(data + start * n, rows, stop - start, n, v, out + (start - j))
        start = stop


cdef inline void _gemv_t(
    const floating* a, Py_ssize_t rows, Py_ssize_t cols, Py_ssize_t lda,
    const floating* v, floating* out,
) noexcept nogil:
    """out = A^T v[:rows] for the rows x cols block A at ``a`` (columns
    ``lda`` apart), by BLAS ``?gemv``."""
    cdef int m = <int>rows, k = <int>cols, ld = <int>lda, one = 1
    cdef char trans = b'T'
    cdef floating unit = 1, zero = 0
    if floating is float:
        sgemv(&trans, &m, &k, &unit, <float*>a, &ld, <float*>v, &one, &zero,
              out, &one)
    else:
        dgemv(&trans, &m, &k, &unit, <double*>a, &ld, <double*>v, &one, &zero,
              out, &one)


cdef inline void pair_dots(
    const floating* data, Py_ssize_t n, Py_ssize_t c, Py_ssize_t d,
    const floating* v, const floating* sw, double* out,
) noexcept nogil:
    """Dense X, AVX2 kernels only (the caller checks ``simd_on()``):
    out = (x_c.(sw v), x_d.(sw v), x_c.(sw x_d)).

    The dots of two coordinates with the same residual, and their cross
    product: once the first moves by delta (v <- v - delta x_c), the
    second's dot with the new residual is out[1] - delta out[2] (see
    ``_epoch_pairs`` in _enet.pyx).
    """
    if floating is float:
        avx2_pair_dots_f32(data + c * n, data + d * n, v, sw, n, out)
    else:
        avx2_pair_dots_f64(data + c * n, data + d * n, v, sw, n, out)


cdef inline void pair_axpy_dots(
    const floating* data, Py_ssize_t n, Py_ssize_t a, floating ca,
    Py_ssize_t b, floating cb, floating* v, Py_ssize_t c, Py_ssize_t d,
    const floating* sw, double* out,
) noexcept nogil:
    """Dense X, AVX2 kernels only: v <- v + ca x_a + cb x_b, then (when
    c >= 0) ``pair_dots`` of columns c and d with the new v, in the same
    pass.

    Two coordinates per pass read and write the residual once per pair
    rather than once per column; on a long X that traffic is what an epoch
    spends beyond streaming the columns themselves.
    """
    cdef const floating* xc = (data + c * n) if c >= 0 else NULL
    cdef const floating* xd = (data + d * n) if c >= 0 else NULL
    if floating is float:
        avx2_pair_axpy_dots_f32(data + a * n, ca, data + b * n, cb, v, xc,
                                xd, sw, n, out)
    else:
        avx2_pair_axpy_dots_f64(data + a * n, ca, data + b * n, cb, v, xc,
                                xd, sw, n, out)


cdef inline void dense_col_axpy(
    const floating* col, Py_ssize_t n, floating a, floating* v,
) noexcept nogil:
    """col_axpy of a dense column (its first n entries)."""
    cdef int n_int, one = 1
    if simd_on():
        if floating is float:
            avx2_axpy_f32(col, a, v, n)
        else:
            avx2_axpy_f64(col, a, v, n)
        return
    n_int = <int>n
    if floating is float:
        saxpy(&n_int, &a, <float*>col, &one, v, &one)
    else:
        daxpy(&n_int, &a, <double*>col, &one, v, &one)


cdef inline void col_axpy(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, Py_ssize_t j,
    floating a, floating* v,
) noexcept nogil:
    """v <- v + a * X[:, j] (small, as col_dot)."""
    if is_sparse:
        sparse_axpy(data, indices, indptr[j], indptr[j + 1], a, v)
        return
    dense_col_axpy(data + j * n, indptr[j], a, v)


cdef inline floating dense_col_axpy_dot(
    const floating* data, Py_ssize_t stride, Py_ssize_t j, floating a,
    floating* v, Py_ssize_t k, const floating* sw, Py_ssize_t n,
) noexcept nogil:
    """Dense X: v <- v + a * X[:, j], then return sum_i sw_i * X[i, k] * v_i,
    over the first n rows (columns ``stride`` apart; both zero below n).

    A coordinate-descent epoch updates the residual with one column and
    takes the next column's dot with it. Both happen in one pass over v,
    while column k streams in from memory: two BLAS calls would read v
    twice and leave the memory stream idle during the axpy. Four
    accumulator lanes keep the sum at memory speed.
    """
    cdef Py_ssize_t i = 0
    cdef const floating* xj = data + j * stride
    cdef const floating* xk = data + k * stride
    cdef floating v0, v1, v2, v3
    cdef floating s0 = 0, s1 = 0, s2 = 0, s3 = 0
    if simd_on():
        if floating is float:
            return avx2_axpy_dot_f32(xj, a, v, xk, sw, n)
        else:
            return avx2_axpy_dot_f64(xj, a, v, xk, sw, n)
    # Two copies of the loop, on purpose: one loop that tests sw inside made
    # dense epochs slower (gcc did not unswitch it).
    if sw == NULL:
        while i + 4 <= n:
            v0 = v[i] + a * xj[i]
            v1 = v[i + 1] + a * xj[i + 1]
            v2 = v[i + 2] + a * xj[i + 2]
            v3 = v[i + 3] + a * xj[i + 3]
            v[i] = v0
            v[i + 1] = v1
            v[i + 2] = v2
            v[i + 3] = v3
            s0 += xk[i] * v0
            s1 += xk[i + 1] * v1
            s2 += xk[i + 2] * v2
            s3 += xk[i + 3] * v3
            i += 4
        while i < n:
            v0 = v[i] + a * xj[i]
            v[i] = v0
            s0 += xk[i] * v0
            i += 1
    else:
        while i + 4 <= n:
            v0 = v[i] + a * xj[i]
            v1 = v[i + 1] + a * xj[i + 1]
            v2 = v[i + 2] + a * xj[i + 2]
            v3 = v[i + 3] + a * xj[i + 3]
            v[i] = v0
            v[i + 1] = v1
            v[i + 2] = v2
            v[i + 3] = v3
            s0 += xk[i] * sw[i] * v0
            s1 += xk[i + 1] * sw[i + 1] * v1
            s2 += xk[i + 2] * sw[i + 2] * v2
            s3 += xk[i + 3] * sw[i + 3] * v3
            i += 4
        while i < n:
            v0 = v[i] + a * xj[i]
            v[i] = v0
            s0 += xk[i] * sw[i] * v0
            i += 1
    return (s0 + s1) + (s2 + s3)


cdef inline bint axpy_dot_fusion_pays(bint is_sparse) noexcept nogil:
    """Whether ``col_axpy_dot`` saves work over ``col_axpy`` then ``col_dot``.

    Dense X: yes, one pass over v instead of two. CSC: no, it runs the two
    in turn; an epoch then keeps to one sparse dot site (the compiler
    inlines that loop once; a second copy inside the fused call was left
    as a function call, in the hot loop)."""
    return not is_sparse


cdef inline floating col_axpy_dot(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, Py_ssize_t j, floating a, floating* v,
    Py_ssize_t k, const floating* sw,
) noexcept nogil:
    """v <- v + a * X[:, j], then return sum_i sw_i * X[i, k] * v_i.

    Dense X: ``dense_col_axpy_dot``, one pass over v. CSC: the two helpers
    in turn (see ``axpy_dot_fusion_pays``)."""
    if is_sparse:
        col_axpy(data, indices, indptr, is_sparse, n, j, a, v)
        return col_dot(data, indices, indptr, is_sparse, n, k, v, sw)
    return dense_col_axpy_dot(data, n, j, a, v, k, sw,
                              max(indptr[j], indptr[k]))


cdef inline void col_moments(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, Py_ssize_t j, const floating* sw,
    double center, double* total, double* total_sq, double* max_abs,
) noexcept nogil:
    """Weighted sum of column j, weighted sum of (X[i, j] - center)^2, and
    a bound on max |X[i, j]| over its stored values, for input validation in
    the same pass (a NaN or infinite value makes the sums NaN or infinite).
    The bound is the max itself, or for dense unweighted columns
    |center| + sqrt(sum (X[i, j] - center)^2), which saves the max's work
    per value in the one loop that runs over all of a dense X.

    Accumulated in double. For CSC, the implicit zeros contribute
    center^2 times their total weight to the second sum.
    """
    cdef Py_ssize_t k, start, end
    cdef double x, a, wi, s = 0.0, s2 = 0.0, w_seen = 0.0, w_all = 0.0
    cdef double m = 0.0
    cdef double d0, d1, d2, d3, s_0 = 0.0, s_1 = 0.0, s_2 = 0.0, s_3 = 0.0
    cdef double q0 = 0.0, q1 = 0.0, q2 = 0.0, q3 = 0.0
    cdef const floating* col
    if not is_sparse and sw == NULL:
        col = data + j * n
        if floating is double:
            dense_moments_f64(col, n, center, &s, &s2)
            total[0] = s + n * center
            total_sq[0] = s2
        else:
            # float32: four independent lanes (one dependent chain of
            # additions would run at the adder's latency, not at memory speed).
            k = 0
            while k + 4 <= n:
                d0 = col[k] - center
                d1 = col[k + 1] - center
                d2 = col[k + 2] - center
                d3 = col[k + 3] - center
                s_0 += d0
                s_1 += d1
                s_2 += d2
                s_3 += d3
                q0 += d0 * d0
                q1 += d1 * d1
                q2 += d2 * d2
                q3 += d3 * d3
                k += 4
            while k < n:
                d0 = col[k] - center
                s_0 += d0
                q0 += d0 * d0
                k += 1
            total[0] = ((s_0 + s_1) + (s_2 + s_3)) + n * center
            total_sq[0] = (q0 + q1) + (q2 + q3)
        max_abs[0] = fabs(center) + sqrt(total_sq[0])
        return
    if is_sparse:
        start = indptr[j]
        end = indptr[j + 1]
    else:
        start = j * n
        end = start + n
    for k in range(start, end):
        x = data[k]
        if sw == NULL:
            wi = 1.0
        elif is_sparse:
            wi = sw[indices[k]]
        else:
            wi = sw[k - start]
        s += wi * x
        s2 += wi * (x - center) * (x - center)
        w_seen += wi
        a = fabs(x)
        m = a if a > m else m
    if is_sparse and center != 0.0:
        for k in range(n):
            w_all += sw[k] if sw != NULL else 1.0
        s2 += (w_all - w_seen) * center * center
    total[0] = s
    total_sq[0] = s2
    max_abs[0] = m


cdef inline double col_dot_f64(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, Py_ssize_t j,
    const double* v, const double* h,
) noexcept nogil:
    """Return sum_i h_i * X[i, j] * v_i in double (h NULL: unit weights)."""
    cdef Py_ssize_t i
    cdef double acc = 0.0, a1 = 0.0
    cdef const floating* col
    cdef int n_int, one = 1
    if is_sparse:
        return sparse_dot(data, indices, indptr[j], indptr[j + 1], v, h)
    col = data + j * n
    if floating is double:
        if simd_on():
            return avx2_dot_f64(col, v, h, n)
    if h == NULL:
        if floating is double:
            if n < BLAS_DOT_MIN_N:
                return dense_dot(col, v, n)
            n_int = <int>n
            return ddot(&n_int, <double*>col, &one, <double*>v, &one)
        else:
            for i in range(n):
                acc += col[i] * v[i]
            return acc
    # two lanes: one dependent chain of additions runs at the adder's latency
    i = 0
    while i + 2 <= n:
        acc += col[i] * h[i] * v[i]
        a1 += col[i + 1] * h[i + 1] * v[i + 1]
        i += 2
    if i < n:
        acc += col[i] * h[i] * v[i]
    return acc + a1


cdef inline void col_axpy_f64(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, Py_ssize_t j,
    double a, double* v,
) noexcept nogil:
    """v <- v + a * X[:, j] for a float64 vector v."""
    cdef Py_ssize_t k
    cdef const floating* col
    cdef int n_int, one = 1
    if is_sparse:
        sparse_axpy(data, indices, indptr[j], indptr[j + 1], a, v)
        return
    col = data + j * n
    if floating is double:
        if simd_on():
            avx2_axpy_f64(col, a, v, n)
            return
        n_int = <int>n
        daxpy(&n_int, &a, <double*>col, &one, v, &one)
    else:
        for k in range(n):
            v[k] += a * col[k]


cdef inline void col_h_moments(
    const floating* data, const index_t* indices, const index_t* indptr,
    bint is_sparse, Py_ssize_t n, Py_ssize_t j, const double* h,
    double* total, double* total_sq,
) noexcept nogil:
    """sum_i h_i X[i, j] and sum_i h_i X[i, j]^2, in double."""
    cdef Py_ssize_t k
    cdef double x, hx, s = 0.0, s2 = 0.0
    cdef const floating* col
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            x = data[k]
            hx = h[indices[k]] * x
            s += hx
            s2 += hx * x
    else:
        col = data + j * n
        for k in range(n):
            x = col[k]
            hx = h[k] * x
            s += hx
            s2 += hx * x
    total[0] = s
    total_sq[0] = s2
