"""The design matrix's column kernels (``_kernels/_design.pxd``): the AVX2
versions and the portable ones must solve the same problems.

Most of the suite runs whichever kernels the machine picks (AVX2 where the
CPU has it). Here every fit runs twice, with the AVX2 kernels allowed and
forbidden, on columns whose lengths hit each tail of the vector loops
(multiples of 4 and 8 doubles or floats, and one to seven past them)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import numpy as np
import pytest
from _helpers import make_regression, run_kernel

from shrinkage import ElasticNet, LogisticRegression, reference
from shrinkage._kernels import set_simd

LENGTHS = [1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 40, 72]


@contextlib.contextmanager
def simd(enabled: bool):
    on = set_simd(enabled)
    try:
        yield on
    finally:
        set_simd(True)


def _cpu_flags() -> set[str]:
    cpuinfo = Path("/proc/cpuinfo")
    if not sys.platform.startswith("linux") or not cpuinfo.exists():
        return set()
    for line in cpuinfo.read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def test_avx2_kernels_run_where_the_cpu_has_them():
    flags = _cpu_flags()
    with simd(False) as on:
        assert not on
    with simd(True) as on:
        if {"avx2", "fma"} <= flags:
            assert on
        elif flags:
            assert not on


def _enet_fit(X, y, sw, alpha, l1_ratio, fit_intercept=True):
    model = ElasticNet(
        alpha=alpha,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        # float32 residuals carry ~1e-7 relative rounding: no tighter gap
        tol=1e-12 if X.dtype == np.float64 else 1e-7,
        max_iter=100_000,
    )
    return model.fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_simd_and_portable_elastic_net_reach_the_same_optimum(n, dtype, weighted):
    # no intercept: the columns keep their n entries (and y its mean), so a
    # single sample still makes a problem
    X, y = make_regression(n, 12, seed=n)
    X = np.asfortranarray(X, dtype=dtype)
    sw = np.random.default_rng(n).uniform(0.5, 2.0, n) if weighted else None
    X64 = X.astype(np.float64)
    alpha = 0.05 * reference.alpha_max(X64, y, sample_weight=sw, fit_intercept=False)
    objectives = {}
    for enabled in (True, False):
        with simd(enabled):
            model = _enet_fit(X, y, sw, alpha, 0.7, fit_intercept=False)
        objectives[enabled] = reference.enet_objective(
            X64, y, model.coef_, 0.0, alpha=alpha, l1_ratio=0.7, sample_weight=sw
        )
    coef_ref, *_ = reference.enet_coordinate_descent(
        X64,
        y,
        alpha=alpha,
        l1_ratio=0.7,
        sample_weight=sw,
        fit_intercept=False,
        tol=1e-13,
    )
    p_ref = reference.enet_objective(
        X64, y, coef_ref, 0.0, alpha=alpha, l1_ratio=0.7, sample_weight=sw
    )
    rtol = 1e-9 if dtype == np.float64 else 1e-5
    for p in objectives.values():
        assert p == pytest.approx(p_ref, rel=rtol)
    assert objectives[True] == pytest.approx(objectives[False], rel=rtol)


@pytest.mark.parametrize("n", [9, 17, 40, 72])
def test_simd_and_portable_elastic_net_match_the_numpy_reference(n):
    # more features than samples: the long working sets of a wide problem
    X, y = make_regression(n, 3 * n, seed=n + 1)
    X = np.asfortranarray(X)
    alpha = 0.1 * reference.alpha_max(X, y)
    coef_ref, intercept_ref, *_ = reference.enet_coordinate_descent(
        X, y, alpha=alpha, l1_ratio=0.8, tol=1e-12
    )
    p_ref = reference.enet_objective(
        X, y, coef_ref, intercept_ref, alpha=alpha, l1_ratio=0.8
    )
    for enabled in (True, False):
        with simd(enabled):
            model = _enet_fit(X, y, None, alpha, 0.8)
        p = reference.enet_objective(
            X, y, model.coef_, model.intercept_, alpha=alpha, l1_ratio=0.8
        )
        assert p == pytest.approx(p_ref, rel=1e-9)


@pytest.mark.parametrize("n", [7, 16, 33, 72])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_simd_and_portable_logistic_reach_the_same_optimum(n, dtype):
    rng = np.random.default_rng(n)
    X = np.asfortranarray(rng.standard_normal((n, 10)), dtype=dtype)
    y = (X[:, 0] + 0.5 * rng.standard_normal(n) > 0).astype(int)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    objectives = {}
    for enabled in (True, False):
        with simd(enabled):
            model = LogisticRegression(alpha=0.02, l1_ratio=0.5, tol=1e-10)
            model.fit(X, y)
        objectives[enabled] = reference.logistic_objective(
            X.astype(np.float64),
            y,
            model.coef_.ravel(),
            model.intercept_,
            alpha=0.02,
            l1_ratio=0.5,
        )
    rtol = 1e-9 if dtype == np.float64 else 1e-5
    assert objectives[True] == pytest.approx(objectives[False], rel=rtol)


# Long enough for the paired epochs (_epoch_pairs, AVX2 kernels only: dense
# columns of at least pair_min_n = 4096 samples), with a tail past the
# vector width for doubles (3) and floats (7).
LONG = 4103


def _long_design(dtype):
    """Twelve columns: a constant one (skipped by the epochs), a high-mean
    one (updated alone, centred explicitly) and ten ordinary ones, so the
    pairs meet each special case and leave the last column alone."""
    X, y = make_regression(LONG, 12, rho=0.5, seed=5)
    X[:, 3] = 2.0
    X[:, 6] = 1e3 + 0.1 * X[:, 6]
    return np.asfortranarray(X, dtype=dtype), y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_paired_epochs_take_the_same_steps(dtype, weighted):
    """Two coordinates per pass over the residual (the AVX2 kernels on long
    dense columns) update them exactly as one at a time: three epochs from
    zero give the portable kernels' iterates, up to rounding."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    X, y = _long_design(dtype)
    sw = (
        np.random.default_rng(1).uniform(0.5, 2.0, LONG).astype(dtype)
        if weighted
        else np.empty(0, dtype=dtype)
    )
    design = as_design(X)
    xbar, lipschitz = design_stats(design, sw if weighted else None, True)
    alpha = 0.02 * reference.alpha_max(
        X.astype(np.float64), y, sample_weight=sw if weighted else None
    )
    yd = y.astype(dtype)
    coefs = {}
    for enabled in (True, False):
        with simd(enabled):
            coef = np.zeros(12, dtype=dtype)
            run_kernel(
                design,
                yd,
                coef,
                (xbar, lipschitz),
                0.7 * alpha,
                0.3 * alpha,
                3,
                0.0,
                sw=sw,
                use_working_set=False,
                use_screening=False,
                anderson_depth=0,
                dual_depth=0,
            )
        coefs[enabled] = coef.astype(np.float64)
    assert np.count_nonzero(coefs[False]) >= 6
    assert coefs[True][3] == coefs[False][3] == 0.0
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    scale = np.abs(coefs[False]).max()
    np.testing.assert_allclose(coefs[True], coefs[False], rtol=0, atol=rtol * scale)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_paired_epochs_reach_the_numpy_optimum(dtype, weighted):
    X, y = _long_design(dtype)
    X64 = X.astype(np.float64)
    sw = np.random.default_rng(2).uniform(0.5, 2.0, LONG) if weighted else None
    alpha = 0.02 * reference.alpha_max(X64, y, sample_weight=sw)
    coef_ref, b_ref, *_ = reference.enet_coordinate_descent(
        X64, y, alpha=alpha, l1_ratio=0.7, sample_weight=sw, tol=1e-13
    )
    p_ref = reference.enet_objective(
        X64, y, coef_ref, b_ref, alpha=alpha, l1_ratio=0.7, sample_weight=sw
    )
    rtol = 1e-9 if dtype == np.float64 else 1e-5
    for enabled in (True, False):
        with simd(enabled):
            model = _enet_fit(X, y, sw, alpha, 0.7)
        p = reference.enet_objective(
            X64,
            y,
            model.coef_,
            model.intercept_,
            alpha=alpha,
            l1_ratio=0.7,
            sample_weight=sw,
        )
        assert p == pytest.approx(p_ref, rel=rtol)


@pytest.mark.parametrize("n", [7, 40, 72, 300])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("enabled", [True, False])
def test_dense_column_extents_reach_the_numpy_optimum(n, dtype, weighted, enabled):
    # Columns whose rows from their extent on are zeros (a Gram-mode design
    # is triangular): told the extents, the column kernels stop there, and
    # the solver reaches the optimum of the whole matrix (the NumPy
    # reference's), with an intercept (implicit centring) or without. With
    # n >= 256, unweighted, the gap checks' gradients go through the
    # blocked BLAS products of cols_dot.
    from shrinkage._coordinate_descent import centred_target, design_stats
    from shrinkage._validation import as_design

    rng = np.random.default_rng(n)
    p = 15
    X, y = make_regression(n, p, seed=n + 3)
    extents = rng.integers(0, n + 1, p)
    extents[:3] = [0, 1, n]
    for j in range(p):
        X[extents[j] :, j] = 0.0
    X = np.asfortranarray(X, dtype=dtype)
    sw = rng.uniform(0.5, 2.0, n).astype(dtype) if weighted else None
    X64 = X.astype(np.float64)
    for fit_intercept in (True, False):
        kw = dict(l1_ratio=0.7, sample_weight=sw, fit_intercept=fit_intercept)
        alpha = 0.05 * reference.alpha_max(X64, y, **kw)
        coef_ref, b_ref, *_ = reference.enet_coordinate_descent(
            X64, y, alpha=alpha, tol=1e-13, **kw
        )
        obj = dict(alpha=alpha, l1_ratio=0.7, sample_weight=sw)
        p_ref = reference.enet_objective(X64, y, coef_ref, b_ref, **obj)
        design = as_design(X, extents)
        assert design.indptr.tolist() == extents.tolist()
        stats = design_stats(design, sw, fit_intercept)
        shift, yc = centred_target(y, sw, dtype) if fit_intercept else (0.0, y)
        coef = np.zeros(p, dtype=dtype)
        tol = 1e-12 if dtype == np.float64 else 1e-7
        with simd(enabled):
            b = run_kernel(
                design,
                np.asarray(yc, dtype=dtype),
                coef,
                stats,
                alpha * 0.7,
                alpha * 0.3,
                100_000,
                tol,
                sw=sw,
                fit_intercept=fit_intercept,
            )[0]
        intercept = float(b) + (float(shift) if fit_intercept else 0.0)
        got = reference.enet_objective(X64, y, coef, intercept, **obj)
        assert got == pytest.approx(p_ref, rel=1e-9 if dtype == np.float64 else 1e-5)


def test_column_extents_are_validated():
    from shrinkage._validation import as_design

    X = np.asfortranarray(np.ones((5, 3)))
    assert as_design(X).indptr.tolist() == [5, 5, 5]
    for bad in ([1, 2], [0, 6, 1], [-1, 2, 3]):
        with pytest.raises(ValueError, match="extents"):
            as_design(X, np.array(bad))
