"""Ridge against scikit-learn's Ridge and the normal equations."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm
from _helpers import make_regression

from shrinkage import Ridge


def _normal_equations_residual(X, y, model, alpha, sw=None):
    """Gradient of sum sw (y - Xw - b)^2 + alpha ||w||^2, relative to its scale."""
    X = X.toarray() if sp.issparse(X) else X
    sw = np.ones(X.shape[0]) if sw is None else sw
    r = y - X @ model.coef_ - model.intercept_
    grad_w = -2 * X.T @ (sw * r) + 2 * alpha * model.coef_
    grad_b = -2 * np.sum(sw * r) if model.fit_intercept else 0.0
    scale = 2 * np.abs(X.T @ (sw * y)).max()
    return max(np.abs(grad_w).max(), abs(grad_b)) / scale


@pytest.mark.parametrize("shape", [(50, 10), (20, 60)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_cholesky_matches_sklearn(shape, fit_intercept, weighted):
    X, y = make_regression(*shape, seed=sum(shape))
    sw = np.random.default_rng(0).uniform(0.2, 3, size=shape[0]) if weighted else None
    ours = Ridge(alpha=2.5, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    theirs = sklm.Ridge(alpha=2.5, fit_intercept=fit_intercept, solver="cholesky")
    theirs.fit(X, y, sample_weight=sw)
    assert ours.solver_ == "cholesky"
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(
        ours.intercept_, theirs.intercept_, rtol=1e-8, atol=1e-10
    )
    assert _normal_equations_residual(X, y, ours, 2.5, sw) < 1e-10


@pytest.mark.parametrize("solver", ["lsqr", "sparse_cg"])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_iterative_solvers_with_implicit_centering(solver, weighted):
    X, y = make_regression(80, 40, density=0.2, seed=4)
    sw = np.random.default_rng(1).uniform(0.5, 2, size=80) if weighted else None
    ours = Ridge(alpha=1.0, solver=solver, tol=1e-12).fit(X, y, sample_weight=sw)
    exact = Ridge(alpha=1.0, solver="cholesky").fit(X.toarray(), y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, exact.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, exact.intercept_, rtol=1e-6)
    assert ours.n_iter_.shape == (1,) and ours.n_iter_[0] > 0


def test_auto_picks_lsqr_for_sparse_and_cholesky_rejects_sparse():
    X, y = make_regression(30, 10, density=0.3, seed=2)
    assert Ridge().fit(X, y).solver_ == "lsqr"
    with pytest.raises(ValueError, match="cholesky"):
        Ridge(solver="cholesky").fit(X, y)


def test_multi_target_one_factorisation_and_per_target_alpha():
    X, y = make_regression(40, 12, seed=3)
    Y = np.column_stack([y, 2 * y + 1, -y])
    ours = Ridge(alpha=[0.5, 1.0, 0.5]).fit(X, Y)
    theirs = sklm.Ridge(alpha=[0.5, 1.0, 0.5], solver="cholesky").fit(X, Y)
    assert ours.coef_.shape == (3, 12) and ours.intercept_.shape == (3,)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-8)
    with pytest.raises(ValueError, match="targets"):
        Ridge(alpha=[1.0, 2.0]).fit(X, Y)


def test_ridge_alpha_convention_differs_from_elastic_net():
    """Ridge(alpha=a) == ElasticNet(alpha=a/n, l1_ratio=0), as documented."""
    from shrinkage import ElasticNet

    X, y = make_regression(30, 8, seed=5)
    ridge = Ridge(alpha=3.0).fit(X, y)
    enet = ElasticNet(alpha=3.0 / 30, l1_ratio=0.0, tol=1e-14, max_iter=10**5)
    enet.fit(X, y)
    np.testing.assert_allclose(ridge.coef_, enet.coef_, rtol=1e-5, atol=1e-6)


def test_float32_stays_float32():
    X, y = make_regression(30, 8, seed=6)
    model = Ridge(alpha=1.0).fit(X.astype(np.float32), y.astype(np.float32))
    assert model.coef_.dtype == np.float32
    ref = Ridge(alpha=1.0).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-3, atol=1e-4)
