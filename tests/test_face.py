"""The Cholesky factor kept by the direct solves on the support
(``shrinkage._face``): its updates against a factor computed from scratch,
and face solves with a kept factor against solves with a fresh one.

Oracles: ``R^T R`` against the centred Gram matrix written out here,
``numpy.linalg.solve``, and the optimum of a tight solve (objective, KKT).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm
from _helpers import alpha_max, enet_gradient, enet_objective, make_regression
from shrinkage._kernels._cholesky import append_columns, delete_column, solve
from shrinkage._kernels._enet import column_products, residual_on
from sklearn.exceptions import ConvergenceWarning

from shrinkage._coordinate_descent import design_stats
from shrinkage._face import FaceFactor, GramCache, face_solve
from shrinkage._validation import as_design


def _centred_gram(X, sw, fit_intercept):
    Xd = X.toarray() if sp.issparse(X) else X
    w = np.ones(len(Xd)) if sw is None else sw
    xbar = np.average(Xd, axis=0, weights=w) if fit_intercept else np.zeros(Xd.shape[1])
    Xc = Xd - xbar
    return (Xc * w[:, None]).T @ Xc / w.sum()


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_factor_updates_match_the_gram_matrix(sparse, weighted, fit_intercept, l2):
    # Columns enter and leave in a random order (several at a time, at the
    # front, middle and back of the factor); after each change R^T R is the
    # centred Gram matrix of the columns held plus l2 I, and solves agree
    # with a dense solve.
    X, _ = make_regression(60, 40, rho=0.6, seed=1)
    if sparse:
        X = sp.csc_matrix(np.where(np.abs(X) > 0.7, X, 0.0))
    rng = np.random.default_rng(0)
    sw = rng.uniform(0.5, 2.0, size=60) if weighted else None
    design = as_design(X if sparse else np.asfortranarray(X))
    xbar = design_stats(design, sw, fit_intercept)[0].astype(np.float64)
    total = 60.0 if sw is None else float(sw.sum())
    G = _centred_gram(X, sw, fit_intercept) + l2 * np.eye(40)
    cache, factor = GramCache(design, sw), FaceFactor(40)
    support = np.sort(rng.choice(40, size=12, replace=False))
    for step in range(12):
        assert factor.set_columns(cache, support, xbar, total, l2).size == 0
        cols = factor.columns
        assert sorted(cols) == sorted(support)
        m = cols.size
        R = factor.R[:m, :m]
        assert np.allclose(np.tril(R, -1), 0.0)
        np.testing.assert_allclose(R.T @ R, G[np.ix_(cols, cols)], rtol=0, atol=1e-12)
        b = rng.standard_normal(m)
        np.testing.assert_allclose(
            factor.solve(b), np.linalg.solve(G[np.ix_(cols, cols)], b), rtol=1e-9
        )
        # next support: drop a few (anywhere in the factor's order), add a few
        drop = rng.choice(support, size=min(3, support.size - 1), replace=False)
        outside = np.setdiff1d(np.arange(40), support)
        add = rng.choice(outside, size=1 + step % 4, replace=False)
        support = np.sort(np.concatenate([np.setdiff1d(support, drop), add]))


def test_factor_skips_a_dependent_column():
    # Without an L2 term a duplicated column makes G singular: the factor
    # leaves it out, reports it, takes the columns after it, and stays exact.
    X, _ = make_regression(30, 9, seed=2)
    # column 8 = column 2 (before an independent one, 9), 10 = 0 + 4
    X = np.asfortranarray(
        np.column_stack([X[:, :8], X[:, 2], X[:, 8], X[:, 0] + X[:, 4]])
    )
    design = as_design(X)
    xbar = np.zeros(11)
    G = X.T @ X / 30.0
    cache, factor = GramCache(design, None), FaceFactor(11)
    assert factor.set_columns(cache, np.arange(5), xbar, 30.0, 0.0).size == 0
    # five enter together: 5..7, 8 (dependent), then 9
    left_out = factor.set_columns(cache, np.arange(10), xbar, 30.0, 0.0)
    np.testing.assert_array_equal(left_out, [8])
    cols = factor.columns
    np.testing.assert_array_equal(np.sort(cols), [0, 1, 2, 3, 4, 5, 6, 7, 9])
    m = cols.size
    R = factor.R[:m, :m]
    assert np.allclose(np.tril(R, -1), 0.0)
    np.testing.assert_allclose(R.T @ R, G[np.ix_(cols, cols)], rtol=0, atol=1e-12)
    assert np.all(factor.R[m:, :] == 0) and np.all(factor.R[:, m:] == 0)
    # from an empty factor: both dependent columns found (8 = 2, and
    # 10 = 0 + 4), whatever the blocked factorisation met first
    cache, factor = GramCache(design, None), FaceFactor(11)
    left_out = factor.set_columns(cache, np.arange(11), xbar, 30.0, 0.0)
    np.testing.assert_array_equal(np.sort(left_out), [8, 10])
    cols = factor.columns
    R = factor.R[:9, :9]
    np.testing.assert_allclose(R.T @ R, G[np.ix_(cols, cols)], rtol=0, atol=1e-12)
    # with an L2 term the same columns are fine
    assert factor.set_columns(cache, np.arange(11), xbar, 30.0, 0.1).size == 0
    R = factor.R[:11, :11]
    cols = factor.columns
    np.testing.assert_allclose(
        R.T @ R, G[np.ix_(cols, cols)] + 0.1 * np.eye(11), rtol=0, atol=1e-12
    )


@pytest.mark.parametrize("sparse", [False, True])
def test_face_solve_on_a_support_with_duplicated_columns(sparse):
    # Text and one-hot data repeat columns: a Lasso support can hold two
    # copies of one, and its Gram matrix is then singular. The solve leaves
    # a copy out and still lands on an optimum: the objective of a tight
    # solve, and the optimality conditions of every feature, copies included.
    from _helpers import solve_enet_tight

    X, y = make_regression(40, 30, rho=0.5, n_informative=8, seed=7)
    if sparse:
        X = np.where(np.abs(X) > 0.6, X, 0.0)
    X = np.column_stack([X, X[:, :4]])  # columns 30..33 copy 0..3
    Xs = sp.csc_matrix(X) if sparse else np.asfortranarray(X)
    design = as_design(Xs)
    stats = design_stats(design, None, False)
    alpha = alpha_max(X, y, fit_intercept=False) / 20
    tight = solve_enet_tight(design, y, None, alpha, 0.0, fit_intercept=False)
    # a start on the right face, with both copies of column 0 in it
    coef = tight.coef.copy()
    coef[:4] = np.where(coef[:4] != 0, coef[:4], 1e-3)
    coef[30:34] = coef[:4] / 2
    coef[:4] /= 2
    assert face_solve(design, y, None, coef, stats, alpha, 0.0, 10**9)
    p_face = enet_objective(X, y, coef, 0.0, alpha, 1.0)
    p_tight = enet_objective(X, y, tight.coef, 0.0, alpha, 1.0)
    assert p_face <= p_tight * (1 + 1e-10)
    g = enet_gradient(X, y, coef, 0.0)
    assert np.all(np.abs(g) <= alpha * (1 + 1e-9))
    on = coef != 0
    np.testing.assert_allclose(g[on], alpha * np.sign(coef[on]), atol=1e-9 * alpha)
    # one copy of each duplicated pair is left at zero
    assert not np.any((coef[:4] != 0) & (coef[30:34] != 0))


def test_kernel_updates_work_inside_a_larger_buffer():
    # The compiled updates address the leading m x m block of a buffer with
    # a larger leading dimension: entries outside it are never read.
    rng = np.random.default_rng(3)
    A = rng.standard_normal((20, 6))
    G = A.T @ A
    R = np.full((10, 10), np.nan, order="F")
    R[:, :] = 0.0
    R[7:, :] = np.nan  # rows past what 6 columns can use
    kept = np.zeros(6, dtype=np.uint8)
    assert (
        append_columns(
            R, 0, np.zeros((0, 6), order="F"), np.asfortranarray(G), 1e-12, kept
        )
        == 6
    )
    np.testing.assert_allclose(R[:6, :6].T @ R[:6, :6], G, rtol=1e-12)
    delete_column(R, 6, 1)
    keep = [0, 2, 3, 4, 5]
    np.testing.assert_allclose(
        R[:5, :5].T @ R[:5, :5], G[np.ix_(keep, keep)], rtol=0, atol=1e-10
    )
    b = rng.standard_normal(5)
    x = b.copy()
    solve(R, 5, x)
    np.testing.assert_allclose(x, np.linalg.solve(G[np.ix_(keep, keep)], b), rtol=1e-9)


@pytest.mark.parametrize("sparse", [False, True])
def test_face_solves_along_a_path_with_a_kept_factor(sparse):
    # Down a grid of alphas (warm starts from the previous optimum), the
    # solve with the cache and factor kept from the previous alphas gives
    # the same coefficients as one with a fresh cache, and both are the
    # optimum: KKT conditions and the objective of a tight solve.
    from _helpers import solve_enet_tight

    X, y = make_regression(50, 120, rho=0.8, n_informative=15, seed=5)
    if sparse:
        X = sp.csc_matrix(np.where(np.abs(X) > 0.8, X, 0.0))
    design = as_design(X if sparse else np.asfortranarray(X))
    stats = design_stats(design, None, True)
    yc = y - y.mean()
    kept = GramCache(design, None)
    top = alpha_max(X, y)
    previous = None
    solved = 0
    for alpha in top * np.geomspace(0.5, 0.02, 8):
        tight = solve_enet_tight(design, y, None, alpha, 0.0, coef_init=previous)
        coef_kept = (tight.coef * 0.9 if previous is None else previous).copy()
        coef_fresh = coef_kept.copy()
        ok_kept = face_solve(
            design, yc, None, coef_kept, stats, alpha, 0.0, 10**9, cache=kept
        )
        ok_fresh = face_solve(design, yc, None, coef_fresh, stats, alpha, 0.0, 10**9)
        assert ok_kept == ok_fresh
        if ok_kept:
            solved += 1
            np.testing.assert_allclose(coef_kept, coef_fresh, rtol=1e-8, atol=1e-12)
            b = y.mean() - stats[0] @ coef_kept
            Xd = X.toarray() if sparse else X
            p_face = enet_objective(Xd, y, coef_kept, b, alpha, 1.0)
            p_tight = enet_objective(Xd, y, tight.coef, tight.intercept, alpha, 1.0)
            if np.array_equal(coef_kept != 0, tight.coef != 0):
                # the right face: the optimum, to rounding
                assert p_face <= p_tight * (1 + 1e-10)
                g = enet_gradient(Xd, y, coef_kept, b)
                on = coef_kept != 0
                np.testing.assert_allclose(
                    g[on], alpha * np.sign(coef_kept[on]), atol=1e-9 * alpha
                )
        previous = tight.coef
    assert solved >= 4


def test_kernel_updates_refuse_shapes_outside_the_factor():
    # They run without bounds checks: a wrong size must be refused first.
    R = np.zeros((4, 4), order="F")
    G = np.asfortranarray(np.eye(3))
    kept = np.zeros(3, dtype=np.uint8)
    with pytest.raises(ValueError, match="shapes"):
        append_columns(R, 2, np.zeros((2, 3), order="F"), G, 1e-12, kept)  # 2 + 3 > 4
    with pytest.raises(ValueError, match="shapes"):
        append_columns(R, 1, np.zeros((2, 3), order="F"), G, 1e-12, kept)  # rows != m
    with pytest.raises(ValueError, match="shapes"):
        append_columns(R, 0, np.zeros((0, 3), order="F"), G, 1e-12, kept[:2])
    with pytest.raises(ValueError, match="outside"):
        delete_column(R, 3, 3)
    with pytest.raises(ValueError, match="outside"):
        delete_column(R, 5, 0)
    with pytest.raises(ValueError, match="shapes"):
        solve(R, 3, np.zeros(4))


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_compiled_products_and_residual_match_numpy(sparse, dtype, weighted):
    # The face solves' compiled helpers against the same quantities written
    # with NumPy: Gram entries x_a . (sw x_b), the residual yc - Xc w and
    # the gradient xc_j . (sw r) / S (300 samples: the BLAS ?gemv route).
    X, y = make_regression(300, 25, seed=6)
    if sparse:
        X = sp.csc_matrix(np.where(np.abs(X) > 1.0, X, 0.0))
    X = X.astype(dtype)
    rng = np.random.default_rng(1)
    sw = rng.uniform(0.5, 2.0, size=300) if weighted else None
    design = as_design(X if sparse else np.asfortranarray(X))
    Xd = (X.toarray() if sparse else X).astype(np.float64)
    w_rows = np.ones(300) if sw is None else sw
    sw_arg = np.empty(0) if sw is None else sw
    rows, cols = np.array([3, 0, 24, 7]), np.array([7, 1, 3])
    out = column_products(*design.kernel_args(), rows, cols, sw_arg)
    expected = Xd[:, rows].T @ (Xd[:, cols] * w_rows[:, None])
    tol = 1e-12 if dtype == np.float64 else 1e-10  # products in float64 either way
    np.testing.assert_allclose(
        out, expected, rtol=tol, atol=tol * np.abs(expected).max()
    )

    xbar = np.average(Xd, axis=0, weights=w_rows)
    yc = y - np.average(y, weights=w_rows)
    support, values = np.array([2, 5, 11]), np.array([0.5, -1.0, 0.25])
    gradient = np.full(25, np.nan)
    r = residual_on(*design.kernel_args(), yc, xbar, support, values, sw_arg, gradient)
    r_expected = yc - (Xd[:, support] - xbar[support]) @ values
    np.testing.assert_allclose(r, r_expected, rtol=0, atol=1e-10)
    g_expected = (Xd - xbar).T @ (w_rows * r_expected) / w_rows.sum()
    np.testing.assert_allclose(gradient, g_expected, rtol=0, atol=1e-10)


def test_compiled_helpers_refuse_bad_indices_and_shapes():
    X, y = make_regression(20, 6, seed=1)
    design = as_design(np.asfortranarray(X))
    args = design.kernel_args()
    with pytest.raises(ValueError, match="out of range"):
        column_products(*args, np.array([0, 6]), np.array([1]), np.empty(0))
    with pytest.raises(ValueError, match="out of range"):
        column_products(*args, np.array([0]), np.array([-1]), np.empty(0))
    with pytest.raises(ValueError, match="out of range"):
        residual_on(*args, y, np.zeros(6), np.array([6]), np.ones(1), np.empty(0))
    with pytest.raises(ValueError, match="shapes"):
        residual_on(*args, y[:5], np.zeros(6), np.array([1]), np.ones(1), np.empty(0))
    with pytest.raises(ValueError, match="one entry per feature"):
        residual_on(
            *args, y, np.zeros(6), np.array([1]), np.ones(1), np.empty(0), np.zeros(5)
        )
    with pytest.raises(ValueError, match="do not match"):
        column_products(
            X.ravel(order="F")[:-1],
            *args[1:],
            np.array([0]),
            np.array([1]),
            np.empty(0),
        )


TIGHT = dict(tol=1e-12, max_iter=200_000)


def _face_setup(sparse, weighted, fit_intercept, l1_ratio, seed=0):
    X, y = make_regression(50, 30, rho=0.9, seed=seed)
    if sparse:
        X = sp.csc_matrix(np.where(np.abs(X) > 1.0, X, 0.0))
    rng = np.random.default_rng(seed)
    sw = rng.uniform(0.5, 2.0, size=len(y)) if weighted else None
    alpha = 0.05 * alpha_max(X, y, l1_ratio, sw, fit_intercept)
    design = as_design(sp.csc_matrix(X) if sparse else np.asfortranarray(X))
    stats = design_stats(design, sw, fit_intercept)
    yc = y - (np.average(y, weights=sw) if fit_intercept else 0.0)
    return X, y, sw, alpha, design, stats, yc


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
@pytest.mark.parametrize("wrong_face", [False, True])
def test_face_solve_lands_on_the_optimum(
    sparse, weighted, fit_intercept, l1_ratio, wrong_face
):
    # From any point with the optimal support and signs, the direct solve on
    # that face is the optimum: scikit-learn's objective at tight tolerance,
    # reached to rounding, and the KKT conditions hold. From a nearby face
    # the active-set rounds find the optimal one.
    X, y, sw, alpha, design, stats, yc = _face_setup(
        sparse, weighted, fit_intercept, l1_ratio
    )
    theirs = sklm.ElasticNet(
        alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, **TIGHT
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs.fit(X, y, sample_weight=sw)
    w_star = theirs.coef_
    assert 3 <= np.count_nonzero(w_star) < 30
    rng = np.random.default_rng(1)
    coef = w_star * rng.uniform(0.5, 1.5, size=w_star.size)  # same face
    if wrong_face:
        # two features of the optimal support missing, one extra feature:
        # the active-set rounds make them enter and leave
        on, off = np.flatnonzero(w_star), np.flatnonzero(w_star == 0)
        coef[on[:2]] = 0.0
        coef[off[0]] = 0.1
    ok = face_solve(
        design, yc, sw, coef, stats, alpha * l1_ratio, alpha * (1 - l1_ratio), 10**9
    )
    assert ok
    np.testing.assert_array_equal(np.sign(coef), np.sign(w_star))
    xbar = np.average(X.toarray() if sparse else X, axis=0, weights=sw)
    b = float(np.average(y, weights=sw) - xbar @ coef) if fit_intercept else 0.0
    p_ours = enet_objective(X, y, coef, b, alpha, l1_ratio, sw)
    p_theirs = enet_objective(X, y, w_star, theirs.intercept_, alpha, l1_ratio, sw)
    assert p_ours <= p_theirs * (1 + 1e-12)
    # KKT: x_j . r / S = l1 sign(w_j) + l2 w_j on the support, |.| <= l1 off
    corr = enet_gradient(X, y, coef, b, sw)
    on = coef != 0
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    np.testing.assert_allclose(
        corr[on] - l2 * coef[on], l1 * np.sign(coef[on]), rtol=0, atol=1e-9 * l1
    )
    assert np.all(np.abs(corr[~on]) <= l1 * (1 + 1e-9))


@pytest.mark.parametrize("sparse", [False, True])
def test_face_solve_never_increases_the_objective(sparse):
    # From arbitrary supports and signs (mostly wrong faces: entries flip and
    # leave, violating zeros enter) the solve is kept only when it improves
    # the objective.
    X, y, sw, alpha, design, stats, yc = _face_setup(sparse, True, True, 1.0)
    xbar = stats[0]

    def objective(w):
        r = yc - (X @ w - xbar @ w)
        return 0.5 * np.average(r * r, weights=sw) + alpha * np.abs(w).sum()

    rng = np.random.default_rng(2)
    replaced = 0
    for _ in range(40):
        coef = rng.standard_normal(30) * (rng.random(30) < rng.uniform(0.1, 0.9))
        before = objective(coef)
        start = coef.copy()
        ok = face_solve(design, yc, sw, coef, stats, alpha, 0.0, 10**9)
        if ok:
            replaced += 1
            assert objective(coef) < before
        else:
            np.testing.assert_array_equal(coef, start)
    assert replaced >= 10


def test_interleaved_face_solves_match_plain_descent():
    # An ill-conditioned wide Lasso at a small alpha (support near n): the
    # solver with direct solves on the support reaches the same certified
    # optimum in fewer epochs.
    from shrinkage._coordinate_descent import solve_enet

    X, y = make_regression(60, 300, rho=0.95, n_informative=40, seed=3)
    X = np.asfortranarray(X)
    design = as_design(X)
    stats = design_stats(design, None, True)
    alpha = 1e-3 * alpha_max(X, y, 1.0, None, True)
    kw = dict(l1=alpha, l2=0.0, positive=False, fit_intercept=True)
    kw.update(max_iter=100_000, tol=1e-10, stats=stats)
    plain = solve_enet(design, y, None, face_solves=False, **kw)
    faced = solve_enet(design, y, None, face_solves=True, **kw)
    assert plain.converged and faced.converged
    p_plain = enet_objective(X, y, plain.coef, plain.intercept, alpha, 1.0)
    p_faced = enet_objective(X, y, faced.coef, faced.intercept, alpha, 1.0)
    assert abs(p_plain - p_faced) <= plain.dual_gap + faced.dual_gap
    assert faced.n_iter < plain.n_iter


def test_face_solve_skips_columns_with_a_huge_mean():
    # x + 1e8: centring X^T X / n - xbar xbar^T would cancel every digit of
    # such a column's Gram entries, so the direct solve leaves coef alone
    # (the kernel centres such columns explicitly and solves them itself).

    X, y = make_regression(50, 30, seed=4)
    X[:, 0] += 1e8
    X = np.asfortranarray(X)
    design = as_design(X)
    stats = design_stats(design, None, True)
    coef = np.zeros(30)
    coef[[0, 3, 7]] = [0.5, -0.2, 0.1]
    start = coef.copy()
    yc = y - y.mean()
    assert not face_solve(design, yc, None, coef, stats, 0.01, 0.0, 10**9)
    np.testing.assert_array_equal(coef, start)


def test_cost_model_spreads_the_gram_cost_only_over_a_path():
    # A single solve pays for every Gram entry it computes; a path's cache
    # (shared) keeps them for the later alphas, so the same support looks
    # cheaper there. Warm entries cost nothing either way.
    from shrinkage._face import face_solve_epochs

    X, _ = make_regression(80, 300, density=0.05, seed=3)
    design = as_design(sp.csc_matrix(X))
    support = np.arange(0, 300, 3)
    single = face_solve_epochs(design, support, GramCache(design, None))
    shared = GramCache(design, None, shared=True)
    on_path = face_solve_epochs(design, support, shared)
    assert np.isfinite(single) and on_path < single
    shared.centred(support, support, np.zeros(300), 80.0)  # entries now held
    assert face_solve_epochs(design, support, shared) < on_path


def _lasso_path_to_a_thousandth(X, y, n_alphas: int, tol: float):
    """compute_path of a Lasso without intercept from alpha_max down to
    alpha_max / 1000 (the path module's loop, with its direct solves)."""
    from shrinkage._path import compute_path

    top = alpha_max(X, y, 1.0, None, False)
    alphas = top * np.geomspace(1, 1e-3, n_alphas)
    return compute_path(
        as_design(X),
        y,
        None,
        alphas,
        l1_ratio=1.0,
        fit_intercept=False,
        positive=False,
        max_iter=100_000,
        tol=tol,
    )


def test_alphas_settled_by_a_solve_keep_the_next_one_solving_first(monkeypatch):
    # Down a path on an ill-conditioned wide Lasso (support near n), many
    # alphas are settled by a direct solve tried before any descent: they
    # run no epochs. Their effort (what the path expects of the next alpha)
    # counts the epochs that solve stood for, so the next alpha tries a
    # solve first too, instead of running FACE_BUDGET epochs of descent
    # once three settled alphas in a row report none.
    import shrinkage._coordinate_descent as cd
    import shrinkage._path as path_module

    X, y = make_regression(60, 300, rho=0.95, n_informative=40, seed=3)
    X = np.asfortranarray(X)
    calls = []  # per solve: the epochs of descent run before each face solve
    solutions = []
    real_face_solve, real_solve_enet = cd.face_solve, path_module.solve_enet

    def recording_face_solve(*args, **kwargs):
        calls[-1].append(args[7])
        return real_face_solve(*args, **kwargs)

    def recording_solve_enet(*args, **kwargs):
        calls.append([])
        solutions.append(real_solve_enet(*args, **kwargs))
        calls[-1] = (kwargs["expected_epochs"], calls[-1])
        return solutions[-1]

    monkeypatch.setattr(cd, "face_solve", recording_face_solve)
    monkeypatch.setattr(path_module, "solve_enet", recording_solve_enet)
    result = _lasso_path_to_a_thousandth(X, y, 40, 1e-10)
    assert result.converged.all()
    settled = 0
    for k, sol in enumerate(solutions):
        assert sol.effort >= sol.n_iter
        if k + 1 < len(solutions) and sol.n_iter == 0 and sol.effort > 0:
            settled += 1
            expected, epochs_before = calls[k + 1]
            # the next alpha expects that work and tries a solve first
            assert expected >= sol.effort
            assert epochs_before and epochs_before[0] == expected
    assert settled >= 5


def test_short_dense_columns_count_the_overhead_of_an_update():
    # With n = 70 an update's fixed cost (prox, loop, the epochs' share of
    # gap checks and extrapolation) is comparable to its 2n flops; priced
    # at 2n alone, descent looked cheap next to a direct solve and most
    # alphas near the saturated end ran hundreds of epochs instead (14 of
    # these 50 alphas settled by a solve, 5436 epochs in all). The path's
    # gaps certify every alpha either way.
    X, y = make_regression(70, 2000, rho=0.5, n_informative=30, seed=0)
    result = _lasso_path_to_a_thousandth(np.asfortranarray(X), y, 50, 1e-8)
    assert result.converged.all()
    assert np.count_nonzero(result.n_iters == 0) >= 20
    assert result.n_iters.sum() < 4000


@pytest.mark.parametrize("n", [40, 300])
def test_gradient_over_columns_with_extents(n):
    # Columns zero from their extents on (a triangular Gram-mode design,
    # here with random extents): residual_on's gradient (the gap check's
    # X^T r: per-column dots, or for n >= 256 BLAS products over blocks of
    # columns and the rows they reach) equals NumPy's on the whole columns.
    rng = np.random.default_rng(n)
    p = 150
    X = rng.standard_normal((n, p))
    extents = rng.integers(0, n + 1, p)
    extents[:70] = np.minimum(np.arange(1, 71), n)  # a triangle, then random
    for j in range(p):
        X[extents[j] :, j] = 0.0
    X = np.asfortranarray(X)
    design = as_design(X, extents)
    y = rng.standard_normal(n)
    xbar = np.zeros(p)
    support, values = np.array([3, 80]), np.array([0.5, -2.0])
    gradient = np.full(p, np.nan)
    r = residual_on(
        *design.kernel_args(), y, xbar, support, values, np.empty(0), gradient
    )
    r_expected = y - X[:, support] @ values
    np.testing.assert_allclose(r, r_expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(gradient, X.T @ r_expected / n, rtol=0, atol=1e-12)


def test_compiled_helpers_refuse_bad_extents():
    X, y = make_regression(20, 6, seed=1)
    design = as_design(np.asfortranarray(X))
    data, indices, _, *rest = design.kernel_args()
    for extents in (np.array([20, 20, 21, 0, 1, 2]), np.array([20] * 5), -np.ones(6)):
        args = (data, indices, extents.astype(np.int32), *rest)
        with pytest.raises(ValueError, match="extents|shape"):
            residual_on(*args, y, np.zeros(6), np.array([1]), np.ones(1), np.empty(0))
        with pytest.raises(ValueError, match="extents|shape"):
            column_products(*args, np.array([0]), np.array([1]), np.empty(0))
