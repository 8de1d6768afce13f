"""Numerical edge cases: a finite, documented answer or a clear message.

Each case is checked against an independent oracle: mathematics (closed
forms, the exact alpha_max, KKT conditions), scikit-learn at a tight
tolerance, or the NumPy reference. The behaviours are summarised in
docs/reliability.md.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm
from _helpers import alpha_max, enet_gradient, enet_objective, make_regression
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning

from shrinkage import (
    ElasticNet,
    Lasso,
    LassoCV,
    LogisticRegression,
    Ridge,
    lasso_path,
    reference,
)

TIGHT = dict(tol=1e-12, max_iter=100_000)


def _sklearn_enet(X, y, alpha, l1_ratio, **kw):
    model = sklm.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **TIGHT, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def _assert_kkt(X, y, w, b, alpha, l1_ratio, sw=None, atol=1e-7, gap=None):
    """|g_j - l2 w_j| <= l1 off the support, = l1 sign(w_j) on it.

    With ``gap`` (a certified duality gap of w, unit weights), the slack is
    at least what that certificate allows: P(w) - P* >= ||Xc (w - w*)||^2
    / (2n) (the data term is quadratic, the penalty convex) and
    >= l2/2 ||w - w*||^2, so each g_j - l2 w_j is within
    ||xc_j|| sqrt(2 gap / n) + sqrt(2 l2 gap) of its value at w*."""
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    v = enet_gradient(X, y, w, b, sw) - l2 * w
    on = w != 0
    scale = atol * (1 + l1)
    if gap is not None:
        n = X.shape[0]
        xc = np.asarray(X - X.mean(axis=0))
        bound = np.linalg.norm(xc, axis=0).max() * np.sqrt(2 * gap / n)
        scale = max(scale, bound + np.sqrt(2 * l2 * gap))
    assert np.all(np.abs(v[~on]) <= l1 + scale), np.abs(v[~on]).max() - l1
    assert np.all(np.abs(v[on] - l1 * np.sign(w[on])) <= scale)


# --------------------------------------------------------------------------
# alpha at and just below alpha_max
# --------------------------------------------------------------------------


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_alpha_at_and_just_below_alpha_max(sparse, fit_intercept, weighted, l1_ratio):
    X, y = make_regression(40, 15, seed=1, density=0.5 if sparse else None)
    sw = np.linspace(0.5, 2.0, 40) if weighted else None
    # alpha_max from its definition (written out in tests/_helpers.py)
    top = alpha_max(X, y, l1_ratio, sw, fit_intercept)
    Xd = X.toarray() if sp.issparse(X) else X
    swv = np.ones(40) if sw is None else sw
    yc = y - (swv @ y) / swv.sum() if fit_intercept else y
    xbar = (swv @ Xd) / swv.sum() if fit_intercept else 0.0
    corr = (Xd - xbar).T @ (swv * yc) / swv.sum()
    order = np.argsort(-np.abs(corr))
    assert abs(corr[order[1]]) < (1 - 3e-3) * abs(corr[order[0]])  # one entrant

    kw = dict(l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-15)
    at = ElasticNet(alpha=top, **kw).fit(X, y, sample_weight=sw)
    assert np.all(at.coef_ == 0)
    assert at.n_iter_ == 0  # certified optimal before any epoch
    if fit_intercept:
        np.testing.assert_allclose(at.intercept_, np.average(y, weights=sw))

    below = ElasticNet(alpha=top * (1 - 1e-3), **kw).fit(X, y, sample_weight=sw)
    support = np.flatnonzero(below.coef_)
    np.testing.assert_array_equal(support, [order[0]])
    j = order[0]
    assert np.sign(below.coef_[j]) == np.sign(corr[j])
    # one active feature: w_j = (|c_j| - l1) / (L_j + l2), in closed form
    L = swv @ (Xd[:, j] - (xbar[j] if fit_intercept else 0.0)) ** 2 / swv.sum()
    a = top * (1 - 1e-3)
    expected = (
        np.sign(corr[j]) * (abs(corr[j]) - a * l1_ratio) / (L + a * (1 - l1_ratio))
    )
    np.testing.assert_allclose(below.coef_[j], expected, rtol=1e-8)


# --------------------------------------------------------------------------
# alpha -> 0 with p > n
# --------------------------------------------------------------------------


@pytest.mark.parametrize("sparse", [False, True])
def test_tiny_alpha_wide_problem_is_near_interpolation(sparse):
    X, y = make_regression(20, 60, seed=2, density=0.6 if sparse else None)
    top = alpha_max(X, y)
    for frac in (1e-4, 1e-6):
        alpha = top * frac
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = Lasso(alpha=alpha, tol=1e-8, max_iter=20_000).fit(X, y)
        conv = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
        assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_)
        if conv:  # allowed, but must say what was reached and asked for
            assert "did not converge" in str(conv[0].message)
            assert "duality gap" in str(conv[0].message)
        else:
            tol_abs = 1e-8 * np.mean((y - y.mean()) ** 2)
            assert model.dual_gap_ <= tol_abs
        # p > n: the data can be interpolated, so the residual vanishes
        # with alpha (at most ||w*||_1 alpha / ... : relative 1e-2 is loose)
        r = y - model.predict(X)
        assert np.sum(r**2) <= 1e-2 * np.sum((y - y.mean()) ** 2)
        # and the objective is no worse than scikit-learn's, up to our gap
        theirs = _sklearn_enet(X, y, alpha, 1.0)
        p_ours = enet_objective(X, y, model.coef_, model.intercept_, alpha, 1.0)
        p_sk = enet_objective(X, y, theirs.coef_, theirs.intercept_, alpha, 1.0)
        assert p_ours <= p_sk + model.dual_gap_ + 1e-12 * p_sk


def test_alpha_zero_warns_and_is_finite():
    X, y = make_regression(20, 60, seed=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = Lasso(alpha=0.0, max_iter=2000).fit(X, y)
    messages = [str(w.message) for w in caught]
    assert any("alpha=0" in m and "least squares" in m for m in messages), messages
    assert np.all(np.isfinite(model.coef_))


# --------------------------------------------------------------------------
# Duplicated, huge, tiny and all-zero columns
# --------------------------------------------------------------------------


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_duplicated_columns(sparse, l1_ratio):
    X, y = make_regression(40, 8, seed=4)
    Xdup = np.column_stack([X, X[:, 0], X[:, 0], X[:, 3]])  # 0 x3, 3 x2
    alpha = alpha_max(X, y, l1_ratio) / 20
    Xin = sp.csc_matrix(Xdup) if sparse else Xdup
    ours = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **TIGHT).fit(Xin, y)
    theirs = _sklearn_enet(Xdup, y, alpha, l1_ratio)
    p_ours = enet_objective(Xdup, y, ours.coef_, ours.intercept_, alpha, l1_ratio)
    p_sk = enet_objective(Xdup, y, theirs.coef_, theirs.intercept_, alpha, l1_ratio)
    assert p_ours <= p_sk + ours.dual_gap_ + 1e-13 * p_sk
    assert abs(p_ours - p_sk) <= 1e-9 * p_sk
    # (the gap certifies the KKT conditions to about 2e-6 here: the check's
    # own 1e-7 holds only where the solver happens to overshoot its tol)
    gap = max(ours.dual_gap_, 0.0)
    _assert_kkt(Xdup, y, ours.coef_, ours.intercept_, alpha, l1_ratio, gap=gap)
    w = ours.coef_
    groups = [[0, 8, 9], [3, 10]]
    # the fit with each column once: a Lasso may split a coefficient among
    # copies in any proportions of one sign; with an L2 part (strictly
    # convex) the copies get equal shares.
    single = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **TIGHT).fit(X, y)
    for g in groups:
        signs = np.sign(w[g])
        assert np.all(signs[signs != 0] == signs[signs != 0][0])
        if l1_ratio < 1:
            # strong convexity: l2/2 ||w - w*||^2 <= gap, and w*_j equal
            l2 = alpha * (1 - l1_ratio)
            bound = 2 * np.sqrt(2 * max(ours.dual_gap_, 1e-16 * p_ours) / l2)
            assert np.ptp(w[g]) <= bound, (w[g], bound)
        else:
            np.testing.assert_allclose(
                w[g].sum(), single.coef_[g[0]], rtol=1e-6, atol=1e-9
            )


@pytest.mark.parametrize("sparse", [False, True])
def test_columns_of_enormous_and_tiny_scale(sparse):
    X, y = make_regression(60, 6, seed=5)
    scales = np.array([1e8, 1e-8, 1.0, 1e8, 1e-8, 1.0])
    Xs = X * scales
    alpha = alpha_max(Xs, y) / 10
    Xin = sp.csc_matrix(Xs) if sparse else Xs
    ours = Lasso(alpha=alpha, **TIGHT).fit(Xin, y)
    assert np.all(np.isfinite(ours.coef_))
    theirs = _sklearn_enet(Xs, y, alpha, 1.0)
    p_ours = enet_objective(Xs, y, ours.coef_, ours.intercept_, alpha, 1.0)
    p_sk = enet_objective(Xs, y, theirs.coef_, theirs.intercept_, alpha, 1.0)
    assert p_ours <= p_sk + ours.dual_gap_ + 1e-12 * p_sk
    # the reference's gap certifies the answer independently
    gap = reference.enet_dual_gap(Xs, y, ours.coef_, alpha=alpha)
    assert gap <= 1e-10 * np.var(y)
    # a 1e-8 column would need a coefficient ~1e8 times larger to help:
    # the L1 penalty keeps it at 0 (alpha_max of those columns alone << alpha)
    assert np.all(ours.coef_[[1, 4]] == 0)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_all_zero_columns_get_zero(sparse, fit_intercept):
    X, y = make_regression(30, 6, seed=6)
    Xz = np.column_stack([np.zeros(30), X[:, :3], np.zeros(30), X[:, 3:]])
    alpha = alpha_max(X, y, fit_intercept=fit_intercept) / 20
    kw = dict(alpha=alpha, fit_intercept=fit_intercept, **TIGHT)
    Xin = sp.csc_matrix(Xz) if sparse else Xz
    with_zeros = Lasso(**kw).fit(Xin, y)
    without = Lasso(**kw).fit(X, y)
    assert with_zeros.coef_[0] == 0 and with_zeros.coef_[4] == 0
    kept = [1, 2, 3, 5, 6, 7]
    np.testing.assert_allclose(with_zeros.coef_[kept], without.coef_, atol=1e-9)
    np.testing.assert_allclose(with_zeros.intercept_, without.intercept_, atol=1e-9)
    r = Ridge(alpha=1.0, fit_intercept=fit_intercept).fit(Xin, y)
    assert r.coef_[0] == 0 and r.coef_[4] == 0


# --------------------------------------------------------------------------
# Offsets and extreme magnitudes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("offset", [1e9, -1e12])
def test_huge_offset_of_y_goes_to_the_intercept(sparse, offset):
    """With an intercept, y + c has the same coefficients and intercept + c
    (y is centred before the solver, so no digits are lost to the offset)."""
    X, y = make_regression(50, 10, seed=7, density=0.4 if sparse else None)
    alpha = alpha_max(X, y) / 10
    base = Lasso(alpha=alpha, tol=1e-12).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # must converge
        shifted = Lasso(alpha=alpha, tol=1e-12).fit(X, y + offset)
    # y + offset is only known to about |offset| * 1e-16 per entry
    atol = abs(offset) * 1e-14
    np.testing.assert_allclose(shifted.coef_, base.coef_, atol=atol)
    np.testing.assert_allclose(shifted.intercept_ - offset, base.intercept_, atol=atol)


@pytest.mark.parametrize("offset", [1e6, 1e8, 1e9])
@pytest.mark.parametrize("sparse", [False, True])
def test_column_with_huge_mean(sparse, offset):
    """Columns whose mean dwarfs their spread: the kernel centres them
    explicitly (implicit centring would amplify rounding by the mean), so
    the answer matches the one on the centred data. At such offsets the data
    themselves carry only ~eps * offset of precision, so a gap of 1e-10
    relative may be out of reach: a ConvergenceWarning is allowed, a wrong
    answer is not."""
    X, y = make_regression(50, 10, seed=8)
    alpha = alpha_max(X, y) / 10
    base = Lasso(alpha=alpha, tol=1e-10).fit(X, y)
    Xo = X + offset  # the intercept absorbs a column's mean
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = Lasso(alpha=alpha, tol=1e-10).fit(
            sp.csc_matrix(Xo) if sparse else Xo, y
        )
    assert np.isfinite(model.dual_gap_)
    np.testing.assert_allclose(model.coef_, base.coef_, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda X, y: (X * 1e160, y), "X has values as large as"),
        (lambda X, y: (X, y * 1e160), "y has values as large as"),
        (lambda X, y: (X.astype(np.float32) * np.float32(1e19), y), "overflow float32"),
        (lambda X, y: (X, 1.0 + y * 1e-160), None),  # fine: spread ~1e-160 * 1
        (lambda X, y: (X, y * 1e-160), "y varies by only"),
    ],
)
def test_magnitudes_beyond_floating_point(make, match):
    """Finite data whose squares overflow (or whose spread underflows) get a
    ValueError naming the argument, not NaN or a silently zero fit."""
    X, y = make_regression(30, 5, seed=9)
    Xm, ym = make(X, y)
    if match is None:
        # 1 + 1e-160 y == 1 exactly: a constant y, fitted exactly
        model = Lasso(alpha=0.1).fit(Xm, ym)
        assert np.all(model.coef_ == 0) and model.intercept_ == 1.0
        return
    with pytest.raises(ValueError, match=match):
        Lasso(alpha=0.1).fit(Xm, ym)
    with pytest.raises(ValueError, match=match):
        Ridge(alpha=1.0).fit(Xm, ym)
    if "X" in match or "float32" in match:
        with pytest.raises(ValueError, match=match):
            LogisticRegression().fit(Xm, (y > np.median(y)).astype(int))


@pytest.mark.parametrize("scale", [1e-150, 1e150])
def test_scaling_x_and_alpha_together_is_exact(scale):
    """Lasso(alpha s) on X s has coefficients w / s: checked at magnitudes
    close to the usable limits."""
    X, y = make_regression(40, 8, seed=10)
    alpha = alpha_max(X, y) / 10
    base = Lasso(alpha=alpha, tol=1e-12).fit(X, y)
    scaled = Lasso(alpha=alpha * scale, tol=1e-12).fit(X * scale, y)
    np.testing.assert_allclose(scaled.coef_ * scale, base.coef_, rtol=1e-5, atol=1e-9)


# --------------------------------------------------------------------------
# Tiny problems
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_one_sample(fit_intercept):
    X = np.array([[2.0, -1.0, 0.5]])
    y = np.array([3.0])
    model = Lasso(alpha=0.1, fit_intercept=fit_intercept, tol=1e-14).fit(X, y)
    if fit_intercept:
        # one sample and an intercept: y is fitted exactly by b, w = 0
        assert np.all(model.coef_ == 0) and model.intercept_ == 3.0
        return
    # min 1/2 (3 - x.w)^2 + 0.1 |w|_1: only the largest |x_j| is used,
    # w_0 = (x_0 y - alpha) / x_0^2 = (6 - 0.1) / 4
    np.testing.assert_allclose(model.coef_, [5.9 / 4, 0, 0], rtol=1e-12)
    r = Ridge(alpha=1.0, fit_intercept=False).fit(X, y)  # (x x^T + 1) dual
    np.testing.assert_allclose(r.coef_, X[0] * 3.0 / (X[0] @ X[0] + 1.0))


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_one_feature_closed_forms(sparse, weighted):
    rng = np.random.default_rng(11)
    x = rng.standard_normal(25) + 1.0
    y = 2.0 * x + rng.standard_normal(25)
    sw = rng.uniform(0.5, 2, 25) if weighted else np.ones(25)
    S = sw.sum()
    xc = x - sw @ x / S
    yc = y - sw @ y / S
    c, L = (sw * xc) @ yc / S, (sw * xc) @ xc / S
    X = x[:, None]
    Xin = sp.csc_matrix(X) if sparse else X
    kw = dict(sample_weight=sw if weighted else None)
    for alpha, l1_ratio in [(0.3, 1.0), (0.3, 0.4), (5.0, 1.0)]:
        l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
        w = np.sign(c) * max(abs(c) - l1, 0.0) / (L + l2)
        m = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14).fit(Xin, y, **kw)
        np.testing.assert_allclose(m.coef_, [w], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(
            m.intercept_, sw @ y / S - w * (sw @ x) / S, rtol=1e-10
        )
    r = Ridge(alpha=2.0).fit(Xin, y, **kw)  # sum sw r^2 + alpha w^2
    np.testing.assert_allclose(r.coef_, [(sw * xc) @ yc / ((sw * xc) @ xc + 2.0)])


# --------------------------------------------------------------------------
# Constant y, tol = 0
# --------------------------------------------------------------------------


@pytest.mark.parametrize("sparse", [False, True])
def test_constant_y_in_paths_and_cv(sparse):
    X, _ = make_regression(30, 6, seed=12, density=0.5 if sparse else None)
    y = np.full(30, -4.25)
    alphas, coefs, gaps, intercepts = lasso_path(
        X, y, n_alphas=5, fit_intercept=True, return_intercepts=True
    )
    assert np.all(np.isfinite(alphas)) and np.all(alphas > 0)
    assert np.all(coefs == 0) and np.all(gaps == 0)
    np.testing.assert_array_equal(intercepts, -4.25)
    cv = LassoCV(n_alphas=5, cv=3).fit(X, y)
    assert np.all(cv.coef_ == 0) and cv.intercept_ == -4.25


def test_tol_zero_runs_to_max_iter_not_to_zero():
    """tol=0 asks for an exact solution: the solver runs max_iter epochs and
    warns unless the gap reaches exactly 0 (it used to return w = 0)."""
    X, y = make_regression(50, 10, seed=13)
    alpha = alpha_max(X, y) / 10
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = Lasso(alpha=alpha, tol=0.0, max_iter=300).fit(X, y)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert converged == (model.dual_gap_ == 0.0)
    assert model.n_iter_ == 300 or model.dual_gap_ == 0.0
    ref = Lasso(alpha=alpha, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-9)


# --------------------------------------------------------------------------
# Separable classes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("l1_ratio", [1.0, 0.0])
@pytest.mark.parametrize("sparse", [False, True])
def test_separable_logistic_is_finite_with_a_penalty(l1_ratio, sparse):
    rng = np.random.default_rng(14)
    X = rng.standard_normal((60, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)  # perfectly separable
    Xin = sp.csr_matrix(X) if sparse else X
    norms = []
    for alpha in (1e-1, 1e-2, 1e-3):
        model = LogisticRegression(alpha=alpha, l1_ratio=l1_ratio, tol=1e-10)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            model.fit(Xin, y)
        w = model.coef_.ravel()
        assert np.all(np.isfinite(w)) and np.all(np.isfinite(model.intercept_))
        norms.append(np.abs(w).sum())
        # optimality: |X^T (y - p)/n - l2 w| <= l1 (+ a gap-sized slack)
        p = expit(X @ w + model.intercept_[0])
        v = X.T @ (y - p) / 60 - alpha * (1 - l1_ratio) * w
        slack = 1e-4 * alpha + np.sqrt(model.dual_gap_)
        assert np.all(np.abs(v) <= alpha * l1_ratio + slack)
    # weaker penalty, larger (still finite) coefficients, perfect separation
    assert norms[0] < norms[1] < norms[2]
    assert np.all(model.predict(Xin) == y)
