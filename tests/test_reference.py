"""The NumPy reference (``shrinkage.reference``) against independent oracles.

Oracles: scikit-learn at tight tolerance, the KKT conditions and objectives
written out here from their definitions, weak duality (the gap bounds the
suboptimality), integer weights == repeated rows, and closed forms / brute
force on tiny problems. Nothing here uses another part of the package.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm
from sklearn.exceptions import ConvergenceWarning

from shrinkage import reference

SHAPES = [(50, 12), (30, 60)]  # n > p and p > n
FORMATS = ["dense", "csc", "csr"]
SKLEARN_TIGHT = dict(tol=1e-14, max_iter=1_000_000)


# --------------------------------------------------------------------------
# Problems and independent formulas
# --------------------------------------------------------------------------


def _as_format(Xd: np.ndarray, fmt: str):
    if fmt == "dense":
        return Xd
    return {
        "csc": sp.csc_matrix,
        "csr": sp.csr_matrix,
        "csr_array": sp.csr_array,
        "coo": sp.coo_matrix,
    }[fmt](Xd)


def _problem(n: int, p: int, *, fmt: str = "dense", seed: int = 0):
    """(X in ``fmt``, y, dense X): correlated columns with non-zero means; for
    sparse formats about 40% of the entries are kept."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    Xd = Z + 0.4 * np.roll(Z, 1, axis=1) + rng.uniform(-1, 1, size=p)
    if fmt != "dense":
        Xd = Xd * (rng.uniform(size=(n, p)) < 0.4)
    w_true = np.zeros(p)
    support = rng.choice(p, size=min(5, p), replace=False)
    w_true[support] = rng.standard_normal(len(support)) * 2
    y = Xd @ w_true + 0.5 * rng.standard_normal(n) + 1.5
    return _as_format(Xd, fmt), y, Xd


def _int_weights(n: int, seed: int = 0, low: int = 1) -> np.ndarray:
    return np.random.default_rng(seed + 100).integers(low, 4, size=n).astype(float)


def _objective(Xd, y, w, b, alpha, l1_ratio, sw=None) -> float:
    """The elastic-net primal, written out from its definition."""
    sw = np.ones(len(y)) if sw is None else sw
    r = y - Xd @ w - b
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    return 0.5 * np.sum(sw * r**2) / sw.sum() + l1 * np.sum(np.abs(w)) + l2 / 2 * w @ w


def _optimal_intercept(Xd, y, w, sw, fit_intercept) -> float:
    sw = np.ones(len(y)) if sw is None else sw
    return float(sw @ (y - Xd @ w) / sw.sum()) if fit_intercept else 0.0


def _gradient(Xd, y, w, b, sw=None) -> np.ndarray:
    """g_j = x_j . (sw r) / S at (w, b); equals xc_j . (sw r) / S when b is
    the optimal intercept (then sum(sw r) = 0)."""
    sw = np.ones(len(y)) if sw is None else sw
    return Xd.T @ (sw * (y - Xd @ w - b)) / sw.sum()


def _sklearn_enet(X, y, *, alpha, l1_ratio, sw, fit_intercept, positive):
    model = sklm.ElasticNet(
        alpha=alpha,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        positive=positive,
        **SKLEARN_TIGHT,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, sample_weight=sw)
    return model.coef_, float(model.intercept_)


def _assert_kkt(g, w, l1, l2, positive, atol):
    """Optimality of the centred problem: 0 in g - l2 w - l1 d|w|_1 (+ cone)."""
    v = g - l2 * w
    on = w != 0
    if positive:
        assert np.all(w >= 0)
        np.testing.assert_allclose(v[on], l1, atol=atol)
        assert np.all(v[~on] <= l1 + atol)
    else:
        np.testing.assert_allclose(v[on], l1 * np.sign(w[on]), atol=atol)
        assert np.all(np.abs(v[~on]) <= l1 + atol)


# --------------------------------------------------------------------------
# Objective, soft thresholding
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["dense", "csr", "csr_array", "coo"])
def test_enet_objective_is_the_documented_formula(fmt):
    X, y, Xd = _problem(25, 8, fmt=fmt, seed=1)
    rng = np.random.default_rng(0)
    w, b, sw = rng.standard_normal(8), 0.7, _int_weights(25)
    for l1_ratio in [1.0, 0.3, 0.0]:
        got = reference.enet_objective(
            X, y, w, b, alpha=0.2, l1_ratio=l1_ratio, sample_weight=sw
        )
        # per-sample loop: an independent spelling of the same formula
        loss = sum(sw[i] * (y[i] - Xd[i] @ w - b) ** 2 for i in range(25))
        expected = (
            loss / (2 * sw.sum())
            + 0.2 * l1_ratio * np.abs(w).sum()
            + 0.1 * (1 - l1_ratio) * w @ w
        )
        assert got == pytest.approx(expected, rel=1e-13)


def test_soft_threshold_values_and_prox_brute_force():
    x = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    np.testing.assert_array_equal(
        reference.soft_threshold_reference(x, 1.0),
        [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
    )
    # proximal operator of t|.|: argmin_z (z - x)^2 / 2 + t |z| on a fine grid
    grid = np.linspace(-5, 5, 100_001)
    for xi in [-2.3, -0.4, 0.0, 0.9, 3.7]:
        brute = grid[np.argmin(0.5 * (grid - xi) ** 2 + 0.75 * np.abs(grid))]
        assert reference.soft_threshold_reference(xi, 0.75) == pytest.approx(
            brute, abs=1e-4
        )


# --------------------------------------------------------------------------
# Coordinate descent vs scikit-learn
# --------------------------------------------------------------------------


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("shape", SHAPES)
def test_cd_matches_sklearn(shape, fmt, fit_intercept, l1_ratio, positive):
    n, p = shape
    X, y, Xd = _problem(n, p, fmt=fmt, seed=n + p)
    sw = _int_weights(n, seed=p)
    alpha = (
        reference.alpha_max(
            X, y, l1_ratio=l1_ratio, sample_weight=sw, fit_intercept=fit_intercept
        )
        / 10
    )
    w, b, gap, n_iter = reference.enet_coordinate_descent(
        X,
        y,
        alpha=alpha,
        l1_ratio=l1_ratio,
        sample_weight=sw,
        fit_intercept=fit_intercept,
        positive=positive,
        tol=1e-12,
    )
    w_sk, b_sk = _sklearn_enet(
        X,
        y,
        alpha=alpha,
        l1_ratio=l1_ratio,
        sw=sw,
        fit_intercept=fit_intercept,
        positive=positive,
    )
    p_ref = _objective(Xd, y, w, b, alpha, l1_ratio, sw)
    p_sk = _objective(Xd, y, w_sk, b_sk, alpha, l1_ratio, sw)
    assert abs(p_ref - p_sk) <= 1e-8 * p_sk, (p_ref, p_sk)

    assert w.dtype == np.float64 and w.shape == (p,)
    assert isinstance(b, float) and isinstance(gap, float)
    assert b == pytest.approx(_optimal_intercept(Xd, y, w, sw, fit_intercept))
    assert 1 <= n_iter < 100_000
    ybar = sw @ y / sw.sum() if fit_intercept else 0.0
    assert -1e-12 <= gap <= 1e-12 * sw @ (y - ybar) ** 2 / sw.sum()
    if positive:
        assert np.all(w >= 0)


@pytest.mark.parametrize("fmt", ["csc", "csr", "csr_array", "coo"])
def test_sparse_input_gives_the_dense_solution(fmt):
    X, y, Xd = _problem(40, 20, fmt=fmt, seed=5)
    sw = _int_weights(40)
    kw = dict(alpha=0.02, l1_ratio=0.7, sample_weight=sw, tol=1e-14)
    w_s, b_s, _, _ = reference.enet_coordinate_descent(X, y, **kw)
    w_d, b_d, _, _ = reference.enet_coordinate_descent(Xd, y, **kw)
    np.testing.assert_allclose(w_s, w_d, atol=1e-7)
    assert b_s == pytest.approx(b_d, abs=1e-7)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_integer_weights_equal_repeated_rows(fmt, fit_intercept, l1_ratio):
    X, y, Xd = _problem(40, 10, fmt=fmt, seed=7)
    sw = _int_weights(40, seed=3, low=0)  # 0 drops a row
    repeat = np.repeat(np.arange(40), sw.astype(int))
    X_rep = _as_format(Xd[repeat], fmt)
    kw = dict(alpha=0.05, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-14)
    w_w, b_w, _, _ = reference.enet_coordinate_descent(X, y, sample_weight=sw, **kw)
    w_r, b_r, _, _ = reference.enet_coordinate_descent(X_rep, y[repeat], **kw)
    np.testing.assert_allclose(w_w, w_r, atol=1e-7)
    assert b_w == pytest.approx(b_r, abs=1e-7)
    obj = dict(alpha=0.05, l1_ratio=l1_ratio)
    assert reference.enet_objective(
        X, y, w_w, b_w, sample_weight=sw, **obj
    ) == pytest.approx(reference.enet_objective(X_rep, y[repeat], w_w, b_w, **obj))
    assert reference.enet_dual_gap(
        X, y, w_r, sample_weight=sw, fit_intercept=fit_intercept, **obj
    ) == pytest.approx(
        reference.enet_dual_gap(
            X_rep, y[repeat], w_r, fit_intercept=fit_intercept, **obj
        ),
        abs=1e-13,
    )


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
@pytest.mark.parametrize("shape", SHAPES)
def test_kkt_conditions_at_the_solution(shape, l1_ratio, positive, fit_intercept):
    n, p = shape
    X, y, Xd = _problem(n, p, seed=11)
    sw = _int_weights(n) if l1_ratio == 0.5 else None
    alpha = 0.05
    w, b, _, _ = reference.enet_coordinate_descent(
        X,
        y,
        alpha=alpha,
        l1_ratio=l1_ratio,
        sample_weight=sw,
        fit_intercept=fit_intercept,
        positive=positive,
        tol=1e-15,
    )
    assert np.any(w != 0)
    g = _gradient(Xd, y, w, b, sw)
    _assert_kkt(g, w, alpha * l1_ratio, alpha * (1 - l1_ratio), positive, atol=1e-6)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.4])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_single_feature_closed_form(fit_intercept, l1_ratio):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(30) + 1.0
    y = 2.0 * x + rng.standard_normal(30) + 0.5
    sw = rng.uniform(0.5, 2.0, size=30)
    alpha = 0.3
    S = sw.sum()
    xc = x - sw @ x / S if fit_intercept else x
    yc = y - sw @ y / S if fit_intercept else y
    z = (sw * xc) @ yc / S
    expected = (
        np.sign(z)
        * max(abs(z) - alpha * l1_ratio, 0)
        / ((sw * xc) @ xc / S + alpha * (1 - l1_ratio))
    )
    w, b, _, _ = reference.enet_coordinate_descent(
        x[:, None],
        y,
        alpha=alpha,
        l1_ratio=l1_ratio,
        sample_weight=sw,
        fit_intercept=fit_intercept,
    )
    assert w[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_zero_and_constant_columns_get_zero_coefficients(fmt):
    _, y, Xd = _problem(40, 8, fmt=fmt, seed=2)
    Xd = Xd.copy()
    Xd[:, 2] = 0.0
    Xd[:, 5] = 3.7  # constant: zero once centred
    X = _as_format(Xd, fmt)
    alpha = 0.01
    w, b, _, _ = reference.lasso_coordinate_descent(
        X, y, alpha=alpha, coef_init=np.ones(8), tol=1e-13
    )
    assert w[2] == 0 and w[5] == 0
    w_sk, b_sk = _sklearn_enet(
        X, y, alpha=alpha, l1_ratio=1.0, sw=None, fit_intercept=True, positive=False
    )
    p_ref = _objective(Xd, y, w, b, alpha, 1.0)
    assert p_ref <= _objective(Xd, y, w_sk, b_sk, alpha, 1.0) * (1 + 1e-9)


def test_warm_start_max_iter_and_lasso_wrapper():
    X, y, _ = _problem(40, 15, seed=4)
    alpha = 0.05
    w, b, gap, n_iter = reference.lasso_coordinate_descent(X, y, alpha=alpha)
    assert n_iter > 1
    w_e, b_e, gap_e, n_iter_e = reference.enet_coordinate_descent(
        X, y, alpha=alpha, l1_ratio=1.0
    )
    np.testing.assert_array_equal(w, w_e)
    assert (b, gap, n_iter) == (b_e, gap_e, n_iter_e)

    start = w.copy()
    w2, _, gap2, n_iter2 = reference.lasso_coordinate_descent(
        X, y, alpha=alpha, coef_init=start
    )
    assert n_iter2 == 1 and gap2 <= max(gap, 1e-12)
    np.testing.assert_array_equal(start, w)  # coef_init is not modified

    _, _, gap_one, n_one = reference.lasso_coordinate_descent(
        X, y, alpha=alpha, max_iter=1
    )
    assert n_one == 1 and gap_one > gap

    w0, _, gap0, n0 = reference.lasso_coordinate_descent(
        X, y, alpha=alpha, max_iter=0, coef_init=start
    )
    np.testing.assert_array_equal(w0, start)
    assert n0 == 0 and gap0 == pytest.approx(gap)


def test_integer_and_float32_inputs_are_computed_in_float64():
    X, y, _ = _problem(30, 6, seed=8)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    w, b, gap, _ = reference.lasso_coordinate_descent(X32, y32, alpha=0.1)
    w64, b64, gap64, _ = reference.lasso_coordinate_descent(
        X32.astype(np.float64), y32.astype(np.float64), alpha=0.1
    )
    assert w.dtype == np.float64
    np.testing.assert_array_equal(w, w64)
    assert (b, gap) == (b64, gap64)
    Xi = np.round(X * 10).astype(np.int64)
    wi, *_ = reference.lasso_coordinate_descent(Xi, y, alpha=0.1)
    wf, *_ = reference.lasso_coordinate_descent(Xi.astype(np.float64), y, alpha=0.1)
    np.testing.assert_array_equal(wi, wf)


# --------------------------------------------------------------------------
# Duality gap
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["dense", "csr"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
def test_dual_gap_bounds_the_suboptimality(l1_ratio, positive, fit_intercept, fmt):
    n, p = 35, 20
    X, y, Xd = _problem(n, p, fmt=fmt, seed=21)
    sw = _int_weights(n, seed=5)
    alpha = 0.1
    w_star, b_star = _sklearn_enet(
        X,
        y,
        alpha=alpha,
        l1_ratio=l1_ratio,
        sw=sw,
        fit_intercept=fit_intercept,
        positive=positive,
    )
    p_star = _objective(Xd, y, w_star, b_star, alpha, l1_ratio, sw)
    kw = dict(
        alpha=alpha,
        l1_ratio=l1_ratio,
        sample_weight=sw,
        fit_intercept=fit_intercept,
        positive=positive,
    )
    rng = np.random.default_rng(0)
    points = [np.zeros(p), w_star]
    for scale in [1e-3, 1e-1, 1.0, 10.0]:
        points.append(w_star + scale * rng.standard_normal(p))
        points.append(scale * rng.standard_normal(p))
    for w in points:
        if positive:
            w = np.abs(w)
        b = _optimal_intercept(Xd, y, w, sw, fit_intercept)
        subopt = _objective(Xd, y, w, b, alpha, l1_ratio, sw) - p_star
        gap = reference.enet_dual_gap(X, y, w, **kw)
        assert gap >= -1e-12
        assert gap >= subopt - 1e-10 * p_star, (gap, subopt)

    # tiny at the optimum, large far from it
    assert reference.enet_dual_gap(X, y, w_star, **kw) <= 1e-9 * p_star
    far = np.abs(rng.standard_normal(p)) if positive else rng.standard_normal(p)
    assert reference.enet_dual_gap(X, y, far, **kw) > 1e-2


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_dual_gap_is_zero_at_zero_above_alpha_max(l1_ratio):
    X, y, _ = _problem(30, 10, seed=9)
    sw = _int_weights(30)
    amax = reference.alpha_max(X, y, l1_ratio=l1_ratio, sample_weight=sw)
    gap = reference.enet_dual_gap(
        X, y, np.zeros(10), alpha=amax, l1_ratio=l1_ratio, sample_weight=sw
    )
    assert abs(gap) <= 1e-12


def test_dual_gap_uses_a_fixed_intercept_only_without_fit_intercept():
    X, y, _ = _problem(30, 10, seed=10)
    w = np.random.default_rng(1).standard_normal(10)
    kw = dict(alpha=0.1, l1_ratio=0.5)
    shifted = reference.enet_dual_gap(X, y, w, 0.8, fit_intercept=False, **kw)
    assert shifted == pytest.approx(
        reference.enet_dual_gap(X, y - 0.8, w, fit_intercept=False, **kw)
    )
    assert reference.enet_dual_gap(X, y, w, 0.8, **kw) == reference.enet_dual_gap(
        X, y, w, -5.0, **kw
    )


# --------------------------------------------------------------------------
# alpha_max
# --------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_alpha_max_is_the_threshold_for_all_zero(
    fmt, fit_intercept, l1_ratio, weighted
):
    X, y, _ = _problem(40, 25, fmt=fmt, seed=3)
    sw = _int_weights(40) if weighted else None
    amax = reference.alpha_max(
        X, y, l1_ratio=l1_ratio, sample_weight=sw, fit_intercept=fit_intercept
    )
    kw = dict(l1_ratio=l1_ratio, sample_weight=sw, fit_intercept=fit_intercept)
    w_above, *_ = reference.enet_coordinate_descent(X, y, alpha=amax * 1.0001, **kw)
    w_below, *_ = reference.enet_coordinate_descent(X, y, alpha=amax * 0.99, **kw)
    assert np.all(w_above == 0) and np.any(w_below != 0)
    # the same threshold for scikit-learn
    sk = dict(sw=sw, fit_intercept=fit_intercept, positive=False, l1_ratio=l1_ratio)
    assert np.all(_sklearn_enet(X, y, alpha=amax * 1.0001, **sk)[0] == 0)
    assert np.any(_sklearn_enet(X, y, alpha=amax * 0.99, **sk)[0] != 0)


# --------------------------------------------------------------------------
# Ridge
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("two_d", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
@pytest.mark.parametrize("solver", ["cholesky", "svd"])
@pytest.mark.parametrize("shape", [(30, 10), (15, 25)])
def test_ridge_closed_form_matches_sklearn(
    shape, solver, fmt, two_d, weighted, fit_intercept
):
    n, p = shape
    X, y, Xd = _problem(n, p, fmt=fmt, seed=4)
    Y = np.column_stack([y, -2 * y + Xd[:, 0], np.ones(n)]) if two_d else y
    sw = np.random.default_rng(1).uniform(0.5, 2, size=n) if weighted else None
    coef, intercept = reference.ridge_closed_form(
        X, Y, alpha=3.0, sample_weight=sw, fit_intercept=fit_intercept
    )
    sk = sklm.Ridge(alpha=3.0, solver=solver, fit_intercept=fit_intercept)
    sk.fit(Xd, Y, sample_weight=sw)
    assert coef.shape == sk.coef_.shape
    np.testing.assert_allclose(coef, sk.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(intercept, sk.intercept_, rtol=1e-9, atol=1e-12)
    if two_d:
        assert intercept.shape == (3,)
    else:
        assert isinstance(intercept, float)


def test_ridge_per_target_alpha_matches_sklearn():
    X, y, _ = _problem(30, 10, seed=6)
    Y = np.column_stack([y, 0.5 * y + 1.0])
    alphas = np.array([0.1, 10.0])
    coef, intercept = reference.ridge_closed_form(X, Y, alpha=alphas)
    sk = sklm.Ridge(alpha=alphas, solver="svd").fit(X, Y)
    np.testing.assert_allclose(coef, sk.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(intercept, sk.intercept_, rtol=1e-9)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_objective_formula_and_stationarity(fit_intercept):
    X, y, Xd = _problem(30, 10, seed=12)
    sw = np.random.default_rng(2).uniform(0.5, 2, size=30)
    alpha = 2.5
    w, b = reference.ridge_closed_form(
        X, y, alpha=alpha, sample_weight=sw, fit_intercept=fit_intercept
    )
    r = y - Xd @ w - b
    assert reference.ridge_objective(
        X, y, w, b, alpha=alpha, sample_weight=sw
    ) == pytest.approx(np.sum(sw * r**2) + alpha * w @ w, rel=1e-13)
    # gradient of sum sw r^2 + alpha |w|^2 vanishes (w.r.t. b too if fitted)
    grad_w = -2 * Xd.T @ (sw * r) + 2 * alpha * w
    np.testing.assert_allclose(grad_w, 0, atol=1e-9)
    if fit_intercept:
        assert abs(np.sum(sw * r)) <= 1e-9
    else:
        assert b == 0.0


# --------------------------------------------------------------------------
# Logistic regression
# --------------------------------------------------------------------------


def _classes(n: int, p: int, n_classes: int, *, fmt: str = "dense", seed: int = 0):
    X, _, Xd = _problem(n, p, fmt=fmt, seed=seed)
    rng = np.random.default_rng(seed + 7)
    W = rng.standard_normal((n_classes, p)) * (rng.random((n_classes, p)) < 0.3)
    scores = Xd @ W.T + rng.gumbel(size=(n, n_classes))
    return X, np.argmax(scores, axis=1), Xd


def _logistic_by_hand(Xd, y, W, b, alpha, l1_ratio, sw):
    """The objective from its definition, one sample at a time."""
    total = 0.0
    for i in range(len(y)):
        z = Xd[i] @ W.T + b
        if len(z) == 1:
            s = 1.0 if y[i] == 1 else -1.0
            loss = np.log1p(np.exp(-s * z[0]))
        else:
            loss = np.log(np.sum(np.exp(z))) - z[y[i]]
        total += sw[i] * loss
    pen = alpha * (l1_ratio * np.abs(W).sum() + 0.5 * (1 - l1_ratio) * np.sum(W * W))
    return total / sw.sum() + pen


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_objective_is_the_documented_formula(n_classes):
    X, y, Xd = _classes(20, 6, n_classes, seed=3)
    rng = np.random.default_rng(4)
    rows = 1 if n_classes == 2 else n_classes
    W, b = rng.standard_normal((rows, 6)), rng.standard_normal(rows)
    sw = _int_weights(20)
    got = reference.logistic_objective(
        X, y, W, b, alpha=0.3, l1_ratio=0.4, sample_weight=sw
    )
    assert got == pytest.approx(_logistic_by_hand(Xd, y, W, b, 0.3, 0.4, sw), rel=1e-13)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_logistic_proximal_gradient_matches_sklearn(n_classes, fmt, l1_ratio):
    X, y, Xd = _classes(40, 15, n_classes, fmt=fmt, seed=5)
    alpha = 0.02
    W, b, n_iter = reference.logistic_proximal_gradient(
        X, y, alpha=alpha, l1_ratio=l1_ratio, multinomial=n_classes > 2, tol=1e-10
    )
    assert n_iter < 100_000
    theirs = sklm.LogisticRegression(
        C=1.0 / (40 * alpha), l1_ratio=l1_ratio, solver="saga", **SKLEARN_TIGHT
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs.fit(Xd, y)
    ours = reference.logistic_objective(X, y, W, b, alpha=alpha, l1_ratio=l1_ratio)
    p_theirs = reference.logistic_objective(
        X, y, theirs.coef_, theirs.intercept_, alpha=alpha, l1_ratio=l1_ratio
    )
    assert abs(ours - p_theirs) <= 1e-9 * p_theirs
    np.testing.assert_allclose(W, theirs.coef_, atol=1e-5)


@pytest.mark.parametrize("positive", [False, True])
def test_logistic_proximal_gradient_kkt_with_weights(positive):
    # Stationarity written out: (X^T R)_j + l2 w_j + l1 sign(w_j) = 0 on the
    # support, |(X^T R)_j| <= l1 (or -(X^T R)_j <= l1 when positive) off it,
    # and sum_i R_i = 0 for the intercept, R = (p - u) sw / S.
    X, y, Xd = _classes(50, 10, 2, seed=6)
    sw = _int_weights(50, seed=2)
    alpha, l1_ratio = 0.05, 0.8
    W, b, _ = reference.logistic_proximal_gradient(
        X,
        y,
        alpha=alpha,
        l1_ratio=l1_ratio,
        sample_weight=sw,
        positive=positive,
        tol=1e-11,
    )
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    w = W[0]
    prob = 1.0 / (1.0 + np.exp(-(Xd @ w + b[0])))
    R = (prob - (y == 1)) * sw / sw.sum()
    grad = Xd.T @ R + l2 * w
    on = w != 0
    assert on.any() and (~on).any()
    np.testing.assert_allclose(grad[on] + l1 * np.sign(w[on]), 0.0, atol=1e-9)
    off = -grad[~on] if positive else np.abs(grad[~on])
    assert np.all(off <= l1 + 1e-9)
    assert abs(R.sum()) <= 1e-10
    if positive:
        assert np.all(w >= 0)
