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
from _helpers import make_regression

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
