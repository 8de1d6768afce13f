"""The compiled binary proximal-Newton solver (``_kernels/_prox_newton.pyx``)
against the NumPy reference (accelerated proximal gradient) and its own
certificate, on every storage layout the kernel takes."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import solve_logistic_problem
from sklearn.exceptions import ConvergenceWarning

from shrinkage import LogisticRegression
from shrinkage.reference import logistic_objective, logistic_proximal_gradient


def _binary(n, p, seed, density=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 0.3 * rng.standard_normal(p)  # off-centre
    X[rng.random((n, p)) >= density] = 0.0
    w = rng.standard_normal(p) * (rng.random(p) < 0.2)
    y = (X @ w + 0.5 * rng.logistic(size=n) > 0).astype(np.intp)
    return X, y


def _layout(X, name):
    if name == "dense-F":
        return np.asfortranarray(X)
    if name == "dense-C":
        return np.ascontiguousarray(X)
    if name == "float32":
        return np.asfortranarray(X, dtype=np.float32)
    if name == "csc-int32":
        return sp.csc_matrix(X)
    if name == "csc-int64":
        M = sp.csc_matrix(X)
        M.indices = M.indices.astype(np.int64)
        M.indptr = M.indptr.astype(np.int64)
        return M
    if name == "csr":
        return sp.csr_matrix(X)
    raise ValueError(name)


LAYOUTS = ["dense-F", "dense-C", "float32", "csc-int32", "csc-int64", "csr"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
def test_matches_the_reference_on_every_layout(layout, fit_intercept, l1_ratio):
    X, y = _binary(60, 40, seed=1, density=0.5)
    sw = np.random.default_rng(2).integers(1, 4, size=60).astype(float)
    alpha = 0.02
    ref_W, ref_b, _ = logistic_proximal_gradient(
        X,
        y,
        alpha=alpha,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        sample_weight=sw,
        tol=1e-10,
    )
    p_ref = logistic_objective(
        X, y, ref_W, ref_b, alpha=alpha, l1_ratio=l1_ratio, sample_weight=sw
    )
    tol = 1e-6 if layout == "float32" else 1e-11
    model = LogisticRegression(
        alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=tol
    ).fit(_layout(X, layout), y, sample_weight=sw)
    p_ours = logistic_objective(
        X,
        y,
        model.coef_,
        model.intercept_,
        alpha=alpha,
        l1_ratio=l1_ratio,
        sample_weight=sw,
    )
    # the certificate holds, and the reference cannot do much better
    assert model.dual_gap_ <= tol * np.log(2)
    assert p_ours - p_ref <= model.dual_gap_ + 1e-6 * (layout == "float32") + 1e-13
    assert p_ref - p_ours <= 1e-10
    if layout != "float32":
        np.testing.assert_allclose(model.coef_, ref_W, atol=1e-5)
    assert model.coef_.dtype == (np.float32 if layout == "float32" else np.float64)


def test_every_layout_gives_the_same_coefficients():
    X, y = _binary(80, 120, seed=3, density=0.3)
    fits = [
        LogisticRegression(alpha=0.01, tol=1e-12).fit(_layout(X, name), y)
        for name in LAYOUTS
        if name != "float32"
    ]
    for model in fits[1:]:
        np.testing.assert_allclose(model.coef_, fits[0].coef_, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(model.intercept_, fits[0].intercept_, rtol=1e-7)


@pytest.mark.parametrize("sparse", [False, True])
def test_positive_constraint_against_the_reference(sparse):
    X, y = _binary(70, 30, seed=4, density=0.6)
    alpha = 0.01
    sol = solve_logistic_problem(
        sp.csc_matrix(X) if sparse else X, y, alpha, positive=True, tol=1e-12
    )
    assert sol.converged and np.all(sol.coef >= 0)
    ref_W, ref_b, _ = logistic_proximal_gradient(
        X, y, alpha=alpha, positive=True, tol=1e-10
    )
    assert np.any(ref_W > 0)
    p_ours = logistic_objective(X, y, sol.coef, sol.intercept, alpha=alpha)
    p_ref = logistic_objective(X, y, ref_W, ref_b, alpha=alpha)
    assert abs(p_ours - p_ref) <= 1e-10
    np.testing.assert_allclose(sol.coef, ref_W, atol=1e-5)


def test_screened_features_are_zero_and_the_gap_covers_them():
    # Wide problem near alpha_max: most features are certified zero. The
    # reported gap is recomputed here on every feature from its definition.
    X, y = _binary(50, 600, seed=5)
    u = (y == 1).astype(float)
    grad0 = np.abs(X.T @ (u - u.mean())) / 50
    alpha = grad0.max() / 1.3
    sol = solve_logistic_problem(X, y, alpha, tol=1e-10)
    assert sol.converged and sol.screened.mean() > 0.8
    assert np.all(sol.coef[sol.screened] == 0)
    z = X @ sol.coef[0] + sol.intercept[0]
    prob = 1 / (1 + np.exp(-z))
    v = X.T @ (u - prob) / 50
    s = min(1.0, alpha / np.abs(v).max())
    a = s * np.abs(u - prob)
    ent = np.mean(a * np.log(a) + (1 - a) * np.log1p(-a))
    gap = logistic_objective(X, y, sol.coef, sol.intercept, alpha=alpha) + ent
    assert sol.dual_gap == pytest.approx(gap, rel=1e-8, abs=1e-14)


@pytest.mark.parametrize("layout", ["dense-F", "csc-int32"])
def test_screening_from_a_dense_warm_start_reaches_the_unscreened_optimum(layout):
    # Wide problem started from a dense coefficient vector: screening certifies
    # features zero while their coefficients are still non-zero, and the
    # kernel's candidate list must keep those until a step moves them to zero.
    X, y = _binary(40, 800, seed=8, density=0.1)
    X = _layout(X, layout)
    u = (y == 1).astype(float)
    alpha = np.abs(X.T @ (u - u.mean())).max() / 40 / 4
    start = np.random.default_rng(9).standard_normal((1, 800)) * 0.05
    kwargs = dict(tol=1e-11, coef_init=start, intercept_init=np.zeros(1))
    screened = solve_logistic_problem(X, y, alpha, **kwargs)
    plain = solve_logistic_problem(X, y, alpha, screening=False, **kwargs)
    assert screened.converged and plain.converged
    assert screened.screened.mean() > 0.5
    assert np.all(screened.coef[screened.screened] == 0)
    P_s = logistic_objective(X, y, screened.coef, screened.intercept, alpha=alpha)
    P_p = logistic_objective(X, y, plain.coef, plain.intercept, alpha=alpha)
    assert P_s == pytest.approx(P_p, rel=1e-9)
    np.testing.assert_allclose(screened.coef, plain.coef, atol=1e-6)


def test_read_only_big_endian_and_sliced_inputs_give_the_same_fit():
    X, y = _binary(60, 20, seed=6)
    base = LogisticRegression(alpha=0.01, tol=1e-12).fit(X, y)
    ro = X.copy()
    ro.flags.writeable = False
    wide = np.zeros((60, 40))
    wide[:, ::2] = X
    for variant in (ro, X.astype(">f8"), wide[:, ::2]):
        model = LogisticRegression(alpha=0.01, tol=1e-12).fit(variant, y)
        np.testing.assert_allclose(model.coef_, base.coef_, rtol=1e-9, atol=1e-12)


def test_max_iter_caps_the_newton_steps():
    X, y = _binary(80, 50, seed=7)
    with pytest.warns(ConvergenceWarning):
        capped = LogisticRegression(alpha=1e-4, tol=1e-14, max_iter=2).fit(X, y)
    assert capped.n_iter_ == 2
    full = LogisticRegression(alpha=1e-4, tol=1e-10).fit(X, y)
    assert full.n_iter_ > 2 and full.dual_gap_ <= 1e-10 * np.log(2)
