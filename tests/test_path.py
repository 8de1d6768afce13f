"""Regularization paths: each point against a single fit and scikit-learn."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm
from _helpers import alpha_max as alpha_max_oracle
from _helpers import enet_objective, make_regression, solve_enet_tight
from sklearn.exceptions import ConvergenceWarning

from shrinkage import (
    ElasticNet,
    alpha_grid,
    alpha_max,
    enet_path,
    lasso_path,
    ridge_path,
)


def test_alpha_grid_is_logspaced_from_exact_alpha_max():
    X, y = make_regression(40, 30, seed=1)
    sw = np.random.default_rng(0).uniform(0.5, 2, size=40)
    top = alpha_max(X, y, sample_weight=sw)
    assert top == pytest.approx(alpha_max_oracle(X, y, sample_weight=sw), rel=1e-12)
    grid = alpha_grid(X, y, sample_weight=sw, n_alphas=10, eps=1e-2)
    assert grid[0] == pytest.approx(top) and grid[-1] == pytest.approx(top * 1e-2)
    np.testing.assert_allclose(np.diff(np.log(grid)), np.log(1e-2) / 9)
    # exactness: all-zero at alpha_max, not below it
    a, coefs, _ = lasso_path(
        X, y, alphas=[top, top * 0.99], fit_intercept=True, sample_weight=sw, tol=1e-10
    )
    assert np.all(coefs[:, 0] == 0) and np.any(coefs[:, 1] != 0)


@pytest.fixture(params=["compiled", "python"])
def path_loop(request, monkeypatch):
    """Run a test with each of compute_path's loops: the compiled one (the
    default for the small designs of the tests) and the Python one (with
    its direct solves on the support; the default for large designs)."""
    from shrinkage import _path

    if request.param == "python":
        monkeypatch.setattr(_path, "_COMPILED_PATH_MAX_ENTRIES", 0)
    return request.param


@pytest.fixture
def loop_calls(monkeypatch):
    """The (alphas done, epochs spent on the next) of every compiled path
    loop run during a test."""
    from shrinkage import _path

    calls = []
    loop = _path.enet_path_loop

    def spy(*args):
        calls.append(loop(*args))
        return calls[-1]

    monkeypatch.setattr(_path, "enet_path_loop", spy)
    return calls


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_every_point_matches_a_single_fit(sparse, l1_ratio, path_loop):
    X, y = make_regression(40, 60, density=0.3 if sparse else None, seed=2)
    alphas, coefs, gaps, n_iters, intercepts = enet_path(
        X,
        y,
        l1_ratio=l1_ratio,
        n_alphas=15,
        fit_intercept=True,
        tol=1e-10,
        max_iter=10_000,
        return_n_iter=True,
        return_intercepts=True,
    )
    assert coefs.shape == (60, 15) and gaps.shape == (15,)
    tol_abs = 1e-10 * np.mean((y - y.mean()) ** 2)
    assert np.all(gaps <= tol_abs)
    for k in range(0, 15, 3):
        single = ElasticNet(
            alpha=alphas[k], l1_ratio=l1_ratio, tol=1e-12, max_iter=100_000
        ).fit(X, y)
        p_path = enet_objective(X, y, coefs[:, k], intercepts[k], alphas[k], l1_ratio)
        p_single = enet_objective(
            X, y, single.coef_, single.intercept_, alphas[k], l1_ratio
        )
        # the path's gap certifies its point against the single fit
        assert p_path - p_single <= gaps[k] + 1e-14
        assert abs(p_path - p_single) <= 1e-8 * p_single


def test_matches_sklearn_lasso_path_without_intercept():
    X, y = make_regression(30, 50, seed=3, offset=0.0)
    ours = lasso_path(X, y, n_alphas=20, tol=1e-12, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = sklm.lasso_path(X, y, alphas=ours[0], tol=1e-12, max_iter=100_000)
    np.testing.assert_allclose(ours[0], theirs[0])
    for k in range(20):
        p_ours = enet_objective(X, y, ours[1][:, k], 0.0, ours[0][k], 1.0)
        p_theirs = enet_objective(X, y, theirs[1][:, k], 0.0, ours[0][k], 1.0)
        assert abs(p_ours - p_theirs) <= 1e-8 * p_theirs


def test_explicit_alphas_are_sorted_decreasing_and_warm_start_is_used():
    X, y = make_regression(30, 20, seed=4)
    a, c, g, n_iter = lasso_path(X, y, alphas=[0.01, 1.0, 0.1], return_n_iter=True)
    np.testing.assert_array_equal(a, [1.0, 0.1, 0.01])
    # starting the path at its own last solution: the first solve is short
    a2, c2, g2, n_iter2 = lasso_path(
        X, y, alphas=[0.01], coef_init=c[:, -1], return_n_iter=True
    )
    assert n_iter2[0] <= max(n_iter[-1], 10)


def test_coef_init_is_not_written_to():
    # The path solves each alpha in place of the previous alpha's solution,
    # never in the caller's coef_init.
    X, y = make_regression(30, 20, seed=4)
    start = np.linspace(-0.1, 0.1, 20)
    kept = start.copy()
    _, coefs, _ = lasso_path(X, y, n_alphas=5, eps=1e-2, coef_init=start)
    np.testing.assert_array_equal(start, kept)
    assert not np.shares_memory(coefs, start)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dense_coefs_equal_the_sparse_path_matrix(dtype):
    # compute_path keeps the coefficients as a CSC matrix (one column per
    # alpha); enet_path scatters them into a dense array. Both must agree
    # entry for entry, with all-zero columns (alpha_max) and the dtype kept.
    from shrinkage._path import compute_path
    from shrinkage._validation import as_design

    X, y = make_regression(40, 60, seed=7)
    X, y = X.astype(dtype), y.astype(dtype)
    grid = alpha_grid(X, y, n_alphas=12, eps=1e-2, fit_intercept=True)
    # (a tolerance float32 reaches: this test is about the layout)
    tol = 1e-8 if dtype == np.float64 else 1e-6
    result = compute_path(
        as_design(np.asfortranarray(X)),
        y,
        None,
        grid,
        l1_ratio=1.0,
        fit_intercept=True,
        positive=False,
        max_iter=1000,
        tol=tol,
    )
    dense = result.coefs
    assert dense.dtype == dtype and dense.flags.c_contiguous
    assert dense.shape == (60, 12) and not np.any(dense[:, 0])
    np.testing.assert_array_equal(dense, result.coef_matrix.toarray())
    _, coefs, _ = lasso_path(X, y, alphas=grid, fit_intercept=True, tol=tol)
    np.testing.assert_array_equal(coefs, dense)


def test_early_stop_truncates_path():
    X, y = make_regression(100, 10, seed=5)
    full = lasso_path(X, y, n_alphas=100, eps=1e-5, fit_intercept=True)
    short = lasso_path(
        X, y, n_alphas=100, eps=1e-5, fit_intercept=True, early_stop=True
    )
    assert 1 < short[0].size < full[0].size
    np.testing.assert_allclose(short[1], full[1][:, : short[0].size], atol=1e-6)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_gram_path_solves_the_same_problems(
    weighted, fit_intercept, l1_ratio, path_loop
):
    # Tall dense X: the Gram-mode path (the default there) against
    # scikit-learn's ElasticNet at each alpha, on the objective, with the
    # path's gap certifying each point; the direct route agrees too.
    X, y = make_regression(120, 15, seed=31)
    sw = np.random.default_rng(2).uniform(0.3, 3, 120) if weighted else None
    kw = dict(l1_ratio=l1_ratio, n_alphas=10, eps=1e-3, fit_intercept=fit_intercept)
    kw.update(sample_weight=sw, tol=1e-10, max_iter=100_000, return_intercepts=True)
    alphas, coefs, gaps, intercepts = enet_path(X, y, **kw)
    _, coefs_direct, _, _ = enet_path(X, y, precompute=False, **kw)
    swd = np.ones(120) if sw is None else sw
    ybar = np.average(y, weights=swd) if fit_intercept else 0.0
    tol_abs = 1e-10 * np.average((y - ybar) ** 2, weights=swd)
    assert np.all(gaps <= tol_abs)
    if not fit_intercept:
        np.testing.assert_array_equal(intercepts, 0.0)
    for k in range(1, 10, 2):
        sk = sklm.ElasticNet(
            alpha=alphas[k],
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            tol=1e-14,
            max_iter=100_000,
        ).fit(X, y, sample_weight=sw)
        # scikit-learn scales the weights to sum to n: the same objective
        p_sk = enet_objective(X, y, sk.coef_, sk.intercept_, alphas[k], l1_ratio, sw)
        p = enet_objective(X, y, coefs[:, k], intercepts[k], alphas[k], l1_ratio, sw)
        assert p - p_sk <= gaps[k] + 1e-12 * p_sk
        assert abs(p - p_sk) <= 1e-9 * p_sk
        np.testing.assert_allclose(coefs[:, k], coefs_direct[:, k], atol=1e-6)


def test_gram_path_with_large_offsets_matches_the_centred_problem():
    # Columns with mean 1e6 and a response with mean 1e8: the Gram form's
    # correlations must not take the rounding of sum(yc) times the means.
    X, y = make_regression(200, 10, seed=1)
    kw = dict(n_alphas=10, tol=1e-10, max_iter=100_000)
    a, c, _, b = lasso_path(
        X + 1e6, y + 1e8, fit_intercept=True, return_intercepts=True, **kw
    )
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    _, c_ref, _ = lasso_path(Xc, yc, alphas=a, precompute=False, **kw)
    for k in range(1, 10, 2):
        p = enet_objective(Xc, yc, c[:, k], 0.0, a[k], 1.0)
        p_ref = enet_objective(Xc, yc, c_ref[:, k], 0.0, a[k], 1.0)
        assert abs(p - p_ref) <= 1e-8 * p_ref


def test_gram_path_keeps_float32():
    X, y = make_regression(200, 12, seed=32)
    kw = dict(n_alphas=8, fit_intercept=True, tol=1e-8, return_intercepts=True)
    a64, c64, _, b64 = lasso_path(X, y, **kw)
    a32, c32, _, b32 = lasso_path(X.astype(np.float32), y.astype(np.float32), **kw)
    assert c32.dtype == np.float32
    np.testing.assert_allclose(a32, a64, rtol=1e-6)
    np.testing.assert_allclose(c32, c64, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(b32, b64, rtol=1e-4)


def test_gram_mode_is_chosen_for_tall_dense_paths_only():
    from shrinkage._coordinate_descent import use_gram

    tall, wide = np.zeros((50, 10)), np.zeros((10, 50))
    assert use_gram(tall, "auto", path=True) and not use_gram(wide, "auto", path=True)
    assert not use_gram(sp.csc_matrix(tall), "auto", path=True)
    assert not use_gram(np.zeros((50, 10)), "auto")  # single fit: n >= 10 p
    assert use_gram(np.zeros((100, 10)), "auto")
    assert use_gram(wide, True, path=True) and not use_gram(tall, False, path=True)


def test_gram_path_early_stop_uses_the_original_deviance():
    # The equivalent problem's deviance differs by a constant: the explained
    # fraction (and so the early stop) must not. (At a tight tol: the rule
    # looks at changes of 1e-5, which a loose solve does not resolve.)
    X, y = make_regression(100, 10, seed=5)
    kw = dict(n_alphas=100, eps=1e-5, fit_intercept=True, early_stop=True, tol=1e-10)
    gram = lasso_path(X, y, precompute=True, **kw)
    direct = lasso_path(X, y, precompute=False, **kw)
    assert 1 < gram[0].size < 100
    # the same stop; the grids' alpha_max (from the Gram form's correlations
    # and from X) agree up to rounding
    assert gram[0].size == direct[0].size
    np.testing.assert_allclose(gram[0], direct[0], rtol=1e-12)


def test_bad_path_arguments():
    X, y = make_regression(20, 5, seed=6)
    with pytest.raises(ValueError, match="l1_ratio > 0"):
        enet_path(X, y, l1_ratio=0.0)
    with pytest.raises(ValueError, match="eps"):
        lasso_path(X, y, eps=2.0)
    with pytest.raises(ValueError, match="alphas"):
        lasso_path(X, y, alphas=[-1.0])
    with pytest.raises(ValueError, match="coef_init"):
        lasso_path(X, y, coef_init=np.zeros(3))
    with pytest.raises(TypeError, match="l1_ratio"):
        lasso_path(X, y, l1_ratio=0.5)
    with pytest.raises(ValueError, match="precompute"):
        lasso_path(X, y, precompute="always")


@pytest.mark.parametrize("shape", [(40, 10), (15, 40)])
def test_ridge_path_matches_ridge_estimator(shape):
    X, y = make_regression(*shape, seed=7)
    sw = np.random.default_rng(1).uniform(0.5, 2, size=shape[0])
    alphas, coefs, intercepts = ridge_path(X, y, [0.1, 10.0, 1.0], sample_weight=sw)
    np.testing.assert_array_equal(alphas, [10.0, 1.0, 0.1])
    for k, a in enumerate(alphas):
        ref = sklm.Ridge(alpha=a, solver="cholesky").fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(coefs[:, k], ref.coef_, rtol=1e-7, atol=1e-9)
        assert intercepts[k] == pytest.approx(ref.intercept_, rel=1e-7)


@pytest.mark.parametrize("sparse", [False, True])
def test_strong_rule_seeding_never_changes_the_solution(sparse):
    """The sequential strong set only seeds the first working set: whether
    it is empty, a few features, or (near a saturated fit) more features
    than samples, which the kernel ignores, the certified solution is the
    same, and it matches the NumPy reference's objective."""
    from shrinkage import reference
    from shrinkage._validation import as_design

    X, y = make_regression(30, 300, density=0.3 if sparse else None, seed=5)
    top = alpha_max(X, y)
    prev, alpha = top / 50, top / 55
    design = as_design(X.tocsc() if sparse else np.asfortranarray(X))

    def solve(l1, coef_init=None, strong_l1=-1.0):
        return solve_enet_tight(
            design, y, None, l1, coef_init=coef_init, strong_l1=strong_l1
        )

    Xd = X.toarray() if sparse else X
    warm = solve(prev).coef
    g = Xd.T @ (y - y.mean() - (Xd - Xd.mean(axis=0)) @ warm) / X.shape[0]
    # strong sets of 0, a few and more than n features (all pass at l1/100),
    # and of more than n but at most twice the support (taken as the set)
    between = np.sort(np.abs(g[warm == 0]))[::-1][X.shape[0] + 4]
    thresholds = [np.inf, 2 * alpha - prev, alpha / 100, between]
    sizes = [int(np.sum((np.abs(g) >= t) & (warm == 0))) for t in thresholds]
    assert sizes[0] == 0 and 0 < sizes[1] <= X.shape[0] < sizes[2]
    assert X.shape[0] < sizes[3] <= 2 * np.count_nonzero(warm)
    w_ref, b_ref, _, _ = reference.enet_coordinate_descent(
        Xd,
        y,
        alpha=alpha,
        l1_ratio=1.0,
        fit_intercept=True,
        tol=1e-13,
        max_iter=200_000,
    )
    p_ref = reference.enet_objective(Xd, y, w_ref, b_ref, alpha=alpha, l1_ratio=1.0)
    for t in thresholds:
        sol = solve(alpha, warm, strong_l1=t if np.isfinite(t) else -1.0)
        assert sol.converged
        p = enet_objective(Xd, y, sol.coef, sol.intercept, alpha, 1.0)
        assert p - p_ref <= sol.dual_gap + 1e-14
        assert abs(p - p_ref) <= 1e-9 * p_ref
    # A rule that misses every feature that enters: from a warm support of
    # at least WS_START (10) features, the support and the (empty) strong
    # set are the whole first working set, and the outer optimality check
    # must bring in the features that enter.
    warm = solve(top / 15).coef
    g = Xd.T @ (y - y.mean() - (Xd - Xd.mean(axis=0)) @ warm) / X.shape[0]
    assert np.count_nonzero(warm) >= 10
    sol = solve(alpha, warm, strong_l1=2 * np.max(np.abs(g)))
    assert sol.converged
    assert np.any((sol.coef != 0) & (warm == 0))
    p = enet_objective(Xd, y, sol.coef, sol.intercept, alpha, 1.0)
    assert p - p_ref <= sol.dual_gap + 1e-14
    assert abs(p - p_ref) <= 1e-9 * p_ref


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_inner_share_never_changes_the_solution(sparse, l1_ratio):
    """inner_share (how far each working set is solved; a path's is 0)
    changes only how the certified solution is reached: from a cold and a
    warm start, with the default share, the path's and a share of 1, the
    fit converges and its gap bounds its distance to the NumPy reference's
    optimum; the path's share takes fewer or more epochs than the default
    (it is not a no-op)."""
    from shrinkage import reference
    from shrinkage._path import _INNER_SHARE
    from shrinkage._validation import as_design

    X, y = make_regression(40, 400, density=0.3 if sparse else None, seed=9)
    alpha = alpha_max(X, y, l1_ratio=l1_ratio) / 30
    l1, l2 = alpha * l1_ratio, alpha * (1.0 - l1_ratio)
    design = as_design(X.tocsc() if sparse else np.asfortranarray(X))
    Xd = X.toarray() if sparse else X
    w_ref, b_ref, _, _ = reference.enet_coordinate_descent(
        Xd, y, alpha=alpha, l1_ratio=l1_ratio, tol=1e-13, max_iter=200_000
    )
    p_ref = enet_objective(Xd, y, w_ref, b_ref, alpha, l1_ratio)
    warm = solve_enet_tight(design, y, None, 1.2 * l1, 1.2 * l2).coef
    for start in (None, warm):
        epochs = {}
        for share in (0.3, _INNER_SHARE, 1.0):
            sol = solve_enet_tight(
                design,
                y,
                None,
                l1,
                l2,
                coef_init=start,
                tol=1e-10,
                inner_share=share,
                face_solves=False,
            )
            assert sol.converged
            p = enet_objective(Xd, y, sol.coef, sol.intercept, alpha, l1_ratio)
            assert p - p_ref <= sol.dual_gap + 1e-13
            assert abs(p - p_ref) <= 1e-8 * p_ref
            epochs[share] = sol.n_iter
        assert epochs[_INNER_SHARE] != epochs[0.3]


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_compiled_path_loop_equals_the_python_loop(
    sparse, dtype, l1_ratio, monkeypatch, loop_calls
):
    """Small designs run the whole path in one compiled call: with weights,
    positivity and a warm start, every point is certified and has the
    Python loop's objective up to the two gaps; and the compiled loop did
    run, for every alpha."""
    from shrinkage import _path

    X, y = make_regression(50, 30, density=0.4 if sparse else None, seed=12)
    X = X.astype(dtype)
    sw = np.random.default_rng(4).uniform(0.5, 2.0, 50)
    kw = dict(
        l1_ratio=l1_ratio,
        n_alphas=20,
        sample_weight=sw,
        positive=True,
        coef_init=np.full(30, 0.01),
        fit_intercept=True,
        tol=1e-9 if dtype == np.float64 else 1e-5,
        max_iter=20_000,
        return_n_iter=True,
        return_intercepts=True,
    )
    alphas, coefs, gaps, n_iters, b = enet_path(X, y, **kw)
    assert loop_calls == [(20, 0)]
    monkeypatch.setattr(_path, "_COMPILED_PATH_MAX_ENTRIES", 0)
    alphas_py, coefs_py, gaps_py, _, b_py = enet_path(X, y, **kw)
    assert len(loop_calls) == 1
    np.testing.assert_array_equal(alphas, alphas_py)
    assert coefs.dtype == coefs_py.dtype == dtype
    assert np.all(coefs >= 0) and np.all(n_iters <= 20_000)
    Xd = X.toarray() if sparse else X
    ybar = np.average(y, weights=sw)
    tol_abs = kw["tol"] * np.average((y - ybar) ** 2, weights=sw)
    assert np.all(gaps <= tol_abs) and np.all(gaps_py <= tol_abs)
    for k in range(20):
        p = enet_objective(Xd, y, coefs[:, k], b[k], alphas[k], l1_ratio, sw)
        p_py = enet_objective(Xd, y, coefs_py[:, k], b_py[k], alphas[k], l1_ratio, sw)
        slack = 1e-6 * p if dtype == np.float32 else 1e-12 * p
        assert abs(p - p_py) <= max(gaps[k], gaps_py[k]) + slack


def test_compiled_path_loop_hands_slow_alphas_to_the_python_loop(
    monkeypatch, loop_calls
):
    """Strongly correlated features and a tight tol: descent alone does not
    finish some alpha within FACE_BUDGET epochs. The compiled loop stops
    there and the Python loop, with its direct solves on the support,
    finishes the path from that point: every alpha converges, no epoch
    count passes max_iter, and the objectives match the Python loop's."""
    from shrinkage import _path

    X, y = make_regression(400, 40, rho=0.999, seed=3)
    kw = dict(n_alphas=30, tol=1e-12, max_iter=2000, fit_intercept=True)
    kw.update(return_n_iter=True)
    kw.update(return_intercepts=True, precompute=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        alphas, coefs, gaps, n_iters, b = lasso_path(X, y, **kw)
        monkeypatch.setattr(_path, "_COMPILED_PATH_MAX_ENTRIES", 0)
        _, coefs_py, gaps_py, _, b_py = lasso_path(X, y, **kw)
    ((done, spent),) = loop_calls
    assert 0 < done < 30 and 0 < spent <= _path.FACE_BUDGET
    assert n_iters[done] > spent and np.all(n_iters <= 2000)
    tol_abs = 1e-12 * np.mean((y - y.mean()) ** 2)
    assert np.all(gaps <= tol_abs)
    for k in range(30):
        p = enet_objective(X, y, coefs[:, k], b[k], alphas[k], 1.0)
        p_py = enet_objective(X, y, coefs_py[:, k], b_py[k], alphas[k], 1.0)
        assert abs(p - p_py) <= max(gaps[k], gaps_py[k]) + 1e-13 * p


def test_compiled_path_loop_handing_over_its_first_alpha(loop_calls):
    """tol=0 is never reached: the compiled loop hands over at the first
    alpha (after FACE_BUDGET epochs), and the Python loop's path has one
    point per alpha, each of at most max_iter epochs in all."""
    from shrinkage import _path

    X, y = make_regression(30, 8, rho=0.99, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        alphas, coefs, gaps, n_iters = lasso_path(
            X,
            y,
            alphas=alpha_max(X, y, fit_intercept=False) * np.logspace(-2, -3, 5),
            tol=0.0,
            max_iter=120,
            return_n_iter=True,
        )
    assert loop_calls == [(0, _path.FACE_BUDGET)]
    assert alphas.shape == gaps.shape == n_iters.shape == (5,)
    assert coefs.shape == (8, 5) and np.all(n_iters <= 120)


def test_secant_prediction_is_exact_while_the_support_holds():
    # On an interval of alpha with a fixed support and fixed signs the Lasso
    # solution is affine in alpha: the line through two solutions gives the
    # third, and the line through their gradients X^T r / n that third
    # solution's gradient, with no pass over X.
    from types import SimpleNamespace

    from shrinkage._coordinate_descent import WarmGradient
    from shrinkage._path import _Secant

    X, y = make_regression(80, 6, seed=11, offset=0.0)
    n = X.shape[0]
    top = alpha_max_oracle(X, y, fit_intercept=False)
    alphas = top * np.array([0.30, 0.29, 0.28])
    coefs = lasso_path(X, y, alphas=alphas, tol=1e-14, max_iter=100_000)[1]
    signs = np.sign(coefs)
    assert np.all(signs == signs[:, :1]) and np.any(signs[:, 0] != 0)

    def gradient(w):
        return X.T @ (y - X @ w) / n

    secant = _Secant(True, max_support=n)
    warm = WarmGradient(6)
    for k in range(2):
        warm.values[:] = gradient(coefs[:, k])
        warm.ready = True
        secant.record(
            alphas[k], SimpleNamespace(coef=coefs[:, k], converged=True), warm
        )
    support = np.flatnonzero(coefs[:, 1])
    predicted = secant.predict(alphas[2], 10, support, warm)
    np.testing.assert_allclose(predicted, coefs[:, 2], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(warm.values, gradient(predicted), rtol=1e-10, atol=1e-13)
    # the last alpha's epochs too few, or the support too large: no prediction
    assert secant.predict(alphas[2], 1, support, warm) is None
    assert (
        _Secant(True, max_support=support.size - 1).predict(
            alphas[2], 10, support, warm
        )
        is None
    )


@pytest.mark.parametrize("tol", [1e-8, 1e-4])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_secant_starts_leave_every_point_certified(l1_ratio, tol, monkeypatch):
    # A tall design (Gram mode) in the Python loop, where the path predicts
    # its warm starts: the points are those of the path without predictions,
    # each certified by its gap.
    from shrinkage import _path
    from shrinkage.reference import enet_dual_gap

    monkeypatch.setattr(_path, "_COMPILED_PATH_MAX_ENTRIES", 0)
    made = []
    predict = _path._Secant.predict

    def spy(self, *args):
        made.append(predict(self, *args))
        return made[-1]

    monkeypatch.setattr(_path._Secant, "predict", spy)
    X, y = make_regression(400, 60, seed=12, rho=0.8, n_informative=30)
    options = dict(
        l1_ratio=l1_ratio,
        n_alphas=60,
        fit_intercept=True,
        tol=tol,
        max_iter=100_000,
        return_intercepts=True,
    )
    alphas, coefs, gaps, intercepts = enet_path(X, y, **options)
    assert sum(p is not None for p in made) >= 5
    monkeypatch.setattr(_path, "_SECANT_MIN_EPOCHS", 10**9)
    made.clear()
    _, coefs_off, gaps_off, intercepts_off = enet_path(X, y, **options)
    assert not any(p is not None for p in made)
    tol_abs = tol * np.mean((y - y.mean()) ** 2)
    assert np.all(gaps <= tol_abs) and np.all(gaps_off <= tol_abs)
    for k in range(len(alphas)):
        # the reported gap is the true one (the kernel's first check took the
        # predicted gradient on trust)
        true_gap = enet_dual_gap(
            X, y, coefs[:, k], intercepts[k], alpha=alphas[k], l1_ratio=l1_ratio
        )
        assert true_gap <= tol_abs * (1 + 1e-6) + 1e-15
        p_on = enet_objective(X, y, coefs[:, k], intercepts[k], alphas[k], l1_ratio)
        p_off = enet_objective(
            X, y, coefs_off[:, k], intercepts_off[k], alphas[k], l1_ratio
        )
        assert abs(p_on - p_off) <= gaps[k] + gaps_off[k] + 1e-14
