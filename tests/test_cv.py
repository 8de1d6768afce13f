"""LassoCV / ElasticNetCV against scikit-learn on the same folds and grid."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.linear_model as sklm
from _helpers import make_regression
from sklearn.model_selection import KFold

from shrinkage import ElasticNetCV, LassoCV


@pytest.mark.parametrize(
    "sparse, precompute", [(False, "auto"), (False, False), (True, "auto")]
)
def test_lasso_cv_matches_sklearn(sparse, precompute):
    # dense 80 x 40: 'auto' fits the folds in Gram mode, reading their rows
    # of X in place; False copies each fold's rows for the direct route
    X, y = make_regression(80, 40, density=0.3 if sparse else None, seed=1)
    cv = KFold(4)
    ours = LassoCV(
        cv=cv, n_alphas=30, tol=1e-10, max_iter=10_000, precompute=precompute
    ).fit(X, y)
    theirs = sklm.LassoCV(cv=cv, alphas=ours.alphas_, tol=1e-10, max_iter=10_000)
    theirs.fit(X, y)
    np.testing.assert_allclose(ours.alphas_, theirs.alphas_)
    np.testing.assert_allclose(ours.mse_path_, theirs.mse_path_, rtol=1e-5)
    assert ours.alpha_ == theirs.alpha_
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-5, atol=1e-7)


def test_elastic_net_cv_grid_over_l1_ratio():
    X, y = make_regression(60, 20, seed=2)
    cv = KFold(3)
    tight = dict(tol=1e-14, max_iter=100_000)
    ours = ElasticNetCV(l1_ratio=[0.2, 0.7, 1.0], cv=cv, n_alphas=20, **tight)
    ours.fit(X, y)
    assert ours.mse_path_.shape == (3, 20, 3) and ours.alphas_.shape == (3, 20)
    mean = ours.mse_path_.mean(axis=2)
    i, k = np.unravel_index(np.argmin(mean), mean.shape)
    assert ours.l1_ratio_ == [0.2, 0.7, 1.0][i] and ours.alpha_ == ours.alphas_[i, k]
    # each l1_ratio row equals sklearn's CV error on the same grid and folds
    for i, r in enumerate([0.2, 0.7, 1.0]):
        sk = sklm.ElasticNetCV(l1_ratio=r, cv=cv, alphas=ours.alphas_[i], **tight)
        sk.fit(X, y)
        np.testing.assert_allclose(ours.mse_path_[i], sk.mse_path_, rtol=1e-6)


def test_one_standard_error_rule():
    X, y = make_regression(100, 30, seed=3)
    model = LassoCV(cv=5, n_alphas=40).fit(X, y)
    mean = model.mse_path_.mean(axis=1)
    se = model.mse_path_.std(axis=1, ddof=1) / np.sqrt(5)
    best = np.argmin(mean)
    k1 = np.flatnonzero(model.alphas_ == model.alpha_1se_)[0]
    assert model.alpha_1se_ >= model.alpha_
    assert mean[k1] <= mean[best] + se[best]
    # no larger alpha qualifies
    assert np.all(mean[:k1] > mean[best] + se[best])


# (60, 80): the direct route's fold tasks in threads; (60, 50): Gram mode,
# serial; (5000, 120): Gram mode, its sums in threads (n p^2 >= 2^26)
@pytest.mark.parametrize("shape", [(60, 80), (60, 50), (5000, 120)])
def test_results_do_not_depend_on_n_jobs(shape):
    X, y = make_regression(*shape, seed=4)
    one = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, n_alphas=15, n_jobs=1).fit(X, y)
    two = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, n_alphas=15, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.mse_path_, two.mse_path_)
    np.testing.assert_array_equal(one.coef_, two.coef_)


def test_sample_weight_weights_fit_and_error():
    X, y = make_regression(40, 10, seed=5)
    sw = np.random.default_rng(0).integers(1, 3, size=40).astype(float)
    cv = KFold(4)
    ours = LassoCV(cv=cv, n_alphas=10, tol=1e-10).fit(X, y, sample_weight=sw)
    theirs = sklm.LassoCV(cv=cv, alphas=ours.alphas_, tol=1e-10)
    theirs.fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.mse_path_, theirs.mse_path_, rtol=1e-5)


@pytest.mark.parametrize("layout", ["F", "C", "csc", "csr"])
def test_fold_rows_keep_values_in_the_kernel_layout(layout):
    import scipy.sparse as sp

    from shrinkage._cv import _rows

    rng = np.random.default_rng(3)
    dense = rng.standard_normal((30, 12))
    dense[rng.random(dense.shape) < 0.5] = 0.0
    X = {
        "F": np.asfortranarray(dense),
        "C": np.ascontiguousarray(dense),
        "csc": sp.csc_matrix(dense),
        "csr": sp.csr_matrix(dense),
    }[layout]
    idx = np.array([0, 2, 3, 7, 11, 29])
    sub = _rows(X, idx)
    if layout in ("F", "C"):
        assert isinstance(sub, np.ndarray) and sub.flags.f_contiguous
        np.testing.assert_array_equal(sub, dense[idx])
    else:
        assert sub.format == "csc"
        np.testing.assert_array_equal(sub.toarray(), dense[idx])
        # The CSC kernels' axpy loads a column's residual entries before it
        # stores them: each column's row indices must be distinct, also for
        # a splitter that repeats samples (a bootstrap).
        for rows in (idx, np.array([5, 5, 1, 29, 5, 1])):
            sub = _rows(X, rows)
            for j in range(sub.shape[1]):
                col = sub.indices[sub.indptr[j] : sub.indptr[j + 1]]
                assert len(np.unique(col)) == len(col)


@pytest.mark.parametrize("weighted", [False, True])
def test_gram_mode_cv_equals_the_direct_route(weighted):
    # Same folds, grid and tolerance: the Gram-mode fold paths (training rows
    # read from X in place) and refit solve the same problems as the direct
    # route on copied rows, so the CV errors and the choice agree.
    X, y = make_regression(150, 12, seed=9)
    sw = np.random.default_rng(1).uniform(0.3, 3, 150) if weighted else None
    kw = dict(l1_ratio=[0.5, 1.0], cv=KFold(3, shuffle=True, random_state=0))
    kw.update(n_alphas=15, tol=1e-12, max_iter=100_000)
    gram = ElasticNetCV(precompute=True, **kw).fit(X, y, sample_weight=sw)
    direct = ElasticNetCV(precompute=False, **kw).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(gram.mse_path_, direct.mse_path_, rtol=1e-7)
    # the same grid (Gram mode takes alpha_max from the folds' sums: the
    # same value up to rounding) and the same grid point chosen
    np.testing.assert_allclose(gram.alphas_, direct.alphas_, rtol=1e-13)
    assert gram.l1_ratio_ == direct.l1_ratio_
    i = kw["l1_ratio"].index(gram.l1_ratio_)
    chosen = np.flatnonzero(gram.alphas_[i] == gram.alpha_)
    assert (
        chosen.tolist() == np.flatnonzero(direct.alphas_[i] == direct.alpha_).tolist()
    )
    np.testing.assert_allclose(gram.coef_, direct.coef_, rtol=1e-6, atol=1e-9)
    assert gram.intercept_ == pytest.approx(direct.intercept_, rel=1e-7)


def test_bad_precompute_is_rejected():
    X, y = make_regression(30, 5, seed=10)
    with pytest.raises(ValueError, match="precompute must be 'auto', True or False"):
        LassoCV(precompute="yes").fit(X, y)
    with pytest.raises(ValueError, match="precompute"):
        ElasticNetCV(precompute=np.eye(5)).fit(X, y)
