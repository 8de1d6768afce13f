"""RidgeCV against scikit-learn's RidgeCV and a brute-force leave-one-out."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
import sklearn.linear_model as sklm
from _helpers import make_regression
from sklearn.model_selection import KFold
from sklearn.utils.estimator_checks import check_estimator

from shrinkage import Ridge, RidgeCV

ALPHAS = np.logspace(-2, 3, 11)
SHAPES = {"tall": (60, 12), "wide": (20, 45)}


def _problem(shape, fmt, seed=0):
    n, p = SHAPES[shape]
    if fmt == "dense":
        X, y = make_regression(n, p, seed=seed)
    else:
        X, y = make_regression(n, p, density=0.3, seed=seed)
        X = X.asformat(fmt)
    return X, y


def _weights(n, seed=1):
    return np.random.default_rng(seed).uniform(0.2, 3.0, size=n)


def _sklearn_loo(X, y, sw=None, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FutureWarnings of newer versions
        return sklm.RidgeCV(ALPHAS, store_cv_results=True, **params).fit(
            X, y, sample_weight=sw
        )


def _assert_same_fit(ours, theirs, rtol=1e-6):
    np.testing.assert_allclose(ours.alpha_, theirs.alpha_)
    np.testing.assert_allclose(ours.best_score_, theirs.best_score_, rtol=rtol)
    scale = np.abs(theirs.coef_).max()
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=rtol, atol=1e-9 * scale)
    np.testing.assert_allclose(
        ours.intercept_, theirs.intercept_, rtol=rtol, atol=1e-9 * scale
    )


@pytest.mark.parametrize("shape", ["tall", "wide"])
@pytest.mark.parametrize("fmt", ["dense", "csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_loo_matches_sklearn(shape, fmt, fit_intercept, weighted):
    X, y = _problem(shape, fmt)
    sw = _weights(X.shape[0]) if weighted else None
    ours = RidgeCV(ALPHAS, fit_intercept=fit_intercept, store_cv_results=True)
    ours.fit(X, y, sample_weight=sw)
    theirs = _sklearn_loo(X, y, sw, fit_intercept=fit_intercept)
    _assert_same_fit(ours, theirs)
    assert ours.cv_results_.shape == (X.shape[0], ALPHAS.size)
    np.testing.assert_allclose(ours.cv_results_, theirs.cv_results_, rtol=1e-6)
    assert isinstance(ours.alpha_, float) and isinstance(ours.best_score_, float)
    assert ours.n_features_in_ == X.shape[1]


@pytest.mark.parametrize("shape", ["tall", "wide"])
@pytest.mark.parametrize("weighted", [False, True])
def test_svd_mode_matches_eigen_and_sklearn(shape, weighted):
    X, y = _problem(shape, "dense", seed=3)
    sw = _weights(X.shape[0]) if weighted else None
    svd = RidgeCV(ALPHAS, gcv_mode="svd", store_cv_results=True).fit(X, y, sw)
    eigen = RidgeCV(ALPHAS, store_cv_results=True).fit(X, y, sw)
    _assert_same_fit(svd, _sklearn_loo(X, y, sw, gcv_mode="svd"))
    np.testing.assert_allclose(svd.cv_results_, eigen.cv_results_, rtol=1e-6)


def _brute_force_loo(X, y, sw, alpha, fit_intercept):
    """sw_i (y_i - prediction of the Ridge fitted without sample i)^2."""
    out = np.empty(X.shape[0])
    for i in range(X.shape[0]):
        rest = np.arange(X.shape[0]) != i
        model = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky")
        model.fit(X[rest], y[rest], sample_weight=sw[rest])
        out[i] = sw[i] * (y[i] - model.predict(X[i : i + 1])[0]) ** 2
    return out


@pytest.mark.parametrize("p", [3, 25])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_loo_equals_refitting_without_each_sample(p, fit_intercept):
    X, y = make_regression(12, p, seed=5)
    sw = _weights(12, seed=6)
    alphas = [0.05, 1.0, 30.0]
    model = RidgeCV(alphas, fit_intercept=fit_intercept, store_cv_results=True)
    model.fit(X, y, sample_weight=sw)
    for j, alpha in enumerate(alphas):
        expected = _brute_force_loo(X, y, sw, alpha, fit_intercept)
        np.testing.assert_allclose(model.cv_results_[:, j], expected, rtol=1e-8)
    best = Ridge(alpha=model.alpha_, fit_intercept=fit_intercept).fit(X, y, sw)
    np.testing.assert_allclose(model.coef_, best.coef_, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", ["tall", "wide"])
@pytest.mark.parametrize("alpha_per_target", [False, True])
def test_multi_target_matches_sklearn(shape, alpha_per_target):
    X, _ = _problem(shape, "dense", seed=7)
    rng = np.random.default_rng(8)
    # Targets of very different noise levels, so their best alphas differ.
    Y = X @ rng.standard_normal((X.shape[1], 3)) * [3.0, 0.3, 0.0]
    Y += rng.standard_normal(Y.shape) * [0.1, 1.0, 3.0]
    sw = _weights(X.shape[0])
    ours = RidgeCV(ALPHAS, store_cv_results=True, alpha_per_target=alpha_per_target)
    ours.fit(X, Y, sample_weight=sw)
    theirs = _sklearn_loo(X, Y, sw, alpha_per_target=alpha_per_target)
    _assert_same_fit(ours, theirs)
    assert ours.coef_.shape == (3, X.shape[1]) and ours.intercept_.shape == (3,)
    assert ours.cv_results_.shape == (X.shape[0], 3, ALPHAS.size)
    np.testing.assert_allclose(ours.cv_results_, theirs.cv_results_, rtol=1e-6)
    if alpha_per_target:
        assert ours.alpha_.shape == (3,) and np.unique(ours.alpha_).size > 1
        for t in range(3):
            single = Ridge(alpha=ours.alpha_[t]).fit(X, Y[:, t], sample_weight=sw)
            np.testing.assert_allclose(ours.coef_[t], single.coef_, rtol=1e-8)


@pytest.mark.parametrize("scoring", ["neg_mean_absolute_error", "r2"])
def test_loo_with_a_scorer_matches_sklearn(scoring):
    X, y = _problem("tall", "dense", seed=9)
    sw = _weights(X.shape[0])
    ours = RidgeCV(ALPHAS, scoring=scoring, store_cv_results=True).fit(X, y, sw)
    theirs = _sklearn_loo(X, y, sw, scoring=scoring)
    _assert_same_fit(ours, theirs)
    # cv_results_ holds the LOO predictions when a scorer is given.
    np.testing.assert_allclose(ours.cv_results_, theirs.cv_results_, rtol=1e-6)


@pytest.mark.parametrize("shape", ["tall", "wide"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("scoring", [None, "neg_mean_squared_error"])
def test_kfold_matches_sklearn_gridsearch(shape, weighted, scoring):
    X, y = _problem(shape, "dense", seed=11)
    sw = _weights(X.shape[0]) if weighted else None
    ours = RidgeCV(ALPHAS, cv=5, scoring=scoring).fit(X, y, sample_weight=sw)
    theirs = sklm.RidgeCV(ALPHAS, cv=KFold(5), scoring=scoring)
    theirs.fit(X, y, sample_weight=sw)
    _assert_same_fit(ours, theirs)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_kfold_sparse_equals_dense(fmt):
    X, y = _problem("tall", fmt, seed=12)
    sw = _weights(X.shape[0])
    sparse = RidgeCV(ALPHAS, cv=KFold(4)).fit(X, y, sample_weight=sw)
    dense = sklm.RidgeCV(ALPHAS, cv=KFold(4)).fit(X.toarray(), y, sample_weight=sw)
    _assert_same_fit(sparse, dense)


def test_kfold_allows_alpha_zero():
    X, y = _problem("tall", "dense", seed=13)
    model = RidgeCV([0.0], cv=3).fit(X, y)
    ols = sklm.LinearRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, ols.coef_, rtol=1e-8)


def test_zero_weights_equal_dropping_the_samples():
    X, y = _problem("tall", "dense", seed=14)
    sw = _weights(X.shape[0])
    sw[::7] = 0.0
    kept = sw > 0
    full = RidgeCV(ALPHAS, store_cv_results=True).fit(X, y, sample_weight=sw)
    drop = RidgeCV(ALPHAS, store_cv_results=True).fit(X[kept], y[kept], sw[kept])
    assert full.alpha_ == drop.alpha_
    np.testing.assert_allclose(full.coef_, drop.coef_, rtol=1e-10)
    np.testing.assert_allclose(full.cv_results_[kept], drop.cv_results_, rtol=1e-10)
    assert np.all(full.cv_results_[~kept] == 0.0)
    # With a scorer cv_results_ holds LOO predictions: for a weight-0 sample,
    # the prediction of the fit on all (other) samples, finite.
    scored = RidgeCV(ALPHAS, scoring="r2", store_cv_results=True).fit(X, y, sw)
    j = int(np.flatnonzero(ALPHAS == scored.alpha_)[0])
    np.testing.assert_allclose(
        scored.cv_results_[~kept, j], scored.predict(X[~kept]), rtol=1e-10
    )


def test_tall_sparse_never_forms_an_n_by_n_matrix():
    # n x n float64 would be 1.8 GiB; the p x p route stays at O(n + p^2).
    n, p = 15_000, 6
    X, y = make_regression(n, p, density=0.5, seed=15)
    tracemalloc.start()
    try:
        model = RidgeCV(ALPHAS).fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20
    ridge = Ridge(alpha=model.alpha_, solver="lsqr", tol=1e-12).fit(X, y)
    np.testing.assert_allclose(model.coef_, ridge.coef_, rtol=1e-6)


def test_float32_input_gives_float32_results():
    X, y = _problem("tall", "dense", seed=16)
    m64 = RidgeCV(ALPHAS, store_cv_results=True).fit(X, y)
    m32 = RidgeCV(ALPHAS, store_cv_results=True).fit(X.astype(np.float32), y)
    assert m32.coef_.dtype == np.float32 and m32.cv_results_.dtype == np.float32
    assert m32.alpha_ == m64.alpha_
    np.testing.assert_allclose(m32.coef_, m64.coef_, rtol=1e-4)


def test_constant_column_gets_zero_coefficient():
    X, y = _problem("tall", "dense", seed=17)
    X[:, 2] = 0.1
    model = RidgeCV(ALPHAS).fit(X, y)
    assert model.coef_[2] == 0.0


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"alphas": [1.0, 0.0]}, "must be > 0"),
        ({"alphas": [1.0, -1.0]}, "alphas\\[1\\]"),
        ({"alphas": []}, "non-empty"),
        ({"cv": 3, "store_cv_results": True}, "incompatible"),
        ({"cv": 3, "alpha_per_target": True}, "incompatible"),
        ({"gcv_mode": "qr"}, "gcv_mode"),
    ],
)
def test_invalid_parameters(params, match):
    X, y = _problem("tall", "dense")
    with pytest.raises(ValueError, match=match):
        RidgeCV(**params).fit(X, y)


def test_one_sample_with_intercept_is_rejected():
    with pytest.raises(ValueError, match="n_samples = 1"):
        RidgeCV().fit(np.ones((1, 3)), [1.0])


def test_svd_mode_on_sparse_falls_back_to_eigen_with_a_warning():
    X, y = _problem("tall", "csr")
    with pytest.warns(UserWarning, match="svd"):
        model = RidgeCV(ALPHAS, gcv_mode="svd").fit(X, y)
    assert model.alpha_ == RidgeCV(ALPHAS).fit(X, y).alpha_


@pytest.mark.parametrize("cv", [None, 3])
def test_sklearn_check_estimator(cv):
    check_estimator(RidgeCV(cv=cv))
