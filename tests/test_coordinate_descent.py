"""Lasso / ElasticNet against independent oracles.

Oracles: scikit-learn at tight tolerance (objective values), the KKT
conditions of the problem, the duality gap definition, the NumPy reference.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm
from _helpers import (
    alpha_max,
    enet_gradient,
    enet_objective,
    make_regression,
    run_kernel,
    solve_enet_tight,
)
from sklearn.exceptions import ConvergenceWarning

from shrinkage import ElasticNet, Lasso, reference

TIGHT = dict(tol=1e-12, max_iter=200_000)
SHAPES = [(40, 15), (30, 80)]  # tall and wide


def _fit_pair(X, y, alpha, l1_ratio, sample_weight=None, **kw):
    ours = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **TIGHT, **kw)
    ours.fit(X, y, sample_weight=sample_weight)
    theirs = sklm.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **TIGHT, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs.fit(X, y, sample_weight=sample_weight)
    return ours, theirs


def _assert_same_objective(X, y, ours, theirs, alpha, l1_ratio, sw=None, rtol=1e-8):
    p_ours = enet_objective(X, y, ours.coef_, ours.intercept_, alpha, l1_ratio, sw)
    p_theirs = enet_objective(
        X, y, theirs.coef_, theirs.intercept_, alpha, l1_ratio, sw
    )
    assert p_ours <= p_theirs * (1 + rtol), (p_ours, p_theirs)
    assert abs(p_ours - p_theirs) <= rtol * abs(p_theirs)


def _assert_kkt(X, y, model, alpha, l1_ratio, sw=None):
    """Optimality, to the precision the duality gap guarantees.

    On the support g_j - l2 w_j = l1 sign(w_j), off it |g_j| <= l1. A gap G
    bounds ||Xc (w - w*)||^2_sw / S and l2 ||w - w*||^2 by 2G, hence each
    residual by sqrt(2G) (sqrt(L_j) + sqrt(l2)), L_j = ||xc_j||^2_sw / S.
    """
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    w = model.coef_
    swv = np.ones_like(y) if sw is None else sw
    Xd = X.toarray() if sp.issparse(X) else X
    Xc = Xd - (swv @ Xd) / swv.sum() if model.fit_intercept else Xd
    lip = (swv @ Xc**2) / swv.sum()
    # the gap itself is computed with rounding of order eps * P
    gap = max(model.dual_gap_, 0.0) + 1e-14 * enet_objective(
        X, y, w, model.intercept_, alpha, l1_ratio, sw
    )
    bound = np.sqrt(2 * gap) * (np.sqrt(lip) + np.sqrt(l2)) * 1.01 + 1e-12
    g = enet_gradient(X, y, w, model.intercept_, sw) - l2 * w
    on = w != 0
    assert np.all(np.abs(g[on] - l1 * np.sign(w[on])) <= bound[on])
    if model.positive:
        assert np.all(g[~on] <= l1 + bound[~on])
    else:
        assert np.all(np.abs(g[~on]) <= l1 + bound[~on])
    if model.fit_intercept:  # the intercept's own optimality: weighted mean of r is 0
        r = y - X @ w - model.intercept_
        assert abs(np.sum(swv * r)) <= 1e-8 * np.sum(swv) * (1 + np.abs(y).max())


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_matches_sklearn_objective_and_kkt(
    shape, l1_ratio, fit_intercept, positive, sparse
):
    n, p = shape
    X, y = make_regression(n, p, density=0.3 if sparse else None, seed=n + p)
    alpha = alpha_max(X, y, l1_ratio, fit_intercept=fit_intercept) / 15
    ours, theirs = _fit_pair(
        X, y, alpha, l1_ratio, fit_intercept=fit_intercept, positive=positive
    )
    _assert_same_objective(X, y, ours, theirs, alpha, l1_ratio)
    _assert_kkt(X, y, ours, alpha, l1_ratio)
    assert 0 <= ours.dual_gap_ or abs(ours.dual_gap_) < 1e-14
    # the gap is a certificate: the exit gap bounds the distance to sklearn's
    p_ours = enet_objective(X, y, ours.coef_, ours.intercept_, alpha, l1_ratio)
    p_sk = enet_objective(X, y, theirs.coef_, theirs.intercept_, alpha, l1_ratio)
    assert p_ours - p_sk <= ours.dual_gap_ + 1e-14


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
def test_sample_weight_matches_sklearn_and_repetition(sparse, l1_ratio):
    X, y = make_regression(30, 12, density=0.4 if sparse else None, seed=3)
    rng = np.random.default_rng(1)
    sw = rng.integers(0, 4, size=30).astype(float)
    sw[0] = 1.0
    alpha = alpha_max(X, y, l1_ratio, sample_weight=sw) / 10
    ours, theirs = _fit_pair(X, y, alpha, l1_ratio, sample_weight=sw)
    _assert_same_objective(X, y, ours, theirs, alpha, l1_ratio, sw)
    _assert_kkt(X, y, ours, alpha, l1_ratio, sw)

    # integer weights == repeated rows (a row of weight 0 disappears)
    idx = np.repeat(np.arange(30), sw.astype(int))
    Xr = X[idx] if not sparse else sp.csc_matrix(X[idx])
    rep = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **TIGHT).fit(Xr, y[idx])
    np.testing.assert_allclose(rep.coef_, ours.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(rep.intercept_, ours.intercept_, rtol=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
def test_agrees_with_numpy_reference(sparse):
    X, y = make_regression(35, 25, density=0.3 if sparse else None, seed=11)
    sw = np.random.default_rng(2).uniform(0.5, 2.0, size=35)
    alpha = alpha_max(X, y, 0.6, sample_weight=sw) / 8
    ours = ElasticNet(alpha=alpha, l1_ratio=0.6, **TIGHT).fit(X, y, sample_weight=sw)
    w_ref, b_ref, gap_ref, _ = reference.enet_coordinate_descent(
        X, y, alpha=alpha, l1_ratio=0.6, sample_weight=sw, tol=1e-13
    )
    p_ours = reference.enet_objective(
        X, y, ours.coef_, ours.intercept_, alpha=alpha, l1_ratio=0.6, sample_weight=sw
    )
    p_ref = reference.enet_objective(
        X, y, w_ref, b_ref, alpha=alpha, l1_ratio=0.6, sample_weight=sw
    )
    assert abs(p_ours - p_ref) <= 1e-9 * p_ref
    np.testing.assert_allclose(ours.coef_, w_ref, atol=1e-5)
    # the reference's gap function certifies our solution too
    gap = reference.enet_dual_gap(
        X, y, ours.coef_, alpha=alpha, l1_ratio=0.6, sample_weight=sw
    )
    assert -1e-12 <= gap <= 1e-10


@pytest.mark.parametrize("sparse", [False, True])
def test_duality_gap_below_tol_at_exit(sparse):
    X, y = make_regression(60, 200, density=0.2 if sparse else None, seed=5)
    for tol in [1e-3, 1e-6, 1e-10]:
        model = Lasso(alpha=alpha_max(X, y) / 50, tol=tol, max_iter=100_000).fit(X, y)
        bound = tol * np.mean((y - y.mean()) ** 2)
        assert model.dual_gap_ <= bound
        # and the reported gap is an honest certificate, recomputed independently
        gap = reference.enet_dual_gap(X, y, model.coef_, alpha=alpha_max(X, y) / 50)
        assert gap <= bound * (1 + 1e-6) + 1e-15


def test_float32_end_to_end():
    X, y = make_regression(50, 30, seed=7)
    alpha = alpha_max(X, y) / 10
    m64 = Lasso(alpha=alpha, tol=1e-10).fit(X, y)
    m32 = Lasso(alpha=alpha, tol=1e-6).fit(X.astype(np.float32), y.astype(np.float32))
    assert m32.coef_.dtype == np.float32
    assert m32.predict(X.astype(np.float32)).dtype == np.float32
    p64 = enet_objective(X, y, m64.coef_, m64.intercept_, alpha, 1.0)
    p32 = enet_objective(X, y, m32.coef_.astype(float), m32.intercept_, alpha, 1.0)
    assert abs(p32 - p64) <= 1e-4 * p64


def test_alpha_above_alpha_max_gives_zero_solution():
    X, y = make_regression(40, 20, seed=8)
    amax = alpha_max(X, y)
    m = Lasso(alpha=amax * 1.0001).fit(X, y)
    assert np.all(m.coef_ == 0)
    assert m.intercept_ == pytest.approx(y.mean())
    assert m.n_iter_ == 0  # certified optimal before any epoch
    m = Lasso(alpha=amax * 0.98, tol=1e-10).fit(X, y)
    assert np.count_nonzero(m.coef_) >= 1


def test_warm_start_reuses_solution():
    X, y = make_regression(50, 100, seed=9)
    alpha = alpha_max(X, y) / 20
    model = Lasso(alpha=alpha, tol=1e-10, warm_start=True).fit(X, y)
    first, first_gap = model.coef_.copy(), model.dual_gap_
    first_objective = enet_objective(X, y, first, model.intercept_, alpha, 1.0)
    model.fit(X, y)
    assert model.n_iter_ <= 10  # one gap check away from converged
    # The second fit starts where the first stopped: it can only improve on
    # it, and both are within their duality gaps of the optimum.
    second_objective = enet_objective(X, y, model.coef_, model.intercept_, alpha, 1.0)
    assert second_objective <= first_objective + 1e-14 * abs(first_objective)
    assert first_objective - second_objective <= first_gap * (1 + 1e-6)
    np.testing.assert_allclose(model.coef_, first, atol=1e-5)


def test_convergence_warning_states_gap():
    X, y = make_regression(30, 200, seed=10, rho=0.9)
    with pytest.warns(ConvergenceWarning, match=r"duality gap .* > tolerance"):
        Lasso(alpha=alpha_max(X, y) / 1000, tol=1e-14, max_iter=2).fit(X, y)


def test_from_strengths_maps_to_alpha_l1_ratio():
    X, y = make_regression(40, 10, seed=12)
    lam1, lam2 = 0.05, 0.2
    model = ElasticNet.from_strengths(lam1, lam2, tol=1e-12).fit(X, y)
    assert model.alpha == pytest.approx(lam1 + 2 * lam2)
    # optimality for 1/(2n)||r||^2 + lam1 ||w||_1 + lam2 ||w||^2
    g = enet_gradient(X, y, model.coef_, model.intercept_) - 2 * lam2 * model.coef_
    on = model.coef_ != 0
    np.testing.assert_allclose(g[on], lam1 * np.sign(model.coef_[on]), atol=1e-5)
    assert np.all(np.abs(g[~on]) <= lam1 + 1e-5)


def test_working_set_and_screening_do_not_change_the_answer():
    """p >> n, strongly correlated: the regime where working sets matter."""
    X, y = make_regression(50, 2000, seed=13, rho=0.8, n_informative=20)
    alpha = alpha_max(X, y) / 100
    ours = Lasso(alpha=alpha, **TIGHT).fit(X, y)
    ref = sklm.Lasso(alpha=alpha, **TIGHT).fit(X, y)
    _assert_same_objective(X, y, ours, ref, alpha, 1.0)
    _assert_kkt(X, y, ours, alpha, 1.0)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_capped_cold_start_working_set_does_not_change_the_answer(l1_ratio):
    """n >> p, correlated, few true features: from w = 0 nearly every column
    violates its optimality condition (75 of 80), more than the first working
    set of a cold start admits (40), so the rest enter at later outer steps."""
    X, y = make_regression(2000, 80, seed=15, rho=0.8, n_informative=5)
    alpha = alpha_max(X, y) / 100
    ours, ref = _fit_pair(X, y, alpha, l1_ratio)
    _assert_same_objective(X, y, ours, ref, alpha, l1_ratio)
    _assert_kkt(X, y, ours, alpha, l1_ratio)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gemv_gradient_route_gives_the_gradient_and_the_same_solution(dtype):
    """Dense columns of at least 256 samples get their gradient from one BLAS
    ?gemv per run of consecutive features (``cols_dot``), CSC columns from one
    dot each. The gradient the kernel leaves must be the true one, and both
    routes must reach the same objective. Column 7's mean dwarfs its spread,
    which takes the explicitly centred gradient."""
    from shrinkage._coordinate_descent import WarmGradient, solve_enet
    from shrinkage._validation import as_design

    X, y = make_regression(300, 60, seed=31, rho=0.8, n_informative=8)
    X[:, 7] = 500.0 + 0.01 * X[:, 7]
    X = X.astype(dtype).astype(np.float64)  # the values the solver sees
    alpha, l1_ratio = alpha_max(X, y) / 30, 0.7
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    tol = 1e-12 if dtype == np.float64 else 1e-6
    yt = y.astype(dtype)
    options = dict(
        l1=l1, l2=l2, positive=False, fit_intercept=True, max_iter=100_000, tol=tol
    )
    solutions = []
    for Z in (np.asfortranarray(X, dtype=dtype), sp.csc_matrix(X.astype(dtype))):
        design = as_design(Z)
        first = solve_enet(design, yt, None, **options)
        # From its own solution the kernel stops at its first gap check, over
        # every feature, and leaves the gradient there.
        warm = WarmGradient(X.shape[1])
        again = solve_enet(
            design, yt, None, coef_init=first.coef, warm_gradient=warm, **options
        )
        assert again.converged and again.n_iter == 0 and warm.ready
        coef = again.coef.astype(np.float64)
        expected = enet_gradient(X, y, coef, again.intercept)
        atol = 1e-11 if dtype == np.float64 else 1e-4 * np.abs(y).max()
        np.testing.assert_allclose(warm.values, expected, rtol=0, atol=atol)
        solutions.append(again)
    objectives = [
        enet_objective(X, y, s.coef.astype(float), s.intercept, alpha, l1_ratio)
        for s in solutions
    ]
    # each objective is within its certified gap of the optimum
    slack = 1e-13 if dtype == np.float64 else 1e-6
    bound = sum(s.dual_gap for s in solutions) + slack * objectives[0]
    assert abs(objectives[0] - objectives[1]) <= bound


@pytest.mark.parametrize("sparse", [False, True])
def test_gradient_a_path_hands_on_is_the_true_one(sparse, monkeypatch):
    # Along a path each kernel call that reports its gradient complete hands
    # it to the next alpha, which then skips its first gradient. On dense X
    # the check after an inner solve takes it over every live feature, the
    # screened ones included; every gradient reported complete must be the
    # true one at the returned point, for every feature of non-zero curvature.
    import shrinkage._coordinate_descent as cd
    from shrinkage import enet_path

    X, y = make_regression(80, 600, seed=41, rho=0.6, n_informative=10)
    X[:, 5] = 0.0  # zero curvature: outside every gradient
    Z = sp.csc_matrix(X) if sparse else np.asfortranarray(X)
    live = np.ptp(X, axis=0) > 0
    kernel = cd.enet_coordinate_descent
    checked = []

    def recording(*args, **kwargs):
        out = kernel(*args, **kwargs)
        if out[-1]:
            # (data, indices, indptr, is_sparse, n, p, y, sw, coef, ...)
            target, coef = np.asarray(args[6]), np.asarray(args[8])
            expected = enet_gradient(X, target, coef, out[0])
            error = np.abs(kwargs["gradient"] - expected)[live].max()
            checked.append(error)
        return out

    monkeypatch.setattr(cd, "enet_coordinate_descent", recording)
    alphas, coefs, gaps = enet_path(Z, y, l1_ratio=1.0, n_alphas=30, tol=1e-8)
    assert len(checked) >= 10
    assert max(checked) <= 1e-12 * np.abs(X.T @ y).max() / len(y)


def test_pure_l2_elastic_net_matches_ridge_closed_form():
    X, y = make_regression(40, 15, seed=14)
    n = X.shape[0]
    model = ElasticNet(alpha=0.3, l1_ratio=0.0, tol=1e-14, max_iter=100_000).fit(X, y)
    w, b = reference.ridge_closed_form(X, y, alpha=0.3 * n)
    np.testing.assert_allclose(model.coef_, w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, b, rtol=1e-5)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gram_mode_solves_the_same_problem(sparse, weighted, fit_intercept):
    X, y = make_regression(200, 12, density=0.5 if sparse else None, seed=21)
    X = X * 1.0  # keep CSC
    sw = np.random.default_rng(3).uniform(0.2, 2, size=200) if weighted else None
    alpha = alpha_max(X, y, 0.8, sample_weight=sw, fit_intercept=fit_intercept) / 30
    kw = dict(alpha=alpha, l1_ratio=0.8, fit_intercept=fit_intercept, **TIGHT)
    gram = ElasticNet(precompute=True, **kw).fit(X, y, sample_weight=sw)
    plain = ElasticNet(precompute=False, **kw).fit(X, y, sample_weight=sw)
    p_gram = enet_objective(X, y, gram.coef_, gram.intercept_, alpha, 0.8, sw)
    p_plain = enet_objective(X, y, plain.coef_, plain.intercept_, alpha, 0.8, sw)
    assert abs(p_gram - p_plain) <= 1e-9 * p_plain
    # the Gram-mode gap certifies the original problem
    assert p_gram - p_plain <= gram.dual_gap_ + 1e-13 * p_plain
    _assert_kkt(X, y, gram, alpha, 0.8, sw)


def test_gram_mode_handles_singular_gram():
    X, y = make_regression(60, 8, seed=22)
    X = np.column_stack([X, X[:, :3]])  # duplicated columns: X^T X singular
    alpha = alpha_max(X, y) / 20
    gram = Lasso(alpha=alpha, precompute=True, **TIGHT).fit(X, y)
    ref = sklm.Lasso(alpha=alpha, **TIGHT).fit(X, y)
    _assert_same_objective(X, y, gram, ref, alpha, 1.0)
    with pytest.raises(ValueError, match="precompute"):
        Lasso(precompute="yes").fit(X, y)


@pytest.mark.parametrize("sparse", [False, True])
def test_warm_gradient_holds_the_gradient_and_reusing_it_keeps_the_solution(sparse):
    """Along a path the kernel's last gradient (or a direct solve's) starts
    the next solve's first gap check: it must be the gradient at the
    coefficients it is handed with, and the solution must not change."""
    from shrinkage._coordinate_descent import WarmGradient, face_solve
    from shrinkage._validation import as_design

    rng = np.random.default_rng(3)
    X, y = make_regression(40, 120, density=0.3 if sparse else None, seed=7)
    sw = rng.uniform(0.5, 2.0, size=40)
    Xd = X.toarray() if sparse else X
    design = as_design(X.tocsc() if sparse else np.asfortranarray(X))
    top = alpha_max(X, y, sample_weight=sw)

    def solve(l1, coef_init=None, warm=None):
        return solve_enet_tight(
            design, y, sw, l1, 0.01 * l1, coef_init=coef_init, warm_gradient=warm
        )

    first = solve(top / 20)
    # From its own solution the kernel stops at its first check, over every
    # feature: the gradient it leaves is complete.
    warm = WarmGradient(120)
    again = solve(top / 20, first.coef, warm)
    assert again.converged and again.n_iter == 0 and warm.ready
    expected = enet_gradient(Xd, y, again.coef, again.intercept, sw)
    np.testing.assert_allclose(warm.values, expected, rtol=0, atol=1e-12)
    # The next alpha, from that gradient or from scratch: the same solution.
    with_warm = solve(top / 30, again.coef, warm)
    scratch = solve(top / 30, again.coef)
    assert with_warm.converged and scratch.converged
    p_warm, p_scratch = (
        enet_objective(Xd, y, s.coef, s.intercept, top / 30 * 1.01, 1 / 1.01, sw)
        for s in (with_warm, scratch)
    )
    assert abs(p_warm - p_scratch) <= max(with_warm.dual_gap, scratch.dual_gap) + 1e-14
    if warm.ready:
        expected = enet_gradient(Xd, y, with_warm.coef, with_warm.intercept, sw)
        np.testing.assert_allclose(warm.values, expected, rtol=0, atol=1e-12)

    # A direct solve on the support hands back the gradient at its result.
    from shrinkage._coordinate_descent import design_stats

    stats = design_stats(design, sw, True)
    ybar = np.average(y, weights=sw)
    coef = first.coef.copy()
    coef[coef != 0] *= 1.1  # off the optimum, same support and signs
    gradient = np.full(120, np.nan)
    l1 = top / 20
    replaced = face_solve(
        design, y - ybar, sw, coef, stats, l1, 0.01 * l1, 10**6, False, None, gradient
    )
    assert replaced
    intercept = ybar - stats[0] @ coef
    expected = enet_gradient(Xd, y, coef, intercept, sw)
    np.testing.assert_allclose(gradient, expected, rtol=0, atol=1e-12)


def test_kernel_rejects_a_gradient_buffer_of_the_wrong_length():
    """The kernel runs without bounds checks: a wrong-size buffer must be
    refused before it is written."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    X, y = make_regression(20, 8, seed=1)
    design = as_design(np.asfortranarray(X))
    xbar, lipschitz = design_stats(design, None, True)
    with pytest.raises(ValueError, match="one entry per feature"):
        run_kernel(
            design,
            y - y.mean(),
            np.zeros(8),
            (xbar, lipschitz),
            0.1,
            0.0,
            10,
            1e-6,
            gradient=np.zeros(7),
        )


def test_kernel_workspace_reuse_changes_nothing():
    """A path hands the kernel one workspace for all its solves. Buffers kept
    from a larger, smaller or other-dtype problem, full of its values, must
    not change any result: the kernel writes every entry it reads."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    def fit(X, y, dtype, workspace, sample_weight=None):
        design = as_design(np.asfortranarray(X, dtype=dtype))
        xbar, lipschitz = design_stats(design, sample_weight, True)
        coef = np.zeros(X.shape[1], dtype=dtype)
        sw = np.empty(0, dtype=dtype) if sample_weight is None else sample_weight
        out = run_kernel(
            design,
            np.asarray(y - y.mean(), dtype=dtype),
            coef,
            (xbar, lipschitz),
            0.02,
            0.01,
            500,
            1e-9,
            sw=np.asarray(sw, dtype=dtype),
            workspace=workspace,
        )
        return coef, out

    problems = [
        (*make_regression(30, 60, seed=2), np.float64, None),
        (*make_regression(50, 20, seed=3), np.float64, None),
        (*make_regression(30, 60, seed=4), np.float32, None),
        (*make_regression(40, 90, seed=5), np.float64, np.linspace(0.5, 2, 40)),
    ]

    def poison(workspace):
        # NaN where a stale value would be read (0 in index buffers, which
        # must stay in bounds)
        for name, buf in workspace.items():
            if name == "views":  # typed views of the arrays poisoned here
                continue
            buf = np.asarray(buf)
            if buf.dtype.names:
                buf["score"] = np.nan
                buf["index"] = 0
            elif buf.dtype.kind == "f":
                buf.fill(np.nan)
            else:
                buf.fill(0)

    workspace: dict = {}
    for X, y, dtype, sw in problems + problems[::-1]:
        fresh_coef, fresh_out = fit(X, y, dtype, None, sw)
        poison(workspace)
        kept_coef, kept_out = fit(X, y, dtype, workspace, sw)
        np.testing.assert_array_equal(kept_coef, fresh_coef)
        assert kept_out == fresh_out
    assert workspace  # the buffers were kept


@pytest.mark.parametrize("sparse", [False, True])
def test_kernel_keeps_the_residual_and_the_live_features_between_calls(sparse):
    """A path's next alpha starts from the residual the last call left in
    the workspace (residual_ready) and from the features of non-zero
    curvature it found: the same optimum, within the certified gaps, as a
    call that forms both afresh (not bit for bit: the kept residual carries
    the last call's rounding). The features are found again for another
    lipschitz array (here one more column declared constant, which must
    then stay zero)."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    X, y = make_regression(40, 70, rho=0.5, n_informative=10, seed=8)
    X[:, 5] = 2.0  # a constant column: zero curvature
    Xd = X.copy()
    X = sp.csc_matrix(X) if sparse else np.asfortranarray(X)
    design = as_design(X)
    stats = design_stats(design, None, True)
    yc = y - y.mean()
    alpha = alpha_max(Xd, y)
    kept: dict = {}
    coef = np.zeros(70)
    run_kernel(design, yc, coef, stats, alpha / 5, 0.0, 1000, 1e-10, workspace=kept)
    assert np.any(coef != 0)

    def objective(w, l1):
        b = y.mean() - Xd.mean(axis=0) @ w
        return enet_objective(Xd, y, w, b, l1, 1.0)

    for l1 in (alpha / 10, alpha / 30):
        warm = coef.copy()
        out_kept = run_kernel(
            design,
            yc,
            coef,
            stats,
            l1,
            0.0,
            1000,
            1e-10,
            workspace=kept,
            residual_ready=True,
        )
        out_fresh = run_kernel(design, yc, warm, stats, l1, 0.0, 1000, 1e-10)
        assert out_kept[3] and out_fresh[3]
        gaps = out_kept[1] + out_fresh[1]
        assert abs(objective(coef, l1) - objective(warm, l1)) <= gaps + 1e-14
        np.testing.assert_allclose(coef, warm, rtol=1e-6, atol=1e-9)
    xbar, lipschitz = stats
    assert 5 not in kept["live"] and kept["live"].size == 69
    fewer = lipschitz.copy()
    gone = np.argmax(np.abs(coef))
    fewer[gone] = 0.0  # the largest coefficient's column, now "constant"
    out = run_kernel(
        design,
        yc,
        coef,
        (xbar, fewer),
        alpha / 30,
        0.0,
        1000,
        1e-10,
        workspace=kept,
    )
    assert coef[gone] == 0.0 and np.count_nonzero(coef) > 0
    assert out[3]
    assert gone not in kept["live"] and kept["live"].size == 68


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("positive", [False, True])
def test_anderson_acceleration_keeps_the_solution_and_saves_epochs(
    sparse, l1_ratio, positive
):
    """Anderson extrapolation of the CD iterates (projected on the current
    sign pattern) is only a shortcut: with and without it the kernel
    converges to the same objective (within the gaps), positive fits stay
    non-negative, and on correlated columns it needs no more epochs, and
    fewer in total."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    rng = np.random.default_rng(0)
    totals = {0: 0, 5: 0}
    for seed in range(2):
        # strongly correlated AR(1) columns: slow, coupled coordinates
        Xd, y = make_regression(60, 200, rho=0.95, n_informative=10, seed=seed)
        Xd = np.asfortranarray(Xd * (rng.random(Xd.shape) < 0.5) if sparse else Xd)
        X = sp.csc_matrix(Xd) if sparse else Xd
        design = as_design(X)
        xbar, lipschitz = design_stats(design, None, True)
        yc = y - y.mean()
        alpha = alpha_max(Xd, y, l1_ratio=l1_ratio) / 100
        results = {}
        for depth in (0, 5):
            coef = np.zeros(200)
            intercept, gap, n_iter, converged, _ = run_kernel(
                design,
                yc,
                coef,
                (xbar, lipschitz),
                alpha * l1_ratio,
                alpha * (1 - l1_ratio),
                100_000,
                1e-12 * (yc @ yc) / 60,
                positive=positive,
                anderson_depth=depth,
            )
            assert converged
            if positive:
                assert coef.min() >= 0
            p = enet_objective(Xd, y, coef, intercept + y.mean(), alpha, l1_ratio)
            results[depth] = (p, gap, n_iter)
            totals[depth] += n_iter
        (p0, gap0, it0), (p5, gap5, it5) = results[0], results[5]
        assert abs(p5 - p0) <= gap0 + gap5 + 1e-12 * p0
        assert it5 <= it0
    assert totals[5] < totals[0]


def test_dual_extrapolation_only_tightens_the_gap():
    """Dual extrapolation (the affine combination of the last residuals,
    Massias et al. 2018) never changes the iterates of plain descent (no
    working sets, no screening): it only offers a second dual point, kept
    when its gap is smaller. So the gap it reports is never larger than
    without it, and on this correlated Lasso it is smaller at some checks.
    (Without Anderson jumps here: an accepted jump restarts the residual
    sequence, so with Anderson on, the extrapolation runs only where jumps
    fail for a while.)"""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    X, y = make_regression(60, 300, rho=0.9, n_informative=20, seed=0)
    X = np.asfortranarray(X)
    design = as_design(X)
    xbar, lipschitz = design_stats(design, None, True)
    yc = y - y.mean()
    alpha = alpha_max(X, y) / 100
    ratios = []
    for epochs in (20, 40, 60, 80, 120):
        gaps = {}
        for depth in (5, 0):
            coef = np.zeros(300)
            _, gaps[depth], n_iter, *_ = run_kernel(
                design,
                yc,
                coef,
                (xbar, lipschitz),
                alpha,
                0.0,
                epochs,
                0.0,
                use_working_set=False,
                use_screening=False,
                anderson_depth=0,
                dual_depth=depth,
            )
            assert n_iter == epochs
        ratios.append(gaps[5] / gaps[0])
    assert max(ratios) <= 1.0 + 1e-12
    assert min(ratios) < 0.95


def test_working_set_of_most_features_is_the_full_set():
    """A working set of at least ``ws_full_share`` of the active features
    becomes all of them: with a share of 0 every outer step runs plain
    epochs over the active set, exactly as without working sets; the
    default (0.75) and never (2.0) reach the same optimum, each within
    its certified gap."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    # n > p and a small alpha: most features enter the support.
    X, y = make_regression(300, 80, rho=0.6, n_informative=60, seed=3)
    X = np.asfortranarray(X)
    design = as_design(X)
    xbar, lipschitz = design_stats(design, None, True)
    yc = y - y.mean()
    alpha = alpha_max(X, y) / 200
    tol = 1e-10 * float(yc @ yc) / 300

    def fit(**kwargs):
        coef = np.zeros(80)
        _, gap, n_iter, converged, _ = run_kernel(
            design, yc, coef, (xbar, lipschitz), alpha, 0.0, 10000, tol, **kwargs
        )
        assert converged and gap <= tol
        r = yc - (X - xbar) @ coef
        return coef, gap, n_iter, r @ r / 600 + alpha * np.abs(coef).sum()

    full = fit(use_working_set=False)
    share0 = fit(ws_full_share=0.0)
    assert np.array_equal(share0[0], full[0])
    assert (share0[1], share0[2]) == (full[1], full[2])
    default, never = fit(), fit(ws_full_share=2.0)
    assert np.count_nonzero(default[0]) > 40
    assert abs(default[3] - never[3]) <= default[1] + never[1] + 1e-12


def test_first_check_sets_the_epochs_before_the_first_gap_check():
    """Orthonormal columns, no intercept: one epoch of coordinate descent is
    exact, so by default the fit stops at the check after epoch 1; with
    first_check=4 that check comes after epoch 4, at the same point."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.standard_normal((50, 10)))
    X = np.asfortranarray(Q * np.sqrt(50))
    y = X @ rng.standard_normal(10) + 0.1 * rng.standard_normal(50)
    design = as_design(X)
    stats = design_stats(design, None, False)
    alpha = 0.1 * np.abs(X.T @ y).max() / 50
    runs = {}
    for first in (1, 4):
        coef = np.zeros(10)
        _, gap, n_iter, converged, _ = run_kernel(
            design,
            y,
            coef,
            stats,
            alpha,
            0.0,
            100,
            1e-12,
            fit_intercept=False,
            first_check=first,
            anderson_depth=0,
        )
        assert converged and gap <= 1e-12
        runs[first] = (n_iter, coef)
    assert runs[1][0] == 1
    assert runs[4][0] == 4
    np.testing.assert_allclose(runs[4][1], runs[1][1], rtol=1e-12, atol=0)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_strong_set_only_reaches_the_same_optimum(sparse, l1_ratio):
    """A path step's first working set: the support and the sequential
    strong set alone (``strong_set_only``, the default) or leading a set
    ranked and filled with more zeros. From the previous alpha's solution,
    where features still enter, both reach the optimum that the NumPy
    reference certifies, within the duality gaps."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    n, p = 60, 300
    Xd, y = make_regression(n, p, rho=0.9, n_informative=12, seed=4)
    if sparse:
        Xd = Xd * (np.random.default_rng(2).random(Xd.shape) < 0.4)
    Xd = np.asfortranarray(Xd)
    design = as_design(sp.csc_matrix(Xd) if sparse else Xd)
    stats = design_stats(design, None, True)
    yc = y - y.mean()
    tol = 1e-11 * float(yc @ yc) / n
    top = alpha_max(Xd, y, l1_ratio)
    prev, alpha = top / 15, top / 20

    def penalties(a):
        return a * l1_ratio, a * (1 - l1_ratio)

    warm = np.zeros(p)
    run_kernel(design, yc, warm, stats, *penalties(prev), 100_000, tol)
    assert np.count_nonzero(warm) >= 10  # WS_START: the strong set alone
    strong_l1 = l1_ratio * (2 * alpha - prev)
    w_ref, b_ref, gap_ref, _ = reference.enet_coordinate_descent(
        Xd, y, alpha=alpha, l1_ratio=l1_ratio, tol=1e-13, max_iter=200_000
    )
    p_ref = enet_objective(Xd, y, w_ref, b_ref, alpha, l1_ratio)
    for only in (True, False):
        coef = warm.copy()
        intercept, gap, _, converged, _ = run_kernel(
            design,
            yc,
            coef,
            stats,
            *penalties(alpha),
            100_000,
            tol,
            strong_l1=strong_l1,
            strong_set_only=only,
        )
        assert converged and gap <= tol
        assert np.any((coef != 0) & (warm == 0))
        value = enet_objective(Xd, y, coef, intercept + y.mean(), alpha, l1_ratio)
        assert abs(value - p_ref) <= tol + gap_ref + 1e-12 * p_ref


@pytest.mark.parametrize("layout", ["dense", "sparse", "long"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("use_working_set", [True, False])
def test_active_cycling_reaches_the_same_optimum(layout, dtype, use_working_set):
    """Epochs after a block's first visit only the features it left non-zero
    (``active_cycling``). From a warm start at a larger alpha, where features
    must still enter, the kernel with and without it reaches the optimum
    that the NumPy reference certifies, within the duality gaps; on every
    layout (``long``: dense columns long enough for the paired epochs)."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    n, p = (4103, 30) if layout == "long" else (60, 200)
    Xd, y = make_regression(n, p, rho=0.9, n_informative=12, seed=4)
    if layout == "sparse":
        Xd = Xd * (np.random.default_rng(2).random(Xd.shape) < 0.4)
    Xd = np.asfortranarray(Xd, dtype=dtype)
    X = sp.csc_matrix(Xd) if layout == "sparse" else Xd
    design = as_design(X)
    xbar, lipschitz = design_stats(design, None, True)
    yc = (y - y.mean()).astype(dtype)
    alpha = alpha_max(Xd.astype(np.float64), y) / 50
    tol = (1e-10 if dtype == np.float64 else 1e-5) * float(yc @ yc) / n
    start = np.zeros(p, dtype=dtype)
    run_kernel(design, yc, start, (xbar, lipschitz), 5 * alpha, 0.0, 100_000, tol)
    found = {}
    for cycling in (True, False):
        coef = start.copy()
        intercept, gap, _, converged, _ = run_kernel(
            design,
            yc,
            coef,
            (xbar, lipschitz),
            alpha,
            0.0,
            100_000,
            tol,
            use_working_set=use_working_set,
            active_cycling=cycling,
        )
        assert converged and gap <= tol
        assert np.count_nonzero(coef) > np.count_nonzero(start)
        found[cycling] = enet_objective(
            Xd.astype(np.float64),
            y,
            coef.astype(np.float64),
            intercept + y.mean(),
            alpha,
            1.0,
        )
    w_ref, b_ref, gap_ref, _ = reference.enet_coordinate_descent(
        Xd.astype(np.float64), y, alpha=alpha
    )
    p_ref = enet_objective(Xd.astype(np.float64), y, w_ref, b_ref, alpha, 1.0)
    slack = tol + gap_ref + (1e-12 if dtype == np.float64 else 1e-6) * p_ref
    for value in found.values():
        assert abs(value - p_ref) <= slack
