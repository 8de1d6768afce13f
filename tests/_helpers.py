"""Shared fixtures: small random problems and the path to ../shared/data."""

from __future__ import annotations

import contextlib
import importlib
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BENCH_DIR = Path(__file__).resolve().parents[1] / "benchmarks"


@contextlib.contextmanager
def bench_modules(*names: str):
    """Import scripts of ``benchmarks/`` as modules (their folder on
    sys.path while in use, for their imports of each other)."""
    sys.path.insert(0, str(BENCH_DIR))
    try:
        yield tuple(importlib.import_module(name) for name in names)
    finally:
        sys.path.remove(str(BENCH_DIR))


def make_regression(
    n: int,
    p: int,
    *,
    density: float | None = None,
    rho: float = 0.3,
    n_informative: int = 5,
    seed: int = 0,
    offset: float = 2.0,
):
    """Correlated design (AR(1) columns), sparse truth, noisy response.

    ``density`` given: a CSC matrix with that density instead.
    """
    rng = np.random.default_rng(seed)
    if density is None:
        Z = rng.standard_normal((n, p))
        X = np.empty_like(Z)
        X[:, 0] = Z[:, 0]
        for j in range(1, p):
            X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
        X += rng.uniform(-1, 1, size=p)  # columns with non-zero means
    else:
        X = sp.random(n, p, density=density, format="csc", random_state=seed)
        X.data = rng.standard_normal(X.nnz) + 1.0
    w = np.zeros(p)
    k = min(n_informative, p)
    w[rng.choice(p, size=k, replace=False)] = rng.standard_normal(k) * 2
    y = X @ w + 0.5 * rng.standard_normal(n) + offset
    return X, np.asarray(y).ravel()


def enet_objective(X, y, w, b, alpha, l1_ratio, sample_weight=None):
    """The documented objective, written out independently of the package."""
    r = y - X @ w - b
    sw = np.ones_like(y) if sample_weight is None else sample_weight
    return (
        0.5 * np.sum(sw * r**2) / np.sum(sw)
        + alpha * l1_ratio * np.abs(w).sum()
        + 0.5 * alpha * (1 - l1_ratio) * (w @ w)
    )


def enet_gradient(X, y, w, b, sample_weight=None):
    """xc_j . (sw r) / S: the smooth part's negative gradient at (w, b)."""
    sw = np.ones_like(y) if sample_weight is None else sample_weight
    r = y - X @ w - b
    return np.asarray(X.T @ (sw * r)).ravel() / np.sum(sw)


def alpha_max(X, y, l1_ratio=1.0, sample_weight=None, fit_intercept=True):
    sw = np.ones_like(y) if sample_weight is None else sample_weight
    S = sw.sum()
    if fit_intercept:
        xbar = np.asarray(X.T @ sw).ravel() / S
        yc = y - (sw @ y) / S
    else:
        xbar = 0.0
        yc = y
    corr = np.asarray(X.T @ (sw * yc)).ravel() - xbar * np.sum(sw * yc)
    return np.max(np.abs(corr)) / (S * l1_ratio)


def shared_dataset(name: str):
    """Load ../shared/data/<name>.npz as (CSR X, y); skip if absent."""
    path = SHARED_DATA / f"{name}.npz"
    if not path.exists():
        pytest.skip(f"shared dataset {path} not available")
    d = np.load(path)
    X = sp.csr_matrix((d["data"], d["indices"], d["indptr"]), shape=tuple(d["shape"]))
    return X, d["y"]


def examples(share: int):
    """Hypothesis settings giving a test ``share`` examples per 100 of the
    active profile's ``max_examples`` (profiles: tests/conftest.py)."""
    from hypothesis import settings

    return settings(max_examples=max(1, settings.default.max_examples * share // 100))


def solve_logistic_problem(X, y, alpha, l1_ratio=1.0, sw=None, **kwargs):
    """The logistic solver itself, on validated data (its solution carries
    the screened mask and the convergence flag)."""
    from shrinkage import LogisticRegression
    from shrinkage._logistic import solve_logistic
    from shrinkage._validation import as_design, validate_classification_data

    Xv, classes, y_enc, swv = validate_classification_data(
        LogisticRegression(), X, y, sw
    )
    kwargs.setdefault("fit_intercept", True)
    kwargs.setdefault("max_iter", 200)
    return solve_logistic(
        as_design(Xv),
        Xv,
        y_enc,
        len(classes),
        swv,
        l1=alpha * l1_ratio,
        l2=alpha * (1 - l1_ratio),
        **kwargs,
    )


def solve_enet_tight(design, y, sw, l1, l2=0.0, **kwargs):
    """The elastic-net solver itself (``solve_enet``) on a packed design, with
    an intercept, to a tight gap (tol 1e-12) unless told otherwise."""
    from shrinkage._coordinate_descent import solve_enet

    kwargs.setdefault("positive", False)
    kwargs.setdefault("fit_intercept", True)
    kwargs.setdefault("max_iter", 100_000)
    kwargs.setdefault("tol", 1e-12)
    return solve_enet(design, y, sw, l1=l1, l2=l2, **kwargs)


def run_kernel(design, yc, coef, stats, l1, l2, max_iter, tol, sw=None, **kwargs):
    """The compiled elastic-net kernel called directly (``coef`` is updated
    in place), with an intercept and no sign constraint unless told
    otherwise; ``yc`` is y centred as the kernel expects, ``stats`` the
    ``design_stats`` of the same design and weights. Returns the kernel's
    tuple (intercept, gap, n_iter, converged, gradient_complete)."""
    from shrinkage._kernels._enet import enet_coordinate_descent

    positive = kwargs.pop("positive", False)
    fit_intercept = kwargs.pop("fit_intercept", True)
    xbar, lipschitz = stats
    if sw is None:
        sw = np.empty(0, dtype=coef.dtype)
    return enet_coordinate_descent(
        *design.kernel_args(),
        yc,
        sw,
        coef,
        xbar,
        lipschitz,
        float(l1),
        float(l2),
        positive,
        fit_intercept,
        int(max_iter),
        float(tol),
        **kwargs,
    )
