"""The NumPy reference against independent oracles (scikit-learn, KKT)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sklm
from _helpers import enet_gradient, make_regression
from sklearn.exceptions import ConvergenceWarning

from shrinkage import reference


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_cd_matches_sklearn(sparse, l1_ratio, fit_intercept):
    X, y = make_regression(30, 20, density=0.4 if sparse else None, seed=1)
    sw = np.random.default_rng(0).integers(1, 4, size=30).astype(float)
    amax = reference.alpha_max(
        X, y, l1_ratio=l1_ratio, sample_weight=sw, fit_intercept=fit_intercept
    )
    alpha = amax / 10
    w, b, gap, n_iter = reference.enet_coordinate_descent(
        X,
        y,
        alpha=alpha,
        l1_ratio=l1_ratio,
        sample_weight=sw,
        fit_intercept=fit_intercept,
        tol=1e-12,
    )
    sk = sklm.ElasticNet(
        alpha=alpha,
        l1_ratio=l1_ratio,
        tol=1e-12,
        max_iter=10**5,
        fit_intercept=fit_intercept,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(X, y, sample_weight=sw)
    kw = dict(alpha=alpha, l1_ratio=l1_ratio, sample_weight=sw)
    p_ref = reference.enet_objective(X, y, w, b, **kw)
    p_sk = reference.enet_objective(X, y, sk.coef_, sk.intercept_, **kw)
    assert abs(p_ref - p_sk) <= 1e-9 * p_sk
    assert n_iter >= 1 and gap >= -1e-13


def test_gap_is_large_away_from_and_zero_at_the_optimum():
    X, y = make_regression(40, 15, seed=2)
    alpha = reference.alpha_max(X, y) / 5
    w, b, gap, _ = reference.lasso_coordinate_descent(X, y, alpha=alpha, tol=1e-14)
    assert 0 <= reference.enet_dual_gap(X, y, w, alpha=alpha) <= 1e-12
    rng = np.random.default_rng(0)
    assert reference.enet_dual_gap(X, y, rng.standard_normal(15), alpha=alpha) > 1e-2
    # KKT at the reference solution
    g = enet_gradient(X, y, w, b)
    on = w != 0
    np.testing.assert_allclose(g[on], alpha * np.sign(w[on]), atol=1e-6)
    assert np.all(np.abs(g[~on]) <= alpha + 1e-9)


def test_alpha_max_is_exact():
    X, y = make_regression(40, 25, seed=3)
    amax = reference.alpha_max(X, y)
    w_above, *_ = reference.lasso_coordinate_descent(X, y, alpha=amax * 1.0001)
    w_below, *_ = reference.lasso_coordinate_descent(X, y, alpha=amax * 0.99)
    assert np.all(w_above == 0) and np.any(w_below != 0)


@pytest.mark.parametrize("two_d", [False, True])
def test_ridge_closed_form_matches_sklearn(two_d):
    X, y = make_regression(30, 10, seed=4)
    Y = np.column_stack([y, -2 * y]) if two_d else y
    sw = np.random.default_rng(1).uniform(0.5, 2, size=30)
    coef, intercept = reference.ridge_closed_form(X, Y, alpha=3.0, sample_weight=sw)
    sk = sklm.Ridge(alpha=3.0, solver="svd").fit(X, Y, sample_weight=sw)
    np.testing.assert_allclose(coef, sk.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(intercept, sk.intercept_, rtol=1e-9)
    if not two_d:
        obj = reference.ridge_objective(
            X, y, coef, intercept, alpha=3.0, sample_weight=sw
        )
        worse = reference.ridge_objective(
            X, y, coef * 1.01, intercept, alpha=3.0, sample_weight=sw
        )
        assert obj < worse


def test_soft_threshold_reference():
    np.testing.assert_array_equal(
        reference.soft_threshold_reference([-3.0, -0.5, 0.5, 2.0], 1.0),
        [-2.0, 0.0, 0.0, 1.0],
    )
